//! Who may do what with meetings: the module's actions and the roles granted each.
use jianfu_domain::policy::{Action, Grant, EVERY_ROLE, FILING_ROLES};

pub static READ_GRANT: Grant = Grant {
    key: "meetings.read",
    label: "查阅会议",
    roles: EVERY_ROLE,
};

pub static FILE_GRANT: Grant = Grant {
    key: "meetings.file",
    label: "登记、修改会议",
    roles: FILING_ROLES,
};

/// Read meetings in scope.
pub const READ: Action = Action::Module(&READ_GRANT);
/// Record meetings (a filer for its own unit, the office for any unit in scope).
pub const FILE: Action = Action::Module(&FILE_GRANT);

pub static GRANTS: &[&Grant] = &[&READ_GRANT, &FILE_GRANT];
