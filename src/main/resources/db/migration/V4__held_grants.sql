-- The confirmation step (DESIGN.md "Security rules"): the grant a callback wins is held with its flow, as
-- AEAD ciphertext bound to the flow row, until the platform user who started the flow confirms it with the
-- one-time code delivered to the browser that finished it (stored as a SHA-256 hash). A held grant that is
-- never confirmed is revoked at the provider and destroyed by the purge once the flow has expired.
ALTER TABLE oauth_flows
    ADD COLUMN confirmation_hash     BYTEA,
    ADD COLUMN held_grant_ciphertext BYTEA,
    ADD COLUMN confirmed_at          TIMESTAMPTZ;
CREATE UNIQUE INDEX oauth_flows_confirmation_uq ON oauth_flows (confirmation_hash);
-- The purge of held grants never confirmed.
CREATE INDEX oauth_flows_held_idx ON oauth_flows (expires_at) WHERE held_grant_ciphertext IS NOT NULL;
-- The per-user cap on open flows counts a user's unused, unexpired flows.
CREATE INDEX oauth_flows_user_open_idx ON oauth_flows (user_id, expires_at) WHERE used_at IS NULL;
