//! 文中要求: the demands a text puts on grassroots units, as officials count them and as the
//! rules of reading judge them. The detector finds burdens, one per kind and sentence (a
//! heading that ends like a sentence is one sentence with the one under it); a **demand** is a
//! sentence with all its kinds, so "各村每日报送进度日报告，无进展的实行零报告" is one demand of
//! two kinds. Each kind maps to the rule of reading it breaks ([`rule_of`]), if any; the
//! severity follows the wording of the source (不得/严禁 → violation, 原则上 → warning asking
//! for a justification) and the region's `violation_from` parameter.
use crate::model::BurdenView;
use crate::rules::{ForbiddenParams, InPrincipleParams, ReadRule};
use jianfu_domain::rules::{NoParams, Settings, Severity};
use jianfu_text::burden::{BurdenKind, Who};
use serde::Serialize;

/// Words that make a demand for materials one for implementation reports or supporting
/// documents (2024 art. 3), rather than, say, reporting an emergency.
pub const REPORT_DEMAND_WORDS: &[&str] = &["落实情况", "佐证", "贯彻情况"];

/// Whether a demand for materials asks for implementation reports or supporting documents.
pub fn is_report_demand(rule_id: Option<&str>, sentence: &str) -> bool {
    rule_id == Some(ReadRule::ImplementationReport.id())
        && REPORT_DEMAND_WORDS.iter().any(|w| sentence.contains(w))
}

/// Whether a frequency (as [`jianfu_text::timex`] labels it) is daily or more often.
fn is_daily(frequency: &str) -> bool {
    frequency == "每日" || frequency.ends_with("小时")
}

/// The rule of reading a demand of this kind breaks. Forms, ledgers, weekly or monthly
/// reports, other materials, meetings, relays, inspections, signboards and certificates are
/// burdens that the ledger counts and that their own channels check item by item (a form
/// against the catalogue, a meeting against its reach); a document demanding them breaks no
/// rule by the demand alone.
pub fn rule_of(
    kind: BurdenKind,
    frequency: Option<&str>,
    rule_id: Option<&str>,
    sentence: &str,
) -> Option<ReadRule> {
    match kind {
        BurdenKind::ZeroReport => Some(ReadRule::DailyZeroReport),
        BurdenKind::PeriodicReport if frequency.is_some_and(is_daily) => {
            Some(ReadRule::DailyZeroReport)
        }
        BurdenKind::Checkin => Some(ReadRule::Checkin),
        BurdenKind::Ranking => Some(ReadRule::Ranking),
        BurdenKind::AppDownload => Some(ReadRule::AppDownload),
        BurdenKind::TracePhoto => Some(ReadRule::TracePhoto),
        BurdenKind::Veto => Some(ReadRule::Veto),
        BurdenKind::Pledge => Some(ReadRule::Pledge),
        BurdenKind::Materials if is_report_demand(rule_id, sentence) => {
            Some(ReadRule::ImplementationReport)
        }
        BurdenKind::PeriodicReport
        | BurdenKind::Materials
        | BurdenKind::Form
        | BurdenKind::Ledger
        | BurdenKind::Meeting
        | BurdenKind::Relay
        | BurdenKind::Inspection
        | BurdenKind::Signboard
        | BurdenKind::Certificate => None,
    }
}

/// The rules of reading that judge demands, in the order warnings name them.
pub const DEMAND_RULES: [ReadRule; 7] = [
    ReadRule::DailyZeroReport,
    ReadRule::Veto,
    ReadRule::Checkin,
    ReadRule::Ranking,
    ReadRule::AppDownload,
    ReadRule::TracePhoto,
    ReadRule::Pledge,
];

