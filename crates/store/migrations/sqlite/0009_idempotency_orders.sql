-- An Idempotency-Key now records only the order it created; a retry is
-- answered with that order as it was created. Answers stored as text before
-- (cart checkouts) give up their order id first.
UPDATE idempotency_keys SET order_id = json_extract(response_body, '$.id')
    WHERE order_id IS NULL AND response_body <> '';
DELETE FROM idempotency_keys WHERE order_id IS NULL;
ALTER TABLE idempotency_keys DROP COLUMN response_status;
ALTER TABLE idempotency_keys DROP COLUMN response_body;
