-- 附件: files attached to a document, kept in the database so that a backup of the database
-- is a backup of everything. The document's length rule counts the body only (attachments
-- excluded, 2024 art. 2); an attachment's own 字数 is kept when its text could be read.
CREATE TABLE document_attachments (
    id {{ID}},
    region_id BIGINT NOT NULL,
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    char_count BIGINT,
    content {{BLOB}} NOT NULL,
    created_by BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX document_attachments_doc_idx ON document_attachments (document_id);
