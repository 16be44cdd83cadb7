-- Messaging convergence (issue 5, DESIGN §4), part 1: which posts carry which narrative.
--
-- narrative_posts holds every (post, narrative) pair that counts: a model tag scoring at or
-- above the narrative's threshold, or a current analyst confirmation; a current analyst
-- rejection removes it. Triggers keep it exact on every change to tags, labels, thresholds
-- and post times, so event reports read a narrow indexed table and never need a refresh.
-- The per-day rollups (031) are refreshed lazily from the days these triggers mark dirty.

-- UTC calendar days: every rollup and series uses them.
CREATE FUNCTION convergence_day(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (t AT TIME ZONE 'UTC')::date $$;

CREATE FUNCTION convergence_day_start(d date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT d::timestamp AT TIME ZONE 'UTC' $$;

-- ISO 8601 in UTC with a Z, whatever the session time zone (STABLE like to_char).
CREATE FUNCTION convergence_iso(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

CREATE FUNCTION convergence_hours(from_t timestamptz, to_t timestamptz) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(epoch FROM to_t - from_t) / 3600.0 $$;

CREATE TABLE narrative_posts (
    narrative text NOT NULL REFERENCES narratives (key) ON DELETE CASCADE ON UPDATE CASCADE,
    post_id   bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    source_id bigint NOT NULL,
    posted_at timestamptz NOT NULL,
    via       text NOT NULL CHECK (via IN ('model', 'analyst')),
    score     real,
    url       text,  -- copied from posts: reports list adopters without touching posts
    PRIMARY KEY (narrative, post_id)
);
CREATE INDEX narrative_posts_time_idx ON narrative_posts (narrative, posted_at)
    INCLUDE (source_id, post_id);
CREATE INDEX narrative_posts_day_idx ON narrative_posts (posted_at);
CREATE INDEX narrative_posts_post_idx ON narrative_posts (post_id);

-- Matching features of every post that carries a narrative, computed once at write time:
-- tokens (normalised text without URLs and punctuation), the sorted hashes of its word
-- bigrams (near-duplicate detection by prefix-filtered Jaccard; no extension needed) and
-- the hashes of its 2- to 4-word phrases that neither start nor end with a stop word
-- (shared phrases are counted over these integers and turned back into words at the end).
CREATE TABLE post_features (
    post_id  bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    tokens   text[] NOT NULL,
    shingles integer[] NOT NULL,
    grams    integer[] NOT NULL
);

-- Days whose rollups must be recomputed. Append-only (no unique key) so that concurrent
-- writers never wait on each other; refresh claims and deletes the rows it handles.
CREATE TABLE convergence_dirty_days (
    day       date NOT NULL,
    marked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX convergence_dirty_days_day_idx ON convergence_dirty_days (day);

-- Punctuation is listed explicitly: character classes depend on the server's locale.
CREATE FUNCTION convergence_tokens(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_remove(regexp_split_to_array(
        regexp_replace(
            regexp_replace(lower(t), '(https?://|www\.)\S+', ' ', 'g'),
            '[\u0021-\u002f\u003a-\u0040\u005b-\u005e\u0060\u007b-\u007e\u00a1-\u00bf\u00d7\u00f7\u2010-\u205e\u060c\u061b\u061f\u066a-\u066d\u06d4\u3001\u3002]',
            ' ', 'g'),
        '\s+'), ''), '{}')
$$;

-- Distinct hashes of word bigrams, ascending (a one-word text is its own shingle).
CREATE FUNCTION convergence_shingles(tokens text[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT h ORDER BY h), '{}')
    FROM (
        SELECT hashtext(tokens[i] || ' ' || tokens[i + 1]) AS h
        FROM generate_series(1, cardinality(tokens) - 1) AS i
        UNION ALL
        SELECT hashtext(tokens[1]) WHERE cardinality(tokens) = 1
    ) s
$$;

-- Features for posts that lack them; with p_replace, recomputed (the text was edited).
-- Common function words of English, Arabic and Persian, folded like stored tokens
-- (classifiers.normalise.normalise_for_matching).
CREATE FUNCTION convergence_stop_words() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '{a,about,after,all,also,an,and,any,are,as,at,be,been,before,being,but,by,can,could,for,from,had,has,have,he,her,here,him,his,how,i,if,in,into,is,it,its,just,me,more,most,my,no,not,of,on,or,our,over,she,should,so,than,that,the,their,them,then,there,these,they,this,those,to,us,was,we,were,what,when,where,which,who,whom,why,will,with,would,you,your,اذا,از,است,التي,الذي,الذين,الي,ان,انه,انها,او,اي,ايضا,اين,با,بر,براي,بعد,به,بها,بين,تا,تلك,ثم,حتي,خود,در,ذلك,را,شد,شده,علي,عليه,عليها,عن,عند,غير,في,فيه,فيها,قبل,قد,كان,كانت,كرد,كل,كما,كه,لا,لقد,لم,لن,له,لها,لهم,ما,مع,من,منذ,مي,نحن,هاي,هذا,هذه,هم,هناك,هو,هي,و,وفي,وقد,ولا,وما,يك}'::text[]
$$;

-- A phrase of n words as an integer: its hash with the two low bits replaced by n - 1, so
-- that the length can be read back ((h & 3) + 1) before the words are looked up again.
CREATE FUNCTION convergence_phrase_hash(phrase text, n integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (hashtext(phrase) & -4) | (n - 1) $$;

CREATE FUNCTION convergence_grams(tokens text[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT convergence_phrase_hash(
               array_to_string(tokens[i:i + n - 1], ' '), n)), '{}')
    FROM generate_series(2, 4) AS n
    CROSS JOIN LATERAL generate_series(1, cardinality(tokens) - n + 1) AS i
    WHERE NOT (tokens[i] = ANY (convergence_stop_words())
               OR tokens[i + n - 1] = ANY (convergence_stop_words()))
$$;

CREATE FUNCTION convergence_store_features(p_post_ids bigint[], p_replace boolean) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO post_features (post_id, tokens, shingles, grams)
    SELECT p.id, f.tokens, convergence_shingles(f.tokens), convergence_grams(f.tokens)
    FROM posts p
    CROSS JOIN LATERAL (SELECT convergence_tokens(p.normalized_text) AS tokens) f
    WHERE p.id = ANY (p_post_ids)
      AND (p_replace OR NOT EXISTS (SELECT 1 FROM post_features x WHERE x.post_id = p.id))
    ON CONFLICT (post_id) DO UPDATE SET tokens = EXCLUDED.tokens, shingles = EXCLUDED.shingles,
        grams = EXCLUDED.grams
    WHERE post_features.tokens IS DISTINCT FROM EXCLUDED.tokens
$$;

-- Recompute the given (post, narrative) pairs from tags, labels and thresholds; mark the days
-- whose membership changed. The pairs come as two parallel arrays.
CREATE FUNCTION convergence_resync(p_post_ids bigint[], p_narratives text[]) RETURNS void
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
               t.score
        FROM keys k
        JOIN posts p ON p.id = k.post_id
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
                                           url)
        SELECT narrative, post_id, source_id, posted_at, via, score, url FROM wanted
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
    END IF;
END
$$;

-- Tags and labels: one statement-level function. Transition tables are named changed_rows
-- (and changed_rows_new for UPDATE) by every trigger that uses it.
CREATE FUNCTION convergence_on_tag_or_label() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    keys text[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(k.post_id), array_agg(k.narrative) INTO ids, keys
        FROM (SELECT post_id, narrative FROM changed_rows
              UNION SELECT post_id, narrative FROM changed_rows_new) k;
    ELSE
        SELECT array_agg(k.post_id), array_agg(k.narrative) INTO ids, keys FROM changed_rows k;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM convergence_resync(ids, keys);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tags_convergence_insert AFTER INSERT ON tags
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_tag_or_label();
CREATE TRIGGER tags_convergence_update AFTER UPDATE ON tags
    REFERENCING OLD TABLE AS changed_rows NEW TABLE AS changed_rows_new
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_tag_or_label();
CREATE TRIGGER tags_convergence_delete AFTER DELETE ON tags
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_tag_or_label();
CREATE TRIGGER labels_convergence_insert AFTER INSERT ON labels
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_tag_or_label();
CREATE TRIGGER labels_convergence_update AFTER UPDATE ON labels
    REFERENCING OLD TABLE AS changed_rows NEW TABLE AS changed_rows_new
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_tag_or_label();
CREATE TRIGGER labels_convergence_delete AFTER DELETE ON labels
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_tag_or_label();

-- A changed threshold re-decides every tagged or labelled post of that narrative.
CREATE FUNCTION convergence_on_threshold() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    SELECT array_agg(x.post_id) INTO ids
    FROM (SELECT post_id FROM tags WHERE narrative = NEW.key
          UNION SELECT post_id FROM labels WHERE narrative = NEW.key) x;
    IF ids IS NOT NULL THEN
        PERFORM convergence_resync(ids, array_fill(NEW.key, ARRAY[cardinality(ids)]));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER narratives_convergence_threshold AFTER UPDATE OF threshold ON narratives
    FOR EACH ROW WHEN (OLD.threshold IS DISTINCT FROM NEW.threshold)
    EXECUTE FUNCTION convergence_on_threshold();

-- New or removed posts change daily volumes; a moved post changes two days (a changed
-- URL only needs its copy in narrative_posts updated; marking the day is harmless).
CREATE FUNCTION convergence_on_posts_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO convergence_dirty_days (day)
    SELECT DISTINCT convergence_day(posted_at) FROM changed_rows;
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_convergence_insert AFTER INSERT ON posts
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_posts_rows();
CREATE TRIGGER posts_convergence_delete AFTER DELETE ON posts
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION convergence_on_posts_rows();

CREATE FUNCTION convergence_on_post_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE narrative_posts SET posted_at = NEW.posted_at, source_id = NEW.source_id, url = NEW.url
    WHERE post_id = NEW.id;
    INSERT INTO convergence_dirty_days (day)
    VALUES (convergence_day(OLD.posted_at)), (convergence_day(NEW.posted_at));
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_convergence_moved AFTER UPDATE OF posted_at, source_id, url ON posts
    FOR EACH ROW
    WHEN (OLD.posted_at IS DISTINCT FROM NEW.posted_at OR OLD.source_id IS DISTINCT FROM NEW.source_id
          OR OLD.url IS DISTINCT FROM NEW.url)
    EXECUTE FUNCTION convergence_on_post_moved();

-- An edited text gets fresh matching features (only posts that carry a narrative have any).
CREATE FUNCTION convergence_on_post_edited() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM post_features WHERE post_id = NEW.id) THEN
        PERFORM convergence_store_features(ARRAY[NEW.id], true);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_convergence_edited AFTER UPDATE OF normalized_text ON posts
    FOR EACH ROW WHEN (OLD.normalized_text IS DISTINCT FROM NEW.normalized_text)
    EXECUTE FUNCTION convergence_on_post_edited();

-- A source that changes role or actor, or an actor that changes group, changes every day
-- that source or actor posted on.
CREATE FUNCTION convergence_on_source_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO convergence_dirty_days (day)
    SELECT DISTINCT convergence_day(p.posted_at) FROM posts p WHERE p.source_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER sources_convergence_changed AFTER UPDATE OF role, actor_id ON sources
    FOR EACH ROW
    WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.actor_id IS DISTINCT FROM NEW.actor_id)
    EXECUTE FUNCTION convergence_on_source_changed();

CREATE FUNCTION convergence_on_actor_regrouped() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO convergence_dirty_days (day)
    SELECT DISTINCT convergence_day(p.posted_at)
    FROM sources s JOIN posts p ON p.source_id = s.id
    WHERE s.actor_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER actors_convergence_regrouped AFTER UPDATE OF group_key ON actors
    FOR EACH ROW WHEN (OLD.group_key IS DISTINCT FROM NEW.group_key)
    EXECUTE FUNCTION convergence_on_actor_regrouped();

-- Adoption evidence: only sources with role 'actor' that belong to an actor count.
CREATE VIEW narrative_adoptions AS
SELECT np.narrative, np.post_id, np.posted_at, np.via, np.score,
       s.id AS source_id, s.platform, s.handle,
       a.id AS actor_id, a.name AS actor, a.group_key, np.url
FROM narrative_posts np
JOIN sources s ON s.id = np.source_id
JOIN actors a ON a.id = s.actor_id
WHERE s.role = 'actor';

-- The convergence score (documented in storage/convergence_event.py):
--   score = 0.6 * E / (E + k) + 0.4 * (1 - 1 / G)
-- E = sum over adopters of 2^(-lag_hours / 12) (each adopter counts less the later it came),
-- G = distinct groups among adopters within 24 h (the diversity term is 0 for G <= 1).
CREATE FUNCTION convergence_score(weighted_adopters double precision, groups_24h integer,
                                  k integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN coalesce(weighted_adopters, 0) <= 0 THEN 0.0
                ELSE 0.6 * weighted_adopters / (weighted_adopters + greatest(k, 1))
                     + 0.4 * CASE WHEN groups_24h > 1 THEN 1.0 - 1.0 / groups_24h ELSE 0.0 END
           END
$$;
