//! 发文字号: 机关代字 + 〔年份〕 + 发文顺序号 + 号, e.g. "平政办发〔2024〕12号".
//! Copiers type the hexagonal brackets 〔〕 as [], (), （） or 【】; we accept
//! those and write the standard 〔〕 back.

use serde::Serialize;

/// A document number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocNumber {
    /// Normalised text, e.g. "平政办发〔2024〕12号".
    pub text: String,
    /// 机关代字 (issuer code), e.g. "平政办发"; empty for a bare "〔2024〕3号".
    pub prefix: String,
    pub year: i32,
    /// 发文顺序号 (serial number).
    pub serial: u32,
}

const OPENING: &[char] = &['〔', '[', '［', '(', '（', '【', '〖', '{', '｛'];
const CLOSING: &[char] = &['〕', ']', '］', ')', '）', '】', '〗', '}', '｝'];

/// Parse a document number that is exactly `s` (surrounding spaces allowed).
pub fn parse_doc_number(s: &str) -> Option<DocNumber> {
    let chars: Vec<char> = s.trim().chars().collect();
    let found = find_doc_number(&chars)?;
    (found.start == 0 && found.end == chars.len()).then_some(found.number)
}

/// A document number found in a line, with the char range it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundNumber {
    pub number: DocNumber,
    pub start: usize,
    pub end: usize,
}

/// The first document number in `chars`.
pub(crate) fn find_doc_number(chars: &[char]) -> Option<FoundNumber> {
    (0..chars.len())
        .filter(|&i| OPENING.contains(&chars[i]))
        .find_map(|open| number_from_bracket(chars, open))
}

fn number_from_bracket(chars: &[char], open: usize) -> Option<FoundNumber> {
    let mut i = skip_spaces(chars, open + 1);
    let (year, after_year) = digits_at(chars, i, 4)?;
    if after_year - i != 4 {
        return None;
    }
    i = skip_spaces(chars, after_year);
    if !chars.get(i).is_some_and(|c| CLOSING.contains(c)) {
        return None;
    }
    i = skip_spaces(chars, i + 1);
    // Some offices write "第12号".
    if chars.get(i) == Some(&'第') {
        i += 1;
    }
    let (serial, after_serial) = digits_at(chars, i, 6)?;
    let end = skip_spaces(chars, after_serial);
    if chars.get(end) != Some(&'号') {
        return None;
    }
    let start = prefix_start(chars, open);
    let prefix: String = chars[start..open]
        .iter()
        .filter(|c| !c.is_whitespace())
        .collect();
    let year = i32::try_from(year).ok()?;
    let serial = u32::try_from(serial).ok()?;
    Some(FoundNumber {
        number: DocNumber {
            text: format!("{prefix}〔{year}〕{serial}号"),
            prefix,
            year,
            serial,
        },
        start,
        end: end + 1,
    })
}

/// The 机关代字 runs back over Han characters and Latin letters.
/// Spaces between the code and the bracket are tolerated.
fn prefix_start(chars: &[char], open: usize) -> usize {
    let mut end = open;
    while end > 0 && chars[end - 1].is_whitespace() && open - end < 4 {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && is_code_char(chars[start - 1]) && end - start < 20 {
        start -= 1;
    }
    if start == end {
        open
    } else {
        start
    }
}

fn is_code_char(c: char) -> bool {
    crate::count::is_han(c) || c.is_ascii_alphabetic()
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

/// Up to `max` Arabic digits (half or full width) at `i`: their value and
/// the index after them.
fn digits_at(chars: &[char], i: usize, max: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    let mut j = i;
    while let Some(d) = chars.get(j).and_then(|&c| digit(c)) {
        if j - i == max {
            return None;
        }
        value = value * 10 + u64::from(d);
        j += 1;
    }
    (j > i).then_some((value, j))
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn standard_and_copied_brackets() {
        for raw in [
            "平政办发〔2024〕12号",
            "平政办发[2024]12号",
            "平政办发（2024）12号",
            "平政办发(2024)12号",
            "平政办发【2024】12号",
            "平政办发［２０２４］１２号",
            "平政办发 〔2024〕 12 号",
            "平政办发〔2024〕第12号",
        ] {
            let n = parse_doc_number(raw).unwrap_or_else(|| panic!("{raw}"));
            assert_eq!(n.text, "平政办发〔2024〕12号", "{raw}");
            assert_eq!(n.prefix, "平政办发");
            assert_eq!(n.year, 2024);
            assert_eq!(n.serial, 12);
        }
    }

    #[test]
    fn bare_and_embedded_numbers() {
        let n = parse_doc_number("〔2024〕3号").unwrap();
        assert_eq!(n.prefix, "");
        assert_eq!(n.text, "〔2024〕3号");
        let chars: Vec<char> = "平政办发〔2024〕12号          签发人：张三"
            .chars()
            .collect();
        let found = find_doc_number(&chars).unwrap();
        assert_eq!(found.number.text, "平政办发〔2024〕12号");
        assert_eq!(found.start, 0);
        let chars: Vec<char> = "根据《通知》（中办发〔2019〕16号）要求".chars().collect();
        assert_eq!(find_doc_number(&chars).unwrap().number.prefix, "中办发");
    }

    #[test]
    fn not_numbers() {
        assert_eq!(parse_doc_number("（2024年）"), None);
        assert_eq!(parse_doc_number("平政办发〔24〕12号"), None);
        assert_eq!(parse_doc_number("平政办发〔2024〕12"), None);
        assert_eq!(parse_doc_number("平政办发〔2024〕1234567号"), None);
        assert_eq!(parse_doc_number("〔"), None);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let chars: Vec<char> = s.chars().collect();
            let _ = find_doc_number(&chars);
        }
    }
}
