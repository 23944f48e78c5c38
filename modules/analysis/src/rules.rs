//! The rules that need a document's text read: copying (照抄照搬、以文件落实文件), demands for
//! implementation reports (要求基层报送落实情况、佐证材料) and the demands a document must not
//! put on grassroots units (日报告零报告、一票否决、打卡、积分排名、强制下载、以留痕论实绩) or
//! should not in principle (责任书). They are rules of documents, kept under the documents' ids
//! (`doc.…`), and run when a document is read: the warning lands on the issuer and names the
//! document, with the sentences that make the demand.
use crate::demands::{self, DEMAND_RULES};
use crate::model::BurdenView;
use crate::store;
use jianfu_core::AppResult;
use jianfu_domain::rule_params;
use jianfu_domain::rules::{
    Cover, Evaluation, Figures, Finding, NoParams, ParamDef, RuleDef, RuleId, RulePack,
    RuleParams as _, Scope, Settings, Severity, SRC_2024,
};
use jianfu_store::Conn;

/// The rule ids of reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadRule {
    Copied,
    ImplementationReport,
    DailyZeroReport,
    Veto,
    Checkin,
    Ranking,
    AppDownload,
    TracePhoto,
    Pledge,
}

impl ReadRule {
    pub const fn id(self) -> &'static str {
        match self {
            ReadRule::Copied => "doc.copied",
            ReadRule::ImplementationReport => "doc.implementation_report",
            ReadRule::DailyZeroReport => "doc.daily_zero_report",
            ReadRule::Veto => "doc.veto",
            ReadRule::Checkin => "doc.checkin",
            ReadRule::Ranking => "doc.ranking",
            ReadRule::AppDownload => "doc.app_download",
            ReadRule::TracePhoto => "doc.trace_photo",
            ReadRule::Pledge => "doc.pledge",
        }
    }
}

impl RuleId for ReadRule {
    fn id(self) -> &'static str {
        ReadRule::id(self)
    }
}

rule_params! {
    /// doc.copied
    pub struct CopiedParams {
        min_share_percent: "重合比例下限（%）" = 70, 30..=100;
    }
}

rule_params! {
    /// The demands a document must not make (不得/严禁): a violation from the first.
    pub struct ForbiddenParams {
        violation_from: "同一文件达到几处按违规处理（0为只作预警、请说明理由）" = 1, 0..=50;
    }
}

rule_params! {
    /// The demands a document should not make in principle (原则上): a warning asking for a
    /// justification, unless the region makes them a violation.
    pub struct InPrincipleParams {
        violation_from: "同一文件达到几处按违规处理（0为只作预警、请说明理由）" = 0, 0..=50;
    }
}

/// The 2023 guidance on fingertip formalism.
const SRC_FINGERTIP: &str =
    "中央网络安全和信息化委员会《关于防治“指尖上的形式主义”的若干意见》（2023年）";

