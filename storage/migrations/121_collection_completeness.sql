-- Completeness (issue 15): what collection may have missed, per source and day.
--
-- Telegram numbers a channel's messages one by one. Ids that history never returned
-- (neither a post nor a service message) between two it did are "possible missing posts"
-- (deleted before Chorus saw them, or not returned); a deletion Chorus saw keeps its post
-- row, so it is never a gap. Each gap is re-fetched once by id when found: `recovered`
-- came back then, `missing` stayed missing.
--
-- X: where a response says how many tweets it holds (meta.result_count), the count it
-- reported beside the tweets Chorus could store from it.

CREATE TABLE collection_gaps (
    id bigserial PRIMARY KEY,
    source_id bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    day date NOT NULL,  -- the UTC day of the message after the gap
    after_id bigint NOT NULL,
    before_id bigint NOT NULL,
    missing integer NOT NULL CHECK (missing >= 0),
    recovered integer NOT NULL DEFAULT 0 CHECK (recovered >= 0),
    found_at timestamptz NOT NULL,
    refetched_at timestamptz,
    CHECK (before_id > after_id + 1),
    UNIQUE (source_id, after_id, before_id)
);
CREATE INDEX collection_gaps_day_idx ON collection_gaps (day, source_id);

CREATE TABLE collection_counts (
    source_id bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    day date NOT NULL,  -- the UTC day the pages were read
    reported integer NOT NULL DEFAULT 0 CHECK (reported >= 0),
    stored integer NOT NULL DEFAULT 0 CHECK (stored >= 0),
    PRIMARY KEY (source_id, day)
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON collection_gaps, collection_counts TO chorus_app;
        GRANT USAGE, SELECT, UPDATE ON SEQUENCE collection_gaps_id_seq TO chorus_app;
    END IF;
END $$;
