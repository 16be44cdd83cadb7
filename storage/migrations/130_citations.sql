-- Snowball discovery and the citation network (issue 16).
--
-- post_citations holds who each post cites: the channel or account it forwards or retweets,
-- quotes or replies to, mentions (@name) or links to (t.me/name, x.com/name). A statement
-- trigger keeps it exact on every write to posts, so collected posts and imported ones (a
-- Telegram Desktop export, twarc2 JSONL, generic JSONL) feed it the same way, and discovery
-- and the network graphs read a narrow indexed table instead of posts' texts and payloads.
--
-- A cited key is a lower-cased username, `channel:<id>` for a Telegram channel known only by
-- its numeric id (a forward header), or `name:<title>` for the channel title a Telegram
-- Desktop export writes for a forward. Content a post forwards or retweets is someone
-- else's: its mentions and links are not the forwarding source's citations.

CREATE TABLE post_citations (
    post_id        bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    source_id      bigint NOT NULL,
    posted_at      timestamptz NOT NULL,
    kind           text NOT NULL
                   CHECK (kind IN ('forward', 'retweet', 'quote', 'reply', 'mention', 'link')),
    cited_platform text NOT NULL,
    cited_key      text NOT NULL,
    cited_label    text NOT NULL,  -- as the post wrote it (display case, export title)
    PRIMARY KEY (post_id, kind, cited_platform, cited_key)
);
CREATE INDEX post_citations_cited_idx ON post_citations (cited_platform, cited_key)
    INCLUDE (source_id, post_id, posted_at);
CREATE INDEX post_citations_time_idx ON post_citations (kind, posted_at)
    INCLUDE (source_id, cited_platform, cited_key, post_id);

-- Analyst decisions on candidates: a rejected candidate stays rejected; an accepted one
-- points at the source it became.
CREATE TABLE source_candidate_decisions (
    cited_platform text NOT NULL,
    cited_key      text NOT NULL,
    label          text NOT NULL,
    decision       text NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    source_id      bigint REFERENCES sources (id) ON DELETE SET NULL,
    analyst        text NOT NULL DEFAULT '',
    note           text NOT NULL DEFAULT '',
    evidence       jsonb NOT NULL DEFAULT '{}'::jsonb,
    decided_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cited_platform, cited_key)
);

-- Every key a watched source answers to: its handle and, once resolved, its channel id.
CREATE VIEW watched_keys AS
SELECT id AS source_id, platform, lower(handle) AS cited_key FROM sources
UNION ALL
SELECT id, platform, 'channel:' || platform_id FROM sources WHERE platform_id IS NOT NULL;

-- How an accepted candidate was found (NULL for sources named by reports or seeds).
ALTER TABLE sources ADD COLUMN discovered jsonb;

