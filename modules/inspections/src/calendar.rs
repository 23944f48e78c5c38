//! The calendar of a region's grassroots units, week by week (Monday to Sunday): which sizeable
//! visits each township and village hosts, where a unit is over its weekly cap, the staggered
//! schedule (错峰) that [`crate::schedule::stagger`] proposes and its application, and the
//! bundling proposals (合并同类项、打捆).
use crate::model::{dates_text, Category, Status};
use crate::review::{move_item, shifted};
use crate::rules::{self, WeeklyCapParams};
use crate::schedule::{self, ConflictKind, Visit};
use crate::store::{self, GrassrootsUnit, InspectionFact};
use chrono::{Datelike, Duration, NaiveDate};
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_domain::policy;
use jianfu_domain::rules::{Focus, Settings};
use jianfu_store::{org, Conn, Db};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The region a page or call is about: the one named (in the actor's scope), else the region of
/// the actor's scope.
pub async fn region_of(conn: &mut Conn, actor: &Actor, region: Option<i64>) -> AppResult<i64> {
    let unit = region.unwrap_or(actor.scope_root);
    if region.is_some() {
        policy::ensure_in_scope(conn, actor, unit, Some("region")).await?;
    }
    let row = org::get(conn, unit)
        .await?
        .ok_or_else(|| AppError::invalid("region", "不存在"))?;
    Ok(row.region_id.unwrap_or(row.id))
}

/// The Monday of the week of `d`.
pub fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// 2026年第23周（6月1日—6月7日）
pub fn week_label(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    let sunday = monday + Duration::days(6);
    format!(
        "{}年第{}周（{}）",
        w.year(),
        w.week(),
        dates_text(&monday.to_string(), &sunday.to_string())
    )
}

/// A year's checked value: 2000 to next year.
pub fn check_year(field: &str, year: Option<i32>) -> AppResult<i32> {
    let this = jianfu_core::time::current_year();
    let year = year.unwrap_or(this);
    if !(2000..=this + 1).contains(&year) {
        return Err(AppError::invalid(
            field,
            &format!("应在2000年至{}年之间", this + 1),
        ));
    }
    Ok(year)
}

/// The region's items of a period with the grassroots units each reaches.
pub struct Loaded {
    pub items: Vec<InspectionFact>,
    /// Item → the townships and villages it lands on.
    pub reached: HashMap<i64, Vec<i64>>,
}

impl Loaded {
    /// Items (not rejected) starting in `[from, to]`.
    pub async fn load(conn: &mut Conn, region: i64, from: &str, to: &str) -> AppResult<Loaded> {
        let items = store::facts(conn, region, from, to).await?;
        let mut reached: HashMap<i64, Vec<i64>> = HashMap::new();
        for (item, unit) in store::reached_units(conn, region, from, to).await? {
            reached.entry(item).or_default().push(unit);
        }
        for units in reached.values_mut() {
            units.sort_unstable();
            units.dedup();
        }
        Ok(Loaded { items, reached })
    }

    pub fn units_of(&self, item: i64) -> &[i64] {
        self.reached.get(&item).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The first and last day of an item's days on site.
pub fn span(i: &InspectionFact) -> Option<(NaiveDate, NaiveDate)> {
    Some((i.starts_on.parse().ok()?, i.ends_on.parse().ok()?))
}

/// The Mondays of the weeks an item spends days on site in.
pub fn weeks_of(i: &InspectionFact) -> Vec<NaiveDate> {
    let Some((from, to)) = span(i) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut m = monday(from);
    while m <= to {
        out.push(m);
        m += Duration::weeks(1);
    }
    out
}

/// Cells (unit, Monday) and the items there, of the items `keep` selects.
pub fn cells(
    loaded: &Loaded,
    keep: impl Fn(&InspectionFact) -> bool,
) -> BTreeMap<(i64, NaiveDate), Vec<&InspectionFact>> {
    let mut out: BTreeMap<(i64, NaiveDate), Vec<&InspectionFact>> = BTreeMap::new();
    for i in loaded.items.iter().filter(|i| keep(i)) {
        for m in weeks_of(i) {
            for &u in loaded.units_of(i.id) {
                out.entry((u, m)).or_default().push(i);
            }
        }
    }
    out
}

/// The region's weekly cap and what counts as sizeable, from its rule settings.
pub async fn cap_settings(conn: &mut Conn, region: i64) -> AppResult<WeeklyCapParams> {
    let settings = Settings::from_overrides(&jianfu_store::rules::settings(conn, region).await?);
    Ok(rules::cap_params(&settings))
}

/// One week of a unit's calendar.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeekCell {
    /// Its Monday.
    pub monday: String,
    pub label: String,
    /// Sizeable visits that week.
    pub load: i64,
    pub over_cap: bool,
    pub items: Vec<CellItem>,
}

/// An item as a calendar cell lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CellItem {
    pub id: i64,
    pub title: String,
    pub organizer_name: String,
    pub category: String,
    pub dates: String,
    pub sizeable: bool,
    pub status: String,
}

fn cell_item(i: &InspectionFact, sizeable: bool) -> CellItem {
    CellItem {
        id: i.id,
        title: i.title.clone(),
        organizer_name: i.organizer_name.clone(),
        category: i.category.clone(),
        dates: dates_text(&i.starts_on, &i.ends_on),
        sizeable,
        status: i.status.clone(),
    }
}

/// A unit over its cap in one week.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overloaded {
    pub unit_id: i64,
    pub unit_name: String,
    pub monday: String,
    pub label: String,
    pub load: i64,
    pub cap: i64,
    pub items: Vec<CellItem>,
}

