//! Lexicon phrases, plain ("台账") or with gaps ("建立…台账"), and a set of
//! them compiled into one Aho-Corasick automaton over their first parts.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::sentence::CLAUSE_MARKS;

/// The gap mark of the lexicon syntax: "建立…台账".
pub const GAP: char = '…';

/// A phrase: its parts, to be found in order with short gaps between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    parts: Vec<String>,
}

impl Phrase {
    /// Parses the lexicon syntax; the error is the Chinese reason.
    pub fn parse(source: &str) -> Result<Phrase, String> {
        let source = source.trim();
        if source.is_empty() {
            return Err("短语不能为空".into());
        }
        let parts: Vec<String> = source.split(GAP).map(|p| p.trim().to_string()).collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(format!(
                "“{GAP}”只能用在两段文字之间，且不能连用（例如“建立{GAP}台账”）"
            ));
        }
        if parts
            .iter()
            .flat_map(|p| p.chars())
            .any(|c| CLAUSE_MARKS.contains(&c))
        {
            return Err("短语中不能含有逗号、冒号、分号或句号".into());
        }
        Ok(Phrase { parts })
    }

    fn head(&self) -> &str {
        &self.parts[0]
    }
}

/// Where a phrase was found, in byte offsets of the searched text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch<'a, T> {
    pub start: usize,
    /// End of the first part (equal to `end` for a plain phrase).
    pub head_end: usize,
    /// Start of the last part (equal to `start` for a plain phrase).
    pub tail_start: usize,
    pub end: usize,
    pub payload: &'a T,
}

/// Phrases with a payload each, found all at once.
#[derive(Debug, Clone)]
pub struct PhraseSet<T> {
    automaton: AhoCorasick,
    /// For each automaton pattern, the phrases starting with it.
    by_head: Vec<Vec<usize>>,
    phrases: Vec<(Phrase, T)>,
    max_gap: usize,
}

impl<T> PhraseSet<T> {
    /// Compiles the phrases; `max_gap` is the most characters a gap spans.
    pub fn new(phrases: Vec<(Phrase, T)>, max_gap: usize) -> Result<Self, String> {
        let mut heads: Vec<&str> = Vec::new();
        let mut by_head: Vec<Vec<usize>> = Vec::new();
        for (i, (phrase, _)) in phrases.iter().enumerate() {
            match heads.iter().position(|h| *h == phrase.head()) {
                Some(j) => by_head[j].push(i),
                None => {
                    heads.push(phrase.head());
                    by_head.push(vec![i]);
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&heads)
            .map_err(|e| e.to_string())?;
        Ok(PhraseSet {
            automaton,
            by_head,
            phrases,
            max_gap,
        })
    }

    /// Every occurrence of every phrase in `text`, overlapping ones
    /// included, ordered by start (longer first at the same start).
    pub fn find_all(&self, text: &str) -> Vec<PhraseMatch<'_, T>> {
        let mut out = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            for &i in &self.by_head[m.pattern().as_usize()] {
                let (phrase, payload) = &self.phrases[i];
                if let Some(end) = self.match_rest(text, m.end(), &phrase.parts[1..]) {
                    let last = &phrase.parts[phrase.parts.len() - 1];
                    out.push(PhraseMatch {
                        start: m.start(),
                        head_end: m.end(),
                        tail_start: if phrase.parts.len() == 1 {
                            m.start()
                        } else {
                            end - last.len()
                        },
                        end,
                        payload,
                    });
                }
            }
        }
        out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        out
    }

    /// Finds `rest` in order after `pos`, each within the gap limit and
    /// inside the clause; returns the end of the last part.
    fn match_rest(&self, text: &str, mut pos: usize, rest: &[String]) -> Option<usize> {
        for part in rest {
            pos = self.find_after_gap(text, pos, part)?;
        }
        Some(pos)
    }

    fn find_after_gap(&self, text: &str, pos: usize, part: &str) -> Option<usize> {
        let tail = &text[pos..];
        for (gap_chars, (i, c)) in tail.char_indices().enumerate() {
            if starts_with_ci(&tail[i..], part) {
                return Some(pos + i + part.len());
            }
            if gap_chars >= self.max_gap || CLAUSE_MARKS.contains(&c) {
                return None;
            }
        }
        None
    }
}

/// `haystack.starts_with(needle)`, ignoring ASCII case like the automaton.
fn starts_with_ci(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .get(..needle.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(phrases: &[&str], max_gap: usize) -> PhraseSet<usize> {
        let list = phrases
            .iter()
            .enumerate()
            .map(|(i, p)| (Phrase::parse(p).unwrap(), i))
            .collect();
        PhraseSet::new(list, max_gap).unwrap()
    }

    fn found(set: &PhraseSet<usize>, text: &str) -> Vec<(String, usize)> {
        set.find_all(text)
            .iter()
            .map(|m| (text[m.start..m.end].to_string(), *m.payload))
            .collect()
    }

    #[test]
    fn gaps_stay_short_and_inside_the_clause() {
        let s = set(&["建立…台账", "台账"], 4);
        assert_eq!(
            found(&s, "要建立问题台账"),
            vec![("建立问题台账".into(), 0), ("台账".into(), 1)]
        );
        assert_eq!(found(&s, "建立机制，台账").len(), 1);
        assert_eq!(found(&s, "建立一二三四五台账").len(), 1);
        assert_eq!(found(&s, "建立一二三四台账").len(), 2);
    }

    #[test]
    fn the_last_part_is_located() {
        let s = set(&["每季度…报送", "台账"], 12);
        let text = "每季度末向县委督查室报送";
        let m = s.find_all(text)[0];
        assert_eq!(&text[m.start..m.head_end], "每季度");
        assert_eq!(&text[m.tail_start..m.end], "报送");
        let m = s.find_all("台账")[0];
        assert_eq!((m.start, m.tail_start), (0, 0));
    }

    #[test]
    fn latin_letters_ignore_case() {
        let s = set(&["安装…APP"], 8);
        assert_eq!(found(&s, "安装反诈App"), vec![("安装反诈App".into(), 0)]);
    }

    #[test]
    fn bad_phrases_are_refused() {
        assert!(Phrase::parse("").is_err());
        assert!(Phrase::parse("…台账").is_err());
        assert!(Phrase::parse("建立……台账").is_err());
        assert!(Phrase::parse("建立，台账").is_err());
        assert!(Phrase::parse("建立…台账").is_ok());
    }
}
