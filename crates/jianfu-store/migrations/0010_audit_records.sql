-- What each audited write changed (issue 11): the record as it was before and after the write,
-- as JSON, so that the audit page names the fields and values that changed in words instead of
-- showing digests. The chain covers them through the entries' digests, which the hashes sign:
-- `jianfu audit verify` checks each stored record against its entry's digest. Entries written
-- before this migration keep only their digests.
ALTER TABLE audit_log ADD COLUMN before_json TEXT;
ALTER TABLE audit_log ADD COLUMN after_json TEXT;
-- The audit page filters by person and by time.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);
