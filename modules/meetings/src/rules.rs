//! The rules of meetings (会议): duration, speeches, no-meeting days, reach, 一把手, plan,
//! yearly counts, cascades, merge suggestions, comprehensive meetings and same-night relays.
use crate::store::{self, MeetingFact};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use jianfu_core::{AppResult, Level};
use jianfu_domain::rule_params;
use jianfu_domain::rules::{
    count_rules, year_of, CountRules, Cover, Evaluation, Figures, Finding, NoParams, ParamDef,
    RuleDef, RuleId, RulePack, RuleParams as _, Scope, Settings, Severity, YearCounts, SRC_2019,
    SRC_2024,
};
use jianfu_store::rules as facts;
use jianfu_store::Conn;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The rule ids of meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetRule {
    Duration,
    Speech,
    NoMeetingDay,
    ReachDown,
    ToVillages,
    HeadsRequired,
    OutOfPlan,
    CountRise,
    Quota,
    Cascade,
    Merge,
    Comprehensive,
    SameNightRelay,
}

impl MeetRule {
    pub const fn id(self) -> &'static str {
        match self {
            MeetRule::Duration => "meet.duration",
            MeetRule::Speech => "meet.speech",
            MeetRule::NoMeetingDay => "meet.no_meeting_day",
            MeetRule::ReachDown => "meet.reach_down",
            MeetRule::ToVillages => "meet.to_villages",
            MeetRule::HeadsRequired => "meet.heads_required",
            MeetRule::OutOfPlan => "meet.out_of_plan",
            MeetRule::CountRise => "meet.count_rise",
            MeetRule::Quota => "meet.quota",
            MeetRule::Cascade => "meet.cascade",
            MeetRule::Merge => "meet.merge",
            MeetRule::Comprehensive => "meet.comprehensive",
            MeetRule::SameNightRelay => "meet.same_night_relay",
        }
    }
}

impl RuleId for MeetRule {
    fn id(self) -> &'static str {
        MeetRule::id(self)
    }
}

rule_params! {
    /// meet.duration
    pub struct DurationParams {
        cap_minutes: "一般会议时长上限（分钟）" = 90, 10..=600;
        plenary_cap_minutes: "全体会议时长上限（分钟）" = 180, 10..=600;
    }
}

rule_params! {
    /// meet.speech
    pub struct SpeechParams {
        leader_minutes: "领导讲话上限（分钟）" = 60, 5..=300;
        max_speakers: "交流发言人数上限" = 6, 0..=100;
        speaker_minutes: "每人交流发言上限（分钟）" = 8, 1..=120;
    }
}

rule_params! {
    /// meet.no_meeting_day
    pub struct NoMeetingDayParams {
        weekday: "无会日（1为周一……7为周日，0为不设）" = 0, 0..=7;
        week_of_month: "无会周（每月第几周，0为不设）" = 0, 0..=5;
    }
}

rule_params! {
    /// meet.reach_down
    pub struct ReachDownParams {
        max_levels: "可直接开到的层级数" = 1, 1..=4;
    }
}

rule_params! {
    /// meet.count_rise
    pub struct CountRiseParams {
        tolerance: "允许增加的次数" = 0, 0..=1000;
    }
}

rule_params! {
    /// meet.cascade
    pub struct CascadeParams {
        days: "上级会议后天数" = 7, 1..=60;
        similarity_percent: "议题相似度（%）" = 60, 10..=100;
    }
}

rule_params! {
    /// meet.merge
    pub struct MergeParams {
        overlap_percent: "参会单位重合度（%）" = 80, 10..=100;
        min_meetings: "同周会议数" = 2, 2..=20;
    }
}

rule_params! {
    /// meet.comprehensive
    pub struct ComprehensiveParams {
        max_per_year: "每年全体会议次数上限" = 1, 1..=12;
    }
}

rule_params! {
    /// meet.same_night_relay
    pub struct RelayParams {
        evening_hour: "晚间开始时刻（时）" = 18, 12..=23;
    }
}