/// A region's calendar for a year: the units over cap, and one unit's weeks when asked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarView {
    pub region_id: i64,
    pub year: i32,
    /// Sizeable visits a unit may host in a week.
    pub cap: i64,
    /// A team of this many people or more makes a visit sizeable.
    pub sizeable_team: i64,
    /// Every (unit, week) over cap, by week then unit.
    pub overloaded: Vec<Overloaded>,
    /// The unit asked for, with each week it hosts anything.
    pub unit: Option<UnitWeeks>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitWeeks {
    pub unit_id: i64,
    pub unit_name: String,
    pub weeks: Vec<WeekCell>,
}

/// Query of the calendar, the proposal and the bundles.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// The year (this year when absent).
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    pub year: Option<i32>,
    /// The region (a county or city in scope; the caller's own when absent).
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    pub region: Option<i64>,
    /// One township or village whose weeks to show.
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    pub unit: Option<i64>,
}

/// The year's first day and last, with a month's slack before for items that begin in
/// December and run into January.
fn year_range(year: i32) -> (String, String) {
    (format!("{}-11-25", year - 1), format!("{year}-12-31"))
}

fn in_year(m: NaiveDate, year: i32) -> bool {
    (m + Duration::days(6)).year() >= year && m.year() <= year
}

pub async fn calendar(db: &Db, actor: &Actor, q: YearQuery) -> AppResult<CalendarView> {
    policy::ensure(actor, crate::permissions::REVIEW)?;
    let year = check_year("year", q.year)?;
    let mut conn = db.reader();
    let region = region_of(&mut conn, actor, q.region).await?;
    let p = cap_settings(&mut conn, region).await?;
    let (from, to) = year_range(year);
    let loaded = Loaded::load(&mut conn, region, &from, &to).await?;
    let units: HashMap<i64, String> = store::grassroots_units(&mut conn, region)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let name = |u: i64| units.get(&u).cloned().unwrap_or_else(|| format!("单位{u}"));
    let sizeable = |i: &InspectionFact| i.team_size >= p.sizeable_team;
    let mut overloaded = Vec::new();
    for ((u, m), items) in cells(&loaded, sizeable) {
        if items.len() as i64 > p.cap && in_year(m, year) {
            overloaded.push(Overloaded {
                unit_id: u,
                unit_name: name(u),
                monday: m.to_string(),
                label: week_label(m),
                load: items.len() as i64,
                cap: p.cap,
                items: items.iter().map(|i| cell_item(i, true)).collect(),
            });
        }
    }
    overloaded.sort_by(|a, b| a.monday.cmp(&b.monday).then(a.unit_id.cmp(&b.unit_id)));
    let unit = match q.unit {
        Some(u) => {
            if !units.contains_key(&u) {
                return Err(AppError::invalid(
                    "unit",
                    "不是本地区的乡镇（街道）或村（社区）",
                ));
            }
            let mut weeks: BTreeMap<NaiveDate, Vec<CellItem>> = BTreeMap::new();
            for ((cu, m), items) in cells(&loaded, |_| true) {
                if cu == u && in_year(m, year) {
                    weeks.insert(m, items.iter().map(|i| cell_item(i, sizeable(i))).collect());
                }
            }
            Some(UnitWeeks {
                unit_id: u,
                unit_name: name(u),
                weeks: weeks
                    .into_iter()
                    .map(|(m, items)| {
                        let load = items.iter().filter(|i| i.sizeable).count() as i64;
                        WeekCell {
                            monday: m.to_string(),
                            label: week_label(m),
                            load,
                            over_cap: load > p.cap,
                            items,
                        }
                    })
                    .collect(),
            })
        }
        None => None,
    };
    Ok(CalendarView {
        region_id: region,
        year,
        cap: p.cap,
        sizeable_team: p.sizeable_team,
        overloaded,
        unit,
    })
}

