//! The rules of 督查检查考核、调研: approval before the start, filing before the start, the weekly
//! cap of sizeable visits per grassroots unit, year-end clustering of assessments, the cut
//! against the base year, several leaders or departments visiting one unit in one week
//! (集中、重复、多头调研). (The annual plan is the items filed as planned: an item outside it needs
//! the office's approval before it starts.)
use crate::calendar::{cells, monday, week_label, Loaded};
use crate::model::Category;
use crate::store::{self, InspectionFact};
use chrono::{Datelike, Duration, NaiveDate};
use jianfu_core::AppResult;
use jianfu_domain::rule_params;
use jianfu_domain::rules::{
    year_of, Cover, Evaluation, Figures, Finding, NoParams, ParamDef, RuleDef, RuleId, RulePack,
    RuleParams, Scope, Settings, Severity, SRC_2019, SRC_2024,
};
use jianfu_store::rules as facts;
use jianfu_store::Conn;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The rule ids of inspections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspRule {
    UnapprovedStart,
    FiledLate,
    WeeklyCap,
    YearEnd,
    BaseCut,
    MultiVisit,
}

impl InspRule {
    pub const fn id(self) -> &'static str {
        match self {
            InspRule::UnapprovedStart => "inspect.unapproved_start",
            InspRule::FiledLate => "inspect.filed_late",
            InspRule::WeeklyCap => "inspect.weekly_cap",
            InspRule::YearEnd => "inspect.year_end",
            InspRule::BaseCut => "inspect.base_cut",
            InspRule::MultiVisit => "inspect.multi_visit",
        }
    }
}

impl RuleId for InspRule {
    fn id(self) -> &'static str {
        InspRule::id(self)
    }
}

rule_params! {
    /// inspect.weekly_cap
    pub struct WeeklyCapParams {
        cap: "每个基层单位每周接待较大规模督查检查考核、调研上限（次）" = 2, 1..=20;
        sizeable_team: "检查组达到此人数即为较大规模（人）" = 3, 1..=100;
    }
}

rule_params! {
    /// inspect.year_end
    pub struct YearEndParams {
        share_percent: "12月开展的督查检查考核占全年比例上限（%）" = 30, 1..=100;
        min_items: "全年事项达到此数才计算比例（项）" = 3, 1..=1000;
    }
}

rule_params! {
    /// inspect.base_cut
    pub struct BaseCutParams {
        base_year: "基准年度（0为不设）" = 0, 0..=2100;
        cut_percent: "较基准年度压减比例（%）" = 50, 0..=100;
    }
}

rule_params! {
    /// inspect.multi_visit
    pub struct MultiVisitParams {
        max_visitors: "同一基层单位同一周接待调研的领导或部门上限" = 1, 1..=20;
    }
}

/// The weekly cap in force (its defaults when the region turned the rule off: the calendar
/// still needs one).
pub fn cap_params(settings: &Settings) -> WeeklyCapParams {
    settings
        .on::<WeeklyCapParams>(InspRule::WeeklyCap)
        .unwrap_or_else(|| WeeklyCapParams::from_values(&Default::default()))
}

const fn def(
    id: InspRule,
    name: &'static str,
    description: &'static str,
    source: &'static str,
    severity: Severity,
    params: &'static [ParamDef],
) -> RuleDef {
    RuleDef::new(
        id.id(),
        "inspections",
        (name, description, source),
        severity,
        params,
    )
}

pub const RULES: &[RuleDef] = &[
    def(
        InspRule::UnapprovedStart,
        "督查检查考核未经批准即开展",
        "督查检查考核实行计划管理，计划外事项须事先报批，未经批准不得开展。",
        SRC_2024,
        Severity::Violation,
        NoParams::DEFS,
    ),
    def(
        InspRule::FiledLate,
        "督查检查考核事后补报",
        "督查检查考核事项应在开展前报送备案、审批，不得先开展后补报。",
        SRC_2024,
        Severity::Violation,
        NoParams::DEFS,
    ),
    def(
        InspRule::WeeklyCap,
        "基层单位一周内接待督查检查过多",
        "到基层开展的督查检查考核、调研实行频次控制，同一基层单位每周接待较大规模的现场督查检查原则上不超过规定次数（默认2次）。",
        SRC_2024,
        Severity::Warning,
        WeeklyCapParams::DEFS,
    ),
    def(
        InspRule::YearEnd,
        "督查检查考核年底扎堆",
        "督查检查考核应统筹安排，避免集中在年底开展，防止“年底综合征”。",
        SRC_2019,
        Severity::Warning,
        YearEndParams::DEFS,
    ),
    def(
        InspRule::BaseCut,
        "督查检查考核总量未按基准年压减",
        "面向县乡村的督查检查考核事项较基准年度压减50%以上。",
        SRC_2019,
        Severity::Warning,
        BaseCutParams::DEFS,
    ),
    def(
        InspRule::MultiVisit,
        "集中、重复、多头调研",
        "领导干部调研应统筹安排，避免多名领导、多个部门在同一时段到同一基层单位调研。",
        SRC_2024,
        Severity::Warning,
        MultiVisitParams::DEFS,
    ),
];

