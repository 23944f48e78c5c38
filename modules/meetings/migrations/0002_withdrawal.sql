-- 作废: a withdrawn meeting stays readable with its history but leaves every count (the burden
-- spine drops it) and every rule's facts.
ALTER TABLE meetings ADD COLUMN withdrawn_at TEXT;
ALTER TABLE meetings ADD COLUMN withdrawn_by TEXT;
ALTER TABLE meetings ADD COLUMN withdrawn_reason TEXT;
