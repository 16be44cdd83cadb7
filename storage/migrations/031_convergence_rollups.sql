-- Messaging convergence (issue 5), part 2: per-day rollups, refreshed only for dirty days.
--
-- narrative_daily: per narrative and UTC day, distinct adopting actors, their groups, their
-- posts, and observer posts (shown apart, never counted). narrative_daily_split: the same
-- by platform and by group. actor_daily: every actor's post volume (for candidate events).
-- Readers combine clean rollup days with a live computation of dirty days, so a series is
-- exact even before a refresh.

CREATE TABLE narrative_daily (
    narrative      text NOT NULL REFERENCES narratives (key) ON DELETE CASCADE ON UPDATE CASCADE,
    day            date NOT NULL,
    actors         integer NOT NULL,
    groups         integer NOT NULL,
    posts          integer NOT NULL,
    observer_posts integer NOT NULL,
    PRIMARY KEY (narrative, day)
);
CREATE INDEX narrative_daily_day_idx ON narrative_daily (day);

CREATE TABLE narrative_daily_split (
    narrative text NOT NULL REFERENCES narratives (key) ON DELETE CASCADE ON UPDATE CASCADE,
    day       date NOT NULL,
    dimension text NOT NULL CHECK (dimension IN ('platform', 'group')),
    value     text NOT NULL,
    actors    integer NOT NULL,
    posts     integer NOT NULL,
    PRIMARY KEY (narrative, day, dimension, value)
);
CREATE INDEX narrative_daily_split_day_idx ON narrative_daily_split (day);

CREATE TABLE actor_daily (
    actor_id bigint NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    day      date NOT NULL,
    posts    integer NOT NULL,
    PRIMARY KEY (actor_id, day)
);
CREATE INDEX actor_daily_day_idx ON actor_daily (day);

CREATE FUNCTION convergence_daily_rows(p_days date[])
RETURNS TABLE (narrative text, day date, actors integer, groups integer, posts integer,
               observer_posts integer)
LANGUAGE sql STABLE AS $$
    SELECT np.narrative, d.day,
           count(DISTINCT a.id) FILTER (WHERE s.role = 'actor')::integer,
           count(DISTINCT a.group_key) FILTER (WHERE s.role = 'actor')::integer,
           count(*) FILTER (WHERE s.role = 'actor' AND a.id IS NOT NULL)::integer,
           count(*) FILTER (WHERE s.role <> 'actor' OR a.id IS NULL)::integer
    FROM (SELECT DISTINCT unnest(p_days) AS day) d
    JOIN narrative_posts np ON np.posted_at >= convergence_day_start(d.day)
                           AND np.posted_at < convergence_day_start(d.day + 1)
    JOIN sources s ON s.id = np.source_id
    LEFT JOIN actors a ON a.id = s.actor_id
    GROUP BY np.narrative, d.day
$$;

CREATE FUNCTION convergence_daily_split_rows(p_days date[])
RETURNS TABLE (narrative text, day date, dimension text, value text, actors integer,
               posts integer)
LANGUAGE sql STABLE AS $$
    SELECT np.narrative, d.day, x.dimension, x.value,
           count(DISTINCT a.id)::integer, count(*)::integer
    FROM (SELECT DISTINCT unnest(p_days) AS day) d
    JOIN narrative_posts np ON np.posted_at >= convergence_day_start(d.day)
                           AND np.posted_at < convergence_day_start(d.day + 1)
    JOIN sources s ON s.id = np.source_id AND s.role = 'actor'
    JOIN actors a ON a.id = s.actor_id
    CROSS JOIN LATERAL (VALUES ('platform', s.platform), ('group', a.group_key))
        AS x (dimension, value)
    GROUP BY np.narrative, d.day, x.dimension, x.value
$$;

CREATE FUNCTION convergence_actor_daily_rows(p_days date[])
RETURNS TABLE (actor_id bigint, day date, posts integer)
LANGUAGE sql STABLE AS $$
    SELECT s.actor_id, d.day, count(*)::integer
    FROM (SELECT DISTINCT unnest(p_days) AS day) d
    JOIN posts p ON p.posted_at >= convergence_day_start(d.day)
                AND p.posted_at < convergence_day_start(d.day + 1)
    JOIN sources s ON s.id = p.source_id AND s.role = 'actor' AND s.actor_id IS NOT NULL
    GROUP BY s.actor_id, d.day
$$;

CREATE FUNCTION convergence_recompute_days(p_days date[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM narrative_daily WHERE day = ANY (p_days);
    INSERT INTO narrative_daily SELECT * FROM convergence_daily_rows(p_days);
    DELETE FROM narrative_daily_split WHERE day = ANY (p_days);
    INSERT INTO narrative_daily_split SELECT * FROM convergence_daily_split_rows(p_days);
    DELETE FROM actor_daily WHERE day = ANY (p_days);
    INSERT INTO actor_daily SELECT * FROM convergence_actor_daily_rows(p_days);
END
$$;

-- Claim the dirty days and recompute them; returns how many days were refreshed.
-- Rows marked by transactions still in flight are not visible, so they stay for next time.
CREATE FUNCTION convergence_refresh() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    claimed date[];
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('chorus.convergence_refresh'));
    WITH gone AS (DELETE FROM convergence_dirty_days RETURNING day)
    SELECT array_agg(DISTINCT day) INTO claimed FROM gone;
    IF claimed IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM convergence_recompute_days(claimed);
    RETURN cardinality(claimed);
END
$$;

-- Rebuild everything from posts, tags and labels (after a bulk load with triggers disabled,
-- or to repair); returns the number of (post, narrative) rows.
CREATE FUNCTION convergence_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    all_days date[];
    n bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('chorus.convergence_refresh'));
    TRUNCATE narrative_posts, narrative_daily, narrative_daily_split, actor_daily,
             convergence_dirty_days, post_features;
    INSERT INTO narrative_posts (narrative, post_id, source_id, posted_at, via, score, url)
    SELECT k.narrative, k.post_id, p.source_id, p.posted_at,
           CASE WHEN cl.verdict = 'confirm' THEN 'analyst' ELSE 'model' END, t.score, p.url
    FROM (SELECT post_id, narrative FROM tags UNION SELECT post_id, narrative FROM labels) k
    JOIN posts p ON p.id = k.post_id
    JOIN narratives nr ON nr.key = k.narrative
    LEFT JOIN tags t ON t.post_id = k.post_id AND t.narrative = k.narrative
    LEFT JOIN current_labels cl ON cl.post_id = k.post_id AND cl.narrative = k.narrative
    WHERE cl.verdict = 'confirm' OR (cl.verdict IS NULL AND t.score >= nr.threshold);
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO post_features (post_id, tokens, shingles, grams)
    SELECT p.id, f.tokens, convergence_shingles(f.tokens), convergence_grams(f.tokens)
    FROM (SELECT DISTINCT post_id FROM narrative_posts) np
    JOIN posts p ON p.id = np.post_id
    CROSS JOIN LATERAL (SELECT convergence_tokens(p.normalized_text) AS tokens) f;
    SELECT array_agg(d::date) INTO all_days
    FROM generate_series((SELECT convergence_day(min(posted_at)) FROM posts),
                         (SELECT convergence_day(max(posted_at)) FROM posts),
                         interval '1 day') AS d;
    IF all_days IS NOT NULL THEN
        PERFORM convergence_recompute_days(all_days);
    END IF;
    RETURN n;
END
$$;