pub static PACK: RulePack = RulePack {
    name: "inspections",
    rules: RULES,
    reads: &["inspections"],
    // The weekly cells compare the visits of many organizers to one unit.
    keyed_focus: None,
    evaluate: |conn, scope, settings| Box::pin(evaluate(conn, scope, settings)),
};

/// The rules found by (unit, week) cells, dated by the week's Monday.
const CELL_RULES: [InspRule; 2] = [InspRule::WeeklyCap, InspRule::MultiVisit];
/// Rules about one item, keyed `inspection:<id>`.
const ITEM_RULES: [InspRule; 2] = [InspRule::UnapprovedStart, InspRule::FiledLate];

async fn evaluate(conn: &mut Conn, scope: &Scope, s: &Settings) -> AppResult<Evaluation> {
    let region = scope.region_id;
    let names: HashMap<i64, String> = facts::unit_names(conn, region).await?.into_iter().collect();
    let today = jianfu_core::time::today();
    let mut out = Vec::new();
    let Some(focus) = scope.focus_on(crate::CHANNEL.name) else {
        let (from, to) = scope.window();
        let loaded = Loaded::load(conn, region, &from, &to).await?;
        per_item(loaded.items.iter(), today, s, &mut out);
        per_cell(&loaded, &names, s, &mut out);
        year_end(&loaded.items, s, &mut out);
        base_cut(conn, scope, &names, s, &mut out).await?;
        out.retain(|f| scope.covers(&f.on_date));
        return Ok(Evaluation::whole(out));
    };
    // A write changes its items' own findings, the cells of the weeks its days on site were
    // and are in, its organizers' year-end shares and the region's total.
    let mut covers = Vec::new();
    let items = store::facts_of(conn, region, &focus.records).await?;
    per_item(items.iter(), today, s, &mut out);
    covers.push(Cover::keys(
        &ITEM_RULES,
        focus.records.iter().map(|id| item_key(*id)).collect(),
    ));
    for date in &focus.dates {
        // Its weeks: from the Monday of its first day to its last possible day on site.
        let (from, to) = (
            monday(*date),
            *date + Duration::days(crate::model::MAX_DAYS_ON_SITE),
        );
        let loaded = Loaded::load(
            conn,
            region,
            &(from - Duration::days(crate::model::MAX_DAYS_ON_SITE + 7)).to_string(),
            &(to + Duration::days(7)).to_string(),
        )
        .await?;
        let cover = Cover::dates(&CELL_RULES, from, to);
        let mut near = Vec::new();
        per_cell(&loaded, &names, s, &mut near);
        out.extend(
            near.into_iter()
                .filter(|f| cover.holds(f.rule_id, &f.subject_key, &f.on_date)),
        );
        covers.push(cover);
    }
    let (from, to) = scope.window();
    let yearly: Vec<InspectionFact> = store::facts(conn, region, &from, &to)
        .await?
        .into_iter()
        .filter(|i| focus.units.contains(&i.organizer_id))
        .collect();
    let mut counted = Vec::new();
    year_end(&yearly, s, &mut counted);
    counted.retain(|f| scope.covers(&f.on_date));
    out.extend(counted);
    let base_years = base_cut(conn, scope, &names, s, &mut out).await?;
    let organizer_years = |key: fn(i64, i32) -> String| -> Vec<String> {
        scope
            .years
            .iter()
            .flat_map(|y| focus.units.iter().map(move |u| key(*u, *y)))
            .collect()
    };
    covers.push(Cover::keys(
        &[InspRule::YearEnd],
        organizer_years(year_end_key),
    ));
    covers.push(Cover::keys(
        &[InspRule::BaseCut],
        base_years.iter().map(|y| base_key(region, *y)).collect(),
    ));
    Ok(Evaluation {
        findings: out,
        covers: Some(covers),
    })
}

fn item_key(id: i64) -> String {
    format!("inspection:{id}")
}

fn year_end_key(organizer: i64, year: i32) -> String {
    format!("yearend:{organizer}:{year}")
}

