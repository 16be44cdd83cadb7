-- Significance of a convergence (issue 14, DESIGN §4): the adopters-within-24 h measure at
-- placebo instants, cached per event and narrative (storage/convergence_significance.py).
--
-- A cached row holds the placebo counts for one set of instants (`instants_key`, a digest
-- of the instants, which follow from the event, the collected period and the confirmed
-- events around it) and the snapshot its counts were read in. Every change that can alter
-- counts marks its UTC days in convergence_dirty_days (tags, labels, thresholds, posts,
-- sources, actors; migration 030); the trigger below logs each such statement's days with
-- its transaction id. A cached row is valid while no logged change that its snapshot did not
-- see overlaps the days it read: a change committed after the counts were read, even by a
-- transaction that started before, invalidates it, and nobody has to delete anything in the
-- writer's path (the writers never wait on each other or on a report).
CREATE TABLE convergence_placebo (
    event_id     bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    narrative    text NOT NULL REFERENCES narratives (key) ON DELETE CASCADE ON UPDATE CASCADE,
    instants_key text NOT NULL,
    day_from     date NOT NULL,  -- the UTC days the counts read
    day_to       date NOT NULL,
    counts       integer[] NOT NULL,  -- adopting actors in each placebo window, in instant order
    snap         pg_snapshot NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, narrative)
);

-- Append-only log of changed days; reports prune entries older than a week once the cached
-- rows they invalidate are gone (storage/convergence_significance.py). Most entries are
-- today's collection, after the days any cached row read: the index on day_from skips them.
CREATE TABLE convergence_placebo_changes (
    day_from  date NOT NULL,
    day_to    date NOT NULL,
    xid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    logged_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX convergence_placebo_changes_day_idx
    ON convergence_placebo_changes (day_from, day_to);
CREATE INDEX convergence_placebo_changes_logged_idx ON convergence_placebo_changes (logged_at);

CREATE FUNCTION convergence_on_dirty_days() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO convergence_placebo_changes (day_from, day_to)
    SELECT min(day), max(day) FROM changed_rows HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER convergence_dirty_days_placebo AFTER INSERT ON convergence_dirty_days
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_dirty_days();

-- The full rebuild empties narrative_posts without marking days: every cached count is stale.
CREATE FUNCTION convergence_on_rebuild() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO convergence_placebo_changes (day_from, day_to)
    VALUES ('-infinity', 'infinity');
    RETURN NULL;
END
$$;

CREATE TRIGGER narrative_posts_truncate_placebo AFTER TRUNCATE ON narrative_posts
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_rebuild();