const fn def(
    id: MeetRule,
    name: &'static str,
    description: &'static str,
    source: &'static str,
    severity: Severity,
    params: &'static [ParamDef],
) -> RuleDef {
    RuleDef::new(
        id.id(),
        "meetings",
        (name, description, source),
        severity,
        params,
    )
}

const SRC_2022: &str = "中共中央办公厅、国务院办公厅关于规范村级组织工作事务、机制牌子和证明事项的意见（厅字〔2022〕28号）";

pub const RULES: &[RuleDef] = &[
    def(
        MeetRule::Duration,
        "会议时长超标",
        "会议一般不超过90分钟（全体会议不超过半天），不得随意延长。",
        SRC_2024,
        Severity::Warning,
        DurationParams::DEFS,
    ),
    def(
        MeetRule::Speech,
        "讲话、发言超时超量",
        "主要领导讲话一般不超过1小时；交流发言的人数和时长应严格控制。",
        SRC_2024,
        Severity::Warning,
        SpeechParams::DEFS,
    ),
    def(
        MeetRule::NoMeetingDay,
        "无会日、无会周开会",
        "本地区设定的无会日、无会周原则上不召开会议。",
        "本地区规定",
        Severity::Warning,
        NoMeetingDayParams::DEFS,
    ),
    def(
        MeetRule::ReachDown,
        "会议层层开到底",
        "上级会议原则上只开到下一级，确需开到下两级的须经批准。",
        SRC_2024,
        Severity::Warning,
        ReachDownParams::DEFS,
    ),
    def(
        MeetRule::ToVillages,
        "未经批准开到村（社区）",
        "县级以上会议未经批准不得要求村（社区）参加。",
        SRC_2022,
        Severity::Violation,
        NoParams::DEFS,
    ),
    def(
        MeetRule::HeadsRequired,
        "未经批准要求“一把手”参会",
        "不得随意要求下级主要负责同志参会；确需参加的须经批准。",
        SRC_2024,
        Severity::Warning,
        NoParams::DEFS,
    ),
    def(
        MeetRule::OutOfPlan,
        "计划外会议未经审批",
        "会议实行年度计划管理，计划外会议须事先报批。",
        SRC_2024,
        Severity::Violation,
        NoParams::DEFS,
    ),
    def(
        MeetRule::CountRise,
        "会议数量只减不增",
        "本年度召开会议数量不得超过上年度。",
        SRC_2024,
        Severity::Warning,
        CountRiseParams::DEFS,
    ),
    def(
        MeetRule::Quota,
        "超出年度会议计划",
        "会议实行年度计划和总量控制，超出年度计划总量应事先报批。",
        SRC_2024,
        Severity::Warning,
        NoParams::DEFS,
    ),
    def(
        MeetRule::Cascade,
        "层层开会传达",
        "上级会议后，下级在数日内就同一议题逐级再开会传达部署（以会议落实会议）。",
        SRC_2019,
        Severity::Warning,
        CascadeParams::DEFS,
    ),
    def(
        MeetRule::Merge,
        "建议合并召开（合开、套开、连开）",
        "同一周内参会单位高度重合的会议，建议合并召开或套开、连开。",
        SRC_2024,
        Severity::Warning,
        MergeParams::DEFS,
    ),
    def(
        MeetRule::Comprehensive,
        "综合性工作会议超过每年一次",
        "每个系统原则上每年只召开一次综合性工作会议（全体会议）。",
        SRC_2024,
        Severity::Warning,
        ComprehensiveParams::DEFS,
    ),
    def(
        MeetRule::SameNightRelay,
        "当晚连夜传达上级会议",
        "不得在上级会议召开当天晚上连夜召开会议传达贯彻。",
        SRC_2024,
        Severity::Violation,
        RelayParams::DEFS,
    ),
];

