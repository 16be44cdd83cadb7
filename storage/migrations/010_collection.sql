-- Collection bookkeeping (issue 3): the X monthly read budget and deletions per run.

-- Posts read from the X API per calendar month (UTC); collection stops before the budget.
CREATE TABLE x_read_budget (
    month      date PRIMARY KEY CHECK (extract(day FROM month) = 1),
    reads      integer NOT NULL DEFAULT 0 CHECK (reads >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE collection_runs ADD COLUMN deleted integer NOT NULL DEFAULT 0;
CREATE INDEX collection_runs_platform_idx ON collection_runs (platform, started_at DESC);
