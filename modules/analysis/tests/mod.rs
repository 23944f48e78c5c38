//! The document intelligence module's HTTP stories, compiled into the platform's one HTTP test
//! binary (`crates/jianfu/tests/api`), where they run on SQLite and PostgreSQL.
mod demands;
pub mod permissions;
mod stories;
