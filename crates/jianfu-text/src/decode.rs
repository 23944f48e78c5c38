//! Turning the bytes of a text file into text.
//!
//! County offices still save plain text in GBK (Windows' "ANSI" in China),
//! newer systems in UTF-8, and Notepad sometimes in UTF-16. We try, in order:
//! a byte order mark, strict UTF-8, then GB18030 (which contains GBK).
//! A wrong guess would fill the ledger with mojibake, so anything that is not
//! valid in one of them is refused rather than decoded with replacements.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use crate::TextError;

/// The encoding a text file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 with a byte order mark (Windows Notepad's "UTF-8 with BOM").
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// GBK: GB18030's one- and two-byte part.
    Gbk,
    /// GB18030 with four-byte sequences (rare characters, Extension B).
    Gb18030,
}

impl TextEncoding {
    /// The name people know it by.
    pub fn as_str(&self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gbk => "GBK",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

/// Text decoded from a file, with line ends normalised to `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    pub text: String,
    pub encoding: TextEncoding,
}

/// Share of control characters (besides tab, newline, CR, form feed) above
/// which we call the content binary.
const MAX_CONTROL_SHARE: f64 = 0.01;

/// Decode the bytes of a text file.
///
/// Errors: [`TextError::BinaryContent`] for NUL bytes or too many control
/// characters, [`TextError::UnknownEncoding`] when the bytes are neither
/// UTF-8 nor GB18030.
pub fn decode_text(bytes: &[u8]) -> Result<DecodedText, TextError> {
    let (text, encoding) = decode_raw(bytes)?;
    if looks_binary(&text) {
        return Err(TextError::BinaryContent);
    }
    Ok(DecodedText {
        text: normalize_newlines(&text),
        encoding,
    })
}

fn decode_raw(bytes: &[u8]) -> Result<(String, TextEncoding), TextError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        let label = if encoding == UTF_8 {
            TextEncoding::Utf8Bom
        } else if encoding == UTF_16LE {
            TextEncoding::Utf16Le
        } else if encoding == UTF_16BE {
            TextEncoding::Utf16Be
        } else {
            return Err(TextError::UnknownEncoding);
        };
        let text = encoding
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(TextError::UnknownEncoding)?;
        return Ok((text.into_owned(), label));
    }
    if bytes.contains(&0) {
        return Err(TextError::BinaryContent);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), TextEncoding::Utf8));
    }
    if has_utf8_chinese_line(bytes) {
        // Read as GBK, those lines would come out as plausible-looking
        // nonsense (UTF-8 byte pairs are mostly valid GBK characters).
        return Err(TextError::MixedEncoding);
    }
    let text = GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or(TextError::UnknownEncoding)?;
    let label = if has_four_byte_gb18030(bytes) {
        TextEncoding::Gb18030
    } else {
        TextEncoding::Gbk
    };
    Ok((text.into_owned(), label))
}

/// Whether some line of a text that is not UTF-8 as a whole is UTF-8 with
/// at least three Chinese characters: GBK bytes read as UTF-8 almost never
/// make even one (it takes a lead byte E4–E9 and two bytes 80–BF in a row),
/// so such a line was written in UTF-8.
fn has_utf8_chinese_line(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').any(|line| {
        std::str::from_utf8(line).is_ok_and(|l| {
            l.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
                >= 3
        })
    })
}

/// Whether valid GB18030 `bytes` use a four-byte sequence
/// (lead 0x81–0xFE, then a digit 0x30–0x39), which GBK lacks.
fn has_four_byte_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(0x30..=0x39) => return true,
            _ => i += 2,
        }
    }
    false
}

fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') {
            control += 1;
        }
    }
    total > 0 && control as f64 / total as f64 > MAX_CONTROL_SHARE
}

