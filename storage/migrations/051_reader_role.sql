-- The SQL tab's login role and the curated views it may read (issue 7).
--
-- Safety comes from the role, not from parsing SQL: chorus_reader may SELECT these views and
-- nothing else; storage/readonly.py runs each query alone in a READ ONLY transaction with
-- SET LOCAL statement_timeout, on a connection of its own that is closed afterwards.
--
-- The role is cluster-wide; this migration runs once per database, possibly in parallel
-- (tests), so creating it tolerates losing the race. It has no password: on a server with
-- trust for 127.0.0.1 it just works; on a password-auth server an operator runs
--     ALTER ROLE chorus_reader PASSWORD '...';
-- and stores the same password as the secret sql_reader_password (see `chorus config`).

CREATE SCHEMA reader;

CREATE VIEW reader.actors AS
SELECT id, name, group_key, description, illustrative, created_at FROM actors;

CREATE VIEW reader.sources AS
SELECT s.id, s.platform, s.handle, s.actor_id, a.name AS actor, a.group_key, s.role, s.kind,
       s.query, s.platform_id, s.cited_in, s.illustrative, s.active, s.created_at
FROM sources s LEFT JOIN actors a ON a.id = s.actor_id;

CREATE VIEW reader.posts AS
SELECT p.id, p.platform, p.source_id, s.handle, s.actor_id, p.native_id, p.kind, p.url, p.lang,
       p.posted_at, p.edited_at, p.text, p.normalized_text, p.forwarded_from,
       p.forwarded_from_id, p.reply_to, p.quote_of, p.links, p.metrics, p.media, p.raw,
       p.version_count, p.fetched_at, p.first_seen_at, p.deleted_seen_at, p.search
FROM posts p JOIN sources s ON s.id = p.source_id;

CREATE VIEW reader.post_versions AS
SELECT post_id, version, text, edited_at, seen_at FROM post_versions;

CREATE VIEW reader.narratives AS
SELECT key, names, descriptions, examples, threshold, updated_at FROM narratives;

CREATE VIEW reader.tags AS
SELECT post_id, narrative, score, method, model_version, evidence, tagged_at FROM tags;

CREATE VIEW reader.labels AS
SELECT id, post_id, narrative, verdict, analyst, note, created_at FROM current_labels;

CREATE VIEW reader.label_history AS
SELECT id, post_id, narrative, verdict, analyst, note, created_at FROM labels;

-- DESIGN §4: a post carries a narrative when the model scored it over the narrative's
-- threshold or an analyst confirmed it, unless the newest analyst label rejects it.
CREATE VIEW reader.effective_tags AS
SELECT t.post_id, t.narrative, t.score, 'model'::text AS basis
FROM tags t JOIN narratives n ON n.key = t.narrative
WHERE t.score >= n.threshold
  AND NOT EXISTS (SELECT 1 FROM current_labels l WHERE l.post_id = t.post_id
                  AND l.narrative = t.narrative AND l.verdict = 'reject')
UNION ALL
SELECT l.post_id, l.narrative, t.score, 'label'::text
FROM current_labels l
LEFT JOIN tags t ON t.post_id = l.post_id AND t.narrative = l.narrative
LEFT JOIN narratives n ON n.key = l.narrative
WHERE l.verdict = 'confirm' AND (t.score IS NULL OR t.score < n.threshold);

CREATE VIEW reader.events AS
SELECT id, name, occurred_at, description, source, status, detail, created_at FROM events;

CREATE VIEW reader.collector_state AS
SELECT source_id, state, last_run_at, last_success_at, last_error_at, last_error,
       rate_limited_until, updated_at
FROM collector_state;

CREATE VIEW reader.collection_runs AS
SELECT id, source_id, platform, started_at, finished_at, status, fetched, inserted, updated,
       unchanged, errors, error
FROM collection_runs;

DO $$
DECLARE
    created boolean := false;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_reader') THEN
        BEGIN
            CREATE ROLE chorus_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
                NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 32;
            created := true;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL;  -- a migration of another database created it first
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'cannot create role chorus_reader (needs CREATEROLE); the SQL tab '
                             'stays off until an operator runs: CREATE ROLE chorus_reader LOGIN';
        END;
    END IF;
    IF created THEN
        -- Defaults for any session of the role; the runner also sets them per query.
        ALTER ROLE chorus_reader SET default_transaction_read_only = on;
        ALTER ROLE chorus_reader SET statement_timeout = '5s';
        ALTER ROLE chorus_reader SET idle_in_transaction_session_timeout = '10s';
        ALTER ROLE chorus_reader SET search_path = reader;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_reader') THEN
        GRANT USAGE ON SCHEMA reader TO chorus_reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA reader TO chorus_reader;
    END IF;
END $$;

-- Advisory locks and set_config are executable by PUBLIC out of the box, and PostgreSQL has
-- no per-role denial: take them from PUBLIC and give them back to the database owner (the
-- application role that migrates). Superusers are unaffected. Only a superuser may change
-- built-in functions; otherwise the runner's closed-after-use connection keeps them harmless.
DO $$
DECLARE
    fn regprocedure;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE NOTICE 'not a superuser: advisory-lock functions and set_config stay executable by PUBLIC';
        RETURN;
    END IF;
    FOR fn IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = 'pg_catalog'::regnamespace
          AND p.proname IN ('pg_advisory_lock', 'pg_advisory_lock_shared',
                            'pg_try_advisory_lock', 'pg_try_advisory_lock_shared',
                            'pg_advisory_xact_lock', 'pg_advisory_xact_lock_shared',
                            'pg_try_advisory_xact_lock', 'pg_try_advisory_xact_lock_shared',
                            'set_config')
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO pg_database_owner', fn);
    END LOOP;
END $$;