const fn def(
    id: ReadRule,
    text: (&'static str, &'static str, &'static str),
    severity: Severity,
    params: &'static [ParamDef],
) -> RuleDef {
    RuleDef::new(id.id(), "documents", text, severity, params)
}

pub const RULES: &[RuleDef] = &[
    def(ReadRule::Copied, ("照抄照搬、以文件落实文件", "文件大段照抄上级文件或本单位已发文件（上下一般粗、改头换面重发），重合比例达到阈值的提示核查。", SRC_2024), Severity::Warning, CopiedParams::DEFS),
    def(ReadRule::ImplementationReport, ("要求基层报送落实情况、佐证材料", "文件原则上不得要求基层报送贯彻落实情况报告、佐证材料；确需了解的应通过调研、统计等方式掌握。", SRC_2024), Severity::Warning, NoParams::DEFS),
    def(ReadRule::DailyZeroReport, ("要求基层日报告、零报告", "文件不得要求基层每日报送（日报告、一日一报）或无事也报（零报告）；确需掌握的动态应通过共享数据、系统获取。文中提出此类要求的按违规提示。", SRC_2024), Severity::Violation, ForbiddenParams::DEFS),
    def(ReadRule::Veto, ("擅自设立一票否决事项", "未经批准不得设立一票否决事项，不得以一票否决向基层转嫁责任。文中对基层实行一票否决的按违规提示；经批准列入清单的事项，本级办公室可将本条改为预警，由发文单位说明依据。", SRC_2024), Severity::Violation, ForbiddenParams::DEFS),
    def(ReadRule::Checkin, ("要求基层打卡签到、统计在线时长", "不得要求基层干部打卡签到、接龙回复、开启定位或统计在线时长（“五不得”）。", SRC_FINGERTIP), Severity::Violation, ForbiddenParams::DEFS),
    def(ReadRule::Ranking, ("对基层积分排名", "不得对基层的政务应用使用情况、学习时长等积分排名、晾晒通报（“五不得”）；文中对基层实行积分排名的按违规提示。", SRC_FINGERTIP), Severity::Violation, ForbiddenParams::DEFS),
    def(ReadRule::AppDownload, ("强制基层下载注册、点赞转发", "不得强制基层下载安装、注册关注政务应用，不得以下载量、点赞转发量考核基层（“五不得”）。", SRC_FINGERTIP), Severity::Violation, ForbiddenParams::DEFS),
    def(ReadRule::TracePhoto, ("以拍照留痕评判工作（以留痕论实绩）", "不得要求基层以拍照、视频、截图等留痕作为工作佐证，不得以留痕多少评判工作实绩。", SRC_2024), Severity::Violation, ForbiddenParams::DEFS),
    def(ReadRule::Pledge, ("要求基层签订责任书（责任状、承诺书）", "原则上不得要求基层签订责任书、承诺书、责任状，不得以签订责任书向基层转嫁责任；确需签订的应书面说明理由。", SRC_2024), Severity::Warning, InPrincipleParams::DEFS),
];

/// Every rule of reading, for the covers of a focused evaluation.
const ALL: [ReadRule; 9] = [
    ReadRule::Copied,
    ReadRule::ImplementationReport,
    ReadRule::DailyZeroReport,
    ReadRule::Veto,
    ReadRule::Checkin,
    ReadRule::Ranking,
    ReadRule::AppDownload,
    ReadRule::TracePhoto,
    ReadRule::Pledge,
];

pub static PACK: RulePack = RulePack {
    name: "analysis",
    rules: RULES,
    // Its facts are the readings the background reader stores: a document write queues the
    // document for reading and the reader evaluates this pack once the reading is stored
    // for the documents it read, so a write to `documents` need not evaluate it again.
    reads: &["analysis"],
    keyed_focus: Some("analysis"),
    evaluate: |conn, scope, settings| Box::pin(evaluate(conn, scope, settings)),
};

async fn evaluate(conn: &mut Conn, scope: &Scope, s: &Settings) -> AppResult<Evaluation> {
    let copied = s.on::<CopiedParams>(ReadRule::Copied);
    let reports = s.on::<NoParams>(ReadRule::ImplementationReport);
    let focus = scope.focus_on("analysis");
    let covers = focus.map(|f| {
        let keys = f
            .records
            .iter()
            .map(|id| format!("document:{id}"))
            .collect();
        vec![Cover::keys(&ALL, keys)]
    });
    let judged = DEMAND_RULES
        .iter()
        .any(|r| demands::violation_from(*r, s).is_some());
    if copied.is_none() && reports.is_none() && !judged {
        return Ok(Evaluation {
            findings: Vec::new(),
            covers,
        });
    }
    // The reader re-reads only the documents it has just read.
    let docs = match focus {
        Some(f) => store::read_facts_of(conn, &f.records).await?,
        None => {
            let (from, to) = scope.window();
            store::read_facts(conn, scope.region_id, &from, &to).await?
        }
    };
    let mut out = Vec::new();
    for d in &docs {
        let key = format!("document:{}", d.id);
        let found = |rule: ReadRule, subject: String| {
            Finding::new(rule, key.clone(), subject, Some(d.issuer_id), &d.issued_on)
                .records(vec![("documents", d.id)])
        };
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
                        ReadRule::Copied,
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
                                crate::model::copy_class_label(Some(class)).to_string(),
                            )
                            .val("source_id", "来源文件编号", d.copy_source_id),
                    ),
                );
            }
        }
        if let (Some(_), Some(n)) = (reports, Some(d.report_demands).filter(|n| *n > 0)) {
            out.push(
                found(
                    ReadRule::ImplementationReport,
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
        if judged {
            let burdens = crate::model::stored_burdens(&d.burdens);
            out.extend(demand_findings(d, &burdens, s));
        }
    }
    out.retain(|f| scope.covers(&f.on_date));
    Ok(Evaluation {
        findings: out,
        covers,
    })
}

/// The kind of copy as a warning's subject names it.
fn copy_subject(class: &str) -> &'static str {
    match class {
        "copied_from_upper" => "照抄上级文件",
        "reissued" => "重发本单位已发文件（改头换面）",
        _ => "重复转发同一文件",
    }
}

