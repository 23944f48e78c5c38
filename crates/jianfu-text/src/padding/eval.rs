//! Scoring padding (穿靴戴帽): per-class precision and recall on the
//! labelled sentences of `data/padding_labelled.tsv` (the `dev` split may be
//! tuned on, the `test` split is reported), and the share computed for whole
//! documents of known composition (`data/padding_documents.txt`) against the
//! share their labels give.

use std::fmt::Write;

use super::{padding_share, PaddingLexicon, SentenceClass};
use crate::burden::eval::Split;
use crate::burden::sentence::sentences;
use crate::burden::LexiconError;

/// The labelled sentences shipped with Jianfu.
pub const LABELLED_SET: &str = include_str!("../../data/padding_labelled.tsv");
/// The labelled documents shipped with Jianfu.
pub const DOCUMENTS: &str = include_str!("../../data/padding_documents.txt");

/// The part of a document a sentence is drawn from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumString,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DocPart {
    #[strum(message = "标题")]
    Title,
    /// 主送机关 and the opening paragraph.
    #[strum(message = "主送与开头")]
    Opening,
    /// 指导思想、基本原则、总体要求.
    #[strum(message = "指导思想")]
    Guiding,
    #[strum(message = "工作目标")]
    Goals,
    /// 主要任务 and the timetable.
    #[strum(message = "主要任务")]
    Tasks,
    /// 保障措施、工作要求.
    #[strum(message = "保障措施")]
    Safeguards,
    /// 附件说明 and contacts.
    #[strum(message = "附件说明")]
    Attachments,
    /// 落款、抄送、印发.
    #[strum(message = "落款")]
    Closing,
}

impl DocPart {
    pub fn all() -> impl Iterator<Item = DocPart> {
        <DocPart as strum::IntoEnumIterator>::iter()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label_zh(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }
}

/// One line of the labelled set: `split\tclass\tpart\tsentence`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledSentence {
    /// 1-based line number in the file.
    pub line: usize,
    pub split: Split,
    pub class: SentenceClass,
    pub part: DocPart,
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
        let fields: Vec<&str> = raw.splitn(4, '\t').collect();
        let [split, class, part, sentence] = fields[..] else {
            return Err(bad("应为“划分<TAB>类别<TAB>部分<TAB>句子”四列".into()));
        };
        let split = match split.trim() {
            "dev" => Split::Dev,
            "test" => Split::Test,
            other => return Err(bad(format!("划分“{other}”无效，应为dev或test"))),
        };
        let class = class.trim().parse::<SentenceClass>().map_err(|_| {
            bad(format!(
                "类别“{}”无效，应为boilerplate、concrete或neutral",
                class.trim()
            ))
        })?;
        let part = part
            .trim()
            .parse::<DocPart>()
            .map_err(|_| bad(format!("文件部分“{}”无效", part.trim())))?;
        if sentence.trim().is_empty() {
            return Err(bad("句子为空".into()));
        }
        out.push(LabelledSentence {
            line,
            split,
            class,
            part,
            sentence: sentence.trim().to_string(),
        });
    }
    Ok(out)
}

/// Sentences counted by their true class (row) and the class found
/// (column), in the order of [`SentenceClass::all`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Confusion(pub [[usize; 3]; 3]);

impl Confusion {
    fn add(&mut self, truth: SentenceClass, found: SentenceClass) {
        self.0[truth.index()][found.index()] += 1;
    }

    pub fn sentences(&self) -> usize {
        self.0.iter().flatten().sum()
    }

    /// Of the sentences found to be `class`, the share that are; None when
    /// none was found.
    pub fn precision(&self, class: SentenceClass) -> Option<f64> {
        let c = class.index();
        ratio(self.0[c][c], (0..3).map(|t| self.0[t][c]).sum())
    }

    /// Of the sentences that are `class`, the share found; None when there
    /// are none.
    pub fn recall(&self, class: SentenceClass) -> Option<f64> {
        let c = class.index();
        ratio(self.0[c][c], self.0[c].iter().sum())
    }

    pub fn accuracy(&self) -> Option<f64> {
        ratio((0..3).map(|c| self.0[c][c]).sum(), self.sentences())
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// A sentence classed otherwise than labelled.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mistake {
    pub split: Split,
    pub line: usize,
    pub part: DocPart,
    pub expected: SentenceClass,
    pub found: SentenceClass,
    pub sentence: String,
}

/// How far a computed share is from a document's true share.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocumentScore {
    pub name: String,
    /// Boilerplate characters over boilerplate and concrete ones, by label.
    pub truth: f64,
    /// What [`padding_share`] computes.
    pub computed: f64,
}