/// The proposal of a staggered schedule, as the API and the page show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaggerView {
    pub region_id: i64,
    pub year: i32,
    pub cap: i64,
    pub sizeable_team: i64,
    /// Sizeable visits in the calendar, and how many may move.
    pub visits: i64,
    pub flexible: i64,
    /// (unit, week) cells over cap and their total excess, before and after.
    pub cells_before: i64,
    pub excess_before: i64,
    pub cells_after: i64,
    pub excess_after: i64,
    /// No schedule leaves less excess than this (visits that cannot move exceed the cap).
    pub excess_floor: i64,
    /// The items to move, each to the same weekday some weeks away, within its window.
    pub moves: Vec<ProposedMove>,
    /// Cells still over cap, with whether any schedule could free them.
    pub conflicts: Vec<Overloaded>,
    pub unavoidable: Vec<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposedMove {
    pub inspection_id: i64,
    pub title: String,
    pub organizer_name: String,
    pub category: String,
    pub from_starts_on: String,
    pub from_dates: String,
    /// The new first day on site.
    pub starts_on: String,
    pub dates: String,
    /// Townships and villages it lands on.
    pub units: i64,
}

/// What the scheduler is given: the sizeable visits of the year, units as dense indexes.
struct Built {
    calendar: schedule::Calendar,
    monday0: NaiveDate,
    units: Vec<i64>,
    items: HashMap<u64, usize>,
}

fn build(loaded: &Loaded, p: WeeklyCapParams, year: i32, today: NaiveDate) -> AppResult<Built> {
    let monday0 = monday(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today));
    let week = |d: NaiveDate| (d - monday0).num_days().div_euclid(7);
    // Only what starts after this week may move: the past and the days at hand stay.
    let first_movable = week(today) + 1;
    let mut unit_index: HashMap<i64, u32> = HashMap::new();
    let mut units = Vec::new();
    let mut visits = Vec::new();
    let mut items = HashMap::new();
    for (n, i) in loaded.items.iter().enumerate() {
        let Some((start, end)) = span(i) else {
            continue;
        };
        if i.team_size < p.sizeable_team || week(end) < 0 || week(start) > 60 {
            continue;
        }
        let targets: Vec<u32> = loaded
            .units_of(i.id)
            .iter()
            .map(|u| {
                *unit_index.entry(*u).or_insert_with(|| {
                    units.push(*u);
                    (units.len() - 1) as u32
                })
            })
            .collect();
        if targets.is_empty() {
            continue;
        }
        let (s, e) = (week(start).max(0), week(end));
        let window = |d: &str| d.parse::<NaiveDate>().ok();
        let (wf, wt) = (window(&i.window_from), window(&i.window_to));
        let (Some(wf), Some(wt)) = (wf, wt) else {
            continue;
        };
        let back = (start - wf).num_days().div_euclid(7);
        let ahead = (wt - end).num_days().div_euclid(7);
        let earliest = (s - back).max(first_movable).max(0);
        let latest = s + ahead.max(0);
        let flexible = !i.fixed
            && !i.unannounced
            && week(start) >= first_movable
            && earliest <= latest
            && latest < 80;
        let to_week = |w: i64| u16::try_from(w).unwrap_or(0);
        visits.push(Visit {
            id: i.id as u64,
            start: to_week(s),
            weeks: to_week(e - s + 1).max(1),
            earliest: if flexible {
                to_week(earliest.min(s))
            } else {
                to_week(s)
            },
            latest: if flexible {
                to_week(latest)
            } else {
                to_week(s)
            },
            flexible,
            targets,
        });
        items.insert(i.id as u64, n);
    }
    let cap = u16::try_from(p.cap).unwrap_or(schedule::DEFAULT_WEEKLY_CAP);
    let calendar = schedule::Calendar::new(vec![cap; units.len()], visits)
        .map_err(|e| AppError::internal(format!("calendar: {e}")))?;
    Ok(Built {
        calendar,
        monday0,
        units,
        items,
    })
}

