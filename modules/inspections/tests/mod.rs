//! The inspections module's HTTP stories and permission rows, compiled into the platform's one
//! HTTP test binary (`crates/jianfu/tests/api`), where they run on SQLite and PostgreSQL.
mod cli;
mod pages;
pub mod permissions;
mod rules;
mod stories;
