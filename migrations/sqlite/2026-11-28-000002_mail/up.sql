-- The outbox: one row per logical email, written in the same transaction as the change that
-- causes it; the unique key makes enqueueing the same message twice a no-op.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_key TEXT NOT NULL UNIQUE,
    message_id TEXT NOT NULL UNIQUE,
    recipient_email TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    user_id BIGINT,
    person_id BIGINT,
    template TEXT NOT NULL,
    language TEXT NOT NULL,
    data_json TEXT NOT NULL,
    attachment_kind TEXT,
    attachment_ref BIGINT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_answer TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_person ON outbox(person_id);
CREATE INDEX outbox_user ON outbox(user_id);

-- Single-use links (invitations, password resets); only a hash of the token is stored.
CREATE TABLE account_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX account_tokens_user ON account_tokens(user_id);
