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
    /// Applications waiting for the office's decision (待审批), for who may decide them.
    pending_approvals: Option<i64>,
    can_manage_users: bool,
    /// The dashboard's figures for the charts (JSON), when the user may see the ledger.
    dashboard_json: Option<String>,
    year: i32,
    /// The channels' nouns for the charts' titles: 文件、会议.
    nouns: String,
    /// The span the trend chart compares, in words (本年1月1日至12月3日, 与上年同期比较).
    period: String,
    /// Why a chart has nothing to draw (shown in its place), per chart.
    trend_empty: Option<String>,
    warnings_empty: Option<String>,
    issuers_empty: Option<String>,
    /// What reached a township's or village's own unit this year (以下看上), each figure opening
    /// its items, and the link to its whole ledger.
    received: Option<(Vec<super::burden::Card>, String)>,
}

/// What each chart says instead of a blank box when it has nothing to draw.
struct Empty {
    trend: Option<String>,
    warnings: Option<String>,
    issuers: Option<String>,
}

fn empty_charts(d: &dashboard::Dashboard, nouns: &str) -> Empty {
    let any = |i: usize| {
        d.series
            .values()
            .any(|s| s[i].iter().any(|n| n.unwrap_or(0) > 0))
    };
    let year = d.year;
    Empty {
        trend: (!any(0) && !any(1)).then(|| {
            format!(
                "本期尚无数据：{year}年和{}年在您的查看范围内均未登记{nouns}",
                year - 1
            )
        }),
        warnings: d
            .open_warnings_by_rule
            .is_empty()
            .then(|| "本期尚无数据：您的查看范围内当前没有待处理的预警".to_string()),
        issuers: d
            .top_issuers
            .is_empty()
            .then(|| format!("本期尚无数据：{year}年您的查看范围内尚无下发到乡镇、村的{nouns}")),
    }
}

/// The period the trend chart compares, in words.
fn period_words(d: &dashboard::Dashboard) -> String {
    let md = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(|d| d.format("%-m月%-d日").to_string())
            .unwrap_or_default()
    };
    match (&d.partial_month, &d.compared_through) {
        (Some(m), Some(last)) => format!(
            "{}年1月1日至{}；{m}月尚未结束，与{}年{m}月1日至{}比较",
            d.year,
            md(&d.through),
            d.year - 1,
            md(last)
        ),
        _ => format!("{}年全年，与{}年全年比较", d.year, d.year - 1),
    }
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
    let open_warnings = jianfu_domain::warnings::list(&s.db, actor, open, Page::TOTAL_ONLY)
        .await?
        .total;
    let pending_approvals = match can(actor, Action::DecideApproval) {
        true => {
            let pending = jianfu_domain::approvals::ListFilter {
                status: Some("pending".into()),
                ..Default::default()
            };
            let list = jianfu_domain::approvals::list(&s.db, actor, pending, Page::TOTAL_ONLY);
            Some(list.await?.total)
        }
        false => None,
    };
    let audit_count = match can(actor, Action::ViewAudit) {
        true => Some(
            audit::list(&s.db, actor, Default::default(), Page::TOTAL_ONLY)
                .await?
                .total,
        ),
        false => None,
    };
    let year = jianfu_core::time::current_year();
    let nouns = jianfu_domain::burden::channels()
        .iter()
        .map(|c| c.noun)
        .collect::<Vec<_>>()
        .join("、");
    let grassroots = actor.role == jianfu_core::Role::Grassroots;
    let received = match grassroots && can(actor, Action::ViewLedger) {
        true => {
            let today = jianfu_core::time::today();
            let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
            let ledger =
                jianfu_domain::burden::ledger(&s.db, actor, actor.unit_id, from, today).await?;
            let href = format!("/burden?unit={}", actor.unit_id);
            Some((super::burden::cards(&ledger), href))
        }
        false => None,
    };
    // A village issues to nobody below it: its page shows what reached it, not charts of what
    // its scope issued.
    let charts = !(grassroots && root.level == jianfu_core::Level::Village.as_str());
    let (dashboard_json, period, empty) = match charts && can(actor, Action::ViewLedger) {
        true => {
            let d = dashboard::overview(&s.db, actor, year).await?;
            let json = super::script_json(&serde_json::to_value(&d).unwrap_or_default());
            (Some(json), period_words(&d), empty_charts(&d, &nouns))
        }
        false => (
            None,
            String::new(),
            Empty {
                trend: None,
                warnings: None,
                issuers: None,
            },
        ),
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
        pending_approvals,
        can_manage_users: can(actor, Action::ManageUsers),
        dashboard_json,
        year,
        nouns,
        period,
        trend_empty: empty.trend,
        warnings_empty: empty.warnings,
        issuers_empty: empty.issuers,
        received,
    })
}