-- A handle as a key, or NULL when the text cannot be one on that platform.
CREATE FUNCTION citation_handle_key(p_platform text, p_handle text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
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
$$;

-- Where a forward or retweet came from: (key, label), or no row (a private user, a chat).
CREATE FUNCTION citation_forward_origin(p_platform text, p_forwarded_from text, p_raw jsonb)
RETURNS TABLE (cited_key text, cited_label text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
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
$$;

-- Every citation one post makes: (kind, cited_platform, cited_key, cited_label).
CREATE FUNCTION post_citation_refs(p_platform text, p_kind text, p_text text,
                                   p_forwarded_from text, p_quote_of text, p_links jsonb,
                                   p_raw jsonb)
RETURNS TABLE (kind text, cited_platform text, cited_key text, cited_label text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH own AS (
        -- The post's own words and links; none for forwarded content.
        SELECT CASE WHEN p_kind IN ('forward', 'retweet') THEN ''
                    ELSE coalesce(p_text, '') || ' ' || coalesce(
                        (SELECT string_agg(l, ' ') FROM jsonb_array_elements_text(
                            CASE WHEN jsonb_typeof(p_links) = 'array' THEN p_links
                                 ELSE '[]'::jsonb END) AS l), '')
               END AS body,
               CASE WHEN p_kind IN ('forward', 'retweet') OR p_platform <> 'twitter'
                         OR jsonb_typeof(p_raw -> 'tweet' -> 'entities' -> 'mentions') <> 'array'
                    THEN '[]'::jsonb
                    ELSE p_raw -> 'tweet' -> 'entities' -> 'mentions'
               END AS mentions
    ), found AS (
        SELECT CASE WHEN p_platform = 'twitter' THEN 'retweet' ELSE 'forward' END AS kind,
               p_platform AS cited_platform, o.cited_key, o.cited_label
        FROM citation_forward_origin(p_platform, p_forwarded_from, p_raw) o
        WHERE p_kind IN ('forward', 'retweet')
        UNION ALL
        SELECT 'mention', p_platform, citation_handle_key(p_platform, m[1]), m[1]
        FROM own, regexp_matches(CASE WHEN strpos(own.body, '@') > 0 THEN own.body ELSE '' END,
                                 '(?:^|[^A-Za-z0-9_@./])@([A-Za-z0-9_]{1,32})(?![A-Za-z0-9_])',
                                 'g') AS m
        UNION ALL
        -- X's own mention entities; the one replied to is a reply.
        SELECT CASE WHEN e ->> 'id' = p_raw -> 'tweet' ->> 'in_reply_to_user_id'
                         AND p_raw -> 'tweet' ? 'in_reply_to_user_id' THEN 'reply'
                    ELSE 'mention' END,
               'twitter', citation_handle_key('twitter', e ->> 'username'), e ->> 'username'
        FROM own, jsonb_array_elements(own.mentions) AS e
        WHERE jsonb_typeof(e) = 'object'
        UNION ALL
        SELECT 'link', 'telegram', citation_handle_key('telegram', m[1]), m[1]
        FROM own, regexp_matches(
            CASE WHEN own.body ~* '(t|telegram)\.(me|dog)/' THEN own.body ELSE '' END,
            '(?:^|[^A-Za-z0-9_.])(?:https?://)?(?:www\.)?(?:t|telegram)\.(?:me|dog)/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_])',
            'gi') AS m
        UNION ALL
        SELECT CASE WHEN m[2] IS NOT NULL AND m[2] = p_quote_of THEN 'quote' ELSE 'link' END,
               'twitter', citation_handle_key('twitter', m[1]), m[1]
        FROM own, regexp_matches(
            CASE WHEN own.body ~* '(twitter|x)\.com/' THEN own.body ELSE '' END,
            '(?:^|[^A-Za-z0-9_.])(?:https?://)?(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])(?:/status(?:es)?/([0-9]{1,20}))?',
            'gi') AS m
    )
    SELECT DISTINCT ON (f.kind, f.cited_platform, f.cited_key)
           f.kind, f.cited_platform, f.cited_key, f.cited_label
    FROM found f
    WHERE f.cited_key IS NOT NULL
    ORDER BY f.kind, f.cited_platform, f.cited_key, f.cited_label
$$;

-- The citations of stored posts, less a source citing itself (channels sign with their link).
CREATE VIEW post_citation_rows AS
SELECT p.id AS post_id, p.source_id, p.posted_at, r.kind, r.cited_platform, r.cited_key,
       left(r.cited_label, 200) AS cited_label
FROM posts p
JOIN sources s ON s.id = p.source_id
CROSS JOIN LATERAL post_citation_refs(p.platform, p.kind, p.text, p.forwarded_from,
                                      p.quote_of, p.links, p.raw) r
WHERE r.cited_platform <> s.platform
   OR r.cited_key NOT IN (lower(s.handle), coalesce('channel:' || s.platform_id, ''));

CREATE FUNCTION citations_on_posts_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_citations
    SELECT c.* FROM post_citation_rows c WHERE c.post_id IN (SELECT id FROM new_rows)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

-- An edit (text, links, payload) or a moved post: its citations are written again.
CREATE FUNCTION citations_on_posts_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
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

CREATE TRIGGER posts_citations_insert AFTER INSERT ON posts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION citations_on_posts_inserted();
CREATE TRIGGER posts_citations_update AFTER UPDATE ON posts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION citations_on_posts_updated();

-- The posts already stored.
INSERT INTO post_citations SELECT * FROM post_citation_rows ON CONFLICT DO NOTHING;

-- The SQL tab may read the citations (the reader's default privileges grant it).
CREATE VIEW reader.post_citations AS
SELECT post_id, source_id, posted_at, kind, cited_platform, cited_key, cited_label
FROM post_citations;
