//! Jianfu's domain: one module per concept. Handlers in `jianfu-web` and commands in the
//! binary call these functions; they validate input, ask [`policy`] whether the actor may act,
//! write through `jianfu-store` and record every write in the [`audit`] trail.
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod burden;
pub mod dashboard;
pub mod ledger_items;
pub mod org;
pub mod people;
pub mod plans;
pub mod policy;
pub mod rules;
pub mod targets;
pub mod tokens;
pub mod warnings;

pub use jianfu_store::Db;