fn base_key(region: i64, year: i32) -> String {
    format!("basecut:{region}:{year}")
}

fn label(i: &InspectionFact) -> &'static str {
    Category::label_of(&i.category)
}

/// Started before approval; filed after it started.
fn per_item<'a>(
    items: impl Iterator<Item = &'a InspectionFact>,
    today: NaiveDate,
    s: &Settings,
    out: &mut Vec<Finding>,
) {
    let unapproved = s.on::<NoParams>(InspRule::UnapprovedStart).is_some();
    let late = s.on::<NoParams>(InspRule::FiledLate).is_some();
    let today = today.to_string();
    for i in items {
        let found = |rule: InspRule, subject: String| {
            Finding::new(
                rule,
                item_key(i.id),
                subject,
                Some(i.organizer_id),
                &i.starts_on,
            )
            .records(vec![(crate::CHANNEL.name, i.id)])
        };
        if unapproved && i.status == "pending" && i.starts_on <= today {
            out.push(
                found(
                    InspRule::UnapprovedStart,
                    format!("{}“{}”未经批准，已于{}开始", label(i), i.title, i.starts_on),
                )
                .figures(
                    Figures::new()
                        .text(
                            "starts_on",
                            "开始日期",
                            i.starts_on.as_str(),
                            i.starts_on.clone(),
                        )
                        .text("status", "审批状态", "pending", "待审核".to_string())
                        .val("in_plan", "列入年度计划", i.in_plan),
                ),
            );
        }
        if late && i.filed_on > i.starts_on {
            out.push(
                found(
                    InspRule::FiledLate,
                    format!(
                        "{}“{}”于{}报送，晚于开始日期{}（先开展后补报）",
                        label(i),
                        i.title,
                        i.filed_on,
                        i.starts_on
                    ),
                )
                .figures(
                    Figures::new()
                        .text(
                            "filed_on",
                            "报送日期",
                            i.filed_on.as_str(),
                            i.filed_on.clone(),
                        )
                        .text(
                            "starts_on",
                            "开始日期",
                            i.starts_on.as_str(),
                            i.starts_on.clone(),
                        ),
                ),
            );
        }
    }
}

/// The weekly cap of sizeable visits, and several leaders or departments researching one unit
/// in one week.
fn per_cell(loaded: &Loaded, names: &HashMap<i64, String>, s: &Settings, out: &mut Vec<Finding>) {
    let name = |u: i64| names.get(&u).cloned().unwrap_or_else(|| format!("单位{u}"));
    let titles = |items: &[&InspectionFact]| {
        items
            .iter()
            .map(|i| format!("{}“{}”", i.organizer_name, i.title))
            .collect::<Vec<_>>()
            .join("、")
    };
    let records =
        |items: &[&InspectionFact]| items.iter().map(|i| (crate::CHANNEL.name, i.id)).collect();
    if let Some(p) = s.on::<WeeklyCapParams>(InspRule::WeeklyCap) {
        for ((u, m), items) in cells(loaded, |i| i.team_size >= p.sizeable_team) {
            let n = items.len() as i64;
            if n <= p.cap {
                continue;
            }
            out.push(
                Finding::new(
                    InspRule::WeeklyCap,
                    format!("cap:{u}:{m}"),
                    format!(
                        "{}{}接待较大规模督查检查考核、调研{n}次，超过每周{}次：{}",
                        name(u),
                        week_label(m),
                        p.cap,
                        titles(&items)
                    ),
                    Some(u),
                    &m.to_string(),
                )
                .figures(week_figures(m).num("visits", "本周接待", n, "次").num(
                    "cap",
                    "每周上限",
                    p.cap,
                    "次",
                ))
                .records(records(&items)),
            );
        }
    }
    if let Some(p) = s.on::<MultiVisitParams>(InspRule::MultiVisit) {
        let research = |i: &InspectionFact| i.category == "research" || !i.leader.is_empty();
        for ((u, m), items) in cells(loaded, research) {
            let visitors: BTreeSet<&str> = items
                .iter()
                .map(|i| {
                    if i.leader.is_empty() {
                        i.organizer_name.as_str()
                    } else {
                        i.leader.as_str()
                    }
                })
                .collect();
            let n = visitors.len() as i64;
            if n <= p.max_visitors {
                continue;
            }
            let who: Vec<&str> = visitors.into_iter().collect();
            out.push(
                Finding::new(
                    InspRule::MultiVisit,
                    format!("multi:{u}:{m}"),
                    format!(
                        "{}{}有{n}位领导或{n}个部门前往调研（{}）",
                        name(u),
                        week_label(m),
                        who.join("、")
                    ),
                    Some(u),
                    &m.to_string(),
                )
                .figures(
                    week_figures(m)
                        .num("visitors", "调研的领导或部门", n, "个")
                        .num("max", "上限", p.max_visitors, "个"),
                )
                .records(records(&items)),
            );
        }
    }
}

