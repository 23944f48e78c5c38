//! Scoring a lexicon against labelled sentences: precision and recall at
//! the (sentence, kind) level, per kind and micro-averaged, for the `dev`
//! split (the one a lexicon may be tuned on) and the `test` split.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{detect, BurdenKind, Lexicon, LexiconError};

/// The labelled set shipped with Jianfu (`data/burden_labelled.tsv`).
pub const LABELLED_SET: &str = include_str!("../../data/burden_labelled.tsv");

/// Which half of the labelled set a sentence belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// Tune on these.
    Dev,
    /// Report on these; never tune on them.
    Test,
}

impl Split {
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Dev => "dev",
            Split::Test => "test",
        }
    }
}

/// One line of a labelled set: `split\tkinds\tsentence`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledSentence {
    /// 1-based line number in the file.
    pub line: usize,
    pub split: Split,
    /// Empty for `none`.
    pub kinds: BTreeSet<BurdenKind>,
    pub sentence: String,
}

/// Parses a labelled set; blank lines and lines starting with `#` are
/// skipped.
pub fn parse_labelled(tsv: &str) -> Result<Vec<LabelledSentence>, LexiconError> {
    let mut out = Vec::new();
    for (i, raw) in tsv.lines().enumerate() {
        let line = i + 1;
        let bad = |reason: String| LexiconError::BadLabelledLine { line, reason };
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw.splitn(3, '\t').collect();
        let [split, kinds, sentence] = fields[..] else {
            return Err(bad("应为“划分<TAB>类别<TAB>句子”三列".into()));
        };
        let split = match split.trim() {
            "dev" => Split::Dev,
            "test" => Split::Test,
            other => return Err(bad(format!("划分“{other}”无效，应为dev或test"))),
        };
        let kinds = match kinds.trim() {
            "none" => BTreeSet::new(),
            list => list
                .split(',')
                .map(|k| k.parse::<BurdenKind>())
                .collect::<Result<_, _>>()
                .map_err(|e| bad(format!("未知的负担类别“{}”", e.0)))?,
        };
        if sentence.trim().is_empty() {
            return Err(bad("句子为空".into()));
        }
        out.push(LabelledSentence {
            line,
            split,
            kinds,
            sentence: sentence.trim().to_string(),
        });
    }
    Ok(out)
}

/// True and false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    /// None when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// None when nothing was expected.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Scores of one split.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SplitScores {
    pub sentences: usize,
    pub per_kind: BTreeMap<BurdenKind, Counts>,
    pub micro: Counts,
}

/// A sentence whose detected kinds differ from its labels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mistake {
    pub split: Split,
    pub line: usize,
    pub sentence: String,
    /// Labelled but not detected.
    pub missed: Vec<BurdenKind>,
    /// Detected but not labelled.
    pub spurious: Vec<BurdenKind>,
}

/// The evaluation of a lexicon on a labelled set.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EvalReport {
    pub dev: SplitScores,
    pub test: SplitScores,
    /// Every wrong sentence, both splits, in file order.
    pub mistakes: Vec<Mistake>,
}

/// Runs [`detect`] on every labelled sentence and compares the kinds found
/// with the labels.
pub fn evaluate(lex: &Lexicon, tsv: &str) -> Result<EvalReport, LexiconError> {
    let mut report = EvalReport {
        dev: SplitScores::default(),
        test: SplitScores::default(),
        mistakes: Vec::new(),
    };
    for item in parse_labelled(tsv)? {
        let found: BTreeSet<BurdenKind> =
            detect(&item.sentence, lex).iter().map(|b| b.kind).collect();
        let scores = match item.split {
            Split::Dev => &mut report.dev,
            Split::Test => &mut report.test,
        };
        scores.sentences += 1;
        for kind in found.union(&item.kinds) {
            let counts = Counts {
                tp: usize::from(found.contains(kind) && item.kinds.contains(kind)),
                fp: usize::from(found.contains(kind) && !item.kinds.contains(kind)),
                fn_: usize::from(!found.contains(kind) && item.kinds.contains(kind)),
            };
            scores.per_kind.entry(*kind).or_default().add(counts);
            scores.micro.add(counts);
        }
        if found != item.kinds {
            report.mistakes.push(Mistake {
                split: item.split,
                line: item.line,
                missed: item.kinds.difference(&found).copied().collect(),
                spurious: found.difference(&item.kinds).copied().collect(),
                sentence: item.sentence,
            });
        }
    }
    Ok(report)
}

