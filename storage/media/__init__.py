"""Posted images in the database (`records`: files kept, posts carrying them, refusals, the
OCR queue) and on disk (`files`: the content-addressed store)."""
