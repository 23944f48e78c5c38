//! Who may do what with documents: the module's actions and the roles granted each.
use jianfu_domain::policy::{Action, Grant, EVERY_ROLE, FILING_ROLES};

pub static READ_GRANT: Grant = Grant {
    key: "documents.read",
    label: "查阅发文及其附件",
    roles: EVERY_ROLE,
};

pub static FILE_GRANT: Grant = Grant {
    key: "documents.file",
    label: "登记、修改发文，上传、删除附件，导入发文台账",
    roles: FILING_ROLES,
};

/// Read documents and their attachments in scope.
pub const READ: Action = Action::Module(&READ_GRANT);
/// Record documents, attach files, import a ledger (a filer for its own unit, the office for any
/// unit in scope).
pub const FILE: Action = Action::Module(&FILE_GRANT);

pub static GRANTS: &[&Grant] = &[&READ_GRANT, &FILE_GRANT];
