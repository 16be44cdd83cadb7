-- Sharded collection (issue 18): daemon replicas split the watched sources into shards, each
-- held by one replica under a session advisory lock (storage/shards.py). A source's shard is
-- a stable hash of its platform and lower-cased handle, so every replica computes the same.

CREATE FUNCTION source_shard(platform text, handle text, shards int) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ((hashtext(platform || ':' || lower(handle))::bigint + 2147483648) % shards)::int
$$;