impl DocumentScore {
    pub fn error(&self) -> f64 {
        (self.computed - self.truth).abs()
    }
}

/// The evaluation of a padding lexicon.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PaddingEval {
    pub dev: Confusion,
    pub test: Confusion,
    /// Every wrong sentence, both splits, in file order.
    pub mistakes: Vec<Mistake>,
    pub documents: Vec<DocumentScore>,
}

/// Classes every labelled sentence and reads every labelled document.
pub fn evaluate(
    lex: &PaddingLexicon,
    labelled: &str,
    documents: &str,
) -> Result<PaddingEval, LexiconError> {
    let mut report = PaddingEval {
        dev: Confusion::default(),
        test: Confusion::default(),
        mistakes: Vec::new(),
        documents: Vec::new(),
    };
    for item in parse_labelled(labelled)? {
        let found = super::classify(&item.sentence, lex);
        match item.split {
            Split::Dev => report.dev.add(item.class, found),
            Split::Test => report.test.add(item.class, found),
        }
        if found != item.class {
            report.mistakes.push(Mistake {
                split: item.split,
                line: item.line,
                part: item.part,
                expected: item.class,
                found,
                sentence: item.sentence,
            });
        }
    }
    for doc in parse_documents(documents)? {
        report.documents.push(DocumentScore {
            computed: padding_share(&doc.text(), lex).share,
            truth: doc.true_share(),
            name: doc.name,
        });
    }
    Ok(report)
}

impl PaddingEval {
    pub fn split(&self, split: Split) -> &Confusion {
        match split {
            Split::Dev => &self.dev,
            Split::Test => &self.test,
        }
    }

    /// The largest distance of a computed document share from the truth.
    pub fn worst_document_error(&self) -> f64 {
        self.documents
            .iter()
            .map(DocumentScore::error)
            .fold(0.0, f64::max)
    }

    /// Per-class precision and recall of both splits, then the documents.
    pub fn render_scores(&self) -> String {
        let pct = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"));
        let mut out = String::new();
        let _ = writeln!(
            out,
            "套话识别评估（逐句分类）：dev {}句，test {}句",
            self.dev.sentences(),
            self.test.sentences()
        );
        let _ = writeln!(
            out,
            "{:<12} {:>6} {:>6} {:>4}   {:>6} {:>6} {:>4}",
            "class", "dev P", "dev R", "n", "test P", "test R", "n"
        );
        for class in SentenceClass::all() {
            let n = |c: &Confusion| c.0[class.index()].iter().sum::<usize>();
            let _ = writeln!(
                out,
                "{:<12} {:>6} {:>6} {:>4}   {:>6} {:>6} {:>4}   {}",
                class.as_str(),
                pct(self.dev.precision(class)),
                pct(self.dev.recall(class)),
                n(&self.dev),
                pct(self.test.precision(class)),
                pct(self.test.recall(class)),
                n(&self.test),
                class.label_zh(),
            );
        }
        let _ = writeln!(
            out,
            "{:<12} {:>13} {:>4}   {:>13} {:>4}",
            "accuracy",
            pct(self.dev.accuracy()),
            "",
            pct(self.test.accuracy()),
            ""
        );
        let _ = writeln!(
            out,
            "\n整篇文件套话占比（已知构成）：{}篇，最大偏差{:.3}",
            self.documents.len(),
            self.worst_document_error()
        );
        for d in &self.documents {
            let _ = writeln!(
                out,
                "  实际{:>6.3}  计算{:>6.3}  偏差{:>6.3}  {}",
                d.truth,
                d.computed,
                d.error(),
                d.name
            );
        }
        out
    }

    /// The mistakes of one split (or of both), one per line.
    pub fn render_mistakes(&self, split: Option<Split>) -> String {
        let chosen: Vec<&Mistake> = self
            .mistakes
            .iter()
            .filter(|m| split.is_none_or(|s| m.split == s))
            .collect();
        let mut out = format!("误判{}句：\n", chosen.len());
        for m in chosen {
            let _ = writeln!(
                out,
                "  {} 第{}行 {} 应为{} 判为{} {}",
                m.split.as_str(),
                m.line,
                m.part.label_zh(),
                m.expected.label_zh(),
                m.found.label_zh(),
                m.sentence
            );
        }
        out
    }
}

