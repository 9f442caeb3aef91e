-- Login throttling counted in the database (shared by every instance): one row per key (a
-- SHA-256 of the normalised email, the address, or both), with a fixed window in Unix seconds.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    attempts INTEGER NOT NULL,
    window_start BIGINT NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle(window_start);

-- When a one-time password stops working (NULL for a password the person chose).
ALTER TABLE users ADD COLUMN password_expires_at TIMESTAMP;
