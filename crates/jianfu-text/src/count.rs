//! Counting the length of a Chinese document the way Microsoft Word's
//! 字数 (word count) does, which is the figure the length rules use
//! ("≤ 5,000 字", 2024 规定 art. 2).
//!
//! The convention:
//! - every CJK character (Han, including the extension blocks and the
//!   compatibility ideographs, plus kana and Hangul) counts one;
//! - every full-width punctuation mark or CJK symbol (`，。、；：？！“”《》（）〔〕【】…——·`)
//!   counts one;
//! - every maximal run of other visible characters counts one: a run of
//!   Latin letters and digits (`GDP`, `2024`, `ＡＢＣ`, `５Ｇ`) is one word, so
//!   `2024年` counts 2 and `GDP增长` counts 3;
//! - whitespace (including the ideographic space `　`) and invisible
//!   format or control characters count zero and end a run.
//!
//! Our choice for half-width punctuation: like Word, it belongs to the run it
//! touches, so `3.5%`, `e-mail` and `GDP,` are one word each, and a
//! half-width mark standing alone between spaces or CJK characters (the `(`
//! and `)` in `(一)`) is a run of its own and counts one.

/// Word's 字数 of `text`.
pub fn word_count(text: &str) -> usize {
    count_detail(text).total()
}

/// The parts of a word count, as Word's 字数统计 dialog shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CountDetail {
    /// 中文字符: Han characters (and kana/Hangul).
    pub cjk_chars: usize,
    /// 全角标点: full-width punctuation and CJK symbols.
    pub cjk_punctuation: usize,
    /// 非中文单词: runs of Latin letters, digits and half-width marks.
    pub other_words: usize,
}

impl CountDetail {
    /// Word's 字数: the sum of the three parts.
    pub fn total(&self) -> usize {
        self.cjk_chars + self.cjk_punctuation + self.other_words
    }
}

/// How one character takes part in the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// Counts one on its own: a Han character, kana, Hangul.
    Ideograph,
    /// Counts one on its own: full-width punctuation, CJK symbols.
    WidePunctuation,
    /// Joins a run that counts one.
    RunPart,
    /// Counts nothing and ends a run.
    Gap,
}

/// Count `text`, split into the parts Word shows.
pub fn count_detail(text: &str) -> CountDetail {
    let mut detail = CountDetail::default();
    let mut in_run = false;
    for c in text.chars() {
        let class = classify(c);
        if class == CharClass::RunPart {
            if !in_run {
                detail.other_words += 1;
            }
            in_run = true;
            continue;
        }
        in_run = false;
        match class {
            CharClass::Ideograph => detail.cjk_chars += 1,
            CharClass::WidePunctuation => detail.cjk_punctuation += 1,
            CharClass::RunPart | CharClass::Gap => {}
        }
    }
    detail
}

/// Number of Han characters only (汉字数), for rules that cite it.
pub fn han_count(text: &str) -> usize {
    text.chars().filter(|&c| is_han(c)).count()
}

fn classify(c: char) -> CharClass {
    if c.is_whitespace() || c.is_control() || is_invisible(c) {
        CharClass::Gap
    } else if is_han(c) || is_other_ideographic_script(c) {
        CharClass::Ideograph
    } else if is_wide_letter_or_digit(c) {
        CharClass::RunPart
    } else if is_wide_punctuation(c) {
        CharClass::WidePunctuation
    } else {
        CharClass::RunPart
    }
}

/// Han ideographs: the unified blocks, their extensions and the
/// compatibility ideographs.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF      // Extension A
        | 0x4E00..=0x9FFF    // Unified Ideographs
        | 0xF900..=0xFAFF    // Compatibility Ideographs
        | 0x20000..=0x2A6DF  // Extension B
        | 0x2A700..=0x2EBEF  // Extensions C, D, E, F
        | 0x2EBF0..=0x2EE5F  // Extension I
        | 0x2F800..=0x2FA1F  // Compatibility Supplement
        | 0x30000..=0x323AF  // Extensions G, H
    )
}

/// Scripts Word counts per character in the 中文字符 figure.
fn is_other_ideographic_script(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // CJK radicals, Kangxi radicals
        | 0x3005..=0x3007    // 々〆〇: the iteration mark and the numeral zero
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3100..=0x312F    // Bopomofo
        | 0x3190..=0x31FF    // Kanbun, Bopomofo ext., CJK strokes, Katakana ext.
        | 0xAC00..=0xD7AF    // Hangul syllables
    )
}

/// Full-width Latin letters and digits: `０-９`, `Ａ-Ｚ`, `ａ-ｚ`.
fn is_wide_letter_or_digit(c: char) -> bool {
    matches!(c as u32, 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A)
}

