//! How the cues left in a sentence become its kinds, following the
//! labelling conventions of `data/burden_heldout.tsv`:
//! - a weak cue (a bare 报送) counts only when no other cue stands;
//! - a report due on a recurring date ("于每月25日前将…情况报县农业农村局",
//!   "每季度第一个月10日前，将…情况报…") is a periodic report;
//! - a periodic report is not also a one-off report (materials) in its
//!   clause;
//! - what an inspection looks at is not demanded by it: in
//!   "对各村台账管理情况开展检查" the ledger is the object of the check.

use std::ops::Range;

use super::lexicon::{CueGroup, Lexicon};
use super::phrase::PhraseMatch;
use super::sentence::clause_at;
use super::BurdenKind;
use crate::timex;

/// A cue kept in a sentence, with the kind and rule it stands for.
#[derive(Debug, Clone)]
pub(crate) struct Found<'a> {
    pub cue: PhraseMatch<'a, usize>,
    pub kind: BurdenKind,
    pub rule: Option<&'a str>,
    pub weak: bool,
    pub report_act: bool,
}

impl<'a> Found<'a> {
    pub fn new(cue: PhraseMatch<'a, usize>, group: &'a CueGroup) -> Self {
        Found {
            cue,
            kind: group.kind,
            rule: group.rule.as_deref(),
            weak: group.weak,
            report_act: group.report_act,
        }
    }
}

/// The kinds `found` stands for in `sentence`, cue by cue, in text order.
pub(crate) fn resolve<'a>(
    sentence: &str,
    clauses: &[Range<usize>],
    mut found: Vec<Found<'a>>,
    lex: &'a Lexicon,
) -> Vec<Found<'a>> {
    recurring_reports(sentence, clauses, &mut found, lex);
    drop_inspected(sentence, clauses, &mut found);
    let mut kept = drop_overruled_weak(found);
    let periodic: Vec<Range<usize>> = kept
        .iter()
        .filter(|f| f.kind == BurdenKind::PeriodicReport)
        .map(|f| clause_at(clauses, f.cue.start))
        .collect();
    kept.retain(|f| {
        f.kind != BurdenKind::Materials || !periodic.contains(&clause_at(clauses, f.cue.start))
    });
    kept
}

/// A report (materials) whose clause states a recurrence before it, or
/// follows a clause of just a recurrence, is a periodic report; so is an
/// act of reporting right after a periodic report's clause
/// ("建立日报告制度，及时报送…情况").
fn recurring_reports<'a>(
    sentence: &str,
    clauses: &[Range<usize>],
    found: &mut [Found<'a>],
    lex: &'a Lexicon,
) {
    let recurrences: Vec<usize> = timex::find(sentence)
        .into_iter()
        .filter(|t| t.period.is_some())
        .map(|t| t.range.start)
        .collect();
    let starts: Vec<usize> = found.iter().map(|f| f.cue.start).collect();
    // A form sent on a recurring schedule is also a periodic report.
    let others: Vec<usize> = found
        .iter()
        .filter(|f| !matches!(f.kind, BurdenKind::Materials | BurdenKind::Form))
        .map(|f| f.cue.start)
        .collect();
    let periodic: Vec<usize> = found
        .iter()
        .filter(|f| f.kind == BurdenKind::PeriodicReport)
        .map(|f| f.cue.start)
        .collect();
    for f in found.iter_mut().filter(|f| f.kind == BurdenKind::Materials) {
        let clause = clause_at(clauses, f.cue.start);
        let own = recurrences
            .iter()
            .any(|r| clause.start <= *r && *r < f.cue.start);
        let prev = clauses.iter().find(|c| c.end == clause.start);
        let after_recurrence = prev.is_some_and(|prev| {
            recurrences.iter().any(|r| prev.contains(r)) && !starts.iter().any(|s| prev.contains(s))
        });
        let after_periodic =
            f.report_act && prev.is_some_and(|prev| periodic.iter().any(|s| prev.contains(s)));
        // A bare 报告 beside another demand is that demand's report
        // ("每两小时在群内报告在岗情况" is a check-in).
        let alone = !f.weak || !others.iter().any(|s| clause.contains(s));
        if alone && (own || after_recurrence || after_periodic) {
            f.kind = BurdenKind::PeriodicReport;
            f.rule = lex.rule_for(BurdenKind::PeriodicReport);
            f.weak = false;
        }
    }
}

/// Drops the cues between "对" and an inspection of the same clause.
fn drop_inspected(sentence: &str, clauses: &[Range<usize>], found: &mut Vec<Found<'_>>) {
    let objects: Vec<Range<usize>> = found
        .iter()
        .filter(|f| f.kind == BurdenKind::Inspection)
        .filter_map(|f| {
            let clause = clause_at(clauses, f.cue.start);
            let dui = sentence[clause.start..f.cue.start].rfind('对')?;
            Some(clause.start + dui..f.cue.start)
        })
        .collect();
    found.retain(|f| {
        f.kind == BurdenKind::Inspection
            || !objects
                .iter()
                .any(|o| o.start < f.cue.start && f.cue.end <= o.end)
    });
}

/// A weak cue (a bare 报送) counts only when the sentence has no other cue:
/// in "每日17时前报送当日情况" the demand is a daily report, in
/// "填写…采集表，于9月10日前报乡民政办" a form.
fn drop_overruled_weak(found: Vec<Found<'_>>) -> Vec<Found<'_>> {
    if found.iter().all(|f| f.weak) {
        found
    } else {
        found.into_iter().filter(|f| !f.weak).collect()
    }
}
