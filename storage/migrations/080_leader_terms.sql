-- The daemon under faults (issue 20): who led when, and which daemon ran each job run.

-- One row per leadership: written by the new leader on its lock session as it takes over,
-- so that `chorus status` dates the leadership (not the connection) and the runs a dead or
-- frozen leader left open can be closed at once instead of after a 6-hour cleanup.
CREATE TABLE leader_terms (
    id          bigserial PRIMARY KEY,
    daemon      text NOT NULL,     -- the leader's name: "chorus-daemon <host> pid <pid>"
    backend_pid integer NOT NULL,  -- the server process of its lock session (pg_locks.pid)
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz        -- set when it let go, or when the next leader took over
);
CREATE INDEX leader_terms_backend_idx ON leader_terms (backend_pid, started_at DESC);

-- The daemon that ran a job run (NULL: written by something else, or before this migration).
ALTER TABLE job_runs ADD COLUMN daemon text;
CREATE INDEX job_runs_running_idx ON job_runs (status) WHERE status = 'running';
