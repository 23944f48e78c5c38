//! What lies behind each figure of a unit's burden ledger (以下看上): the items of a channel that
//! landed on the unit — of one issuer, in one month or in the whole period — or that an issuer of
//! the ranking issued, paged and each linked to its page; the ledger by month; the issuer ranking
//! of the selected unit's subtree; and the whole ledger with its items for the workbook.
//!
//! Counts come from the same spine rows as the ledger's figures, so a list's total is the figure
//! that opened it. Titles come from each channel's item table (`id`, `title`), which the modules
//! name at start ([`install_tables`]); the platform names no module.
use crate::burden::{self, BurdenLedger, IssuerRank, UnitRef};
use crate::policy::{self, Action};
use chrono::{Datelike, NaiveDate};
use jianfu_core::{Actor, AppError, AppResult, Page};
use jianfu_store::ledger_items::{self as store, Issued, ItemLine, Landed};
use jianfu_store::{org, Conn, Db};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

static TABLES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();

/// Names each channel's item table (channel, table), once at start; a later call (the tests
/// start many apps) keeps the first.
pub fn install_tables(tables: Vec<(&'static str, &'static str)>) {
    TABLES.get_or_init(|| tables);
}

fn table_of(channel: &str) -> Option<&'static str> {
    TABLES
        .get()?
        .iter()
        .find(|(c, _)| *c == channel)
        .map(|(_, t)| *t)
}

/// Which figure to open.
#[derive(Debug, Clone)]
pub struct Ask {
    /// The ledger's unit (for `issued`, the unit whose subtree the ranking covers).
    pub unit: i64,
    /// One channel's figure; every channel's items together when absent.
    pub channel: Option<String>,
    pub issuer: Option<i64>,
    /// `YYYY-MM`: only that month of the period.
    pub month: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The issuer ranking's figure: what `issuer` issued, rather than what landed on `unit`.
    pub issued: bool,
}

/// One item behind a figure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BehindItem {
    pub channel: String,
    pub id: i64,
    pub title: String,
    pub issuer_id: i64,
    pub issuer_name: String,
    /// Its date (issued on, held on, starts on), YYYY-MM-DD.
    pub on_date: String,
    /// In the channel's measure unit (characters, minutes, days).
    pub measure: i64,
    /// 字, 分钟, 天
    pub measure_unit: String,
    /// Its page: `/documents/7`.
    pub href: String,
}

/// The items behind one figure, one page of them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemsBehind {
    pub unit: UnitRef,
    /// The channel, or none for every channel's items together.
    pub channel: Option<String>,
    /// 文件, 会议, … (事项 for every channel)
    pub noun: String,
    /// 收文, 参会, … (收到 for every channel)
    pub received: String,
    /// The channel's measure unit (none for every channel: they differ).
    pub measure_unit: Option<String>,
    pub issuer_id: Option<i64>,
    pub issuer_name: Option<String>,
    pub month: Option<String>,
    /// The period the items fall in (the month within the period when one is asked).
    pub from: String,
    pub to: String,
    pub issued: bool,
    /// Every item behind the figure: the figure itself.
    pub total: i64,
    /// Their summed measure, for one channel.
    pub measure: Option<i64>,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<BehindItem>,
}

/// One month of the ledger: items per channel (every installed channel present).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthFigures {
    /// YYYY-MM
    pub month: String,
    pub items: BTreeMap<String, i64>,
    pub measure: BTreeMap<String, i64>,
}

/// The first and last day of a `YYYY-MM` month.
pub fn month_bounds(month: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    let bad = || AppError::invalid("month", "应为“年-月”格式，例如2026-03");
    let (y, m) = month.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((first, next.pred_opt().unwrap_or(first)))
}

/// The unit, once the actor may read its ledger (its own, or one of its subtree).
async fn unit_in_scope(conn: &mut Conn, actor: &Actor, unit_id: i64) -> AppResult<UnitRef> {
    policy::ensure(actor, Action::ViewLedger)?;
    let unit = org::get(conn, unit_id)
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    policy::ensure_in_scope(conn, actor, unit_id, Some("unit")).await?;
    Ok(UnitRef {
        id: unit.id,
        name: unit.name,
        level: unit.level,
    })
}

