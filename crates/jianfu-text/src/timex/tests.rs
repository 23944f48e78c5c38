use proptest::prelude::*;

use super::*;

/// (kind, text, period label) of every expression of `s`.
fn read(s: &str) -> Vec<(TimexKind, &str, Option<String>)> {
    find(s)
        .into_iter()
        .map(|t| (t.kind, t.text, t.period.map(|p| p.label())))
        .collect()
}

/// The texts of the expressions of one kind.
fn of(kind: TimexKind, s: &str) -> Vec<&str> {
    find(s)
        .into_iter()
        .filter(|t| t.kind == kind)
        .map(|t| t.text)
        .collect()
}

fn freq(s: &str) -> Vec<String> {
    find(s)
        .into_iter()
        .filter_map(|t| t.period.map(|p| p.label()))
        .collect()
}

use TimexKind::{Count, Date, Deadline, Frequency};

#[test]
fn frequencies_as_notices_write_them() {
    let cases = [
        ("各乡镇每日报送进展情况", "每日"),
        ("网格员每天巡查一遍", "每日"),
        ("每周召开一次调度会", "每周"),
        ("每周五报送本周工作动态", "每周"),
        ("每星期开展一次自查", "每周"),
        ("每旬报送一次汛情", "每旬"),
        ("每半月通报一次进度", "每半月"),
        ("每月对各乡镇开展一次专项督查", "每月"),
        ("每个月至少走访一次", "每月"),
        ("每季度召开一次联席会议", "每季度"),
        ("每季组织一次讲评", "每季度"),
        ("每半年开展一次评估", "每半年"),
        ("每年组织一次考核", "每年"),
        ("每年度开展一次述职", "每年"),
        ("每两小时报告一次水位", "每两小时"),
        ("每小时上报雨情", "每小时"),
        ("每两周通报一次", "每两周"),
        ("每3个月轮换一次", "每3个月"),
        ("实行一月一报制度", "每月"),
        ("坚持一周一调度", "每周"),
        ("做到一季一考核", "每季度"),
        ("一年一度的评比", "每年"),
        ("两周一次集中学习", "每两周"),
        ("半月一调度", "每半月"),
        ("按月报送完成情况", "每月"),
        ("按季度汇总上报", "每季度"),
        ("逐月通报排名", "每月"),
        ("周周排计划、月月报总结", "每周"),
        ("于每月25日前报送《城乡环境整治月报表》", "每月"),
        ("建立周报告制度", "每周"),
        ("实行日报制度", "每日"),
        ("开展季度考核", "每季度"),
        ("每个工作日上午9时前报送", "每日"),
    ];
    for (text, label) in cases {
        assert_eq!(
            freq(text).first().map(String::as_str),
            Some(label),
            "{text}: {:?}",
            read(text)
        );
    }
    assert_eq!(freq("周周排计划、月月报总结"), vec!["每周", "每月"]);
    assert_eq!(of(Frequency, "每月一次"), vec!["每月一次"]);
    assert_eq!(of(Frequency, "每周2次"), vec!["每周2次"]);
    assert_eq!(of(Frequency, "每周一上午9时"), vec!["每周一上午9时"]);
    assert_eq!(of(Frequency, "每周一上午"), vec!["每周一"]);
}

#[test]
fn things_that_are_not_frequencies() {
    for text in [
        "本月报告工作",
        "当日报告情况",
        "按年龄段分组",
        "按日期先后排序",
        "每人发放一份",
        "每户一档",
        "每村确定一名联络员",
        "2024年度考核结果",
        "人民日报刊发评论",
        "一月一日起施行",
        "按季节特点安排",
    ] {
        assert_eq!(freq(text), Vec::<String>::new(), "{text}: {:?}", read(text));
    }
}

#[test]
fn deadlines_by_day_hour_week_month_quarter_and_working_days() {
    let cases = [
        ("请于3月31日前报送", "3月31日前"),
        ("2025年4月30日前完成", "2025年4月30日前"),
        ("于4月30日之前上报", "4月30日之前"),
        ("12月15日以前办结", "12月15日以前"),
        ("于每月25日前报送", "每月25日前"),
        ("次月5日前报送上月数据", "次月5日前"),
        ("下月10日前反馈", "下月10日前"),
        ("各乡镇每日下午5点前报送", "每日下午5点前"),
        ("每日17:00前报送", "每日17:00前"),
        ("每日17：00前报送", "每日17：00前"),
        ("当日下午6时前反馈", "当日下午6时前"),
        ("次日上午10时前报告", "次日上午10时前"),
        ("下午5点前报县应急局", "下午5点前"),
        ("17时前报送", "17时前"),
        ("本周五前提交", "本周五前"),
        ("每周五前报送", "每周五前"),
        ("每周一上午10时前报送", "每周一上午10时前"),
        ("于本月底前完成", "本月底前"),
        ("月底前完成验收", "月底前"),
        ("6月底前完成", "6月底前"),
        ("每季度末报送", "每季度末"),
        ("于每月底报送", "每月底"),
        ("每季度首月10日前报送上季度情况", "每季度首月10日前"),
        ("年底前全部完成", "年底前"),
        ("2025年底前完成", "2025年底前"),
        ("今年底前建成", "今年底前"),
        ("三季度末前完成", "三季度末前"),
        ("6月中旬前完成排查", "6月中旬前"),
        ("5个工作日内报送", "5个工作日内"),
        ("3个工作日内办结", "3个工作日内"),
        ("在三日内传达", "三日内"),
        ("30日内整改到位", "30日内"),
        ("24小时内处置", "24小时内"),
        ("一周内反馈", "一周内"),
        ("两个月内完成", "两个月内"),
        ("半个月内完成", "半个月内"),
        ("年内完成", "年内"),
        ("本年度内完成", "本年度内"),
        ("不得迟于5月1日报送", "不得迟于5月1日"),
        ("最迟于6月30日完成", "最迟于6月30日"),
        ("截止6月30日", "截止6月30日"),
        ("自即日起至12月31日", "自即日起"),
        ("即日起开展排查", "即日起"),
        ("限时办结", "限时"),
        ("限期整改", "限期"),
        ("春节前发放到位", "春节前"),
        ("汛期前完成隐患排查", "汛期前"),
        ("提前3个工作日报备", "提前3个工作日"),
        ("25日前报送", "25日前"),
        ("于每月5号前报送", "每月5号前"),
    ];
    for (text, want) in cases {
        assert_eq!(
            of(Deadline, text).first().copied(),
            Some(want),
            "{text}: {:?}",
            read(text)
        );
    }
    let recurring = find("于每月25日前报送");
    assert_eq!(
        recurring[0].period.map(|p| p.label()).as_deref(),
        Some("每月")
    );
    assert_eq!(find("3月31日前")[0].period, None);
}

