-- Document intelligence: what reading a stored document found. A write to a document queues
-- it in the same transaction; the background analyser takes the queue in order, so a killed
-- process loses no analysis (the queue row stays until the result is stored).
CREATE TABLE analysis_queue (
    document_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    queued_at TEXT NOT NULL
);

CREATE TABLE document_analysis (
    document_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    region_id BIGINT NOT NULL,
    analyzed_at TEXT NOT NULL,
    -- Share of boilerplate (穿靴戴帽) against concrete tasks, 0..1.
    padding_share DOUBLE PRECISION NOT NULL,
    -- Demands on grassroots units found in the text (JSON array) and their number.
    burdens TEXT NOT NULL,
    burden_count BIGINT NOT NULL,
    -- Demands for implementation reports or supporting materials (2024 art. 3).
    report_demands BIGINT NOT NULL,
    -- The earlier document this one copies most, the share copied and the kind of copy.
    copy_source_id BIGINT,
    copy_share DOUBLE PRECISION,
    copy_class TEXT,
    -- Every match found (JSON array of {document_id, share, class, spans}).
    copy_matches TEXT NOT NULL
);
CREATE INDEX document_analysis_region_idx ON document_analysis (region_id);