/// A whole document whose paragraphs carry their class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledDocument {
    pub name: String,
    pub paragraphs: Vec<(SentenceClass, String)>,
}

impl LabelledDocument {
    /// The document as typed: paragraphs indented by two ideographic spaces.
    pub fn text(&self) -> String {
        self.paragraphs
            .iter()
            .map(|(_, p)| format!("\u{3000}\u{3000}{p}\n"))
            .collect()
    }

    /// Boilerplate characters over boilerplate and concrete ones, counted
    /// over sentences as [`padding_share`] counts them.
    pub fn true_share(&self) -> f64 {
        let chars = |class: SentenceClass| -> usize {
            self.paragraphs
                .iter()
                .filter(|(c, _)| *c == class)
                .flat_map(|(_, p)| sentences(p))
                .map(|s| s.end - s.start)
                .sum()
        };
        let (b, c) = (
            chars(SentenceClass::Boilerplate),
            chars(SentenceClass::Concrete),
        );
        if b + c == 0 {
            0.0
        } else {
            b as f64 / (b + c) as f64
        }
    }
}

/// Parses labelled documents: `=== name`, then `B|C|N<TAB>paragraph` lines.
pub fn parse_documents(text: &str) -> Result<Vec<LabelledDocument>, LexiconError> {
    let mut out: Vec<LabelledDocument> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let bad = |reason: String| LexiconError::BadLabelledLine { line, reason };
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        if let Some(name) = raw.strip_prefix("===") {
            out.push(LabelledDocument {
                name: name.trim().to_string(),
                paragraphs: Vec::new(),
            });
            continue;
        }
        let Some((class, paragraph)) = raw.split_once('\t') else {
            return Err(bad("应为“类别<TAB>段落”两列".into()));
        };
        let class = match class.trim() {
            "B" => SentenceClass::Boilerplate,
            "C" => SentenceClass::Concrete,
            "N" => SentenceClass::Neutral,
            other => return Err(bad(format!("类别“{other}”无效，应为B、C或N"))),
        };
        let Some(doc) = out.last_mut() else {
            return Err(bad("段落之前应有“=== 文件名”".into()));
        };
        doc.paragraphs.push((class, paragraph.trim().to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_lines_are_named() {
        let err = parse_labelled(
            "# c\ndev\tconcrete\ttasks\t各村4月前完成。\nprod\tneutral\ttitle\t通知",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "标注集第3行格式错误：划分“prod”无效，应为dev或test"
        );
        let err = parse_labelled("dev\tslogan\ttitle\t通知").unwrap_err();
        assert!(err.to_string().contains("slogan"), "{err}");
        let err = parse_labelled("dev\tneutral\tbody\t通知").unwrap_err();
        assert!(err.to_string().contains("body"), "{err}");
        let err = parse_documents("C\t各村4月前完成。").unwrap_err();
        assert!(err.to_string().contains("=== 文件名"), "{err}");
        let err = parse_documents("=== a\nX\t通知").unwrap_err();
        assert!(err.to_string().contains("第2行"), "{err}");
    }

    #[test]
    fn counts_are_per_sentence_and_class() {
        let lex = PaddingLexicon::builtin();
        let tsv = "dev\tconcrete\ttasks\t各村于4月30日前完成排查。\n\
                   test\tneutral\ttasks\t各村于4月30日前完成排查。\n";
        let r = evaluate(lex, tsv, "").unwrap();
        assert_eq!(r.dev.recall(SentenceClass::Concrete), Some(1.0));
        assert_eq!(r.test.precision(SentenceClass::Concrete), Some(0.0));
        assert_eq!(r.test.recall(SentenceClass::Neutral), Some(0.0));
        assert_eq!(r.test.precision(SentenceClass::Neutral), None);
        assert_eq!(r.mistakes.len(), 1);
        assert!(r.render_mistakes(None).contains("test 第2行"));
    }

    #[test]
    fn a_document_true_share_counts_sentence_characters() {
        let docs =
            parse_documents("=== d\nN\t通知\nB\t要高度重视。\nC\t各村4月前完成。要求如下。\n")
                .unwrap();
        let d = &docs[0];
        assert_eq!(d.name, "d");
        // 6 boilerplate characters, 8 + 5 concrete ones.
        assert!((d.true_share() - 6.0 / 19.0).abs() < 1e-12);
        assert_eq!(d.text(), "\u{3000}\u{3000}通知\n\u{3000}\u{3000}要高度重视。\n\u{3000}\u{3000}各村4月前完成。要求如下。\n");
    }
}
