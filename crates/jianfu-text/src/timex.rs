//! Time expressions and counts as Chinese administrative writing states
//! them: how often (每日、每周五、一月一报、按季度、《…月报表》), by when
//! (3月31日前、每月25日前、下午5点前、本月底前、每季度末、3个工作日内、
//! 即日起、限时办结), on which day (6月中旬、第三季度、2025年4月) and how
//! many (12户、1次、85%、300万元).
//!
//! One reading serves burden detection (the frequency and deadline of a
//! demand) and padding (a task with a time or a count is concrete). The
//! shapes are grammar, not vocabulary, so they are written here as one
//! regular expression of ordered alternatives (the leftmost match wins, and
//! at one position the first alternative: a deadline before a frequency,
//! a date before a count), followed by the few checks a regular expression
//! cannot make (what precedes a match, a year read as a count).

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What a time expression says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimexKind {
    /// How often: 每日、每周五、每月一次、一月一报、按季度、月报表.
    Frequency,
    /// By when: 3月31日前、每月25日前、下午5点前、月底前、每季度末、
    /// 5个工作日内、不得迟于5月1日、即日起、限时.
    Deadline,
    /// On or from which day or period: 6月中旬、2025年4月30日、第三季度、
    /// 上半年、自3月1日起、上午9:00.
    Date,
    /// How many: 12户、1次、两次、85%、300万元、3天.
    Count,
}

/// The unit of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    Hour,
    Day,
    Week,
    /// 旬: ten days.
    Xun,
    HalfMonth,
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl PeriodUnit {
    /// Its name after 每: 每日、每周、每季度.
    fn after_every(self) -> &'static str {
        match self {
            PeriodUnit::Hour => "小时",
            PeriodUnit::Day => "日",
            PeriodUnit::Week => "周",
            PeriodUnit::Xun => "旬",
            PeriodUnit::HalfMonth => "半月",
            PeriodUnit::Month => "月",
            PeriodUnit::Quarter => "季度",
            PeriodUnit::HalfYear => "半年",
            PeriodUnit::Year => "年",
        }
    }

    /// Its name after a number: 两天、3个月.
    fn after_number(self) -> &'static str {
        match self {
            PeriodUnit::Day => "天",
            PeriodUnit::Month => "个月",
            PeriodUnit::Quarter => "个季度",
            other => other.after_every(),
        }
    }

    fn parse(word: &str) -> Option<PeriodUnit> {
        Some(match word {
            "小时" => PeriodUnit::Hour,
            "日" | "天" | "工作日" => PeriodUnit::Day,
            "周" | "星期" => PeriodUnit::Week,
            "旬" => PeriodUnit::Xun,
            "半月" | "半个月" => PeriodUnit::HalfMonth,
            "月" | "月度" => PeriodUnit::Month,
            "季" | "季度" => PeriodUnit::Quarter,
            "半年" | "半年度" => PeriodUnit::HalfYear,
            "年" | "年度" => PeriodUnit::Year,
            _ => return None,
        })
    }
}

/// How often something recurs: every `every` `unit`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Period {
    pub every: u32,
    pub unit: PeriodUnit,
}

impl Period {
    /// The period as notices name it: 每日、每周、每两小时、每3个月.
    pub fn label(&self) -> String {
        match self.every {
            0 | 1 => format!("每{}", self.unit.after_every()),
            2 => format!("每两{}", self.unit.after_number()),
            n => format!("每{n}{}", self.unit.after_number()),
        }
    }
}

/// One time expression or count; `range` is in bytes of the text searched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Timex<'a> {
    pub kind: TimexKind,
    pub text: &'a str,
    pub range: Range<usize>,
    /// How often, for a frequency and for a recurring deadline or date
    /// (每月25日前 is monthly).
    pub period: Option<Period>,
    /// The measure word of a count (户、次、%), else None.
    pub unit: Option<&'a str>,
}

impl Timex<'_> {
    /// A count of occasions (次、场、轮、批、期、人次): what a demand asks
    /// to be done so many times, or a tally reports was done.
    pub fn is_occasions(&self) -> bool {
        self.kind == TimexKind::Count && self.unit.is_some_and(|u| OCCASIONS.contains(&u))
    }
}

