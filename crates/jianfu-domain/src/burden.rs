//! The burden ledger seen from below (以下看上): what landed on a unit in a period, by channel
//! and by issuer, with the same figures for the same period a year earlier; and the channels
//! themselves, each declared by its module.
use crate::policy::{self, Action};
use chrono::{Datelike, NaiveDate};
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_store::burden::{self as store, LedgerLine};
use jianfu_store::{org, Db};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A burden channel: a kind of item that lands on grassroots units (documents, meetings, …),
/// declared by the module that records it. Its items live in the spine (`burden_items`,
/// `burden_targets`) under `name`, so the ledger, the ranking and the dashboard count them
/// without knowing the module.
#[derive(Debug, PartialEq, Eq)]
pub struct Channel {
    /// The spine's key, the module's name: `meetings`.
    pub name: &'static str,
    /// What one item is called: 会议.
    pub noun: &'static str,
    /// The audit trail's name for one item: `meeting`.
    pub entity: &'static str,
    /// What a unit does with the items it receives, in the ledger seen from below: 参会.
    pub received: &'static str,
    /// How many items: 件, 次.
    pub count_unit: &'static str,
    /// The unit of an item's measure: 字, 分钟.
    pub measure_unit: &'static str,
    /// The colour of the channel's series in the charts.
    pub color: &'static str,
    /// Its fields in annual plans, when its module plans it (年度计划与总量).
    pub plan: Option<PlanFields>,
    /// The approvals its items may cite (审批记录), as records a unit applies for.
    pub approvals: &'static [crate::approvals::Kind],
}

/// A planned channel's fields in the plans API and form, with their Chinese labels.
#[derive(Debug, PartialEq, Eq)]
pub struct PlanFields {
    /// The planned count (required): `planned_documents`.
    pub planned: &'static str,
    /// 计划发文（件）
    pub planned_label: &'static str,
    /// The quota, the most items the unit may issue in the year (optional): `document_quota`.
    pub quota: &'static str,
    /// 发文总量上限
    pub quota_label: &'static str,
}

impl Channel {
    /// The page of one item: `/meetings/7`.
    pub fn href(&self, id: i64) -> String {
        format!("/{}/{id}", self.name)
    }
}

static CHANNELS: OnceLock<Vec<&'static Channel>> = OnceLock::new();

/// Installs the channels of the modules built in (once, at start); two channels with one name
/// are refused.
pub fn install(channels: &[&'static Channel]) -> Result<(), String> {
    for (i, c) in channels.iter().enumerate() {
        if channels[..i].iter().any(|o| o.name == c.name) {
            return Err(format!("负担渠道“{}”重复声明", c.name));
        }
    }
    // A second install (the tests install per app) must agree with the first.
    let installed = CHANNELS.get_or_init(|| channels.to_vec());
    if installed.len() != channels.len() || installed.iter().zip(channels).any(|(a, b)| a != b) {
        return Err("负担渠道已按另一组模块安装".into());
    }
    Ok(())
}

/// The installed channels, in the modules' order.
pub fn channels() -> &'static [&'static Channel] {
    CHANNELS.get().map(Vec::as_slice).unwrap_or(&[])
}

pub fn channel(name: &str) -> Option<&'static Channel> {
    channels().iter().copied().find(|c| c.name == name)
}

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
    /// Per channel (documents in characters, meetings in minutes, …).
    pub channels: BTreeMap<String, Figures>,
    pub by_issuer: Vec<IssuerLine>,
}

/// Whether the actor may read an item of a channel: it was issued within the subtree whose
/// records the actor reads ([`policy::records_root`]), or it reached a unit of that subtree (以下看上: a township reads what was sent to 各乡镇,
/// a village what was sent to 各村).
pub async fn readable(
    conn: &mut jianfu_store::Conn,
    actor: &Actor,
    channel: &str,
    item_id: i64,
    issuer_id: i64,
) -> AppResult<bool> {
    Ok(!received(conn, actor, issuer_id).await?
        || store::reaches_within(conn, channel, item_id, policy::records_root(actor)).await?)
}

/// Whether the actor reads an item because it reached it (a unit of its records root was among
/// its targets), not because its records root holds the issuer: what it received.
pub async fn received(
    conn: &mut jianfu_store::Conn,
    actor: &Actor,
    issuer_id: i64,
) -> AppResult<bool> {
    Ok(!actor.is_system() && !org::is_within(conn, policy::records_root(actor), issuer_id).await?)
}

/// [`readable`], or a refusal.
pub async fn ensure_readable(
    conn: &mut jianfu_store::Conn,
    actor: &Actor,
    channel: &str,
    item_id: i64,
    issuer_id: i64,
) -> AppResult<()> {
    if readable(conn, actor, channel, item_id, issuer_id).await? {
        return Ok(());
    }
    Err(AppError::Forbidden {
        message: "该记录不在您的查阅范围内（仅可查阅本单位登记的和送达本单位的）".into(),
        field: None,
    })
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
    let mut channels: BTreeMap<String, Figures> = self::channels()
        .iter()
        .map(|c| (c.name.to_string(), Figures::default()))
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

/// An issuer ranked by the grassroots reach of what it issued in a period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IssuerRank {
    pub issuer_id: i64,
    pub issuer_name: String,
    /// Items per channel, every installed channel present: `"documents": 4, "meetings": 1`.
    #[serde(flatten)]
    pub items: BTreeMap<String, i64>,
    /// Sum over items of the townships and villages each reached.
    pub grassroots_reach: i64,
}

impl IssuerRank {
    pub fn count(&self, channel: &str) -> i64 {
        self.items.get(channel).copied().unwrap_or(0)
    }

    fn total(&self) -> i64 {
        self.items.values().sum()
    }
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
    ranking(&mut db.reader(), actor.scope_root, from, to, limit).await
}

/// Issuers of the subtree under `root` ranked by grassroots reach, then items, then id.
pub(crate) async fn ranking(
    conn: &mut jianfu_store::Conn,
    root: i64,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> AppResult<Vec<IssuerRank>> {
    let rows = store::issuer_channels(conn, root, &from.to_string(), &to.to_string()).await?;
    let mut issuers: BTreeMap<i64, IssuerRank> = BTreeMap::new();
    for r in rows {
        let e = issuers.entry(r.issuer_id).or_insert_with(|| IssuerRank {
            issuer_id: r.issuer_id,
            issuer_name: r.issuer_name.clone(),
            items: channels().iter().map(|c| (c.name.to_string(), 0)).collect(),
            grassroots_reach: 0,
        });
        *e.items.entry(r.channel).or_default() += r.items;
        e.grassroots_reach += r.reach;
    }
    let mut ranked: Vec<IssuerRank> = issuers.into_values().collect();
    ranked.sort_by(|a, b| {
        b.grassroots_reach
            .cmp(&a.grassroots_reach)
            .then(b.total().cmp(&a.total()))
            .then(a.issuer_id.cmp(&b.issuer_id))
    });
    ranked.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(ranked)
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
