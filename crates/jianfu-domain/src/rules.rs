//! Rules are data: each has an id, a Chinese name and description, the regulation it comes
//! from, a severity that follows the wording of the source (不得/严禁 → violation, 一般/原则上 →
//! warning asking for a written justification), and integer parameters that a region may
//! change without a rebuild. [`evaluate`] turns the facts of a region into findings.
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use jianfu_core::Level;
use jianfu_store::rules::{DocFact, MeetingFact, PlanFact, YearCount};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Violation,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Violation => "violation",
            Severity::Warning => "warning",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Violation => "违规",
            Severity::Warning => "预警",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParamDef {
    pub key: &'static str,
    pub label: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// The regulation the rule comes from.
    pub source: &'static str,
    pub severity: Severity,
    /// documents|meetings
    pub channel: &'static str,
    pub params: &'static [ParamDef],
}

const fn p(key: &'static str, label: &'static str, default: i64, min: i64, max: i64) -> ParamDef {
    ParamDef {
        key,
        label,
        default,
        min,
        max,
    }
}

const SRC_2024: &str = "中共中央办公厅、国务院办公厅《整治形式主义为基层减负若干规定》（2024年）";
const SRC_2019: &str = "中共中央办公厅《关于解决形式主义突出问题为基层减负的通知》（2019年）";