impl EvalReport {
    pub fn split(&self, split: Split) -> &SplitScores {
        match split {
            Split::Dev => &self.dev,
            Split::Test => &self.test,
        }
    }

    /// The score table and every mistake, as plain text.
    pub fn render(&self) -> String {
        let mut out = self.render_scores();
        out.push('\n');
        out.push_str(&self.render_mistakes(None));
        out
    }

    /// Per-kind and micro precision/recall of both splits.
    pub fn render_scores(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "负担识别评估（句子×类别）：dev {}句，test {}句",
            self.dev.sentences, self.test.sentences
        );
        let _ = writeln!(
            out,
            "{:<16} {:>6} {:>6} {:>4} {:>3} {:>3}   {:>6} {:>6} {:>4} {:>3} {:>3}",
            "kind", "dev P", "dev R", "TP", "FP", "FN", "test P", "test R", "TP", "FP", "FN"
        );
        for kind in BurdenKind::all() {
            let line = score_line(
                kind.as_str(),
                self.dev.per_kind.get(&kind).copied().unwrap_or_default(),
                self.test.per_kind.get(&kind).copied().unwrap_or_default(),
            );
            out.push_str(&line);
        }
        out.push_str(&score_line("micro", self.dev.micro, self.test.micro));
        out
    }

    /// The mistakes of one split (or of both), one per line.
    pub fn render_mistakes(&self, split: Option<Split>) -> String {
        let mut out = String::new();
        let chosen: Vec<&Mistake> = self
            .mistakes
            .iter()
            .filter(|m| split.is_none_or(|s| m.split == s))
            .collect();
        let _ = writeln!(out, "误判{}句：", chosen.len());
        for m in chosen {
            let names =
                |ks: &[BurdenKind]| ks.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",");
            let _ = writeln!(
                out,
                "  {} 第{}行 漏[{}] 误[{}] {}",
                m.split.as_str(),
                m.line,
                names(&m.missed),
                names(&m.spurious),
                m.sentence
            );
        }
        out
    }
}

fn score_line(name: &str, dev: Counts, test: Counts) -> String {
    let pct = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"));
    format!(
        "{:<16} {:>6} {:>6} {:>4} {:>3} {:>3}   {:>6} {:>6} {:>4} {:>3} {:>3}\n",
        name,
        pct(dev.precision()),
        pct(dev.recall()),
        dev.tp,
        dev.fp,
        dev.fn_,
        pct(test.precision()),
        pct(test.recall()),
        test.tp,
        test.fp,
        test.fn_
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_lines_are_named() {
        let err = parse_labelled("# c\ndev\tledger\t建立台账。\nprod\tnone\t句子").unwrap_err();
        assert_eq!(
            err.to_string(),
            "标注集第3行格式错误：划分“prod”无效，应为dev或test"
        );
        let err = parse_labelled("test\tledgers\t建立台账。").unwrap_err();
        assert!(err.to_string().contains("ledgers"));
    }

    #[test]
    fn counts_are_per_sentence_and_kind() {
        let lex = Lexicon::builtin();
        let tsv = "dev\tledger\t各村要建立工作台账。\ntest\tnone\t各村要建立工作台账。\n";
        let r = evaluate(lex, tsv).unwrap();
        assert_eq!(
            r.dev.micro,
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            r.test.micro,
            Counts {
                tp: 0,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(r.mistakes.len(), 1);
        assert!(r.render().contains("test 第2行"));
    }
}
