//! HTTP-level tests: each spawns the real app on an ephemeral port against a fresh database
//! holding the demo region, and talks to it as a client would. Every story runs on SQLite and
//! on PostgreSQL (a private schema per test in the server named by JIANFU_TEST_POSTGRES).
mod helpers;

mod approvals;
mod audit;
mod auth;
mod browser;
mod burden_items;
mod cli;
mod dashboard;
mod demo;
mod ledger;
mod org;
mod pages;
mod permissions;
mod plans;
mod rules;
mod stories;
mod tokens;
mod users;

// The modules' own stories and permission rows.
#[path = "../../../../modules/analysis/tests/mod.rs"]
mod analysis;
#[path = "../../../../modules/documents/tests/mod.rs"]
mod documents;
#[path = "../../../../modules/inspections/tests/mod.rs"]
mod inspections;
#[path = "../../../../modules/meetings/tests/mod.rs"]
mod meetings;
