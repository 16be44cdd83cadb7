-- Search vectors are written by the write path (storage/search_vector.py) instead of being
-- generated with to_tsvector: the text-search parser cost more than the rest of a post's
-- insert. Words are the runs between separators in normalised text, the same on both sides
-- of a search (storage.search_vector.search_query builds the tsquery).
--
-- search_vector(text) splits a text exactly as the Python side does (the separator class
-- must stay equal to storage.search_vector.SEPARATORS; a test checks that both agree), for
-- rows written by other means: a trigger fills a missing vector, and refreshes it when the
-- normalised text changes without a new vector.

CREATE FUNCTION search_vector(doc text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg('''' || m.word[1] || ''':' || least(m.n, 16383), ' '), '')::tsvector
    FROM regexp_matches(left(doc, 100000), '[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u00d7\u00f7\u060c\u061b\u061f\u066a-\u066d\u06d4\u2000-\u206f\u2190-\u23ff\u2500-\u27bf\u3000-\u303f\ufe10-\ufe1f\ufe30-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+', 'g')
         WITH ORDINALITY AS m (word, n)
    WHERE octet_length(m.word[1]) <= 2047
$$;

ALTER TABLE posts ALTER COLUMN search DROP EXPRESSION;
UPDATE posts SET search = search_vector(normalized_text);

CREATE FUNCTION posts_fill_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := search_vector(NEW.normalized_text);
    RETURN NEW;
END
$$;

CREATE TRIGGER posts_search_missing BEFORE INSERT ON posts
    FOR EACH ROW WHEN (NEW.search IS NULL)
    EXECUTE FUNCTION posts_fill_search();
CREATE TRIGGER posts_search_stale BEFORE UPDATE OF normalized_text ON posts
    FOR EACH ROW WHEN (NEW.normalized_text IS DISTINCT FROM OLD.normalized_text
                       AND NEW.search IS NOT DISTINCT FROM OLD.search)
    EXECUTE FUNCTION posts_fill_search();