/// The catalogue of rules of this module, with the national defaults.
pub const CATALOG: &[RuleDef] = &[
    RuleDef {
        id: "doc.length",
        name: "文件篇幅超标",
        description: "发文一般不超过5000字，专项工作文件一般不超过4000字（附件不计）。省、市可对通知等文种从严规定。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "documents",
        params: &[p("general_limit", "一般文件字数上限", 5000, 500, 50000), p("single_task_limit", "专项工作文件字数上限", 4000, 500, 50000), p("notice_limit", "通知字数上限", 5000, 500, 50000)],
    },
    RuleDef {
        id: "doc.count_rise",
        name: "发文数量只减不增",
        description: "本年度发文数量不得超过上年度，确需增加的应向上级说明理由。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "documents",
        params: &[p("tolerance", "允许增加的件数", 0, 0, 1000)],
    },
    RuleDef {
        id: "doc.quota",
        name: "超出年度发文计划",
        description: "发文实行年度计划和总量控制，超出年度计划总量应事先报批。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "documents",
        params: &[],
    },
    RuleDef {
        id: "doc.base_year_cut",
        name: "发文未达基准年压减目标",
        description: "发至县级及以下的文件在基准年基础上压减30%至50%。",
        source: SRC_2019,
        severity: Severity::Warning,
        channel: "documents",
        params: &[p("cut_percent", "压减比例（%）", 30, 0, 100)],
    },
    RuleDef {
        id: "doc.informal_share",
        name: "白头文件、便函便笺占比上升（文件“改头换面”）",
        description: "白头文件、便函、便笺、OA通知与正式文件合并计数；非正式载体占比较上年明显上升的，提示是否以变通方式规避发文总量控制。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "documents",
        params: &[p("rise_points", "占比上升（百分点）", 10, 1, 100), p("min_informal", "非正式载体最少件数", 3, 1, 1000)],
    },
    RuleDef {
        id: "doc.schools_hospitals",
        name: "发往学校、医院的文件未经主要负责同志签批",
        description: "向学校、医院等基层单位发文，须经发文单位主要负责同志签批。",
        source: SRC_2024,
        severity: Severity::Violation,
        channel: "documents",
        params: &[],
    },
    RuleDef {
        id: "doc.forwarded_twice",
        name: "同一上级文件多个部门重复转发",
        description: "同一上级文件由两个及以上部门分别转发，造成重复发文、以文件落实文件。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "documents",
        params: &[p("min_departments", "转发部门数下限", 2, 2, 100)],
    },
    RuleDef {
        id: "doc.copied",
        name: "照抄照搬、以文件落实文件",
        description: "文件大段照抄上级文件或本单位已发文件（上下一般粗、改头换面重发），重合比例达到阈值的提示核查。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "documents",
        params: &[p("min_share_percent", "重合比例下限（%）", 70, 30, 100)],
    },
    RuleDef {
        id: "doc.implementation_report",
        name: "要求基层报送落实情况、佐证材料",
        description: "文件原则上不得要求基层报送贯彻落实情况报告、佐证材料；确需了解的应通过调研、统计等方式掌握。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "documents",
        params: &[],
    },
    RuleDef {
        id: "meet.duration",
        name: "会议时长超标",
        description: "会议一般不超过90分钟（全体会议不超过半天），不得随意延长。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[p("cap_minutes", "一般会议时长上限（分钟）", 90, 10, 600), p("plenary_cap_minutes", "全体会议时长上限（分钟）", 180, 10, 600)],
    },
    RuleDef {
        id: "meet.speech",
        name: "讲话、发言超时超量",
        description: "主要领导讲话一般不超过1小时；交流发言的人数和时长应严格控制。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[p("leader_minutes", "领导讲话上限（分钟）", 60, 5, 300), p("max_speakers", "交流发言人数上限", 6, 0, 100), p("speaker_minutes", "每人交流发言上限（分钟）", 8, 1, 120)],
    },
    RuleDef {
        id: "meet.no_meeting_day",
        name: "无会日、无会周开会",
        description: "本地区设定的无会日、无会周原则上不召开会议。",
        source: "本地区规定",
        severity: Severity::Warning,
        channel: "meetings",
        params: &[p("weekday", "无会日（1为周一……7为周日，0为不设）", 0, 0, 7), p("week_of_month", "无会周（每月第几周，0为不设）", 0, 0, 5)],
    },
    RuleDef {
        id: "meet.reach_down",
        name: "会议层层开到底",
        description: "上级会议原则上只开到下一级，确需开到下两级的须经批准。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[p("max_levels", "可直接开到的层级数", 1, 1, 4)],
    },
    RuleDef {
        id: "meet.to_villages",
        name: "未经批准开到村（社区）",
        description: "县级以上会议未经批准不得要求村（社区）参加。",
        source: "中共中央办公厅、国务院办公厅关于规范村级组织工作事务、机制牌子和证明事项的意见（厅字〔2022〕28号）",
        severity: Severity::Violation,
        channel: "meetings",
        params: &[],
    },
    RuleDef {
        id: "meet.heads_required",
        name: "未经批准要求“一把手”参会",
        description: "不得随意要求下级主要负责同志参会；确需参加的须经批准。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[],
    },
    RuleDef {
        id: "meet.out_of_plan",
        name: "计划外会议未经审批",
        description: "会议实行年度计划管理，计划外会议须事先报批。",
        source: SRC_2024,
        severity: Severity::Violation,
        channel: "meetings",
        params: &[],
    },
    RuleDef {
        id: "meet.count_rise",
        name: "会议数量只减不增",
        description: "本年度召开会议数量不得超过上年度。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[p("tolerance", "允许增加的次数", 0, 0, 1000)],
    },
    RuleDef {
        id: "meet.quota",
        name: "超出年度会议计划",
        description: "会议实行年度计划和总量控制，超出年度计划总量应事先报批。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[],
    },
    RuleDef {
        id: "meet.cascade",
        name: "层层开会传达",
        description: "上级会议后，下级在数日内就同一议题逐级再开会传达部署（以会议落实会议）。",
        source: SRC_2019,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[p("days", "上级会议后天数", 7, 1, 60), p("similarity_percent", "议题相似度（%）", 60, 10, 100)],
    },
    RuleDef {
        id: "meet.merge",
        name: "建议合并召开（合开、套开、连开）",
        description: "同一周内参会单位高度重合的会议，建议合并召开或套开、连开。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[p("overlap_percent", "参会单位重合度（%）", 80, 10, 100), p("min_meetings", "同周会议数", 2, 2, 20)],
    },
    RuleDef {
        id: "meet.comprehensive",
        name: "综合性工作会议超过每年一次",
        description: "每个系统原则上每年只召开一次综合性工作会议（全体会议）。",
        source: SRC_2024,
        severity: Severity::Warning,
        channel: "meetings",
        params: &[p("max_per_year", "每年全体会议次数上限", 1, 1, 12)],
    },
    RuleDef {
        id: "meet.same_night_relay",
        name: "当晚连夜传达上级会议",
        description: "不得在上级会议召开当天晚上连夜召开会议传达贯彻。",
        source: SRC_2024,
        severity: Severity::Violation,
        channel: "meetings",
        params: &[p("evening_hour", "晚间开始时刻（时）", 18, 12, 23)],
    },
];

