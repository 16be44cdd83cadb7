-- The Chorus schema: every table, index, view, function and grant that the migrations
-- in storage/migrations/ add up to. Generated: do not edit; regenerate with
--     python -m storage.schema_dump
-- after adding a migration (tests/test_schema_dump.py checks that it is current).

--
-- PostgreSQL database dump
--

--
-- Name: reader; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA reader;

--
-- Name: citation_forward_origin(text, text, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.citation_forward_origin(p_platform text, p_forwarded_from text, p_raw jsonb) RETURNS TABLE(cited_key text, cited_label text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT k, p_forwarded_from FROM (
        SELECT CASE
            WHEN p_forwarded_from ~ '^channel:[0-9]{1,19}$' THEN p_forwarded_from
            WHEN p_forwarded_from ~ '^(user|chat):' THEN NULL
            WHEN citation_handle_key(p_platform, p_forwarded_from) IS NOT NULL
                THEN citation_handle_key(p_platform, p_forwarded_from)
            -- A Telegram Desktop export names the origin by its title; newer exports add
            -- forwarded_from_id (channel123 for channels, user123 for people).
            WHEN p_platform = 'telegram' AND p_raw ? 'forwarded_from' THEN
                CASE WHEN p_raw ->> 'forwarded_from_id' ~ '^channel[0-9]{1,19}$'
                         THEN 'channel:' || substr(p_raw ->> 'forwarded_from_id', 8)
                     WHEN p_raw ->> 'forwarded_from_id' IS NOT NULL THEN NULL
                     ELSE 'name:' || lower(left(btrim(p_forwarded_from), 200))
                END
        END AS k
    ) origin
    WHERE k IS NOT NULL AND p_forwarded_from IS NOT NULL AND btrim(p_forwarded_from) <> ''
$_$;

--
-- Name: citation_handle_key(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.citation_handle_key(p_platform text, p_handle text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT CASE
        WHEN p_platform = 'telegram' AND p_handle ~ '^[A-Za-z][A-Za-z0-9_]{3,31}$'
             AND lower(p_handle) NOT IN ('joinchat', 'addstickers', 'addemoji', 'addtheme',
                                         'share', 'proxy', 'socks', 'setlanguage', 'login',
                                         'confirmphone', 'boost', 'iv', 'contact', 'addlist')
            THEN lower(p_handle)
        WHEN p_platform = 'twitter' AND p_handle ~ '^[A-Za-z0-9_]{1,15}$'
             AND lower(p_handle) NOT IN ('i', 'intent', 'search', 'hashtag', 'home', 'share',
                                         'settings', 'explore', 'notifications', 'messages',
                                         'status', 'compose', 'login', 'signup', 'tos', 'privacy')
            THEN lower(p_handle)
    END
$_$;

--
-- Name: citation_may_cite(text, text, text, text, jsonb, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.citation_may_cite(p_platform text, p_kind text, p_text text, p_quote_of text, p_links jsonb, p_raw jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT p_kind IN ('forward', 'retweet') OR p_quote_of IS NOT NULL
        OR strpos(p_text, '@') > 0 OR strpos(p_text, '/') > 0
        OR p_links <> '[]'::jsonb
        OR (p_platform = 'twitter' AND p_raw -> 'tweet' -> 'entities' ? 'mentions')
$$;

--
-- Name: citation_pairs_on_delete(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.citation_pairs_on_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM citation_pairs cp
    USING (SELECT DISTINCT cited_platform, cited_key, source_id FROM old_rows) t
    WHERE cp.cited_platform = t.cited_platform AND cp.cited_key = t.cited_key
      AND cp.source_id = t.source_id;
    INSERT INTO citation_pairs (cited_platform, cited_key, source_id, posts, first_at, last_at,
                                kinds, label)
    SELECT c.cited_platform, c.cited_key, c.source_id, count(DISTINCT c.post_id),
           min(c.posted_at), max(c.posted_at), array_agg(DISTINCT c.kind ORDER BY c.kind),
           min(c.cited_label)
    FROM post_citations c
    JOIN (SELECT DISTINCT cited_platform, cited_key, source_id FROM old_rows) t
      ON t.cited_platform = c.cited_platform AND t.cited_key = c.cited_key
     AND t.source_id = c.source_id
    GROUP BY c.cited_platform, c.cited_key, c.source_id
    ORDER BY c.cited_platform, c.cited_key, c.source_id;
    RETURN NULL;
END
$$;

--
-- Name: citation_pairs_on_insert(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.citation_pairs_on_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO citation_pairs AS cp (cited_platform, cited_key, source_id, posts, first_at,
                                      last_at, kinds, label)
    SELECT cited_platform, cited_key, source_id, count(DISTINCT post_id), min(posted_at),
           max(posted_at), array_agg(DISTINCT kind ORDER BY kind), min(cited_label)
    FROM new_rows
    GROUP BY cited_platform, cited_key, source_id
    -- Key order: concurrent writers lock the same pairs in the same order.
    ORDER BY cited_platform, cited_key, source_id
    ON CONFLICT (cited_platform, cited_key, source_id) DO UPDATE SET
        posts = cp.posts + EXCLUDED.posts,
        first_at = least(cp.first_at, EXCLUDED.first_at),
        last_at = greatest(cp.last_at, EXCLUDED.last_at),
        kinds = CASE WHEN EXCLUDED.kinds <@ cp.kinds THEN cp.kinds
                     ELSE ARRAY(SELECT DISTINCT k FROM unnest(cp.kinds || EXCLUDED.kinds) AS k
                                ORDER BY k) END,
        label = least(cp.label, EXCLUDED.label);
    RETURN NULL;
END
$$;

--
-- Name: citations_on_posts_inserted(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.citations_on_posts_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    -- As post_citation_rows, over the new rows themselves.
    INSERT INTO post_citations
    SELECT n.id, n.source_id, n.posted_at, r.kind, r.cited_platform, r.cited_key,
           left(r.cited_label, 200)
    FROM new_rows n
    JOIN sources s ON s.id = n.source_id
    CROSS JOIN LATERAL post_citation_refs(n.platform, n.kind, n.text, n.forwarded_from,
                                          n.quote_of, n.links, n.raw) r
    WHERE citation_may_cite(n.platform, n.kind, n.text, n.quote_of, n.links, n.raw)
      AND (r.cited_platform <> s.platform
           OR r.cited_key NOT IN (lower(s.handle), coalesce('channel:' || s.platform_id, '')))
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

--
-- Name: citations_on_posts_updated(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.citations_on_posts_updated() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    changed bigint[];
BEGIN
    changed := ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.content_hash, n.links, n.forwarded_from, n.quote_of, n.kind, n.posted_at,
               n.source_id)
              IS DISTINCT FROM (o.content_hash, o.links, o.forwarded_from, o.quote_of, o.kind,
                                o.posted_at, o.source_id)
           OR (n.platform = 'twitter' AND n.raw IS DISTINCT FROM o.raw));
    IF cardinality(changed) > 0 THEN
        DELETE FROM post_citations WHERE post_id = ANY (changed);
        INSERT INTO post_citations
        SELECT c.* FROM post_citation_rows c WHERE c.post_id = ANY (changed)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

--
-- Name: convergence_actor_daily_rows(date[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_actor_daily_rows(p_days date[]) RETURNS TABLE(actor_id bigint, day date, posts integer)
    LANGUAGE sql STABLE
    AS $$
    SELECT s.actor_id, d.day, count(*)::integer
    FROM (SELECT DISTINCT unnest(p_days) AS day) d
    JOIN posts p ON p.posted_at >= convergence_day_start(d.day)
                AND p.posted_at < convergence_day_start(d.day + 1)
    JOIN sources s ON s.id = p.source_id AND s.role = 'actor' AND s.actor_id IS NOT NULL
    GROUP BY s.actor_id, d.day
$$;

--
-- Name: convergence_copy_features(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_copy_features(p_post_ids bigint[]) RETURNS void
    LANGUAGE sql
    AS $$
    UPDATE narrative_posts np SET shingles = f.shingles, grams = f.grams
    FROM post_features f
    WHERE np.post_id = ANY (p_post_ids) AND f.post_id = np.post_id
      AND (np.shingles IS DISTINCT FROM f.shingles OR np.grams IS DISTINCT FROM f.grams)
$$;

--
-- Name: convergence_daily_rows(date[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_daily_rows(p_days date[]) RETURNS TABLE(narrative text, day date, actors integer, groups integer, posts integer, observer_posts integer)
    LANGUAGE sql STABLE
    AS $$
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

--
-- Name: convergence_daily_split_rows(date[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_daily_split_rows(p_days date[]) RETURNS TABLE(narrative text, day date, dimension text, value text, actors integer, posts integer)
    LANGUAGE sql STABLE
    AS $$
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

--
-- Name: convergence_day(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_day(t timestamp with time zone) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (t AT TIME ZONE 'UTC')::date $$;

--
-- Name: convergence_day_start(date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_day_start(d date) RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT d::timestamp AT TIME ZONE 'UTC' $$;

--
-- Name: convergence_event_pattern(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_event_pattern(p_event_id bigint) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT ' [وف]?(?:ال|بال|كال|لل|[بلك])?(?:'
           || string_agg(DISTINCT form, '|' ORDER BY form) || ')'
    FROM event_keywords
    WHERE event_id = p_event_id AND form <> ''
$$;

--
-- Name: convergence_grams(text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_grams(tokens text[]) RETURNS integer[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT coalesce(array_agg(DISTINCT convergence_phrase_hash(
               array_to_string(tokens[i:i + n - 1], ' '), n)), '{}')
    FROM generate_series(2, 4) AS n
    CROSS JOIN LATERAL generate_series(1, cardinality(tokens) - n + 1) AS i
    WHERE NOT (tokens[i] = ANY (convergence_stop_words())
               OR tokens[i + n - 1] = ANY (convergence_stop_words()))
$$;

--
-- Name: convergence_hours(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_hours(from_t timestamp with time zone, to_t timestamp with time zone) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT extract(epoch FROM to_t - from_t) / 3600.0 $$;

--
-- Name: convergence_iso(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_iso(t timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

--
-- Name: convergence_keyword_form(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_keyword_form(normalised text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT regexp_replace(array_to_string(convergence_tokens(normalised), ' '),
                          '^ال([^ ]{3})', '\1')
$$;

--
-- Name: convergence_names(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_names(p_post_id bigint, p_pattern text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT p_pattern IS NOT NULL AND EXISTS (
        SELECT 1 FROM post_features f
        WHERE f.post_id = p_post_id AND ' ' || array_to_string(f.tokens, ' ') ~ p_pattern)
$$;

--
-- Name: convergence_on_actor_regrouped(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_actor_regrouped() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO convergence_dirty_days (day)
    SELECT DISTINCT convergence_day(p.posted_at)
    FROM sources s JOIN posts p ON p.source_id = s.id
    WHERE s.actor_id = NEW.id;
    RETURN NULL;
END
$$;

--
-- Name: convergence_on_dirty_days(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_dirty_days() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO convergence_placebo_changes (day_from, day_to)
    SELECT min(day), max(day) FROM changed_rows HAVING count(*) > 0;
    RETURN NULL;
END
$$;

--
-- Name: convergence_on_post_edited(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_post_edited() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM post_features WHERE post_id = NEW.id) THEN
        PERFORM convergence_store_features(ARRAY[NEW.id], true);
        PERFORM convergence_copy_features(ARRAY[NEW.id]);
    END IF;
    RETURN NULL;
END
$$;

--
-- Name: convergence_on_post_moved(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_post_moved() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE narrative_posts SET posted_at = NEW.posted_at, source_id = NEW.source_id, url = NEW.url
    WHERE post_id = NEW.id;
    INSERT INTO convergence_dirty_days (day)
    VALUES (convergence_day(OLD.posted_at)), (convergence_day(NEW.posted_at));
    RETURN NULL;
END
$$;

--
-- Name: convergence_on_posts_rows(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_posts_rows() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO convergence_dirty_days (day)
    SELECT DISTINCT convergence_day(posted_at) FROM changed_rows;
    RETURN NULL;
END
$$;

--
-- Name: convergence_on_rebuild(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_rebuild() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO convergence_placebo_changes (day_from, day_to)
    VALUES ('-infinity', 'infinity');
    RETURN NULL;
END
$$;

--
-- Name: convergence_on_source_changed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_source_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO convergence_dirty_days (day)
    SELECT DISTINCT convergence_day(p.posted_at) FROM posts p WHERE p.source_id = NEW.id;
    RETURN NULL;
END
$$;

--
-- Name: convergence_on_tag_or_label(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_tag_or_label() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: convergence_on_threshold(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_on_threshold() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: convergence_phrase_hash(text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_phrase_hash(phrase text, n integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (hashtext(phrase) & -4) | (n - 1) $$;

--
-- Name: convergence_rebuild(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_rebuild() RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: convergence_recompute_days(date[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_recompute_days(p_days date[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM narrative_daily WHERE day = ANY (p_days);
    INSERT INTO narrative_daily SELECT * FROM convergence_daily_rows(p_days);
    DELETE FROM narrative_daily_split WHERE day = ANY (p_days);
    INSERT INTO narrative_daily_split SELECT * FROM convergence_daily_split_rows(p_days);
    DELETE FROM actor_daily WHERE day = ANY (p_days);
    INSERT INTO actor_daily SELECT * FROM convergence_actor_daily_rows(p_days);
END
$$;

--
-- Name: convergence_refresh(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_refresh() RETURNS integer
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: convergence_resync(bigint[], text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_resync(p_post_ids bigint[], p_narratives text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: convergence_score(double precision, integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_score(weighted_adopters double precision, groups_24h integer, k integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN coalesce(weighted_adopters, 0) <= 0 THEN 0.0
                ELSE 0.6 * weighted_adopters / (weighted_adopters + greatest(k, 1))
                     + 0.4 * CASE WHEN groups_24h > 1 THEN 1.0 - 1.0 / groups_24h ELSE 0.0 END
           END
$$;

--
-- Name: convergence_shingles(text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_shingles(tokens text[]) RETURNS integer[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT coalesce(array_agg(DISTINCT h ORDER BY h), '{}')
    FROM (
        SELECT hashtext(tokens[i] || ' ' || tokens[i + 1]) AS h
        FROM generate_series(1, cardinality(tokens) - 1) AS i
        UNION ALL
        SELECT hashtext(tokens[1]) WHERE cardinality(tokens) = 1
    ) s
$$;

--
-- Name: convergence_stop_words(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_stop_words() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT '{a,about,after,all,also,an,and,any,are,as,at,be,been,before,being,but,by,can,could,for,from,had,has,have,he,her,here,him,his,how,i,if,in,into,is,it,its,just,me,more,most,my,no,not,of,on,or,our,over,she,should,so,than,that,the,their,them,then,there,these,they,this,those,to,us,was,we,were,what,when,where,which,who,whom,why,will,with,would,you,your,اذا,از,است,التي,الذي,الذين,الي,ان,انه,انها,او,اي,ايضا,اين,با,بر,براي,بعد,به,بها,بين,تا,تلك,ثم,حتي,خود,در,ذلك,را,شد,شده,علي,عليه,عليها,عن,عند,غير,في,فيه,فيها,قبل,قد,كان,كانت,كرد,كل,كما,كه,لا,لقد,لم,لن,له,لها,لهم,ما,مع,من,منذ,مي,نحن,هاي,هذا,هذه,هم,هناك,هو,هي,و,وفي,وقد,ولا,وما,يك}'::text[]
$$;

--
-- Name: convergence_store_features(bigint[], boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_store_features(p_post_ids bigint[], p_replace boolean) RETURNS void
    LANGUAGE sql
    AS $$
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

--
-- Name: convergence_tokens(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.convergence_tokens(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT coalesce(array_remove(regexp_split_to_array(
        regexp_replace(
            regexp_replace(lower(t), '(https?://|www\.)\S+', ' ', 'g'),
            '[\u0021-\u002f\u003a-\u0040\u005b-\u005e\u0060\u007b-\u007e\u00a1-\u00bf\u00d7\u00f7\u2010-\u205e\u060c\u061b\u061f\u066a-\u066d\u06d4\u3001\u3002]',
            ' ', 'g'),
        '\s+'), ''), '{}')
$$;

--
-- Name: post_citation_refs(text, text, text, text, text, jsonb, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.post_citation_refs(p_platform text, p_kind text, p_text text, p_forwarded_from text, p_quote_of text, p_links jsonb, p_raw jsonb) RETURNS TABLE(kind text, cited_platform text, cited_key text, cited_label text)
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    body text := coalesce(p_text, '');
    found_key text;
    m text[];
    e jsonb;
    seen text[] := '{}';
BEGIN
    IF p_kind IN ('forward', 'retweet') THEN
        -- Forwarded content is someone else's: only its origin is this post's citation.
        FOR found_key, cited_label IN
            SELECT o.cited_key, o.cited_label
            FROM citation_forward_origin(p_platform, p_forwarded_from, p_raw) o
        LOOP
            kind := CASE WHEN p_platform = 'twitter' THEN 'retweet' ELSE 'forward' END;
            cited_platform := p_platform;
            cited_key := found_key;
            RETURN NEXT;
        END LOOP;
        RETURN;
    END IF;
    IF jsonb_typeof(p_links) = 'array' AND p_links <> '[]'::jsonb THEN
        body := body || ' ' || coalesce(
            (SELECT string_agg(l, ' ') FROM jsonb_array_elements_text(p_links) AS l), '');
    END IF;
    IF strpos(body, '@') > 0 THEN
        FOR m IN SELECT regexp_matches(
            body, '(?:^|[^A-Za-z0-9_@./])@([A-Za-z0-9_]{1,32})(?![A-Za-z0-9_])', 'g')
        LOOP
            found_key := citation_handle_key(p_platform, m[1]);
            IF found_key IS NOT NULL AND NOT ('mention ' || found_key) = ANY (seen) THEN
                seen := seen || ('mention ' || found_key);
                kind := 'mention'; cited_platform := p_platform; cited_key := found_key;
                cited_label := m[1];
                RETURN NEXT;
            END IF;
        END LOOP;
    END IF;
    IF p_platform = 'twitter'
       AND jsonb_typeof(p_raw -> 'tweet' -> 'entities' -> 'mentions') = 'array' THEN
        -- X's own mention entities; the one replied to is a reply.
        FOR e IN SELECT jsonb_array_elements(p_raw -> 'tweet' -> 'entities' -> 'mentions') LOOP
            CONTINUE WHEN jsonb_typeof(e) <> 'object';
            found_key := citation_handle_key('twitter', e ->> 'username');
            kind := CASE WHEN e ->> 'id' = p_raw -> 'tweet' ->> 'in_reply_to_user_id'
                         THEN 'reply' ELSE 'mention' END;
            IF found_key IS NOT NULL AND NOT (kind || ' ' || found_key) = ANY (seen) THEN
                seen := seen || (kind || ' ' || found_key);
                cited_platform := 'twitter'; cited_key := found_key;
                cited_label := e ->> 'username';
                RETURN NEXT;
            END IF;
        END LOOP;
    END IF;
    IF strpos(body, '/') = 0 THEN
        RETURN;
    END IF;
    IF body ~* '(t|telegram)\.(me|dog)/' THEN
        FOR m IN SELECT regexp_matches(body,
            '(?:^|[^A-Za-z0-9_.])(?:https?://)?(?:www\.)?(?:t|telegram)\.(?:me|dog)/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_])',
            'gi')
        LOOP
            found_key := citation_handle_key('telegram', m[1]);
            IF found_key IS NOT NULL AND NOT ('link ' || found_key) = ANY (seen) THEN
                seen := seen || ('link ' || found_key);
                kind := 'link'; cited_platform := 'telegram'; cited_key := found_key;
                cited_label := m[1];
                RETURN NEXT;
            END IF;
        END LOOP;
    END IF;
    IF body ~* '(twitter|x)\.com/' THEN
        FOR m IN SELECT regexp_matches(body,
            '(?:^|[^A-Za-z0-9_.])(?:https?://)?(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])(?:/status(?:es)?/([0-9]{1,20}))?',
            'gi')
        LOOP
            found_key := citation_handle_key('twitter', m[1]);
            kind := CASE WHEN m[2] IS NOT NULL AND m[2] = p_quote_of THEN 'quote' ELSE 'link' END;
            IF found_key IS NOT NULL AND NOT (kind || ' x ' || found_key) = ANY (seen) THEN
                seen := seen || (kind || ' x ' || found_key);
                cited_platform := 'twitter'; cited_key := found_key; cited_label := m[1];
                RETURN NEXT;
            END IF;
        END LOOP;
    END IF;
END
$$;

--
-- Name: source_shard(text, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.source_shard(platform text, handle text, shards integer) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT ((hashtext(platform || ':' || lower(handle))::bigint + 2147483648) % shards)::int
$$;

--
-- Name: tag_queue_add(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tag_queue_add(post_ids bigint[]) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO tag_queue (post_id)
    SELECT DISTINCT id FROM unnest(post_ids) AS id ORDER BY id
    ON CONFLICT (post_id) DO UPDATE SET queued_at = now();
$$;

--
-- Name: tag_queue_on_image_link(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tag_queue_on_image_link() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM tag_queue_add(ARRAY(SELECT l.post_id FROM linked l
                                JOIN media_ocr o ON o.media_id = l.media_id
                                WHERE o.text <> ''));
    RETURN NULL;
END $$;

--
-- Name: tag_queue_on_image_text(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tag_queue_on_image_text() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM tag_queue_add(ARRAY(SELECT pm.post_id FROM read_images r
                                JOIN post_media pm ON pm.media_id = r.media_id
                                WHERE r.text <> ''));
    RETURN NULL;
END $$;

--
-- Name: tag_queue_on_insert(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tag_queue_on_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM tag_queue_add(ARRAY(SELECT id FROM new_posts));
    RETURN NULL;
END $$;

--
-- Name: tag_queue_on_text_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tag_queue_on_text_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM tag_queue_add(ARRAY(SELECT n.id FROM new_posts n JOIN old_posts o ON o.id = n.id
                                WHERE n.text IS DISTINCT FROM o.text));
    RETURN NULL;
END $$;

--
-- Name: actor_daily; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.actor_daily (
    actor_id bigint NOT NULL,
    day date NOT NULL,
    posts integer NOT NULL
);

--
-- Name: actors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.actors (
    id bigint NOT NULL,
    name text NOT NULL,
    group_key text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    illustrative boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: actors_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.actors_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: actors_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.actors_id_seq OWNED BY public.actors.id;

--
-- Name: alert_deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_deliveries (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    rule_id bigint NOT NULL,
    channel text NOT NULL,
    version integer NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    idempotency_key text NOT NULL,
    body bytea NOT NULL,
    not_before timestamp with time zone NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    created_at timestamp with time zone NOT NULL,
    last_attempt_at timestamp with time zone,
    sent_at timestamp with time zone,
    CONSTRAINT alert_deliveries_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'sending'::text, 'sent'::text, 'failed'::text, 'superseded'::text])))
);

--
-- Name: alert_deliveries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.alert_deliveries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: alert_deliveries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.alert_deliveries_id_seq OWNED BY public.alert_deliveries.id;

--
-- Name: alert_incidents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_incidents (
    id bigint NOT NULL,
    rule_id bigint NOT NULL,
    incident_key text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    state text DEFAULT 'open'::text NOT NULL,
    summary text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    first_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT alert_incidents_detail_check CHECK ((jsonb_typeof(detail) = 'object'::text)),
    CONSTRAINT alert_incidents_state_check CHECK ((state = ANY (ARRAY['open'::text, 'resolved'::text]))),
    CONSTRAINT alert_incidents_version_check CHECK ((version > 0))
);

--
-- Name: alert_incidents_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.alert_incidents_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: alert_incidents_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.alert_incidents_id_seq OWNED BY public.alert_incidents.id;

--
-- Name: alert_rules; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_rules (
    id bigint NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    params jsonb DEFAULT '{}'::jsonb NOT NULL,
    channels jsonb DEFAULT '[]'::jsonb NOT NULL,
    quiet_start time without time zone,
    quiet_end time without time zone,
    quiet_timezone text DEFAULT 'UTC'::text NOT NULL,
    max_per_hour integer DEFAULT 12 NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    seen_post_id bigint DEFAULT 0 NOT NULL,
    seen_until timestamp with time zone,
    evaluated_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT alert_rules_channels_check CHECK ((jsonb_typeof(channels) = 'array'::text)),
    CONSTRAINT alert_rules_check CHECK (((quiet_start IS NULL) = (quiet_end IS NULL))),
    CONSTRAINT alert_rules_kind_check CHECK ((kind = ANY (ARRAY['convergence'::text, 'search'::text, 'prepositioning'::text, 'health'::text]))),
    CONSTRAINT alert_rules_max_per_hour_check CHECK ((max_per_hour > 0)),
    CONSTRAINT alert_rules_name_check CHECK ((name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$'::text)),
    CONSTRAINT alert_rules_params_check CHECK ((jsonb_typeof(params) = 'object'::text))
);

--
-- Name: alert_rules_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.alert_rules_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: alert_rules_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.alert_rules_id_seq OWNED BY public.alert_rules.id;

--
-- Name: citation_pairs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.citation_pairs (
    cited_platform text NOT NULL,
    cited_key text NOT NULL,
    source_id bigint NOT NULL,
    posts integer NOT NULL,
    first_at timestamp with time zone NOT NULL,
    last_at timestamp with time zone NOT NULL,
    kinds text[] NOT NULL,
    label text NOT NULL
);

--
-- Name: classifier_heads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.classifier_heads (
    id bigint NOT NULL,
    model_id text NOT NULL,
    version text NOT NULL,
    params jsonb NOT NULL,
    trained_on jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: classifier_heads_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.classifier_heads_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: classifier_heads_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.classifier_heads_id_seq OWNED BY public.classifier_heads.id;

--
-- Name: collection_counts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.collection_counts (
    source_id bigint NOT NULL,
    day date NOT NULL,
    reported integer DEFAULT 0 NOT NULL,
    stored integer DEFAULT 0 NOT NULL,
    CONSTRAINT collection_counts_reported_check CHECK ((reported >= 0)),
    CONSTRAINT collection_counts_stored_check CHECK ((stored >= 0))
);

--
-- Name: collection_gaps; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.collection_gaps (
    id bigint NOT NULL,
    source_id bigint NOT NULL,
    day date NOT NULL,
    after_id bigint NOT NULL,
    before_id bigint NOT NULL,
    missing integer NOT NULL,
    recovered integer DEFAULT 0 NOT NULL,
    found_at timestamp with time zone NOT NULL,
    refetched_at timestamp with time zone,
    CONSTRAINT collection_gaps_check CHECK ((before_id > (after_id + 1))),
    CONSTRAINT collection_gaps_missing_check CHECK ((missing >= 0)),
    CONSTRAINT collection_gaps_recovered_check CHECK ((recovered >= 0))
);

--
-- Name: collection_gaps_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.collection_gaps_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: collection_gaps_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.collection_gaps_id_seq OWNED BY public.collection_gaps.id;

--
-- Name: collection_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.collection_runs (
    id bigint NOT NULL,
    source_id bigint,
    platform text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    status text DEFAULT 'running'::text NOT NULL,
    fetched integer DEFAULT 0 NOT NULL,
    inserted integer DEFAULT 0 NOT NULL,
    updated integer DEFAULT 0 NOT NULL,
    unchanged integer DEFAULT 0 NOT NULL,
    errors integer DEFAULT 0 NOT NULL,
    error text,
    rate_limit jsonb DEFAULT '{}'::jsonb NOT NULL,
    deleted integer DEFAULT 0 NOT NULL
);

--
-- Name: collection_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.collection_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: collection_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.collection_runs_id_seq OWNED BY public.collection_runs.id;

--
-- Name: collector_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.collector_state (
    source_id bigint NOT NULL,
    checkpoint text,
    state text DEFAULT 'never'::text NOT NULL,
    last_run_at timestamp with time zone,
    last_success_at timestamp with time zone,
    last_error_at timestamp with time zone,
    last_error text,
    rate_limited_until timestamp with time zone,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT collector_state_state_check CHECK ((state = ANY (ARRAY['never'::text, 'ok'::text, 'rate_limited'::text, 'cap_reached'::text, 'failed'::text, 'logged_out'::text])))
);

--
-- Name: console_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.console_sessions (
    token_hash bytea NOT NULL,
    user_id bigint NOT NULL,
    csrf_token text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: console_users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.console_users (
    id bigint NOT NULL,
    name text NOT NULL,
    password_hash text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    disabled_at timestamp with time zone,
    CONSTRAINT console_users_name_check CHECK ((name ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$'::text))
);

--
-- Name: console_users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.console_users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: console_users_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.console_users_id_seq OWNED BY public.console_users.id;

--
-- Name: convergence_dirty_days; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.convergence_dirty_days (
    day date NOT NULL,
    marked_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: convergence_placebo; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.convergence_placebo (
    event_id bigint NOT NULL,
    narrative text NOT NULL,
    instants_key text NOT NULL,
    day_from date NOT NULL,
    day_to date NOT NULL,
    counts integer[] NOT NULL,
    snap pg_snapshot NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: convergence_placebo_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.convergence_placebo_changes (
    day_from date NOT NULL,
    day_to date NOT NULL,
    xid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    logged_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: labels; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.labels (
    id bigint NOT NULL,
    post_id bigint NOT NULL,
    narrative text NOT NULL,
    verdict text NOT NULL,
    analyst text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT labels_verdict_check CHECK ((verdict = ANY (ARRAY['confirm'::text, 'reject'::text])))
);

--
-- Name: current_labels; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.current_labels AS
 SELECT DISTINCT ON (post_id, narrative) id,
    post_id,
    narrative,
    verdict,
    analyst,
    note,
    created_at
   FROM public.labels
  ORDER BY post_id, narrative, created_at DESC, id DESC;

--
-- Name: digests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.digests (
    digest_date date NOT NULL,
    message_id text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    recipients jsonb DEFAULT '[]'::jsonb NOT NULL,
    path text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    message bytea,
    transport text DEFAULT 'smtp'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_attempt_at timestamp with time zone,
    last_error text,
    CONSTRAINT digests_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'sent'::text, 'written'::text, 'failed'::text]))),
    CONSTRAINT digests_transport_check CHECK ((transport = ANY (ARRAY['smtp'::text, 'outbox'::text])))
);

--
-- Name: event_keywords; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.event_keywords (
    event_id bigint NOT NULL,
    lang text NOT NULL,
    keyword text NOT NULL,
    form text NOT NULL
);

--
-- Name: events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.events (
    id bigint NOT NULL,
    name text NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    source text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'confirmed'::text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT events_status_check CHECK ((status = ANY (ARRAY['confirmed'::text, 'candidate'::text, 'dismissed'::text])))
);

--
-- Name: events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.events_id_seq OWNED BY public.events.id;

--
-- Name: import_files; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.import_files (
    id bigint NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    sha256 text NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    counts jsonb DEFAULT '{}'::jsonb NOT NULL
);

--
-- Name: import_files_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.import_files_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: import_files_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.import_files_id_seq OWNED BY public.import_files.id;

--
-- Name: job_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.job_runs (
    id bigint NOT NULL,
    job text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    status text DEFAULT 'running'::text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    error text,
    daemon text
);

--
-- Name: job_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.job_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: job_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.job_runs_id_seq OWNED BY public.job_runs.id;

--
-- Name: labels_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.labels_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: labels_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.labels_id_seq OWNED BY public.labels.id;

--
-- Name: leader_terms; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.leader_terms (
    id bigint NOT NULL,
    daemon text NOT NULL,
    backend_pid integer NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    ended_at timestamp with time zone
);

--
-- Name: leader_terms_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.leader_terms_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: leader_terms_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.leader_terms_id_seq OWNED BY public.leader_terms.id;

--
-- Name: media; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.media (
    id bigint NOT NULL,
    sha256 text NOT NULL,
    mime_type text NOT NULL,
    size_bytes bigint NOT NULL,
    width integer NOT NULL,
    height integer NOT NULL,
    phash bigint NOT NULL,
    stored_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT media_height_check CHECK ((height > 0)),
    CONSTRAINT media_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT media_size_bytes_check CHECK ((size_bytes > 0)),
    CONSTRAINT media_width_check CHECK ((width > 0))
);

--
-- Name: media_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.media_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: media_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.media_id_seq OWNED BY public.media.id;

--
-- Name: media_ocr; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.media_ocr (
    media_id bigint NOT NULL,
    languages text NOT NULL,
    text text NOT NULL,
    normalised text NOT NULL,
    confidence real,
    error text,
    ocr_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: media_refusals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.media_refusals (
    id bigint NOT NULL,
    post_id bigint,
    location text NOT NULL,
    reason text NOT NULL,
    refused_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: media_refusals_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.media_refusals_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: media_refusals_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.media_refusals_id_seq OWNED BY public.media_refusals.id;

--
-- Name: narrative_posts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.narrative_posts (
    narrative text NOT NULL,
    post_id bigint NOT NULL,
    source_id bigint NOT NULL,
    posted_at timestamp with time zone NOT NULL,
    via text NOT NULL,
    score real,
    url text,
    shingles integer[],
    grams integer[],
    CONSTRAINT narrative_posts_via_check CHECK ((via = ANY (ARRAY['model'::text, 'analyst'::text])))
);

--
-- Name: sources; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sources (
    id bigint NOT NULL,
    platform text NOT NULL,
    handle text NOT NULL,
    actor_id bigint,
    role text DEFAULT 'observer'::text NOT NULL,
    kind text DEFAULT 'account'::text NOT NULL,
    query text,
    platform_id bigint,
    access_hash bigint,
    cited_in jsonb DEFAULT '[]'::jsonb NOT NULL,
    illustrative boolean DEFAULT false NOT NULL,
    active boolean DEFAULT true NOT NULL,
    interval_minutes integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    discovered jsonb,
    CONSTRAINT sources_kind_check CHECK ((kind = ANY (ARRAY['account'::text, 'channel'::text, 'search'::text]))),
    CONSTRAINT sources_platform_check CHECK ((platform = ANY (ARRAY['telegram'::text, 'twitter'::text]))),
    CONSTRAINT sources_role_check CHECK ((role = ANY (ARRAY['actor'::text, 'observer'::text])))
);

--
-- Name: narrative_adoptions; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.narrative_adoptions AS
 SELECT np.narrative,
    np.post_id,
    np.posted_at,
    np.via,
    np.score,
    s.id AS source_id,
    s.platform,
    s.handle,
    a.id AS actor_id,
    a.name AS actor,
    a.group_key,
    np.url,
    np.shingles,
    np.grams
   FROM ((public.narrative_posts np
     JOIN public.sources s ON ((s.id = np.source_id)))
     JOIN public.actors a ON ((a.id = s.actor_id)))
  WHERE (s.role = 'actor'::text);

--
-- Name: narrative_daily; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.narrative_daily (
    narrative text NOT NULL,
    day date NOT NULL,
    actors integer NOT NULL,
    groups integer NOT NULL,
    posts integer NOT NULL,
    observer_posts integer NOT NULL
);

--
-- Name: narrative_daily_split; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.narrative_daily_split (
    narrative text NOT NULL,
    day date NOT NULL,
    dimension text NOT NULL,
    value text NOT NULL,
    actors integer NOT NULL,
    posts integer NOT NULL,
    CONSTRAINT narrative_daily_split_dimension_check CHECK ((dimension = ANY (ARRAY['platform'::text, 'group'::text])))
);

--
-- Name: narratives; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.narratives (
    key text NOT NULL,
    names jsonb NOT NULL,
    descriptions jsonb NOT NULL,
    examples jsonb DEFAULT '{}'::jsonb NOT NULL,
    cues jsonb DEFAULT '{}'::jsonb NOT NULL,
    threshold real DEFAULT 0.5 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT narratives_key_check CHECK ((key ~ '^[a-z][a-z0-9_]*$'::text)),
    CONSTRAINT narratives_threshold_check CHECK (((threshold > (0)::double precision) AND (threshold <= (1)::double precision)))
);

--
-- Name: posts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.posts (
    id bigint NOT NULL,
    platform text NOT NULL,
    source_id bigint NOT NULL,
    native_id text NOT NULL,
    kind text DEFAULT 'post'::text NOT NULL,
    url text,
    lang text,
    posted_at timestamp with time zone NOT NULL,
    edited_at timestamp with time zone,
    text text DEFAULT ''::text NOT NULL,
    normalized_text text DEFAULT ''::text NOT NULL,
    content_hash bytea NOT NULL,
    norm_hash bytea NOT NULL,
    forwarded_from text,
    forwarded_from_id text,
    reply_to text,
    quote_of text,
    links jsonb DEFAULT '[]'::jsonb NOT NULL,
    metrics jsonb DEFAULT '{}'::jsonb NOT NULL,
    media jsonb,
    raw jsonb DEFAULT '{}'::jsonb NOT NULL,
    import_file_id bigint,
    version_count integer DEFAULT 1 NOT NULL,
    fetched_at timestamp with time zone DEFAULT now() NOT NULL,
    first_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_seen_at timestamp with time zone,
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, normalized_text)) STORED,
    image_search tsvector,
    CONSTRAINT posts_kind_check CHECK ((kind = ANY (ARRAY['post'::text, 'forward'::text, 'retweet'::text, 'quote'::text, 'reply'::text])))
);

--
-- Name: post_citation_rows; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.post_citation_rows AS
 SELECT p.id AS post_id,
    p.source_id,
    p.posted_at,
    r.kind,
    r.cited_platform,
    r.cited_key,
    "left"(r.cited_label, 200) AS cited_label
   FROM ((public.posts p
     JOIN public.sources s ON ((s.id = p.source_id)))
     CROSS JOIN LATERAL public.post_citation_refs(p.platform, p.kind, p.text, p.forwarded_from, p.quote_of, p.links, p.raw) r(kind, cited_platform, cited_key, cited_label))
  WHERE (public.citation_may_cite(p.platform, p.kind, p.text, p.quote_of, p.links, p.raw) AND ((r.cited_platform <> s.platform) OR ((r.cited_key <> lower(s.handle)) AND (r.cited_key <> COALESCE(('channel:'::text || s.platform_id), ''::text)))));

--
-- Name: post_citations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.post_citations (
    post_id bigint NOT NULL,
    source_id bigint NOT NULL,
    posted_at timestamp with time zone NOT NULL,
    kind text NOT NULL,
    cited_platform text NOT NULL,
    cited_key text NOT NULL,
    cited_label text NOT NULL,
    CONSTRAINT post_citations_kind_check CHECK ((kind = ANY (ARRAY['forward'::text, 'retweet'::text, 'quote'::text, 'reply'::text, 'mention'::text, 'link'::text])))
);

--
-- Name: post_features; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.post_features (
    post_id bigint NOT NULL,
    tokens text[] NOT NULL,
    shingles integer[] NOT NULL,
    grams integer[] NOT NULL
);

--
-- Name: post_media; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.post_media (
    post_id bigint NOT NULL,
    media_id bigint NOT NULL,
    "position" smallint DEFAULT 0 NOT NULL
);

--
-- Name: post_tagging; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.post_tagging (
    post_id bigint NOT NULL,
    model_version text NOT NULL,
    tagged_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: post_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.post_versions (
    post_id bigint NOT NULL,
    version integer NOT NULL,
    text text NOT NULL,
    content_hash bytea NOT NULL,
    edited_at timestamp with time zone,
    seen_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: posts_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.posts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: posts_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.posts_id_seq OWNED BY public.posts.id;

--
-- Name: saved_queries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.saved_queries (
    id bigint NOT NULL,
    name text NOT NULL,
    sql text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    created_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT saved_queries_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT saved_queries_sql_check CHECK (((length(sql) >= 1) AND (length(sql) <= 20000)))
);

--
-- Name: saved_queries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.saved_queries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: saved_queries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.saved_queries_id_seq OWNED BY public.saved_queries.id;

--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: source_candidate_decisions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.source_candidate_decisions (
    cited_platform text NOT NULL,
    cited_key text NOT NULL,
    label text NOT NULL,
    decision text NOT NULL,
    source_id bigint,
    analyst text DEFAULT ''::text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    evidence jsonb DEFAULT '{}'::jsonb NOT NULL,
    decided_at timestamp with time zone DEFAULT now() NOT NULL,
    probation_until timestamp with time zone,
    CONSTRAINT source_candidate_decisions_decision_check CHECK ((decision = ANY (ARRAY['accepted'::text, 'rejected'::text, 'probation'::text]))),
    CONSTRAINT source_candidate_decisions_probation_check CHECK (((decision = 'probation'::text) = (probation_until IS NOT NULL)))
);

--
-- Name: source_rhythms; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.source_rhythms (
    days integer NOT NULL,
    percentile double precision NOT NULL,
    source_id bigint NOT NULL,
    posts integer NOT NULL,
    typical_gap_s double precision,
    latest_post_at timestamp with time zone NOT NULL,
    computed_at timestamp with time zone NOT NULL
);

--
-- Name: sources_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.sources_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: sources_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.sources_id_seq OWNED BY public.sources.id;

--
-- Name: tag_queue; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tag_queue (
    post_id bigint NOT NULL,
    queued_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    post_id bigint NOT NULL,
    narrative text NOT NULL,
    score real NOT NULL,
    method text NOT NULL,
    model_version text NOT NULL,
    evidence jsonb DEFAULT '{}'::jsonb NOT NULL,
    tagged_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: telegram_channels; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.telegram_channels (
    channel_id bigint NOT NULL,
    access_hash bigint NOT NULL,
    username text,
    title text DEFAULT ''::text NOT NULL,
    first_seen timestamp with time zone DEFAULT now() NOT NULL,
    last_seen timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT telegram_channels_title_check CHECK ((length(title) <= 255)),
    CONSTRAINT telegram_channels_username_check CHECK ((username ~ '^[A-Za-z][A-Za-z0-9_]{3,31}$'::text))
);

--
-- Name: watched_keys; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.watched_keys AS
 SELECT sources.id AS source_id,
    sources.platform,
    lower(sources.handle) AS cited_key
   FROM public.sources
UNION ALL
 SELECT sources.id AS source_id,
    sources.platform,
    ('channel:'::text || sources.platform_id) AS cited_key
   FROM public.sources
  WHERE (sources.platform_id IS NOT NULL);

--
-- Name: x_read_budget; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.x_read_budget (
    month date NOT NULL,
    reads integer DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT x_read_budget_month_check CHECK ((EXTRACT(day FROM month) = (1)::numeric)),
    CONSTRAINT x_read_budget_reads_check CHECK ((reads >= 0))
);

--
-- Name: actors; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.actors AS
 SELECT id,
    name,
    group_key,
    description,
    illustrative,
    created_at
   FROM public.actors;

--
-- Name: collection_runs; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.collection_runs AS
 SELECT id,
    source_id,
    platform,
    started_at,
    finished_at,
    status,
    fetched,
    inserted,
    updated,
    unchanged,
    errors,
    error
   FROM public.collection_runs;

--
-- Name: collector_state; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.collector_state AS
 SELECT source_id,
    state,
    last_run_at,
    last_success_at,
    last_error_at,
    last_error,
    rate_limited_until,
    updated_at
   FROM public.collector_state;

--
-- Name: effective_tags; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.effective_tags AS
 SELECT post_id,
    narrative,
    score,
    via AS basis,
    source_id,
    posted_at
   FROM public.narrative_posts;

--
-- Name: events; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.events AS
 SELECT id,
    name,
    occurred_at,
    description,
    source,
    status,
    detail,
    created_at
   FROM public.events;

--
-- Name: label_history; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.label_history AS
 SELECT id,
    post_id,
    narrative,
    verdict,
    analyst,
    note,
    created_at
   FROM public.labels;

--
-- Name: labels; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.labels AS
 SELECT id,
    post_id,
    narrative,
    verdict,
    analyst,
    note,
    created_at
   FROM public.current_labels;

--
-- Name: narrative_daily; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.narrative_daily AS
 SELECT narrative,
    day,
    actors,
    groups,
    posts,
    observer_posts
   FROM public.narrative_daily;

--
-- Name: narratives; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.narratives AS
 SELECT key,
    names,
    descriptions,
    examples,
    threshold,
    updated_at
   FROM public.narratives;

--
-- Name: post_citations; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.post_citations AS
 SELECT post_id,
    source_id,
    posted_at,
    kind,
    cited_platform,
    cited_key,
    cited_label
   FROM public.post_citations;

--
-- Name: post_media_text; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.post_media_text AS
 SELECT pm.post_id,
    m.id AS media_id,
    m.sha256,
    m.mime_type,
    m.width,
    m.height,
    o.languages,
    o.text,
    o.confidence
   FROM ((public.post_media pm
     JOIN public.media m ON ((m.id = pm.media_id)))
     LEFT JOIN public.media_ocr o ON ((o.media_id = m.id)));

--
-- Name: post_versions; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.post_versions AS
 SELECT post_id,
    version,
    text,
    edited_at,
    seen_at
   FROM public.post_versions;

--
-- Name: posts; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.posts AS
 SELECT p.id,
    p.platform,
    p.source_id,
    s.handle,
    s.actor_id,
    p.native_id,
    p.kind,
    p.url,
    p.lang,
    p.posted_at,
    p.edited_at,
    p.text,
    p.normalized_text,
    p.forwarded_from,
    p.forwarded_from_id,
    p.reply_to,
    p.quote_of,
    p.links,
    p.metrics,
    p.media,
    p.raw,
    p.version_count,
    p.fetched_at,
    p.first_seen_at,
    p.deleted_seen_at,
    p.search
   FROM (public.posts p
     JOIN public.sources s ON ((s.id = p.source_id)));

--
-- Name: sources; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.sources AS
 SELECT s.id,
    s.platform,
    s.handle,
    s.actor_id,
    a.name AS actor,
    a.group_key,
    s.role,
    s.kind,
    s.query,
    s.platform_id,
    s.cited_in,
    s.illustrative,
    s.active,
    s.created_at
   FROM (public.sources s
     LEFT JOIN public.actors a ON ((a.id = s.actor_id)));

--
-- Name: tags; Type: VIEW; Schema: reader; Owner: -
--

CREATE VIEW reader.tags AS
 SELECT post_id,
    narrative,
    score,
    method,
    model_version,
    evidence,
    tagged_at
   FROM public.tags;

--
-- Name: actors id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actors ALTER COLUMN id SET DEFAULT nextval('public.actors_id_seq'::regclass);

--
-- Name: alert_deliveries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_deliveries ALTER COLUMN id SET DEFAULT nextval('public.alert_deliveries_id_seq'::regclass);

--
-- Name: alert_incidents id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_incidents ALTER COLUMN id SET DEFAULT nextval('public.alert_incidents_id_seq'::regclass);

--
-- Name: alert_rules id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_rules ALTER COLUMN id SET DEFAULT nextval('public.alert_rules_id_seq'::regclass);

--
-- Name: classifier_heads id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.classifier_heads ALTER COLUMN id SET DEFAULT nextval('public.classifier_heads_id_seq'::regclass);

--
-- Name: collection_gaps id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_gaps ALTER COLUMN id SET DEFAULT nextval('public.collection_gaps_id_seq'::regclass);

--
-- Name: collection_runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_runs ALTER COLUMN id SET DEFAULT nextval('public.collection_runs_id_seq'::regclass);

--
-- Name: console_users id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.console_users ALTER COLUMN id SET DEFAULT nextval('public.console_users_id_seq'::regclass);

--
-- Name: events id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events ALTER COLUMN id SET DEFAULT nextval('public.events_id_seq'::regclass);

--
-- Name: import_files id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_files ALTER COLUMN id SET DEFAULT nextval('public.import_files_id_seq'::regclass);

--
-- Name: job_runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.job_runs ALTER COLUMN id SET DEFAULT nextval('public.job_runs_id_seq'::regclass);

--
-- Name: labels id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.labels ALTER COLUMN id SET DEFAULT nextval('public.labels_id_seq'::regclass);

--
-- Name: leader_terms id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.leader_terms ALTER COLUMN id SET DEFAULT nextval('public.leader_terms_id_seq'::regclass);

--
-- Name: media id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media ALTER COLUMN id SET DEFAULT nextval('public.media_id_seq'::regclass);

--
-- Name: media_refusals id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media_refusals ALTER COLUMN id SET DEFAULT nextval('public.media_refusals_id_seq'::regclass);

--
-- Name: posts id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.posts ALTER COLUMN id SET DEFAULT nextval('public.posts_id_seq'::regclass);

--
-- Name: saved_queries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.saved_queries ALTER COLUMN id SET DEFAULT nextval('public.saved_queries_id_seq'::regclass);

--
-- Name: sources id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sources ALTER COLUMN id SET DEFAULT nextval('public.sources_id_seq'::regclass);

--
-- Name: actor_daily actor_daily_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actor_daily
    ADD CONSTRAINT actor_daily_pkey PRIMARY KEY (actor_id, day);

--
-- Name: actors actors_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actors
    ADD CONSTRAINT actors_name_key UNIQUE (name);

--
-- Name: actors actors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actors
    ADD CONSTRAINT actors_pkey PRIMARY KEY (id);

--
-- Name: alert_deliveries alert_deliveries_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_deliveries
    ADD CONSTRAINT alert_deliveries_idempotency_key_key UNIQUE (idempotency_key);

--
-- Name: alert_deliveries alert_deliveries_incident_id_channel_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_deliveries
    ADD CONSTRAINT alert_deliveries_incident_id_channel_version_key UNIQUE (incident_id, channel, version);

--
-- Name: alert_deliveries alert_deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_deliveries
    ADD CONSTRAINT alert_deliveries_pkey PRIMARY KEY (id);

--
-- Name: alert_incidents alert_incidents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_incidents
    ADD CONSTRAINT alert_incidents_pkey PRIMARY KEY (id);

--
-- Name: alert_incidents alert_incidents_rule_id_incident_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_incidents
    ADD CONSTRAINT alert_incidents_rule_id_incident_key_key UNIQUE (rule_id, incident_key);

--
-- Name: alert_rules alert_rules_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_rules
    ADD CONSTRAINT alert_rules_name_key UNIQUE (name);

--
-- Name: alert_rules alert_rules_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_rules
    ADD CONSTRAINT alert_rules_pkey PRIMARY KEY (id);

--
-- Name: citation_pairs citation_pairs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.citation_pairs
    ADD CONSTRAINT citation_pairs_pkey PRIMARY KEY (cited_platform, cited_key, source_id);

--
-- Name: classifier_heads classifier_heads_model_id_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.classifier_heads
    ADD CONSTRAINT classifier_heads_model_id_version_key UNIQUE (model_id, version);

--
-- Name: classifier_heads classifier_heads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.classifier_heads
    ADD CONSTRAINT classifier_heads_pkey PRIMARY KEY (id);

--
-- Name: collection_counts collection_counts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_counts
    ADD CONSTRAINT collection_counts_pkey PRIMARY KEY (source_id, day);

--
-- Name: collection_gaps collection_gaps_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_gaps
    ADD CONSTRAINT collection_gaps_pkey PRIMARY KEY (id);

--
-- Name: collection_gaps collection_gaps_source_id_after_id_before_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_gaps
    ADD CONSTRAINT collection_gaps_source_id_after_id_before_id_key UNIQUE (source_id, after_id, before_id);

--
-- Name: collection_runs collection_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_runs
    ADD CONSTRAINT collection_runs_pkey PRIMARY KEY (id);

--
-- Name: collector_state collector_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collector_state
    ADD CONSTRAINT collector_state_pkey PRIMARY KEY (source_id);

--
-- Name: console_sessions console_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.console_sessions
    ADD CONSTRAINT console_sessions_pkey PRIMARY KEY (token_hash);

--
-- Name: console_users console_users_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.console_users
    ADD CONSTRAINT console_users_name_key UNIQUE (name);

--
-- Name: console_users console_users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.console_users
    ADD CONSTRAINT console_users_pkey PRIMARY KEY (id);

--
-- Name: convergence_placebo convergence_placebo_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.convergence_placebo
    ADD CONSTRAINT convergence_placebo_pkey PRIMARY KEY (event_id, narrative);

--
-- Name: digests digests_message_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digests
    ADD CONSTRAINT digests_message_id_key UNIQUE (message_id);

--
-- Name: digests digests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digests
    ADD CONSTRAINT digests_pkey PRIMARY KEY (digest_date);

--
-- Name: event_keywords event_keywords_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_keywords
    ADD CONSTRAINT event_keywords_pkey PRIMARY KEY (event_id, lang, keyword);

--
-- Name: events events_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_name_key UNIQUE (name);

--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);

--
-- Name: import_files import_files_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_files
    ADD CONSTRAINT import_files_pkey PRIMARY KEY (id);

--
-- Name: job_runs job_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.job_runs
    ADD CONSTRAINT job_runs_pkey PRIMARY KEY (id);

--
-- Name: labels labels_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.labels
    ADD CONSTRAINT labels_pkey PRIMARY KEY (id);

--
-- Name: leader_terms leader_terms_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.leader_terms
    ADD CONSTRAINT leader_terms_pkey PRIMARY KEY (id);

--
-- Name: media_ocr media_ocr_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media_ocr
    ADD CONSTRAINT media_ocr_pkey PRIMARY KEY (media_id);

--
-- Name: media media_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media
    ADD CONSTRAINT media_pkey PRIMARY KEY (id);

--
-- Name: media_refusals media_refusals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media_refusals
    ADD CONSTRAINT media_refusals_pkey PRIMARY KEY (id);

--
-- Name: media media_sha256_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media
    ADD CONSTRAINT media_sha256_key UNIQUE (sha256);

--
-- Name: narrative_daily narrative_daily_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.narrative_daily
    ADD CONSTRAINT narrative_daily_pkey PRIMARY KEY (narrative, day);

--
-- Name: narrative_daily_split narrative_daily_split_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.narrative_daily_split
    ADD CONSTRAINT narrative_daily_split_pkey PRIMARY KEY (narrative, day, dimension, value);

--
-- Name: narrative_posts narrative_posts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.narrative_posts
    ADD CONSTRAINT narrative_posts_pkey PRIMARY KEY (narrative, post_id);

--
-- Name: narratives narratives_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.narratives
    ADD CONSTRAINT narratives_pkey PRIMARY KEY (key);

--
-- Name: post_citations post_citations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_citations
    ADD CONSTRAINT post_citations_pkey PRIMARY KEY (post_id, kind, cited_platform, cited_key);

--
-- Name: post_features post_features_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_features
    ADD CONSTRAINT post_features_pkey PRIMARY KEY (post_id);

--
-- Name: post_media post_media_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_media
    ADD CONSTRAINT post_media_pkey PRIMARY KEY (post_id, media_id);

--
-- Name: post_tagging post_tagging_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_tagging
    ADD CONSTRAINT post_tagging_pkey PRIMARY KEY (post_id);

--
-- Name: post_versions post_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_versions
    ADD CONSTRAINT post_versions_pkey PRIMARY KEY (post_id, version);

--
-- Name: posts posts_native_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_native_key UNIQUE (platform, source_id, native_id);

--
-- Name: posts posts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_pkey PRIMARY KEY (id);

--
-- Name: saved_queries saved_queries_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.saved_queries
    ADD CONSTRAINT saved_queries_name_key UNIQUE (name);

--
-- Name: saved_queries saved_queries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.saved_queries
    ADD CONSTRAINT saved_queries_pkey PRIMARY KEY (id);

--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

--
-- Name: source_candidate_decisions source_candidate_decisions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.source_candidate_decisions
    ADD CONSTRAINT source_candidate_decisions_pkey PRIMARY KEY (cited_platform, cited_key);

--
-- Name: source_rhythms source_rhythms_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.source_rhythms
    ADD CONSTRAINT source_rhythms_pkey PRIMARY KEY (days, percentile, source_id);

--
-- Name: sources sources_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sources
    ADD CONSTRAINT sources_pkey PRIMARY KEY (id);

--
-- Name: tag_queue tag_queue_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tag_queue
    ADD CONSTRAINT tag_queue_pkey PRIMARY KEY (post_id);

--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (post_id, narrative);

--
-- Name: telegram_channels telegram_channels_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.telegram_channels
    ADD CONSTRAINT telegram_channels_pkey PRIMARY KEY (channel_id);

--
-- Name: x_read_budget x_read_budget_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.x_read_budget
    ADD CONSTRAINT x_read_budget_pkey PRIMARY KEY (month);

--
-- Name: actor_daily_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX actor_daily_day_idx ON public.actor_daily USING btree (day);

--
-- Name: alert_deliveries_open_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_deliveries_open_idx ON public.alert_deliveries USING btree (not_before) WHERE (status = ANY (ARRAY['pending'::text, 'sending'::text, 'failed'::text]));

--
-- Name: alert_deliveries_rule_sent_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_deliveries_rule_sent_idx ON public.alert_deliveries USING btree (rule_id, sent_at) WHERE (status = 'sent'::text);

--
-- Name: classifier_heads_model_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX classifier_heads_model_idx ON public.classifier_heads USING btree (model_id, created_at DESC, id DESC);

--
-- Name: collection_gaps_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collection_gaps_day_idx ON public.collection_gaps USING btree (day, source_id);

--
-- Name: collection_runs_platform_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collection_runs_platform_idx ON public.collection_runs USING btree (platform, started_at DESC);

--
-- Name: collection_runs_source_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collection_runs_source_idx ON public.collection_runs USING btree (source_id, started_at DESC);

--
-- Name: console_sessions_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX console_sessions_expiry_idx ON public.console_sessions USING btree (expires_at);

--
-- Name: convergence_dirty_days_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX convergence_dirty_days_day_idx ON public.convergence_dirty_days USING btree (day);

--
-- Name: convergence_placebo_changes_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX convergence_placebo_changes_day_idx ON public.convergence_placebo_changes USING btree (day_from, day_to);

--
-- Name: convergence_placebo_changes_logged_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX convergence_placebo_changes_logged_idx ON public.convergence_placebo_changes USING btree (logged_at);

--
-- Name: events_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_time_idx ON public.events USING btree (occurred_at);

--
-- Name: job_runs_job_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX job_runs_job_idx ON public.job_runs USING btree (job, started_at DESC);

--
-- Name: job_runs_running_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX job_runs_running_idx ON public.job_runs USING btree (status) WHERE (status = 'running'::text);

--
-- Name: labels_created_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX labels_created_at_idx ON public.labels USING btree (created_at);

--
-- Name: labels_narrative_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX labels_narrative_idx ON public.labels USING btree (narrative);

--
-- Name: labels_post_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX labels_post_idx ON public.labels USING btree (post_id, narrative, created_at DESC);

--
-- Name: leader_terms_backend_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX leader_terms_backend_idx ON public.leader_terms USING btree (backend_pid, started_at DESC);

--
-- Name: media_ocr_ocr_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX media_ocr_ocr_at_idx ON public.media_ocr USING btree (ocr_at);

--
-- Name: media_phash_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX media_phash_idx ON public.media USING btree (phash);

--
-- Name: narrative_daily_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX narrative_daily_day_idx ON public.narrative_daily USING btree (day);

--
-- Name: narrative_daily_split_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX narrative_daily_split_day_idx ON public.narrative_daily_split USING btree (day);

--
-- Name: narrative_posts_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX narrative_posts_day_idx ON public.narrative_posts USING btree (posted_at);

--
-- Name: narrative_posts_post_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX narrative_posts_post_idx ON public.narrative_posts USING btree (post_id);

--
-- Name: narrative_posts_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX narrative_posts_time_idx ON public.narrative_posts USING btree (narrative, posted_at) INCLUDE (source_id, post_id);

--
-- Name: post_citations_cited_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX post_citations_cited_idx ON public.post_citations USING btree (cited_platform, cited_key) INCLUDE (source_id, post_id, posted_at);

--
-- Name: post_citations_time_label_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX post_citations_time_label_idx ON public.post_citations USING btree (kind, posted_at) INCLUDE (source_id, cited_platform, cited_key, post_id, cited_label);

--
-- Name: post_media_media_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX post_media_media_idx ON public.post_media USING btree (media_id);

--
-- Name: post_tagging_version_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX post_tagging_version_idx ON public.post_tagging USING btree (model_version);

--
-- Name: posts_image_search_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX posts_image_search_idx ON public.posts USING gin (image_search) WHERE (image_search IS NOT NULL);

--
-- Name: posts_norm_hash_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX posts_norm_hash_idx ON public.posts USING btree (norm_hash);

--
-- Name: posts_search_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX posts_search_idx ON public.posts USING gin (search);

--
-- Name: posts_source_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX posts_source_time_idx ON public.posts USING btree (source_id, posted_at);

--
-- Name: posts_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX posts_time_idx ON public.posts USING btree (posted_at);

--
-- Name: sources_actor_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sources_actor_idx ON public.sources USING btree (actor_id);

--
-- Name: sources_platform_handle_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX sources_platform_handle_key ON public.sources USING btree (platform, lower(handle));

--
-- Name: tags_narrative_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tags_narrative_idx ON public.tags USING btree (narrative, post_id);

--
-- Name: tags_tagged_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tags_tagged_at_idx ON public.tags USING btree (tagged_at);

--
-- Name: telegram_channels_username_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX telegram_channels_username_idx ON public.telegram_channels USING btree (lower(username));

--
-- Name: actors actors_convergence_regrouped; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER actors_convergence_regrouped AFTER UPDATE OF group_key ON public.actors FOR EACH ROW WHEN ((old.group_key IS DISTINCT FROM new.group_key)) EXECUTE FUNCTION public.convergence_on_actor_regrouped();

--
-- Name: convergence_dirty_days convergence_dirty_days_placebo; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER convergence_dirty_days_placebo AFTER INSERT ON public.convergence_dirty_days REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_dirty_days();

--
-- Name: labels labels_convergence_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER labels_convergence_delete AFTER DELETE ON public.labels REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_tag_or_label();

--
-- Name: labels labels_convergence_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER labels_convergence_insert AFTER INSERT ON public.labels REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_tag_or_label();

--
-- Name: labels labels_convergence_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER labels_convergence_update AFTER UPDATE ON public.labels REFERENCING OLD TABLE AS changed_rows NEW TABLE AS changed_rows_new FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_tag_or_label();

--
-- Name: media_ocr media_ocr_tag_queue_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER media_ocr_tag_queue_insert AFTER INSERT ON public.media_ocr REFERENCING NEW TABLE AS read_images FOR EACH STATEMENT EXECUTE FUNCTION public.tag_queue_on_image_text();

--
-- Name: media_ocr media_ocr_tag_queue_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER media_ocr_tag_queue_update AFTER UPDATE ON public.media_ocr REFERENCING NEW TABLE AS read_images FOR EACH STATEMENT EXECUTE FUNCTION public.tag_queue_on_image_text();

--
-- Name: narrative_posts narrative_posts_truncate_placebo; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER narrative_posts_truncate_placebo AFTER TRUNCATE ON public.narrative_posts FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_rebuild();

--
-- Name: narratives narratives_convergence_threshold; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER narratives_convergence_threshold AFTER UPDATE OF threshold ON public.narratives FOR EACH ROW WHEN ((old.threshold IS DISTINCT FROM new.threshold)) EXECUTE FUNCTION public.convergence_on_threshold();

--
-- Name: post_citations post_citations_pairs_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER post_citations_pairs_delete AFTER DELETE ON public.post_citations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.citation_pairs_on_delete();

--
-- Name: post_citations post_citations_pairs_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER post_citations_pairs_insert AFTER INSERT ON public.post_citations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.citation_pairs_on_insert();

--
-- Name: post_media post_media_tag_queue_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER post_media_tag_queue_insert AFTER INSERT ON public.post_media REFERENCING NEW TABLE AS linked FOR EACH STATEMENT EXECUTE FUNCTION public.tag_queue_on_image_link();

--
-- Name: posts posts_citations_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER posts_citations_insert AFTER INSERT ON public.posts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.citations_on_posts_inserted();

--
-- Name: posts posts_citations_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER posts_citations_update AFTER UPDATE ON public.posts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.citations_on_posts_updated();

--
-- Name: posts posts_convergence_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER posts_convergence_delete AFTER DELETE ON public.posts REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_posts_rows();

--
-- Name: posts posts_convergence_edited; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER posts_convergence_edited AFTER UPDATE OF normalized_text ON public.posts FOR EACH ROW WHEN ((old.normalized_text IS DISTINCT FROM new.normalized_text)) EXECUTE FUNCTION public.convergence_on_post_edited();

--
-- Name: posts posts_convergence_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER posts_convergence_insert AFTER INSERT ON public.posts REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_posts_rows();

--
-- Name: posts posts_convergence_moved; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER posts_convergence_moved AFTER UPDATE OF posted_at, source_id, url ON public.posts FOR EACH ROW WHEN (((old.posted_at IS DISTINCT FROM new.posted_at) OR (old.source_id IS DISTINCT FROM new.source_id) OR (old.url IS DISTINCT FROM new.url))) EXECUTE FUNCTION public.convergence_on_post_moved();

--
-- Name: posts posts_tag_queue_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER posts_tag_queue_insert AFTER INSERT ON public.posts REFERENCING NEW TABLE AS new_posts FOR EACH STATEMENT EXECUTE FUNCTION public.tag_queue_on_insert();

--
-- Name: posts posts_tag_queue_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER posts_tag_queue_update AFTER UPDATE ON public.posts REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts FOR EACH STATEMENT EXECUTE FUNCTION public.tag_queue_on_text_change();

--
-- Name: sources sources_convergence_changed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sources_convergence_changed AFTER UPDATE OF role, actor_id ON public.sources FOR EACH ROW WHEN (((old.role IS DISTINCT FROM new.role) OR (old.actor_id IS DISTINCT FROM new.actor_id))) EXECUTE FUNCTION public.convergence_on_source_changed();

--
-- Name: tags tags_convergence_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tags_convergence_delete AFTER DELETE ON public.tags REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_tag_or_label();

--
-- Name: tags tags_convergence_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tags_convergence_insert AFTER INSERT ON public.tags REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_tag_or_label();

--
-- Name: tags tags_convergence_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tags_convergence_update AFTER UPDATE ON public.tags REFERENCING OLD TABLE AS changed_rows NEW TABLE AS changed_rows_new FOR EACH STATEMENT EXECUTE FUNCTION public.convergence_on_tag_or_label();

--
-- Name: actor_daily actor_daily_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actor_daily
    ADD CONSTRAINT actor_daily_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.actors(id) ON DELETE CASCADE;

--
-- Name: alert_deliveries alert_deliveries_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_deliveries
    ADD CONSTRAINT alert_deliveries_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.alert_incidents(id) ON DELETE CASCADE;

--
-- Name: alert_deliveries alert_deliveries_rule_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_deliveries
    ADD CONSTRAINT alert_deliveries_rule_id_fkey FOREIGN KEY (rule_id) REFERENCES public.alert_rules(id) ON DELETE CASCADE;

--
-- Name: alert_incidents alert_incidents_rule_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_incidents
    ADD CONSTRAINT alert_incidents_rule_id_fkey FOREIGN KEY (rule_id) REFERENCES public.alert_rules(id) ON DELETE CASCADE;

--
-- Name: collection_counts collection_counts_source_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_counts
    ADD CONSTRAINT collection_counts_source_id_fkey FOREIGN KEY (source_id) REFERENCES public.sources(id) ON DELETE CASCADE;

--
-- Name: collection_gaps collection_gaps_source_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_gaps
    ADD CONSTRAINT collection_gaps_source_id_fkey FOREIGN KEY (source_id) REFERENCES public.sources(id) ON DELETE CASCADE;

--
-- Name: collection_runs collection_runs_source_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collection_runs
    ADD CONSTRAINT collection_runs_source_id_fkey FOREIGN KEY (source_id) REFERENCES public.sources(id) ON DELETE CASCADE;

--
-- Name: collector_state collector_state_source_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collector_state
    ADD CONSTRAINT collector_state_source_id_fkey FOREIGN KEY (source_id) REFERENCES public.sources(id) ON DELETE CASCADE;

--
-- Name: console_sessions console_sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.console_sessions
    ADD CONSTRAINT console_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.console_users(id) ON DELETE CASCADE;

--
-- Name: convergence_placebo convergence_placebo_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.convergence_placebo
    ADD CONSTRAINT convergence_placebo_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.events(id) ON DELETE CASCADE;

--
-- Name: convergence_placebo convergence_placebo_narrative_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.convergence_placebo
    ADD CONSTRAINT convergence_placebo_narrative_fkey FOREIGN KEY (narrative) REFERENCES public.narratives(key) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: event_keywords event_keywords_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_keywords
    ADD CONSTRAINT event_keywords_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.events(id) ON DELETE CASCADE;

--
-- Name: labels labels_narrative_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.labels
    ADD CONSTRAINT labels_narrative_fkey FOREIGN KEY (narrative) REFERENCES public.narratives(key);

--
-- Name: labels labels_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.labels
    ADD CONSTRAINT labels_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: media_ocr media_ocr_media_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media_ocr
    ADD CONSTRAINT media_ocr_media_id_fkey FOREIGN KEY (media_id) REFERENCES public.media(id) ON DELETE CASCADE;

--
-- Name: media_refusals media_refusals_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media_refusals
    ADD CONSTRAINT media_refusals_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: narrative_daily narrative_daily_narrative_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.narrative_daily
    ADD CONSTRAINT narrative_daily_narrative_fkey FOREIGN KEY (narrative) REFERENCES public.narratives(key) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: narrative_daily_split narrative_daily_split_narrative_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.narrative_daily_split
    ADD CONSTRAINT narrative_daily_split_narrative_fkey FOREIGN KEY (narrative) REFERENCES public.narratives(key) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: narrative_posts narrative_posts_narrative_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.narrative_posts
    ADD CONSTRAINT narrative_posts_narrative_fkey FOREIGN KEY (narrative) REFERENCES public.narratives(key) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: narrative_posts narrative_posts_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.narrative_posts
    ADD CONSTRAINT narrative_posts_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: post_citations post_citations_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_citations
    ADD CONSTRAINT post_citations_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: post_features post_features_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_features
    ADD CONSTRAINT post_features_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: post_media post_media_media_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_media
    ADD CONSTRAINT post_media_media_id_fkey FOREIGN KEY (media_id) REFERENCES public.media(id);

--
-- Name: post_media post_media_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_media
    ADD CONSTRAINT post_media_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: post_tagging post_tagging_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_tagging
    ADD CONSTRAINT post_tagging_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: post_versions post_versions_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.post_versions
    ADD CONSTRAINT post_versions_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: posts posts_import_file_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_import_file_id_fkey FOREIGN KEY (import_file_id) REFERENCES public.import_files(id);

--
-- Name: posts posts_source_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_source_id_fkey FOREIGN KEY (source_id) REFERENCES public.sources(id);

--
-- Name: source_candidate_decisions source_candidate_decisions_source_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.source_candidate_decisions
    ADD CONSTRAINT source_candidate_decisions_source_id_fkey FOREIGN KEY (source_id) REFERENCES public.sources(id) ON DELETE SET NULL;

--
-- Name: source_rhythms source_rhythms_source_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.source_rhythms
    ADD CONSTRAINT source_rhythms_source_id_fkey FOREIGN KEY (source_id) REFERENCES public.sources(id) ON DELETE CASCADE;

--
-- Name: sources sources_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sources
    ADD CONSTRAINT sources_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.actors(id) ON DELETE SET NULL;

--
-- Name: tag_queue tag_queue_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tag_queue
    ADD CONSTRAINT tag_queue_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: tags tags_narrative_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_narrative_fkey FOREIGN KEY (narrative) REFERENCES public.narratives(key);

--
-- Name: tags tags_post_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO chorus_app;

--
-- Name: SCHEMA reader; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA reader TO chorus_reader;
GRANT USAGE ON SCHEMA reader TO chorus_app;

--
-- Name: FUNCTION pg_advisory_lock(bigint); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_advisory_lock(bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_lock(bigint) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_lock(bigint) TO chorus_app;

--
-- Name: FUNCTION pg_advisory_lock(integer, integer); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_advisory_lock(integer, integer) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_lock(integer, integer) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_lock(integer, integer) TO chorus_app;

--
-- Name: FUNCTION pg_advisory_lock_shared(bigint); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_advisory_lock_shared(bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_lock_shared(bigint) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_lock_shared(bigint) TO chorus_app;

--
-- Name: FUNCTION pg_advisory_lock_shared(integer, integer); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_advisory_lock_shared(integer, integer) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_lock_shared(integer, integer) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_lock_shared(integer, integer) TO chorus_app;

--
-- Name: FUNCTION pg_advisory_xact_lock(bigint); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock(bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock(bigint) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock(bigint) TO chorus_app;

--
-- Name: FUNCTION pg_advisory_xact_lock(integer, integer); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock(integer, integer) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock(integer, integer) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock(integer, integer) TO chorus_app;

--
-- Name: FUNCTION pg_advisory_xact_lock_shared(bigint); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock_shared(bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock_shared(bigint) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock_shared(bigint) TO chorus_app;

--
-- Name: FUNCTION pg_advisory_xact_lock_shared(integer, integer); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock_shared(integer, integer) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock_shared(integer, integer) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_advisory_xact_lock_shared(integer, integer) TO chorus_app;

--
-- Name: FUNCTION pg_try_advisory_lock(bigint); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_try_advisory_lock(bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_lock(bigint) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_lock(bigint) TO chorus_app;

--
-- Name: FUNCTION pg_try_advisory_lock(integer, integer); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_try_advisory_lock(integer, integer) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_lock(integer, integer) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_lock(integer, integer) TO chorus_app;

--
-- Name: FUNCTION pg_try_advisory_lock_shared(bigint); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_try_advisory_lock_shared(bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_lock_shared(bigint) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_lock_shared(bigint) TO chorus_app;

--
-- Name: FUNCTION pg_try_advisory_lock_shared(integer, integer); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_try_advisory_lock_shared(integer, integer) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_lock_shared(integer, integer) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_lock_shared(integer, integer) TO chorus_app;

--
-- Name: FUNCTION pg_try_advisory_xact_lock(bigint); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock(bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock(bigint) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock(bigint) TO chorus_app;

--
-- Name: FUNCTION pg_try_advisory_xact_lock(integer, integer); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock(integer, integer) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock(integer, integer) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock(integer, integer) TO chorus_app;

--
-- Name: FUNCTION pg_try_advisory_xact_lock_shared(bigint); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock_shared(bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock_shared(bigint) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock_shared(bigint) TO chorus_app;

--
-- Name: FUNCTION pg_try_advisory_xact_lock_shared(integer, integer); Type: ACL; Schema: pg_catalog; Owner: -
--

REVOKE ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock_shared(integer, integer) FROM PUBLIC;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock_shared(integer, integer) TO pg_database_owner;
GRANT ALL ON FUNCTION pg_catalog.pg_try_advisory_xact_lock_shared(integer, integer) TO chorus_app;

--
-- Name: FUNCTION citation_forward_origin(p_platform text, p_forwarded_from text, p_raw jsonb); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.citation_forward_origin(p_platform text, p_forwarded_from text, p_raw jsonb) TO chorus_app;

--
-- Name: FUNCTION citation_handle_key(p_platform text, p_handle text); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.citation_handle_key(p_platform text, p_handle text) TO chorus_app;

--
-- Name: FUNCTION citation_may_cite(p_platform text, p_kind text, p_text text, p_quote_of text, p_links jsonb, p_raw jsonb); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.citation_may_cite(p_platform text, p_kind text, p_text text, p_quote_of text, p_links jsonb, p_raw jsonb) TO chorus_app;

--
-- Name: FUNCTION citation_pairs_on_delete(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.citation_pairs_on_delete() TO chorus_app;

--
-- Name: FUNCTION citation_pairs_on_insert(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.citation_pairs_on_insert() TO chorus_app;

--
-- Name: FUNCTION citations_on_posts_inserted(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.citations_on_posts_inserted() TO chorus_app;

--
-- Name: FUNCTION citations_on_posts_updated(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.citations_on_posts_updated() TO chorus_app;

--
-- Name: FUNCTION convergence_actor_daily_rows(p_days date[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_actor_daily_rows(p_days date[]) TO chorus_app;

--
-- Name: FUNCTION convergence_copy_features(p_post_ids bigint[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_copy_features(p_post_ids bigint[]) TO chorus_app;

--
-- Name: FUNCTION convergence_daily_rows(p_days date[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_daily_rows(p_days date[]) TO chorus_app;

--
-- Name: FUNCTION convergence_daily_split_rows(p_days date[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_daily_split_rows(p_days date[]) TO chorus_app;

--
-- Name: FUNCTION convergence_day(t timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_day(t timestamp with time zone) TO chorus_app;

--
-- Name: FUNCTION convergence_day_start(d date); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_day_start(d date) TO chorus_app;

--
-- Name: FUNCTION convergence_event_pattern(p_event_id bigint); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_event_pattern(p_event_id bigint) TO chorus_app;

--
-- Name: FUNCTION convergence_grams(tokens text[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_grams(tokens text[]) TO chorus_app;

--
-- Name: FUNCTION convergence_hours(from_t timestamp with time zone, to_t timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_hours(from_t timestamp with time zone, to_t timestamp with time zone) TO chorus_app;

--
-- Name: FUNCTION convergence_iso(t timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_iso(t timestamp with time zone) TO chorus_app;

--
-- Name: FUNCTION convergence_keyword_form(normalised text); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_keyword_form(normalised text) TO chorus_app;

--
-- Name: FUNCTION convergence_names(p_post_id bigint, p_pattern text); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_names(p_post_id bigint, p_pattern text) TO chorus_app;

--
-- Name: FUNCTION convergence_on_actor_regrouped(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_actor_regrouped() TO chorus_app;

--
-- Name: FUNCTION convergence_on_dirty_days(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_dirty_days() TO chorus_app;

--
-- Name: FUNCTION convergence_on_post_edited(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_post_edited() TO chorus_app;

--
-- Name: FUNCTION convergence_on_post_moved(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_post_moved() TO chorus_app;

--
-- Name: FUNCTION convergence_on_posts_rows(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_posts_rows() TO chorus_app;

--
-- Name: FUNCTION convergence_on_rebuild(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_rebuild() TO chorus_app;

--
-- Name: FUNCTION convergence_on_source_changed(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_source_changed() TO chorus_app;

--
-- Name: FUNCTION convergence_on_tag_or_label(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_tag_or_label() TO chorus_app;

--
-- Name: FUNCTION convergence_on_threshold(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_on_threshold() TO chorus_app;

--
-- Name: FUNCTION convergence_phrase_hash(phrase text, n integer); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_phrase_hash(phrase text, n integer) TO chorus_app;

--
-- Name: FUNCTION convergence_rebuild(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_rebuild() TO chorus_app;

--
-- Name: FUNCTION convergence_recompute_days(p_days date[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_recompute_days(p_days date[]) TO chorus_app;

--
-- Name: FUNCTION convergence_refresh(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_refresh() TO chorus_app;

--
-- Name: FUNCTION convergence_resync(p_post_ids bigint[], p_narratives text[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_resync(p_post_ids bigint[], p_narratives text[]) TO chorus_app;

--
-- Name: FUNCTION convergence_score(weighted_adopters double precision, groups_24h integer, k integer); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_score(weighted_adopters double precision, groups_24h integer, k integer) TO chorus_app;

--
-- Name: FUNCTION convergence_shingles(tokens text[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_shingles(tokens text[]) TO chorus_app;

--
-- Name: FUNCTION convergence_stop_words(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_stop_words() TO chorus_app;

--
-- Name: FUNCTION convergence_store_features(p_post_ids bigint[], p_replace boolean); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_store_features(p_post_ids bigint[], p_replace boolean) TO chorus_app;

--
-- Name: FUNCTION convergence_tokens(t text); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.convergence_tokens(t text) TO chorus_app;

--
-- Name: FUNCTION post_citation_refs(p_platform text, p_kind text, p_text text, p_forwarded_from text, p_quote_of text, p_links jsonb, p_raw jsonb); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.post_citation_refs(p_platform text, p_kind text, p_text text, p_forwarded_from text, p_quote_of text, p_links jsonb, p_raw jsonb) TO chorus_app;

--
-- Name: FUNCTION source_shard(platform text, handle text, shards integer); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.source_shard(platform text, handle text, shards integer) TO chorus_app;

--
-- Name: FUNCTION tag_queue_add(post_ids bigint[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.tag_queue_add(post_ids bigint[]) TO chorus_app;

--
-- Name: FUNCTION tag_queue_on_image_link(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.tag_queue_on_image_link() TO chorus_app;

--
-- Name: FUNCTION tag_queue_on_image_text(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.tag_queue_on_image_text() TO chorus_app;

--
-- Name: FUNCTION tag_queue_on_insert(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.tag_queue_on_insert() TO chorus_app;

--
-- Name: FUNCTION tag_queue_on_text_change(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.tag_queue_on_text_change() TO chorus_app;

--
-- Name: TABLE actor_daily; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.actor_daily TO chorus_app;

--
-- Name: TABLE actors; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.actors TO chorus_app;

--
-- Name: SEQUENCE actors_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.actors_id_seq TO chorus_app;

--
-- Name: TABLE alert_deliveries; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.alert_deliveries TO chorus_app;

--
-- Name: SEQUENCE alert_deliveries_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.alert_deliveries_id_seq TO chorus_app;

--
-- Name: TABLE alert_incidents; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.alert_incidents TO chorus_app;

--
-- Name: SEQUENCE alert_incidents_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.alert_incidents_id_seq TO chorus_app;

--
-- Name: TABLE alert_rules; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.alert_rules TO chorus_app;

--
-- Name: SEQUENCE alert_rules_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.alert_rules_id_seq TO chorus_app;

--
-- Name: TABLE citation_pairs; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.citation_pairs TO chorus_app;

--
-- Name: TABLE classifier_heads; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.classifier_heads TO chorus_app;

--
-- Name: SEQUENCE classifier_heads_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.classifier_heads_id_seq TO chorus_app;

--
-- Name: TABLE collection_counts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.collection_counts TO chorus_app;

--
-- Name: TABLE collection_gaps; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.collection_gaps TO chorus_app;

--
-- Name: SEQUENCE collection_gaps_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.collection_gaps_id_seq TO chorus_app;

--
-- Name: TABLE collection_runs; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.collection_runs TO chorus_app;

--
-- Name: SEQUENCE collection_runs_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.collection_runs_id_seq TO chorus_app;

--
-- Name: TABLE collector_state; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.collector_state TO chorus_app;

--
-- Name: TABLE console_sessions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.console_sessions TO chorus_app;

--
-- Name: TABLE console_users; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.console_users TO chorus_app;

--
-- Name: SEQUENCE console_users_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.console_users_id_seq TO chorus_app;

--
-- Name: TABLE convergence_dirty_days; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.convergence_dirty_days TO chorus_app;

--
-- Name: TABLE convergence_placebo; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.convergence_placebo TO chorus_app;

--
-- Name: TABLE convergence_placebo_changes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.convergence_placebo_changes TO chorus_app;

--
-- Name: TABLE labels; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.labels TO chorus_app;

--
-- Name: TABLE current_labels; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.current_labels TO chorus_app;

--
-- Name: TABLE digests; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.digests TO chorus_app;

--
-- Name: TABLE event_keywords; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.event_keywords TO chorus_app;

--
-- Name: TABLE events; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.events TO chorus_app;

--
-- Name: SEQUENCE events_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.events_id_seq TO chorus_app;

--
-- Name: TABLE import_files; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.import_files TO chorus_app;

--
-- Name: SEQUENCE import_files_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.import_files_id_seq TO chorus_app;

--
-- Name: TABLE job_runs; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.job_runs TO chorus_app;

--
-- Name: SEQUENCE job_runs_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.job_runs_id_seq TO chorus_app;

--
-- Name: SEQUENCE labels_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.labels_id_seq TO chorus_app;

--
-- Name: TABLE leader_terms; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.leader_terms TO chorus_app;

--
-- Name: SEQUENCE leader_terms_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.leader_terms_id_seq TO chorus_app;

--
-- Name: TABLE media; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.media TO chorus_app;

--
-- Name: SEQUENCE media_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.media_id_seq TO chorus_app;

--
-- Name: TABLE media_ocr; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.media_ocr TO chorus_app;

--
-- Name: TABLE media_refusals; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.media_refusals TO chorus_app;

--
-- Name: SEQUENCE media_refusals_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.media_refusals_id_seq TO chorus_app;

--
-- Name: TABLE narrative_posts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.narrative_posts TO chorus_app;

--
-- Name: TABLE sources; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.sources TO chorus_app;

--
-- Name: TABLE narrative_adoptions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.narrative_adoptions TO chorus_app;

--
-- Name: TABLE narrative_daily; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.narrative_daily TO chorus_app;

--
-- Name: TABLE narrative_daily_split; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.narrative_daily_split TO chorus_app;

--
-- Name: TABLE narratives; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.narratives TO chorus_app;

--
-- Name: TABLE posts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.posts TO chorus_app;

--
-- Name: TABLE post_citation_rows; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.post_citation_rows TO chorus_app;

--
-- Name: TABLE post_citations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.post_citations TO chorus_app;

--
-- Name: TABLE post_features; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.post_features TO chorus_app;

--
-- Name: TABLE post_media; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.post_media TO chorus_app;

--
-- Name: TABLE post_tagging; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.post_tagging TO chorus_app;

--
-- Name: TABLE post_versions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.post_versions TO chorus_app;

--
-- Name: SEQUENCE posts_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.posts_id_seq TO chorus_app;

--
-- Name: TABLE saved_queries; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.saved_queries TO chorus_app;

--
-- Name: SEQUENCE saved_queries_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.saved_queries_id_seq TO chorus_app;

--
-- Name: TABLE schema_migrations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.schema_migrations TO chorus_app;

--
-- Name: TABLE source_candidate_decisions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.source_candidate_decisions TO chorus_app;

--
-- Name: TABLE source_rhythms; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.source_rhythms TO chorus_app;

--
-- Name: SEQUENCE sources_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.sources_id_seq TO chorus_app;

--
-- Name: TABLE tag_queue; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.tag_queue TO chorus_app;

--
-- Name: TABLE tags; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.tags TO chorus_app;

--
-- Name: TABLE telegram_channels; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.telegram_channels TO chorus_app;

--
-- Name: TABLE watched_keys; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.watched_keys TO chorus_app;

--
-- Name: TABLE x_read_budget; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.x_read_budget TO chorus_app;

--
-- Name: TABLE actors; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.actors TO chorus_reader;
GRANT SELECT ON TABLE reader.actors TO chorus_app;

--
-- Name: TABLE collection_runs; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.collection_runs TO chorus_reader;
GRANT SELECT ON TABLE reader.collection_runs TO chorus_app;

--
-- Name: TABLE collector_state; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.collector_state TO chorus_reader;
GRANT SELECT ON TABLE reader.collector_state TO chorus_app;

--
-- Name: TABLE effective_tags; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.effective_tags TO chorus_reader;
GRANT SELECT ON TABLE reader.effective_tags TO chorus_app;

--
-- Name: TABLE events; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.events TO chorus_reader;
GRANT SELECT ON TABLE reader.events TO chorus_app;

--
-- Name: TABLE label_history; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.label_history TO chorus_reader;
GRANT SELECT ON TABLE reader.label_history TO chorus_app;

--
-- Name: TABLE labels; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.labels TO chorus_reader;
GRANT SELECT ON TABLE reader.labels TO chorus_app;

--
-- Name: TABLE narrative_daily; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.narrative_daily TO chorus_reader;
GRANT SELECT ON TABLE reader.narrative_daily TO chorus_app;

--
-- Name: TABLE narratives; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.narratives TO chorus_reader;
GRANT SELECT ON TABLE reader.narratives TO chorus_app;

--
-- Name: TABLE post_citations; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.post_citations TO chorus_reader;
GRANT SELECT ON TABLE reader.post_citations TO chorus_app;

--
-- Name: TABLE post_media_text; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.post_media_text TO chorus_reader;
GRANT SELECT ON TABLE reader.post_media_text TO chorus_app;

--
-- Name: TABLE post_versions; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.post_versions TO chorus_reader;
GRANT SELECT ON TABLE reader.post_versions TO chorus_app;

--
-- Name: TABLE posts; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.posts TO chorus_reader;
GRANT SELECT ON TABLE reader.posts TO chorus_app;

--
-- Name: TABLE sources; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.sources TO chorus_reader;
GRANT SELECT ON TABLE reader.sources TO chorus_app;

--
-- Name: TABLE tags; Type: ACL; Schema: reader; Owner: -
--

GRANT SELECT ON TABLE reader.tags TO chorus_reader;
GRANT SELECT ON TABLE reader.tags TO chorus_app;

--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA public GRANT ALL ON SEQUENCES TO chorus_app;

--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA public GRANT ALL ON FUNCTIONS TO chorus_app;

--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA public GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLES TO chorus_app;

--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: reader; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA reader GRANT SELECT ON TABLES TO chorus_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA reader GRANT SELECT ON TABLES TO chorus_app;

--
-- PostgreSQL database dump complete
--
