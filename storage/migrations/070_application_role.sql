-- Named roles for a deployment that is not the demo (issue 12): the database's owner
-- migrates; the application role chorus_app runs the daemon, the imports and the console;
-- chorus_reader (migration 051) runs the SQL tab. chorus_app is a NOLOGIN group: an
-- operator grants it to the login roles that run Chorus, e.g.
--     CREATE ROLE chorus_daemon LOGIN PASSWORD '...' IN ROLE chorus_app;
-- Grants live here, not in programs: nothing grants or revokes anything when Chorus starts.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_app') THEN
        BEGIN
            CREATE ROLE chorus_app NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL;  -- a migration of another database created it first
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'cannot create role chorus_app: the migrating role lacks CREATEROLE'
                    USING HINT = 'a role with CREATEROLE runs CREATE ROLE chorus_app NOLOGIN; '
                                 'then run chorus db migrate again';
        END;
    END IF;
END $$;

-- Migration 051 took set_config from PUBLIC, which broke pg_dump for any backup role (and
-- any tool that sets its search_path). The SQL tab does not need it withheld: each query
-- runs alone in a READ ONLY transaction whose snapshot is taken first, on a connection
-- closed afterwards, so a setting changed by set_config dies with it. The advisory-lock
-- functions stay withheld from PUBLIC (the reader could otherwise hold the daemon's leader
-- lock or block the rollup refresh for a query's length): the owner has them since 051,
-- the application role gets them here. Only a superuser may change built-in functions.
DO $$
DECLARE
    fn regprocedure;
    locks_withheld boolean := NOT has_function_privilege('public', 'pg_catalog.pg_advisory_lock(bigint)',
                                                         'EXECUTE');
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        IF NOT has_function_privilege('public', 'pg_catalog.set_config(text, text, boolean)',
                                      'EXECUTE') THEN
            RAISE WARNING 'set_config is withheld from PUBLIC (migration 051) and only a '
                          'superuser may give it back: GRANT EXECUTE ON FUNCTION '
                          'pg_catalog.set_config(text, text, boolean) TO PUBLIC';
        END IF;
        IF locks_withheld THEN
            RAISE WARNING 'advisory locks are withheld from PUBLIC (migration 051) and only a '
                          'superuser may grant them to chorus_app: see '
                          'storage/migrations/070_application_role.sql';
        END IF;
        RETURN;
    END IF;
    GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC;
    REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM pg_database_owner;
    IF NOT locks_withheld THEN
        RETURN;
    END IF;
    FOR fn IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = 'pg_catalog'::regnamespace
          AND p.proname IN ('pg_advisory_lock', 'pg_advisory_lock_shared',
                            'pg_try_advisory_lock', 'pg_try_advisory_lock_shared',
                            'pg_advisory_xact_lock', 'pg_advisory_xact_lock_shared',
                            'pg_try_advisory_xact_lock', 'pg_try_advisory_xact_lock_shared')
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO chorus_app', fn);
    END LOOP;
END $$;

-- What the daemon, the imports and the console do: read and write the data, use the
-- sequences, call the functions (the triggers and the rollup refresh); TRUNCATE for the
-- rollup rebuild. Migration history is the owner's: the application may only read it.
-- Default privileges cover what later migrations create (as the same migrating role).
GRANT USAGE ON SCHEMA public, reader TO chorus_app;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO chorus_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM chorus_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO chorus_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO chorus_app;
GRANT SELECT ON ALL TABLES IN SCHEMA reader TO chorus_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO chorus_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO chorus_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO chorus_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA reader GRANT SELECT ON TABLES TO chorus_app;

-- The reader's curated views: later migrations' views in schema reader are granted as they
-- are created, instead of each migration granting its own.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_reader') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA reader GRANT SELECT ON TABLES TO chorus_reader;
    END IF;
END $$;

-- Database-level privileges: the application stages imports and rollup rebuilds in
-- temporary tables; nobody else needs them (the reader could otherwise fill temporary
-- space). Needs the database's owner; a database copied from a template (CREATE DATABASE
-- ... TEMPLATE) starts over with PostgreSQL's defaults, and `chorus console` says so.
DO $$
DECLARE
    db text := current_database();
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', db);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO chorus_app', db);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_reader') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO chorus_reader', db);
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE WARNING 'only the owner of database % may change its privileges; the owner runs: '
                      'REVOKE TEMPORARY ON DATABASE % FROM PUBLIC; GRANT CONNECT, TEMPORARY ON '
                      'DATABASE % TO chorus_app; GRANT CONNECT ON DATABASE % TO chorus_reader',
                      db, db, db, db;
END $$;
