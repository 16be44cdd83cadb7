-- Messaging convergence, part 4: every narrative_posts row carries its post's matching
-- features (word-bigram shingles and phrase hashes, copied from post_features), so that
-- coordinated copies and shared phrases read them with the window scan they already do
-- instead of one post_features index lookup per post: about a third of those queries'
-- time on 5 million posts. post_features stays the source (tokens, and posts that carry
-- no narrative yet); every path that writes narrative_posts copies the features in.

ALTER TABLE narrative_posts ADD COLUMN shingles integer[], ADD COLUMN grams integer[];

UPDATE narrative_posts np SET shingles = f.shingles, grams = f.grams
FROM post_features f
WHERE f.post_id = np.post_id;

CREATE OR REPLACE VIEW narrative_adoptions AS
SELECT np.narrative, np.post_id, np.posted_at, np.via, np.score,
       s.id AS source_id, s.platform, s.handle,
       a.id AS actor_id, a.name AS actor, a.group_key, np.url,
       np.shingles, np.grams
FROM narrative_posts np
JOIN sources s ON s.id = np.source_id
JOIN actors a ON a.id = s.actor_id
WHERE s.role = 'actor';

-- The stored features of these posts into their narrative_posts rows.
CREATE FUNCTION convergence_copy_features(p_post_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE narrative_posts np SET shingles = f.shingles, grams = f.grams
    FROM post_features f
    WHERE np.post_id = ANY (p_post_ids) AND f.post_id = np.post_id
      AND (np.shingles IS DISTINCT FROM f.shingles OR np.grams IS DISTINCT FROM f.grams)
$$;

-- As in 030, with the features written along with each row.
CREATE OR REPLACE FUNCTION convergence_resync(p_post_ids bigint[], p_narratives text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    added bigint[];
BEGIN
    WITH keys AS (
        SELECT DISTINCT k.post_id, k.narrative
        FROM unnest(p_post_ids, p_narratives) AS k (post_id, narrative)
    ), wanted AS (
        SELECT k.post_id, k.narrative, p.source_id, p.posted_at, p.url,
               CASE WHEN cl.verdict = 'confirm' THEN 'analyst' ELSE 'model' END AS via,
               t.score, f.shingles, f.grams
        FROM keys k
        JOIN posts p ON p.id = k.post_id
        LEFT JOIN post_features f ON f.post_id = k.post_id
        JOIN narratives n ON n.key = k.narrative
        LEFT JOIN tags t ON t.post_id = k.post_id AND t.narrative = k.narrative
        LEFT JOIN LATERAL (
            SELECT l.verdict FROM labels l
            WHERE l.post_id = k.post_id AND l.narrative = k.narrative
            ORDER BY l.created_at DESC, l.id DESC
            LIMIT 1
        ) cl ON true
        WHERE cl.verdict = 'confirm' OR (cl.verdict IS NULL AND t.score >= n.threshold)
    ), removed AS (
        DELETE FROM narrative_posts np
        USING keys k
        WHERE np.post_id = k.post_id AND np.narrative = k.narrative
          AND NOT EXISTS (SELECT 1 FROM wanted w
                          WHERE w.post_id = np.post_id AND w.narrative = np.narrative)
        RETURNING np.posted_at
    ), written AS (
        INSERT INTO narrative_posts AS np (narrative, post_id, source_id, posted_at, via, score,
                                           url, shingles, grams)
        SELECT narrative, post_id, source_id, posted_at, via, score, url, shingles, grams
        FROM wanted
        ON CONFLICT (narrative, post_id) DO UPDATE SET
            source_id = EXCLUDED.source_id, posted_at = EXCLUDED.posted_at,
            via = EXCLUDED.via, score = EXCLUDED.score, url = EXCLUDED.url
        WHERE (np.source_id, np.posted_at, np.via, np.score, np.url)
              IS DISTINCT FROM (EXCLUDED.source_id, EXCLUDED.posted_at, EXCLUDED.via,
                                EXCLUDED.score, EXCLUDED.url)
        RETURNING np.post_id, np.posted_at, (np.xmax = 0) AS is_new
    ), marked AS (
        INSERT INTO convergence_dirty_days (day)
        SELECT DISTINCT convergence_day(x.posted_at)
        FROM (SELECT posted_at FROM removed UNION ALL SELECT posted_at FROM written) x
    )
    SELECT array_agg(post_id) INTO added FROM written WHERE is_new;
    IF added IS NOT NULL THEN
        PERFORM convergence_store_features(added, false);
        PERFORM convergence_copy_features(added);
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION convergence_on_post_edited() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM post_features WHERE post_id = NEW.id) THEN
        PERFORM convergence_store_features(ARRAY[NEW.id], true);
        PERFORM convergence_copy_features(ARRAY[NEW.id]);
    END IF;
    RETURN NULL;
END
$$;

-- As in 032, with the features in each row.
CREATE OR REPLACE FUNCTION convergence_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    all_days date[];
    n bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('chorus.convergence_refresh'));
    TRUNCATE narrative_posts, narrative_daily, narrative_daily_split, actor_daily,
             convergence_dirty_days, post_features;
    -- Membership first, then features in post id order, then narrative_posts in time
    -- order with the features copied in (one write of each row).
    DROP TABLE IF EXISTS convergence_rebuild_rows;
    CREATE TEMP TABLE convergence_rebuild_rows ON COMMIT DROP AS
    SELECT k.narrative, k.post_id, p.source_id, p.posted_at,
           CASE WHEN cl.verdict = 'confirm' THEN 'analyst' ELSE 'model' END AS via,
           t.score, p.url
    FROM (SELECT post_id, narrative FROM tags UNION SELECT post_id, narrative FROM labels) k
    JOIN posts p ON p.id = k.post_id
    JOIN narratives nr ON nr.key = k.narrative
    LEFT JOIN tags t ON t.post_id = k.post_id AND t.narrative = k.narrative
    LEFT JOIN current_labels cl ON cl.post_id = k.post_id AND cl.narrative = k.narrative
    WHERE cl.verdict = 'confirm' OR (cl.verdict IS NULL AND t.score >= nr.threshold);
    INSERT INTO post_features (post_id, tokens, shingles, grams)
    SELECT p.id, f.tokens, convergence_shingles(f.tokens), convergence_grams(f.tokens)
    FROM (SELECT DISTINCT post_id FROM convergence_rebuild_rows) np
    JOIN posts p ON p.id = np.post_id
    CROSS JOIN LATERAL (SELECT convergence_tokens(p.normalized_text) AS tokens) f
    ORDER BY p.id;
    INSERT INTO narrative_posts (narrative, post_id, source_id, posted_at, via, score, url,
                                 shingles, grams)
    SELECT r.narrative, r.post_id, r.source_id, r.posted_at, r.via, r.score, r.url,
           f.shingles, f.grams
    FROM convergence_rebuild_rows r
    LEFT JOIN post_features f ON f.post_id = r.post_id
    ORDER BY r.posted_at;
    GET DIAGNOSTICS n = ROW_COUNT;
    DROP TABLE convergence_rebuild_rows;
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
