//! The burden ledger seen from below (以下看上): what landed on a unit in a period, by channel
//! and by issuer, with the same figures for the same period a year earlier.
use crate::policy::{self, Action};
use chrono::{Datelike, NaiveDate};
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_store::ledger::{self as store, IssuerRank, LedgerLine};
use jianfu_store::{org, Db};
use serde::Serialize;
use std::collections::BTreeMap;

/// The channels this version of the ledger holds.
pub const CHANNELS: [(&str, &str, &str); 2] =
    [("documents", "收文", "字"), ("meetings", "参会", "分钟")];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
    pub level: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub items: i64,
    /// Characters for documents, minutes for meetings.
    pub measure: i64,
    pub previous_items: i64,
    pub previous_measure: i64,
    /// Change of `items` against the previous year, in percent; absent when there was nothing then.
    pub change_percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuerLine {
    pub channel: String,
    pub issuer_id: i64,
    pub issuer_name: String,
    pub items: i64,
    pub measure: i64,
    pub previous_items: i64,
    pub previous_measure: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BurdenLedger {
    pub unit: UnitRef,
    pub from: String,
    pub to: String,
    pub previous_from: String,
    pub previous_to: String,
    /// Per channel: documents (characters) and meetings (minutes).
    pub channels: BTreeMap<String, Figures>,
    pub by_issuer: Vec<IssuerLine>,
}

/// The same calendar day a year earlier (29 February becomes the 28th).
pub fn year_before(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() - 1)
        .or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, d.month(), 28))
        .unwrap_or(d)
}

pub fn check_period(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if to < from {
        return Err(AppError::invalid("to", "不能早于开始日期"));
    }
    if (to - from).num_days() > 3660 {
        return Err(AppError::invalid("to", "查询区间不能超过10年"));
    }
    Ok(())
}

fn change(now: i64, before: i64) -> Option<f64> {
    (before > 0).then(|| ((now - before) as f64 * 1000.0 / before as f64).round() / 10.0)
}

pub async fn ledger(
    db: &Db,
    actor: &Actor,
    unit_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<BurdenLedger> {
    policy::ensure(actor, Action::ViewLedger)?;
    check_period(from, to)?;
    let mut conn = db.reader();
    let unit = org::get(&mut conn, unit_id)
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    policy::ensure_in_scope(&mut conn, actor, unit_id, Some("unit")).await?;
    let (pf, pt) = (year_before(from), year_before(to));
    let now = store::ledger(
        &mut conn,
        unit_id,
        &unit.level,
        &from.to_string(),
        &to.to_string(),
    )
    .await?;
    let before = store::ledger(
        &mut conn,
        unit_id,
        &unit.level,
        &pf.to_string(),
        &pt.to_string(),
    )
    .await?;
    let mut channels: BTreeMap<String, Figures> = CHANNELS
        .iter()
        .map(|(c, _, _)| (c.to_string(), Figures::default()))
        .collect();
    let mut lines: BTreeMap<(String, i64), IssuerLine> = BTreeMap::new();
    let line = |l: &LedgerLine| IssuerLine {
        channel: l.channel.clone(),
        issuer_id: l.issuer_id,
        issuer_name: l.issuer_name.clone(),
        items: 0,
        measure: 0,
        previous_items: 0,
        previous_measure: 0,
    };
    for l in &now {
        let f = channels.entry(l.channel.clone()).or_default();
        f.items += l.items;
        f.measure += l.measure;
        let e = lines
            .entry((l.channel.clone(), l.issuer_id))
            .or_insert_with(|| line(l));
        e.items += l.items;
        e.measure += l.measure;
    }
    for l in &before {
        let f = channels.entry(l.channel.clone()).or_default();
        f.previous_items += l.items;
        f.previous_measure += l.measure;
        let e = lines
            .entry((l.channel.clone(), l.issuer_id))
            .or_insert_with(|| line(l));
        e.previous_items += l.items;
        e.previous_measure += l.measure;
    }
    for f in channels.values_mut() {
        f.change_percent = change(f.items, f.previous_items);
    }
    let mut by_issuer: Vec<IssuerLine> = lines.into_values().collect();
    by_issuer.sort_by(|a, b| {
        a.channel
            .cmp(&b.channel)
            .then(b.items.cmp(&a.items))
            .then(a.issuer_id.cmp(&b.issuer_id))
    });
    Ok(BurdenLedger {
        unit: UnitRef {
            id: unit.id,
            name: unit.name,
            level: unit.level,
        },
        from: from.to_string(),
        to: to.to_string(),
        previous_from: pf.to_string(),
        previous_to: pt.to_string(),
        channels,
        by_issuer,
    })
}

/// Issuers in the actor's scope ranked by the grassroots reach of what they issued.
pub async fn issuer_ranking(
    db: &Db,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> AppResult<Vec<IssuerRank>> {
    policy::ensure(actor, Action::ViewLedger)?;
    check_period(from, to)?;
    Ok(store::issuer_ranking(
        &mut db.reader(),
        actor.scope_root,
        &from.to_string(),
        &to.to_string(),
        limit,
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_day_a_year_earlier() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(
            year_before(d),
            NaiveDate::from_ymd_opt(2023, 2, 28).unwrap()
        );
        assert_eq!(change(80, 100), Some(-20.0));
        assert_eq!(change(5, 0), None);
    }
}
