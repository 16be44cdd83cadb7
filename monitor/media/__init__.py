"""Posted images kept as evidence: checked and stored (`ingest`), downloaded from Telegram
(`download`), and read by the OCR job (`ocr_job`)."""
