//! Lines of a document with their char offsets, and what a line looks like.

use crate::elements::date::{find_date, parse_cn_date, FoundDate};
use crate::elements::number::find_doc_number;

/// One line: its trimmed text and where that text sits in the document
/// (char offsets, end exclusive).
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// The text without any whitespace, for matching layouts that pad with
    /// spaces ("特　急", "附件： 1．").
    pub fn compact(&self) -> String {
        self.text.chars().filter(|c| !c.is_whitespace()).collect()
    }
}

fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}')
}

/// Split `text` into lines at `\n` (a `\r` is trimmed like a space).
pub(crate) fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut offset = 0usize;
    for raw in text.split('\n') {
        let chars: Vec<char> = raw.chars().collect();
        let lead = chars.iter().take_while(|&&c| is_trimmed(c)).count();
        let trail = chars[lead..]
            .iter()
            .rev()
            .take_while(|&&c| is_trimmed(c))
            .count();
        let content = &chars[lead..chars.len() - trail];
        lines.push(Line {
            text: content.iter().collect(),
            start: offset + lead,
            end: offset + lead + content.len(),
        });
        offset += chars.len() + 1;
    }
    lines
}

/// A paragraph of running text rather than a heading or a label.
pub(crate) fn is_body_like(line: &Line) -> bool {
    line.text.contains(['。', '；', '！', '？']) || line.len() > 60
}

/// Ends with a colon: a 主送 line ("各乡镇人民政府：") or a label.
pub(crate) fn ends_with_colon(line: &Line) -> bool {
    line.text.ends_with(['：', ':'])
}

/// A rule line standing in for the red separator ("——————").
pub(crate) fn is_separator(line: &Line) -> bool {
    let c = line.compact();
    c.chars().count() >= 3
        && c.chars().all(|ch| {
            matches!(
                ch,
                '-' | '—' | '_' | '＿' | '=' | '＝' | '*' | '＊' | '~' | '～' | '…' | '－'
            ) || ('\u{2500}'..='\u{257f}').contains(&ch)
        })
}

/// 份号: six digits alone.
pub(crate) fn is_copy_number(line: &Line) -> bool {
    let c = line.compact();
    c.chars().count() == 6
        && c.chars()
            .all(|ch| ch.is_ascii_digit() || ('０'..='９').contains(&ch))
}

/// 密级和保密期限, e.g. "机密★1年".
pub(crate) fn secrecy(line: &Line) -> Option<String> {
    let c = line.compact();
    let short = c.chars().count() <= 12;
    (short && ["绝密", "机密", "秘密"].iter().any(|s| c.starts_with(s))).then_some(c)
}

/// 紧急程度.
pub(crate) fn urgency(line: &Line) -> Option<String> {
    let c = line.compact();
    ["特急", "加急", "特提", "平急"]
        .contains(&c.as_str())
        .then_some(c)
}

/// 签发人 on its own or beside the document number: the name(s) after it.
pub(crate) fn signer(line: &Line) -> Option<String> {
    let at = line.text.find("签发人")?;
    let rest = line.text[at + "签发人".len()..].trim_start_matches([':', '：', ' ', '\u{3000}']);
    let name = rest.trim();
    (!name.is_empty() && name.chars().count() <= 30).then(|| name.to_owned())
}

/// A line that is a document number, possibly beside 签发人.
pub(crate) fn is_doc_number_line(line: &Line) -> bool {
    let chars: Vec<char> = line.text.chars().collect();
    let Some(found) = find_doc_number(&chars) else {
        return false;
    };
    let rest: String = chars[..found.start]
        .iter()
        .chain(&chars[found.end..])
        .filter(|c| !c.is_whitespace())
        .collect();
    rest.is_empty() || rest.starts_with("签发人")
}

/// "第3期": the issue number of minutes and briefs.
pub(crate) fn is_issue_number(line: &Line) -> bool {
    let c = line.compact();
    c.starts_with('第') && c.ends_with('期') && c.chars().count() <= 8
}

/// A line that is a date and nothing else: the 成文日期.
pub(crate) fn date_only(line: &Line) -> Option<chrono::NaiveDate> {
    if line.len() > 24 {
        return None;
    }
    parse_cn_date(&line.text)
}

/// "平安县人民政府办公室    2024年3月12日": an issuer beside a date, as
/// minutes print under their title.
pub(crate) fn issuer_and_date(line: &Line) -> Option<(String, FoundDate)> {
    if line.len() > 50 {
        return None;
    }
    let chars: Vec<char> = line.text.chars().collect();
    let found = find_date(&chars)?;
    let tail: String = chars[found.end..].iter().collect();
    let issuer: String = chars[..found.start]
        .iter()
        .collect::<String>()
        .trim()
        .to_owned();
    let issuer_ok = issuer.is_empty() || looks_like_org(&issuer);
    (tail.trim().is_empty() && issuer_ok).then_some((issuer, found))
}

