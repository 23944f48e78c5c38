-- The rules count an issuer's documents per year on every write (只减不增, 总量, 改头换面): the
-- issuer index carries what the count reads (region, carrier, withdrawal), so the count reads the
-- index alone instead of one table row per document.
DROP INDEX documents_issuer_date_idx;
CREATE INDEX documents_issuer_date_idx ON documents (issuer_id, issued_on, region_id, carrier, withdrawn_at);
