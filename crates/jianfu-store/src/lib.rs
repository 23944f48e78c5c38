//! Persistence for SQLite and PostgreSQL behind one small query layer.
//!
//! SQL is written once with `$n` placeholders (both sqlx drivers accept them) in the common
//! dialect of the two databases; the few differences live in [`migrate`] (DDL tokens) and in
//! functions named for what differs. Rows decode through `sqlx::FromRow`, derived once per type.
pub mod approvals;
pub mod audit;
pub mod bulk;
pub mod burden;
pub mod dashboard;
pub mod db;
pub mod ledger_items;
pub mod migrate;
pub mod org;
pub mod plans;
pub mod rules;
pub mod sessions;
pub mod settings;
pub mod tokens;
pub mod users;

pub use db::{Arg, AuditKey, Backend, Conn, Db, DbRow, StoreError, Tx, Q};
