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
    let (mut folded, mut origin) = (Vec::new(), Vec::new());
    fold_text(text, |c, i, _| {
        folded.push(c);
        origin.push(i);
    });
    let n = folded.len();
    let mut out = Normalized {
        chars: Vec::with_capacity(n),
        starts: Vec::with_capacity(n),
        ends: Vec::with_capacity(n),
        group_start: Vec::with_capacity(n),
    };
    let mut p = 0;
    while p < n {
        if let Some(rep) = compound_at(&folded[p..n.min(p + WINDOW)]) {
            let (start, end) = (origin[p], origin[p + rep.consumed - 1] + 1);
            for (k, &c) in rep.output().iter().enumerate() {
                out.push(c, start, end, k == 0);
            }
            p += rep.consumed;
        } else {
            out.push(folded[p], origin[p], origin[p] + 1, true);
            p += 1;
        }
    }
    out
}

/// Normalise `text` into `out` (cleared first) without the offset map: the
/// fast path for fingerprinting. Equal to `normalize(text).chars()`.
pub fn normalize_chars(text: &str, out: &mut Vec<char>) {
    let text = first_chars(text, MAX_DOC_CHARS);
    // Every char takes at least one byte: writing into a slice of that
    // size by index is cheaper than `push`, which the optimiser cannot
    // keep in registers around its growth path.
    out.clear();
    out.resize(text.len(), '\0');
    let mut len = 0;
    // Positions in `out` where a compound may start (about 6% of the
    // chars of an official document).
    let mut marks: Vec<u32> = Vec::with_capacity(text.len() / 32);
    let slots = out.as_mut_slice();
    fold_text(text, |c, _, may_start| {
        if let Some(slot) = slots.get_mut(len) {
            if may_start {
                // Fewer than MAX_DOC_CHARS chars, so within u32.
                marks.push(len as u32);
            }
            *slot = c;
            len += 1;
        }
    });
    out.truncate(len);
    replace_compounds_in_place(out, &marks);
}

