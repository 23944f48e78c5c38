//! The burden lexicon: cue phrases per kind, the scope markers that cancel
//! them, the attribute phrases and the kind → rule table, all as data
//! (`data/burden_lexicon.toml`), validated and compiled once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

use super::error::LexiconError;
use super::phrase::{Phrase, PhraseSet};
use super::who::{Who, WhoTable};
use super::BurdenKind;

/// The lexicon shipped with Jianfu.
pub const DEFAULT_LEXICON_TOML: &str = include_str!("../../data/burden_lexicon.toml");

const DEFAULT_MAX_GAP: usize = 12;
const MAX_GAP_LIMIT: usize = 40;

// ── The data, as written ──────────────────────────────────────────────────

/// The TOML document. Every section is optional so that an extension can
/// hold just what it adds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconSpec {
    #[serde(default)]
    settings: SettingsSpec,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    cues: Vec<CueGroupSpec>,
    #[serde(default)]
    scope: ScopeSpec,
    #[serde(default)]
    frequency: BTreeMap<String, String>,
    #[serde(default)]
    targets: TargetsSpec,
    #[serde(default)]
    who: WhoSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsSpec {
    max_gap: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CueGroupSpec {
    name: Option<String>,
    kind: String,
    rule: Option<String>,
    #[serde(default)]
    weak: bool,
    #[serde(default)]
    report_act: bool,
    phrases: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeSpec {
    #[serde(default)]
    negators: Vec<String>,
    #[serde(default)]
    prohibitions: Vec<String>,
    #[serde(default)]
    after_cue: Vec<String>,
    #[serde(default)]
    narrative_before: Vec<String>,
    #[serde(default)]
    narrative_after: Vec<String>,
    #[serde(default)]
    presupposed: Vec<String>,
    #[serde(default)]
    narrative_clause: Vec<String>,
    #[serde(default)]
    narrative_sentence: Vec<String>,
    #[serde(default)]
    narrative_opening: Vec<String>,
    #[serde(default)]
    after_sentence: Vec<String>,
    #[serde(default)]
    shields: Vec<String>,
    #[serde(default)]
    exclusions: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsSpec {
    #[serde(default)]
    phrases: Vec<String>,
}

/// `[who]`: the units that may bear a demand, by class, and the words that
/// make a named unit a receiver or an actor rather than the bearer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhoSpec {
    #[serde(default)]
    township: Vec<String>,
    #[serde(default)]
    village: Vec<String>,
    #[serde(default)]
    grassroots: Vec<String>,
    #[serde(default)]
    department: Vec<String>,
    #[serde(default)]
    upper: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    receives_before: Vec<String>,
    #[serde(default)]
    acts_after: Vec<String>,
    #[serde(default)]
    leads_before: Vec<String>,
}

impl WhoSpec {
    fn merge(&mut self, extra: WhoSpec) {
        self.township.extend(extra.township);
        self.village.extend(extra.village);
        self.grassroots.extend(extra.grassroots);
        self.department.extend(extra.department);
        self.upper.extend(extra.upper);
        self.topics.extend(extra.topics);
        self.receives_before.extend(extra.receives_before);
        self.acts_after.extend(extra.acts_after);
        self.leads_before.extend(extra.leads_before);
    }

    fn compile(&self) -> Result<WhoTable, LexiconError> {
        let lists = [
            (&self.township, Some(Who::Township)),
            (&self.village, Some(Who::Village)),
            (&self.grassroots, Some(Who::Grassroots)),
            (&self.department, Some(Who::Department)),
            (&self.upper, Some(Who::Upper)),
            (&self.topics, None),
        ];
        let (mut phrases, mut classes) = (Vec::new(), Vec::new());
        for (list, who) in lists {
            for p in list {
                phrases.push(p.as_str());
                classes.push(who);
            }
        }
        let words = |entry: &str, list: &[String]| -> Result<Vec<String>, LexiconError> {
            match list.iter().find(|w| w.trim().is_empty()) {
                Some(w) => Err(bad_phrase(entry, w, "短语不能为空".into())),
                None => Ok(list.iter().map(|w| w.trim().to_string()).collect()),
            }
        };
        Ok(WhoTable::new(
            compile_plain("who", &phrases)?,
            classes,
            words("who.receives_before", &self.receives_before)?,
            words("who.acts_after", &self.acts_after)?,
            words("who.leads_before", &self.leads_before)?,
        ))
    }
}

impl LexiconSpec {
    fn parse(source: &str) -> Result<Self, LexiconError> {
        toml::from_str(source).map_err(|e| LexiconError::from_toml(source, &e))
    }

    /// `self` with `extra` added: lists grow, tables and settings are
    /// overridden entry by entry.
    fn merge(mut self, extra: LexiconSpec) -> Self {
        if extra.settings.max_gap.is_some() {
            self.settings.max_gap = extra.settings.max_gap;
        }
        self.rules.extend(extra.rules);
        self.cues.extend(extra.cues);
        let (s, e) = (&mut self.scope, extra.scope);
        s.negators.extend(e.negators);
        s.prohibitions.extend(e.prohibitions);
        s.after_cue.extend(e.after_cue);
        s.narrative_before.extend(e.narrative_before);
        s.narrative_after.extend(e.narrative_after);
        s.presupposed.extend(e.presupposed);
        s.narrative_clause.extend(e.narrative_clause);
        s.narrative_sentence.extend(e.narrative_sentence);
        s.narrative_opening.extend(e.narrative_opening);
        s.after_sentence.extend(e.after_sentence);
        s.shields.extend(e.shields);
        s.exclusions.extend(e.exclusions);
        self.frequency.extend(extra.frequency);
        self.targets.phrases.extend(extra.targets.phrases);
        self.who.merge(extra.who);
        self
    }
}

// ── The compiled lexicon ──────────────────────────────────────────────────

/// What a cue group contributes when one of its phrases is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CueGroup {
    pub kind: BurdenKind,
    pub rule: Option<String>,
    pub weak: bool,
    /// The act of reporting ("报送…情况"): right after a periodic report's
    /// clause, it is that report.
    pub report_act: bool,
}

/// The role of a scope phrase (see `[scope]` in the data file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Negator,
    Prohibition,
    AfterCue,
    NarrativeBefore,
    NarrativeAfter,
    Presupposed,
    NarrativeClause,
    NarrativeSentence,
    NarrativeOpening,
    AfterSentence,
    Shield,
    Exclusion,
    /// An `except` phrase of the cue group with this index.
    Except(usize),
}