pub fn rule(id: &str) -> Option<&'static RuleDef> {
    CATALOG.iter().find(|r| r.id == id)
}

/// Rules that text analysis already points to but whose modules come later (forms, apps,
/// inspections, duties, villages): their Chinese names, so a finding reads well today.
const LATER_RULES: &[(&str, &str)] = &[
    ("form.daily_zero_report", "日报告、零报告"),
    ("form.catalog", "报表、台账未纳入目录"),
    (
        "digital.five_donts",
        "打卡、排名、强制下载（指尖上的形式主义）",
    ),
    ("inspect.trace_scoring", "以拍照留痕评判工作"),
    ("inspect.plan", "督查检查考核未列入计划"),
    ("duty.veto_pledge", "一票否决、责任状"),
    ("meet.relay", "层层开会、层层传达"),
    ("village.signboards", "村级组织挂牌"),
    ("village.certificates", "村级组织出具证明"),
];

/// The Chinese name of a rule of the catalogue, or of one a later module will bring.
pub fn rule_name(id: &str) -> Option<&'static str> {
    rule(id)
        .map(|r| r.name)
        .or_else(|| LATER_RULES.iter().find(|(k, _)| *k == id).map(|(_, n)| *n))
}

/// The effective parameters of one rule in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub BTreeMap<String, i64>);

