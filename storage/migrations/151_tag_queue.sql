-- The tagging queue (issue 18): a post is queued when it is inserted, when its text changes,
-- and when text is read from one of its images; tagging workers on any host claim batches
-- with FOR UPDATE SKIP LOCKED, tag them, and write the tags and delete the claimed rows in
-- one transaction (storage/tag_queue.py). A worker killed mid-batch rolls back: its rows are
-- unlocked for the next worker, and nothing is tagged twice.
--
-- Re-queueing a claimed post (its text changed while a worker tags it) waits for that
-- worker's commit, then queues it again: the new text is tagged too.

CREATE TABLE tag_queue (
    post_id    bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    queued_at  timestamptz NOT NULL DEFAULT now()
);

-- One place queues (or re-queues) posts; each trigger only says which.
CREATE FUNCTION tag_queue_add(post_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tag_queue (post_id)
    SELECT DISTINCT id FROM unnest(post_ids) AS id ORDER BY id
    ON CONFLICT (post_id) DO UPDATE SET queued_at = now();
$$;

CREATE FUNCTION tag_queue_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tag_queue_add(ARRAY(SELECT id FROM new_posts));
    RETURN NULL;
END $$;

CREATE FUNCTION tag_queue_on_text_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tag_queue_add(ARRAY(SELECT n.id FROM new_posts n JOIN old_posts o ON o.id = n.id
                                WHERE n.text IS DISTINCT FROM o.text));
    RETURN NULL;
END $$;

CREATE FUNCTION tag_queue_on_image_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tag_queue_add(ARRAY(SELECT pm.post_id FROM read_images r
                                JOIN post_media pm ON pm.media_id = r.media_id
                                WHERE r.text <> ''));
    RETURN NULL;
END $$;

-- A post linked to an image already read (the same card posted again) has its text too.
CREATE FUNCTION tag_queue_on_image_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tag_queue_add(ARRAY(SELECT l.post_id FROM linked l
                                JOIN media_ocr o ON o.media_id = l.media_id
                                WHERE o.text <> ''));
    RETURN NULL;
END $$;

CREATE TRIGGER posts_tag_queue_insert AFTER INSERT ON posts
    REFERENCING NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION tag_queue_on_insert();
CREATE TRIGGER posts_tag_queue_update AFTER UPDATE ON posts
    REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION tag_queue_on_text_change();
CREATE TRIGGER media_ocr_tag_queue_insert AFTER INSERT ON media_ocr
    REFERENCING NEW TABLE AS read_images
    FOR EACH STATEMENT EXECUTE FUNCTION tag_queue_on_image_text();
CREATE TRIGGER media_ocr_tag_queue_update AFTER UPDATE ON media_ocr
    REFERENCING NEW TABLE AS read_images
    FOR EACH STATEMENT EXECUTE FUNCTION tag_queue_on_image_text();

CREATE TRIGGER post_media_tag_queue_insert AFTER INSERT ON post_media
    REFERENCING NEW TABLE AS linked
    FOR EACH STATEMENT EXECUTE FUNCTION tag_queue_on_image_link();

-- What was pending before the queue existed: never tagged, edited or image text read since.
INSERT INTO tag_queue (post_id)
SELECT p.id FROM posts p
LEFT JOIN post_tagging pt ON pt.post_id = p.id
WHERE pt.post_id IS NULL
   OR EXISTS (SELECT 1 FROM post_versions v WHERE v.post_id = p.id AND v.seen_at > pt.tagged_at)
   OR EXISTS (SELECT 1 FROM post_media pm JOIN media_ocr o ON o.media_id = pm.media_id
              WHERE pm.post_id = p.id AND o.ocr_at > pt.tagged_at)
ORDER BY p.id;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON tag_queue TO chorus_app;
    END IF;
END $$;
