//! The audit trail page (纪检, 管理员): who did what to which record, the fields changed in
//! words, filtered by person, record and date; its export; and the integrity check.
use super::{render, Chrome};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use chrono::NaiveDate;
use jianfu_core::Page;
use jianfu_domain::audit::{AuditEntry, AuditSearch, FieldChange, IntegrityReport};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<AuditRow>,
    total: i64,
    page: i64,
    pages: i64,
    /// The filters as given, for the form and the links.
    f_actor: String,
    f_entity: String,
    f_entity_id: String,
    f_q: String,
    f_from: String,
    f_to: String,
    /// The one record filtered to, named: 文件《…》.
    f_record: Option<String>,
    /// The filters as a query string (without the page).
    query: String,
    kinds: Vec<(String, &'static str)>,
    /// The integrity check's result, when it was just run.
    report: Option<IntegrityReport>,
}

struct AuditRow {
    seq: i64,
    at: String,
    actor_name: String,
    /// Entries of this person.
    actor_href: String,
    action: String,
    summary: String,
    /// 文件, 单位, …
    kind: String,
    /// 《…》 or “…”, as the kind is named.
    name: Option<String>,
    href: Option<String>,
    /// Every entry of this record.
    history_href: String,
    changes: Vec<FieldChange>,
}

/// A record's name as a person reads it: a document's title in 《》, any other name in “”.
pub fn quoted(kind: &str, name: &str) -> String {
    match kind {
        "文件" | "会议" => format!("《{name}》"),
        _ => format!("“{name}”"),
    }
}

impl From<AuditEntry> for AuditRow {
    fn from(e: AuditEntry) -> Self {
        let name = e.record_name.as_deref().map(|n| quoted(&e.entity_label, n));
        AuditRow {
            seq: e.seq,
            at: jianfu_core::time::display_ts(&e.at),
            actor_href: match e.actor_id {
                Some(id) => format!("/audit?actor_id={id}"),
                None => format!("/audit?actor={}", enc(&e.actor_name)),
            },
            actor_name: e.actor_name,
            action: e.action_label,
            summary: e.summary,
            history_href: format!(
                "/audit?entity={}&entity_id={}",
                enc(&e.entity),
                enc(&e.entity_id)
            ),
            kind: e.entity_label,
            name,
            href: e.record_href,
            changes: e.changes,
        }
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    actor_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    actor: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    entity: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    entity_id: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    to: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
}

impl AuditQuery {
    fn search(&self) -> AuditSearch {
        AuditSearch {
            actor_id: self.actor_id,
            actor: self.actor.clone(),
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            q: self.q.clone(),
            from: self.from,
            to: self.to,
        }
    }

    /// The filters as a query string.
    fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        for (k, v) in [
            (
                "actor_id",
                self.actor_id.map(|i| i.to_string()).unwrap_or_default(),
            ),
            ("actor", opt(&self.actor)),
            ("entity", opt(&self.entity)),
            ("entity_id", opt(&self.entity_id)),
            ("q", opt(&self.q)),
            ("from", self.from.map(|d| d.to_string()).unwrap_or_default()),
            ("to", self.to.map(|d| d.to_string()).unwrap_or_default()),
        ] {
            if !v.is_empty() {
                q.append_pair(k, &v);
            }
        }
        q.finish()
    }
}

pub async fn list(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: AuditQuery = parse_query(uri.query().unwrap_or(""))?;
    audit_page(&s, &id, q, None).await
}

async fn audit_page(
    s: &AppState,
    id: &crate::auth::Identity,
    q: AuditQuery,
    report: Option<IntegrityReport>,
) -> Result<Response, PageError> {
    let page = Page::parse(q.page, Some(50))?;
    let filter = q.search().filter()?;
    let found = jianfu_domain::audit::list(&s.db, &id.actor, filter, page).await?;
    let (total, page, pages) = (found.total, i64::from(found.page), found.pages().max(1));
    let entries: Vec<AuditRow> = found.items.into_iter().map(AuditRow::from).collect();
    // Filtered to one record: name it from its entries.
    let f_record = match (&q.entity, &q.entity_id) {
        (Some(_), Some(_)) => entries.first().map(|r| match &r.name {
            Some(n) => format!("{}{n}", r.kind),
            None => r.kind.clone(),
        }),
        _ => None,
    };
    let f_actor = match (&q.actor, q.actor_id) {
        (Some(a), _) => a.clone(),
        (None, Some(_)) => entries
            .first()
            .map(|r| r.actor_name.clone())
            .unwrap_or_default(),
        _ => String::new(),
    };
    render(&AuditPage {
        chrome: Chrome::new(id, "/audit", "审计日志"),
        total,
        page,
        pages,
        entries,
        f_actor,
        f_entity: q.entity.clone().unwrap_or_default(),
        f_entity_id: q.entity_id.clone().unwrap_or_default(),
        f_q: q.q.clone().unwrap_or_default(),
        f_from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        f_to: q.to.map(|d| d.to_string()).unwrap_or_default(),
        f_record,
        query: q.query(),
        kinds: jianfu_domain::audit::entity_kinds(),
        report,
    })
}

/// `/audit.xlsx?…`: the filtered entries as a workbook.
pub async fn export(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: AuditQuery = parse_query(uri.query().unwrap_or(""))?;
    let filter = q.search().filter()?;
    let (entries, total) = jianfu_domain::audit::export(&s.db, &id.actor, filter).await?;
    let bytes = crate::api::audit::workbook(&entries, total)?;
    Ok(crate::api::audit::download(bytes))
}

/// `POST /audit/verify`: runs the integrity check and shows the page with its result.
pub async fn verify(
    State(s): State<AppState>,
    PageUser(id): PageUser,
) -> Result<Response, PageError> {
    let report = jianfu_domain::audit::check_integrity(&s.db, &id.actor).await?;
    audit_page(&s, &id, AuditQuery::default(), Some(report)).await
}
