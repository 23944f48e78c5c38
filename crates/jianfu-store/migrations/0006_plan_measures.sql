-- 年度计划 per channel: a unit's plan for a year holds, for each channel that its module plans
-- (documents, meetings, …), the planned count and the quota; annual_plans keeps what is the
-- plan's own (its region and base year).
CREATE TABLE plan_measures (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    year BIGINT NOT NULL,
    channel TEXT NOT NULL,
    planned BIGINT NOT NULL,
    quota BIGINT,
    PRIMARY KEY (unit_id, year, channel)
);

-- The plans set before: their document and meeting columns become measures.
INSERT INTO plan_measures (unit_id, year, channel, planned, quota)
SELECT unit_id, year, 'documents', planned_documents, document_quota FROM annual_plans;
INSERT INTO plan_measures (unit_id, year, channel, planned, quota)
SELECT unit_id, year, 'meetings', planned_meetings, meeting_quota FROM annual_plans;
ALTER TABLE annual_plans DROP COLUMN planned_documents;
ALTER TABLE annual_plans DROP COLUMN planned_meetings;
ALTER TABLE annual_plans DROP COLUMN document_quota;
ALTER TABLE annual_plans DROP COLUMN meeting_quota;

-- A region's plans for the count rules.
CREATE INDEX annual_plans_region_idx ON annual_plans (region_id, year);
