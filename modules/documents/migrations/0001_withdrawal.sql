-- 作废: a withdrawn document stays readable with its history but leaves every count (the burden
-- spine drops it) and every rule's facts. The documents table itself predates the modules:
-- platform migration 2 created it.
ALTER TABLE documents ADD COLUMN withdrawn_at TEXT;
ALTER TABLE documents ADD COLUMN withdrawn_by TEXT;
ALTER TABLE documents ADD COLUMN withdrawn_reason TEXT;