/// From how many demands of a rule in one document they are a violation, when the rule is
/// enabled in the region (0: never, a warning asking for a justification).
pub fn violation_from(rule: ReadRule, s: &Settings) -> Option<i64> {
    match rule {
        ReadRule::Pledge => s.on::<InPrincipleParams>(rule).map(|p| p.violation_from),
        ReadRule::ImplementationReport => s.on::<NoParams>(rule).map(|_| 0),
        ReadRule::Copied => None,
        _ => s.on::<ForbiddenParams>(rule).map(|p| p.violation_from),
    }
}

/// The severity of `count` demands of `rule` in one document, when the rule is enabled.
pub fn severity(rule: ReadRule, count: usize, s: &Settings) -> Option<Severity> {
    violation_from(rule, s).map(|from| {
        if from > 0 && count as i64 >= from {
            Severity::Violation
        } else {
            Severity::Warning
        }
    })
}

/// What the severity means for the filer, as the warning and the assessment say it.
pub fn severity_note(severity: Severity) -> &'static str {
    match severity {
        Severity::Violation => "违规：文件不得向基层提出此类要求，请修改或撤回",
        Severity::Warning => "预警：原则上不得向基层提出此类要求，确需提出的请书面说明理由",
    }
}

/// The words that made a demand, by character offsets in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Cue {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A rule a demand breaks, with the severity it has in this text and region.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DemandRule {
    pub rule_id: String,
    /// The rule's Chinese name.
    pub rule_name: String,
    /// violation | warning
    pub severity: String,
}

/// One demand on whomever it falls: a sentence (with its heading) and every kind it demands.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DemandView {
    /// Character offsets of the sentence (from its heading) in the text.
    pub start: usize,
    pub end: usize,
    pub sentence: String,
    /// The burden kinds, as in `burdens[].kind`.
    pub kinds: Vec<String>,
    /// The kinds in Chinese.
    pub labels: Vec<String>,
    /// township | village | grassroots | department | upper
    pub who: String,
    pub who_label: String,
    /// A demand on townships, villages or the grassroots: counted, warned, marked.
    pub grassroots: bool,
    pub frequency: Option<String>,
    pub deadline: Option<String>,
    pub targets: Vec<String>,
    /// The words that triggered it.
    pub cues: Vec<Cue>,
    /// The rules of reading it breaks (enabled in the region), worst first.
    pub rules: Vec<DemandRule>,
    /// The worst of them (violation | warning), none when it breaks no rule.
    pub severity: Option<String>,
    /// The catalogue rules its kinds touch (报表目录, 会议, …), in Chinese.
    pub touches: Vec<String>,
}

impl DemandView {
    /// The severity in Chinese: 违规, 预警, or 计入负担 for a demand that breaks no rule.
    pub fn severity_label(&self) -> &'static str {
        match self.severity.as_deref() {
            Some("violation") => Severity::Violation.label(),
            Some("warning") => Severity::Warning.label(),
            _ => "计入负担",
        }
    }

    /// The sentence cut into (text, is a cue) runs, for marking the cues.
    pub fn runs(&self) -> Vec<(String, bool)> {
        let chars: Vec<char> = self.sentence.chars().collect();
        let mut cue = vec![false; chars.len()];
        for c in &self.cues {
            let (s, e) = (c.start.saturating_sub(self.start), c.end - self.start);
            for m in cue.iter_mut().take(e.min(chars.len())).skip(s) {
                *m = true;
            }
        }
        let mut out: Vec<(String, bool)> = Vec::new();
        for (ch, is_cue) in chars.into_iter().zip(cue) {
            match out.last_mut() {
                Some((t, c)) if *c == is_cue => t.push(ch),
                _ => out.push((ch.to_string(), is_cue)),
            }
        }
        out
    }
}

/// The rules of reading a burden breaks (at most one).
fn rule_of_view(b: &BurdenView) -> Option<ReadRule> {
    let kind = b.kind.parse::<BurdenKind>().ok()?;
    rule_of(
        kind,
        b.frequency.as_deref(),
        b.rule_id.as_deref(),
        &b.sentence,
    )
}

