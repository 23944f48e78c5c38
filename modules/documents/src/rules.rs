//! The rules of documents (发文): length, sign-off, forwarding, and the yearly counts
//! (只减不增, 总量, 基准年压减, 改头换面).
use crate::store::facts::{self as store, DocFact};
use jianfu_core::AppResult;
use jianfu_domain::rule_params;
use jianfu_domain::rules::{
    count_rules, year_of, CountRules, Cover, Evaluation, Figures, Finding, NoParams, ParamDef,
    RuleDef, RuleId, RulePack, Scope, Settings, Severity, YearCounts, SRC_2019, SRC_2024,
};
use jianfu_store::Conn;
use std::collections::BTreeMap;

/// The rule ids of documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocRule {
    Length,
    CountRise,
    Quota,
    BaseYearCut,
    InformalShare,
    SchoolsHospitals,
    ForwardedTwice,
}

impl DocRule {
    pub const fn id(self) -> &'static str {
        match self {
            DocRule::Length => "doc.length",
            DocRule::CountRise => "doc.count_rise",
            DocRule::Quota => "doc.quota",
            DocRule::BaseYearCut => "doc.base_year_cut",
            DocRule::InformalShare => "doc.informal_share",
            DocRule::SchoolsHospitals => "doc.schools_hospitals",
            DocRule::ForwardedTwice => "doc.forwarded_twice",
        }
    }
}

impl RuleId for DocRule {
    fn id(self) -> &'static str {
        DocRule::id(self)
    }
}

rule_params! {
    /// doc.length
    pub struct LengthParams {
        general_limit: "一般文件字数上限" = 5000, 500..=50000;
        single_task_limit: "专项工作文件字数上限" = 4000, 500..=50000;
        notice_limit: "通知字数上限" = 5000, 500..=50000;
    }
}

rule_params! {
    /// doc.count_rise
    pub struct CountRiseParams {
        tolerance: "允许增加的件数" = 0, 0..=1000;
    }
}

rule_params! {
    /// doc.base_year_cut
    pub struct BaseYearCutParams {
        cut_percent: "压减比例（%）" = 30, 0..=100;
    }
}

rule_params! {
    /// doc.informal_share
    pub struct InformalShareParams {
        rise_points: "占比上升（百分点）" = 10, 1..=100;
        min_informal: "非正式载体最少件数" = 3, 1..=1000;
    }
}

rule_params! {
    /// doc.forwarded_twice
    pub struct ForwardedParams {
        min_departments: "转发部门数下限" = 2, 2..=100;
    }
}

const fn def(
    id: DocRule,
    name: &'static str,
    description: &'static str,
    source: &'static str,
    severity: Severity,
    params: &'static [ParamDef],
) -> RuleDef {
    RuleDef::new(
        id.id(),
        "documents",
        (name, description, source),
        severity,
        params,
    )
}

use jianfu_domain::rules::RuleParams as _;

pub const RULES: &[RuleDef] = &[
    def(DocRule::Length, "文件篇幅超标", "发文一般不超过5000字，专项工作文件一般不超过4000字（附件不计）。省、市可对通知等文种从严规定。", SRC_2024, Severity::Warning, LengthParams::DEFS),
    def(DocRule::CountRise, "发文数量只减不增", "本年度发文数量不得超过上年度，确需增加的应向上级说明理由。", SRC_2024, Severity::Warning, CountRiseParams::DEFS),
    def(DocRule::Quota, "超出年度发文计划", "发文实行年度计划和总量控制，超出年度计划总量应事先报批。", SRC_2024, Severity::Warning, NoParams::DEFS),
    def(DocRule::BaseYearCut, "发文未达基准年压减目标", "发至县级及以下的文件在基准年基础上压减30%至50%。", SRC_2019, Severity::Warning, BaseYearCutParams::DEFS),
    def(DocRule::InformalShare, "白头文件、便函便笺占比上升（文件“改头换面”）", "白头文件、便函、便笺、OA通知与正式文件合并计数；非正式载体占比较上年明显上升的，提示是否以变通方式规避发文总量控制。", SRC_2024, Severity::Warning, InformalShareParams::DEFS),
    def(DocRule::SchoolsHospitals, "发往学校、医院的文件未经主要负责同志签批", "向学校、医院等基层单位发文，须经发文单位主要负责同志签批。", SRC_2024, Severity::Violation, NoParams::DEFS),
    def(DocRule::ForwardedTwice, "同一上级文件多个部门重复转发", "同一上级文件由两个及以上部门分别转发，造成重复发文、以文件落实文件。", SRC_2024, Severity::Warning, ForwardedParams::DEFS),
];

pub static PACK: RulePack = RulePack {
    name: "documents",
    rules: RULES,
    reads: &["documents", "plans"],
    keyed_focus: Some("documents"),
    evaluate: |conn, scope, settings| Box::pin(evaluate(conn, scope, settings)),
};

