//! What a demanding sentence says about frequency (每日、每周), deadline
//! (3月31日前、每周五前、5个工作日内) and target units (各乡镇（街道）).
//! Frequencies and deadlines are read by [`crate::timex`], the one reader of
//! time expressions, which padding uses too.

use std::ops::Range;

use super::lexicon::Lexicon;
use crate::timex::{self, TimexKind};

/// The first deadline ([`timex`]) in `text[near]`, else in the whole of
/// `text`.
pub(crate) fn deadline(text: &str, near: Range<usize>) -> Option<String> {
    let first = |s: &str| {
        timex::find(s)
            .into_iter()
            .find(|t| t.kind == TimexKind::Deadline)
            .map(|t| t.text.to_string())
    };
    first(&text[near]).or_else(|| first(text))
}

/// The frequency stated in `text[near]`, else in the whole of `text`: the
/// earliest of a recurrence [`timex`] reads (每日、每月25日前、一月一报、
/// 月报表) and a phrase of the lexicon's `[frequency]` table.
pub(crate) fn frequency(lex: &Lexicon, text: &str, near: Range<usize>) -> Option<String> {
    let first = |s: &str| {
        let read = timex::find(s)
            .into_iter()
            .find_map(|t| Some((t.range.start, t.period?.label())));
        let listed = lex.frequency.as_ref().and_then(|(ac, values)| {
            let m = ac.find(s)?;
            Some((m.start(), values[m.pattern().as_usize()].clone()))
        });
        [read, listed]
            .into_iter()
            .flatten()
            .min_by_key(|(at, _)| *at)
    };
    first(&text[near])
        .or_else(|| first(text))
        .map(|(_, label)| label)
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
    fn more_deadlines_county_notices_set() {
        for (text, want) in [
            ("各乡镇每日下午5点前报送当日整治进展情况", "每日下午5点前"),
            ("每日17:00前通过系统上报", "每日17:00前"),
            ("于次月5日前报送上月数据", "次月5日前"),
            ("于每季度末报送季度小结", "每季度末"),
            ("年底前完成全部改造任务", "年底前"),
            ("自即日起开展集中排查", "自即日起"),
            ("对群众诉求限时办结", "限时"),
            ("请于本周五前反馈意见", "本周五前"),
            ("收到通知后3个工作日内报送名单", "3个工作日内"),
        ] {
            assert_eq!(dl(text).as_deref(), Some(want), "{text}");
        }
        // The deadline of the demand's own clause wins over an earlier one.
        let s = "3月底前完成摸排，各村每周五前报送进展";
        let clause = s.find("各村").unwrap()..s.len();
        assert_eq!(deadline(s, clause).as_deref(), Some("每周五前"));
    }

    #[test]
    fn frequencies_the_lexicon_listed_are_read_by_timex() {
        // Every phrase of the [frequency] table before timex read them.
        let old = [
            ("每日", "每日"),
            ("每天", "每日"),
            ("一日一报", "每日"),
            ("日报告", "每日"),
            ("日报制度", "每日"),
            ("日报表", "每日"),
            ("每周", "每周"),
            ("每星期", "每周"),
            ("一周一报", "每周"),
            ("周报告", "每周"),
            ("周报制度", "每周"),
            ("周报表", "每周"),
            ("周排名", "每周"),
            ("按周", "每周"),
            ("每半月", "每半月"),
            ("每旬", "每旬"),
            ("每月", "每月"),
            ("按月", "每月"),
            ("一月一报", "每月"),
            ("月报告", "每月"),
            ("月报制度", "每月"),
            ("月报表", "每月"),
            ("月通报", "每月"),
            ("每季度", "每季度"),
            ("每季", "每季度"),
            ("按季度", "每季度"),
            ("每半年", "每半年"),
            ("每年", "每年"),
            ("每小时", "每小时"),
            ("每两小时", "每两小时"),
        ];
        let lex = Lexicon::builtin();
        for (phrase, value) in old {
            let s = format!("各村实行{phrase}报送");
            assert_eq!(frequency(lex, &s, 0..0).as_deref(), Some(value), "{s}");
        }
        assert_eq!(
            frequency(lex, "于每月25日前报送", 0..0).as_deref(),
            Some("每月")
        );
        assert_eq!(
            frequency(lex, "每两周通报一次", 0..0).as_deref(),
            Some("每两周")
        );
        assert_eq!(frequency(lex, "请于3月31日前报送", 0..0), None);
        assert_eq!(frequency(lex, "本月报告一次", 0..0), None);
    }

    #[test]
    fn a_frequency_added_to_the_lexicon_is_read_where_it_stands() {
        let lex = Lexicon::builtin()
            .extended_with("[frequency]\n\"晨报制度\" = \"每日\"\n")
            .unwrap();
        let s = "实行晨报制度，每月汇总一次";
        assert_eq!(frequency(&lex, s, 0..0).as_deref(), Some("每日"));
        let s = "每月汇总一次，实行晨报制度";
        assert_eq!(frequency(&lex, s, 0..0).as_deref(), Some("每月"));
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
