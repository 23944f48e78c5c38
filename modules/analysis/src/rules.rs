//! The rules that need a document's text read: copying (照抄照搬、以文件落实文件) and demands for
//! implementation reports (要求基层报送落实情况、佐证材料). They are rules of documents, kept
//! under the documents' ids (`doc.…`), and run when a document is written or read.
use crate::store;
use jianfu_core::AppResult;
use jianfu_domain::rule_params;
use jianfu_domain::rules::{
    Cover, Evaluation, Figures, Finding, NoParams, RuleDef, RuleId, RulePack, RuleParams as _,
    Scope, Settings, Severity, SRC_2024,
};
use jianfu_store::Conn;

/// The rule ids of reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadRule {
    Copied,
    ImplementationReport,
}

impl RuleId for ReadRule {
    fn id(self) -> &'static str {
        match self {
            ReadRule::Copied => "doc.copied",
            ReadRule::ImplementationReport => "doc.implementation_report",
        }
    }
}

rule_params! {
    /// doc.copied
    pub struct CopiedParams {
        min_share_percent: "重合比例下限（%）" = 70, 30..=100;
    }
}

pub const RULES: &[RuleDef] = &[
    RuleDef::new("doc.copied", "documents", ("照抄照搬、以文件落实文件", "文件大段照抄上级文件或本单位已发文件（上下一般粗、改头换面重发），重合比例达到阈值的提示核查。", SRC_2024), Severity::Warning, CopiedParams::DEFS),
    RuleDef::new("doc.implementation_report", "documents", ("要求基层报送落实情况、佐证材料", "文件原则上不得要求基层报送贯彻落实情况报告、佐证材料；确需了解的应通过调研、统计等方式掌握。", SRC_2024), Severity::Warning, NoParams::DEFS),
];

pub static PACK: RulePack = RulePack {
    name: "analysis",
    rules: RULES,
    // Its facts are the readings the background reader stores: a document write queues the
    // document for reading and the reader evaluates this pack once the reading is stored
    // for the documents it read, so a write to `documents` need not evaluate it again.
    reads: &["analysis"],
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
        vec![Cover::keys(
            &[ReadRule::Copied, ReadRule::ImplementationReport],
            keys,
        )]
    });
    if copied.is_none() && reports.is_none() {
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