/// Rules and phrases for burden detection, compiled. Build it once and
/// share it (`Lexicon::builtin()` for the default).
#[derive(Debug, Clone)]
pub struct Lexicon {
    spec: LexiconSpec,
    pub(crate) groups: Vec<CueGroup>,
    pub(crate) cues: PhraseSet<usize>,
    pub(crate) markers: PhraseSet<Marker>,
    pub(crate) frequency: Option<(AhoCorasick, Vec<String>)>,
    pub(crate) targets: Option<AhoCorasick>,
    pub(crate) who: WhoTable,
}

impl Default for Lexicon {
    /// The lexicon shipped with Jianfu (`data/burden_lexicon.toml`).
    fn default() -> Self {
        Lexicon::from_toml(DEFAULT_LEXICON_TOML)
            .expect("the built-in burden lexicon is valid (tested)")
    }
}

impl Lexicon {
    /// The default lexicon, compiled on first use and shared.
    pub fn builtin() -> &'static Lexicon {
        static BUILTIN: OnceLock<Lexicon> = OnceLock::new();
        BUILTIN.get_or_init(Lexicon::default)
    }

    /// A lexicon from TOML in the format of `data/burden_lexicon.toml`.
    pub fn from_toml(source: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::compile(LexiconSpec::parse(source)?)
    }

    /// This lexicon with the cue groups, markers, attributes and rules of
    /// `extra` (same format, every section optional) added.
    pub fn extended_with(&self, extra: &str) -> Result<Lexicon, LexiconError> {
        let extra = LexiconSpec::parse(extra)?;
        Lexicon::compile(self.spec.clone().merge(extra))
    }

    /// The rule of the platform's rule catalog for `kind`, from `[rules]`.
    pub fn rule_for(&self, kind: BurdenKind) -> Option<&str> {
        self.spec.rules.get(kind.as_str()).map(String::as_str)
    }

    /// The most characters a "…" gap may span.
    pub fn max_gap(&self) -> usize {
        self.spec.settings.max_gap.unwrap_or(DEFAULT_MAX_GAP)
    }

    fn compile(spec: LexiconSpec) -> Result<Lexicon, LexiconError> {
        let max_gap = spec.settings.max_gap.unwrap_or(DEFAULT_MAX_GAP);
        if max_gap > MAX_GAP_LIMIT {
            return Err(bad_entry(
                "settings.max_gap",
                format!("间隔字数{max_gap}过大，不能超过{MAX_GAP_LIMIT}"),
            ));
        }
        for (kind, rule) in &spec.rules {
            parse_kind("rules", kind)?;
            check_rule_id(&format!("rules.{kind}"), rule)?;
        }

        let mut groups = Vec::new();
        let mut cue_phrases = Vec::new();
        let mut markers = marker_phrases(&spec.scope)?;
        for (i, group) in spec.cues.iter().enumerate() {
            let entry = match &group.name {
                Some(name) => format!("cues第{}组（{name}）", i + 1),
                None => format!("cues第{}组", i + 1),
            };
            let kind = parse_kind(&entry, &group.kind)?;
            if let Some(rule) = &group.rule {
                check_rule_id(&entry, rule)?;
            }
            if group.phrases.is_empty() {
                return Err(bad_entry(&entry, "phrases不能为空".into()));
            }
            for source in &group.phrases {
                cue_phrases.push((parse_phrase(&entry, source)?, groups.len()));
            }
            for source in &group.except {
                markers.push((parse_phrase(&entry, source)?, Marker::Except(groups.len())));
            }
            let rule = group
                .rule
                .clone()
                .or_else(|| spec.rules.get(kind.as_str()).cloned());
            groups.push(CueGroup {
                kind,
                rule,
                weak: group.weak,
                report_act: group.report_act,
            });
        }
        let cues = PhraseSet::new(cue_phrases, max_gap).map_err(LexiconError::TooLarge)?;
        let markers = PhraseSet::new(markers, max_gap).map_err(LexiconError::TooLarge)?;
        let frequency = compile_frequency(&spec.frequency)?;
        let targets = compile_plain("targets.phrases", &spec.targets.phrases)?;
        let who = spec.who.compile()?;

        Ok(Lexicon {
            spec,
            groups,
            cues,
            markers,
            frequency,
            targets,
            who,
        })
    }
}

