-- Requests that carried an Idempotency-Key, for actions whose provider offers no idempotency of its own (Gmail
-- send). The first request with a key claims it (INSERT ... ON CONFLICT); a repeat with the same request replays
-- the stored result, one with a different request is refused. The fingerprint is the SHA-256 of the request,
-- computed by the caller, so the request itself is not stored. A row older than hub.idempotency.retention counts
-- as absent and is purged.
CREATE TABLE idempotency_keys (
    caller      TEXT        NOT NULL,
    idem_key    TEXT        NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
    operation   TEXT        NOT NULL,
    fingerprint BYTEA       NOT NULL CHECK (octet_length(fingerprint) = 32),
    state       TEXT        NOT NULL CHECK (state IN ('in_progress', 'succeeded', 'unknown')),
    result      TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    PRIMARY KEY (caller, idem_key),
    -- Only a success has a result (JSON); only a running request is unfinished.
    CHECK ((result IS NOT NULL) = (state = 'succeeded')),
    CHECK ((finished_at IS NULL) = (state = 'in_progress'))
);
-- The batched purge of keys older than the retention.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