const OCCASIONS: [&str; 8] = ["次", "场", "轮", "批", "期", "人次", "场次", "遍"];

/// Measure words that make a number a count (the longest is tried first).
const UNITS: &str = concat!(
    "%|％|‰|个百分点|百分点|人次|户次|场次|车次|架次|个工作日|工作日|",
    "个月|个季度|平方公里|平方米|立方米|公里|千米|公顷|万元|亿元|千瓦|",
    "公斤|千克|小时|分钟|课时|学时|个|人|户|次|项|件|张|名|位|所|家|",
    "座|处|间|套|台|辆|条|米|亩|吨|元|场|期|批|篇|份|天|周|年|栋|",
    "口|棵|株|头|只|本|册|块|类|例|宗|起|笔|支|队|轮|遍|倍|岁|分|",
    "页|斤|床|组|种|门|盏|根|个村|个乡镇|剂次|剂",
);

/// Holidays and seasons a deadline is set against: 春节前、汛期前.
const SEASONS: &str =
    "元旦|春节|清明节?|五一|劳动节|端午节?|中秋节?|国庆节?|主汛期|汛期|开学|秋收|麦收";

/// Small numbers as dates and periods write them: 5、05、１２、三、十二、两.
const NUM: &str = "(?:[0-9０-９]{1,3}|[一二三四五六七八九十两]{1,3})";