fn marker_phrases(scope: &ScopeSpec) -> Result<Vec<(Phrase, Marker)>, LexiconError> {
    use Marker::*;
    let lists = [
        ("negators", &scope.negators, Negator),
        ("prohibitions", &scope.prohibitions, Prohibition),
        ("after_cue", &scope.after_cue, AfterCue),
        ("narrative_before", &scope.narrative_before, NarrativeBefore),
        ("narrative_after", &scope.narrative_after, NarrativeAfter),
        ("presupposed", &scope.presupposed, Presupposed),
        ("narrative_clause", &scope.narrative_clause, NarrativeClause),
        (
            "narrative_sentence",
            &scope.narrative_sentence,
            NarrativeSentence,
        ),
        (
            "narrative_opening",
            &scope.narrative_opening,
            NarrativeOpening,
        ),
        ("after_sentence", &scope.after_sentence, AfterSentence),
        ("shields", &scope.shields, Shield),
        ("exclusions", &scope.exclusions, Exclusion),
    ];
    let mut out = Vec::new();
    for (entry, list, marker) in lists {
        for source in list {
            out.push((parse_phrase(&format!("scope.{entry}"), source)?, marker));
        }
    }
    Ok(out)
}

fn compile_frequency(
    table: &BTreeMap<String, String>,
) -> Result<Option<(AhoCorasick, Vec<String>)>, LexiconError> {
    for (phrase, value) in table {
        if phrase.trim().is_empty() || value.trim().is_empty() {
            return Err(bad_entry(
                "frequency",
                format!("“{phrase}” = “{value}”：短语和频次都不能为空"),
            ));
        }
    }
    let keys: Vec<&String> = table.keys().collect();
    let values: Vec<String> = table.values().cloned().collect();
    Ok(compile_plain("frequency", &keys)?.map(|ac| (ac, values)))
}

