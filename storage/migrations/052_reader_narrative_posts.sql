-- The SQL tab reads narrative membership from convergence's trigger-maintained table
-- (migration 030) instead of recomputing it: one definition, and an indexed one.
CREATE OR REPLACE VIEW reader.effective_tags AS
SELECT post_id, narrative, score, via AS basis, source_id, posted_at FROM narrative_posts;

-- Per-day figures per narrative (refreshed from dirty days by the convergence job).
CREATE VIEW reader.narrative_daily AS
SELECT narrative, day, actors, groups, posts, observer_posts FROM narrative_daily;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_reader') THEN
        GRANT SELECT ON reader.narrative_daily TO chorus_reader;
    END IF;
END $$;
