-- Exactly-once digests (record-then-send): the exact message is recorded before it is sent,
-- so a resend after a crash repeats the same bytes and the same Message-ID.
ALTER TABLE digests ADD COLUMN message bytea;
ALTER TABLE digests ADD COLUMN transport text NOT NULL DEFAULT 'smtp'
    CHECK (transport IN ('smtp', 'outbox'));
ALTER TABLE digests ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE digests ADD COLUMN last_attempt_at timestamptz;
ALTER TABLE digests ADD COLUMN last_error text;
