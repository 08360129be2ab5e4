-- An Idempotency-Key now records only the order it created; a retry is
-- answered with that order as it was created. Answers stored as text before
-- (cart checkouts) give up their order id (the first "id" of the stored
-- body is the order's: lines come after it). The old columns stay, filled
-- with placeholders by this version, so that nodes of the previous version
-- keep working during a rolling upgrade (and after a rollback); a later
-- migration drops them.
UPDATE idempotency_keys SET order_id = CAST(substring(response_body from '^\{"id":([0-9]{1,18})[,}]') AS BIGINT)
    WHERE order_id IS NULL AND response_body LIKE '{"id":%';
