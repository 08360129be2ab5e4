-- Browsers an account has signed in from: a Haul-issued cookie, kept as its
-- hash. A correct password from one of them is never held back by the
-- guessing limit, so an attacker cannot lock the owner out.
CREATE TABLE login_devices (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);
