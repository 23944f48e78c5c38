//! What the office reads of a region's year: the count against the annual plans and the base
//! year, the months (year-end clustering), each organizer's figures; and the leaders' weekly
//! schedule (周要事计划单) with the units several leaders or departments visit in one week.
use crate::calendar::{check_year, monday, region_of, week_label, weeks_of, Loaded};
use crate::model::{dates_text, Category};
use crate::rules::{BaseCutParams, InspRule, MultiVisitParams, YearEndParams};
use crate::store::{self, InspectionFact};
use chrono::{Duration, NaiveDate};
use jianfu_core::{Actor, AppResult};
use jianfu_domain::policy;
use jianfu_domain::rules::{RuleParams, Settings};
use jianfu_store::Db;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A region's year of 督查检查考核、调研.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub region_id: i64,
    pub year: i32,
    /// 督查检查考核 of the year (not rejected); research visits are counted apart.
    pub inspections: i64,
    pub research: i64,
    pub pending: i64,
    pub approved: i64,
    pub rejected: i64,
    /// Items of the annual plans (列入计划), and items outside them (计划外), not rejected.
    pub planned: i64,
    pub out_of_plan: i64,
    /// The base year the region set (inspect.base_cut), its count and the cut so far.
    pub base_year: Option<i64>,
    pub base_count: Option<i64>,
    pub required_cut_percent: i64,
    pub cut_percent: Option<i64>,
    /// Share of the year's 督查检查考核 that start in December, and the rule's threshold.
    pub december_share: i64,
    pub year_end_threshold: i64,
    /// Items starting in each month (1–12), by category.
    pub months: Vec<MonthLine>,
    pub organizers: Vec<OrganizerLine>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MonthLine {
    pub month: u32,
    pub supervision: i64,
    pub check: i64,
    pub assessment: i64,
    pub research: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganizerLine {
    pub organizer_id: i64,
    pub organizer_name: String,
    /// Items of the year (not rejected), research visits included.
    pub items: i64,
    /// Of them, research visits.
    pub research: i64,
    pub last_year: i64,
    pub december: i64,
    pub december_share: i64,
    /// Of them, in its annual plan, and applied for outside it.
    pub planned: i64,
    pub out_of_plan: i64,
    pub year_end: bool,
}

fn share(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        part * 100 / whole
    }
}

pub async fn overview(
    db: &Db,
    actor: &Actor,
    q: crate::calendar::YearQuery,
) -> AppResult<Overview> {
    policy::ensure(actor, crate::permissions::REVIEW)?;
    let year = check_year("year", q.year)?;
    let mut conn = db.reader();
    let region = region_of(&mut conn, actor, q.region).await?;
    let settings =
        Settings::from_overrides(&jianfu_store::rules::settings(&mut conn, region).await?);
    let defaults = Default::default();
    let base = settings
        .on::<BaseCutParams>(InspRule::BaseCut)
        .unwrap_or_else(|| BaseCutParams::from_values(&defaults));
    let year_end = settings
        .on::<YearEndParams>(InspRule::YearEnd)
        .unwrap_or_else(|| YearEndParams::from_values(&defaults));
    let counts = store::month_counts(
        &mut conn,
        region,
        &format!("{}-01-01", year - 1),
        &format!("{year}-12-31"),
    )
    .await?;
    let this = year.to_string();
    let mut months: Vec<MonthLine> = (1..=12)
        .map(|month| MonthLine {
            month,
            ..Default::default()
        })
        .collect();
    let mut o = Overview {
        region_id: region,
        year,
        inspections: 0,
        research: 0,
        pending: 0,
        approved: 0,
        rejected: 0,
        planned: 0,
        out_of_plan: 0,
        base_year: (base.base_year > 0).then_some(base.base_year),
        base_count: None,
        required_cut_percent: base.cut_percent,
        cut_percent: None,
        december_share: 0,
        year_end_threshold: year_end.share_percent,
        months: Vec::new(),
        organizers: Vec::new(),
    };
    let mut lines: BTreeMap<i64, OrganizerLine> = BTreeMap::new();
    let mut december = 0;
    for c in &counts {
        let line = lines
            .entry(c.organizer_id)
            .or_insert_with(|| OrganizerLine {
                organizer_id: c.organizer_id,
                organizer_name: c.organizer_name.clone(),
                items: 0,
                research: 0,
                last_year: 0,
                december: 0,
                december_share: 0,
                planned: 0,
                out_of_plan: 0,
                year_end: false,
            });
        let rejected = c.status == "rejected";
        if !c.month.starts_with(&this) {
            if !rejected {
                line.last_year += c.n;
            }
            continue;
        }
        match c.status.as_str() {
            "pending" => o.pending += c.n,
            "approved" => o.approved += c.n,
            _ => o.rejected += c.n,
        }
        if rejected {
            continue;
        }
        line.items += c.n;
        if c.in_plan {
            line.planned += c.n;
            o.planned += c.n;
        } else {
            line.out_of_plan += c.n;
            o.out_of_plan += c.n;
        }
        let month: usize = c.month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        let m = &mut months[month.clamp(1, 12) - 1];
        match c.category.parse::<Category>() {
            Ok(Category::Supervision) => m.supervision += c.n,
            Ok(Category::Check) => m.check += c.n,
            Ok(Category::Assessment) => m.assessment += c.n,
            _ => m.research += c.n,
        }
        if c.category == "research" {
            o.research += c.n;
            line.research += c.n;
            continue;
        }
        o.inspections += c.n;
        if month == 12 {
            december += c.n;
            line.december += c.n;
        }
    }
    o.december_share = share(december, o.inspections);
    if let Some(base_year) = o.base_year {
        let by_year: HashMap<String, i64> = store::region_years(&mut conn, region)
            .await?
            .into_iter()
            .collect();
        let n = by_year.get(&base_year.to_string()).copied().unwrap_or(0);
        o.base_count = Some(n);
        o.cut_percent = (n > 0).then(|| (n - o.inspections) * 100 / n);
    }
    let mut organizers: Vec<OrganizerLine> = lines
        .into_values()
        .filter(|l| l.items > 0)
        .map(|mut l| {
            let inspections = l.items - l.research;
            l.december_share = share(l.december, inspections);
            l.year_end =
                inspections >= year_end.min_items && l.december_share > year_end.share_percent;
            l
        })
        .collect();
    organizers.sort_by(|a, b| {
        b.items
            .cmp(&a.items)
            .then(a.organizer_id.cmp(&b.organizer_id))
    });
    o.months = months;
    o.organizers = organizers;
    Ok(o)
}

