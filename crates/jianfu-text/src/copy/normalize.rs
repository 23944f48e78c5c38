//! Normalisation of a document before copy detection, with a map from every
//! normalised character back to the original characters it came from.
//!
//! Three steps, each context-free except the last:
//! 1. width and case: full-width ASCII (`Ａ１，`) becomes half-width, the
//!    ideographic space a space, Latin letters lower case;
//! 2. whitespace, control, private-use characters and punctuation (ASCII,
//!    CJK `，。、；：“”《》（）【】…—·`, bullets) are dropped;
//! 3. administrative level words are unified where they stand in an
//!    administrative compound, so that a county copying the city's notice
//!    with `全市`→`全县`, `市委`→`县委`, `市政府`→`县人民政府`,
//!    `各县（市、区）`→`各乡镇（街道）` still compares equal. The table is
//!    [`LEVEL_WORDS`], [`LEVEL_PREFIXES`] and [`ORGAN_SUFFIXES`]; a level word
//!    is replaced by [`LEVEL_PLACEHOLDER`] only right after a prefix
//!    (`全市`→`全◇`) or right before an organ suffix (`县人民政府`→`◇政府`),
//!    so `市场`, `城市` and `社区服务` are left alone.
//!
//! Each replacement is an atomic *group*: its output characters all map to
//! the whole original compound, and spans are snapped to group boundaries
//! (see [`Normalized::original_range`]), which keeps the property that the
//! original text of a span normalises to the span's normalised text.

use std::sync::OnceLock;

/// Stands for any administrative level (省/市/县/区/乡/镇/街道/村 and their
/// lists) inside a compound. A private-use character, so it never comes
/// from the text itself (private-use characters are dropped in step 2).
pub const LEVEL_PLACEHOLDER: char = '\u{E000}';

/// Administrative level words and the lists of them that documents use
/// (`各县（市、区）` reads `县市区` once punctuation is gone). Longest first.
pub const LEVEL_WORDS: &[&str] = &[
    "乡镇街道",
    "县市区",
    "市县区",
    "县区市",
    "村社区",
    "市州",
    "县市",
    "市县",
    "县区",
    "区县",
    "乡镇",
    "镇街",
    "街道",
    "社区",
    "村居",
    "省",
    "市",
    "县",
    "区",
    "乡",
    "镇",
    "村",
];

/// Characters that make the level word after them an administrative
/// reference: `全市`, `本县`, `各乡镇`, `我区`, `该村`.
pub const LEVEL_PREFIXES: &[char] = &['全', '本', '各', '我', '该'];

/// Organ suffixes that make the level word before them an administrative
/// reference, with the canonical form they normalise to (so `县委` and
/// `镇党委`, `市政府` and `县人民政府` agree). Longest first.
pub const ORGAN_SUFFIXES: &[(&str, &str)] = &[
    ("人民政府", "政府"),
    ("党工委", "委"),
    ("党委", "委"),
    ("政府", "政府"),
    ("纪委", "纪委"),
    ("人大", "人大"),
    ("政协", "政协"),
    ("委", "委"),
    ("直", "直"),
    ("级", "级"),
];

/// Documents longer than this many characters are cut here: no official
/// document comes near, and offsets stay within `u32`.
pub const MAX_DOC_CHARS: usize = 8_000_000;

/// A normalised text and its map back to the original characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    chars: Vec<char>,
    /// Original char offset where the group of each normalised char starts.
    starts: Vec<u32>,
    /// Original char offset (exclusive) where that group ends.
    ends: Vec<u32>,
    /// Whether a normalised char is the first of its group.
    group_start: Vec<bool>,
}

impl Normalized {
    /// The normalised characters.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// Number of normalised characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether nothing is left after normalisation.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The original char range `[start, end)` that normalised char `i`
    /// comes from (the whole compound for a replaced level word).
    pub fn char_origin(&self, i: usize) -> Option<(usize, usize)> {
        Some((*self.starts.get(i)? as usize, *self.ends.get(i)? as usize))
    }

    /// Whether `i` is a group boundary: the start of a group or the end.
    pub fn is_boundary(&self, i: usize) -> bool {
        i >= self.chars.len() || self.group_start[i]
    }