#[test]
fn dates_are_not_deadlines() {
    for (text, want) in [
        ("将于6月中旬开展督查", "6月中旬"),
        ("2024年3月召开推进会", "2024年3月"),
        ("自3月1日起施行", "自3月1日起"),
        ("截至2024年底", "截至2024年底"),
        ("自2025年4月起", "自2025年4月起"),
        ("第三季度开展评估", "第三季度"),
        ("上半年完成试点", "上半年"),
        ("年底将组织验收", "年底"),
        ("到本月底", "本月底"),
        ("上午9:00在县会议中心召开", "上午9:00"),
        ("5月20日上午9时召开", "5月20日上午9时"),
    ] {
        assert_eq!(of(Date, text), vec![want], "{text}: {:?}", read(text));
        assert!(of(Deadline, text).is_empty(), "{text}");
    }
    for text in [
        "会前认真研究，提前准备",
        "走在全省前列",
        "利用周末时间",
        "一时难以完成",
    ] {
        assert!(find(text).is_empty(), "{text}: {:?}", read(text));
    }
}

#[test]
fn counts_with_their_measure_words() {
    let cases = [
        ("排查农户12000户", "12000户", "户"),
        ("完成危房改造85户", "85户", "户"),
        ("拨付补助资金300万元", "300万元", "元"),
        ("覆盖率达到95%以上", "95%", "%"),
        ("提高到98.5％", "98.5％", "％"),
        ("开展一次专项督查", "一次", "次"),
        ("每年不少于2次", "2次", "次"),
        ("培训村干部300余人次", "300余人次", "人次"),
        ("新建村级卫生室12所", "12所", "所"),
        ("硬化道路3.5公里", "3.5公里", "公里"),
        ("共排查隐患二十三处", "二十三处", "处"),
        ("组织两轮交叉检查", "两轮", "轮"),
        ("下降百分之十", "百分之十", "%"),
        ("提高5个百分点", "5个百分点", "个百分点"),
        ("培训3天", "3天", "天"),
    ];
    for (text, want, unit) in cases {
        let counts: Vec<Timex<'_>> = find(text).into_iter().filter(|t| t.kind == Count).collect();
        assert_eq!(counts.len(), 1, "{text}: {:?}", read(text));
        assert_eq!(
            (counts[0].text, counts[0].unit),
            (want, Some(unit)),
            "{text}"
        );
    }
    assert!(find("召开会议22次")[0].is_occasions());
    assert!(!find("改造85户")[0].is_occasions());
}

#[test]
fn numbers_that_are_not_counts() {
    for text in [
        "2025年是十四五规划收官之年",
        "十四五期间",
        "坚决做到两个维护",
        "增强四个意识",
        "县政办发〔2025〕3号",
        "第3次全体会议",
        "一次性告知",
        "千方百计",
        "千家万户",
        "十分重要",
        "联系电话：0571-88888888",
        "一把手亲自抓",
        "党的二十届三中全会",
        "附件2：2025年度考核计划",
    ] {
        assert!(of(Count, text).is_empty(), "{text}: {:?}", read(text));
    }
}

#[test]
fn one_expression_per_stretch_of_text() {
    assert_eq!(
        read("各乡镇每日下午5点前报送当日整治进展情况"),
        vec![(Deadline, "每日下午5点前", Some("每日".to_string()))]
    );
    assert_eq!(
        read("每月对各乡镇开展一次专项督查"),
        vec![
            (Frequency, "每月", Some("每月".to_string())),
            (Count, "一次", None)
        ]
    );
    assert_eq!(
        read("县住建局牵头，5月31日前完成危房改造85户"),
        vec![(Deadline, "5月31日前", None), (Count, "85户", None)]
    );
}

#[test]
fn small_numbers() {
    for (s, n) in [
        ("3", 3),
        ("１２", 12),
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十五", 25),
        ("两", 2),
    ] {
        assert_eq!(small_number(s), Some(n), "{s}");
    }
    assert_eq!(small_number("几"), None);
}

proptest! {
    #[test]
    fn matches_are_ordered_and_inside_the_text(s in "[0-9每日周月季年前后内底末一二三四五个工作天小时点下午上于至起次户%：:限即\\PC]{0,60}") {
        let found = find(&s);
        for w in found.windows(2) {
            prop_assert!(w[0].range.end <= w[1].range.start);
        }
        for t in &found {
            prop_assert_eq!(&s[t.range.clone()], t.text);
            prop_assert!(!t.text.is_empty());
        }
    }
}