fn pattern() -> String {
    let n = NUM;
    let year = "(?:(?:19|20)[0-9]{2}|[１２][０-９]{3}|二〇[〇零一二三四五六七八九]{2})年";
    let day = format!("{n}[日号]");
    let month_part = format!("(?:{day}|底|末|初|上旬|中旬|下旬)");
    let month = "(?:[0-9０-９]{1,2}|十[一二]?|[一二三四五六七八九])月份?";
    // A month of the calendar, perhaps with its year and day: 2025年4月30日.
    let date = format!("(?:{year})?{month}{month_part}?");
    let weekday = "[一二三四五六日天1-7１-７]";
    let week_ref = format!("(?:每周|本周|下周|次周|每星期|本星期|周|星期){weekday}");
    let month_ref = format!("(?:每月|次月|下月|本月|当月|上月|每个月){month_part}");
    let quarter = "(?:第?[一二三四1-4１-４]季度|[上下]半年)(?:末|底|初)?";
    let quarter_ref = format!("(?:每|本|当|下|次)?季度?(?:首月|末月|第一个月|最后一个月){day}?");
    // 周末 alone is the weekend, not the end of a week's term.
    let period_end = format!(
        "(?:(?:每|本|当|今|次|下|明)?(?:年度?|月|季度|季|半年)|(?:每|本|下)周|{year})(?:底|末)"
    );
    let day_ref = "(?:每日|每天|每个工作日|当日|当天|次日|本日|今日|明日)";
    let hour = "(?:[0-9０-９]{1,2}|[一二]?十[一二三四]?|[一二三四五六七八九两])";
    let part_of_day = "(?:上午|下午|中午|晚上|早上|凌晨|傍晚|早|晚)";
    let minutes = format!("(?:{hour}分|半|整)?");
    let clock = format!("{hour}[:：][0-9０-９]{{2}}");
    // A time of day that reads as one alone: 下午5点、17:00、17时.
    // (一时 alone is "for a while"; 5点 alone is a count of points, as in 提出5点意见.)
    let time = format!(
        "(?:{part_of_day}{hour}[时点]{minutes}|{part_of_day}?{clock}|[0-9０-９]{{1,2}}时{minutes})"
    );
    let time_before = format!("(?:{time}|{hour}[时点]{minutes})");
    let point = format!(
        "(?:{date}|{month_ref}|{week_ref}|{quarter}|{quarter_ref}|{period_end}|{day_ref}|{day}|{SEASONS})"
    );
    let before = "(?:之前|以前|前)";
    let within_unit = "(?:个?工作日|自然日|日|天|小时|个?星期|周|个?月|个?季度|年)";
    let deadline = [
        format!("(?:不得迟于|不迟于|不晚于|最迟于?|最晚于?|截止(?:到|至|于)?)(?:{point})(?:{time_before})?"),
        format!("(?:{point})(?:{time_before})?{before}"),
        format!("{time_before}{before}"),
        // The end of every term is a deadline of itself (每季度末报送); the
        // end of one term without 前 is a date (年底将组织验收).
        format!("每(?:年度?|月|季度|季|半年|周)(?:底|末)(?:{time_before})?"),
        format!("{n}{within_unit}(?:之内|以内|内)"),
        "半个?(?:月|年)(?:之内|以内|内)".to_string(),
        "(?:今年|本年度?|当年|年度|本月|当月|本周|当周|当日|当天|年)(?:之内|以内|内)".to_string(),
        format!("提前{n}个?(?:工作日|日|天|小时|周)"),
        "(?:自|从)?即日起|限时|限期|汛前".to_string(),
    ];
    let every_unit = "(?:工作日|小时|半个?月|半年度?|季度|星期|年度|日|天|周|旬|月|季|年)";
    let frequency = [
        format!(
            "每(?:隔)?(?:{n}个?|个)?{every_unit}(?:{n}次|{day}|{weekday}(?:{time})?|{time})?"
        ),
        // 一月一报, 两周一次, 3个月一次, 半月一调度; not 一月一日.
        format!("(?:一(?:小时|日|天|周|星期|旬|月|季度|季|年)|{n}(?:个小时|个?星期|周|天|个月|个季度)|半(?:个?月|年))一[\\p{{Han}}--[日号月年]]"),
        format!("(?P<by>按|逐)(?:{every_unit})"),
        "(?:天天|日日|周周|月月)".to_string(),
        "(?P<noun>(?:日|周|旬|月|季|季度|月度|半年度?|年度))(?:报表|报告|报制度|通报|排名|调度会?|例会|小结|考核|研判|讲评)".to_string(),
    ];
    let dated = [
        format!("(?:截至|截止到?|自|从)?(?:{date}|{month_ref}|{quarter}|{period_end}|{week_ref})(?:{time})?(?:起|开始|以来)?"),
        time.clone(),
    ];
    let mut units: Vec<String> = UNITS.split('|').map(regex::escape).collect();
    units.sort_by_key(|u| std::cmp::Reverse(u.chars().count()));
    let units = units.join("|");
    let count = [
        format!(
            "(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二三四五六七八九十百千万两]{{2,}})(?:余|多)?(?:万|亿|千)?(?P<unit>{units})"
        ),
        "百分之[零〇一二三四五六七八九十百点]+".to_string(),
        "[一两二三四五六七八九十](?P<once>次|轮|遍)".to_string(),
    ];
    format!(
        "(?P<deadline>{})|(?P<frequency>{})|(?P<date>{})|(?P<count>{})",
        deadline.join("|"),
        frequency.join("|"),
        dated.join("|"),
        count.join("|")
    )
}

static TIMEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&pattern()).expect("the time-expression pattern is valid (tested)")
});

/// Every time expression and count of `text`, in order, none overlapping.
pub fn find(text: &str) -> Vec<Timex<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let Some(caps) = TIMEX.captures_at(text, at) else {
            break;
        };
        let whole = caps.get(0).expect("group 0 is the match");
        at = whole.end();
        if whole.is_empty() {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        if let Some(timex) = read(text, &caps) {
            out.push(timex);
        }
    }
    out
}

/// Whether `text` states a time, a frequency, a deadline or a count.
pub fn is_measurable(text: &str) -> bool {
    !find(text).is_empty()
}

