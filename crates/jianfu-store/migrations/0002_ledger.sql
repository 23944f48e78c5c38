-- Burden ledger I: documents and meetings, what they reach, annual plans, rules and warnings.

-- 发文: one row per document, keyed by the issuer's region.
CREATE TABLE documents (
    id {{ID}},
    region_id BIGINT NOT NULL,
    issuer_id BIGINT NOT NULL REFERENCES org_units(id),
    doc_number TEXT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    carrier TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    main_recipients TEXT,
    cc_recipients TEXT,
    single_task BOOLEAN NOT NULL DEFAULT FALSE,
    forwards_upper BOOLEAN NOT NULL DEFAULT FALSE,
    upper_doc_number TEXT,
    to_schools_hospitals BOOLEAN NOT NULL DEFAULT FALSE,
    head_signed BOOLEAN NOT NULL DEFAULT FALSE,
    in_plan BOOLEAN NOT NULL DEFAULT TRUE,
    body TEXT NOT NULL,
    char_count BIGINT NOT NULL,
    attachment_count BIGINT NOT NULL DEFAULT 0,
    -- Grassroots units (townships and villages) the document reaches.
    reach BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX documents_region_date_idx ON documents (region_id, issued_on);
CREATE INDEX documents_issuer_date_idx ON documents (issuer_id, issued_on);
CREATE INDEX documents_upper_idx ON documents (region_id, upper_doc_number);

-- 会议
CREATE TABLE meetings (
    id {{ID}},
    region_id BIGINT NOT NULL,
    organizer_id BIGINT NOT NULL REFERENCES org_units(id),
    title TEXT NOT NULL,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    planned_minutes BIGINT NOT NULL,
    actual_minutes BIGINT,
    reach_level TEXT NOT NULL,
    attendee_count BIGINT NOT NULL,
    heads_required BOOLEAN NOT NULL DEFAULT FALSE,
    heads_approved BOOLEAN NOT NULL DEFAULT FALSE,
    reach_approved BOOLEAN NOT NULL DEFAULT FALSE,
    leader_speech_minutes BIGINT,
    exchange_speeches BIGINT NOT NULL DEFAULT 0,
    exchange_speech_minutes BIGINT,
    in_plan BOOLEAN NOT NULL DEFAULT TRUE,
    approved BOOLEAN NOT NULL DEFAULT FALSE,
    relays_meeting_id BIGINT REFERENCES meetings(id),
    reach BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX meetings_region_date_idx ON meetings (region_id, held_on);
CREATE INDEX meetings_organizer_date_idx ON meetings (organizer_id, held_on);

-- What an item reaches, compactly: a unit itself (target_level = '') or every unit of one
-- level below a unit (e.g. all villages of a county). A document to 150 villages is one row,
-- and the ledger of a unit is a handful of index lookups: itself, and its ancestors at its level.
CREATE TABLE burden_targets (
    channel TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    region_id BIGINT NOT NULL,
    target_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    target_level TEXT NOT NULL,
    issuer_id BIGINT NOT NULL,
    on_date TEXT NOT NULL,
    measure BIGINT NOT NULL,
    PRIMARY KEY (channel, item_id, target_unit_id, target_level)
);
CREATE INDEX burden_targets_unit_idx ON burden_targets (target_unit_id, target_level, on_date);

-- 年度计划与总量: planned documents and meetings per unit and year, and the base year's counts.
CREATE TABLE annual_plans (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    year BIGINT NOT NULL,
    region_id BIGINT NOT NULL,
    planned_documents BIGINT NOT NULL,
    planned_meetings BIGINT NOT NULL,
    document_quota BIGINT,
    meeting_quota BIGINT,
    base_year BIGINT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- Region-level overrides of rule parameters (the national defaults live in the code).
CREATE TABLE rule_settings (
    region_id BIGINT NOT NULL,
    rule_id TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    params TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (region_id, rule_id)
);

-- 预警: at most one open warning per rule and subject; history in warning_events.
CREATE TABLE warnings (
    id {{ID}},
    region_id BIGINT NOT NULL,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    subject TEXT NOT NULL,
    unit_id BIGINT,
    figures TEXT NOT NULL,
    records TEXT NOT NULL,
    status TEXT NOT NULL,
    on_date TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    resolved_at TEXT,
    justification TEXT
);
CREATE UNIQUE INDEX warnings_live_key ON warnings (rule_id, subject_key) WHERE status <> 'resolved';
CREATE INDEX warnings_region_status_idx ON warnings (region_id, status, raised_at);
CREATE INDEX warnings_unit_idx ON warnings (unit_id, status);

CREATE TABLE warning_events (
    id {{ID}},
    warning_id BIGINT NOT NULL REFERENCES warnings(id),
    at TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT
);
CREATE INDEX warning_events_warning_idx ON warning_events (warning_id, id);