pub static PACK: RulePack = RulePack {
    name: "meetings",
    rules: RULES,
    reads: &["meetings", "plans"],
    // Cascades and merges compare meetings of different organizers on nearby days.
    keyed_focus: None,
    evaluate: |conn, scope, settings| Box::pin(evaluate(conn, scope, settings)),
};

/// What the meeting rules of one region read.
struct Facts {
    region_id: i64,
    /// Meetings of the region and of the regions above it (for cascades).
    meetings: Vec<MeetingFact>,
    targets: HashMap<i64, HashSet<(i64, String)>>,
}

impl Facts {
    fn own(&self) -> impl Iterator<Item = &MeetingFact> {
        self.meetings
            .iter()
            .filter(move |m| m.region_id == self.region_id)
    }
}

/// The rules whose findings are dated by the meetings they are about (the meeting itself, the
/// first relay of a cascade, the first meeting of a week to merge).
const DATED: [MeetRule; 10] = [
    MeetRule::Duration,
    MeetRule::Speech,
    MeetRule::NoMeetingDay,
    MeetRule::ReachDown,
    MeetRule::ToVillages,
    MeetRule::HeadsRequired,
    MeetRule::OutOfPlan,
    MeetRule::SameNightRelay,
    MeetRule::Cascade,
    MeetRule::Merge,
];

async fn evaluate(conn: &mut Conn, scope: &Scope, s: &Settings) -> AppResult<Evaluation> {
    let region = scope.region_id;
    let regions = facts::region_and_ancestors(conn, region).await?;
    let names = facts::unit_names(conn, region).await?.into_iter().collect();
    let quotas = jianfu_store::plans::quotas(conn, region, "meetings").await?;
    let spec = CountRules {
        channel: "meetings",
        noun: "会议",
        unit: "次",
        rise: s
            .on::<CountRiseParams>(MeetRule::CountRise)
            .map(|p| (MeetRule::CountRise, p.tolerance)),
        quota: s.on::<NoParams>(MeetRule::Quota).map(|_| MeetRule::Quota),
    };
    let mut out = Vec::new();
    let Some(focus) = scope.focus_on("meetings") else {
        let (from, to) = scope.window();
        let facts = Facts::load(conn, region, &regions, &from, &to).await?;
        let counts = YearCounts::new(store::year_counts(conn, region, None).await?, quotas, names);
        per_meeting(&facts, s, &mut out);
        count_rules(&spec, &counts, scope, &mut out);
        comprehensive(&facts, s, &mut out);
        same_night_relay(&facts, s, &mut out);
        cascade(&facts, s, &mut out);
        merge(&facts, s, &mut out);
        out.retain(|f| scope.covers(&f.on_date));
        return Ok(Evaluation::whole(out));
    };
    // A write changes the findings dated within a cascade's reach (or a week) of its dates,
    // and its organizers' yearly counts: the meetings around those dates are read, findings
    // dated nearer are complete, and only those replace warnings.
    let reach = s
        .on::<CascadeParams>(MeetRule::Cascade)
        .map_or(0, |p| p.days)
        .max(7);
    let mut covers = Vec::new();
    for date in &focus.dates {
        let near = chrono::Duration::days(reach);
        let (from, to) = (*date - near, *date + near);
        let facts = Facts::load(
            conn,
            region,
            &regions,
            &(from - near).to_string(),
            &(to + near).to_string(),
        )
        .await?;
        let mut near_findings = Vec::new();
        per_meeting(&facts, s, &mut near_findings);
        same_night_relay(&facts, s, &mut near_findings);
        cascade(&facts, s, &mut near_findings);
        merge(&facts, s, &mut near_findings);
        let cover = Cover::dates(&DATED, from, to);
        // Findings dated further out may lack meetings outside what was read.
        out.extend(
            near_findings
                .into_iter()
                .filter(|f| cover.holds(f.rule_id, &f.subject_key, &f.on_date)),
        );
        covers.push(cover);
    }
    let (from, to) = scope.window();
    let plenaries = Facts {
        region_id: region,
        meetings: store::plenaries(conn, region, &focus.units, &from, &to).await?,
        targets: HashMap::new(),
    };
    comprehensive(&plenaries, s, &mut out);
    let counts = YearCounts::new(
        store::year_counts(conn, region, Some(&focus.units)).await?,
        quotas,
        names,
    );
    count_rules(&spec, &counts, scope, &mut out);
    let organizer_years = |key: fn(i64, i32) -> String| -> Vec<String> {
        scope
            .years
            .iter()
            .flat_map(|y| focus.units.iter().map(move |u| key(*u, *y)))
            .collect()
    };
    covers.push(Cover::keys(
        &[MeetRule::Comprehensive],
        organizer_years(organizer_key),
    ));
    covers.push(Cover::keys(
        &[MeetRule::CountRise, MeetRule::Quota],
        organizer_years(|u, y| format!("meetings:{u}:{y}")),
    ));
    out.retain(|f| scope.covers(&f.on_date));
    Ok(Evaluation {
        findings: out,
        covers: Some(covers),
    })
}

