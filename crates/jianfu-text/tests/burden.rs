//! Burden detection and padding share, as the document-analysis API uses
//! them (SPEC §3 module 3, §5 `POST /api/v1/analysis/document`).

use jianfu_text::burden::eval::{self, Split, HELDOUT_SET, LABELLED_SET};
use jianfu_text::burden::{detect, who_of, Burden, BurdenKind, Lexicon, Who};
use jianfu_text::padding::{padding_share, PaddingLexicon, SentenceClass};
use proptest::prelude::*;

fn lex() -> &'static Lexicon {
    Lexicon::builtin()
}

fn kinds(text: &str) -> Vec<BurdenKind> {
    detect(text, lex()).iter().map(|b| b.kind).collect()
}

fn only(text: &str, kind: BurdenKind) -> Burden {
    let found = detect(text, lex());
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    assert_eq!(found[0].kind, kind, "{text}: {found:?}");
    found.into_iter().next().unwrap()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn quality_on_the_test_split_meets_the_bar() {
    let report = eval::evaluate(lex(), LABELLED_SET).unwrap();
    let test = report.split(Split::Test).micro;
    let (p, r) = (test.precision().unwrap(), test.recall().unwrap());
    assert!(
        p >= 0.90 && r >= 0.85,
        "test micro P={p:.3} R={r:.3}\n{}",
        report.render()
    );
}

/// Floors on the held-out split of the blind set (`burden_heldout.tsv`),
/// at the figures reached: micro precision and recall, exact kind sets,
/// bearers. A failure shows the figures only: the held-out sentences are
/// never read while tuning.
#[test]
fn quality_on_the_blind_heldout_split_meets_the_bar() {
    let report = eval::evaluate(lex(), HELDOUT_SET).unwrap();
    assert_eq!(report.test_name, "heldout");
    let h = report.split(Split::Test);
    let figures = [
        ("micro precision", h.micro.precision(), P_FLOOR),
        ("micro recall", h.micro.recall(), R_FLOOR),
        ("exact kind sets", h.exact_accuracy(), EXACT_FLOOR),
        ("who", h.who_accuracy(), WHO_FLOOR),
    ];
    for (name, value, floor) in figures {
        let value = value.unwrap();
        assert!(value >= floor, "heldout {name} {value:.3} < {floor}");
    }
}

const P_FLOOR: f64 = 0.92;
const R_FLOOR: f64 = 0.92;
const EXACT_FLOOR: f64 = 0.85;
const WHO_FLOOR: f64 = 0.90;

#[test]
fn the_heldout_set_is_large_split_and_says_who() {
    let set = eval::parse_labelled(HELDOUT_SET).unwrap();
    assert!(set.len() >= 400, "{} sentences", set.len());
    let dev = set.iter().filter(|s| s.split == Split::Dev).count();
    assert!(dev * 4 >= set.len() && dev * 3 <= set.len(), "{dev} dev");
    assert!(set.iter().all(|s| s.kinds.is_empty() == s.who.is_none()));
    for kind in BurdenKind::all() {
        let n = set.iter().filter(|s| s.kinds.contains(&kind)).count();
        assert!(n >= 5, "{kind}: {n} positives");
    }
    for who in Who::all() {
        assert!(set.iter().any(|s| s.who == Some(who)), "{}", who.as_str());
    }
}

#[test]
fn the_labelled_set_is_large_and_covers_every_kind() {
    let set = eval::parse_labelled(LABELLED_SET).unwrap();
    assert!(set.len() >= 300, "{} sentences", set.len());
    let tests = set.iter().filter(|s| s.split == Split::Test).count();
    assert!(tests * 3 >= set.len() && tests * 3 <= 2 * set.len());
    for kind in BurdenKind::all() {
        let n = set.iter().filter(|s| s.kinds.contains(&kind)).count();
        assert!(n >= 10, "{kind}: {n} positives");
    }
    assert!(set.iter().filter(|s| s.kinds.is_empty()).count() >= 100);
}

#[test]
fn reductions_and_prohibitions_are_not_demands() {
    for text in [
        "不再要求各村报送台账。",
        "严禁打卡。",
        "严禁要求基层干部每天打卡签到、晒在线时长。",
        "不得要求基层填报与工作无关的报表。",
        "原则上不搞层层开会。",
        "取消一票否决事项。",
        "坚决杜绝拍照留痕。",
        "精简报表。",
        "减少各类台账和工作群数量。",
        "不以留痕多少作为考核依据。",
        "不得强制要求群众下载政务APP。",
        "除法律法规规定外，村（社区）不再出具证明。",
        "清理规范村级组织挂牌。",
        "会议指出，要持续为基层减负。",
        "上半年，县委召开了全县基层减负工作推进会。",
        "今年共清理各类工作台账300余本。",
        "市委办公室于5月组织开展了基层减负专项督查。",
    ] {
        assert_eq!(kinds(text), vec![], "{text}");
    }
}

#[test]
fn a_tally_of_what_was_done_is_no_demand_but_a_demanded_count_is() {
    assert_eq!(
        kinds("县农业农村局全年召开会议22次，印发文件35件。"),
        vec![]
    );
    assert_eq!(kinds("上半年开展督查检查15次，发现问题36个。"), vec![]);
    assert_eq!(
        kinds("各乡镇每季度召开减负工作专题会议1次。"),
        vec![BurdenKind::Meeting]
    );
    assert_eq!(
        kinds("县委督查室每年开展专项督查不少于2次。"),
        vec![BurdenKind::Inspection]
    );
    // The count governs its own clause only.
    assert_eq!(
        kinds("各乡镇召开专题会议，参会人员约30人次。"),
        vec![BurdenKind::Meeting]
    );
}

#[test]
fn conditional_and_deadline_wordings_stay_demands() {
    let b = only("未按要求报送的，将予以通报。", BurdenKind::Materials);
    assert_eq!(b.cue, "报送");

    let b = only(
        "相关材料不得迟于5月1日报送县委督查室。",
        BurdenKind::Materials,
    );
    assert_eq!(b.deadline.as_deref(), Some("不得迟于5月1日"));

    only("各村须签订安全承诺书，不得代签、漏签。", BurdenKind::Pledge);
}

#[test]
fn a_negator_governs_its_own_clause_only() {
    assert_eq!(
        kinds("不再要求基层报送纸质台账，统一通过“一表通”系统填报。"),
        vec![BurdenKind::Form]
    );
    assert_eq!(
        kinds("取消日报制度，改为每周报送一次工作进展。"),
        vec![BurdenKind::PeriodicReport]
    );
}

#[test]
fn one_sentence_may_carry_several_kinds_once_each() {
    let text = "各乡镇要建立工作台账，每日报送台账，留存照片等佐证资料，并建立巡查台账。";
    let found = detect(text, lex());
    let mut ks: Vec<BurdenKind> = found.iter().map(|b| b.kind).collect();
    ks.sort();
    assert_eq!(
        ks,
        vec![
            BurdenKind::Materials,
            BurdenKind::Ledger,
            BurdenKind::PeriodicReport,
            BurdenKind::TracePhoto
        ]
    );
    assert!(found.iter().all(|b| b.sentence == text));
}

#[test]
fn offsets_are_exact_character_offsets() {
    let text = "关于做好2025年防汛工作的通知\n\n　　各乡镇（街道）：\r\n　　一、请于6月1日前报送防汛责任人名单。各村（社区）要建立巡查台账；\
                每日17时前报送“零报告”！ASCII text, then 🌧 各学校要召开安全例会?  \n不得要求基层每天打卡。";
    let found = detect(text, lex());
    assert!(found.len() >= 5, "{found:?}");
    for b in &found {
        let slice: String = text.chars().skip(b.start).take(b.end - b.start).collect();
        assert_eq!(slice, b.sentence);
        assert!(b.sentence.contains(&b.cue));
    }
    let sentences: Vec<&str> = found.iter().map(|b| b.sentence.as_str()).collect();
    assert!(sentences.contains(&"各村（社区）要建立巡查台账；"));
    assert!(sentences.contains(&"每日17时前报送“零报告”！"));
    assert!(!sentences.iter().any(|s| s.contains("打卡")));
}

#[test]
fn frequency_deadline_and_targets_are_extracted() {
    let b = only(
        "各乡镇（街道）、各村（社区）每周五前报送本周工作进展。",
        BurdenKind::PeriodicReport,
    );
    assert_eq!(b.frequency.as_deref(), Some("每周"));
    assert_eq!(b.deadline.as_deref(), Some("每周五前"));
    assert_eq!(b.targets, vec!["各乡镇（街道）", "各村（社区）"]);
    assert_eq!(b.rule_id.as_deref(), Some("form.daily_zero_report"));

    let b = only(
        "请各学校于3月31日前将贯彻落实情况报县教育局。",
        BurdenKind::Materials,
    );
    assert_eq!(b.deadline.as_deref(), Some("3月31日前"));
    assert_eq!(b.frequency, None);
    assert_eq!(b.targets, vec!["各学校"]);
    assert_eq!(b.rule_id.as_deref(), Some("doc.implementation_report"));

    let b = only("各村每天上午10点前在工作群打卡。", BurdenKind::Checkin);
    assert_eq!(b.frequency.as_deref(), Some("每日"));
    assert_eq!(b.deadline.as_deref(), Some("每天上午10点前"));
    assert_eq!(b.targets, vec!["各村"]);

    let b = only(
        "各部门须于每月25日前报送本月重点工作完成情况。",
        BurdenKind::PeriodicReport,
    );
    assert_eq!(b.frequency.as_deref(), Some("每月"));
    assert_eq!(b.deadline.as_deref(), Some("每月25日前"));
}

#[test]
fn every_kind_maps_to_its_rule() {
    let cases = [
        (
            "各单位要报送佐证材料。",
            BurdenKind::Materials,
            "doc.implementation_report",
        ),
        ("各村要填写登记表。", BurdenKind::Form, "form.catalog"),
        ("各村要建立工作台账。", BurdenKind::Ledger, "form.catalog"),
        (
            "各村实行一日一报。",
            BurdenKind::PeriodicReport,
            "form.daily_zero_report",
        ),
        (
            "各村要落实零报告。",
            BurdenKind::ZeroReport,
            "form.daily_zero_report",
        ),
        ("各村要签订责任书。", BurdenKind::Pledge, "duty.veto_pledge"),
        ("实行一票否决。", BurdenKind::Veto, "duty.veto_pledge"),
        ("干部每天签到。", BurdenKind::Checkin, "digital.five_donts"),
        (
            "群众须关注公众号。",
            BurdenKind::AppDownload,
            "digital.five_donts",
        ),
        (
            "每月进行积分排名。",
            BurdenKind::Ranking,
            "digital.five_donts",
        ),
        (
            "活动要拍照上传。",
            BurdenKind::TracePhoto,
            "inspect.trace_scoring",
        ),
        ("各村要召开村民大会。", BurdenKind::Meeting, "meet.cascade"),
        ("要逐级传达会议精神。", BurdenKind::Relay, "meet.cascade"),
        (
            "县里将开展专项督查。",
            BurdenKind::Inspection,
            "inspect.plan",
        ),
        (
            "各村要统一挂牌。",
            BurdenKind::Signboard,
            "village.signboards",
        ),
        (
            "村委会须出具居住证明。",
            BurdenKind::Certificate,
            "village.certificates",
        ),
    ];
    for (text, kind, rule) in cases {
        let b = only(text, kind);
        assert_eq!(b.rule_id.as_deref(), Some(rule), "{text}");
        assert_eq!(
            lex().rule_for(kind).unwrap_or("doc.implementation_report"),
            rule
        );
    }
}

#[test]
fn burdens_serialize_with_snake_case_kinds() {
    let b = only("各村（社区）要落实零报告制度。", BurdenKind::ZeroReport);
    let json = serde_json::to_value(&b).unwrap();
    assert_eq!(json["kind"], "zero_report");
    assert_eq!(json["start"], 0);
    assert_eq!(json["end"], 15);
    assert_eq!(json["rule_id"], "form.daily_zero_report");
    assert_eq!(json["targets"][0], "各村（社区）");
    assert!(json["frequency"].is_null() && json["deadline"].is_null());
    assert_eq!(json["cue"], "零报告");
    assert_eq!(json["who"], "village");
}

#[test]
fn demands_say_who_must_do_them() {
    for (text, want) in [
        ("各乡镇（街道）要建立问题整改台账。", Who::Township),
        ("各村（社区）每周五前报送进展情况。", Who::Village),
        ("各乡镇要督促各村建立工作台账。", Who::Grassroots),
        ("各学校要组织家长签订安全承诺书。", Who::Grassroots),
        (
            "县直各部门主要负责人要签订党风廉政建设责任书。",
            Who::Department,
        ),
        ("各成员单位须按时参加联席会议。", Who::Department),
        ("县委办公室要建立发文统计台账。", Who::Upper),
        ("县应急管理局将对各乡镇开展明察暗访。", Who::Township),
        ("县委将对县直各部门开展年度绩效考核。", Who::Department),
        ("各镇街要将会议精神传达到所属各村。", Who::Township),
    ] {
        let found = detect(text, lex());
        assert!(!found.is_empty(), "{text}");
        assert!(found.iter().all(|b| b.who == want), "{text}: {found:?}");
        assert_eq!(who_of(text, lex()), want, "{text}");
    }
    assert!(Who::Village.is_grassroots() && !Who::Upper.is_grassroots());
}

#[test]
fn malformed_lexicons_are_refused_in_chinese() {
    let cases = [
        "[[cues]\nkind = \"ledger\"",
        "[[cues]]\nkind = \"台账\"\nphrases = [\"台账\"]",
        "[[cues]]\nkind = \"ledger\"\nphrases = []",
        "[[cues]]\nkind = \"ledger\"\nphrases = [\"建立……台账\"]",
        "[[cues]]\nkind = \"ledger\"\nphrases = \"台账\"",
        "[rules]\nledger = \"\"",
        "[scope]\nnegators = [\"\"]",
        "[targets]\nphrases = [\"各村\", \" \"]",
        "[frequency]\n\"每日\" = \"\"",
        "[settings]\nmax_gap = 1000",
    ];
    for toml in cases {
        let err = Lexicon::from_toml(toml).expect_err(toml);
        let message = err.to_string();
        assert!(has_chinese(&message), "{toml}: {message}");
        assert!(message.starts_with("词库"), "{toml}: {message}");
        assert!(lex().extended_with(toml).is_err(), "{toml}");
    }
    let err =
        Lexicon::from_toml("[[cues]]\nname = \"村级台账\"\nkind = \"ledgr\"\nphrases = [\"台账\"]")
            .unwrap_err();
    assert!(err.to_string().contains("村级台账") && err.to_string().contains("ledgr"));
    assert!(PaddingLexicon::from_toml("[boilerplate]\nphrase = []").is_err());
}

#[test]
fn extending_the_lexicon_flags_new_cues() {
    let text = "各村要每周更新“民情地图”并张贴公示。";
    assert_eq!(kinds(text), vec![]);

    let extended = lex()
        .extended_with(
            "[[cues]]\nname = \"民情地图\"\nkind = \"ledger\"\nphrases = [\"更新…民情地图\"]\n",
        )
        .unwrap();
    let found = detect(text, &extended);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, BurdenKind::Ledger);
    assert_eq!(found[0].cue, "更新“民情地图");
    assert_eq!(found[0].rule_id.as_deref(), Some("form.catalog"));
    assert_eq!(found[0].frequency.as_deref(), Some("每周"));

    // The base lexicon's scope still applies to the new cue.
    assert_eq!(detect("不再要求各村更新民情地图。", &extended), vec![]);

    // A rule can be replaced, and a new negator takes effect.
    let stricter = extended
        .extended_with("[rules]\nledger = \"village.work_items\"\n[scope]\nnegators = [\"暂缓\"]")
        .unwrap();
    let found = detect(text, &stricter);
    assert_eq!(found[0].rule_id.as_deref(), Some("village.work_items"));
    assert_eq!(detect("暂缓建立工作台账。", &stricter), vec![]);
    assert_eq!(kinds("暂缓建立工作台账。"), vec![BurdenKind::Ledger]);
}

