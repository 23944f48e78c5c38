-- The burden spine, one row per item: every channel (documents, meetings, and each module that
-- adds one) writes its items here beside their targets, so the platform counts, ranks and charts
-- any channel without knowing its table. burden_targets says what an item reaches; this says
-- who issued it, when, how heavy it is (characters, minutes, …) and how many grassroots units
-- (townships and villages) it reached.
CREATE TABLE burden_items (
    channel TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    region_id BIGINT NOT NULL,
    issuer_id BIGINT NOT NULL REFERENCES org_units(id),
    on_date TEXT NOT NULL,
    measure BIGINT NOT NULL,
    reach BIGINT NOT NULL,
    PRIMARY KEY (channel, item_id)
){{WITHOUT_ROWID}};
-- An issuer's items in a period: the ranking, the plans' counts and, through the org closure, a
-- subtree's monthly series. (The rules' regions and years come from one pass over the table.)
CREATE INDEX burden_items_issuer_date_idx ON burden_items (issuer_id, on_date, channel);

-- The documents recorded before the spine existed (each module's migrations bring its own).
INSERT INTO burden_items (channel, item_id, region_id, issuer_id, on_date, measure, reach)
SELECT 'documents', id, region_id, issuer_id, issued_on, char_count, reach FROM documents;