/// The typed expression of one match, or None when the context refuses it.
fn read<'a>(text: &'a str, caps: &Captures<'a>) -> Option<Timex<'a>> {
    let whole = caps.get(0)?;
    let before = text[..whole.start()].chars().next_back();
    let after = text[whole.end()..].chars().next();
    let digit =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    let first = whole.as_str().chars().next();
    let last = whole.as_str().chars().next_back();
    if (digit(before) && digit(first)) || (digit(last) && digit(after)) {
        return None; // part of a longer number: 附件2：2025年 is no 2：20
    }
    let kind = if caps.name("deadline").is_some() {
        TimexKind::Deadline
    } else if caps.name("frequency").is_some() {
        TimexKind::Frequency
    } else if caps.name("date").is_some() {
        TimexKind::Date
    } else {
        TimexKind::Count
    };
    let mut unit = None;
    match kind {
        TimexKind::Frequency => {
            if caps.name("noun").is_some() && before.is_some_and(refuses_period_noun) {
                return None; // 当日报告, 本月报告, 2024年度考核
            }
            if caps.name("by").is_some()
                && after.is_some_and(|c| "龄期限节数份薪息利率".contains(c))
            {
                return None; // 按年龄, 按日期, 按季节
            }
        }
        TimexKind::Count => {
            if before.is_some_and(|c| c == '第' || c == '〔' || c == '[') {
                return None; // 第3次; 〔2025〕
            }
            if let Some(single) = caps.name("once") {
                if after == Some('性') {
                    return None; // 一次性
                }
                unit = Some(single.as_str());
            } else if let (Some(num), Some(u)) = (caps.name("num"), caps.name("unit")) {
                let period_word = u.as_str() == "期" && after == Some('间'); // 十四五期间
                if is_year(num.as_str(), u.as_str()) || is_vague(num.as_str()) || period_word {
                    return None;
                }
                unit = Some(u.as_str());
            } else {
                unit = Some("%");
            }
        }
        TimexKind::Deadline | TimexKind::Date => {}
    }
    let text = whole.as_str();
    Some(Timex {
        kind,
        text,
        range: whole.range(),
        period: period_of(kind, text),
        unit,
    })
}

/// A period noun (月报表) preceded by a number or a pointer (本月报告,
/// 当日报告, 3日报告) names one period, not a recurrence.
fn refuses_period_noun(c: char) -> bool {
    c.is_ascii_digit()
        || ('０'..='９').contains(&c)
        || "零〇一二三四五六七八九十两本当上下次今明去该即同前后翌隔首末半".contains(c)
}

/// 2025年 is a year, not a count of years.
fn is_year(num: &str, unit: &str) -> bool {
    unit == "年" && num.chars().count() == 4 && (num.starts_with("19") || num.starts_with("20"))
}

/// 千万、万千 say "many", not how many.
fn is_vague(num: &str) -> bool {
    num.chars().all(|c| "百千万".contains(c))
}

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "^(?:每隔?(?:(?P<n>{NUM})个?|个)?|(?P<m>{NUM})个?|按|逐)?(?P<u>小时|工作日|半个?月|半年度?|季度|星期|年度|月度|日|天|周|旬|月|季|年)"
    ))
    .expect("the period pattern is valid (tested)")
});

/// The period of a frequency, or of a deadline or date that recurs.
fn period_of(kind: TimexKind, text: &str) -> Option<Period> {
    let recurring = text.starts_with('每');
    if kind != TimexKind::Frequency && !recurring {
        return None;
    }
    let doubled = ["天天", "日日", "周周", "月月"];
    if let Some(word) = doubled.iter().find(|w| text.starts_with(**w)) {
        let unit = PeriodUnit::parse(&word[..word.len() / 2])?;
        return Some(Period { every: 1, unit });
    }
    let caps = PERIOD.captures(text)?;
    let unit = PeriodUnit::parse(caps.name("u")?.as_str())?;
    let every = caps
        .name("n")
        .or_else(|| caps.name("m"))
        .and_then(|n| small_number(n.as_str()))
        .unwrap_or(1);
    Some(Period { every, unit })
}

/// A number of up to three characters: 3、１２、三、十二、二十、两.
pub fn small_number(s: &str) -> Option<u32> {
    let digits: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if let Ok(n) = digits.parse() {
        return Some(n);
    }
    let value = |c: char| "零一二三四五六七八九".find(c).map(|i| (i / 3) as u32);
    let chars: Vec<char> = s
        .chars()
        .map(|c| if c == '两' { '二' } else { c })
        .collect();
    match chars[..] {
        ['十'] => Some(10),
        [c] => value(c),
        ['十', u] => Some(10 + value(u)?),
        [t, '十'] => Some(value(t)? * 10),
        [t, '十', u] => Some(value(t)? * 10 + value(u)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