/// Where the cue stands in the text, by characters: its first place in its sentence.
fn cue_of(b: &BurdenView) -> Option<Cue> {
    let at = b
        .sentence
        .find(b.cue.as_str())
        .filter(|_| !b.cue.is_empty())?;
    let start = b.start + b.sentence[..at].chars().count();
    Some(Cue {
        start,
        end: start + b.cue.chars().count(),
        text: b.cue.clone(),
    })
}

/// The demands of a text's burdens (in text order), judged by the region's settings: a rule's
/// severity counts the grassroots demands of that rule in the whole text.
pub fn demands(burdens: &[BurdenView], settings: &Settings) -> Vec<DemandView> {
    let mut out: Vec<(DemandView, Vec<ReadRule>)> = Vec::new();
    for b in burdens {
        let same = out
            .last()
            .is_some_and(|(d, _)| d.start == b.start && d.end == b.end);
        if !same {
            out.push((
                DemandView {
                    start: b.start,
                    end: b.end,
                    sentence: b.sentence.clone(),
                    kinds: Vec::new(),
                    labels: Vec::new(),
                    who: b.who.clone(),
                    who_label: b.who_label.clone(),
                    grassroots: b.is_grassroots(),
                    frequency: b.frequency.clone(),
                    deadline: b.deadline.clone(),
                    targets: b.targets.clone(),
                    cues: Vec::new(),
                    rules: Vec::new(),
                    severity: None,
                    touches: Vec::new(),
                },
                Vec::new(),
            ));
        }
        let Some((d, rules)) = out.last_mut() else {
            continue;
        };
        if !d.kinds.contains(&b.kind) {
            d.kinds.push(b.kind.clone());
            d.labels.push(b.label.clone());
        }
        d.frequency = d.frequency.take().or_else(|| b.frequency.clone());
        d.deadline = d.deadline.take().or_else(|| b.deadline.clone());
        if let Some(c) = cue_of(b).filter(|c| !d.cues.contains(c)) {
            d.cues.push(c);
        }
        match rule_of_view(b) {
            Some(r) if !rules.contains(&r) => rules.push(r),
            Some(_) => {}
            None => {
                if let Some(name) = b.rule_name.clone().filter(|n| !d.touches.contains(n)) {
                    d.touches.push(name);
                }
            }
        }
    }
    for (d, _) in &mut out {
        d.cues.sort_by_key(|c| c.start);
    }
    // A rule's severity counts its grassroots demands in the whole text.
    let count = |rule: ReadRule| {
        out.iter()
            .filter(|(d, rs)| d.grassroots && rs.contains(&rule))
            .count()
    };
    let counts: Vec<(ReadRule, usize)> = DEMAND_RULES
        .iter()
        .chain([&ReadRule::ImplementationReport])
        .map(|r| (*r, count(*r)))
        .collect();
    out.into_iter()
        .map(|(mut d, rules)| {
            if d.grassroots {
                let mut judged: Vec<(ReadRule, Severity)> = rules
                    .iter()
                    .filter_map(|r| {
                        let n = counts.iter().find(|(x, _)| x == r).map_or(1, |(_, n)| *n);
                        Some((*r, severity(*r, n, settings)?))
                    })
                    .collect();
                judged.sort_by_key(|(_, s)| *s != Severity::Violation);
                d.severity = judged.first().map(|(_, s)| s.as_str().to_string());
                d.rules = judged
                    .into_iter()
                    .map(|(r, s)| DemandRule {
                        rule_id: r.id().to_string(),
                        rule_name: jianfu_domain::rules::rule_name(r.id())
                            .unwrap_or_default()
                            .to_string(),
                        severity: s.as_str().to_string(),
                    })
                    .collect();
            }
            d
        })
        .collect()
}

/// How many demands on grassroots units the burdens make (a sentence with its heading is one,
/// whatever its kinds).
pub fn grassroots_count(burdens: &[BurdenView]) -> usize {
    let mut spans: Vec<(usize, usize)> = burdens
        .iter()
        .filter(|b| b.is_grassroots())
        .map(|b| (b.start, b.end))
        .collect();
    spans.dedup();
    spans.len()
}

