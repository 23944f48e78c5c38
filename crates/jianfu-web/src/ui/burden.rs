//! 负担台账: the burden ledger page, seen from below — every channel's items that landed on a
//! unit, by issuer and by month, against the same period a year earlier, and the ranking of the
//! issuers of the unit's subtree. Every figure opens the items behind it (`/burden/items`); a
//! search reaches every unit of the viewer's subtree (`/burden/units`); the ledger downloads as
//! a workbook (`/burden.xlsx`).
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
use jianfu_core::Level;
use jianfu_core::{Actor, Page, Role};
use jianfu_domain::burden::{self, BurdenLedger, IssuerRank};
use jianfu_domain::ledger_items::{self, BehindItem, ItemsBehind};
use jianfu_domain::org::{self, ListUnits, OrgUnit};
use jianfu_domain::Db;
use std::collections::BTreeMap;
use std::collections::HashMap;

pub struct Card {
    pub label: &'static str,
    /// The items behind the figure, this period and the same period a year earlier.
    pub href: String,
    pub previous_href: String,
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
    pub href: String,
    pub previous_href: String,
    pub issuer_name: String,
    pub items: i64,
    pub previous_items: i64,
    pub measure: i64,
    pub measure_unit: &'static str,
}

/// One row of the ranking: the issuer and its items in each channel, in the columns' order.
pub struct RankRow {
    pub issuer_name: String,
    /// Each channel's count and the link to its items.
    pub counts: Vec<(i64, String)>,
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
    /// Whether the ledger's unit is among the quick picks (else it is added to them).
    unit_listed: bool,
    chart_json: String,
    /// The ranking's channel columns: 发文, 会议, …
    nouns: Vec<&'static str>,
    ranking: Vec<RankRow>,
    /// Whether the ranking is shown to this viewer.
    show_ranking: bool,
    /// The ledger by month: each month's count per channel, with its link.
    months: Vec<(String, Vec<(i64, String)>)>,
    /// Column heads of the months table: 收文（件）, …
    month_heads: Vec<String>,
    /// The workbook of this ledger.
    xlsx_href: String,
}

