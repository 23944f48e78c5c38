//! 负担台账: the burden ledger page, seen from below — every channel's items that landed on a
//! unit, by issuer, against the same period a year earlier, and the issuers' ranking.
use super::items::PeriodQuery;
use super::{render, Chrome};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::parse_query;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use jianfu_core::{Actor, Page, Role};
use jianfu_domain::burden::{self, BurdenLedger, IssuerRank};
use jianfu_domain::org::{self, ListUnits, OrgUnit};
use jianfu_domain::Db;
use std::collections::BTreeMap;

pub struct Card {
    pub label: &'static str,
    pub unit: &'static str,
    pub measure_unit: &'static str,
    pub items: i64,
    pub measure: i64,
    pub previous_items: i64,
    /// "+12.5%" or "-20%"
    pub change: Option<String>,
    pub up: bool,
}

/// One line of the by-issuer table.
pub struct Line {
    /// 收文, 参会, …
    pub received: &'static str,
    pub issuer_name: String,
    pub items: i64,
    pub previous_items: i64,
    pub measure: i64,
    pub measure_unit: &'static str,
}

/// One row of the ranking: the issuer and its items in each channel, in the columns' order.
pub struct RankRow {
    pub issuer_name: String,
    pub counts: Vec<i64>,
    pub grassroots_reach: i64,
}

#[derive(Template)]
#[template(path = "burden.html")]
struct BurdenPage {
    chrome: Chrome,
    ledger: BurdenLedger,
    cards: Vec<Card>,
    lines: Vec<Line>,
    units: Vec<(i64, String)>,
    chart_json: String,
    /// The ranking's channel columns: 发文, 会议, …
    nouns: Vec<&'static str>,
    ranking: Vec<RankRow>,
}

/// Units whose ledger the actor may pick: its own, its scope root and the root's children.
pub(super) async fn ledger_units(db: &Db, actor: &Actor) -> Result<Vec<(i64, String)>, PageError> {
    let mut out = vec![(actor.unit_id, actor.unit_name.clone())];
    let root = org::scope_root(db, actor).await?;
    if root.id != actor.unit_id {
        out.push((root.id, root.name.clone()));
    }
    out.extend(
        children(db, actor, root.id)
            .await?
            .into_iter()
            .filter(|u| u.id != actor.unit_id)
            .map(|u| (u.id, u.name)),
    );
    Ok(out)
}

/// The first 200 units directly under `parent`, as the unit pickers list them.
pub(super) async fn children(
    db: &Db,
    actor: &Actor,
    parent: i64,
) -> Result<Vec<OrgUnit>, PageError> {
    let page = Page {
        page: 1,
        per_page: 200,
    };
    let filter = ListUnits {
        parent: Some(parent),
        ..Default::default()
    };
    Ok(org::list(db, actor, filter, page).await?.items)
}

pub async fn burden_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: PeriodQuery = parse_query(uri.query().unwrap_or(""))?;
    let to = q.to.unwrap_or_else(jianfu_core::time::today);
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    let actor = &id.actor;
    // A grassroots unit opens its own ledger; the offices open their government's.
    let default_unit = if actor.role == Role::Grassroots {
        actor.unit_id
    } else {
        actor.scope_root
    };
    let ledger = burden::ledger(&s.db, actor, q.unit.unwrap_or(default_unit), from, to).await?;
    let channels = burden::channels();
    let cards = channels
        .iter()
        .map(|c| {
            let f = ledger.channels.get(c.name).cloned().unwrap_or_default();
            Card {
                label: c.received,
                unit: c.count_unit,
                measure_unit: c.measure_unit,
                items: f.items,
                measure: f.measure,
                previous_items: f.previous_items,
                change: f
                    .change_percent
                    .map(|p| format!("{}{p}%", if p > 0.0 { "+" } else { "" })),
                up: f.change_percent.is_some_and(|p| p > 0.0),
            }
        })
        .collect();
    let lines = ledger
        .by_issuer
        .iter()
        .filter_map(|l| {
            let c = burden::channel(&l.channel)?;
            Some(Line {
                received: c.received,
                issuer_name: l.issuer_name.clone(),
                items: l.items,
                previous_items: l.previous_items,
                measure: l.measure,
                measure_unit: c.measure_unit,
            })
        })
        .collect();
    // The chart: the fifteen issuers that sent the unit most, all channels together.
    let mut by_issuer: BTreeMap<i64, (&str, i64, i64)> = BTreeMap::new();
    for l in &ledger.by_issuer {
        let e = by_issuer
            .entry(l.issuer_id)
            .or_insert((l.issuer_name.as_str(), 0, 0));
        e.1 += l.items;
        e.2 += l.previous_items;
    }
    let mut top: Vec<(i64, (&str, i64, i64))> = by_issuer.into_iter().collect();
    top.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(&b.0)));
    top.truncate(15);
    let chart_json = super::script_json(&serde_json::json!({
        "title": format!("{}收到事项的来源（件/次）", ledger.unit.name),
        "issuers": top.iter().map(|(_, t)| t.0).collect::<Vec<_>>(),
        "now": top.iter().map(|(_, t)| t.1).collect::<Vec<_>>(),
        "before": top.iter().map(|(_, t)| t.2).collect::<Vec<_>>(),
    }));
    let ranking: Vec<IssuerRank> = match actor.role {
        Role::Admin | Role::Supervisor | Role::Inspector => {
            burden::issuer_ranking(&s.db, actor, from, to, 20).await?
        }
        _ => Vec::new(),
    };
    let ranking = ranking
        .into_iter()
        .map(|r| RankRow {
            counts: channels.iter().map(|c| r.count(c.name)).collect(),
            issuer_name: r.issuer_name,
            grassroots_reach: r.grassroots_reach,
        })
        .collect();
    render(&BurdenPage {
        chrome: Chrome::new(&id, "/burden", "负担台账"),
        units: ledger_units(&s.db, actor).await?,
        ledger,
        cards,
        lines,
        chart_json,
        nouns: channels.iter().map(|c| c.noun).collect(),
        ranking,
    })
}
