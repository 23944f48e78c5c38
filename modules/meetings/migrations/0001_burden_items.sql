-- The meetings recorded before the burden spine existed (platform migration 5) join it. The
-- meetings table itself predates the modules: platform migration 2 created it.
INSERT INTO burden_items (channel, item_id, region_id, issuer_id, on_date, measure, reach)
SELECT 'meetings', id, region_id, organizer_id, held_on, COALESCE(actual_minutes, planned_minutes), reach FROM meetings
WHERE NOT EXISTS (SELECT 1 FROM burden_items b WHERE b.channel = 'meetings' AND b.item_id = meetings.id);
