//! The rules of documents (发文): length, sign-off, forwarding, copying, report demands, and the
//! yearly counts (只减不增, 总量, 基准年压减, 改头换面).
use super::{
    count_rules, year_of, CountRules, Figures, Finding, NoParams, ParamDef, RuleDef, RuleId,
    RulePack, Scope, Settings, Severity, YearCounts, SRC_2019, SRC_2024,
};
use crate::rule_params;
use jianfu_core::AppResult;
use jianfu_store::rules::{self as store, DocFact};
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
    Copied,
    ImplementationReport,
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
            DocRule::Copied => "doc.copied",
            DocRule::ImplementationReport => "doc.implementation_report",
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

rule_params! {
    /// doc.copied
    pub struct CopiedParams {
        min_share_percent: "重合比例下限（%）" = 70, 30..=100;
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

use super::RuleParams as _;

pub const RULES: &[RuleDef] = &[
    def(DocRule::Length, "文件篇幅超标", "发文一般不超过5000字，专项工作文件一般不超过4000字（附件不计）。省、市可对通知等文种从严规定。", SRC_2024, Severity::Warning, LengthParams::DEFS),
    def(DocRule::CountRise, "发文数量只减不增", "本年度发文数量不得超过上年度，确需增加的应向上级说明理由。", SRC_2024, Severity::Warning, CountRiseParams::DEFS),
    def(DocRule::Quota, "超出年度发文计划", "发文实行年度计划和总量控制，超出年度计划总量应事先报批。", SRC_2024, Severity::Warning, NoParams::DEFS),
    def(DocRule::BaseYearCut, "发文未达基准年压减目标", "发至县级及以下的文件在基准年基础上压减30%至50%。", SRC_2019, Severity::Warning, BaseYearCutParams::DEFS),
    def(DocRule::InformalShare, "白头文件、便函便笺占比上升（文件“改头换面”）", "白头文件、便函、便笺、OA通知与正式文件合并计数；非正式载体占比较上年明显上升的，提示是否以变通方式规避发文总量控制。", SRC_2024, Severity::Warning, InformalShareParams::DEFS),
    def(DocRule::SchoolsHospitals, "发往学校、医院的文件未经主要负责同志签批", "向学校、医院等基层单位发文，须经发文单位主要负责同志签批。", SRC_2024, Severity::Violation, NoParams::DEFS),
    def(DocRule::ForwardedTwice, "同一上级文件多个部门重复转发", "同一上级文件由两个及以上部门分别转发，造成重复发文、以文件落实文件。", SRC_2024, Severity::Warning, ForwardedParams::DEFS),
    def(DocRule::Copied, "照抄照搬、以文件落实文件", "文件大段照抄上级文件或本单位已发文件（上下一般粗、改头换面重发），重合比例达到阈值的提示核查。", SRC_2024, Severity::Warning, CopiedParams::DEFS),
    def(DocRule::ImplementationReport, "要求基层报送落实情况、佐证材料", "文件原则上不得要求基层报送贯彻落实情况报告、佐证材料；确需了解的应通过调研、统计等方式掌握。", SRC_2024, Severity::Warning, NoParams::DEFS),
];

pub static PACK: RulePack = RulePack {
    name: "documents",
    rules: RULES,
    reads: &["documents", "plans"],
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

async fn evaluate(conn: &mut Conn, scope: &Scope, s: &Settings) -> AppResult<Vec<Finding>> {
    let (from, to) = scope.window();
    let region = scope.region_id;
    let docs = store::documents(conn, region, &from, &to).await?;
    let base_years = jianfu_store::plans::base_years(conn, region).await?;
    let counts = YearCounts::new(
        store::document_year_counts(conn, region).await?,
        jianfu_store::plans::quotas(conn, region, "documents").await?,
        store::unit_names(conn, region).await?.into_iter().collect(),
    );
    let mut out = Vec::new();
    per_document(&docs, s, &mut out);
    forwarded_twice(region, &docs, s, &mut out);
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
    Ok(out)
}

fn per_document(docs: &[DocFact], s: &Settings, out: &mut Vec<Finding>) {
    let length = s.on::<LengthParams>(DocRule::Length);
    let signoff = s.on::<NoParams>(DocRule::SchoolsHospitals);
    let copied = s.on::<CopiedParams>(DocRule::Copied);
    let reports = s.on::<NoParams>(DocRule::ImplementationReport);
    for d in docs {
        let key = format!("document:{}", d.id);
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
        if let (Some(p), Some(share), Some(class)) = (copied, d.copy_share, d.copy_class.as_deref())
        {
            let label = copy_subject(class);
            let percent = (share * 100.0).round() as i64;
            if percent >= p.min_share_percent {
                let source = d.copy_source_title.as_deref().unwrap_or("已登记文件");
                let mut records = vec![("documents", d.id)];
                records.extend(d.copy_source_id.map(|s| ("documents", s)));
                out.push(
                    found(
                        DocRule::Copied,
                        format!(
                            "《{}》与《{}》重合{}%，疑似{}",
                            d.title, source, percent, label
                        ),
                    )
                    .records(records)
                    .figures(
                        Figures::new()
                            .num("copied_percent", "与来源文件重合", percent, "%")
                            .text(
                                "class",
                                "重合类型",
                                class,
                                crate::analysis::copy_class_label(Some(class)).to_string(),
                            )
                            .val("source_id", "来源文件编号", d.copy_source_id),
                    ),
                );
            }
        }
        if let (Some(_), Some(n)) = (reports, d.report_demands.filter(|n| *n > 0)) {
            out.push(
                found(
                    DocRule::ImplementationReport,
                    format!("《{}》{}处要求基层报送落实情况或佐证材料", d.title, n),
                )
                .figures(Figures::new().num(
                    "demands",
                    "要求报送落实情况的条款",
                    n,
                    "处",
                )),
            );
        }
        if signoff.is_some() && d.to_schools_hospitals && !d.head_signed {
            out.push(
                found(
                    DocRule::SchoolsHospitals,
                    format!(
                        "《{}》发往学校、医院，未经{}主要负责同志签批",
                        d.title, d.issuer_name
                    ),
                )
                .figures(
                    Figures::new()
                        .val("to_schools_hospitals", "发往学校、医院", true)
                        .val("head_signed", "主要负责同志已签发", false),
                ),
            );
        }
    }
}

/// The kind of copy as a warning's subject names it.
fn copy_subject(class: &str) -> &'static str {
    match class {
        "copied_from_upper" => "照抄上级文件",
        "reissued" => "重发本单位已发文件（改头换面）",
        _ => "重复转发同一文件",
    }
}

fn forwarded_twice(region: i64, docs: &[DocFact], s: &Settings, out: &mut Vec<Finding>) {
    let Some(p) = s.on::<ForwardedParams>(DocRule::ForwardedTwice) else {
        return;
    };
    let mut by_upper: BTreeMap<(i32, String), Vec<&DocFact>> = BTreeMap::new();
    for d in docs.iter().filter(|d| d.forwards_upper) {
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
                format!("upper:{region}:{year}:{number}"),
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
        let key = format!("documents:{}:{year}", c.issuer_id);
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