impl Facts {
    /// The region's meetings in `[from, to]` with their targets, and its ancestors' meetings.
    async fn load(
        conn: &mut Conn,
        region: i64,
        regions: &[i64],
        from: &str,
        to: &str,
    ) -> AppResult<Facts> {
        let mut targets: HashMap<i64, HashSet<(i64, String)>> = HashMap::new();
        for (id, unit, level) in store::targets(conn, region, from, to).await? {
            targets.entry(id).or_default().insert((unit, level));
        }
        Ok(Facts {
            region_id: region,
            meetings: store::facts(conn, regions, from, to).await?,
            targets,
        })
    }
}

fn organizer_key(organizer: i64, year: i32) -> String {
    format!("organizer:{organizer}:{year}")
}

fn parse_start(m: &MeetingFact) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(&m.starts_at, "%Y-%m-%dT%H:%M").ok()
}

fn rank(level: &str) -> Option<u8> {
    level.parse::<Level>().ok().and_then(Level::rank)
}

fn level_text(level: &str) -> String {
    level
        .parse::<Level>()
        .map(|l| l.label().to_string())
        .unwrap_or_else(|_| level.to_string())
}

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

fn per_meeting(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let duration = s.on::<DurationParams>(MeetRule::Duration);
    let speech = s.on::<SpeechParams>(MeetRule::Speech);
    let no_meeting = s.on::<NoMeetingDayParams>(MeetRule::NoMeetingDay);
    let reach_down = s.on::<ReachDownParams>(MeetRule::ReachDown);
    let to_villages = s.on::<NoParams>(MeetRule::ToVillages);
    let heads = s.on::<NoParams>(MeetRule::HeadsRequired);
    let out_of_plan = s.on::<NoParams>(MeetRule::OutOfPlan);
    for m in facts.own() {
        let found = |rule: MeetRule, subject: String| {
            Finding::new(
                rule,
                format!("meeting:{}", m.id),
                subject,
                Some(m.organizer_id),
                &m.held_on,
            )
            .records(vec![("meetings", m.id)])
        };
        let minutes = m.actual_minutes.unwrap_or(m.planned_minutes);
        if let Some(p) = duration {
            let cap = if m.kind == "plenary" {
                p.plenary_cap_minutes
            } else {
                p.cap_minutes
            };
            if minutes > cap {
                out.push(
                    found(
                        MeetRule::Duration,
                        format!("“{}”时长{}分钟，超过上限{}分钟", m.title, minutes, cap),
                    )
                    .figures(
                        Figures::new()
                            .num("minutes", "会议时长", minutes, "分钟")
                            .num("cap", "时长上限", cap, "分钟"),
                    ),
                );
            }
        }
        if let Some(p) = speech {
            let mut problems = Vec::new();
            if let Some(l) = m.leader_speech_minutes.filter(|l| *l > p.leader_minutes) {
                problems.push(format!("领导讲话{}分钟（上限{}）", l, p.leader_minutes));
            }
            if m.exchange_speeches > p.max_speakers {
                problems.push(format!(
                    "交流发言{}人（上限{}）",
                    m.exchange_speeches, p.max_speakers
                ));
            }
            if let Some(e) = m.exchange_speech_minutes.filter(|e| *e > p.speaker_minutes) {
                problems.push(format!("单人发言{}分钟（上限{}）", e, p.speaker_minutes));
            }
            if !problems.is_empty() {
                out.push(
                    found(
                        MeetRule::Speech,
                        format!("“{}”{}", m.title, problems.join("，")),
                    )
                    .figures(
                        Figures::new()
                            .num(
                                "leader_minutes",
                                "领导讲话",
                                m.leader_speech_minutes,
                                "分钟",
                            )
                            .num("speakers", "交流发言人数", m.exchange_speeches, "人")
                            .num(
                                "speaker_minutes",
                                "单人发言",
                                m.exchange_speech_minutes,
                                "分钟",
                            ),
                    ),
                );
            }
        }
        if let (Some(p), Some(start)) = (no_meeting, parse_start(m)) {
            let weekday = start.weekday().number_from_monday();
            let week_of_month = i64::from((start.day() - 1) / 7 + 1);
            let day_hit = p.weekday != 0 && i64::from(weekday) == p.weekday;
            let week_hit = p.week_of_month != 0 && week_of_month == p.week_of_month;
            if day_hit || week_hit {
                let what = if day_hit { "无会日" } else { "无会周" };
                let day = WEEKDAYS[(weekday as usize - 1) % 7];
                out.push(
                    found(
                        MeetRule::NoMeetingDay,
                        format!("“{}”在{}（{}）召开", m.title, what, m.held_on),
                    )
                    .figures(
                        Figures::new()
                            .text("weekday", "星期", weekday, format!("星期{day}"))
                            .num("week_of_month", "当月第几周", week_of_month, ""),
                    ),
                );
            }
        }
        if let (Some(own), Some(reach)) = (rank(&m.organizer_level), rank(&m.reach_level)) {
            let reach_figure = |f: Figures| {
                f.text(
                    "reach_level",
                    "开到层级",
                    m.reach_level.as_str(),
                    level_text(&m.reach_level),
                )
            };
            if let Some(p) = reach_down {
                let levels = i64::from(reach.saturating_sub(own));
                if levels > p.max_levels && !m.reach_approved {
                    out.push(
                        found(
                            MeetRule::ReachDown,
                            format!("“{}”开到下{}级，无扩大范围的事前审批记录", m.title, levels),
                        )
                        .figures(reach_figure(Figures::new().num(
                            "levels_down",
                            "下延层级",
                            levels,
                            "级",
                        ))),
                    );
                }
            }
            if to_villages.is_some() && m.reach_level == "village" && own < 4 && !m.reach_approved {
                out.push(
                    found(
                        MeetRule::ToVillages,
                        format!("“{}”要求村（社区）参加，无扩大范围的事前审批记录", m.title),
                    )
                    .figures(reach_figure(Figures::new())),
                );
            }
        }
        if heads.is_some() && m.heads_required && !m.heads_approved {
            out.push(
                found(
                    MeetRule::HeadsRequired,
                    format!("“{}”要求下级主要负责同志参会，无事前审批记录", m.title),
                )
                .figures(Figures::new().val(
                    "heads_required",
                    "要求主要负责同志参会",
                    true,
                )),
            );
        }
        if out_of_plan.is_some() && !m.in_plan && !m.approved {
            out.push(
                found(
                    MeetRule::OutOfPlan,
                    format!(
                        "“{}”未列入年度会议计划，也无计划外事项的事前审批记录",
                        m.title
                    ),
                )
                .figures(
                    Figures::new()
                        .val("in_plan", "年度计划立项记录", false)
                        .val("approved", "计划外事项审批记录", false),
                ),
            );
        }
    }
}