/// Proposes a staggered schedule for the region's year.
pub async fn propose(db: &Db, actor: &Actor, q: YearQuery) -> AppResult<StaggerView> {
    policy::ensure(actor, crate::permissions::REVIEW)?;
    let year = check_year("year", q.year)?;
    let mut conn = db.reader();
    let region = region_of(&mut conn, actor, q.region).await?;
    let p = cap_settings(&mut conn, region).await?;
    let (from, to) = year_range(year);
    let loaded = Loaded::load(&mut conn, region, &from, &to).await?;
    let names: HashMap<i64, String> = store::grassroots_units(&mut conn, region)
        .await?
        .into_iter()
        .map(|u: GrassrootsUnit| (u.id, u.name))
        .collect();
    let today = jianfu_core::time::today();
    let built = build(&loaded, p, year, today)?;
    let calendar = built.calendar.clone();
    let proposal = tokio::task::spawn_blocking(move || schedule::stagger(&calendar))
        .await
        .map_err(AppError::internal)?;
    let fact = |id: u64| built.items.get(&id).map(|&n| &loaded.items[n]);
    let mut moves = Vec::new();
    for m in &proposal.moves {
        let Some(i) = fact(m.id) else { continue };
        let weeks = i64::from(m.to) - i64::from(m.from);
        let (Some(s), Some(e)) = (shifted(&i.starts_on, weeks), shifted(&i.ends_on, weeks)) else {
            continue;
        };
        moves.push(ProposedMove {
            inspection_id: i.id,
            title: i.title.clone(),
            organizer_name: i.organizer_name.clone(),
            category: i.category.clone(),
            from_starts_on: i.starts_on.clone(),
            from_dates: dates_text(&i.starts_on, &i.ends_on),
            starts_on: s.to_string(),
            dates: dates_text(&s.to_string(), &e.to_string()),
            units: loaded.units_of(i.id).len() as i64,
        });
    }
    moves.sort_by(|a, b| {
        a.from_starts_on
            .cmp(&b.from_starts_on)
            .then(a.inspection_id.cmp(&b.inspection_id))
    });
    let starts = proposal.starts(&built.calendar);
    let mut conflicts = Vec::new();
    let mut unavoidable = Vec::new();
    for c in &proposal.conflicts {
        let m = built.monday0 + Duration::weeks(i64::from(c.week));
        if !in_year(m, year) {
            continue;
        }
        let unit = built.units[c.unit as usize];
        let items = c
            .visits
            .iter()
            .filter_map(|id| {
                let i = fact(*id)?;
                let mut item = cell_item(i, true);
                let v = built.calendar.visits().iter().position(|v| v.id == *id)?;
                let weeks = i64::from(starts[v]) - i64::from(built.calendar.visits()[v].start);
                if weeks != 0 {
                    let (s, e) = (shifted(&i.starts_on, weeks)?, shifted(&i.ends_on, weeks)?);
                    item.dates = dates_text(&s.to_string(), &e.to_string());
                }
                Some(item)
            })
            .collect();
        conflicts.push(Overloaded {
            unit_id: unit,
            unit_name: names.get(&unit).cloned().unwrap_or_default(),
            monday: m.to_string(),
            label: week_label(m),
            load: i64::from(c.load),
            cap: i64::from(c.cap),
            items,
        });
        unavoidable.push(c.kind == ConflictKind::Unavoidable);
    }
    let visits = built.calendar.visits();
    Ok(StaggerView {
        region_id: region,
        year,
        cap: p.cap,
        sizeable_team: p.sizeable_team,
        visits: visits.len() as i64,
        flexible: visits.iter().filter(|v| v.flexible).count() as i64,
        cells_before: proposal.before.cells as i64,
        excess_before: proposal.before.excess as i64,
        cells_after: proposal.after.cells as i64,
        excess_after: proposal.after.excess as i64,
        excess_floor: proposal.excess_floor as i64,
        moves,
        conflicts,
        unavoidable,
    })
}

/// Input of `POST /api/v1/inspections/stagger`: the moves of a proposal the office applies.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyInput {
    /// The region (the caller's own when absent).
    #[serde(default)]
    pub region: Option<i64>,
    pub moves: Vec<ApplyMove>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyMove {
    pub inspection_id: i64,
    /// Its new first day on site (YYYY-MM-DD), within its window.
    #[schema(value_type = String, example = "2027-06-14")]
    pub starts_on: NaiveDate,
}

