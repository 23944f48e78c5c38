//! Radical and compatibility code points read back as the ideographs they
//! show. PDFs made with common CJK fonts map glyphs shared with the Kangxi
//! radicals to those code points (⽂ U+2F42 for 文, ⼀ U+2F00 for 一), and
//! text copied out of such a PDF carries them: they look right, yet no
//! search, count or burden cue matches them. Only these blocks are mapped
//! (by their Unicode compatibility decomposition); full-width punctuation
//! and everything else stay as written.

use std::borrow::Cow;

use unicode_normalization::char::decompose_compatible;

/// `text` with Kangxi radicals, CJK radical supplements and CJK
/// compatibility ideographs replaced by the unified ideographs they stand
/// for; borrowed when there are none.
pub fn unify_ideographs(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_variant) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(unified).collect())
}

fn is_variant(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{2FDF}' | '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}')
}

/// Simplified-form radicals that Unicode gives no decomposition, though each
/// is drawn with the glyph of a character in its own right.
const SIMPLIFIED_RADICALS: [(char, char); 22] = [
    ('\u{2EA0}', '民'),
    ('\u{2EC5}', '见'),
    ('\u{2EC6}', '角'),
    ('\u{2EC9}', '贝'),
    ('\u{2ECB}', '车'),
    ('\u{2ED3}', '长'),
    ('\u{2ED4}', '门'),
    ('\u{2ED9}', '韦'),
    ('\u{2EDA}', '页'),
    ('\u{2EDB}', '风'),
    ('\u{2EDC}', '飞'),
    ('\u{2EE2}', '马'),
    ('\u{2EE5}', '鱼'),
    ('\u{2EE6}', '鸟'),
    ('\u{2EE7}', '卤'),
    ('\u{2EE8}', '麦'),
    ('\u{2EE9}', '黄'),
    ('\u{2EEA}', '黾'),
    ('\u{2EEC}', '齐'),
    ('\u{2EEE}', '齿'),
    ('\u{2EF0}', '龙'),
    ('\u{2EF3}', '龟'),
];

fn unified(c: char) -> char {
    if !is_variant(c) {
        return c;
    }
    if let Some((_, ideograph)) = SIMPLIFIED_RADICALS.iter().find(|(r, _)| *r == c) {
        return *ideograph;
    }
    let mut parts = Vec::with_capacity(1);
    decompose_compatible(c, |d| parts.push(d));
    match parts.as_slice() {
        [one] => *one,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicals_from_a_pdf_become_ideographs() {
        assert_eq!(
            unify_ideographs("⽰例县关于进⼀步规范⼯作台账的通知，各部⻔每⽉5⽇前报送在线时⻓"),
            "示例县关于进一步规范工作台账的通知，各部门每月5日前报送在线时长"
        );
        // A compatibility ideograph, and a radical with no ideograph of its own.
        assert_eq!(unify_ideographs("\u{F902}\u{2E80}"), "\u{8ECA}\u{2E80}");
    }

    #[test]
    fn other_text_is_left_as_written() {
        let text = "各乡镇（街道）：请于３月底前报送ＡＢＣ。";
        assert!(matches!(unify_ideographs(text), Cow::Borrowed(t) if t == text));
    }
}
