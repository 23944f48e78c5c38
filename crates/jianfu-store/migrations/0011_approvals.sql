-- Approvals as records (issue 11): what used to be boxes a filer ticked (列入年度计划, 已批准,
-- 已签批) is an application of a unit (申请), answered by whoever may give that approval
-- (批准/驳回, with a reason), and cited by the item it covers. One approval covers one item.
--   kind: plan (年度计划立项) | out_of_plan (计划外事项) | leaders (要求主要负责同志参加)
--         | reach (扩大范围、延伸到村) | head_signoff (发往学校、医院的文件由主要负责同志签发)
--   status: pending (待审批) | approved (已批准) | rejected (已驳回)
CREATE TABLE approvals (
    id {{ID}},
    region_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    -- The day the item is planned for (会议召开日期、成文日期), when known.
    planned_on TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    applied_by BIGINT NOT NULL,
    applied_at TEXT NOT NULL,
    decided_by BIGINT,
    decided_at TEXT,
    -- 批复意见, required to reject; for a head's sign-off, the name of the head who signed.
    decision_note TEXT,
    -- The item that cites it, once filed.
    item_id BIGINT
);
CREATE INDEX approvals_region_idx ON approvals (region_id, status, id);
CREATE INDEX approvals_unit_idx ON approvals (unit_id, channel, kind, status);
CREATE INDEX approvals_item_idx ON approvals (channel, item_id);
