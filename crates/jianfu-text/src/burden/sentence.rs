//! Sentences and clauses of a Chinese text, with exact offsets.
//!
//! A sentence ends after 。！？；(and their half-width forms) together with
//! any closing quotes or brackets that follow, or at a line break. Leading
//! and trailing whitespace (including the ideographic space of indented
//! paragraphs) is not part of a sentence. A clause is a stretch of a
//! sentence between ，：；.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Marks that end a sentence.
const SENTENCE_ENDS: &[char] = &['。', '！', '？', '；', '!', '?', ';'];
/// Closing marks that stay with the sentence they follow: `…报送。”`.
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '》', '】'];
/// Marks that end a clause (sentence ends included).
pub(crate) const CLAUSE_MARKS: &[char] = &[
    '，', ',', '：', ':', '；', ';', '。', '！', '？', '!', '?', '\n', '\r',
];

/// One sentence of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// The sentence, its terminating mark included.
    pub text: &'a str,
    /// Byte offset of `text` in the whole text.
    pub byte_start: usize,
    /// Character offset of the first character in the whole text.
    pub start: usize,
    /// Character offset one past the last character.
    pub end: usize,
}

/// The non-empty sentences of `text`, in order.
pub fn sentences(text: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut char_pos = 0;
    let (mut byte_start, mut char_start) = (0, 0);
    while let Some((i, c)) = chars.next() {
        char_pos += 1;
        let mut end_byte = i + c.len_utf8();
        if c == '\n' || c == '\r' {
            push_trimmed(text, byte_start..i, char_start, &mut out);
        } else if SENTENCE_ENDS.contains(&c) {
            while let Some(&(j, closer)) = chars.peek() {
                if !CLOSERS.contains(&closer) {
                    break;
                }
                chars.next();
                char_pos += 1;
                end_byte = j + closer.len_utf8();
            }
            push_trimmed(text, byte_start..end_byte, char_start, &mut out);
        } else {
            continue;
        }
        byte_start = end_byte;
        char_start = char_pos;
    }
    push_trimmed(text, byte_start..text.len(), char_start, &mut out);
    out
}

/// Pushes `text[range]` without surrounding whitespace, if anything is left.
fn push_trimmed<'a>(
    text: &'a str,
    range: Range<usize>,
    char_start: usize,
    out: &mut Vec<Sentence<'a>>,
) {
    let raw = &text[range.clone()];
    let trimmed_start = raw.trim_start();
    let trimmed = trimmed_start.trim_end();
    if trimmed.is_empty() {
        return;
    }
    let lead_bytes = raw.len() - trimmed_start.len();
    let lead_chars = raw[..lead_bytes].chars().count();
    let start = char_start + lead_chars;
    out.push(Sentence {
        text: trimmed,
        byte_start: range.start + lead_bytes,
        start,
        end: start + trimmed.chars().count(),
    });
}

/// A section heading ("一、调研基本情况", "（二）工作落实情况"): an
/// enumerator and no closing mark; or a title ("关于规范村级台账的通知",
/// "附件2：村级组织出具证明事项清单").
/// Headings and titles name topics; they demand nothing.
pub(crate) fn is_heading(sentence: &str) -> bool {
    static TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:关于.+(?:通知|方案|意见|办法|规定|决定|报告|通报|请示|批复|函|细则|要点|计划|规划|纪要|制度)|附件[0-9一二三四五六七八九十]*[：:].*)$",
        )
        .expect("the title pattern is valid (tested)")
    });
    static ENUMERATOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、]|第[一二三四五六七八九十]+[章节条部分])",
        )
        .expect("the enumerator pattern is valid (tested)")
    });
    !sentence.ends_with(SENTENCE_ENDS)
        && (ENUMERATOR.is_match(sentence) || TITLE.is_match(sentence))
}