/// At most this many sentences are quoted in a warning.
const QUOTED: usize = 5;

/// The warnings a document's demands on grassroots units raise: one per rule, on the issuer,
/// naming the document, with the sentences quoted and the words that made them.
fn demand_findings(d: &store::ReadFact, burdens: &[BurdenView], s: &Settings) -> Vec<Finding> {
    let found = demands::demands(burdens, s);
    // A document that reaches no township or village (sent to the county's departments only)
    // burdens the grassroots only where a sentence names townships or villages; a sentence that
    // names no bearer is read as the grassroots' only when the document reaches them.
    let on_grassroots = |x: &demands::DemandView| {
        x.grassroots && (d.reach > 0 || matches!(x.who.as_str(), "township" | "village"))
    };
    let mut out = Vec::new();
    for rule in DEMAND_RULES {
        let of_rule: Vec<&demands::DemandView> = found
            .iter()
            .filter(|x| on_grassroots(x) && x.rules.iter().any(|r| r.rule_id == rule.id()))
            .collect();
        let Some(severity) = demands::severity(rule, of_rule.len(), s) else {
            continue;
        };
        if of_rule.is_empty() {
            continue;
        }
        let sentences: Vec<&str> = of_rule.iter().map(|x| x.sentence.as_str()).collect();
        let mut quoted: Vec<String> = sentences
            .iter()
            .take(QUOTED)
            .map(|x| format!("“{x}”"))
            .collect();
        if sentences.len() > QUOTED {
            quoted.push(format!("等{}处", sentences.len()));
        }
        let mut cues: Vec<&str> = Vec::new();
        let mut who: Vec<&str> = Vec::new();
        for x in &of_rule {
            for c in &x.cues {
                if !cues.contains(&c.text.as_str()) {
                    cues.push(&c.text);
                }
            }
            if !who.contains(&x.who_label.as_str()) {
                who.push(&x.who_label);
            }
        }
        let name = jianfu_domain::rules::rule_name(rule.id()).unwrap_or_default();
        let mut f = Finding::new(
            rule,
            format!("document:{}", d.id),
            format!("《{}》{}（{}处）", d.title, name, of_rule.len()),
            Some(d.issuer_id),
            &d.issued_on,
        )
        .records(vec![("documents", d.id)])
        .figures(
            Figures::new()
                .num("demands", "文中此类要求", of_rule.len() as i64, "处")
                .text("sentences", "原文", sentences.clone(), quoted.join("；"))
                .val("cues", "触发词语", cues.join("、"))
                .val("who", "承担主体", who.join("、"))
                .text(
                    "severity",
                    "定性",
                    severity.as_str(),
                    demands::severity_note(severity).to_string(),
                ),
        );
        f.severity = severity;
        out.push(f);
    }
    out
}
