-- Undoes 060_search_vector (this folder): an experiment applied on 2026-11-25 and reverted
-- the same day (commit d21dc24), whose number 060 was then reused by
-- 060_convergence_inline_features. The runner (storage/migrate.py) runs this, in one
-- transaction, on a database whose history records that migration, then applies the
-- migration now holding number 060.
--
-- posts.search goes back to the column generated from normalized_text (001_domain).
-- PostgreSQL cannot give an existing column a generation expression back, so the column is
-- dropped and added again (it was the last column, and is again), with its index and the
-- reader's view over it.

DROP TRIGGER IF EXISTS posts_search_missing ON posts;
DROP TRIGGER IF EXISTS posts_search_stale ON posts;
DROP FUNCTION IF EXISTS posts_fill_search();
DROP FUNCTION IF EXISTS search_vector(text);

DROP VIEW reader.posts;
ALTER TABLE posts DROP COLUMN search;
ALTER TABLE posts
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', normalized_text)) STORED;
CREATE INDEX posts_search_idx ON posts USING gin (search);

-- As in 051_reader_role.
CREATE VIEW reader.posts AS
SELECT p.id, p.platform, p.source_id, s.handle, s.actor_id, p.native_id, p.kind, p.url, p.lang,
       p.posted_at, p.edited_at, p.text, p.normalized_text, p.forwarded_from,
       p.forwarded_from_id, p.reply_to, p.quote_of, p.links, p.metrics, p.media, p.raw,
       p.version_count, p.fetched_at, p.first_seen_at, p.deleted_seen_at, p.search
FROM posts p JOIN sources s ON s.id = p.source_id;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_reader') THEN
        GRANT SELECT ON reader.posts TO chorus_reader;
    END IF;
END $$;
