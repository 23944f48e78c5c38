-- The rules count an organizer's meetings per year on every write: the organizer index carries
-- what the count reads (region, withdrawal), so the count reads the index alone.
DROP INDEX meetings_organizer_date_idx;
CREATE INDEX meetings_organizer_date_idx ON meetings (organizer_id, held_on, region_id, withdrawn_at);
