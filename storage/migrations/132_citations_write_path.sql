-- Citations on the write path, cheaper (issue 16): migration 130's insert trigger ran the
-- extraction (a SQL function of five set-returning branches, about 55 us a post) on every
-- new post and read each one back from posts; imports slowed by a third. Now a cheap test
-- (no forward or quote, no '@', no '/', no links or X mentions: no citation) skips most
-- posts, the extraction is PL/pgSQL that runs only the branches a post needs, and the
-- trigger reads the transition table itself. Same results as 130's function.

CREATE OR REPLACE FUNCTION post_citation_refs(p_platform text, p_kind text, p_text text,
                                              p_forwarded_from text, p_quote_of text,
                                              p_links jsonb, p_raw jsonb)
RETURNS TABLE (kind text, cited_platform text, cited_key text, cited_label text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
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

CREATE FUNCTION citation_may_cite(p_platform text, p_kind text, p_text text, p_quote_of text,
                                  p_links jsonb, p_raw jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT p_kind IN ('forward', 'retweet') OR p_quote_of IS NOT NULL
        OR strpos(p_text, '@') > 0 OR strpos(p_text, '/') > 0
        OR p_links <> '[]'::jsonb
        OR (p_platform = 'twitter' AND p_raw -> 'tweet' -> 'entities' ? 'mentions')
$$;

CREATE OR REPLACE VIEW post_citation_rows AS
SELECT p.id AS post_id, p.source_id, p.posted_at, r.kind, r.cited_platform, r.cited_key,
       left(r.cited_label, 200) AS cited_label
FROM posts p
JOIN sources s ON s.id = p.source_id
CROSS JOIN LATERAL post_citation_refs(p.platform, p.kind, p.text, p.forwarded_from,
                                      p.quote_of, p.links, p.raw) r
WHERE citation_may_cite(p.platform, p.kind, p.text, p.quote_of, p.links, p.raw)
  AND (r.cited_platform <> s.platform
       OR r.cited_key NOT IN (lower(s.handle), coalesce('channel:' || s.platform_id, '')));

CREATE OR REPLACE FUNCTION citations_on_posts_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
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
