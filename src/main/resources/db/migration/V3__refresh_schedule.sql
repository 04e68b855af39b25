-- The refresh schedule of each grant. refresh_due_at is the one column the due-scan reads: it is set to
-- (expiry - lead time) when a grant is stored, pushed out by backoff after a failure, and to the lease's end
-- when a replica claims the grant, so a crashed replica's claim simply falls due again. NULL: not scheduled
-- (needs_reauth, revoked, or no refresh token).
ALTER TABLE integration_tokens
    ADD COLUMN refresh_due_at      TIMESTAMPTZ,
    ADD COLUMN refresh_lease_until TIMESTAMPTZ,
    ADD COLUMN refresh_failures    INT NOT NULL DEFAULT 0,
    ADD COLUMN last_refresh_error  TEXT;

UPDATE integration_tokens SET refresh_due_at = token_expires_at - interval '5 minutes'
 WHERE status IN ('active', 'degraded') AND refresh_token_ciphertext IS NOT NULL;

-- The due-scan: WHERE status IN ('active','degraded') AND refresh_due_at <= now() ORDER BY refresh_due_at
-- LIMIT n FOR UPDATE SKIP LOCKED reads only the rows it returns.
CREATE INDEX integration_tokens_refresh_due_idx ON integration_tokens (refresh_due_at)
    WHERE status IN ('active', 'degraded');
-- Grants by status, for the metrics.
CREATE INDEX integration_tokens_status_idx ON integration_tokens (status);

-- Webhooks of one connection are delivered in the order they were written.
ALTER TABLE outbox ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE INDEX outbox_connection_open_idx ON outbox (connection_id, kind, seq) WHERE done_at IS NULL;
