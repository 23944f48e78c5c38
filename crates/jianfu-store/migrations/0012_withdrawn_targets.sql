-- What a withdrawn (作废) item had reached (issue 11): withdrawal takes the item out of the spine
-- (burden_items, burden_targets) and so out of every count, but the units it was sent to still
-- read it in their history, and its page still says where it went. Its targets move here.
CREATE TABLE withdrawn_targets (
    channel TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    target_unit_id BIGINT NOT NULL,
    target_level TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (channel, item_id, target_unit_id, target_level)
);