impl Normalized {
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

/// Steps 1 and 2 over the first [`MAX_DOC_CHARS`] chars of `text`: calls
/// `keep(c, i, may_start)` for each char kept, folded to `c`, at original
/// char offset `i`, telling whether a compound may start with it. Inlined
/// into each caller, so what a caller ignores costs nothing. The UTF-8 is
/// decoded here rather than by `str::chars` so that the common case, a
/// three-byte CJK ideograph, takes the fewest instructions.
#[inline(always)]
fn fold_text(text: &str, mut keep: impl FnMut(char, u32, bool)) {
    let bytes = first_chars(text, MAX_DOC_CHARS).as_bytes();
    let (mut pos, mut index) = (0, 0u32);
    while pos < bytes.len() {
        let lead = bytes[pos];
        if lead < 0x80 {
            if lead.is_ascii_alphanumeric() {
                keep(char::from(lead.to_ascii_lowercase()), index, false);
            }
            pos += 1;
        } else {
            let (code, width) = match bytes.get(pos + 1..pos + 3) {
                Some(&[b1, b2]) if lead & 0xF0 == 0xE0 => (
                    (u32::from(lead & 0x0F) << 12)
                        | (u32::from(b1 & 0x3F) << 6)
                        | u32::from(b2 & 0x3F),
                    3,
                ),
                _ => decode_multibyte(bytes, pos),
            };
            pos += width;
            if (0x4E00..=0x9FFF).contains(&code) {
                // A CJK ideograph stays.
                if let Some(c) = char::from_u32(code) {
                    keep(c, index, is_compound_start(code));
                }
            } else if let Some(c) = char::from_u32(code).and_then(fold) {
                keep(c, index, false);
            }
        }
        // At most MAX_DOC_CHARS chars, so no overflow.
        index += 1;
    }
}

/// The first `max` chars of `text` (all of it when shorter).
fn first_chars(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    match text.char_indices().nth(max) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// The code point of the two- or four-byte UTF-8 sequence starting at
/// `bytes[pos]` (which comes from a `str`, so is well-formed), and its
/// length in bytes.
fn decode_multibyte(bytes: &[u8], pos: usize) -> (u32, usize) {
    let byte = |k: usize| bytes.get(pos + k).map_or(0, |&b| u32::from(b));
    let lead = byte(0);
    let cont = |k: usize| byte(k) & 0x3F;
    if lead < 0xE0 {
        (((lead & 0x1F) << 6) | cont(1), 2)
    } else if lead < 0xF0 {
        (((lead & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (
            ((lead & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        )
    }
}

/// Step 3 on folded chars, in place, visiting only the positions `marks`
/// (ascending) where a compound may start. A replacement is never longer
/// than the compound it replaces, so writing never overtakes reading.
fn replace_compounds_in_place(chars: &mut Vec<char>, marks: &[u32]) {
    let n = chars.len();
    let (mut read, mut write) = (0, 0);
    for &mark in marks {
        let at = mark as usize;
        if at < read {
            continue; // inside a compound already replaced
        }
        let Some(rep) = compound_at(&chars[at..n.min(at + WINDOW)]) else {
            continue;
        };
        if write != read {
            chars.copy_within(read..at, write);
        }
        write += at - read;
        let output = rep.output();
        chars[write..write + output.len()].copy_from_slice(output);
        write += output.len();
        read = at + rep.consumed;
    }
    if write != read {
        chars.copy_within(read..n, write);
    }
    chars.truncate(write + (n - read));
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
    /// Level words grouped by their first char, each group longest first.
    levels: Vec<(char, Vec<Vec<char>>)>,
    suffixes: Vec<(Vec<char>, Vec<char>)>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut levels: Vec<(char, Vec<Vec<char>>)> = Vec::new();
        for word in LEVEL_WORDS {
            let chars: Vec<char> = word.chars().collect();
            let Some(&first) = chars.first() else {
                continue;
            };
            match levels.iter_mut().find(|(c, _)| *c == first) {
                Some((_, group)) => group.push(chars),
                None => levels.push((first, vec![chars])),
            }
        }
        Tables {
            levels,
            suffixes: ORGAN_SUFFIXES
                .iter()
                .map(|(s, canon)| (s.chars().collect(), canon.chars().collect()))
                .collect(),
        }
    })
}

/// The chars a replaced compound can start with: the level prefixes and
/// the first chars of level words, all CJK ideographs.
const COMPOUND_STARTS: [char; 14] = [
    '全', '本', '各', '我', '该', '省', '市', '县', '区', '乡', '镇', '街', '村', '社',
];

/// One bit per CJK ideograph (U+4E00..=U+9FFF), set for
/// [`COMPOUND_STARTS`]: 2.6 KB, one load and no branch per char.
const COMPOUND_BITMAP: [u64; 328] = {
    let mut bits = [0u64; 328];
    let mut i = 0;
    while i < COMPOUND_STARTS.len() {
        let k = COMPOUND_STARTS[i] as usize - 0x4E00;
        bits[k >> 6] |= 1 << (k & 63);
        i += 1;
    }
    bits
};

/// Whether a replaced compound can start with the char `code`.
#[inline(always)]
fn is_compound_start(code: u32) -> bool {
    let k = code.wrapping_sub(0x4E00) as usize;
    COMPOUND_BITMAP
        .get(k >> 6)
        .is_some_and(|w| w & (1 << (k & 63)) != 0)
}

fn match_at(window: &[char], p: usize, word: &[char]) -> bool {
    // Element by element: a slice `==` would call `memcmp`.
    window.len() >= p + word.len() && window[p..].iter().zip(word).all(|(a, b)| a == b)
}

/// The length of the longest level word at `window[p..]`, if any.
fn level_at(window: &[char], p: usize) -> Option<usize> {
    let first = *window.get(p)?;
    let (_, group) = tables().levels.iter().find(|(c, _)| *c == first)?;
    group.iter().find(|w| match_at(window, p, w)).map(Vec::len)
}

/// A replaced compound: how many folded chars it consumes and the (at
/// most three) chars it becomes, never more than it consumes.
struct Replacement {
    consumed: usize,
    chars: [char; 3],
    len: usize,
}

impl Replacement {
    fn output(&self) -> &[char] {
        &self.chars[..self.len]
    }
}

/// Step 3 at the start of `window` (folded chars): the compound starting
/// there, if any.
#[inline]
fn compound_at(window: &[char]) -> Option<Replacement> {
    let &c = window.first()?;
    if !is_compound_start(c as u32) {
        return None;
    }
    if LEVEL_PREFIXES.contains(&c) {
        let len = level_at(window, 1)?;
        return Some(Replacement {
            consumed: 1 + len,
            chars: [c, LEVEL_PLACEHOLDER, LEVEL_PLACEHOLDER],
            len: 2,
        });
    }
    let len = level_at(window, 0)?;
    let (suffix, canonical) = tables()
        .suffixes
        .iter()
        .find(|(s, _)| match_at(window, len, s))?;
    let mut chars = [LEVEL_PLACEHOLDER; 3];
    for (slot, &k) in chars[1..].iter_mut().zip(canonical) {
        *slot = k;
    }
    Some(Replacement {
        consumed: len + suffix.len(),
        chars,
        len: 1 + canonical.len().min(2),
    })
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
    fn replacements_never_grow() {
        // `normalize_chars` replaces compounds in place, which needs this.
        for (suffix, canonical) in ORGAN_SUFFIXES {
            let (s, c) = (suffix.chars().count(), canonical.chars().count());
            assert!(c <= 2 && c <= s, "{suffix} → {canonical}");
        }
        assert!(LEVEL_WORDS.iter().all(|w| !w.is_empty()));
    }

    proptest::proptest! {
        #[test]
        fn fast_path_equals_the_offset_map(
            text in "[全本各我该省市县区乡镇街道村社居州人民政府党工委纪大协直级场务 ，。、a-zA-Z09１Ａ\u{E000}\u{3000}\n]{0,48}"
        ) {
            let norm = normalize(&text);
            let mut fast = Vec::new();
            normalize_chars(&text, &mut fast);
            proptest::prop_assert_eq!(norm.chars(), fast.as_slice());
            let chars = text.chars().count();
            for i in 0..norm.len() {
                let (start, end) = norm.char_origin(i).unwrap_or_default();
                proptest::prop_assert!(start < end && end <= chars);
            }
        }
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