#[test]
fn empty_text_has_no_burden_and_no_padding() {
    assert_eq!(detect("", lex()), vec![]);
    assert_eq!(detect(" \n\n　　\r\n", lex()), vec![]);
    let r = padding_share("", PaddingLexicon::builtin());
    assert_eq!(r.share, 0.0);
    assert_eq!((r.boilerplate_chars, r.concrete_chars), (0, 0));
    assert!(r.sentences.is_empty());
}

const SLOGANS: &[&str] = &[
    "各乡镇、县直各部门：",
    "为深入贯彻落实习近平总书记关于基层减负的重要论述，以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，现就有关事项通知如下。",
    "一、提高政治站位。各地各部门要高度重视，充分认识做好此项工作的重要意义，切实增强责任感和使命感。",
    "二、加强组织领导。要强化组织领导，精心组织、周密部署，形成齐抓共管、上下联动的工作合力。",
    "三、确保取得实效。要以钉钉子精神抓好落实，久久为功、常抓不懈，确保各项工作落到实处、见到实效。",
    "四、各乡镇要于4月30日前完成辖区危房排查。",
];

const TASKS: &[&str] = &[
    "一、4月30日前完成全县危房排查，排查农户12000户。",
    "二、县住建局牵头，5月31日前完成危房改造85户。",
    "三、县财政局于6月10日前拨付补助资金300万元。",
    "四、各乡镇于每月5日前报送上月改造进度。",
    "五、要高度重视，切实抓好落实。",
];