/// A leftmost-longest automaton over plain phrases (None when empty).
fn compile_plain<S: AsRef<str>>(
    entry: &str,
    phrases: &[S],
) -> Result<Option<AhoCorasick>, LexiconError> {
    if phrases.is_empty() {
        return Ok(None);
    }
    if let Some(p) = phrases.iter().find(|p| p.as_ref().trim().is_empty()) {
        return Err(bad_phrase(entry, p.as_ref(), "短语不能为空".into()));
    }
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(phrases.iter().map(|p| p.as_ref().trim()))
        .map(Some)
        .map_err(|e| LexiconError::TooLarge(e.to_string()))
}

fn parse_kind(entry: &str, kind: &str) -> Result<BurdenKind, LexiconError> {
    kind.parse().map_err(|_| LexiconError::UnknownKind {
        entry: entry.to_string(),
        kind: kind.to_string(),
    })
}

fn parse_phrase(entry: &str, source: &str) -> Result<Phrase, LexiconError> {
    Phrase::parse(source).map_err(|reason| bad_phrase(entry, source, reason))
}

/// Rule ids look like `form.daily_zero_report`: lowercase words joined by
/// dots, at least two.
fn check_rule_id(entry: &str, rule: &str) -> Result<(), LexiconError> {
    let word_ok = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let words: Vec<&str> = rule.split('.').collect();
    if words.len() >= 2 && words.iter().all(|w| word_ok(w)) {
        Ok(())
    } else {
        Err(bad_entry(
            entry,
            format!("规则编号“{rule}”格式无效，应为小写英文单词以点分隔，例如“form.catalog”"),
        ))
    }
}

fn bad_entry(entry: &str, reason: String) -> LexiconError {
    LexiconError::BadEntry {
        entry: entry.to_string(),
        reason,
    }
}

fn bad_phrase(entry: &str, phrase: &str, reason: String) -> LexiconError {
    LexiconError::BadPhrase {
        entry: entry.to_string(),
        phrase: phrase.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_compiles_with_the_rule_table() {
        let lex = Lexicon::default();
        assert_eq!(
            lex.rule_for(BurdenKind::ZeroReport),
            Some("form.daily_zero_report")
        );
        assert_eq!(lex.rule_for(BurdenKind::Relay), Some("meet.cascade"));
        assert_eq!(
            lex.rule_for(BurdenKind::Signboard),
            Some("village.signboards")
        );
        assert!(lex.groups.iter().any(|g| g.kind == BurdenKind::Materials
            && g.rule.as_deref() == Some("doc.implementation_report")));
        for kind in BurdenKind::all() {
            assert!(
                lex.groups.iter().any(|g| g.kind == kind),
                "no cues for {kind}"
            );
        }
    }

    #[test]
    fn errors_name_the_entry_in_chinese() {
        let err = Lexicon::from_toml(
            "[[cues]]\nname = \"测试\"\nkind = \"meetings\"\nphrases = [\"开会\"]",
        )
        .unwrap_err();
        assert!(err.to_string().contains("cues第1组（测试）"), "{err}");
        assert!(err.to_string().contains("meetings"), "{err}");

        let err =
            Lexicon::from_toml("[[cues]]\nkind = \"ledger\"\nphrases = [\"…台账\"]").unwrap_err();
        assert_eq!(err.code(), "lexicon_bad_phrase");

        let err = Lexicon::from_toml("[rules]\nledger = \"Form Catalog\"").unwrap_err();
        assert!(err.to_string().contains("规则编号"), "{err}");

        let err = Lexicon::from_toml("[[cues]]\nkidn = \"ledger\"").unwrap_err();
        assert!(err.to_string().starts_with("词库格式错误（第2行"), "{err}");
        assert!(err.to_string().contains("未知字段“kidn”"), "{err}");

        let err = Lexicon::from_toml("[settings]\nmax_gap = 99").unwrap_err();
        assert!(err.to_string().contains("settings.max_gap"), "{err}");
    }
}
