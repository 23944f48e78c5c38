//! Dates as official documents write them: "2024年3月5日" and
//! "二〇二四年三月五日" (the older 成文日期 form).

use chrono::NaiveDate;

/// A date found in a line: the date and the char range it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FoundDate {
    pub date: NaiveDate,
    pub start: usize,
    pub end: usize,
}

/// Parse a string that is a date and nothing else (whitespace and one pair
/// of round brackets around it allowed).
pub fn parse_cn_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let s = strip_brackets(s).unwrap_or(s).trim();
    let chars: Vec<char> = s.chars().collect();
    let (date, end) = date_at(&chars, 0)?;
    (end == chars.len()).then_some(date)
}

fn strip_brackets(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('（').or_else(|| s.strip_prefix('('))?;
    inner.strip_suffix('）').or_else(|| inner.strip_suffix(')'))
}

/// The first date in `chars`.
pub(crate) fn find_date(chars: &[char]) -> Option<FoundDate> {
    (0..chars.len()).find_map(|start| {
        let (date, end) = date_at(chars, start)?;
        Some(FoundDate { date, start, end })
    })
}

/// A date starting exactly at `i`: year, 年, month, 月, day, 日, with
/// optional spaces between the parts. Returns the date and the index after it.
fn date_at(chars: &[char], i: usize) -> Option<(NaiveDate, usize)> {
    let (year, i) = year_at(chars, i)?;
    let i = expect(chars, skip_spaces(chars, i), '年')?;
    let (month, i) = number_at(chars, skip_spaces(chars, i))?;
    let i = expect(chars, skip_spaces(chars, i), '月')?;
    let (day, i) = number_at(chars, skip_spaces(chars, i))?;
    let i = expect(chars, skip_spaces(chars, i), '日')?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    Some((date, i))
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

fn expect(chars: &[char], i: usize, c: char) -> Option<usize> {
    (chars.get(i) == Some(&c)).then_some(i + 1)
}

/// Four digits, all Arabic (half or full width) or all Chinese.
fn year_at(chars: &[char], i: usize) -> Option<(i32, usize)> {
    let digits = chars.get(i..i + 4)?;
    // A year is not the tail of a longer number.
    if i > 0
        && chars
            .get(i - 1)
            .is_some_and(|&c| arabic_digit(c).is_some() || chinese_digit(c).is_some())
    {
        return None;
    }
    let arabic: Option<Vec<u32>> = digits.iter().map(|&c| arabic_digit(c)).collect();
    let chinese: Option<Vec<u32>> = digits.iter().map(|&c| chinese_digit(c)).collect();
    let value = arabic
        .or(chinese)?
        .into_iter()
        .fold(0, |acc, d| acc * 10 + d);
    Some((i32::try_from(value).ok()?, i + 4))
}

/// A month or day number: one or two Arabic digits, or a Chinese numeral up
/// to 三十一 ("十", "十二", "二十", "二十五").
fn number_at(chars: &[char], i: usize) -> Option<(u32, usize)> {
    if let Some(d) = chars.get(i).and_then(|&c| arabic_digit(c)) {
        return match chars.get(i + 1).and_then(|&c| arabic_digit(c)) {
            Some(d2) => Some((d * 10 + d2, i + 2)),
            None => Some((d, i + 1)),
        };
    }
    let first = *chars.get(i)?;
    if first == '十' {
        return match chars
            .get(i + 1)
            .and_then(|&c| chinese_digit(c))
            .filter(|&d| d > 0)
        {
            Some(unit) => Some((10 + unit, i + 2)),
            None => Some((10, i + 1)),
        };
    }
    let tens = chinese_digit(first).filter(|&d| d > 0)?;
    if chars.get(i + 1) != Some(&'十') {
        return Some((tens, i + 1));
    }
    match chars
        .get(i + 2)
        .and_then(|&c| chinese_digit(c))
        .filter(|&d| d > 0)
    {
        Some(unit) => Some((tens * 10 + unit, i + 3)),
        None => Some((tens * 10, i + 2)),
    }
}

fn arabic_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn chinese_digit(c: char) -> Option<u32> {
    let d = match c {
        '〇' | '零' | '○' | 'O' | 'Ｏ' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    };
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn arabic_and_chinese_forms() {
        assert_eq!(parse_cn_date("2024年3月5日"), Some(ymd(2024, 3, 5)));
        assert_eq!(parse_cn_date("2024年03月05日"), Some(ymd(2024, 3, 5)));
        assert_eq!(
            parse_cn_date("２０２４年１２月３１日"),
            Some(ymd(2024, 12, 31))
        );
        assert_eq!(parse_cn_date("二〇二四年三月五日"), Some(ymd(2024, 3, 5)));
        assert_eq!(
            parse_cn_date("二○二三年十二月三十一日"),
            Some(ymd(2023, 12, 31))
        );
        assert_eq!(
            parse_cn_date("二〇二四年十月二十日"),
            Some(ymd(2024, 10, 20))
        );
        assert_eq!(
            parse_cn_date("二〇二四年十一月十日"),
            Some(ymd(2024, 11, 10))
        );
        assert_eq!(parse_cn_date("  2024 年 3 月 5 日 "), Some(ymd(2024, 3, 5)));
        assert_eq!(parse_cn_date("（2024年3月5日）"), Some(ymd(2024, 3, 5)));
    }

    #[test]
    fn rejects_impossible_and_partial() {
        assert_eq!(parse_cn_date("2024年2月30日"), None);
        assert_eq!(parse_cn_date("2024年13月1日"), None);
        assert_eq!(parse_cn_date("2024年3月"), None);
        assert_eq!(parse_cn_date("2024年3月5日印发"), None);
        assert_eq!(parse_cn_date("12024年3月5日"), None);
        assert_eq!(parse_cn_date("二〇二四年三十二月一日"), None);
        assert_eq!(parse_cn_date(""), None);
    }

    #[test]
    fn finds_dates_inside_lines() {
        let chars: Vec<char> = "平安县人民政府办公室    2024年3月6日印发".chars().collect();
        let found = find_date(&chars).unwrap();
        assert_eq!(found.date, ymd(2024, 3, 6));
        assert_eq!(chars[found.start], '2');
        assert_eq!(chars[found.end..].iter().collect::<String>(), "印发");
    }

    proptest! {
        #[test]
        fn every_valid_date_parses(days in 0i64..60_000) {
            let date = ymd(1950, 1, 1) + chrono::Duration::days(days);
            let text = date.format("%Y年%-m月%-d日").to_string();
            prop_assert_eq!(parse_cn_date(&text), Some(date));
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = parse_cn_date(&s);
            let chars: Vec<char> = s.chars().collect();
            let _ = find_date(&chars);
        }
    }
}