/// The length limit of `doc.length` for a document of this kind, and what it is based on.
pub fn length_limit(p: &LengthParams, kind: &str, single_task: bool) -> (i64, &'static str) {
    if single_task {
        (p.single_task_limit, "专项工作文件")
    } else if kind == "通知" {
        (p.notice_limit.min(p.general_limit), "通知")
    } else {
        (p.general_limit, "一般文件")
    }
}

/// The rules of each document on its own.
const PER_DOCUMENT: [DocRule; 2] = [DocRule::Length, DocRule::SchoolsHospitals];
/// The rules of an issuer's yearly counts.
const PER_ISSUER_YEAR: [DocRule; 4] = [
    DocRule::CountRise,
    DocRule::Quota,
    DocRule::BaseYearCut,
    DocRule::InformalShare,
];

/// The group `doc.forwarded_twice` puts a document in: the upper document it forwards.
pub fn forward_group(forwards_upper: bool, upper_doc_number: Option<&str>) -> Option<String> {
    let number: String = upper_doc_number?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    (forwards_upper && !number.is_empty()).then_some(number)
}

async fn evaluate(conn: &mut Conn, scope: &Scope, s: &Settings) -> AppResult<Evaluation> {
    let (from, to) = scope.window();
    let region = scope.region_id;
    let focus = scope.focus_on("documents");
    // A write re-reads only its documents, the documents forwarding the same upper documents
    // and the yearly counts of its issuers; other evaluations read the region.
    let (docs, forwards) = match focus {
        Some(f) => (
            store::documents_by_id(conn, &f.records).await?,
            store::forwarding(conn, region, &f.groups, &from, &to).await?,
        ),
        None => (
            store::documents(conn, region, &from, &to).await?,
            Vec::new(),
        ),
    };
    let base_years = jianfu_store::plans::base_years(conn, region).await?;
    let counts = YearCounts::new(
        store::document_year_counts(conn, region, focus.map(|f| f.units.as_slice())).await?,
        jianfu_store::plans::quotas(conn, region, "documents").await?,
        match focus {
            Some(f) => jianfu_store::rules::names_of(conn, &f.units).await?,
            None => jianfu_store::rules::unit_names(conn, region).await?,
        }
        .into_iter()
        .collect(),
    );
    let mut out = Vec::new();
    per_document(&docs, s, &mut out);
    forwarded_twice(
        region,
        if focus.is_some() { &forwards } else { &docs },
        s,
        &mut out,
    );
    let spec = CountRules {
        channel: "documents",
        noun: "发文",
        unit: "件",
        rise: s
            .on::<CountRiseParams>(DocRule::CountRise)
            .map(|p| (DocRule::CountRise, p.tolerance)),
        quota: s.on::<NoParams>(DocRule::Quota).map(|_| DocRule::Quota),
    };
    count_rules(&spec, &counts, scope, &mut out);
    base_year_and_informal(&counts, &base_years, scope, s, &mut out);
    out.retain(|f| scope.covers(&f.on_date));
    let Some(f) = focus else {
        return Ok(Evaluation::whole(out));
    };
    let years = &scope.years;
    let covers = vec![
        Cover::keys(
            &PER_DOCUMENT,
            f.records.iter().map(|id| document_key(*id)).collect(),
        ),
        Cover::keys(
            &[DocRule::ForwardedTwice],
            years
                .iter()
                .flat_map(|y| f.groups.iter().map(move |g| upper_key(region, *y, g)))
                .collect(),
        ),
        Cover::keys(
            &PER_ISSUER_YEAR,
            years
                .iter()
                .flat_map(|y| f.units.iter().map(move |u| issuer_year_key(*u, *y)))
                .collect(),
        ),
    ];
    Ok(Evaluation {
        findings: out,
        covers: Some(covers),
    })
}

fn document_key(id: i64) -> String {
    format!("document:{id}")
}

fn upper_key(region: i64, year: i32, number: &str) -> String {
    format!("upper:{region}:{year}:{number}")
}

/// The subject of an issuer's yearly counts (`count_rules` keys its findings the same way).
fn issuer_year_key(issuer: i64, year: i32) -> String {
    format!("documents:{issuer}:{year}")
}

fn per_document(docs: &[DocFact], s: &Settings, out: &mut Vec<Finding>) {
    let length = s.on::<LengthParams>(DocRule::Length);
    let signoff = s.on::<NoParams>(DocRule::SchoolsHospitals);
    for d in docs {
        let key = document_key(d.id);
        let found = |rule: DocRule, subject: String| {
            Finding::new(rule, key.clone(), subject, Some(d.issuer_id), &d.issued_on)
                .records(vec![("documents", d.id)])
        };
        if let Some(p) = &length {
            let (limit, basis) = length_limit(p, &d.kind, d.single_task);
            if d.char_count > limit {
                out.push(
                    found(
                        DocRule::Length,
                        format!(
                            "《{}》正文{}字，超过{}上限{}字",
                            d.title, d.char_count, basis, limit
                        ),
                    )
                    .figures(
                        Figures::new()
                            .num("char_count", "正文字数", d.char_count, "字")
                            .num("limit", "字数上限", limit, "字")
                            .val("basis", "适用标准", basis),
                    ),
                );
            }
        }
        if signoff.is_some() && d.to_schools_hospitals && !d.head_signed {
            out.push(
                found(
                    DocRule::SchoolsHospitals,
                    format!(
                        "《{}》发往学校、医院，无{}主要负责同志签发的审批记录",
                        d.title, d.issuer_name
                    ),
                )
                .figures(
                    Figures::new()
                        .val("to_schools_hospitals", "发往学校、医院", true)
                        .val("head_signed", "主要负责同志签发记录", false),
                ),
            );
        }
    }
}