fn channel_of(name: &str) -> AppResult<&'static burden::Channel> {
    burden::channel(name).ok_or_else(|| AppError::invalid("channel", "不是平台登记的负担类别"))
}

/// The titles of some channels' items, from each channel's item table, one `IN (…)` per channel
/// and 500 ids.
pub async fn titles(
    conn: &mut Conn,
    items: &[(&str, i64)],
) -> AppResult<HashMap<(String, i64), String>> {
    let mut titles: HashMap<(String, i64), String> = HashMap::new();
    let mut by_channel: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (channel, id) in items {
        by_channel.entry(channel).or_default().push(*id);
    }
    for (channel, ids) in by_channel {
        if let Some(table) = table_of(channel) {
            for chunk in ids.chunks(500) {
                for (id, title) in store::titles(conn, table, chunk).await? {
                    titles.insert((channel.to_string(), id), title);
                }
            }
        }
    }
    Ok(titles)
}

/// Titles and links of a page of spine rows.
async fn behind(conn: &mut Conn, lines: Vec<ItemLine>) -> AppResult<Vec<BehindItem>> {
    let refs: Vec<(&str, i64)> = lines
        .iter()
        .map(|l| (l.channel.as_str(), l.item_id))
        .collect();
    let mut titles = titles(conn, &refs).await?;
    Ok(lines
        .into_iter()
        .map(|l| {
            let c = burden::channel(&l.channel);
            let title = titles
                .remove(&(l.channel.clone(), l.item_id))
                .unwrap_or_else(|| format!("{} {}", c.map_or("事项", |c| c.noun), l.item_id));
            BehindItem {
                href: c.map_or_else(String::new, |c| c.href(l.item_id)),
                measure_unit: c.map_or("", |c| c.measure_unit).to_string(),
                id: l.item_id,
                title,
                issuer_id: l.issuer_id,
                issuer_name: l.issuer_name,
                on_date: l.on_date,
                measure: l.measure,
                channel: l.channel,
            }
        })
        .collect())
}

/// The items behind a figure of the ledger (or of the issuer ranking), one page of them.
pub async fn items(db: &Db, actor: &Actor, ask: Ask, page: Page) -> AppResult<ItemsBehind> {
    burden::check_period(ask.from, ask.to)?;
    let channel = ask.channel.as_deref().map(channel_of).transpose()?;
    let mut conn = db.reader();
    let unit = unit_in_scope(&mut conn, actor, ask.unit).await?;
    let (mut from, mut to) = (ask.from, ask.to);
    if let Some(m) = &ask.month {
        let (first, last) = month_bounds(m)?;
        from = from.max(first);
        to = to.min(last);
    }
    let ((total, measure), lines) = if to < from {
        ((0, 0), Vec::new())
    } else if ask.issued {
        let issuer = ask
            .issuer
            .ok_or_else(|| AppError::invalid("issuer", "请指明来源单位"))?;
        // The ranking covers the issuers of the unit's subtree.
        if !org::is_within(&mut conn, unit.id, issuer).await? {
            return Err(AppError::invalid("issuer", "不在所选单位的辖区内"));
        }
        let f = Issued {
            issuer,
            channel: channel.map(|c| c.name.to_string()),
            from: from.to_string(),
            to: to.to_string(),
        };
        (
            store::issued_total(&mut conn, &f).await?,
            store::issued_page(&mut conn, &f, page.limit(), page.offset()).await?,
        )
    } else {
        let f = Landed {
            unit_id: unit.id,
            unit_level: unit.level.clone(),
            channel: channel.map(|c| c.name.to_string()),
            issuer: ask.issuer,
            from: from.to_string(),
            to: to.to_string(),
        };
        (
            store::landed_total(&mut conn, &f).await?,
            store::landed_page(&mut conn, &f, page.limit(), page.offset()).await?,
        )
    };
    // The issuer's name: from its items, or when it lies in the actor's scope.
    let issuer_name = match (ask.issuer, lines.first()) {
        (Some(_), Some(l)) => Some(l.issuer_name.clone()),
        (Some(i), None)
            if actor.is_system() || org::is_within(&mut conn, actor.scope_root, i).await? =>
        {
            org::get(&mut conn, i).await?.map(|u| u.name)
        }
        _ => None,
    };
    Ok(ItemsBehind {
        unit,
        channel: channel.map(|c| c.name.to_string()),
        noun: channel.map_or("事项", |c| c.noun).to_string(),
        received: channel.map_or("收到的事项", |c| c.received).to_string(),
        measure_unit: channel.map(|c| c.measure_unit.to_string()),
        issuer_id: ask.issuer,
        issuer_name,
        month: ask.month,
        from: from.to_string(),
        to: to.to_string(),
        issued: ask.issued,
        total,
        measure: channel.map(|_| measure),
        page: page.page,
        per_page: page.per_page,
        items: behind(&mut conn, lines).await?,
    })
}

