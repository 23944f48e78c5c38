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
use jianfu_domain::audit::AuditEntry;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<AuditRow>,
    total: i64,
    page: i64,
    pages: i64,
}

struct AuditRow {
    seq: i64,
    at: String,
    actor_name: String,
    summary: String,
    entity: &'static str,
    entity_id: String,
}

impl From<AuditEntry> for AuditRow {
    fn from(e: AuditEntry) -> Self {
        AuditRow {
            seq: e.seq,
            at: jianfu_core::time::display_ts(&e.at),
            entity: entity_label(&e.entity),
            actor_name: e.actor_name,
            summary: e.summary,
            entity_id: e.entity_id,
        }
    }
}

/// What kind of record an entry changed, in words.
fn entity_label(entity: &str) -> &'static str {
    match entity {
        "annual_plan" => "年度计划",
        "org_unit" => "组织机构",
        "user" => "用户",
        "session" => "登录",
        "api_token" => "访问令牌",
        "rule_setting" => "规则设置",
        "warning" => "预警",
        _ => jianfu_domain::burden::channels()
            .iter()
            .find(|c| c.entity == entity)
            .map_or("其他", |c| c.noun),
    }
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
        entries: found.items.into_iter().map(AuditRow::from).collect(),
    })
}
