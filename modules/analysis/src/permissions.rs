//! Who may do what with document intelligence: the module's actions and the roles granted each.
use jianfu_domain::policy::{Action, Grant, EVERY_ROLE};

pub static ASSESS_GRANT: Grant = Grant {
    key: "analysis.assess",
    label: "发文前评估（查重、篇幅、基层负担条款）",
    roles: EVERY_ROLE,
};

pub static SEARCH_GRANT: Grant = Grant {
    key: "analysis.search",
    label: "全文检索可查阅的文件",
    roles: EVERY_ROLE,
};

/// Assess a draft before it is issued, and read a document's analysis.
pub const ASSESS: Action = Action::Module(&ASSESS_GRANT);
/// Search the full texts the caller may read.
pub const SEARCH: Action = Action::Module(&SEARCH_GRANT);

pub static GRANTS: &[&Grant] = &[&ASSESS_GRANT, &SEARCH_GRANT];
