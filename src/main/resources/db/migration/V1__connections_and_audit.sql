-- Connections of users to outside accounts, with their encrypted grants. The table keeps the name of
-- the earlier module ("integration_tokens") so that existing queries still find it; the token columns
-- now hold Tink AEAD ciphertext bound to (row id, token kind).
CREATE TABLE integration_tokens (
    id                       UUID        PRIMARY KEY,
    user_id                  TEXT        NOT NULL CHECK (length(user_id) BETWEEN 1 AND 255),
    integration_type         TEXT        NOT NULL CHECK (integration_type ~ '^[a-z][a-z0-9_]{0,31}$'),
    provider                 TEXT        NOT NULL CHECK (provider ~ '^[a-z][a-z0-9_-]{0,31}$'),
    account_subject          TEXT        NOT NULL CHECK (length(account_subject) BETWEEN 1 AND 255),
    account_email            TEXT,
    granted_scopes           TEXT[]      NOT NULL DEFAULT '{}',
    status                   TEXT        NOT NULL
                                         CHECK (status IN ('active', 'degraded', 'needs_reauth', 'revoked')),
    access_token_ciphertext  BYTEA,
    refresh_token_ciphertext BYTEA,
    token_expires_at         TIMESTAMPTZ,
    last_refreshed_at        TIMESTAMPTZ,
    metadata                 JSONB       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    version                  BIGINT      NOT NULL DEFAULT 0,
    -- One connection per account: reconnecting the same account replaces its grant.
    -- Its leading user_id column also serves "a user's connections" (list, get by id and owner).
    CONSTRAINT integration_tokens_account_uq UNIQUE (user_id, integration_type, provider, account_subject)
);

-- Who did what to which connection, and when. Rows outlive the connection they name, so there is no
-- foreign key.
CREATE TABLE audit_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at   TIMESTAMPTZ NOT NULL,
    actor         TEXT        NOT NULL,
    action        TEXT        NOT NULL,
    connection_id UUID,
    detail        JSONB       NOT NULL DEFAULT '{}'::jsonb
);

-- The audit trail of one connection, newest first.
CREATE INDEX audit_log_connection_idx ON audit_log (connection_id, occurred_at);
-- What one actor (a user or a platform service) did, newest first.
CREATE INDEX audit_log_actor_idx ON audit_log (actor, occurred_at);
