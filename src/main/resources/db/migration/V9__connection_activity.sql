-- What happened with each connection, as its owner sees it (GET /api/integrations/{id}/activity). Rows outlive
-- the connection they name (a disconnected connection's history stays readable until retention), so there is no
-- foreign key; they hold no token, no message body and no file content.
CREATE TABLE connection_activity (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id UUID        NOT NULL,
    user_id       TEXT        NOT NULL,
    -- Never changes once written, so that keyset pages stay stable while new entries arrive.
    occurred_at   TIMESTAMPTZ NOT NULL,
    kind          TEXT        NOT NULL CHECK (kind IN ('connected', 'renewed', 'refreshed', 'token_handed_out',
                                                       'gmail_sent', 'drive_uploaded', 'telegram_sent',
                                                       'needs_reauth', 'recovered', 'revoked', 'disconnected')),
    actor         TEXT        NOT NULL,
    details       JSONB       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
    -- Refreshes collapse to one row per connection and UTC day: the day, how many, and the last one.
    refresh_day   DATE        CHECK ((refresh_day IS NOT NULL) = (kind = 'refreshed')),
    count         INTEGER     NOT NULL DEFAULT 1 CHECK (count >= 1),
    last_at       TIMESTAMPTZ
);

-- One page of a person's activity across their connections, newest first: an index range scan that stops after
-- `limit` rows, whatever the history's size (keyset pagination on (occurred_at, id)).
CREATE INDEX connection_activity_user_idx ON connection_activity (user_id, occurred_at DESC, id DESC);
-- The same for one connection.
CREATE INDEX connection_activity_connection_idx ON connection_activity (connection_id, occurred_at DESC, id DESC);
-- The refresh collapse: the upsert's conflict target, one row per connection and day.
CREATE UNIQUE INDEX connection_activity_refresh_day_uq ON connection_activity (connection_id, refresh_day)
    WHERE refresh_day IS NOT NULL;
-- The batched retention purge (hub.activity.retention): the oldest rows first.
CREATE INDEX connection_activity_occurred_idx ON connection_activity (occurred_at);