/// What applying a proposal did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Applied {
    /// Items moved (their organizers are notified).
    pub moved: i64,
}

/// Applies moves of a staggered schedule: each item moves within its window, audited, its
/// organizer notified; then the rules run once over what moved.
pub async fn apply(db: &Db, actor: &Actor, input: ApplyInput) -> AppResult<Applied> {
    policy::ensure(actor, crate::permissions::REVIEW)?;
    if input.moves.is_empty() {
        return Err(AppError::invalid("moves", "不能为空"));
    }
    if input.moves.len() > 5000 {
        return Err(AppError::invalid("moves", "一次不能超过5000项"));
    }
    let mut seen = HashSet::new();
    let mut tx = db.begin().await?;
    let region = region_of(&mut tx, actor, input.region).await?;
    let mut focus = Focus::new(crate::CHANNEL.name);
    let today = jianfu_core::time::today();
    for (n, m) in input.moves.iter().enumerate() {
        let at = |problem: String| AppError::invalid("moves", &format!("第{}项{problem}", n + 1));
        if !seen.insert(m.inspection_id) {
            return Err(at("与前面的事项重复".into()));
        }
        let row = store::get(&mut tx, m.inspection_id)
            .await?
            .filter(|r| r.region_id == region)
            .ok_or_else(|| {
                at(format!(
                    "（编号{}）不是本地区的督查检查事项",
                    m.inspection_id
                ))
            })?;
        policy::ensure_in_scope(&mut tx, actor, row.organizer_id, Some("moves")).await?;
        let title = &row.title;
        if row.status == Status::Rejected.as_str() {
            return Err(at(format!("“{title}”已被驳回，无需调整")));
        }
        if row.fixed || row.unannounced {
            return Err(at(format!("“{title}”时间已固定或为“四不两直”，不能调整")));
        }
        let start: NaiveDate = row.starts_on.parse().map_err(AppError::internal)?;
        if start <= today || m.starts_on <= today {
            return Err(at(format!("“{title}”只能在今天之后调整")));
        }
        if (m.starts_on - start).num_days() % 7 != 0 {
            return Err(at(format!("“{title}”应整周调整（保持星期几不变）")));
        }
        let moved = move_item(&mut tx, actor, &row, m.starts_on, "经专班办公室错峰调整")
            .await
            .map_err(|e| match e {
                AppError::Validation { .. } => at(format!("“{title}”{e}")),
                e => e,
            })?;
        for d in moved.dates {
            if !focus.dates.contains(&d) {
                focus.dates.push(d);
            }
        }
        focus.records.extend(moved.records);
        focus.units.extend(moved.units);
    }
    focus.units.sort_unstable();
    focus.units.dedup();
    let dates = focus.dates.clone();
    jianfu_domain::warnings::evaluate_after_write(
        &mut tx,
        crate::CHANNEL.name,
        region,
        &dates,
        Some(focus),
    )
    .await?;
    tx.commit().await?;
    Ok(Applied {
        moved: input.moves.len() as i64,
    })
}

