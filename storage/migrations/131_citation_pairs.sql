-- Discovery at scale (issue 16): per cited key and citing source, how many posts cite it,
-- when first and last, and how. Candidates read these pairs (tens of thousands) instead of
-- every citation (hundreds of thousands at 5 million posts), so the ranking stays well
-- under a second.
--
-- Statement triggers on post_citations keep the pairs exact. A post's citations of one key
-- always arrive in one statement (migration 130 writes all of a post's citations at once,
-- and an edit deletes them all before writing them again), so counting distinct posts per
-- statement adds up. Deletions recompute the pairs they touch from post_citations.

CREATE TABLE citation_pairs (
    cited_platform text NOT NULL,
    cited_key      text NOT NULL,
    source_id      bigint NOT NULL,
    posts          integer NOT NULL,
    first_at       timestamptz NOT NULL,
    last_at        timestamptz NOT NULL,
    kinds          text[] NOT NULL,
    label          text NOT NULL,
    PRIMARY KEY (cited_platform, cited_key, source_id)
);

CREATE FUNCTION citation_pairs_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
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

CREATE FUNCTION citation_pairs_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
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

CREATE TRIGGER post_citations_pairs_insert AFTER INSERT ON post_citations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION citation_pairs_on_insert();
CREATE TRIGGER post_citations_pairs_delete AFTER DELETE ON post_citations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION citation_pairs_on_delete();

INSERT INTO citation_pairs (cited_platform, cited_key, source_id, posts, first_at, last_at,
                            kinds, label)
SELECT cited_platform, cited_key, source_id, count(DISTINCT post_id), min(posted_at),
       max(posted_at), array_agg(DISTINCT kind ORDER BY kind), min(cited_label)
FROM post_citations
GROUP BY cited_platform, cited_key, source_id;
