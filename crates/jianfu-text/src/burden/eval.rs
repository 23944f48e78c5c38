//! Scoring a lexicon against labelled sentences: precision and recall at
//! the (sentence, kind) level, per kind and micro-averaged, the share of
//! sentences whose kinds are exactly right, and the share whose bearer
//! (`who`) is right, for the `dev` split (the one a lexicon may be tuned on)
//! and the split held out from tuning (`test`, or `heldout`).
//!
//! Two sets ship with Jianfu: [`LABELLED_SET`], written together with the
//! detector, and [`HELDOUT_SET`], written blind to it by a separate helper
//! (its header states its conventions; only its `dev` lines may guide
//! changes).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{detect, BurdenKind, Lexicon, LexiconError, Who};

/// The labelled set written with the detector (`data/burden_labelled.tsv`):
/// `split<TAB>kinds<TAB>sentence`, splits `dev` and `test`.
pub const LABELLED_SET: &str = include_str!("../../data/burden_labelled.tsv");

/// The held-out set written blind to the detector
/// (`data/burden_heldout.tsv`): `split<TAB>kinds<TAB>who<TAB>sentence`,
/// splits `dev` and `heldout`.
pub const HELDOUT_SET: &str = include_str!("../../data/burden_heldout.tsv");

/// Which part of a labelled set a sentence belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// Tune on these.
    Dev,
    /// Report on these; never tune on them: `test` in
    /// `burden_labelled.tsv`, `heldout` in `burden_heldout.tsv`.
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

/// The split names a file may use.
const SPLIT_NAMES: [(&str, Split); 3] = [
    ("dev", Split::Dev),
    ("test", Split::Test),
    ("heldout", Split::Test),
];

/// One line of a labelled set: `split\tkinds\tsentence`, or
/// `split\tkinds\twho\tsentence`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledSentence {
    /// 1-based line number in the file.
    pub line: usize,
    pub split: Split,
    /// The split as written (`test` or `heldout` for [`Split::Test`]).
    pub split_name: &'static str,
    /// Empty for `none`.
    pub kinds: BTreeSet<BurdenKind>,
    /// Who bears the demands; None for `none` and in a set without the
    /// column.
    pub who: Option<Who>,
    pub sentence: String,
}

/// Parses a labelled set; blank lines and lines starting with `#` are
/// skipped.
pub fn parse_labelled(tsv: &str) -> Result<Vec<LabelledSentence>, LexiconError> {
    let mut out = Vec::new();
    for (i, raw) in tsv.lines().enumerate() {
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        out.push(parse_line(i + 1, raw)?);
    }
    Ok(out)
}

fn parse_line(line: usize, raw: &str) -> Result<LabelledSentence, LexiconError> {
    let bad = |reason: String| LexiconError::BadLabelledLine { line, reason };
    let fields: Vec<&str> = raw.split('\t').collect();
    let (split, kinds, who, sentence) = match fields[..] {
        [split, kinds, sentence] => (split, kinds, None, sentence),
        [split, kinds, who, sentence] => (split, kinds, Some(who), sentence),
        _ => {
            return Err(bad(
                "应为“划分<TAB>类别<TAB>句子”三列或“划分<TAB>类别<TAB>承担主体<TAB>句子”四列"
                    .into(),
            ))
        }
    };
    let (split_name, split) = SPLIT_NAMES
        .into_iter()
        .find(|(name, _)| *name == split.trim())
        .ok_or_else(|| {
            bad(format!(
                "划分“{}”无效，应为dev、test或heldout",
                split.trim()
            ))
        })?;
    let kinds: BTreeSet<BurdenKind> = match kinds.trim() {
        "none" => BTreeSet::new(),
        list => list
            .split(',')
            .map(|k| k.parse::<BurdenKind>())
            .collect::<Result<_, _>>()
            .map_err(|e| bad(format!("未知的负担类别“{}”", e.0)))?,
    };
    let who = match who.map(str::trim) {
        None | Some("none") => None,
        Some(w) => Some(
            w.parse::<Who>()
                .map_err(|_| bad(format!("未知的承担主体“{w}”")))?,
        ),
    };
    if who.is_some() && kinds.is_empty() {
        return Err(bad("类别为none时承担主体也应为none".into()));
    }
    if fields.len() == 4 && who.is_none() && !kinds.is_empty() {
        return Err(bad("有负担类别时应标注承担主体".into()));
    }
    if sentence.trim().is_empty() {
        return Err(bad("句子为空".into()));
    }
    Ok(LabelledSentence {
        line,
        split,
        split_name,
        kinds,
        who,
        sentence: sentence.trim().to_string(),
    })
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
    /// Sentences whose detected kinds are exactly their labels.
    pub exact: usize,
    /// Sentences with a labelled bearer in which something was detected.
    pub who_checked: usize,
    /// Of those, the ones whose detected bearer is the label.
    pub who_right: usize,
}