/// "平安县人民政府办公室    2024年3月6日印发": 印发机关和印发日期.
pub(crate) fn printing(line: &Line) -> Option<(Option<String>, Option<chrono::NaiveDate>)> {
    let compact = line.compact();
    if !compact.ends_with("印发") || line.len() > 60 {
        return None;
    }
    let chars: Vec<char> = line.text.chars().collect();
    match find_date(&chars) {
        Some(found) => {
            let office: String = chars[..found.start]
                .iter()
                .collect::<String>()
                .trim()
                .to_owned();
            Some(((!office.is_empty()).then_some(office), Some(found.date)))
        }
        None => {
            let office = line.text.trim_end_matches("印发").trim().to_owned();
            Some(((!office.is_empty()).then_some(office), None))
        }
    }
}

/// Words an office's name ends with.
const ORG_ENDINGS: &[&str] = &[
    "人民政府",
    "政府",
    "办公室",
    "办公厅",
    "委员会",
    "党委",
    "党组",
    "工委",
    "纪委",
    "监委",
    "县委",
    "市委",
    "区委",
    "委",
    "局",
    "厅",
    "部",
    "处",
    "科",
    "署",
    "院",
    "会",
    "中心",
    "小组",
    "专班",
    "所",
    "站",
    "队",
    "公司",
    "街道",
    "办事处",
    "乡",
    "镇",
    "村",
    "社区",
];

/// Looks like the name of an office (or several, separated by spaces): short,
/// no sentence punctuation, ending with an office word.
pub(crate) fn looks_like_org(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    if !(2..=40).contains(&n) || s.contains(['。', '，', '：', ':', '；', '、', '《']) {
        return false;
    }
    let s = strip_trailing_bracket(s);
    ORG_ENDINGS.iter().any(|e| s.ends_with(e))
}

/// "平安县人民政府办公室（县外事办）" → "平安县人民政府办公室".
fn strip_trailing_bracket(s: &str) -> &str {
    let Some(inner) = s.strip_suffix('）').or_else(|| s.strip_suffix(')')) else {
        return s;
    };
    match inner.rfind(['（', '(']) {
        Some(open) => s[..open].trim_end(),
        None => s,
    }
}

/// A numbered list item: "1．", "2.", "3、", "（1）".
pub(crate) fn strip_item_number(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let digits_end = s.find(|c: char| !(c.is_ascii_digit() || ('０'..='９').contains(&c)))?;
    if digits_end == 0 {
        return None;
    }
    let rest = s[digits_end..].strip_prefix(['.', '．', '、'])?;
    Some(rest.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Line {
        split_lines(s).remove(0)
    }

    #[test]
    fn offsets_are_chars() {
        let lines = split_lines("　标题 \r\n\n  正文。");
        assert_eq!(lines.len(), 3);
        assert_eq!(
            (lines[0].text.as_str(), lines[0].start, lines[0].end),
            ("标题", 1, 3)
        );
        assert!(lines[1].is_blank());
        assert_eq!(
            (lines[2].text.as_str(), lines[2].start, lines[2].end),
            ("正文。", 9, 12)
        );
    }

    #[test]
    fn line_kinds() {
        assert!(is_separator(&line("————————————")));
        assert!(is_copy_number(&line("000123")));
        assert_eq!(secrecy(&line("机密★1年")).as_deref(), Some("机密★1年"));
        assert_eq!(urgency(&line("特　急")).as_deref(), Some("特急"));
        assert_eq!(
            signer(&line("平政发〔2024〕1号   签发人：张三")).as_deref(),
            Some("张三")
        );
        assert!(is_doc_number_line(&line(
            "平政发〔2024〕1号   签发人：张三"
        )));
        assert!(!is_doc_number_line(&line(
            "根据平政发〔2024〕1号文件精神，现通知如下"
        )));
        assert!(looks_like_org("平安县人民政府办公室"));
        assert!(looks_like_org("平安县整治形式主义为基层减负工作专班办公室"));
        assert!(!looks_like_org("关于做好基层减负工作的通知"));
        let (issuer, found) =
            issuer_and_date(&line("平安县人民政府办公室    2024年3月12日")).unwrap();
        assert_eq!(issuer, "平安县人民政府办公室");
        assert_eq!(found.date.to_string(), "2024-03-12");
        let (office, date) =
            printing(&line("平安县人民政府办公室        2024年3月6日印发")).unwrap();
        assert_eq!(office.as_deref(), Some("平安县人民政府办公室"));
        assert_eq!(date.map(|d| d.to_string()).as_deref(), Some("2024-03-06"));
    }

    #[test]
    fn item_numbers() {
        assert_eq!(strip_item_number("1．统计表"), Some("统计表"));
        assert_eq!(strip_item_number("2. 模板"), Some("模板"));
        assert_eq!(strip_item_number("12、名单"), Some("名单"));
        assert_eq!(strip_item_number("统计表"), None);
        assert_eq!(strip_item_number("2024年工作要点"), None);
    }
}
