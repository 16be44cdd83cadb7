-- Alerts within minutes (issue 15): rules, the incidents they find, and each delivery of an
-- incident's version to a channel, recorded before it is sent (monitor/alerts/deliver.py).
--
-- No secret is stored here: a webhook channel names its secret (`secret`: a name), whose
-- value lives in the secrets file (webhook_secret_<name>) or the environment
-- (CHORUS_WEBHOOK_SECRET_<NAME>). The reader role sees none of these tables.

CREATE TABLE alert_rules (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$'),
    kind text NOT NULL CHECK (kind IN ('convergence', 'search', 'health')),
    -- Validated in Python (monitor/alerts/rules.py) before it is stored.
    params jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    -- [{"type": "webhook", "url": ..., "format": "generic"|"slack", "secret": NAME},
    --  {"type": "email", "to": [...]}]
    channels jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(channels) = 'array'),
    quiet_start time,
    quiet_end time,
    quiet_timezone text NOT NULL DEFAULT 'UTC',
    max_per_hour integer NOT NULL DEFAULT 12 CHECK (max_per_hour > 0),
    enabled boolean NOT NULL DEFAULT true,
    -- Evaluation watermarks: rows newer than these are what the next evaluation reads.
    seen_post_id bigint NOT NULL DEFAULT 0,
    seen_until timestamptz,
    evaluated_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);

CREATE TABLE alert_incidents (
    id bigserial PRIMARY KEY,
    rule_id bigint NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    incident_key text NOT NULL,
    version integer NOT NULL DEFAULT 1 CHECK (version > 0),
    state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    summary text NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
    first_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (rule_id, incident_key)
);

CREATE TABLE alert_deliveries (
    id bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES alert_incidents (id) ON DELETE CASCADE,
    rule_id bigint NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    channel text NOT NULL,
    version integer NOT NULL,
    -- pending: recorded, not tried; sending: handed over, outcome unknown (a crash here
    -- resends the same body under the same idempotency key); superseded: a newer version
    -- of the incident was recorded for the channel before this one left.
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'superseded')),
    idempotency_key text NOT NULL UNIQUE,
    body bytea NOT NULL,
    not_before timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    created_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    sent_at timestamptz,
    UNIQUE (incident_id, channel, version)
);

CREATE INDEX alert_deliveries_open_idx ON alert_deliveries (not_before)
    WHERE status IN ('pending', 'sending', 'failed');
CREATE INDEX alert_deliveries_rule_sent_idx ON alert_deliveries (rule_id, sent_at)
    WHERE status = 'sent';

-- What is new since a rule's watermark, without scanning: tags and labels by time.
CREATE INDEX tags_tagged_at_idx ON tags (tagged_at);
CREATE INDEX labels_created_at_idx ON labels (created_at);

-- The application role runs the daemon and the CLI (default privileges of migration 070
-- cover tables created by the same migrating role; granted here too for any other).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON alert_rules, alert_incidents, alert_deliveries
            TO chorus_app;
        GRANT USAGE, SELECT, UPDATE ON SEQUENCE alert_rules_id_seq, alert_incidents_id_seq,
            alert_deliveries_id_seq TO chorus_app;
    END IF;
END $$;