impl Params {
    pub fn defaults(def: &RuleDef) -> Params {
        Params(
            def.params
                .iter()
                .map(|p| (p.key.to_string(), p.default))
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> i64 {
        self.0.get(key).copied().unwrap_or(0)
    }
}

/// Effective settings of a region: enabled flag and parameters per rule.
#[derive(Debug, Clone, Default)]
pub struct Settings(pub HashMap<&'static str, (bool, Params)>);

impl Settings {
    pub fn from_overrides(overrides: &[jianfu_store::rules::RuleSetting]) -> Settings {
        let mut out = HashMap::new();
        for def in CATALOG {
            let mut params = Params::defaults(def);
            let mut enabled = true;
            for o in overrides.iter().filter(|o| o.rule_id == def.id) {
                enabled = o.enabled;
                if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&o.params) {
                    for pd in def.params {
                        if let Some(v) = m.get(pd.key).and_then(Value::as_i64) {
                            params.0.insert(pd.key.to_string(), v.clamp(pd.min, pd.max));
                        }
                    }
                }
            }
            out.insert(def.id, (enabled, params));
        }
        Settings(out)
    }

    pub fn on(&self, id: &str) -> Option<&Params> {
        self.0.get(id).filter(|(e, _)| *e).map(|(_, p)| p)
    }
}

/// What a rule found: one subject that breaks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule_id: &'static str,
    pub severity: Severity,
    /// Identifies the subject across evaluations, so a warning is raised once.
    pub subject_key: String,
    /// A Chinese sentence naming the subject.
    pub subject: String,
    /// The unit responsible (the issuer or organizer).
    pub unit_id: Option<i64>,
    pub on_date: String,
    pub figures: Value,
    pub records: Vec<(&'static str, i64)>,
}

/// Everything the rules of one region read for a window of years.
pub struct Facts {
    pub region_id: i64,
    pub documents: Vec<DocFact>,
    /// Meetings of the region and of the regions above it (for cascades).
    pub meetings: Vec<MeetingFact>,
    pub meeting_targets: HashMap<i64, HashSet<(i64, String)>>,
    pub document_counts: Vec<YearCount>,
    pub meeting_counts: Vec<YearCount>,
    pub plans: Vec<PlanFact>,
    pub unit_names: HashMap<i64, String>,
    /// Findings outside these years are not reported (they belong to another window).
    pub years: Vec<i32>,
}

fn year_of(date: &str) -> i32 {
    date.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

fn finding(
    def: &'static str,
    key: String,
    subject: String,
    unit: Option<i64>,
    date: &str,
    figures: Value,
    records: Vec<(&'static str, i64)>,
) -> Finding {
    let severity = rule(def).map(|r| r.severity).unwrap_or(Severity::Warning);
    Finding {
        rule_id: def,
        severity,
        subject_key: key,
        subject,
        unit_id: unit,
        on_date: date.to_string(),
        figures,
        records,
    }
}

/// The length limit of `doc.length` for a document of this kind, and what it is based on.
pub fn length_limit(p: &Params, kind: &str, single_task: bool) -> (i64, &'static str) {
    if single_task {
        (p.get("single_task_limit"), "专项工作文件")
    } else if kind == "通知" {
        (p.get("notice_limit").min(p.get("general_limit")), "通知")
    } else {
        (p.get("general_limit"), "一般文件")
    }
}

/// Runs every enabled rule over the facts.
pub fn evaluate(facts: &Facts, settings: &Settings) -> Vec<Finding> {
    let mut out = Vec::new();
    document_rules(facts, settings, &mut out);
    count_rules(facts, settings, &mut out);
    meeting_rules(facts, settings, &mut out);
    comprehensive_rule(facts, settings, &mut out);
    relay_rule(facts, settings, &mut out);
    cascade_rule(facts, settings, &mut out);
    merge_rule(facts, settings, &mut out);
    out.retain(|f| facts.years.contains(&year_of(&f.on_date)));
    out
}

fn document_rules(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let length = s.on("doc.length");
    let signoff = s.on("doc.schools_hospitals");
    let copied = s.on("doc.copied");
    let reports = s.on("doc.implementation_report");
    for d in &facts.documents {
        if let Some(p) = length {
            let (limit, basis) = length_limit(p, &d.kind, d.single_task);
            if d.char_count > limit {
                out.push(finding(
                    "doc.length",
                    format!("document:{}", d.id),
                    format!(
                        "《{}》正文{}字，超过{}上限{}字",
                        d.title, d.char_count, basis, limit
                    ),
                    Some(d.issuer_id),
                    &d.issued_on,
                    json!({"char_count": d.char_count, "limit": limit, "basis": basis}),
                    vec![("documents", d.id)],
                ));
            }
        }
        if let (Some(p), Some(share), Some(class)) = (copied, d.copy_share, d.copy_class.as_deref())
        {
            let label = match class {
                "copied_from_upper" => "照抄上级文件",
                "reissued" => "重发本单位已发文件（改头换面）",
                _ => "重复转发同一文件",
            };
            let percent = (share * 100.0).round() as i64;
            if percent >= p.get("min_share_percent") {
                let source = d.copy_source_title.as_deref().unwrap_or("已登记文件");
                let mut records = vec![("documents", d.id)];
                records.extend(d.copy_source_id.map(|s| ("documents", s)));
                out.push(finding(
                    "doc.copied",
                    format!("document:{}", d.id),
                    format!("《{}》与《{}》重合{}%，疑似{}", d.title, source, percent, label),
                    Some(d.issuer_id),
                    &d.issued_on,
                    json!({"copied_percent": percent, "class": class, "source_id": d.copy_source_id}),
                    records,
                ));
            }
        }
        if let (Some(_), Some(n)) = (reports, d.report_demands.filter(|n| *n > 0)) {
            out.push(finding(
                "doc.implementation_report",
                format!("document:{}", d.id),
                format!("《{}》{}处要求基层报送落实情况或佐证材料", d.title, n),
                Some(d.issuer_id),
                &d.issued_on,
                json!({"demands": n}),
                vec![("documents", d.id)],
            ));
        }
        if signoff.is_some() && d.to_schools_hospitals && !d.head_signed {
            out.push(finding(
                "doc.schools_hospitals",
                format!("document:{}", d.id),
                format!(
                    "《{}》发往学校、医院，未经{}主要负责同志签批",
                    d.title, d.issuer_name
                ),
                Some(d.issuer_id),
                &d.issued_on,
                json!({"to_schools_hospitals": true, "head_signed": false}),
                vec![("documents", d.id)],
            ));
        }
    }
    if let Some(p) = s.on("doc.forwarded_twice") {
        let mut by_upper: BTreeMap<(i32, String), Vec<&DocFact>> = BTreeMap::new();
        for d in facts.documents.iter().filter(|d| d.forwards_upper) {
            if let Some(n) = d.upper_doc_number.as_deref() {
                let key: String = n.chars().filter(|c| !c.is_whitespace()).collect();
                by_upper
                    .entry((year_of(&d.issued_on), key))
                    .or_default()
                    .push(d);
            }
        }
        for ((year, number), docs) in by_upper {
            let issuers: BTreeMap<i64, &str> = docs
                .iter()
                .map(|d| (d.issuer_id, d.issuer_name.as_str()))
                .collect();
            if issuers.len() as i64 >= p.get("min_departments") {
                let names: Vec<&str> = issuers.values().copied().collect();
                let first = docs
                    .iter()
                    .map(|d| d.issued_on.as_str())
                    .min()
                    .unwrap_or("");
                out.push(finding(
                    "doc.forwarded_twice",
                    format!("upper:{}:{year}:{number}", facts.region_id),
                    format!("上级文件{}被{}个部门分别转发（{}）", number, issuers.len(), names.join("、")),
                    docs.first().map(|d| d.issuer_id),
                    first,
                    json!({"upper_doc_number": number, "departments": issuers.len(), "issuers": names}),
                    docs.iter().map(|d| ("documents", d.id)).collect(),
                ));
            }
        }
    }
}

/// 只减不增, quotas, base-year cuts and informal carriers: per issuer and year.
fn count_rules(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let name = |id: i64| {
        facts
            .unit_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("单位{id}"))
    };
    for (channel, counts, rise_rule, quota_rule, noun, measure) in [
        (
            "documents",
            &facts.document_counts,
            "doc.count_rise",
            "doc.quota",
            "发文",
            "件",
        ),
        (
            "meetings",
            &facts.meeting_counts,
            "meet.count_rise",
            "meet.quota",
            "会议",
            "次",
        ),
    ] {
        let lookup: HashMap<(i64, i32), &YearCount> = counts
            .iter()
            .map(|c| ((c.issuer_id, year_of(&c.year)), c))
            .collect();
        for c in counts {
            let year = year_of(&c.year);
            if !facts.years.contains(&year) {
                continue;
            }
            let date = format!("{year}-12-31");
            if let (Some(p), Some(last)) = (s.on(rise_rule), lookup.get(&(c.issuer_id, year - 1))) {
                if c.total > last.total + p.get("tolerance") {
                    out.push(finding(
                        rise_rule,
                        format!("{channel}:{}:{year}", c.issuer_id),
                        format!(
                            "{}{}年{}{}{}，多于上年的{}{}",
                            name(c.issuer_id),
                            year,
                            noun,
                            c.total,
                            measure,
                            last.total,
                            measure
                        ),
                        Some(c.issuer_id),
                        &date,
                        json!({"year": year, "count": c.total, "last_year": last.total}),
                        vec![],
                    ));
                }
            }
            let plan = facts
                .plans
                .iter()
                .find(|pl| pl.unit_id == c.issuer_id && pl.year == i64::from(year));
            let quota = plan.and_then(|pl| {
                if channel == "documents" {
                    pl.document_quota
                } else {
                    pl.meeting_quota
                }
            });
            if let (Some(_), Some(q)) = (s.on(quota_rule), quota) {
                if c.total > q {
                    out.push(finding(
                        quota_rule,
                        format!("{channel}:{}:{year}", c.issuer_id),
                        format!(
                            "{}{}年{}{}{}，超出年度计划{}{}",
                            name(c.issuer_id),
                            year,
                            noun,
                            c.total,
                            measure,
                            q,
                            measure
                        ),
                        Some(c.issuer_id),
                        &date,
                        json!({"year": year, "count": c.total, "quota": q}),
                        vec![],
                    ));
                }
            }
            if channel == "documents" {
                if let (Some(p), Some(base)) =
                    (s.on("doc.base_year_cut"), plan.and_then(|pl| pl.base_year))
                {
                    if let Some(b) = lookup
                        .get(&(c.issuer_id, base as i32))
                        .filter(|b| b.total > 0)
                    {
                        let cap = b.total * (100 - p.get("cut_percent")) / 100;
                        if c.total > cap {
                            out.push(finding(
                                "doc.base_year_cut",
                                format!("documents:{}:{year}", c.issuer_id),
                                format!("{}{}年发文{}件，基准年{}年{}件，压减目标为不超过{}件", name(c.issuer_id), year, c.total, base, b.total, cap),
                                Some(c.issuer_id),
                                &date,
                                json!({"year": year, "count": c.total, "base_year": base, "base_count": b.total, "target": cap}),
                                vec![],
                            ));
                        }
                    }
                }
                if let (Some(p), Some(last)) = (
                    s.on("doc.informal_share"),
                    lookup.get(&(c.issuer_id, year - 1)),
                ) {
                    let share = |x: &YearCount| {
                        if x.total > 0 {
                            x.informal * 100 / x.total
                        } else {
                            0
                        }
                    };
                    let (now, before) = (share(c), share(last));
                    if c.informal >= p.get("min_informal") && now - before >= p.get("rise_points") {
                        out.push(finding(
                            "doc.informal_share",
                            format!("documents:{}:{year}", c.issuer_id),
                            format!("{}{}年白头文件、便函便笺等占发文的{}%，上年为{}%", name(c.issuer_id), year, now, before),
                            Some(c.issuer_id),
                            &date,
                            json!({"year": year, "informal": c.informal, "total": c.total, "share_percent": now, "last_year_percent": before}),
                            vec![],
                        ));
                    }
                }
            }
        }
    }
}

fn parse_start(m: &MeetingFact) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(&m.starts_at, "%Y-%m-%dT%H:%M").ok()
}

fn rank(level: &str) -> Option<u8> {
    level.parse::<Level>().ok().and_then(Level::rank)
}

/// One comprehensive work meeting (全体会议) per organizer and year.
fn comprehensive_rule(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on("meet.comprehensive") else {
        return;
    };
    let mut by_year: BTreeMap<(i64, i32), Vec<&MeetingFact>> = BTreeMap::new();
    for m in facts
        .meetings
        .iter()
        .filter(|m| m.region_id == facts.region_id && m.kind == "plenary")
    {
        by_year
            .entry((m.organizer_id, year_of(&m.held_on)))
            .or_default()
            .push(m);
    }
    for ((organizer, year), ms) in by_year {
        if ms.len() as i64 > p.get("max_per_year") {
            let last = ms.iter().map(|m| m.held_on.as_str()).max().unwrap_or("");
            out.push(finding(
                "meet.comprehensive",
                format!("organizer:{organizer}:{year}"),
                format!(
                    "{}{}年召开全体会议{}次，超过每年{}次",
                    ms[0].organizer_name,
                    year,
                    ms.len(),
                    p.get("max_per_year")
                ),
                Some(organizer),
                last,
                json!({"count": ms.len(), "max": p.get("max_per_year")}),
                ms.iter().map(|m| ("meetings", m.id)).collect(),
            ));
        }
    }
}

/// A meeting that relays an upper meeting on the evening of the same day (连夜传达).
fn relay_rule(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on("meet.same_night_relay") else {
        return;
    };
    let by_id: HashMap<i64, &MeetingFact> = facts.meetings.iter().map(|m| (m.id, m)).collect();
    let evening = format!("{:02}:00", p.get("evening_hour"));
    for m in facts
        .meetings
        .iter()
        .filter(|m| m.region_id == facts.region_id)
    {
        let Some(upper) = m.relays_meeting_id.and_then(|u| by_id.get(&u)) else {
            continue;
        };
        let time = m.starts_at.get(11..16).unwrap_or("");
        if upper.held_on == m.held_on && time >= evening.as_str() {
            out.push(finding(
                "meet.same_night_relay",
                format!("meeting:{}", m.id),
                format!(
                    "“{}”于{}当晚{}传达“{}”",
                    m.title, m.held_on, time, upper.title
                ),
                Some(m.organizer_id),
                &m.held_on,
                json!({"starts_at": m.starts_at, "upper_meeting_id": upper.id}),
                vec![("meetings", m.id), ("meetings", upper.id)],
            ));
        }
    }
}

fn meeting_rules(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    for m in facts
        .meetings
        .iter()
        .filter(|m| m.region_id == facts.region_id)
    {
        let rec = vec![("meetings", m.id)];
        let key = format!("meeting:{}", m.id);
        let minutes = m.actual_minutes.unwrap_or(m.planned_minutes);
        if let Some(p) = s.on("meet.duration") {
            let cap = if m.kind == "plenary" {
                p.get("plenary_cap_minutes")
            } else {
                p.get("cap_minutes")
            };
            if minutes > cap {
                out.push(finding(
                    "meet.duration",
                    key.clone(),
                    format!("“{}”时长{}分钟，超过上限{}分钟", m.title, minutes, cap),
                    Some(m.organizer_id),
                    &m.held_on,
                    json!({"minutes": minutes, "cap": cap}),
                    rec.clone(),
                ));
            }
        }
        if let Some(p) = s.on("meet.speech") {
            let mut problems = Vec::new();
            if let Some(l) = m
                .leader_speech_minutes
                .filter(|l| *l > p.get("leader_minutes"))
            {
                problems.push(format!(
                    "领导讲话{}分钟（上限{}）",
                    l,
                    p.get("leader_minutes")
                ));
            }
            if m.exchange_speeches > p.get("max_speakers") {
                problems.push(format!(
                    "交流发言{}人（上限{}）",
                    m.exchange_speeches,
                    p.get("max_speakers")
                ));
            }
            if let Some(e) = m
                .exchange_speech_minutes
                .filter(|e| *e > p.get("speaker_minutes"))
            {
                problems.push(format!(
                    "单人发言{}分钟（上限{}）",
                    e,
                    p.get("speaker_minutes")
                ));
            }
            if !problems.is_empty() {
                out.push(finding("meet.speech", key.clone(), format!("“{}”{}", m.title, problems.join("，")), Some(m.organizer_id), &m.held_on,
                    json!({"leader_minutes": m.leader_speech_minutes, "speakers": m.exchange_speeches, "speaker_minutes": m.exchange_speech_minutes}), rec.clone()));
            }
        }
        if let (Some(p), Some(start)) = (s.on("meet.no_meeting_day"), parse_start(m)) {
            let weekday = i64::from(start.weekday().number_from_monday());
            let week_of_month = i64::from((start.day() - 1) / 7 + 1);
            let day_hit = p.get("weekday") != 0 && weekday == p.get("weekday");
            let week_hit = p.get("week_of_month") != 0 && week_of_month == p.get("week_of_month");
            if day_hit || week_hit {
                let what = if day_hit { "无会日" } else { "无会周" };
                out.push(finding(
                    "meet.no_meeting_day",
                    key.clone(),
                    format!("“{}”在{}（{}）召开", m.title, what, m.held_on),
                    Some(m.organizer_id),
                    &m.held_on,
                    json!({"weekday": weekday, "week_of_month": week_of_month}),
                    rec.clone(),
                ));
            }
        }
        if let (Some(own), Some(reach)) = (rank(&m.organizer_level), rank(&m.reach_level)) {
            if let Some(p) = s.on("meet.reach_down") {
                let levels = i64::from(reach.saturating_sub(own));
                if levels > p.get("max_levels") && !m.reach_approved {
                    out.push(finding(
                        "meet.reach_down",
                        key.clone(),
                        format!("“{}”开到下{}级，未经批准", m.title, levels),
                        Some(m.organizer_id),
                        &m.held_on,
                        json!({"levels_down": levels, "reach_level": m.reach_level}),
                        rec.clone(),
                    ));
                }
            }
            if s.on("meet.to_villages").is_some()
                && m.reach_level == "village"
                && own < 4
                && !m.reach_approved
            {
                out.push(finding(
                    "meet.to_villages",
                    key.clone(),
                    format!("“{}”要求村（社区）参加，未经批准", m.title),
                    Some(m.organizer_id),
                    &m.held_on,
                    json!({"reach_level": "village"}),
                    rec.clone(),
                ));
            }
        }
        if s.on("meet.heads_required").is_some() && m.heads_required && !m.heads_approved {
            out.push(finding(
                "meet.heads_required",
                key.clone(),
                format!("“{}”要求下级主要负责同志参会，未经批准", m.title),
                Some(m.organizer_id),
                &m.held_on,
                json!({"heads_required": true}),
                rec.clone(),
            ));
        }
        if s.on("meet.out_of_plan").is_some() && !m.in_plan && !m.approved {
            out.push(finding(
                "meet.out_of_plan",
                key.clone(),
                format!("“{}”为计划外会议，未经审批", m.title),
                Some(m.organizer_id),
                &m.held_on,
                json!({"in_plan": false, "approved": false}),
                rec,
            ));
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
fn cascade_rule(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on("meet.cascade") else {
        return;
    };
    let days = p.get("days");
    let threshold = p.get("similarity_percent");
    let mut lower: Vec<(NaiveDateTime, u8, &MeetingFact)> = facts
        .meetings
        .iter()
        .filter(|m| m.region_id == facts.region_id)
        .filter_map(|m| Some((parse_start(m)?, rank(&m.organizer_level)?, m)))
        .collect();
    lower.sort_by_key(|(t, _, m)| (*t, m.id));
    for upper in &facts.meetings {
        let (Some(up_rank), Some(up_start)) = (rank(&upper.organizer_level), parse_start(upper))
        else {
            continue;
        };
        let end = up_start + chrono::Duration::days(days);
        let first = lower.partition_point(|(t, _, _)| *t < up_start);
        let relays: Vec<&MeetingFact> = lower[first..]
            .iter()
            .take_while(|(t, _, _)| *t <= end)
            .filter(|(_, r, m)| *r > up_rank && m.id != upper.id)
            .filter(|(_, _, m)| {
                m.relays_meeting_id == Some(upper.id)
                    || topic_similarity(&m.topic, &upper.topic) >= threshold
            })
            .map(|(_, _, m)| *m)
            .collect();
        if relays.is_empty() {
            continue;
        }
        let mut records = vec![("meetings", upper.id)];
        records.extend(relays.iter().map(|m| ("meetings", m.id)));
        let names: Vec<&str> = relays.iter().map(|m| m.organizer_name.as_str()).collect();
        out.push(finding(
            "meet.cascade",
            format!("cascade:{}:{}", facts.region_id, upper.id),
            format!(
                "{}“{}”后，{}在{}天内就同一议题再开会{}次",
                upper.organizer_name,
                upper.title,
                names.join("、"),
                days,
                relays.len()
            ),
            relays.first().map(|m| m.organizer_id),
            &relays
                .first()
                .map(|m| m.held_on.clone())
                .unwrap_or_default(),
            json!({"upper_meeting": upper.id, "relays": relays.len(), "days": days}),
            records,
        ));
    }
}

/// Meetings of the same week whose attendees overlap: suggest holding them together.
fn merge_rule(facts: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on("meet.merge") else { return };
    let mut by_week: BTreeMap<(i32, u32), Vec<&MeetingFact>> = BTreeMap::new();
    for m in facts
        .meetings
        .iter()
        .filter(|m| m.region_id == facts.region_id)
    {
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
            let ta = facts.meeting_targets.get(&a.id).unwrap_or(&empty);
            let mut group = vec![*a];
            for b in &ms[i + 1..] {
                let tb = facts.meeting_targets.get(&b.id).unwrap_or(&empty);
                let union = ta.union(tb).count();
                if union > 0
                    && (ta.intersection(tb).count() * 100 / union) as i64
                        >= p.get("overlap_percent")
                {
                    group.push(*b);
                }
            }
            if group.len() as i64 >= p.get("min_meetings") {
                used.extend(group.iter().map(|m| m.id));
                let titles: Vec<String> = group.iter().map(|m| format!("“{}”", m.title)).collect();
                out.push(finding(
                    "meet.merge",
                    format!("merge:{}:{year}-{week}:{}", facts.region_id, a.id),
                    format!(
                        "{year}年第{week}周{}个会议参会单位高度重合，建议合并或套开：{}",
                        group.len(),
                        titles.join("、")
                    ),
                    Some(a.organizer_id),
                    &a.held_on,
                    json!({"week": format!("{year}-W{week:02}"), "meetings": group.len()}),
                    group.iter().map(|m| ("meetings", m.id)).collect(),
                ));
            }
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

    #[test]
    fn catalogue_is_consistent() {
        let mut ids = HashSet::new();
        for r in CATALOG {
            assert!(ids.insert(r.id), "duplicate rule id {}", r.id);
            for p in r.params {
                assert!(
                    p.min <= p.default && p.default <= p.max,
                    "{}.{}",
                    r.id,
                    p.key
                );
            }
        }
    }

    #[test]
    fn overrides_are_clamped_to_their_range() {
        let o = jianfu_store::rules::RuleSetting {
            rule_id: "doc.length".into(),
            enabled: true,
            params: r#"{"notice_limit": 3000, "general_limit": 1}"#.into(),
        };
        let s = Settings::from_overrides(&[o]);
        let p = s.on("doc.length").unwrap();
        assert_eq!(
            (
                p.get("notice_limit"),
                p.get("general_limit"),
                p.get("single_task_limit")
            ),
            (3000, 500, 4000)
        );
    }
}
