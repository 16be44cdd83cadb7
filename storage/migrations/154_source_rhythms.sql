-- Each source's posting rhythm, kept for the health rule's silence check (issue 15). The
-- typical gap between a source's posts (a high percentile over the trailing days) moves
-- slowly, but reading it means up to 200 posts per source: about 170 ms a minute for 2,300
-- sources at 5,500,000 posts. The alerts run reads it from here, refreshed when older than an
-- hour (storage/source_rhythm.py). A source whose newest post then was recent enough cannot
-- be silent now; only the others have their newest post read again, live.

CREATE TABLE source_rhythms (
    days           integer NOT NULL,
    percentile     double precision NOT NULL,
    source_id      bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    posts          integer NOT NULL,           -- posts the rhythm was read from (at most 200)
    typical_gap_s  double precision,           -- NULL with a single post
    latest_post_at timestamptz NOT NULL,       -- its newest post when computed
    computed_at    timestamptz NOT NULL,       -- the evaluation time it was computed for
    PRIMARY KEY (days, percentile, source_id)
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON source_rhythms TO chorus_app;
    END IF;
END $$;