impl SplitScores {
    /// Share of sentences whose kind set is exactly right.
    pub fn exact_accuracy(&self) -> Option<f64> {
        ratio(self.exact, self.sentences)
    }

    /// Share of demanding sentences, found as such, whose bearer is right.
    pub fn who_accuracy(&self) -> Option<f64> {
        ratio(self.who_right, self.who_checked)
    }
}

/// A sentence whose detected kinds or bearer differ from its labels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mistake {
    pub split: Split,
    pub line: usize,
    pub sentence: String,
    /// Labelled but not detected.
    pub missed: Vec<BurdenKind>,
    /// Detected but not labelled.
    pub spurious: Vec<BurdenKind>,
    /// (labelled, detected) when the bearer is wrong.
    pub who: Option<(Who, Who)>,
}

/// The evaluation of a lexicon on a labelled set.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EvalReport {
    pub dev: SplitScores,
    pub test: SplitScores,
    /// What the set calls its held-out split: `test` or `heldout`.
    pub test_name: &'static str,
    /// Every wrong sentence, all splits, in file order.
    pub mistakes: Vec<Mistake>,
}

/// Runs [`detect`] on every labelled sentence and compares the kinds and
/// the bearer found with the labels.
pub fn evaluate(lex: &Lexicon, tsv: &str) -> Result<EvalReport, LexiconError> {
    let mut report = EvalReport {
        dev: SplitScores::default(),
        test: SplitScores::default(),
        test_name: Split::Test.as_str(),
        mistakes: Vec::new(),
    };
    for item in parse_labelled(tsv)? {
        let burdens = detect(&item.sentence, lex);
        let found: BTreeSet<BurdenKind> = burdens.iter().map(|b| b.kind).collect();
        let scores = match item.split {
            Split::Dev => &mut report.dev,
            Split::Test => {
                report.test_name = item.split_name;
                &mut report.test
            }
        };
        scores.sentences += 1;
        scores.exact += usize::from(found == item.kinds);
        for kind in found.union(&item.kinds) {
            let counts = Counts {
                tp: usize::from(found.contains(kind) && item.kinds.contains(kind)),
                fp: usize::from(found.contains(kind) && !item.kinds.contains(kind)),
                fn_: usize::from(!found.contains(kind) && item.kinds.contains(kind)),
            };
            scores.per_kind.entry(*kind).or_default().add(counts);
            scores.micro.add(counts);
        }
        let wrong_who = match (item.who, burdens.first()) {
            (Some(want), Some(b)) => {
                scores.who_checked += 1;
                scores.who_right += usize::from(b.who == want);
                (b.who != want).then_some((want, b.who))
            }
            _ => None,
        };
        if found != item.kinds || wrong_who.is_some() {
            report.mistakes.push(Mistake {
                split: item.split,
                line: item.line,
                missed: item.kinds.difference(&found).copied().collect(),
                spurious: found.difference(&item.kinds).copied().collect(),
                who: wrong_who,
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

    /// The splits with their names as the set writes them.
    fn named(&self) -> [(&'static str, &SplitScores); 2] {
        [("dev", &self.dev), (self.test_name, &self.test)]
    }

    fn split_name(&self, split: Split) -> &'static str {
        match split {
            Split::Dev => "dev",
            Split::Test => self.test_name,
        }
    }

    /// The score table and every mistake, as plain text.
    pub fn render(&self) -> String {
        let mut out = self.render_scores();
        out.push('\n');
        out.push_str(&self.render_mistakes(None));
        out
    }

    /// Per-kind and micro precision/recall, exact kind-set accuracy and
    /// bearer accuracy of every split.
    pub fn render_scores(&self) -> String {
        let mut out = String::new();
        let sizes: Vec<String> = self
            .named()
            .iter()
            .map(|(s, x)| format!("{s} {}句", x.sentences))
            .collect();
        let _ = writeln!(out, "负担识别评估（句子×类别）：{}", sizes.join("，"));
        let mut header = format!("{:<16}", "kind");
        for (s, _) in self.named() {
            let (p, r) = (format!("{s} P"), format!("{s} R"));
            let _ = write!(
                header,
                " {p:>9} {r:>9} {:>4} {:>3} {:>3}  ",
                "TP", "FP", "FN"
            );
        }
        out.push_str(header.trim_end());
        out.push('\n');
        for kind in BurdenKind::all() {
            let counts = self
                .named()
                .into_iter()
                .map(|(_, x)| x.per_kind.get(&kind).copied().unwrap_or_default());
            out.push_str(&score_line(kind.as_str(), counts));
        }
        out.push_str(&score_line(
            "micro",
            self.named().into_iter().map(|(_, x)| x.micro),
        ));
        // label: split share (right/all), for each split.
        let line = |label: &str, f: &dyn Fn(&SplitScores) -> (usize, usize)| {
            let cells: Vec<String> = self
                .named()
                .into_iter()
                .map(|(s, x)| {
                    let (n, d) = f(x);
                    format!("{s} {}（{n}/{d}）", pct(ratio(n, d)))
                })
                .collect();
            format!("{label}：{}\n", cells.join("，"))
        };
        out.push_str(&line("整句类别完全一致", &|x| {
            (x.exact, x.sentences)
        }));
        if self.dev.who_checked + self.test.who_checked > 0 {
            out.push_str(&line(
                "承担主体一致（识别出要求的句子）",
                &|x| (x.who_right, x.who_checked),
            ));
        }
        out
    }

    /// The mistakes of one split (or of all), one per line.
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
            let who = m
                .who
                .map(|(want, got)| format!(" 主体[{}→{}]", want.as_str(), got.as_str()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} 第{}行 漏[{}] 误[{}]{who} {}",
                self.split_name(m.split),
                m.line,
                names(&m.missed),
                names(&m.spurious),
                m.sentence
            );
        }
        out
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"))
}

fn score_line(name: &str, splits: impl Iterator<Item = Counts>) -> String {
    let mut line = format!("{name:<16}");
    for c in splits {
        let _ = write!(
            line,
            " {:>9} {:>9} {:>4} {:>3} {:>3}  ",
            pct(c.precision()),
            pct(c.recall()),
            c.tp,
            c.fp,
            c.fn_
        );
    }
    format!("{}\n", line.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_lines_are_named() {
        let err = parse_labelled("# c\ndev\tledger\t建立台账。\nprod\tnone\t句子").unwrap_err();
        assert_eq!(
            err.to_string(),
            "标注集第3行格式错误：划分“prod”无效，应为dev、test或heldout"
        );
        let err = parse_labelled("dev\tledger\tcounty\t建立台账。").unwrap_err();
        assert!(err.to_string().contains("未知的承担主体“county”"), "{err}");
        let err = parse_labelled("dev\tledger\tnone\t建立台账。").unwrap_err();
        assert!(err.to_string().contains("应标注承担主体"), "{err}");
        let err = parse_labelled("dev\tnone\tvillage\t好。").unwrap_err();
        assert!(err.to_string().contains("也应为none"), "{err}");
        let err = parse_labelled("test\tledgers\t建立台账。").unwrap_err();
        assert!(err.to_string().contains("ledgers"));
    }

    #[test]
    fn counts_are_per_sentence_and_kind() {
        let lex = Lexicon::builtin();
        let tsv = "dev\tledger\t各村要建立工作台账。\ntest\tnone\t各村要建立工作台账。\n";
        let r = evaluate(lex, tsv).unwrap();
        assert_eq!(
            r.split(Split::Dev).micro,
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            r.split(Split::Test).micro,
            Counts {
                tp: 0,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(r.mistakes.len(), 1);
        assert!(r.render().contains("test 第2行"));
        assert_eq!(r.split(Split::Dev).exact_accuracy(), Some(1.0));
        assert_eq!(r.test_name, "test");
    }

    #[test]
    fn the_bearer_is_scored_where_something_was_found() {
        let lex = Lexicon::builtin();
        let tsv = "dev\tledger\tvillage\t各村要建立工作台账。\n\
                   dev\tledger\tdepartment\t各村要建立工作台账。\n\
                   heldout\tledger\tvillage\t今天天气很好。\n\
                   heldout\tnone\tnone\t今天天气很好。\n";
        let r = evaluate(lex, tsv).unwrap();
        let dev = r.split(Split::Dev);
        assert_eq!((dev.who_right, dev.who_checked, dev.exact), (1, 2, 2));
        let held = r.split(Split::Test);
        assert_eq!((held.who_checked, held.exact, held.sentences), (0, 1, 2));
        assert_eq!(r.mistakes.len(), 2);
        let text = r.render();
        assert!(text.contains("主体[department→village]"), "{text}");
        assert!(
            text.contains("整句类别完全一致：dev 1.000（2/2），heldout 0.500（1/2）"),
            "{text}"
        );
        assert!(text.contains("承担主体一致"), "{text}");
    }
}
