//! 首页看板: the figures the home page charts — each channel's items (documents, meetings, …)
//! issued per month this year against last year, open warnings by rule, and the issuers that
//! burden grassroots units most — each within the signed-in user's view.
//!
//! The month in progress is compared with the same days of last year's month (1 to today's
//! day), not with the whole month; the months still to come have no figure (`null`), so that a
//! line does not fall to zero in the future.
use crate::burden::{self, IssuerRank};
use crate::policy::{self, Action};
use crate::rules;
use chrono::{Datelike, NaiveDate};
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
    /// The last day counted of the year: today for the current year, 31 December for a past one.
    pub through: String,
    /// The month in progress (1–12) when the year is the current one: its figure runs to
    /// `through`, and last year's figure of that month to the same day of last year.
    pub partial_month: Option<u32>,
    /// The same day of last year that the month in progress is compared up to.
    pub compared_through: Option<String>,
    /// The channels charted, in the modules' order.
    pub channels: Vec<ChannelRef>,
    /// Per channel (`"documents"`, `"meetings"`, …): its items in each month of the year
    /// (January first; `null` for months still to come), and in the same months a year earlier
    /// (the month in progress: its same days only).
    #[serde(flatten)]
    pub series: BTreeMap<String, [Vec<Option<i64>>; 2]>,
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

/// The period a year's figures cover as of `today`: the last day counted, and — for the year in
/// progress — the month in progress and the same day of last year it is compared up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub through: NaiveDate,
    pub partial: Option<(u32, NaiveDate)>,
}

pub fn period(year: i32, today: NaiveDate) -> Period {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    if year != today.year() {
        return Period {
            through: end,
            partial: None,
        };
    }
    // The same day a year earlier; 29 February falls back to the 28th.
    let same_day = (0..4)
        .find_map(|back| {
            NaiveDate::from_ymd_opt(year - 1, today.month(), today.day().saturating_sub(back))
        })
        .unwrap_or(today);
    Period {
        through: today,
        partial: Some((today.month(), same_day)),
    }
}

/// The figures of the year as charted: months after `through` have none.
fn this_year(rows: &[(String, i64)], year: i32, p: &Period) -> Vec<Option<i64>> {
    let last = match p.partial {
        Some((m, _)) => m as usize,
        None => 12,
    };
    by_month(rows, year)
        .into_iter()
        .enumerate()
        .map(|(i, n)| (i < last).then_some(n))
        .collect()
}

pub async fn overview(db: &Db, actor: &Actor, year: i32) -> AppResult<Dashboard> {
    policy::ensure(actor, Action::ViewLedger)?;
    let (from, to) = year_bounds(year)?;
    let (last_from, last_to) = year_bounds(year - 1).unwrap_or((from, to));
    let p = period(year, jianfu_core::time::today());
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
        let mut before = by_month(&rows, year - 1);
        if let Some((month, same_day)) = p.partial {
            // Last year's month in progress only up to the same day.
            let first = NaiveDate::from_ymd_opt(year - 1, month, 1).unwrap_or(last_to);
            let partial = spine::monthly_counts(
                &mut conn,
                channel.name,
                root,
                &first.to_string(),
                &same_day.to_string(),
            )
            .await?;
            before[month as usize - 1] = partial.iter().map(|(_, n)| n).sum();
        }
        series.insert(
            channel.name.to_string(),
            [
                this_year(&rows, year, &p),
                before.into_iter().map(Some).collect(),
            ],
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
        through: p.through.to_string(),
        partial_month: p.partial.map(|(m, _)| m),
        compared_through: p.partial.map(|(_, d)| d.to_string()),
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

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_month_in_progress_is_compared_with_the_same_days() {
        let p = period(2026, day(2026, 12, 3));
        assert_eq!(p.through, day(2026, 12, 3));
        assert_eq!(p.partial, Some((12, day(2025, 12, 3))));
        // A leap day is compared with the 28th.
        assert_eq!(
            period(2028, day(2028, 2, 29)).partial,
            Some((2, day(2027, 2, 28)))
        );
        // A past year is whole.
        let past = period(2025, day(2026, 12, 3));
        assert_eq!((past.through, past.partial), (day(2025, 12, 31), None));
        // Months to come have no figure.
        let rows = vec![("2026-03".to_string(), 4)];
        let v = this_year(&rows, 2026, &period(2026, day(2026, 4, 9)));
        assert_eq!(&v[..5], &[Some(0), Some(0), Some(4), Some(0), None]);
        assert!(v[4..].iter().all(Option::is_none));
    }

    #[test]
    fn years_out_of_range_are_refused() {
        assert!(year_bounds(1999).is_err());
        assert!(year_bounds(2026).is_ok());
    }
}