/// One comprehensive work meeting (全体会议) per organizer and year.
fn comprehensive(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on::<ComprehensiveParams>(MeetRule::Comprehensive) else {
        return;
    };
    let mut by_year: BTreeMap<(i64, i32), Vec<&MeetingFact>> = BTreeMap::new();
    for m in facts.own().filter(|m| m.kind == "plenary") {
        by_year
            .entry((m.organizer_id, year_of(&m.held_on)))
            .or_default()
            .push(m);
    }
    for ((organizer, year), ms) in by_year {
        if ms.len() as i64 <= p.max_per_year {
            continue;
        }
        let last = ms.iter().map(|m| m.held_on.as_str()).max().unwrap_or("");
        out.push(
            Finding::new(
                MeetRule::Comprehensive,
                organizer_key(organizer, year),
                format!(
                    "{}{}年召开全体会议{}次，超过每年{}次",
                    ms[0].organizer_name,
                    year,
                    ms.len(),
                    p.max_per_year
                ),
                Some(organizer),
                last,
            )
            .figures(
                Figures::new()
                    .num("count", "本年数量", ms.len() as i64, "次")
                    .num("max", "每年上限", p.max_per_year, "次"),
            )
            .records(ms.iter().map(|m| ("meetings", m.id)).collect()),
        );
    }
}