    /// The original char range of the normalised range `[start, end)`,
    /// which must lie on group boundaries and be non-empty.
    pub fn original_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end || !self.is_boundary(start) || !self.is_boundary(end) {
            return None;
        }
        Some((
            *self.starts.get(start)? as usize,
            *self.ends.get(end - 1)? as usize,
        ))
    }

    /// The normalised chars whose whole origin lies in the original char
    /// range `[start, end)`, as a normalised range.
    pub fn normalized_range(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.starts.partition_point(|&s| (s as usize) < start);
        let to = self.ends.partition_point(|&e| (e as usize) <= end);
        (from, to.max(from))
    }
}

/// Normalise `text` keeping the offset map.
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized::default();
    normalize_with(text, &mut out);
    out
}

/// Normalise `text` into `out` (cleared first) without the offset map: the
/// fast path for fingerprinting.
pub fn normalize_chars(text: &str, out: &mut Vec<char>) {
    out.clear();
    normalize_with(text, out);
}

/// Receives normalised characters.
trait Sink {
    fn push(&mut self, c: char, start: u32, end: u32, group_start: bool);
}

impl Sink for Vec<char> {
    #[inline]
    fn push(&mut self, c: char, _: u32, _: u32, _: bool) {
        Vec::push(self, c);
    }
}

impl Sink for Normalized {
    #[inline]
    fn push(&mut self, c: char, start: u32, end: u32, group_start: bool) {
        self.chars.push(c);
        self.starts.push(start);
        self.ends.push(end);
        self.group_start.push(group_start);
    }
}

/// Lookahead for compounds: a prefix and the longest level word, or the
/// longest level word and the longest suffix.
const WINDOW: usize = 8;

fn normalize_with<S: Sink>(text: &str, sink: &mut S) {
    let mut chars = text.chars().take(MAX_DOC_CHARS).enumerate();
    while let Some((i, c)) = chars.next() {
        // `take(MAX_DOC_CHARS)` keeps `i` within u32.
        let i = i as u32;
        let c = if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            c // the common case, ahead of `fold`: a CJK ideograph stays
        } else {
            match fold(c) {
                Some(c) => c,
                None => continue,
            }
        };
        if may_start_compound(c) {
            let mut window = [(c, i); WINDOW];
            let mut len = 1;
            for (j, d) in chars.clone() {
                if len == WINDOW {
                    break;
                }
                if let Some(d) = fold(d) {
                    window[len] = (d, j as u32);
                    len += 1;
                }
            }
            let consumed = replace_compound(&window[..len], 0, sink);
            if consumed > 0 {
                let last = window[consumed - 1].1 as usize;
                for (j, _) in chars.by_ref() {
                    if j == last {
                        break;
                    }
                }
                continue;
            }
        }
        sink.push(c, i, i + 1, true);
    }
}

/// Step 1 and 2 for one character: its folded form, or `None` to drop it.
#[inline]
fn fold(c: char) -> Option<char> {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)?,
        _ => c,
    };
    if c.is_ascii_alphanumeric() {
        return Some(c.to_ascii_lowercase());
    }
    if c.is_ascii() || c.is_whitespace() || c.is_control() || is_punctuation(c) {
        return None;
    }
    Some(c)
}

fn is_punctuation(c: char) -> bool {
    matches!(c,
        '\u{00A1}'..='\u{00BF}'
        | '\u{00D7}'
        | '\u{2000}'..='\u{206F}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2460}'..='\u{24FF}'
        | '\u{2500}'..='\u{27BF}'
        | '\u{3000}'..='\u{3004}'
        | '\u{3008}'..='\u{3020}'
        | '\u{3030}'..='\u{3037}'
        | '\u{303B}'..='\u{303F}'
        | '\u{E000}'..='\u{F8FF}'
        | '\u{FE10}'..='\u{FE1F}'
        | '\u{FE30}'..='\u{FE6F}'
        | '\u{FF5F}'..='\u{FF65}'
        | '\u{FFE0}'..='\u{FFEF}'
        | '\u{FEFF}'
    )
}

/// The tables as char vectors, built once.
struct Tables {
    levels: Vec<Vec<char>>,
    suffixes: Vec<(Vec<char>, Vec<char>)>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        levels: LEVEL_WORDS.iter().map(|w| w.chars().collect()).collect(),
        suffixes: ORGAN_SUFFIXES
            .iter()
            .map(|(s, canon)| (s.chars().collect(), canon.chars().collect()))
            .collect(),
    })
}

/// Whether `c` can start a level word (a cheap filter before the tables).
#[inline]
fn may_start_level(c: char) -> bool {
    matches!(
        c,
        '省' | '市' | '县' | '区' | '乡' | '镇' | '街' | '村' | '社'
    )
}

