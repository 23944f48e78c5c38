//! Who may do what with inspections and visits: the module's actions and the roles granted each.
use jianfu_core::Role;
use jianfu_domain::policy::{Action, Grant, EVERY_ROLE, FILING_ROLES};

pub static READ_GRANT: Grant = Grant {
    key: "inspections.read",
    label: "查阅督查检查考核、调研",
    roles: EVERY_ROLE,
};

pub static FILE_GRANT: Grant = Grant {
    key: "inspections.file",
    label: "报送督查检查考核计划、申请计划外事项",
    roles: FILING_ROLES,
};

pub static REVIEW_GRANT: Grant = Grant {
    key: "inspections.review",
    label: "审批督查检查考核、错峰调整、答复基层调整申请",
    roles: &[Role::Admin, Role::Supervisor],
};

pub static OBJECT_GRANT: Grant = Grant {
    key: "inspections.object",
    label: "对接待的督查检查考核申请调整",
    roles: &[Role::Grassroots],
};

/// Read items in scope, and what lands on one's own unit.
pub const READ: Action = Action::Module(&READ_GRANT);
/// File plan items and out-of-plan applications (a filer for its own unit, the office for any
/// unit in scope).
pub const FILE: Action = Action::Module(&FILE_GRANT);
/// Decide applications, see the region's calendar and proposals, move items, answer objections.
pub const REVIEW: Action = Action::Module(&REVIEW_GRANT);
/// Object to an item landing on one's own township or village (申请调整).
pub const OBJECT: Action = Action::Module(&OBJECT_GRANT);

pub static GRANTS: &[&Grant] = &[&READ_GRANT, &FILE_GRANT, &REVIEW_GRANT, &OBJECT_GRANT];