/// Who in Chinese, for a stored `who`.
pub fn who_label(who: &str) -> &'static str {
    who.parse::<Who>().map(Who::label_zh).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jianfu_text::burden::{detect, Lexicon};

    fn views(text: &str) -> Vec<BurdenView> {
        detect(text, Lexicon::builtin())
            .iter()
            .map(BurdenView::from)
            .collect()
    }

    #[test]
    fn each_kind_has_its_rule_or_none_by_the_text() {
        use BurdenKind as K;
        assert_eq!(
            rule_of(K::ZeroReport, None, None, ""),
            Some(ReadRule::DailyZeroReport)
        );
        assert_eq!(
            rule_of(K::PeriodicReport, Some("每日"), None, ""),
            Some(ReadRule::DailyZeroReport)
        );
        assert_eq!(
            rule_of(K::PeriodicReport, Some("每两小时"), None, ""),
            Some(ReadRule::DailyZeroReport)
        );
        assert_eq!(rule_of(K::PeriodicReport, Some("每周"), None, ""), None);
        assert_eq!(rule_of(K::Veto, None, None, ""), Some(ReadRule::Veto));
        assert_eq!(rule_of(K::Pledge, None, None, ""), Some(ReadRule::Pledge));
        assert_eq!(
            rule_of(
                K::Materials,
                None,
                Some("doc.implementation_report"),
                "报送落实情况"
            ),
            Some(ReadRule::ImplementationReport)
        );
        assert_eq!(rule_of(K::Materials, None, None, "报送落实情况"), None);
        assert_eq!(rule_of(K::Meeting, None, None, ""), None);
    }

    #[test]
    fn a_sentence_is_one_demand_with_its_kinds_and_cues() {
        let text = "各村（社区）：\n一、各村每日17时前报送工作进度日报告，无进展的实行零报告。\n二、对工作不力的实行一票否决。\n三、县直各部门要签订责任书。";
        jianfu_domain::rules::install(&[&crate::rules::PACK]).expect("rule pack");
        let b = views(text);
        assert!(b.len() >= 4, "{b:?}");
        let d = demands(&b, &Settings::from_overrides(&[]));
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(grassroots_count(&b), 2);
        assert!(d[0].kinds.contains(&"zero_report".to_string()), "{d:?}");
        assert!(d[0].cues.iter().any(|c| c.text == "零报告"), "{d:?}");
        for c in &d[0].cues {
            let s: String = text.chars().skip(c.start).take(c.end - c.start).collect();
            assert_eq!(s, c.text);
        }
        assert!(d[0].runs().iter().any(|(t, cue)| *cue && t == "零报告"));
        assert_eq!(d[0].severity.as_deref(), Some("violation"), "{d:?}");
        assert_eq!(d[0].rules[0].rule_id, "doc.daily_zero_report");
        assert_eq!(d[1].kinds, ["veto"]);
        assert_eq!(d[1].severity.as_deref(), Some("violation"));
        // Not on the grassroots: listed, not judged.
        assert!(!d[2].grassroots);
        assert!(d[2].rules.is_empty() && d[2].severity.is_none());
        // 原则上: a pledge asks for a justification, unless the region makes it a violation.
        let d = demands(
            &views("二、各村要签订安全生产责任书。"),
            &Settings::from_overrides(&[]),
        );
        assert_eq!(d[0].severity.as_deref(), Some("warning"), "{d:?}");
        let strict = jianfu_store::rules::RuleSetting {
            rule_id: "doc.pledge".into(),
            enabled: true,
            params: r#"{"violation_from": 1}"#.into(),
        };
        let d = demands(
            &views("二、各村要签订安全生产责任书。"),
            &Settings::from_overrides(&[strict]),
        );
        assert_eq!(d[0].severity.as_deref(), Some("violation"), "{d:?}");
    }
}