/// A meeting that relays an upper meeting on the evening of the same day (连夜传达).
fn same_night_relay(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on::<RelayParams>(MeetRule::SameNightRelay) else {
        return;
    };
    let by_id: HashMap<i64, &MeetingFact> = facts.meetings.iter().map(|m| (m.id, m)).collect();
    let evening = format!("{:02}:00", p.evening_hour);
    for m in facts.own() {
        let Some(upper) = m.relays_meeting_id.and_then(|u| by_id.get(&u)) else {
            continue;
        };
        let time = m.starts_at.get(11..16).unwrap_or("");
        if upper.held_on == m.held_on && time >= evening.as_str() {
            out.push(
                Finding::new(
                    MeetRule::SameNightRelay,
                    format!("meeting:{}", m.id),
                    format!(
                        "“{}”于{}当晚{}传达“{}”",
                        m.title, m.held_on, time, upper.title
                    ),
                    Some(m.organizer_id),
                    &m.held_on,
                )
                .figures(
                    Figures::new()
                        .text(
                            "starts_at",
                            "开始时间",
                            m.starts_at.as_str(),
                            m.starts_at.replace('T', " "),
                        )
                        .val("upper_meeting_id", "上级会议编号", upper.id),
                )
                .records(vec![("meetings", m.id), ("meetings", upper.id)]),
            );
        }
    }
}

/// Share of character bigrams two topics have in common (Jaccard, 0–100).
pub fn topic_similarity(a: &str, b: &str) -> i64 {
    let grams = |s: &str| -> HashSet<(char, char)> {
        let cs: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        cs.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, y) = (grams(a), grams(b));
    let union = x.union(&y).count();
    if union == 0 {
        return 0;
    }
    (x.intersection(&y).count() * 100 / union) as i64
}