/// Punctuation and symbols that Chinese text sets full width.
fn is_wide_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x3001..=0x303F      // CJK symbols and punctuation: 、。〇〈〉《》「」【】〔〕〖〗
        | 0x3200..=0x33FF    // enclosed CJK letters, CJK compatibility (㈠, ㎡)
        | 0xFE10..=0xFE1F    // vertical forms
        | 0xFE30..=0xFE6F    // CJK compatibility forms, small form variants
        | 0xFF01..=0xFF0F    // ！＂＃＄％＆＇（）＊＋，－．／
        | 0xFF1A..=0xFF20    // ：；＜＝＞？＠
        | 0xFF3B..=0xFF40    // ［＼］＾＿｀
        | 0xFF5B..=0xFF65    // ｛｜｝～ and half-width CJK brackets
        | 0xFFE0..=0xFFEE    // ￠￡￢￣￤￥ and half-width forms
        | 0x2010..=0x2027    // ‐–—―‖‘’“”…‧ set full width in Chinese text
        | 0x2030..=0x205E    // ‰′″※ and other general punctuation
        | 0x00B7             // · in names (伊力·买买提)
        | 0x2460..=0x24FF    // ①②③ enclosed alphanumerics
        | 0x2160..=0x217F    // Ⅰ Ⅱ Ⅲ Roman numerals
        | 0x25A0..=0x25FF    // ■□▲△◆◇○●
        | 0x2605..=0x2606    // ★☆ (密级 "机密★1年")
    )
}

/// Zero-width and format characters that a copy from a web page leaves.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD               // soft hyphen
        | 0x200B..=0x200F    // zero-width space/joiners, direction marks
        | 0x2028..=0x202E    // line/paragraph separators, embeddings
        | 0x2060..=0x206F    // word joiner, invisible operators
        | 0xFE00..=0xFE0F    // variation selectors
        | 0xFEFF             // byte order mark
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_like_word() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("2024年"), 2);
        assert_eq!(word_count("GDP增长"), 3);
        assert_eq!(word_count("为基层减负"), 5);
        assert_eq!(word_count("关于做好2024年基层减负工作的通知"), 15);
        assert_eq!(word_count("各乡镇人民政府，县直各部门："), 14);
        assert_eq!(word_count("“三个年”活动"), 7);
        assert_eq!(word_count("平政办发〔2024〕12号"), 9);
        assert_eq!(word_count("Hello world"), 2);
        assert_eq!(word_count("  \t\n\u{3000}"), 0);
    }

    #[test]
    fn half_width_marks_join_their_run() {
        assert_eq!(word_count("增长3.5%"), 3);
        assert_eq!(word_count("e-mail"), 1);
        assert_eq!(word_count("(一)"), 3);
        assert_eq!(word_count("a , b"), 3);
    }

    #[test]
    fn wide_letters_and_digits_form_runs() {
        assert_eq!(word_count("５Ｇ基站"), 3);
        assert_eq!(word_count("ＡＢＣ"), 1);
        assert_eq!(word_count("（一）"), 3);
    }

    #[test]
    fn extension_blocks_and_symbols_count_one() {
        assert_eq!(word_count("𠀀𪜀"), 2); // Extension B
        assert_eq!(word_count("二〇二四年"), 5);
        assert_eq!(word_count("——"), 2);
        assert_eq!(word_count("……"), 2);
        assert_eq!(word_count("①②"), 2);
        assert_eq!(word_count("a\u{200B}b"), 2);
    }

    #[test]
    fn detail_splits_the_total() {
        let d = count_detail("GDP增长3%，好。");
        assert_eq!(d.cjk_chars, 3);
        assert_eq!(d.cjk_punctuation, 2);
        assert_eq!(d.other_words, 2);
        assert_eq!(d.total(), 7);
        assert_eq!(han_count("GDP增长3%，好。"), 3);
    }

    fn mixed_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('减'),
                Just('负'),
                Just('𠀀'),
                Just('，'),
                Just('。'),
                Just('“'),
                Just('a'),
                Just('Z'),
                Just('7'),
                Just('.'),
                Just('%'),
                Just(' '),
                Just('\n'),
                Just('\u{3000}'),
                Just('Ａ'),
                any::<char>(),
            ],
            0..64,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn never_more_than_chars(s in mixed_text()) {
            prop_assert!(word_count(&s) <= s.chars().count());
        }

        #[test]
        fn joining_with_a_space_adds_counts(a in mixed_text(), b in mixed_text()) {
            let joined = format!("{a} {b}");
            prop_assert_eq!(word_count(&joined), word_count(&a) + word_count(&b));
        }

        #[test]
        fn concatenation_never_exceeds_sum(a in mixed_text(), b in mixed_text()) {
            let joined = format!("{a}{b}");
            prop_assert!(word_count(&joined) <= word_count(&a) + word_count(&b));
            prop_assert!(word_count(&joined) + 1 >= word_count(&a) + word_count(&b));
        }

        #[test]
        fn han_text_counts_each_char(s in "[\u{4E00}-\u{9FFF}]{0,50}") {
            prop_assert_eq!(word_count(&s), s.chars().count());
        }

        #[test]
        fn whitespace_is_free(s in mixed_text()) {
            let spaced: String = s.chars().flat_map(|c| [c, ' ']).collect();
            prop_assert!(word_count(&spaced) >= word_count(&s));
            let padded = format!("  {s}\n\n");
            prop_assert_eq!(word_count(&padded), word_count(&s));
        }
    }
}
