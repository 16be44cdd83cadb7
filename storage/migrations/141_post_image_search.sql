-- Text read from a post's images is searchable with the post (issue 17): the OCR job writes the
-- normalised image text of every post carrying the image into posts.image_search, and the
-- console's search (and alert rules that reuse it) matches `search OR image_search`: two GIN
-- indexes combined by a BitmapOr, no join at query time. Most posts carry no image text, so the
-- index is partial.
ALTER TABLE posts ADD COLUMN image_search tsvector;

CREATE INDEX posts_image_search_idx ON posts USING gin (image_search)
    WHERE image_search IS NOT NULL;
