-- The audit chain is keyed from here on: each new entry's hash is an HMAC-SHA256 under a key
-- kept outside the database. Entries already written keep their plain SHA-256 hashes and still
-- verify: `keyed_from` is the first keyed sequence number (the next one at this migration).
-- When the chain already has entries, the server that applies this migration seals the switch
-- point (`keyed_seal`: an HMAC over `keyed_from` and the hash of the last plain entry), so that
-- moving it to pass keyed entries off as plain ones is detected.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT;
ALTER TABLE audit_head ADD COLUMN keyed_seal TEXT;
UPDATE audit_head SET keyed_from = seq + 1 WHERE id = 1;
