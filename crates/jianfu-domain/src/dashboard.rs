//! 首页看板: the figures the home page charts — each channel's items (documents, meetings, …)
//! issued per month this year against last year, open warnings by rule, and the issuers that
//! burden grassroots units most — each within the signed-in user's view.
use crate::burden::{self, IssuerRank};
use crate::policy::{self, Action};
use crate::rules;
use chrono::NaiveDate;
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_store::burden as spine;
use jianfu_store::dashboard as store;
use jianfu_store::rules::WarningFilter;
use jianfu_store::Db;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub year: i32,
    /// The channels charted, in the modules' order.
    pub channels: Vec<ChannelRef>,
    /// Per channel (`"documents"`, `"meetings"`, …): its items in each month of the year
    /// (January first), and a year earlier.
    #[serde(flatten)]
    pub series: BTreeMap<String, [Vec<i64>; 2]>,
    /// Warnings still to be dealt with, per rule, most first.
    pub open_warnings_by_rule: Vec<RuleCount>,
    /// The ten issuers whose items of the year reached the most townships and villages.
    pub top_issuers: Vec<IssuerRank>,
}

/// A channel as the charts name it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelRef {
    /// documents, meetings, …
    pub name: String,
    /// 发文, 会议, …
    pub noun: String,
    pub color: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleCount {
    pub rule_id: String,
    pub rule_name: String,
    pub count: i64,
}

fn year_bounds(year: i32) -> AppResult<(NaiveDate, NaiveDate)> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) if (2000..=2100).contains(&year) => Ok((a, b)),
        _ => Err(AppError::invalid("year", "应为2000至2100之间的年份")),
    }
}

/// Twelve monthly figures from `(YYYY-MM, n)` rows of one year.
fn by_month(rows: &[(String, i64)], year: i32) -> Vec<i64> {
    (1..=12)
        .map(|m| {
            let key = format!("{year}-{m:02}");
            rows.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, n)| *n)
                .unwrap_or(0)
        })
        .collect()
}

pub async fn overview(db: &Db, actor: &Actor, year: i32) -> AppResult<Dashboard> {
    policy::ensure(actor, Action::ViewLedger)?;
    let (from, to) = year_bounds(year)?;
    let (last_from, _) = year_bounds(year - 1).unwrap_or((from, to));
    let root = policy::scope_filter(actor);
    let mut conn = db.reader();
    let mut series = BTreeMap::new();
    let mut channels = Vec::new();
    for channel in burden::channels() {
        let rows = spine::monthly_counts(
            &mut conn,
            channel.name,
            root,
            &last_from.to_string(),
            &to.to_string(),
        )
        .await?;
        series.insert(
            channel.name.to_string(),
            [by_month(&rows, year), by_month(&rows, year - 1)],
        );
        channels.push(ChannelRef {
            name: channel.name.into(),
            noun: channel.noun.into(),
            color: channel.color.into(),
        });
    }
    let filter = WarningFilter {
        scope_root: root,
        unit: policy::own_unit_only(actor),
        status: Some("open".into()),
        ..Default::default()
    };
    let open_warnings_by_rule = store::warnings_by_rule(&mut conn, &filter)
        .await?
        .into_iter()
        .map(|(rule_id, count)| RuleCount {
            rule_name: rules::rule(&rule_id)
                .map(|r| r.name.to_string())
                .unwrap_or_else(|| rule_id.clone()),
            rule_id,
            count,
        })
        .collect();
    let top_issuers = burden::ranking(&mut conn, actor.scope_root, from, to, 10).await?;
    Ok(Dashboard {
        year,
        channels,
        series,
        open_warnings_by_rule,
        top_issuers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_without_items_are_zero() {
        let rows = vec![("2025-03".to_string(), 4), ("2026-03".to_string(), 7)];
        let v = by_month(&rows, 2026);
        assert_eq!(v.len(), 12);
        assert_eq!(v[2], 7);
        assert_eq!(v.iter().sum::<i64>(), 7);
        assert_eq!(by_month(&rows, 2025)[2], 4);
    }

    #[test]
    fn years_out_of_range_are_refused() {
        assert!(year_bounds(1999).is_err());
        assert!(year_bounds(2026).is_ok());
    }
}
