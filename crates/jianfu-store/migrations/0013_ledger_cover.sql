-- A unit's burden ledger reads, for each target that reaches it, the item's channel, issuer and
-- measure: the target index carries them, so the ledger reads the index alone instead of one
-- table row per target (a village's year is thousands of rows).
DROP INDEX burden_targets_unit_idx;
CREATE INDEX burden_targets_unit_idx ON burden_targets (target_unit_id, target_level, on_date, channel, item_id, issuer_id, measure);