/// Paragraphs indented with two ideographic spaces, as notices are typed.
fn notice(paragraphs: &[&str]) -> String {
    paragraphs
        .iter()
        .map(|p| format!("\u{3000}\u{3000}{p}\n"))
        .collect()
}

#[test]
fn padding_share_is_high_on_slogans_and_low_on_tasks() {
    let lex = PaddingLexicon::builtin();
    let slogans = padding_share(&notice(SLOGANS), lex);
    let tasks = padding_share(&notice(TASKS), lex);
    assert!(slogans.share > 0.7, "{slogans:?}");
    assert!(tasks.share < 0.25, "{tasks:?}");
    assert!(tasks.concrete_chars > 0 && slogans.boilerplate_chars > 0);
    assert!(tasks
        .sentences
        .iter()
        .any(|s| s.class == SentenceClass::Boilerplate));
    for r in [&slogans, &tasks] {
        let total = r.boilerplate_chars + r.concrete_chars;
        assert!((r.share - r.boilerplate_chars as f64 / total as f64).abs() < 1e-12);
        assert!(r.sentences.windows(2).all(|w| w[0].end <= w[1].start));
    }
}

/// Text made of the words burden detection reacts to, so that generated
/// strings go through its every branch.
fn wordy_text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "各乡镇（街道）",
        "各村",
        "要",
        "不得",
        "严禁",
        "不再",
        "不得迟于",
        "了",
        "已",
        "共",
        "建立",
        "台账",
        "报送",
        "每日",
        "零报告",
        "打卡",
        "一票否决",
        "召开",
        "会议",
        "层层",
        "督查室",
        "检查",
        "挂牌",
        "出具",
        "证明",
        "3月31日前",
        "5个工作日内",
        "高度重视",
        "完成",
        "12户",
        "，",
        "。",
        "；",
        "：",
        "“",
        "”",
        "\n",
        "\r\n",
        "　",
        " ",
        "APP",
        "…",
        "🌧",
        "a",
        "é",
    ]);
    prop::collection::vec(words, 0..60).prop_map(|w| w.concat())
}

