//! 预通知: the monthly public pre-notice of approved items — who comes, what for, when and to
//! whom — for anyone without signing in. An unannounced item (四不两直) is listed without its
//! dates, targets and materials until it is done.
use crate::model::{dates_text, Category, Inspection};
use crate::review::still_secret;
use crate::store;
use chrono::{Datelike, NaiveDate};
use jianfu_core::{AppError, AppResult, Level};
use jianfu_store::{org, Db};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Query of the pre-notice, its page, print view and export.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PreNoticeQuery {
    /// The month, YYYY-MM (this month when absent).
    #[serde(default)]
    pub month: Option<String>,
    /// The region (a county or city); every region when absent.
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    pub region: Option<i64>,
}

/// A month's pre-notice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PreNotice {
    /// YYYY-MM
    pub month: String,
    /// 2026年6月
    pub month_label: String,
    pub region_id: Option<i64>,
    pub region_name: Option<String>,
    pub items: Vec<NoticeItem>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeItem {
    pub id: i64,
    /// supervision|check|assessment|research
    pub category: String,
    pub category_label: String,
    pub title: String,
    pub organizer_name: String,
    pub basis: String,
    pub leader: String,
    pub team_size: i64,
    /// 四不两直
    pub unannounced: bool,
    /// Absent for an unannounced item not yet done.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub dates: String,
    /// What it lands on, as officials write it; absent for an unannounced item not yet done.
    pub targets: Option<String>,
    pub materials: Vec<String>,
}

/// The first and last day of a `YYYY-MM` month, or the error naming `month`.
pub fn month_bounds(month: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    let bad = || AppError::invalid("month", "格式应为“年-月”，如2026-06");
    let (y, m) = month.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return Err(bad());
    }
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let this = jianfu_core::time::current_year();
    let first = NaiveDate::from_ymd_opt(y, m, 1)
        .filter(|_| (2000..=this + 1).contains(&y))
        .ok_or_else(|| {
            AppError::invalid(
                "month",
                &format!(
                    "“{}”不存在，请填写2000年至{}年之间的月份（1至12月）",
                    month.trim(),
                    this + 1
                ),
            )
        })?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    let last = next.map(|n| n.pred_opt().unwrap_or(n)).unwrap_or(first);
    Ok((first, last))
}

/// Target rows as an official writes them: 青石镇、柳河镇所属各村（社区）.
pub fn targets_text(rows: &[(i64, i64, String, String)]) -> String {
    rows.iter()
        .map(|(_, _, level, name)| match level.parse::<Level>() {
            Ok(l) => format!("{name}所属各{}", l.label()),
            Err(_) => name.clone(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

pub async fn pre_notice(db: &Db, q: PreNoticeQuery) -> AppResult<PreNotice> {
    let today = jianfu_core::time::today();
    let month = q
        .month
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| format!("{}-{:02}", today.year(), today.month()));
    let (first, last) = month_bounds(&month)?;
    let mut conn = db.reader();
    let (region, region_name) = match q.region {
        Some(r) => {
            let unit = org::get(&mut conn, r)
                .await?
                .ok_or_else(|| AppError::invalid("region", "不存在"))?;
            let region = unit.region_id.unwrap_or(unit.id);
            let name = org::get(&mut conn, region).await?.map(|u| u.name);
            (Some(region), name)
        }
        None => (None, None),
    };
    let rows =
        store::approved_between(&mut conn, region, &first.to_string(), &last.to_string()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut targets: HashMap<i64, Vec<(i64, i64, String, String)>> = HashMap::new();
    for t in store::target_names(&mut conn, &ids).await? {
        targets.entry(t.0).or_default().push(t);
    }
    let items = rows
        .into_iter()
        .map(Inspection::from)
        .map(|i| {
            let secret = still_secret(&i, today);
            NoticeItem {
                id: i.id,
                category_label: Category::label_of(&i.category).to_string(),
                category: i.category.clone(),
                dates: if secret {
                    "四不两直，时间不预先公布".to_string()
                } else {
                    dates_text(&i.starts_on, &i.ends_on)
                },
                starts_on: (!secret).then(|| i.starts_on.clone()),
                ends_on: (!secret).then(|| i.ends_on.clone()),
                targets: (!secret)
                    .then(|| targets_text(targets.get(&i.id).map(Vec::as_slice).unwrap_or(&[]))),
                materials: if secret { Vec::new() } else { i.materials },
                title: i.title,
                organizer_name: i.organizer_name,
                basis: i.basis,
                leader: i.leader,
                team_size: i.team_size,
                unannounced: i.unannounced,
            }
        })
        .collect();
    Ok(PreNotice {
        month_label: format!("{}年{}月", first.year(), first.month()),
        month: format!("{}-{:02}", first.year(), first.month()),
        region_id: region,
        region_name,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_that_do_not_exist_are_refused_naming_the_field() {
        assert!(month_bounds("2026-06").is_ok());
        let (f, l) = month_bounds("2024-02").unwrap();
        assert_eq!((f.day(), l.day()), (1, 29));
        for bad in [
            "2026-13", "2026-00", "1999-05", "2026/06", "六月", "2026-", "20260-1",
        ] {
            let e = month_bounds(bad).unwrap_err();
            assert_eq!(e.field(), Some("month"), "{bad}");
        }
    }
}
