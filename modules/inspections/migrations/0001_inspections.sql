-- 督查检查考核、调研: one row per item, a planned one (列入年度计划) or an out-of-plan application
-- (计划外申请), keyed by its organizer's region. An item lands on units through the burden spine
-- (burden_items, burden_targets; its measure is its days on site) while it is not rejected.
CREATE TABLE inspections (
    id {{ID}},
    region_id BIGINT NOT NULL,
    organizer_id BIGINT NOT NULL REFERENCES org_units(id),
    -- supervision (督查) | check (检查) | assessment (考核) | research (调研)
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    -- 依据: the document or decision the item rests on.
    basis TEXT NOT NULL DEFAULT '',
    -- The window it may take place in, and its planned days on site within it.
    window_from TEXT NOT NULL,
    window_to TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    days_on_site BIGINT NOT NULL,
    team_size BIGINT NOT NULL,
    -- 四不两直: not announced to the units beforehand; its dates and targets stay unpublished.
    unannounced BOOLEAN NOT NULL DEFAULT FALSE,
    -- Its dates may not be moved by a staggered schedule (错峰).
    fixed BOOLEAN NOT NULL DEFAULT FALSE,
    -- The leader who leads it (带队领导), for the leaders' weekly schedule (周要事计划单).
    leader TEXT NOT NULL DEFAULT '',
    -- Materials asked of the units, a JSON array of strings, and how many.
    materials TEXT NOT NULL DEFAULT '[]',
    material_count BIGINT NOT NULL DEFAULT 0,
    in_plan BOOLEAN NOT NULL DEFAULT TRUE,
    -- pending (待审核) | approved (已批准) | rejected (已驳回)
    status TEXT NOT NULL DEFAULT 'pending',
    decision_reason TEXT,
    decided_by BIGINT,
    decided_at TEXT,
    -- The day it was filed: filed after it started is a warning.
    filed_on TEXT NOT NULL,
    -- Grassroots units (townships and villages) it reaches.
    reach BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX inspections_region_start_idx ON inspections (region_id, starts_on);
CREATE INDEX inspections_organizer_start_idx ON inspections (organizer_id, starts_on);

-- 申请调整: a township's or village's objection to an item landing on it, and the office's answer.
CREATE TABLE inspection_objections (
    id {{ID}},
    region_id BIGINT NOT NULL,
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    reason TEXT NOT NULL,
    -- The start the unit asks for, if any.
    preferred_on TEXT,
    -- open (待答复) | accepted (同意调整) | declined (不予调整)
    status TEXT NOT NULL DEFAULT 'open',
    reply TEXT,
    answered_by BIGINT,
    answered_at TEXT,
    created_by BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX inspection_objections_region_idx ON inspection_objections (region_id, status);
CREATE INDEX inspection_objections_item_idx ON inspection_objections (inspection_id);

-- What the office told a unit about an item: a decision, a moved date, an answered objection.
CREATE TABLE inspection_notices (
    id {{ID}},
    region_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    inspection_id BIGINT REFERENCES inspections(id),
    message TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX inspection_notices_unit_idx ON inspection_notices (unit_id, created_at);