/// A meeting of an upper level re-held on the same topic by lower levels within days.
/// Meetings are scanned in start order, so each upper meeting only looks at the window of
/// days after it: linear in the meetings of a region, not quadratic.
fn cascade(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on::<CascadeParams>(MeetRule::Cascade) else {
        return;
    };
    let mut lower: Vec<(NaiveDateTime, u8, &MeetingFact)> = facts
        .own()
        .filter_map(|m| Some((parse_start(m)?, rank(&m.organizer_level)?, m)))
        .collect();
    lower.sort_by_key(|(t, _, m)| (*t, m.id));
    for upper in &facts.meetings {
        let (Some(up_rank), Some(up_start)) = (rank(&upper.organizer_level), parse_start(upper))
        else {
            continue;
        };
        let end = up_start + chrono::Duration::days(p.days);
        let first = lower.partition_point(|(t, _, _)| *t < up_start);
        let relays: Vec<&MeetingFact> = lower[first..]
            .iter()
            .take_while(|(t, _, _)| *t <= end)
            .filter(|(_, r, m)| *r > up_rank && m.id != upper.id)
            .filter(|(_, _, m)| {
                m.relays_meeting_id == Some(upper.id)
                    || topic_similarity(&m.topic, &upper.topic) >= p.similarity_percent
            })
            .map(|(_, _, m)| *m)
            .collect();
        let Some(first_relay) = relays.first() else {
            continue;
        };
        let mut records = vec![("meetings", upper.id)];
        records.extend(relays.iter().map(|m| ("meetings", m.id)));
        let names: Vec<&str> = relays.iter().map(|m| m.organizer_name.as_str()).collect();
        out.push(
            Finding::new(
                MeetRule::Cascade,
                format!("cascade:{}:{}", facts.region_id, upper.id),
                format!(
                    "{}“{}”后，{}在{}天内就同一议题再开会{}次",
                    upper.organizer_name,
                    upper.title,
                    names.join("、"),
                    p.days,
                    relays.len()
                ),
                Some(first_relay.organizer_id),
                &first_relay.held_on,
            )
            .figures(
                Figures::new()
                    .val("upper_meeting", "上级会议编号", upper.id)
                    .num("relays", "下级再开会次数", relays.len() as i64, "次")
                    .num("days", "间隔天数", p.days, "天"),
            )
            .records(records),
        );
    }
}

/// Meetings of the same week whose attendees overlap: suggest holding them together.
fn merge(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on::<MergeParams>(MeetRule::Merge) else {
        return;
    };
    let mut by_week: BTreeMap<(i32, u32), Vec<&MeetingFact>> = BTreeMap::new();
    for m in facts.own() {
        if let Ok(d) = m.held_on.parse::<NaiveDate>() {
            let w = d.iso_week();
            by_week.entry((w.year(), w.week())).or_default().push(m);
        }
    }
    let empty = HashSet::new();
    for ((year, week), ms) in by_week {
        let mut used = HashSet::new();
        for (i, a) in ms.iter().enumerate() {
            if used.contains(&a.id) {
                continue;
            }
            let ta = facts.targets.get(&a.id).unwrap_or(&empty);
            let mut group = vec![*a];
            for b in &ms[i + 1..] {
                let tb = facts.targets.get(&b.id).unwrap_or(&empty);
                let union = ta.union(tb).count();
                if union > 0
                    && (ta.intersection(tb).count() * 100 / union) as i64 >= p.overlap_percent
                {
                    group.push(*b);
                }
            }
            if (group.len() as i64) < p.min_meetings {
                continue;
            }
            used.extend(group.iter().map(|m| m.id));
            let titles: Vec<String> = group.iter().map(|m| format!("“{}”", m.title)).collect();
            out.push(
                Finding::new(
                    MeetRule::Merge,
                    format!("merge:{}:{year}-{week}:{}", facts.region_id, a.id),
                    format!(
                        "{year}年第{week}周{}个会议参会单位高度重合，建议合并或套开：{}",
                        group.len(),
                        titles.join("、")
                    ),
                    Some(a.organizer_id),
                    &a.held_on,
                )
                .figures(
                    Figures::new()
                        .text(
                            "week",
                            "周次",
                            format!("{year}-W{week:02}"),
                            format!("{year}年第{week}周"),
                        )
                        .num("meetings", "会议数", group.len() as i64, "个"),
                )
                .records(group.iter().map(|m| ("meetings", m.id)).collect()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_topics() {
        assert!(
            topic_similarity(
                "学习贯彻全市安全生产工作会议精神",
                "传达学习全市安全生产工作会议精神"
            ) >= 60
        );
        assert!(topic_similarity("秋季森林防火部署", "农村人居环境整治推进") < 20);
        assert_eq!(topic_similarity("", ""), 0);
    }
}