/// Items that could be done in one visit (合并同类项、打捆): the same kind, from different
/// organizers, with windows that share room for the longest of them and targets that overlap.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Bundle {
    pub category: String,
    pub items: Vec<BundleItem>,
    /// The days every item's window allows.
    pub window_from: String,
    pub window_to: String,
    /// Townships and villages visited once instead of once per item.
    pub shared_units: Vec<String>,
    /// Unit-visits as planned, and in one visit.
    pub unit_visits: i64,
    pub unit_visits_bundled: i64,
    /// Unit-visits saved.
    pub saving: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BundleItem {
    pub id: i64,
    pub title: String,
    pub organizer_name: String,
    pub dates: String,
    pub units: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Bundles {
    pub region_id: i64,
    pub year: i32,
    pub bundles: Vec<Bundle>,
    /// Unit-visits saved by all bundles.
    pub saving: i64,
}

/// Of a group's units, at least this share of a candidate's must already be in the group.
const BUNDLE_OVERLAP_PERCENT: usize = 50;

/// Bundles of one year's items, best saving first (pure: the proposals page and the tests).
pub fn bundle(loaded: &Loaded, names: &HashMap<i64, String>) -> Vec<Bundle> {
    let mut items: Vec<&InspectionFact> = loaded
        .items
        .iter()
        .filter(|i| !i.unannounced && !loaded.units_of(i.id).is_empty())
        .collect();
    items.sort_by(|a, b| a.starts_on.cmp(&b.starts_on).then(a.id.cmp(&b.id)));
    let parse = |s: &str| s.parse::<NaiveDate>().ok();
    let mut used: HashSet<i64> = HashSet::new();
    let mut out = Vec::new();
    for (n, first) in items.iter().enumerate() {
        if used.contains(&first.id) {
            continue;
        }
        let (Some(mut wf), Some(mut wt)) = (parse(&first.window_from), parse(&first.window_to))
        else {
            continue;
        };
        let mut group = vec![*first];
        let mut organizers: BTreeSet<i64> = BTreeSet::from([first.organizer_id]);
        let mut union: BTreeSet<i64> = loaded.units_of(first.id).iter().copied().collect();
        let mut longest = first.days_on_site;
        for other in &items[n + 1..] {
            if used.contains(&other.id)
                || other.category != first.category
                || organizers.contains(&other.organizer_id)
            {
                continue;
            }
            let (Some(of), Some(ot)) = (parse(&other.window_from), parse(&other.window_to)) else {
                continue;
            };
            let (f, t) = (wf.max(of), wt.min(ot));
            let days = longest.max(other.days_on_site);
            if (t - f).num_days() + 1 < days {
                continue;
            }
            let units = loaded.units_of(other.id);
            let shared = units.iter().filter(|u| union.contains(u)).count();
            if shared * 100 < units.len() * BUNDLE_OVERLAP_PERCENT {
                continue;
            }
            group.push(*other);
            organizers.insert(other.organizer_id);
            union.extend(units.iter().copied());
            (wf, wt, longest) = (f, t, days);
        }
        if group.len() < 2 {
            continue;
        }
        let unit_visits: usize = group.iter().map(|i| loaded.units_of(i.id).len()).sum();
        let saving = unit_visits - union.len();
        if saving == 0 {
            continue;
        }
        used.extend(group.iter().map(|i| i.id));
        let mut counts: HashMap<i64, usize> = HashMap::new();
        for i in &group {
            for u in loaded.units_of(i.id) {
                *counts.entry(*u).or_default() += 1;
            }
        }
        let mut shared: Vec<i64> = counts
            .into_iter()
            .filter(|(_, c)| *c > 1)
            .map(|(u, _)| u)
            .collect();
        shared.sort_unstable();
        out.push(Bundle {
            category: first.category.clone(),
            items: group
                .iter()
                .map(|i| BundleItem {
                    id: i.id,
                    title: i.title.clone(),
                    organizer_name: i.organizer_name.clone(),
                    dates: dates_text(&i.starts_on, &i.ends_on),
                    units: loaded.units_of(i.id).len() as i64,
                })
                .collect(),
            window_from: wf.to_string(),
            window_to: wt.to_string(),
            shared_units: shared
                .iter()
                .map(|u| names.get(u).cloned().unwrap_or_else(|| format!("单位{u}")))
                .collect(),
            unit_visits: unit_visits as i64,
            unit_visits_bundled: union.len() as i64,
            saving: saving as i64,
        });
    }
    out.sort_by(|a, b| {
        b.saving
            .cmp(&a.saving)
            .then(a.window_from.cmp(&b.window_from))
    });
    out
}

pub async fn bundles(db: &Db, actor: &Actor, q: YearQuery) -> AppResult<Bundles> {
    policy::ensure(actor, crate::permissions::REVIEW)?;
    let year = check_year("year", q.year)?;
    let mut conn = db.reader();
    let region = region_of(&mut conn, actor, q.region).await?;
    let loaded = Loaded::load(
        &mut conn,
        region,
        &format!("{year}-01-01"),
        &format!("{year}-12-31"),
    )
    .await?;
    let names: HashMap<i64, String> = store::grassroots_units(&mut conn, region)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let bundles = bundle(&loaded, &names);
    Ok(Bundles {
        region_id: region,
        year,
        saving: bundles.iter().map(|b| b.saving).sum(),
        bundles,
    })
}

impl CellItem {
    pub fn category_label(&self) -> &'static str {
        Category::label_of(&self.category)
    }
}

impl ProposedMove {
    pub fn category_label(&self) -> &'static str {
        Category::label_of(&self.category)
    }
}

impl Bundle {
    pub fn category_label(&self) -> &'static str {
        Category::label_of(&self.category)
    }
}