/// A heading that ends like a sentence and leads the sentence after it on
/// the same line: "（六）注重过程留痕。各村要…". An enumerator, then at most
/// 20 characters with no comma or colon. Unlike a bare heading it may carry
/// a demand, which is the demand of the sentence under it.
pub(crate) fn is_lead_heading(sentence: &str) -> bool {
    static ENUMERATOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、]|第[一二三四五六七八九十]+[章节条部分][，、 　]?)")
            .expect("the enumerator pattern is valid (tested)")
    });
    let Some(m) = ENUMERATOR.find(sentence) else {
        return false;
    };
    let rest = sentence[m.end()..].trim_end_matches(SENTENCE_ENDS);
    // A topic, not a demand of its own: no unit addressed (各村), no modal, no deadline.
    let mut bare = rest.to_string();
    for w in ["重要", "主要", "要点", "要素", "需要", "要求"] {
        bare = bare.replace(w, "");
    }
    sentence.ends_with(SENTENCE_ENDS)
        && !rest.is_empty()
        && rest.chars().count() <= 20
        && !rest.contains(['，', ',', '：', ':', '；', ';'])
        && !["请", "要", "须", "务必", "应当", "于", "前", "各"]
            .iter()
            .any(|w| bare.contains(w))
}

/// Byte ranges of the clauses of `sentence`, each ending with its mark.
pub(crate) fn clauses(sentence: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in sentence.char_indices() {
        if CLAUSE_MARKS.contains(&c) {
            let end = i + c.len_utf8();
            out.push(start..end);
            start = end;
        }
    }
    if start < sentence.len() || out.is_empty() {
        out.push(start..sentence.len());
    }
    out
}

/// The clause of `clauses` that holds byte `pos`.
pub(crate) fn clause_at(clauses: &[Range<usize>], pos: usize) -> Range<usize> {
    clauses
        .iter()
        .find(|c| c.contains(&pos))
        .or(clauses.last())
        .cloned()
        .unwrap_or(0..0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        sentences(s).iter().map(|x| x.text).collect()
    }

    #[test]
    fn splits_on_stops_semicolons_and_lines() {
        assert_eq!(
            texts("　　一、要求。各村报送台账；各乡镇填表！\n附件：表1"),
            vec!["一、要求。", "各村报送台账；", "各乡镇填表！", "附件：表1"]
        );
    }

    #[test]
    fn closing_quotes_stay_and_offsets_are_chars() {
        let text = "他说：“报送。”然后 走了";
        let s = sentences(text);
        assert_eq!(s[0].text, "他说：“报送。”");
        assert_eq!(s[1].text, "然后 走了");
        for x in &s {
            let chars: String = text.chars().skip(x.start).take(x.end - x.start).collect();
            assert_eq!(chars, x.text);
            assert_eq!(&text[x.byte_start..x.byte_start + x.text.len()], x.text);
        }
    }

    #[test]
    fn headings_have_an_enumerator_and_no_stop() {
        assert!(is_heading("一、调研基本情况"));
        assert!(is_heading("（二）2023年工作落实情况"));
        assert!(is_heading("3. 工作要求"));
        assert!(!is_heading("一、请于6月1日前报送名单。"));
        assert!(!is_heading("各村要建立台账"));
        assert!(is_heading("关于进一步规范村级组织台账管理的通知"));
        assert!(!is_heading("关于台账，各村要每月更新。"));
        assert!(is_heading("附件2：村级组织出具证明事项清单"));
        assert!(!is_heading("附件2：请各村于5日前填报。"));
    }

    #[test]
    fn lead_headings_end_like_sentences_and_are_short() {
        assert!(is_lead_heading("（六）注重过程留痕。"));
        assert!(is_lead_heading("一、实行每日零报告制度。"));
        assert!(is_lead_heading("3. 工作要求。"));
        assert!(!is_lead_heading("（六）注重过程留痕"));
        assert!(!is_lead_heading("各村要建立台账。"));
        assert!(!is_lead_heading("（一）各村要建立台账，每月更新。"));
        assert!(!is_lead_heading(
            "（二）各村（社区）要同步建立工作台账并于每月25日前报乡镇汇总。"
        ));
        assert!(!is_lead_heading("（一）。"));
        // A short demand of its own is no heading.
        assert!(!is_lead_heading("一、请于6月1日前报送防汛责任人名单。"));
        assert!(!is_lead_heading("（二）各村要建立台账。"));
        assert!(is_lead_heading("（五）加强重要时段管控。"));
    }

    #[test]
    fn clauses_cover_the_sentence() {
        let s = "各村，要建立台账：每日报送。";
        let c = clauses(s);
        assert_eq!(c.len(), 3);
        assert_eq!(&s[c[1].clone()], "要建立台账：");
        assert_eq!(clause_at(&c, s.find("台账").unwrap()), c[1]);
        assert_eq!(clauses(""), vec![0..0]);
    }
}
