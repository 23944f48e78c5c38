-- 扫描件识别: a document whose body was read from a scan by OCR (and checked by its filer before it
-- was stored) records the mean confidence of the words read, 0 to 100; NULL when the body was typed
-- or read from a file's text. The documents table itself predates the modules: platform migration 2
-- created it.
ALTER TABLE documents ADD COLUMN ocr_confidence BIGINT;