/// The chars a replaced compound can start with: the level prefixes and
/// the first chars of level words.
const COMPOUND_STARTS: [char; 14] = [
    '全', '本', '各', '我', '该', '省', '市', '县', '区', '乡', '镇', '街', '村', '社',
];

/// A 1024-bit filter of [`COMPOUND_STARTS`] by their low 10 bits, so the
/// common case (any other char) costs one load and no mispredicted branch.
const COMPOUND_FILTER: [u64; 16] = {
    let mut bits = [0u64; 16];
    let mut i = 0;
    while i < COMPOUND_STARTS.len() {
        let low = COMPOUND_STARTS[i] as usize & 1023;
        bits[low >> 6] |= 1 << (low & 63);
        i += 1;
    }
    bits
};

/// Whether a replaced compound can start with `c`.
#[inline]
fn may_start_compound(c: char) -> bool {
    let low = c as usize & 1023;
    COMPOUND_FILTER[low >> 6] & (1 << (low & 63)) != 0 && COMPOUND_STARTS.contains(&c)
}

fn match_at(stream: &[(char, u32)], p: usize, word: &[char]) -> bool {
    stream.len() >= p + word.len()
        && stream[p..p + word.len()]
            .iter()
            .zip(word)
            .all(|(s, w)| s.0 == *w)
}

fn level_at(stream: &[(char, u32)], p: usize) -> Option<usize> {
    let first = stream.get(p)?.0;
    if !may_start_level(first) {
        return None;
    }
    tables()
        .levels
        .iter()
        .find(|w| match_at(stream, p, w))
        .map(Vec::len)
}

/// Step 3 at stream position `p`: emit a replaced compound as one group and
/// return how many stream chars it consumed, or 0 if none starts here.
fn replace_compound<S: Sink>(stream: &[(char, u32)], p: usize, sink: &mut S) -> usize {
    let (c, start) = stream[p];
    if LEVEL_PREFIXES.contains(&c) {
        if let Some(len) = level_at(stream, p + 1) {
            let end = stream[p + len].1 + 1;
            sink.push(c, start, end, true);
            sink.push(LEVEL_PLACEHOLDER, start, end, false);
            return 1 + len;
        }
        return 0;
    }
    let Some(len) = level_at(stream, p) else {
        return 0;
    };
    let suffix = tables()
        .suffixes
        .iter()
        .find(|(s, _)| match_at(stream, p + len, s));
    let Some((suffix, canonical)) = suffix else {
        return 0;
    };
    let consumed = len + suffix.len();
    let end = stream[p + consumed - 1].1 + 1;
    sink.push(LEVEL_PLACEHOLDER, start, end, true);
    for &k in canonical {
        sink.push(k, start, end, false);
    }
    consumed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).chars().iter().collect()
    }

    #[test]
    fn width_case_punctuation_and_space() {
        assert_eq!(
            norm("２０２４年，ＡＢＣ 与abc。\n　（一）"),
            "2024年abc与abc一"
        );
        assert_eq!(norm("“十四五”规划"), "十四五规划");
        assert_eq!(norm("二〇二四年"), "二〇二四年");
    }

    #[test]
    fn unit_swaps_compare_equal() {
        assert_eq!(norm("全市各级"), norm("全县各级"));
        assert_eq!(norm("经市委、市政府同意"), norm("经县委、县人民政府同意"));
        assert_eq!(norm("各县（市、区）"), norm("各乡镇（街道）"));
        assert_eq!(norm("本市"), norm("本镇"));
        assert_eq!(norm("镇党委"), norm("市委"));
    }

    #[test]
    fn ordinary_words_keep_their_level_chars() {
        assert_eq!(norm("市场监管"), "市场监管");
        assert_eq!(norm("城市更新"), "城市更新");
        assert_eq!(norm("社区服务"), "社区服务");
    }

    #[test]
    fn offsets_point_back_to_the_original() {
        let n = normalize("为了，全市 工作");
        assert_eq!(
            n.chars().iter().collect::<String>(),
            format!("为了全{LEVEL_PLACEHOLDER}工作")
        );
        assert_eq!(n.char_origin(0), Some((0, 1)));
        assert_eq!(n.char_origin(2), Some((3, 5)));
        assert_eq!(n.char_origin(3), Some((3, 5)));
        assert_eq!(n.char_origin(4), Some((6, 7)));
        assert_eq!(n.original_range(2, 6), Some((3, 8)));
        assert_eq!(n.original_range(3, 6), None, "mid-group start");
        assert_eq!(n.normalized_range(3, 8), (2, 6));
    }
}
