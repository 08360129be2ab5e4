-- The language a person chose with the switch in the page, kept with the
-- account so that it follows them to every browser they sign in from.
ALTER TABLE users ADD COLUMN lang TEXT;
