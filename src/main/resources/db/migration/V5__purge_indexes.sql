-- The batched purge of finished outbox items (hub.outbox.retention after they finished).
CREATE INDEX outbox_done_idx ON outbox (done_at) WHERE done_at IS NOT NULL;
