-- Chorus domain schema (DESIGN §2). Forward-only; later migrations add to it.

CREATE TABLE actors (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    group_key    text NOT NULL,
    description  text NOT NULL DEFAULT '',
    illustrative boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sources (
    id           bigserial PRIMARY KEY,
    platform     text NOT NULL CHECK (platform IN ('telegram', 'twitter')),
    handle       text NOT NULL,
    actor_id     bigint REFERENCES actors (id) ON DELETE SET NULL,
    role         text NOT NULL DEFAULT 'observer' CHECK (role IN ('actor', 'observer')),
    kind         text NOT NULL DEFAULT 'account' CHECK (kind IN ('account', 'channel', 'search')),
    query        text,                       -- saved searches: the query analysts watch
    platform_id  bigint,                     -- resolved numeric id (channel id / user id)
    access_hash  bigint,                     -- Telegram only
    cited_in     jsonb NOT NULL DEFAULT '[]'::jsonb,  -- [{report, footnotes, outlet}]
    illustrative boolean NOT NULL DEFAULT false,
    active       boolean NOT NULL DEFAULT true,
    interval_minutes integer,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sources_platform_handle_key ON sources (platform, lower(handle));
CREATE INDEX sources_actor_idx ON sources (actor_id);

CREATE TABLE import_files (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    name        text NOT NULL,
    sha256      text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    counts      jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE TABLE posts (
    id              bigserial PRIMARY KEY,
    platform        text NOT NULL,
    source_id       bigint NOT NULL REFERENCES sources (id),
    native_id       text NOT NULL,
    kind            text NOT NULL DEFAULT 'post'
                    CHECK (kind IN ('post', 'forward', 'retweet', 'quote', 'reply')),
    url             text,
    lang            text,
    posted_at       timestamptz NOT NULL,
    edited_at       timestamptz,
    text            text NOT NULL DEFAULT '',
    normalized_text text NOT NULL DEFAULT '',
    content_hash    bytea NOT NULL,          -- sha256 of text
    norm_hash       bytea NOT NULL,          -- sha256 of normalized_text: copies and dedup
    forwarded_from  text,                    -- channel/user the content came from
    forwarded_from_id text,                  -- original message / tweet id
    reply_to        text,
    quote_of        text,
    links           jsonb NOT NULL DEFAULT '[]'::jsonb,
    metrics         jsonb NOT NULL DEFAULT '{}'::jsonb,
    media           jsonb,
    raw             jsonb NOT NULL DEFAULT '{}'::jsonb,
    import_file_id  bigint REFERENCES import_files (id),
    version_count   integer NOT NULL DEFAULT 1,
    fetched_at      timestamptz NOT NULL DEFAULT now(),
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    deleted_seen_at timestamptz,
    search          tsvector GENERATED ALWAYS AS (to_tsvector('simple', normalized_text)) STORED,
    CONSTRAINT posts_native_key UNIQUE (platform, source_id, native_id)
);
CREATE INDEX posts_source_time_idx ON posts (source_id, posted_at);
CREATE INDEX posts_time_idx ON posts (posted_at);
CREATE INDEX posts_norm_hash_idx ON posts (norm_hash);
CREATE INDEX posts_search_idx ON posts USING gin (search);

-- Every text a post has had; version 1 is the first one seen.
CREATE TABLE post_versions (
    post_id      bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    version      integer NOT NULL,
    text         text NOT NULL,
    content_hash bytea NOT NULL,
    edited_at    timestamptz,
    seen_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, version)
);

CREATE TABLE narratives (
    key          text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    names        jsonb NOT NULL,             -- {en, ar, fa}
    descriptions jsonb NOT NULL,
    examples     jsonb NOT NULL DEFAULT '{}'::jsonb,
    cues         jsonb NOT NULL DEFAULT '{}'::jsonb,
    threshold    real NOT NULL DEFAULT 0.5 CHECK (threshold > 0 AND threshold <= 1),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Current model tags: one row per (post, narrative); re-tagging replaces them.
CREATE TABLE tags (
    post_id       bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    narrative     text NOT NULL REFERENCES narratives (key),
    score         real NOT NULL,
    method        text NOT NULL,
    model_version text NOT NULL,
    evidence      jsonb NOT NULL DEFAULT '{}'::jsonb,  -- {text, start, end, kind}
    tagged_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, narrative)
);
CREATE INDEX tags_narrative_idx ON tags (narrative, post_id);

-- Which model version last looked at a post (also when it found nothing).
CREATE TABLE post_tagging (
    post_id       bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    model_version text NOT NULL,
    tagged_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_tagging_version_idx ON post_tagging (model_version);

-- Analyst labels: history kept; the newest per (post, narrative) is in force.
CREATE TABLE labels (
    id         bigserial PRIMARY KEY,
    post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    narrative  text NOT NULL REFERENCES narratives (key),
    verdict    text NOT NULL CHECK (verdict IN ('confirm', 'reject')),
    analyst    text NOT NULL,
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX labels_post_idx ON labels (post_id, narrative, created_at DESC);
CREATE INDEX labels_narrative_idx ON labels (narrative);

CREATE VIEW current_labels AS
SELECT DISTINCT ON (post_id, narrative) id, post_id, narrative, verdict, analyst, note, created_at
FROM labels
ORDER BY post_id, narrative, created_at DESC, id DESC;

CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    occurred_at timestamptz NOT NULL,
    description text NOT NULL DEFAULT '',
    source      text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'candidate', 'dismissed')),
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_time_idx ON events (occurred_at);

-- Per-source collection state: the daemon must tell quiet from blind.
CREATE TABLE collector_state (
    source_id          bigint PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    checkpoint         text,
    state              text NOT NULL DEFAULT 'never'
                       CHECK (state IN ('never', 'ok', 'rate_limited', 'cap_reached', 'failed', 'logged_out')),
    last_run_at        timestamptz,
    last_success_at    timestamptz,
    last_error_at      timestamptz,
    last_error         text,
    rate_limited_until timestamptz,
    detail             jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE collection_runs (
    id          bigserial PRIMARY KEY,
    source_id   bigint REFERENCES sources (id) ON DELETE CASCADE,
    platform    text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status      text NOT NULL DEFAULT 'running',
    fetched     integer NOT NULL DEFAULT 0,
    inserted    integer NOT NULL DEFAULT 0,
    updated     integer NOT NULL DEFAULT 0,
    unchanged   integer NOT NULL DEFAULT 0,
    errors      integer NOT NULL DEFAULT 0,
    error       text,
    rate_limit  jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX collection_runs_source_idx ON collection_runs (source_id, started_at DESC);

CREATE TABLE job_runs (
    id          bigserial PRIMARY KEY,
    job         text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status      text NOT NULL DEFAULT 'running',
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    error       text
);
CREATE INDEX job_runs_job_idx ON job_runs (job, started_at DESC);

CREATE TABLE digests (
    digest_date date PRIMARY KEY,
    message_id  text NOT NULL UNIQUE,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'written', 'failed')),
    recipients  jsonb NOT NULL DEFAULT '[]'::jsonb,
    path        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