/// `\r\n` and lone `\r` (old Mac files) become `\n`.
pub fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "关于进一步精简文件会议的通知\r\n各乡镇人民政府：\r\n";

    #[test]
    fn utf8_plain_and_with_bom() {
        let d = decode_text(SAMPLE.as_bytes()).unwrap();
        assert_eq!(d.encoding, TextEncoding::Utf8);
        assert_eq!(d.text, "关于进一步精简文件会议的通知\n各乡镇人民政府：\n");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode_text(&bom).unwrap();
        assert_eq!(d.encoding, TextEncoding::Utf8Bom);
        assert!(d.text.starts_with("关于"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in SAMPLE.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        let d = decode_text(&le).unwrap();
        assert_eq!(d.encoding, TextEncoding::Utf16Le);
        assert!(d.text.starts_with("关于进一步"));
        let d = decode_text(&be).unwrap();
        assert_eq!(d.encoding, TextEncoding::Utf16Be);
        assert!(d.text.ends_with("人民政府：\n"));
    }

    #[test]
    fn gbk_text() {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(SAMPLE);
        assert!(!unmappable);
        let d = decode_text(&bytes).unwrap();
        assert_eq!(d.encoding, TextEncoding::Gbk);
        assert_eq!(d.text, normalize_newlines(SAMPLE));
    }

    #[test]
    fn gb18030_four_byte_characters() {
        // "𠀀" (U+20000, Extension B) is 0x95 0x32 0x82 0x36 in GB18030.
        let text = "村名𠀀屯，€";
        let (bytes, _, unmappable) = GB18030.encode(text);
        assert!(!unmappable);
        assert!(bytes.windows(4).any(|w| w == [0x95, 0x32, 0x82, 0x36]));
        let d = decode_text(&bytes).unwrap();
        assert_eq!(d.encoding, TextEncoding::Gb18030);
        assert_eq!(d.text, text);
    }

    #[test]
    fn mixed_utf8_and_gbk_is_refused() {
        let (gbk, _, _) = GB18030.encode("各乡镇要按时报送材料。\n");
        let mut bytes = "关于做好减负工作的通知\n".as_bytes().to_vec();
        bytes.extend_from_slice(&gbk);
        assert_eq!(decode_text(&bytes), Err(TextError::MixedEncoding));
        // GBK alone, however long, is GBK.
        let long = "各乡镇要按时报送材料，不得层层加码。\n".repeat(200);
        let (gbk, _, _) = GB18030.encode(&long);
        assert_eq!(decode_text(&gbk).unwrap().encoding, TextEncoding::Gbk);
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(
            decode_text(b"PK\x03\x04\x00\x00abc"),
            Err(TextError::BinaryContent)
        );
        let controls: Vec<u8> = (0..200u8)
            .map(|i| if i % 10 == 0 { 0x01 } else { b'a' })
            .collect();
        assert_eq!(decode_text(&controls), Err(TextError::BinaryContent));
    }

    #[test]
    fn invalid_in_every_encoding_is_refused() {
        // 0xFF is never valid in UTF-8 nor a GB18030 lead byte.
        assert_eq!(
            decode_text(b"abc\xFF\xFFdef"),
            Err(TextError::UnknownEncoding)
        );
        // A GBK lead byte cut off at the end.
        assert_eq!(decode_text(b"abc\xB0"), Err(TextError::UnknownEncoding));
    }

    #[test]
    fn empty_is_empty_utf8() {
        let d = decode_text(b"").unwrap();
        assert_eq!(d.text, "");
        assert_eq!(d.encoding, TextEncoding::Utf8);
    }

    #[test]
    fn newlines_normalised() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_text(&bytes);
        }

        #[test]
        fn utf8_round_trips(s in "\\PC{0,80}") {
            let d = decode_text(s.as_bytes()).unwrap();
            prop_assert_eq!(d.text, s);
        }

        #[test]
        fn gbk_round_trips(s in "[\u{4E00}-\u{9FA5}a-z0-9，。\n]{1,80}") {
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(&s);
            prop_assume!(!unmappable);
            // A short GBK text can also be valid UTF-8 (the GBK bytes of "瞎" read as "Ϲ");
            // such input is ambiguous and UTF-8 rightly wins.
            prop_assume!(std::str::from_utf8(&bytes).is_err());
            let d = decode_text(&bytes).unwrap();
            prop_assert_eq!(d.text, s);
        }
    }
}