fn forwarded_twice(region: i64, docs: &[DocFact], s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on::<ForwardedParams>(DocRule::ForwardedTwice) else {
        return;
    };
    let mut by_upper: BTreeMap<(i32, String), Vec<&DocFact>> = BTreeMap::new();
    for d in docs {
        if let Some(key) = forward_group(d.forwards_upper, d.upper_doc_number.as_deref()) {
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
        if (issuers.len() as i64) < p.min_departments {
            continue;
        }
        let names: Vec<&str> = issuers.values().copied().collect();
        let first = docs
            .iter()
            .map(|d| d.issued_on.as_str())
            .min()
            .unwrap_or("");
        out.push(
            Finding::new(
                DocRule::ForwardedTwice,
                upper_key(region, year, &number),
                format!(
                    "上级文件{}被{}个部门分别转发（{}）",
                    number,
                    issuers.len(),
                    names.join("、")
                ),
                docs.first().map(|d| d.issuer_id),
                first,
            )
            .figures(
                Figures::new()
                    .val("upper_doc_number", "上级文件字号", number.clone())
                    .num("departments", "转发部门数", issuers.len() as i64, "个")
                    .val("issuers", "转发部门", names),
            )
            .records(docs.iter().map(|d| ("documents", d.id)).collect()),
        );
    }
}

/// 基准年压减 and 改头换面: per issuer and year, against the base year and the year before.
fn base_year_and_informal(
    counts: &YearCounts,
    base_years: &[(i64, i64, Option<i64>)],
    scope: &Scope,
    s: &Settings,
    out: &mut Vec<Finding>,
) {
    let cut = s.on::<BaseYearCutParams>(DocRule::BaseYearCut);
    let informal = s.on::<InformalShareParams>(DocRule::InformalShare);
    let lookup = counts.lookup();
    for c in &counts.counts {
        let year = year_of(&c.year);
        if !scope.years.contains(&year) {
            continue;
        }
        let date = format!("{year}-12-31");
        let key = issuer_year_key(c.issuer_id, year);
        let name = counts.name(c.issuer_id);
        let base = base_years
            .iter()
            .find(|(unit, y, _)| *unit == c.issuer_id && *y == i64::from(year))
            .and_then(|(_, _, base)| *base);
        if let (Some(p), Some(base)) = (cut, base) {
            if let Some(b) = lookup
                .get(&(c.issuer_id, base as i32))
                .filter(|b| b.total > 0)
            {
                let cap = b.total * (100 - p.cut_percent) / 100;
                if c.total > cap {
                    out.push(
                        Finding::new(
                            DocRule::BaseYearCut,
                            key.clone(),
                            format!(
                                "{name}{year}年发文{}件，基准年{base}年{}件，压减目标为不超过{cap}件",
                                c.total, b.total
                            ),
                            Some(c.issuer_id),
                            &date,
                        )
                        .figures(
                            Figures::new()
                                .num("year", "年度", year, "")
                                .num("count", "本年数量", c.total, "件")
                                .num("base_year", "基准年", base, "")
                                .num("base_count", "基准年数量", b.total, "件")
                                .num("target", "压减目标", cap, "件"),
                        ),
                    );
                }
            }
        }
        if let (Some(p), Some(last)) = (informal, lookup.get(&(c.issuer_id, year - 1))) {
            let share = |total: i64, informal: i64| {
                if total > 0 {
                    informal * 100 / total
                } else {
                    0
                }
            };
            let (now, before) = (share(c.total, c.informal), share(last.total, last.informal));
            if c.informal >= p.min_informal && now - before >= p.rise_points {
                out.push(
                    Finding::new(
                        DocRule::InformalShare,
                        key,
                        format!(
                            "{name}{year}年白头文件、便函便笺等占发文的{now}%，上年为{before}%"
                        ),
                        Some(c.issuer_id),
                        &date,
                    )
                    .figures(
                        Figures::new()
                            .num("year", "年度", year, "")
                            .num("informal", "非正式载体件数", c.informal, "件")
                            .num("total", "发文总数", c.total, "件")
                            .num("share_percent", "非正式载体占比", now, "%")
                            .num("last_year_percent", "上年占比", before, "%"),
                    ),
                );
            }
        }
    }
}
