-- An Idempotency-Key now records only the order it created; a retry is
-- answered with that order as it was created. Answers stored as text before
-- (cart checkouts) give up their order id. The old columns stay, filled with
-- placeholders by this version, so that nodes of the previous version keep
-- working during a rolling upgrade (and after a rollback); a later migration
-- drops them.
UPDATE idempotency_keys SET order_id = json_extract(response_body, '$.id')
    WHERE order_id IS NULL AND json_valid(response_body);
