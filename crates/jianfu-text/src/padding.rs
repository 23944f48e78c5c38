//! Padding (穿靴戴帽): the share of a document spent on slogans and set
//! phrases ("高度重视", "深入贯彻落实", "切实增强…的责任感和使命感") rather
//! than on concrete tasks, a sentence with a doer, an action and something
//! measurable ("4月30日前完成全县危房排查").
//!
//! Each sentence is classed by the phrases of a [`PaddingLexicon`] (data,
//! `data/padding_lexicon.toml`) and the time expressions [`crate::timex`]
//! reads:
//! - concrete: a date, deadline, frequency or count (3月31日前、每日下午5点前、
//!   每月一次、85户), plus an action or a doer, and at most one slogan;
//! - boilerplate: any slogan, when not concrete;
//! - neutral: neither (headings, background, demands without figures).
//!
//! The share is boilerplate characters over boilerplate and concrete
//! characters; neutral sentences count for neither.
//!
//! [`eval`] scores a lexicon against the labelled sentences of
//! `data/padding_labelled.tsv` and the documents of known composition of
//! `data/padding_documents.txt`.

pub mod eval;

use std::sync::OnceLock;

use serde::Deserialize;

use crate::burden::phrase::{Phrase, PhraseSet};
use crate::burden::sentence::sentences;
use crate::burden::LexiconError;
use crate::timex;

/// The padding lexicon shipped with Jianfu.
pub const DEFAULT_PADDING_TOML: &str = include_str!("../data/padding_lexicon.toml");

const DEFAULT_MAX_GAP: usize = 24;

/// How a sentence reads. Its stable name (API, data files) is snake_case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumString,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SentenceClass {
    /// 套话: slogans and set phrases.
    #[strum(message = "套话")]
    Boilerplate,
    /// A task with a doer, an action and a measurable object.
    #[strum(message = "具体任务")]
    Concrete,
    /// Neither.
    #[strum(message = "其他")]
    Neutral,
}

impl SentenceClass {
    /// Every class, in declaration order.
    pub fn all() -> impl Iterator<Item = SentenceClass> {
        <SentenceClass as strum::IntoEnumIterator>::iter()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The name shown to officials.
    pub fn label_zh(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }

    /// Its position in [`SentenceClass::all`].
    fn index(self) -> usize {
        self as usize
    }
}

/// One sentence and its class; offsets in characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PaddingSentence {
    pub start: usize,
    pub end: usize,
    pub class: SentenceClass,
}

