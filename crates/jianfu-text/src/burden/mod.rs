//! Pre-issue burden assessment (一致性评估): every demand a draft document
//! puts on grassroots units — forms to fill, ledgers (台账), daily or zero
//! reports, materials to submit, pledges (责任状), one-vote veto, check-ins
//! and rankings, photos as proof (留痕), meetings, relays, inspections,
//! signboards, certificates — with its sentence, kind and rule.
//!
//! Detection is driven by a [`Lexicon`] of cue phrases per kind, kept as
//! data (`data/burden_lexicon.toml`) that a supervisor can extend:
//! 1. [`sentence`]: the text is split into sentences (。！？；and line
//!    breaks) and clauses (，：), with exact character offsets;
//! 2. [`phrase`]: all cue phrases, plain or with gaps ("建立…台账"), are
//!    found in one Aho-Corasick pass;
//! 3. `scope`: headings are skipped; a cue is dropped when its clause forbids or reduces it
//!    ("严禁打卡", "精简报表"), narrates the past ("召开了"), or when it is
//!    part of a name ("督查室");
//! 4. `attrs`: frequency and deadline of the sentence, read by
//!    [`crate::timex`], and its target units;
//! 5. `who`: who must do it — townships, villages, grassroots units in
//!    general, the county's departments or upper units (only the first
//!    three are grassroots burdens).
//!
//! [`eval`] scores a lexicon against the labelled sentences of
//! `data/burden_labelled.tsv`.

mod attrs;
pub mod error;
pub mod eval;
mod kind;
pub mod lexicon;
pub mod phrase;
mod resolve;
mod scope;
pub mod sentence;
mod who;

pub use error::LexiconError;
pub use eval::{evaluate, EvalReport};
pub use kind::{BurdenKind, UnknownKind};
pub use lexicon::{Lexicon, DEFAULT_LEXICON_TOML};
pub use who::{who_of, Who};

use resolve::Found;
use scope::Scope;
use sentence::{clause_at, Sentence};

/// One demand of a draft on grassroots units.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Burden {
    pub kind: BurdenKind,
    /// The sentence that makes the demand.
    pub sentence: String,
    /// Character (not byte) offset of the sentence in the text.
    pub start: usize,
    /// Character offset one past the end of the sentence.
    pub end: usize,
    /// The text that matched the cue phrase.
    pub cue: String,
    /// "每日", "每周", "每月", … when the sentence states it.
    pub frequency: Option<String>,
    /// "3月31日前", "每周五前", "5个工作日内", … when stated.
    pub deadline: Option<String>,
    /// The units addressed, as written: 各乡镇（街道）, 各村（社区）, …
    pub targets: Vec<String>,
    /// Who must do it: only township, village and grassroots demands are
    /// burdens on grassroots units.
    pub who: Who,
    /// The rule of the platform's catalog the demand touches.
    pub rule_id: Option<String>,
}

/// Every burden `text` puts on grassroots units, in text order: at most
/// one per kind and sentence. A heading that ends like a sentence and the
/// sentence after it on the same line ("（六）注重过程留痕。各村要…拍照留存")
/// are one sentence of one demand: the burdens of both, each kind once, span
/// the two.
pub fn detect(text: &str, lex: &Lexicon) -> Vec<Burden> {
    let mut out = Vec::new();
    let sentences = sentence::sentences(text);
    let mut i = 0;
    while i < sentences.len() {
        let s = &sentences[i];
        let mut found = Vec::new();
        detect_in_sentence(s, lex, &mut found);
        let under = sentences
            .get(i + 1)
            .filter(|n| sentence::is_lead_heading(s.text) && same_line(text, s, n));
        match under {
            Some(n) if !found.is_empty() => {
                let mut below = Vec::new();
                detect_in_sentence(n, lex, &mut below);
                out.extend(merge_heading(text, s, n, found, below, lex));
                i += 2;
            }
            _ => {
                out.extend(found);
                i += 1;
            }
        }
    }
    out
}

/// Whether `next` starts on the line `s` ends on.
fn same_line(text: &str, s: &Sentence<'_>, next: &Sentence<'_>) -> bool {
    let between = &text[s.byte_start + s.text.len()..next.byte_start];
    !between.contains(['\n', '\r'])
}

/// The burdens of a lead heading and of the sentence under it as burdens of
/// the two together: the sentence's own when both name a kind (its cue,
/// frequency and deadline are the demand's), the heading's kinds first; who
/// bears them is read from the sentence's demand, if it makes one.
fn merge_heading(
    text: &str,
    heading: &Sentence<'_>,
    under: &Sentence<'_>,
    found: Vec<Burden>,
    below: Vec<Burden>,
    lex: &Lexicon,
) -> Vec<Burden> {
    let whole = &text[heading.byte_start..under.byte_start + under.text.len()];
    // Who bears it is read from the sentence's demand; a sentence that demands nothing itself
    // (it explains the heading) leaves the heading's own bearer.
    let who = below.first().map(|b| b.who);
    let targets = below
        .first()
        .map(|b| b.targets.clone())
        .unwrap_or_else(|| attrs::targets(lex, under.text));
    let mut out: Vec<Burden> = Vec::new();
    for b in found {
        let own = below.iter().find(|x| x.kind == b.kind).cloned();
        out.push(own.unwrap_or(Burden {
            who: who.unwrap_or(b.who),
            targets: if b.targets.is_empty() {
                targets.clone()
            } else {
                b.targets.clone()
            },
            ..b
        }));
    }
    for b in below {
        if !out.iter().any(|x| x.kind == b.kind) {
            out.push(b);
        }
    }
    for b in &mut out {
        b.sentence = whole.to_string();
        b.start = heading.start;
        b.end = under.end;
    }
    out
}

fn detect_in_sentence(s: &Sentence<'_>, lex: &Lexicon, out: &mut Vec<Burden>) {
    if sentence::is_heading(s.text) {
        return;
    }
    let cues = lex.cues.find_all(s.text);
    if cues.is_empty() {
        return;
    }
    let scope = Scope::of(s.text, lex);
    let clauses = sentence::clauses(s.text);
    let found: Vec<Found<'_>> = cues
        .into_iter()
        .filter(|cue| {
            !scope.excluded(cue, *cue.payload)
                && !scope.cancels(cue, &clause_at(&clauses, cue.start))
        })
        .map(|cue| Found::new(cue, &lex.groups[*cue.payload]))
        .collect();
    let chosen = resolve::resolve(s.text, &clauses, found, lex);
    if chosen.is_empty() {
        return;
    }
    let targets = attrs::targets(lex, s.text);
    let applied = chosen.iter().all(|f| {
        matches!(
            f.kind,
            BurdenKind::Inspection | BurdenKind::Ranking | BurdenKind::Veto
        )
    });
    let who = who::bearer(s.text, lex, applied);
    let mut kinds_done = Vec::new();
    for f in chosen {
        if kinds_done.contains(&f.kind) {
            continue;
        }
        kinds_done.push(f.kind);
        let cue = f.cue;
        let clause = clause_at(&clauses, cue.start);
        out.push(Burden {
            kind: f.kind,
            sentence: s.text.to_string(),
            start: s.start,
            end: s.end,
            cue: s.text[cue.start..cue.end].to_string(),
            frequency: attrs::frequency(lex, s.text, clause.clone()),
            deadline: attrs::deadline(s.text, clause),
            targets: targets.clone(),
            who,
            rule_id: f.rule.map(str::to_string),
        });
    }
}
