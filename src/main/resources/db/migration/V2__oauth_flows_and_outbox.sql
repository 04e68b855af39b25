-- Connect flows in progress. No secret is stored in the clear: the flow handle, the OAuth state and the
-- browser-binding value are kept as SHA-256 hashes, the PKCE verifier as AEAD ciphertext bound to the row.
CREATE TABLE oauth_flows (
    id                       UUID        PRIMARY KEY,
    handle_hash              BYTEA       NOT NULL,
    state_hash               BYTEA,
    binding_hash             BYTEA,
    user_id                  TEXT        NOT NULL,
    integration_type         TEXT        NOT NULL,
    provider                 TEXT        NOT NULL,
    pkce_verifier_ciphertext BYTEA       NOT NULL,
    return_to                TEXT        NOT NULL,
    display                  TEXT        NOT NULL CHECK (display IN ('redirect', 'popup')),
    created_at               TIMESTAMPTZ NOT NULL,
    expires_at               TIMESTAMPTZ NOT NULL,
    authorized_at            TIMESTAMPTZ,
    used_at                  TIMESTAMPTZ,
    CHECK ((state_hash IS NULL) = (authorized_at IS NULL))
);
-- /authorize finds a flow by its handle, /callback by its state.
CREATE UNIQUE INDEX oauth_flows_handle_uq ON oauth_flows (handle_hash);
CREATE UNIQUE INDEX oauth_flows_state_uq ON oauth_flows (state_hash);
-- The purge of old flows.
CREATE INDEX oauth_flows_expires_idx ON oauth_flows (expires_at);

-- Work that must eventually reach another system, written in the transaction of the change that causes
-- it and attempted by one replica at a time (claimed with FOR UPDATE SKIP LOCKED; next_attempt_at is
-- moved forward as a lease). A secret it needs is AEAD ciphertext bound to the row and destroyed when
-- the item is done.
CREATE TABLE outbox (
    id                UUID        PRIMARY KEY,
    kind              TEXT        NOT NULL,
    connection_id     UUID,
    payload           JSONB       NOT NULL DEFAULT '{}'::jsonb,
    secret_ciphertext BYTEA,
    created_at        TIMESTAMPTZ NOT NULL,
    attempts          INT         NOT NULL DEFAULT 0,
    next_attempt_at   TIMESTAMPTZ NOT NULL,
    last_error        TEXT,
    done_at           TIMESTAMPTZ,
    outcome           TEXT        CHECK (outcome IN ('delivered', 'gave_up')),
    CHECK ((done_at IS NULL) = (outcome IS NULL))
);
-- The due-scan: only open items, oldest due first.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE done_at IS NULL;