fn week_figures(m: NaiveDate) -> Figures {
    let w = m.iso_week();
    Figures::new().text(
        "week",
        "周次",
        format!("{}-W{:02}", w.year(), w.week()),
        week_label(m),
    )
}

/// Organizers whose 督查检查考核 of a year fall too much in December.
fn year_end(items: &[InspectionFact], s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on::<YearEndParams>(InspRule::YearEnd) else {
        return;
    };
    let mut by_year: BTreeMap<(i64, i32), Vec<&InspectionFact>> = BTreeMap::new();
    for i in items.iter().filter(|i| i.category != "research") {
        by_year
            .entry((i.organizer_id, year_of(&i.starts_on)))
            .or_default()
            .push(i);
    }
    for ((organizer, year), items) in by_year {
        let total = items.len() as i64;
        let december: Vec<&&InspectionFact> = items
            .iter()
            .filter(|i| i.starts_on.get(5..7) == Some("12"))
            .collect();
        let share = december.len() as i64 * 100 / total.max(1);
        if total < p.min_items || share <= p.share_percent {
            continue;
        }
        out.push(
            Finding::new(
                InspRule::YearEnd,
                year_end_key(organizer, year),
                format!(
                    "{}{year}年督查检查考核{total}项，其中{}项集中在12月（{share}%），超过{}%",
                    items[0].organizer_name,
                    december.len(),
                    p.share_percent
                ),
                Some(organizer),
                &format!("{year}-12-31"),
            )
            .figures(
                Figures::new()
                    .num("year", "年度", year, "")
                    .num("total", "全年事项", total, "项")
                    .num("december", "12月事项", december.len() as i64, "项")
                    .num("share", "12月占比", share, "%")
                    .num("max_share", "占比上限", p.share_percent, "%"),
            )
            .records(
                december
                    .iter()
                    .map(|i| (crate::CHANNEL.name, i.id))
                    .collect(),
            ),
        );
    }
}

/// The region's 督查检查考核 of each year against the base year's. Returns the years judged: the
/// scope's, and when the scope holds the base year every later year with items too (a write to
/// the base year moves what each of them is measured against).
async fn base_cut(
    conn: &mut Conn,
    scope: &Scope,
    names: &HashMap<i64, String>,
    s: &Settings,
    out: &mut Vec<Finding>,
) -> AppResult<Vec<i32>> {
    let mut years = scope.years.clone();
    let Some(p) = s.on::<BaseCutParams>(InspRule::BaseCut) else {
        return Ok(years);
    };
    if p.base_year == 0 {
        return Ok(years);
    }
    let region = scope.region_id;
    let counts: HashMap<i64, i64> = store::region_years(conn, region)
        .await?
        .into_iter()
        .filter_map(|(y, n)| Some((y.parse().ok()?, n)))
        .collect();
    if years.iter().any(|y| i64::from(*y) == p.base_year) {
        years.extend(
            counts
                .keys()
                .filter(|y| **y > p.base_year)
                .filter_map(|y| i32::try_from(*y).ok()),
        );
        years.sort_unstable();
        years.dedup();
    }
    let Some(&base) = counts.get(&p.base_year).filter(|b| **b > 0) else {
        return Ok(years);
    };
    let allowed = base * (100 - p.cut_percent) / 100;
    for &year in &years {
        let n = counts.get(&i64::from(year)).copied().unwrap_or(0);
        if i64::from(year) <= p.base_year || n <= allowed {
            continue;
        }
        let cut = (base - n) * 100 / base;
        let place = names.get(&region).cloned().unwrap_or_default();
        out.push(
            Finding::new(
                InspRule::BaseCut,
                base_key(region, year),
                format!(
                    "{place}{year}年督查检查考核{n}项，较{}年的{base}项压减{}%，未达到压减{}%的要求（不超过{allowed}项）",
                    p.base_year,
                    cut.max(0),
                    p.cut_percent
                ),
                Some(region),
                &format!("{year}-12-31"),
            )
            .figures(
                Figures::new()
                    .num("year", "年度", year, "")
                    .num("count", "本年事项", n, "项")
                    .num("base_year", "基准年度", p.base_year, "")
                    .num("base_count", "基准年事项", base, "项")
                    .num("allowed", "压减后上限", allowed, "项"),
            ),
        );
    }
    Ok(years)
}
