//! The home page: real counts of what the signed-in user oversees.
use super::{render, Chrome};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use jianfu_core::Page;
use jianfu_domain::policy::{can, Action};
use jianfu_domain::{audit, dashboard, org, people};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    scope_name: String,
    today: String,
    /// (level key, Chinese label, count)
    level_counts: Vec<(&'static str, &'static str, i64)>,
    user_count: Option<i64>,
    audit_count: Option<i64>,
    /// Warnings still to be dealt with in the user's view (a filer: its own unit's).
    open_warnings: i64,
    can_manage_users: bool,
    /// The dashboard's figures for the charts (JSON), when the user may see the ledger.
    dashboard_json: Option<String>,
    year: i32,
    /// The channels' nouns for the charts' titles: 文件、会议.
    nouns: String,
}

pub async fn home(
    State(s): State<AppState>,
    PageUser(id): PageUser,
) -> Result<Response, PageError> {
    let actor = &id.actor;
    let root = org::scope_root(&s.db, actor).await?;
    let level_counts = org::counts_by_level(&s.db, actor)
        .await?
        .into_iter()
        .map(|(l, n)| (l.as_str(), l.label(), n))
        .collect();
    let user_count = match can(actor, Action::ViewUsers) {
        true => Some(people::count_in_scope(&s.db, actor).await?),
        false => None,
    };
    let open = jianfu_domain::warnings::ListWarnings {
        status: Some("open".into()),
        ..Default::default()
    };
    let open_warnings = jianfu_domain::warnings::list(
        &s.db,
        actor,
        open,
        Page {
            page: 1,
            per_page: 1,
        },
    )
    .await?
    .total;
    let audit_count = match can(actor, Action::ViewAudit) {
        true => Some(
            audit::list(
                &s.db,
                actor,
                Default::default(),
                Page {
                    page: 1,
                    per_page: 1,
                },
            )
            .await?
            .total,
        ),
        false => None,
    };
    let year = jianfu_core::time::current_year();
    let dashboard_json = match can(actor, Action::ViewLedger) {
        true => {
            let d = dashboard::overview(&s.db, actor, year).await?;
            Some(super::script_json(
                &serde_json::to_value(&d).unwrap_or_default(),
            ))
        }
        false => None,
    };
    render(&HomePage {
        chrome: Chrome::new(&id, "/", "首页"),
        scope_name: root.name,
        today: jianfu_core::time::today()
            .format("%Y年%-m月%-d日")
            .to_string(),
        level_counts,
        user_count,
        audit_count,
        open_warnings,
        can_manage_users: can(actor, Action::ManageUsers),
        dashboard_json,
        year,
        nouns: jianfu_domain::burden::channels()
            .iter()
            .map(|c| c.noun)
            .collect::<Vec<_>>()
            .join("、"),
    })
}
