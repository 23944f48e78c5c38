//! What a demanding sentence says about frequency (每日、每周), deadline
//! (3月31日前、每周五前、5个工作日内) and target units (各乡镇（街道）).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::Lexicon;

/// Deadlines as county notices write them. Written once here rather than
/// in the lexicon: the shapes are grammar, not vocabulary.
static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    let n = "[0-9０-９一二三四五六七八九十两]{1,3}";
    let date = format!(
        "(?:(?:[0-9０-９]{{4}})年)?{n}月(?:{n}[日号]|底|末|中旬|上旬|下旬)\
         |(?:每周|本周|下周|周)[一二三四五六日天]\
         |(?:每月|次月|下月|本月|当月)(?:{n}[日号]|底|末)\
         |每日|每天|当日|当天|次日\
         |(?:每季度|本季度|季度|每年|本年|年度)(?:末|底)\
         |月底|月末|年底|年末|季末\
         |{n}[日号]"
    );
    let time = format!("(?:上午|下午|中午|晚上|早上)?{n}(?:[:：][0-9０-９]{{2}}|时|点)半?");
    let pattern = format!(
        "(?:不得迟于|不迟于|最迟于?)(?:{date})(?:{time})?\
         |(?:{date})(?:{time})?(?:之前|以前|前)\
         |(?:{time})(?:之前|以前|前)\
         |{n}个?(?:工作日|日|天|小时|周|月)(?:之内|内)"
    );
    Regex::new(&pattern).expect("the deadline pattern is valid (tested)")
});

/// The first deadline in `text[range]`, else in the whole of `text`.
pub(crate) fn deadline(text: &str, near: Range<usize>) -> Option<String> {
    let first = |s: &str| DEADLINE.find(s).map(|m| m.as_str().to_string());
    first(&text[near]).or_else(|| first(text))
}

/// The frequency stated in `text[near]`, else in the whole of `text`.
pub(crate) fn frequency(lex: &Lexicon, text: &str, near: Range<usize>) -> Option<String> {
    let (ac, values) = lex.frequency.as_ref()?;
    let first = |s: &str| ac.find(s).map(|m| values[m.pattern().as_usize()].clone());
    first(&text[near]).or_else(|| first(text))
}

/// The target units named in `text`, in order, without repeats.
pub(crate) fn targets(lex: &Lexicon, text: &str) -> Vec<String> {
    let Some(ac) = &lex.targets else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for m in ac.find_iter(text) {
        let unit = &text[m.range()];
        if !out.iter().any(|u| u == unit) {
            out.push(unit.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dl(s: &str) -> Option<String> {
        deadline(s, 0..0)
    }

    #[test]
    fn deadlines_in_the_shapes_notices_use() {
        assert_eq!(dl("请于3月31日前报送").as_deref(), Some("3月31日前"));
        assert_eq!(dl("各乡镇每周五前报送").as_deref(), Some("每周五前"));
        assert_eq!(
            dl("相关材料不得迟于5月1日报送").as_deref(),
            Some("不得迟于5月1日")
        );
        assert_eq!(dl("每日17时前报送").as_deref(), Some("每日17时前"));
        assert_eq!(dl("每天上午10点前报送").as_deref(), Some("每天上午10点前"));
        assert_eq!(dl("活动结束后5个工作日内").as_deref(), Some("5个工作日内"));
        assert_eq!(dl("于本月底前上报").as_deref(), Some("本月底前"));
        assert_eq!(
            dl("2025年4月30日前完成").as_deref(),
            Some("2025年4月30日前")
        );
        assert_eq!(dl("在三日内传达"), Some("三日内".into()));
        assert_eq!(dl("会前认真研究，提前准备"), None);
        assert_eq!(dl("将于6月中旬开展督查"), None);
    }

    #[test]
    fn frequency_and_targets_from_the_lexicon() {
        let lex = Lexicon::builtin();
        let s = "各乡镇（街道）、各村（社区）每天报送，各乡镇汇总";
        assert_eq!(frequency(lex, s, 0..0).as_deref(), Some("每日"));
        assert_eq!(
            targets(lex, s),
            vec!["各乡镇（街道）", "各村（社区）", "各乡镇"]
        );
    }
}