/// `/burden/items?…`, `/burden?…`: a path with its query.
fn link(path: &str, pairs: &[(&str, String)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    format!("{path}?{}", q.finish())
}

/// The items behind a figure of the ledger of `unit` in a period.
fn items_href(unit: i64, channel: &str, from: &str, to: &str, more: &[(&str, String)]) -> String {
    let mut pairs = vec![
        ("unit", unit.to_string()),
        ("channel", channel.to_string()),
        ("from", from.to_string()),
        ("to", to.to_string()),
    ];
    pairs.extend(more.iter().cloned());
    link("/burden/items", &pairs)
}

/// The ledger's figure per channel, each opening the items behind it.
pub(super) fn cards(ledger: &BurdenLedger) -> Vec<Card> {
    burden::channels()
        .iter()
        .map(|c| {
            let f = ledger.channels.get(c.name).cloned().unwrap_or_default();
            Card {
                href: items_href(ledger.unit.id, c.name, &ledger.from, &ledger.to, &[]),
                previous_href: items_href(
                    ledger.unit.id,
                    c.name,
                    &ledger.previous_from,
                    &ledger.previous_to,
                    &[],
                ),
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
        .collect()
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
    let unit = q.unit.unwrap_or_else(|| default_unit(actor));
    let ledger = burden::ledger(&s.db, actor, unit, from, to).await?;
    let channels = burden::channels();
    let cards = cards(&ledger);
    let lines = ledger
        .by_issuer
        .iter()
        .filter_map(|l| {
            let c = burden::channel(&l.channel)?;
            let issuer = [("issuer", l.issuer_id.to_string())];
            Some(Line {
                href: items_href(ledger.unit.id, c.name, &ledger.from, &ledger.to, &issuer),
                previous_href: items_href(
                    ledger.unit.id,
                    c.name,
                    &ledger.previous_from,
                    &ledger.previous_to,
                    &issuer,
                ),
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
    // The ranking of the issuers of the selected unit's subtree, in the selected period.
    let show_ranking = matches!(actor.role, Role::Admin | Role::Supervisor | Role::Inspector);
    let ranking: Vec<IssuerRank> = if show_ranking {
        ledger_items::ranking(&s.db, actor, ledger.unit.id, from, to, 20).await?
    } else {
        Vec::new()
    };
    let ranking = ranking
        .into_iter()
        .map(|r| RankRow {
            counts: channels
                .iter()
                .map(|c| {
                    let more = [
                        ("issuer", r.issuer_id.to_string()),
                        ("issued", "true".to_string()),
                    ];
                    let href = items_href(ledger.unit.id, c.name, &ledger.from, &ledger.to, &more);
                    (r.count(c.name), href)
                })
                .collect(),
            issuer_name: r.issuer_name,
            grassroots_reach: r.grassroots_reach,
        })
        .collect();
    let months = ledger_items::months(&s.db, actor, ledger.unit.id, from, to)
        .await?
        .into_iter()
        .map(|m| {
            let cells = channels
                .iter()
                .map(|c| {
                    let n = m.items.get(c.name).copied().unwrap_or(0);
                    let more = [("month", m.month.clone())];
                    let href = items_href(ledger.unit.id, c.name, &ledger.from, &ledger.to, &more);
                    (n, href)
                })
                .collect();
            (m.month, cells)
        })
        .collect();
    let xlsx_href = link(
        "/burden.xlsx",
        &[
            ("unit", ledger.unit.id.to_string()),
            ("from", ledger.from.clone()),
            ("to", ledger.to.clone()),
        ],
    );
    let units = ledger_units(&s.db, actor).await?;
    render(&BurdenPage {
        chrome: Chrome::new(&id, "/burden", "负担台账"),
        unit_listed: units.iter().any(|u| u.0 == ledger.unit.id),
        units,
        ledger,
        cards,
        lines,
        chart_json,
        nouns: channels.iter().map(|c| c.noun).collect(),
        ranking,
        show_ranking,
        months,
        month_heads: channels
            .iter()
            .map(|c| format!("{}（{}）", c.received, c.count_unit))
            .collect(),
        xlsx_href,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct ItemsQuery {
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    unit: Option<i64>,
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    channel: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    issuer: Option<i64>,
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    month: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    to: Option<NaiveDate>,
    #[serde(default)]
    issued: bool,
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "burden_items.html")]
struct ItemsPage {
    chrome: Chrome,
    b: ItemsBehind,
    items: Vec<BehindItem>,
    /// What the list is: 青石镇收文 · 县农业农村局 · 2026-03.
    heading: String,
    back: String,
    pages: i64,
    /// Offset of the page's first row (for the row numbers).
    first: i64,
    prev: Option<String>,
    next: Option<String>,
}

/// The default unit of a viewer's ledger: a grassroots unit its own, an office its government.
fn default_unit(actor: &Actor) -> i64 {
    if actor.role == Role::Grassroots {
        actor.unit_id
    } else {
        actor.scope_root
    }
}

/// `/burden/items`: the items behind one figure of the ledger (or of the ranking), paged.
pub async fn items_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: ItemsQuery = parse_query(uri.query().unwrap_or(""))?;
    let actor = &id.actor;
    let to = q.to.unwrap_or_else(jianfu_core::time::today);
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    let page = Page::parse(q.page, Some(50))?;
    let ask = ledger_items::Ask {
        unit: q.unit.unwrap_or_else(|| default_unit(actor)),
        channel: q.channel.clone(),
        issuer: q.issuer,
        month: q.month.clone(),
        from,
        to,
        issued: q.issued,
    };
    let mut b = ledger_items::items(&s.db, actor, ask, page).await?;
    let mut heading = if b.issued {
        format!(
            "{}发出的{}",
            b.issuer_name.clone().unwrap_or_default(),
            b.noun
        )
    } else {
        let mut h = format!("{}{}", b.unit.name, b.received);
        if let Some(n) = &b.issuer_name {
            h.push_str(&format!(" · 来自{n}"));
        }
        h
    };
    if let Some(m) = &b.month {
        heading.push_str(&format!(" · {m}"));
    }
    let pages = ((b.total + i64::from(b.per_page) - 1) / i64::from(b.per_page)).max(1);
    let here = |p: u32| {
        let mut pairs = vec![
            ("unit", b.unit.id.to_string()),
            ("from", from.to_string()),
            ("to", to.to_string()),
        ];
        if let Some(c) = &b.channel {
            pairs.push(("channel", c.clone()));
        }
        if let Some(i) = b.issuer_id {
            pairs.push(("issuer", i.to_string()));
        }
        if let Some(m) = &b.month {
            pairs.push(("month", m.clone()));
        }
        if b.issued {
            pairs.push(("issued", "true".into()));
        }
        pairs.push(("page", p.to_string()));
        link("/burden/items", &pairs)
    };
    let prev = (b.page > 1).then(|| here(b.page - 1));
    let next = (i64::from(b.page) < pages).then(|| here(b.page + 1));
    let back = link(
        "/burden",
        &[
            ("unit", b.unit.id.to_string()),
            ("from", from.to_string()),
            ("to", to.to_string()),
        ],
    );
    let items = std::mem::take(&mut b.items);
    render(&ItemsPage {
        chrome: Chrome::new(&id, "/burden", heading.clone()),
        first: (i64::from(b.page) - 1) * i64::from(b.per_page),
        b,
        items,
        heading,
        back,
        pages,
        prev,
        next,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct PickQuery {
    #[serde(default)]
    unit_q: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    to: Option<NaiveDate>,
}

pub struct UnitHit {
    pub name: String,
    pub level_label: &'static str,
    /// The unit it lies under: 青石镇.
    pub parent_name: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "burden_units.html")]
struct UnitHits {
    searched: bool,
    units: Vec<UnitHit>,
    /// Matching units not listed.
    more: i64,
}

/// How many units a search lists.
const PICK_LIMIT: u32 = 20;

/// `/burden/units?unit_q=`: units of the viewer's subtree whose name or code holds the text,
/// villages included, each a link to its ledger in the chosen period.
pub async fn units_pick(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: PickQuery = parse_query(uri.query().unwrap_or(""))?;
    let text = q.unit_q.unwrap_or_default().trim().to_string();
    if text.is_empty() {
        return render(&UnitHits {
            searched: false,
            units: Vec::new(),
            more: 0,
        });
    }
    let found = org::list(
        &s.db,
        &id.actor,
        ListUnits {
            q: Some(text.chars().take(50).collect()),
            ..Default::default()
        },
        Page {
            page: 1,
            per_page: PICK_LIMIT,
        },
    )
    .await?;
    let mut parents: HashMap<i64, String> = HashMap::new();
    for p in found.items.iter().filter_map(|u| u.parent_id) {
        if let std::collections::hash_map::Entry::Vacant(e) = parents.entry(p) {
            if let Some(u) = jianfu_store::org::get(&mut s.db.reader(), p).await? {
                e.insert(u.name);
            }
        }
    }
    let more = (found.total - found.items.len() as i64).max(0);
    let units = found
        .items
        .into_iter()
        .map(|u| {
            let mut pairs = vec![("unit", u.id.to_string())];
            if let Some(f) = q.from {
                pairs.push(("from", f.to_string()));
            }
            if let Some(t) = q.to {
                pairs.push(("to", t.to_string()));
            }
            UnitHit {
                level_label: u.level.parse::<Level>().map(Level::label).unwrap_or(""),
                parent_name: u
                    .parent_id
                    .and_then(|p| parents.get(&p).cloned())
                    .unwrap_or_default(),
                name: u.name,
                href: link("/burden", &pairs),
            }
        })
        .collect();
    render(&UnitHits {
        searched: true,
        units,
        more,
    })
}

/// `/burden.xlsx?unit=&from=&to=`: the ledger and its items as a workbook.
pub async fn burden_xlsx(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: PeriodQuery = parse_query(uri.query().unwrap_or(""))?;
    let actor = &id.actor;
    let to = q.to.unwrap_or_else(jianfu_core::time::today);
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    let unit = q.unit.unwrap_or_else(|| default_unit(actor));
    let (ledger, items) = ledger_items::export(&s.db, actor, unit, from, to).await?;
    let bytes = crate::burden_xlsx::workbook(&ledger, &items)?;
    Ok(crate::burden_xlsx::download(&ledger, bytes))
}