fn check_offsets(text: &str) {
    let n = text.chars().count();
    for b in detect(text, lex()) {
        assert!(b.start < b.end && b.end <= n, "{b:?}");
        let slice: String = text.chars().skip(b.start).take(b.end - b.start).collect();
        assert_eq!(slice, b.sentence);
    }
    for s in padding_share(text, PaddingLexicon::builtin()).sentences {
        assert!(s.start < s.end && s.end <= n);
    }
}

proptest! {
    #[test]
    fn detect_never_panics_and_offsets_hold(text in "\\PC{0,200}") {
        check_offsets(&text);
    }

    #[test]
    fn detect_handles_dense_burden_words(text in wordy_text()) {
        check_offsets(&text);
    }
}

#[test]
fn a_heading_and_the_sentence_under_it_are_one_demand() {
    let text = "（六）注重过程留痕。各村（社区）每项工作须拍照留存，并在工作群内及时反馈。\n（七）实行每日零报告。\n各乡镇要加强统筹。";
    let found = detect(text, lex());
    let first: Vec<&Burden> = found
        .iter()
        .filter(|b| b.sentence.starts_with("（六）"))
        .collect();
    assert!(!first.is_empty(), "{found:?}");
    for b in &first {
        assert_eq!(
            b.sentence,
            "（六）注重过程留痕。各村（社区）每项工作须拍照留存，并在工作群内及时反馈。"
        );
        let slice: String = text.chars().skip(b.start).take(b.end - b.start).collect();
        assert_eq!(slice, b.sentence);
        assert!(b.sentence.contains(&b.cue));
        assert_eq!(b.who, Who::Village, "{b:?}");
    }
    let photos = first
        .iter()
        .filter(|b| b.kind == BurdenKind::TracePhoto)
        .count();
    assert_eq!(photos, 1, "one kind once: {first:?}");
    // A heading on a line of its own stands alone; the sentence below is no part of it.
    let alone: Vec<&Burden> = found
        .iter()
        .filter(|b| b.sentence == "（七）实行每日零报告。")
        .collect();
    assert!(
        alone.iter().any(|b| b.kind == BurdenKind::ZeroReport),
        "{found:?}"
    );
    // A heading's demand on the county's departments is theirs.
    let found = detect(
        "（二）签订目标责任书。县直各部门要与县政府签订目标责任书。",
        lex(),
    );
    assert!(!found.is_empty());
    assert!(found.iter().all(|b| b.who == Who::Department), "{found:?}");
    // A sentence that only explains the heading does not name who bears it.
    let found = detect(
        "（八）建立工作台账。对排查发现的问题，要明确责任单位、责任人和整改时限。",
        lex(),
    );
    assert!(
        found.iter().any(|b| b.kind == BurdenKind::Ledger),
        "{found:?}"
    );
    assert!(found.iter().all(|b| b.who.is_grassroots()), "{found:?}");
}
