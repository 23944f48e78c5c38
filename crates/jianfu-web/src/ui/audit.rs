//! The audit trail page (纪检, 管理员).
use super::{render, Chrome};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use jianfu_core::Page;
use jianfu_store::audit::AuditEntry;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<AuditEntry>,
    total: i64,
    page: i64,
    pages: i64,
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
}

pub async fn list(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: AuditQuery = parse_query(uri.query().unwrap_or(""))?;
    let page = Page::parse(q.page, Some(50))?;
    let found = jianfu_domain::audit::list(&s.db, &id.actor, Default::default(), page).await?;
    render(&AuditPage {
        chrome: Chrome::new(&id, "/audit", "审计日志"),
        total: found.total,
        page: i64::from(found.page),
        pages: found.pages().max(1),
        entries: found.items,
    })
}
