-- Telegram channels met in forward headers (issue 16): Telegram sends the origin channel of a
-- forward with the messages (id, access hash, username, title) when the reader may see it.
-- Kept here, a discovered channel is collected by its id and access hash straight away,
-- never looked up by username (username resolution is the most rate-limited call).

CREATE TABLE telegram_channels (
    channel_id   bigint PRIMARY KEY,
    access_hash  bigint NOT NULL,
    username     text CHECK (username ~ '^[A-Za-z][A-Za-z0-9_]{3,31}$'),
    title        text NOT NULL DEFAULT '' CHECK (length(title) <= 255),
    first_seen   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX telegram_channels_username_idx ON telegram_channels (lower(username));

-- The application writes it (default privileges of migration 070 grant it as well); the
-- reader role sees no access hash: no view in schema reader shows this table.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_app') THEN
        GRANT SELECT, INSERT, UPDATE ON telegram_channels TO chorus_app;
    END IF;
END $$;
