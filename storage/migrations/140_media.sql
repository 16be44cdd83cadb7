-- Images posted with messages, kept as evidence (issue 17).
--
-- One row per distinct file (its sha256 names the file in the content-addressed store under
-- the media directory: one copy however many posts carry it); post_media says which posts
-- carry it. media_ocr holds the text read from an image; an image without a row there is
-- waiting for the OCR job (a killed job resumes with the images it had not finished).
-- media_refusals records files that were not kept, and why.

CREATE TABLE media (
    id bigserial PRIMARY KEY,
    sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    mime_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    width integer NOT NULL CHECK (width > 0),
    height integer NOT NULL CHECK (height > 0),
    -- 64-bit perceptual hash (imagehash.phash) as a signed integer: near-duplicate cards are
    -- those whose hashes differ in a few bits (storage/media_copies.py).
    phash bigint NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX media_phash_idx ON media (phash);

CREATE TABLE post_media (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    media_id bigint NOT NULL REFERENCES media (id),
    position smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, media_id)
);

CREATE INDEX post_media_media_idx ON post_media (media_id);

CREATE TABLE media_ocr (
    media_id bigint PRIMARY KEY REFERENCES media (id) ON DELETE CASCADE,
    languages text NOT NULL,  -- Tesseract's language string, e.g. 'ara+eng'
    text text NOT NULL,  -- as read
    normalised text NOT NULL,  -- classifiers.normalise, as post text is for search
    confidence real,  -- mean word confidence 0..100, null when no word was read
    error text,  -- why the image could not be read (then text is empty)
    ocr_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX media_ocr_ocr_at_idx ON media_ocr (ocr_at);

CREATE TABLE media_refusals (
    id bigserial PRIMARY KEY,
    post_id bigint REFERENCES posts (id) ON DELETE CASCADE,
    location text NOT NULL,  -- the file or message it came from
    reason text NOT NULL,
    refused_at timestamptz NOT NULL DEFAULT now()
);

-- The SQL tab sees which posts carry which image and what was read from it.
CREATE VIEW reader.post_media_text AS
SELECT pm.post_id, m.id AS media_id, m.sha256, m.mime_type, m.width, m.height,
       o.languages, o.text, o.confidence
FROM post_media pm JOIN media m ON m.id = pm.media_id LEFT JOIN media_ocr o ON o.media_id = m.id;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_reader') THEN
        GRANT SELECT ON reader.post_media_text TO chorus_reader;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chorus_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON media, post_media, media_ocr, media_refusals
            TO chorus_app;
        GRANT USAGE, SELECT, UPDATE ON SEQUENCE media_id_seq, media_refusals_id_seq TO chorus_app;
    END IF;
END $$;
