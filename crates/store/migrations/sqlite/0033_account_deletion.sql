-- Deleting an account: the person's row stays (orders, reviews and the
-- ledger point at it) under a pseudonym, and says when it was deleted.
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