/// Query of the leaders' weekly schedule.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WeekQuery {
    /// Any day of the week (YYYY-MM-DD); this week when absent.
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    #[param(value_type = Option<String>)]
    pub week: Option<NaiveDate>,
    /// The region (the caller's own when absent).
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    pub region: Option<i64>,
}

/// 周要事计划单: the week's research visits and visits led by a leader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeadersWeek {
    pub region_id: i64,
    /// The week's Monday, and the Mondays before and after.
    pub monday: String,
    pub label: String,
    pub previous: String,
    pub next: String,
    pub visits: Vec<LeaderVisit>,
    /// Units that several leaders or departments visit this week (集中、重复、多头调研).
    pub clashes: Vec<Clash>,
    pub max_visitors: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeaderVisit {
    pub inspection_id: i64,
    /// The leader, or the organizer when no leader leads it.
    pub visitor: String,
    pub organizer_name: String,
    pub category: String,
    pub title: String,
    pub dates: String,
    pub units: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Clash {
    pub unit_id: i64,
    pub unit_name: String,
    pub visitors: Vec<String>,
    pub titles: Vec<String>,
}

/// Whether an item is a leader's or a department's research visit.
pub fn is_visit(i: &InspectionFact) -> bool {
    i.category == "research" || !i.leader.is_empty()
}

fn visitor(i: &InspectionFact) -> String {
    if i.leader.is_empty() {
        i.organizer_name.clone()
    } else {
        i.leader.clone()
    }
}

pub async fn leaders(db: &Db, actor: &Actor, q: WeekQuery) -> AppResult<LeadersWeek> {
    policy::ensure(actor, crate::permissions::REVIEW)?;
    let day = match q.week {
        Some(d) => jianfu_domain::targets::parse_date("week", d)?,
        None => jianfu_core::time::today(),
    };
    let m = monday(day);
    let mut conn = db.reader();
    let region = region_of(&mut conn, actor, q.region).await?;
    let settings =
        Settings::from_overrides(&jianfu_store::rules::settings(&mut conn, region).await?);
    let max_visitors = settings
        .on::<MultiVisitParams>(InspRule::MultiVisit)
        .unwrap_or_else(|| MultiVisitParams::from_values(&Default::default()))
        .max_visitors;
    let from = m - Duration::days(crate::model::MAX_DAYS_ON_SITE + 7);
    let loaded = Loaded::load(
        &mut conn,
        region,
        &from.to_string(),
        &(m + Duration::days(6)).to_string(),
    )
    .await?;
    let names: HashMap<i64, String> = store::grassroots_units(&mut conn, region)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let name = |u: &i64| names.get(u).cloned().unwrap_or_default();
    let this_week: Vec<&InspectionFact> = loaded
        .items
        .iter()
        .filter(|i| is_visit(i) && weeks_of(i).contains(&m))
        .collect();
    let mut visits: Vec<LeaderVisit> = this_week
        .iter()
        .map(|i| LeaderVisit {
            inspection_id: i.id,
            visitor: visitor(i),
            organizer_name: i.organizer_name.clone(),
            category: i.category.clone(),
            title: i.title.clone(),
            dates: dates_text(&i.starts_on, &i.ends_on),
            units: loaded.units_of(i.id).iter().map(name).collect(),
        })
        .collect();
    visits.sort_by(|a, b| a.visitor.cmp(&b.visitor).then(a.dates.cmp(&b.dates)));
    let mut by_unit: BTreeMap<i64, Vec<&InspectionFact>> = BTreeMap::new();
    for i in &this_week {
        for u in loaded.units_of(i.id) {
            by_unit.entry(*u).or_default().push(i);
        }
    }
    let clashes = by_unit
        .into_iter()
        .filter_map(|(u, items)| {
            let visitors: BTreeSet<String> = items.iter().map(|i| visitor(i)).collect();
            (visitors.len() as i64 > max_visitors).then(|| Clash {
                unit_id: u,
                unit_name: name(&u),
                visitors: visitors.into_iter().collect(),
                titles: items.iter().map(|i| i.title.clone()).collect(),
            })
        })
        .collect();
    Ok(LeadersWeek {
        region_id: region,
        monday: m.to_string(),
        label: week_label(m),
        previous: (m - Duration::weeks(1)).to_string(),
        next: (m + Duration::weeks(1)).to_string(),
        visits,
        clashes,
        max_visitors,
    })
}

impl LeaderVisit {
    pub fn category_label(&self) -> &'static str {
        Category::label_of(&self.category)
    }
}