/// The padding of a document.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PaddingReport {
    /// boilerplate_chars / (boilerplate_chars + concrete_chars); 0 when both are 0.
    pub share: f64,
    pub boilerplate_chars: usize,
    pub concrete_chars: usize,
    pub sentences: Vec<PaddingSentence>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaddingSpec {
    #[serde(default)]
    settings: SettingsSpec,
    #[serde(default)]
    boilerplate: BoilerplateSpec,
    #[serde(default)]
    concrete: ConcreteSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsSpec {
    max_gap: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoilerplateSpec {
    #[serde(default)]
    phrases: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConcreteSpec {
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    doers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    Slogan,
    Action,
    Doer,
}

/// Phrases of padding and of concrete tasks, compiled.
#[derive(Debug, Clone)]
pub struct PaddingLexicon {
    signs: PhraseSet<Sign>,
}

impl Default for PaddingLexicon {
    fn default() -> Self {
        PaddingLexicon::from_toml(DEFAULT_PADDING_TOML)
            .expect("the built-in padding lexicon is valid (tested)")
    }
}

impl PaddingLexicon {
    /// The default lexicon, compiled on first use and shared.
    pub fn builtin() -> &'static PaddingLexicon {
        static BUILTIN: OnceLock<PaddingLexicon> = OnceLock::new();
        BUILTIN.get_or_init(PaddingLexicon::default)
    }

    /// A lexicon from TOML in the format of `data/padding_lexicon.toml`.
    pub fn from_toml(source: &str) -> Result<PaddingLexicon, LexiconError> {
        let spec: PaddingSpec =
            toml::from_str(source).map_err(|e| LexiconError::from_toml(source, &e))?;
        let lists = [
            (
                "boilerplate.phrases",
                &spec.boilerplate.phrases,
                Sign::Slogan,
            ),
            ("concrete.actions", &spec.concrete.actions, Sign::Action),
            ("concrete.doers", &spec.concrete.doers, Sign::Doer),
        ];
        let mut phrases = Vec::new();
        for (entry, list, sign) in lists {
            for source in list {
                let phrase = Phrase::parse(source).map_err(|reason| LexiconError::BadPhrase {
                    entry: entry.to_string(),
                    phrase: source.clone(),
                    reason,
                })?;
                phrases.push((phrase, sign));
            }
        }
        let max_gap = spec.settings.max_gap.unwrap_or(DEFAULT_MAX_GAP);
        let signs = PhraseSet::new(phrases, max_gap).map_err(LexiconError::TooLarge)?;
        Ok(PaddingLexicon { signs })
    }
}

/// The padding of `text`.
pub fn padding_share(text: &str, lex: &PaddingLexicon) -> PaddingReport {
    let mut report = PaddingReport {
        share: 0.0,
        boilerplate_chars: 0,
        concrete_chars: 0,
        sentences: Vec::new(),
    };
    for s in sentences(text) {
        let class = classify(s.text, lex);
        let chars = s.end - s.start;
        match class {
            SentenceClass::Boilerplate => report.boilerplate_chars += chars,
            SentenceClass::Concrete => report.concrete_chars += chars,
            SentenceClass::Neutral => {}
        }
        report.sentences.push(PaddingSentence {
            start: s.start,
            end: s.end,
            class,
        });
    }
    let counted = report.boilerplate_chars + report.concrete_chars;
    if counted > 0 {
        report.share = report.boilerplate_chars as f64 / counted as f64;
    }
    report
}

fn classify(sentence: &str, lex: &PaddingLexicon) -> SentenceClass {
    let signs = lex.signs.find_all(sentence);
    let has = |sign: Sign| signs.iter().any(|m| *m.payload == sign);
    // Slogans that do not overlap one another ("深入贯彻落实" is one, not two).
    let mut slogans = 0;
    let mut covered_to = 0;
    for m in signs.iter().filter(|m| *m.payload == Sign::Slogan) {
        if m.start >= covered_to {
            slogans += 1;
            covered_to = m.end;
        }
    }
    let concrete = (has(Sign::Action) || has(Sign::Doer)) && timex::is_measurable(sentence);
    if concrete && slogans <= 1 {
        SentenceClass::Concrete
    } else if slogans > 0 {
        SentenceClass::Boilerplate
    } else {
        SentenceClass::Neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> SentenceClass {
        classify(s, PaddingLexicon::builtin())
    }

    #[test]
    fn slogans_tasks_and_the_rest() {
        assert_eq!(
            class("以习近平新时代中国特色社会主义思想为指导，深入贯彻落实党中央决策部署。"),
            SentenceClass::Boilerplate
        );
        assert_eq!(
            class("4月30日前完成全县危房排查。"),
            SentenceClass::Concrete
        );
        assert_eq!(
            class("各乡镇要新建村级卫生室12所。"),
            SentenceClass::Concrete
        );
        assert_eq!(class("一、总体要求"), SentenceClass::Neutral);
        assert_eq!(class("坚决做到两个维护。"), SentenceClass::Boilerplate);
    }

    #[test]
    fn empty_text_has_share_zero() {
        let r = padding_share("", PaddingLexicon::builtin());
        assert_eq!((r.share, r.sentences.len()), (0.0, 0));
    }

    #[test]
    fn bad_data_is_refused_in_chinese() {
        let err = PaddingLexicon::from_toml("[boilerplate]\nphrases = [\"以…\"]").unwrap_err();
        assert!(err.to_string().contains("boilerplate.phrases"), "{err}");
        let err = PaddingLexicon::from_toml("[concrete]\ndoers = [\"各村\", \" \"]").unwrap_err();
        assert!(err.to_string().contains("concrete.doers"), "{err}");
    }
}