/// The ledger of a unit by month: what landed on it in each month of the period, per channel.
pub async fn months(
    db: &Db,
    actor: &Actor,
    unit_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<MonthFigures>> {
    burden::check_period(from, to)?;
    let mut conn = db.reader();
    let unit = unit_in_scope(&mut conn, actor, unit_id).await?;
    let f = Landed {
        unit_id: unit.id,
        unit_level: unit.level,
        channel: None,
        issuer: None,
        from: from.to_string(),
        to: to.to_string(),
    };
    let rows = store::landed_months(&mut conn, &f).await?;
    let blank: BTreeMap<String, i64> = burden::channels()
        .iter()
        .map(|c| (c.name.to_string(), 0))
        .collect();
    // Every month of the period, empty ones included.
    let mut out: Vec<MonthFigures> = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while d <= to {
        out.push(MonthFigures {
            month: format!("{:04}-{:02}", d.year(), d.month()),
            items: blank.clone(),
            measure: blank.clone(),
        });
        match d.checked_add_months(chrono::Months::new(1)) {
            Some(next) => d = next,
            None => break,
        }
    }
    for r in rows {
        if let Some(m) = out.iter_mut().find(|m| m.month == r.month) {
            *m.items.entry(r.channel.clone()).or_default() += r.items;
            *m.measure.entry(r.channel).or_default() += r.measure;
        }
    }
    Ok(out)
}

/// Issuers of the selected unit's subtree ranked by the grassroots reach of what they issued in
/// the period (the unit must lie in the actor's scope).
pub async fn ranking(
    db: &Db,
    actor: &Actor,
    unit_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> AppResult<Vec<IssuerRank>> {
    burden::check_period(from, to)?;
    let mut conn = db.reader();
    let unit = unit_in_scope(&mut conn, actor, unit_id).await?;
    burden::ranking(&mut conn, unit.id, from, to, limit).await
}

/// The most items of one channel a workbook lists (the summary counts them all).
pub const EXPORT_LIMIT: i64 = 20_000;

/// A channel's items for the workbook.
pub struct ChannelItems {
    pub channel: &'static burden::Channel,
    /// Every item of the channel in the period (the sheet lists at most [`EXPORT_LIMIT`]).
    pub total: i64,
    pub measure: i64,
    pub items: Vec<BehindItem>,
}

/// The ledger of a unit and, per channel, the items behind it: what the workbook holds.
pub async fn export(
    db: &Db,
    actor: &Actor,
    unit_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<(BurdenLedger, Vec<ChannelItems>)> {
    let ledger = burden::ledger(db, actor, unit_id, from, to).await?;
    let mut conn = db.reader();
    let mut out = Vec::new();
    for c in burden::channels() {
        let f = Landed {
            unit_id: ledger.unit.id,
            unit_level: ledger.unit.level.clone(),
            channel: Some(c.name.to_string()),
            issuer: None,
            from: from.to_string(),
            to: to.to_string(),
        };
        let (total, measure) = store::landed_total(&mut conn, &f).await?;
        let lines = store::landed_page(&mut conn, &f, EXPORT_LIMIT, 0).await?;
        out.push(ChannelItems {
            channel: c,
            total,
            measure,
            items: behind(&mut conn, lines).await?,
        });
    }
    Ok((ledger, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_their_bounds() {
        let (a, b) = month_bounds("2024-02").unwrap();
        assert_eq!(a, NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
        assert_eq!(b, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        let (_, b) = month_bounds("2025-12").unwrap();
        assert_eq!(b, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
        for bad in ["2025-13", "2025-1", "202512", "abcd-ef", ""] {
            assert!(month_bounds(bad).is_err(), "{bad}");
        }
    }
}
