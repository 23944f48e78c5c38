//! The documents module's HTTP stories, compiled into the platform's one HTTP test binary
//! (`crates/jianfu/tests/api`), where they run on SQLite and PostgreSQL. The stories that
//! span documents, meetings and the burden ledger stay in `crates/jianfu/tests/api/ledger.rs`.
mod attachments;
mod hostile;
pub mod permissions;
mod scans;
