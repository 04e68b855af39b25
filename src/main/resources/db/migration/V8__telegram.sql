-- One-time codes of Telegram deep links (https://t.me/<bot>?start=<code>): stored hashed, for the user who asked,
-- until they expire (hub.flow.ttl). Redeeming deletes the row.
CREATE TABLE telegram_link_codes (
    code_hash  BYTEA       PRIMARY KEY CHECK (length(code_hash) = 32),
    user_id    TEXT        NOT NULL CHECK (length(user_id) BETWEEN 1 AND 255),
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX telegram_link_codes_user_idx ON telegram_link_codes (user_id, expires_at);
CREATE INDEX telegram_link_codes_expires_idx ON telegram_link_codes (expires_at);

-- Updates from Telegram already handled, by update_id: Telegram delivers an update again until it gets a 2xx.
CREATE TABLE telegram_updates (
    update_id   BIGINT      PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX telegram_updates_received_idx ON telegram_updates (received_at);

-- A group or channel a user asked messages to go to, until they type the code the bot posted there.
CREATE TABLE telegram_chat_checks (
    connection_id UUID        PRIMARY KEY REFERENCES integration_tokens (id) ON DELETE CASCADE,
    chat_id       TEXT        NOT NULL CHECK (length(chat_id) BETWEEN 1 AND 64),
    code_hash     BYTEA       NOT NULL CHECK (length(code_hash) = 32),
    failed_tries  INTEGER     NOT NULL DEFAULT 0 CHECK (failed_tries >= 0),
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX telegram_chat_checks_expires_idx ON telegram_chat_checks (expires_at);
