//! Whether a cue found in a sentence is a demand: not forbidden or reduced
//! ("严禁打卡", "台账一律取消"), not a report of the past or a description
//! of a problem ("召开了全县大会", "留痕现象突出"), not part of a name
//! ("县委督查室").
//!
//! The markers come from `[scope]` of the lexicon and the `except` lists of
//! the cue groups. A negator governs the rest of its clause, so
//! "不得要求基层填报报表" cancels 填报 but "未按要求报送的，将予以通报"
//! stays a demand; a prohibition (严禁、不得) governs the clauses after it
//! too, until one demands anew ("要", "须"). A cue before "时要" or "后要" in its clause is
//! presupposed, not demanded ("开展检查时要拍照"). A shield ("不得迟于", "了解") silences the markers
//! inside it. A count after the cue ("召开会议22次") reports what was
//! done unless the clause demands it ("每季度召开1次", "不少于2次").

use std::ops::Range;

use super::lexicon::{Lexicon, Marker};
use super::phrase::PhraseMatch;
use crate::timex;

/// Words that make a count a demand rather than a tally.
const COUNT_DEMANDS: [&str; 14] = [
    "每",
    "至少",
    "不少于",
    "不低于",
    "以上",
    "要",
    "须",
    "应",
    "需",
    "务必",
    "请",
    "确保",
    "力争",
    "原则上",
];

/// Words by which a clause demands something anew, so that a prohibition
/// of an earlier clause does not govern it: "要", or a replacement
/// ("不再要求基层报送纸质台账，统一通过系统填报").
const MODALS: [&str; 10] = [
    "要", "须", "应", "请", "务必", "确保", "负责", "统一", "纳入", "改为",
];
/// Words that contain a modal but are none: 要求, 主要, 相应.
const NOT_MODALS: [&str; 16] = [
    "要求", "主要", "重要", "需要", "纪要", "摘要", "要点", "要素", "相应", "应急", "对应", "响应",
    "应用", "适应", "反应", "供应",
];

/// Whether `clause` demands something of its own ("各村要…", "须…").
fn demands(clause: &str) -> bool {
    let mut rest = clause.to_string();
    for w in NOT_MODALS {
        rest = rest.replace(w, "，");
    }
    MODALS.iter().any(|m| rest.contains(m))
}

/// The scope markers of one sentence.
pub(crate) struct Scope<'a> {
    markers: Vec<PhraseMatch<'a, Marker>>,
    /// Byte ranges of the counts ("22次") in the sentence.
    counts: Vec<Range<usize>>,
    /// Byte ranges of the clauses that demand their counts.
    demanding: Vec<Range<usize>>,
    /// Starts of the clauses that demand something anew (see [`demands`]).
    modal_clauses: Vec<usize>,
}

impl<'a> Scope<'a> {
    pub fn of(sentence: &str, lex: &'a Lexicon) -> Scope<'a> {
        let all = lex.markers.find_all(sentence);
        let shields: Vec<Range<usize>> = all
            .iter()
            .filter(|m| *m.payload == Marker::Shield)
            .map(|m| m.start..m.end)
            .collect();
        let ends_clause = |m: &PhraseMatch<'_, Marker>| {
            sentence[m.end..]
                .chars()
                .next()
                .is_some_and(|c| super::sentence::CLAUSE_MARKS.contains(&c))
        };
        let markers: Vec<PhraseMatch<'a, Marker>> = all
            .into_iter()
            .filter(|m| *m.payload != Marker::Shield)
            .filter(|m| *m.payload != Marker::NarrativeOpening || ends_clause(m))
            .filter(|m| !shields.iter().any(|s| s.start <= m.start && m.end <= s.end))
            .collect();
        // Counts of occasions ("22次", "8场", "三轮"), read by timex.
        let counts: Vec<Range<usize>> = timex::find(sentence)
            .into_iter()
            .filter(|t| t.is_occasions())
            .map(|t| t.range)
            .collect();
        let demanding = if counts.is_empty() {
            Vec::new()
        } else {
            super::sentence::clauses(sentence)
                .into_iter()
                .filter(|c| {
                    COUNT_DEMANDS
                        .iter()
                        .any(|w| sentence[c.clone()].contains(w))
                })
                .collect()
        };
        let prohibits = markers.iter().any(|m| *m.payload == Marker::Prohibition);
        let modal_clauses = match prohibits {
            false => Vec::new(),
            true => super::sentence::clauses(sentence)
                .into_iter()
                .filter(|c| demands(&sentence[c.clone()]))
                .map(|c| c.start)
                .collect(),
        };
        Scope {
            markers,
            counts,
            demanding,
            modal_clauses,
        }
    }

    /// Whether the words of `cue` (of cue group `group`) overlap an
    /// exclusion ("督查室") or one of the group's exceptions. The gap of a
    /// phrase is not its words: "每季度末向县委督查室报送" is a report.
    pub fn excluded<T>(&self, cue: &PhraseMatch<'_, T>, group: usize) -> bool {
        let words = [cue.start..cue.head_end, cue.tail_start..cue.end];
        self.markers.iter().any(|m| {
            let applies = match *m.payload {
                Marker::Exclusion => true,
                Marker::Except(g) => g == group,
                _ => false,
            };
            applies && words.iter().any(|w| m.start < w.end && w.start < m.end)
        })
    }

    /// Whether the cue `cue`, inside the clause `clause` (byte ranges of
    /// the sentence), is forbidden, reduced or narrated rather than
    /// demanded.
    pub fn cancels<T>(&self, cue: &PhraseMatch<'_, T>, clause: &Range<usize>) -> bool {
        let in_clause =
            |m: &PhraseMatch<'_, Marker>| clause.start <= m.start && m.end <= clause.end;
        let tallied = self
            .counts
            .iter()
            .any(|c| cue.end <= c.start && c.end <= clause.end)
            && !self.demanding.contains(clause);
        tallied
            || self.markers.iter().any(|m| match m.payload {
                Marker::Negator | Marker::NarrativeBefore => in_clause(m) && m.end <= cue.start,
                // 严禁以…为名，随意要求乡镇填报报表: until a clause demands anew.
                Marker::Prohibition => {
                    (in_clause(m) && m.end <= cue.start)
                        || (m.end <= clause.start
                            && !self
                                .modal_clauses
                                .iter()
                                .any(|c| m.end <= *c && *c <= clause.start))
                }
                Marker::AfterCue => in_clause(m) && cue.end <= m.start,
                // 召开了会议; 开展了专项督查; 组织开展了…督查 (in the gap).
                Marker::NarrativeAfter => {
                    m.start == cue.end || (cue.head_end <= m.start && m.end <= cue.end)
                }
                // 开展检查时要拍照: the check is presupposed, the photo demanded.
                Marker::Presupposed => in_clause(m) && cue.end <= m.start,
                Marker::NarrativeClause => in_clause(m),
                Marker::NarrativeSentence | Marker::NarrativeOpening => m.start <= cue.start,
                Marker::AfterSentence => cue.end <= m.start,
                Marker::Shield | Marker::Exclusion | Marker::Except(_) => false,
            })
    }
}
