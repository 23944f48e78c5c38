use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    crate::decode_text(&bytes).unwrap().text
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn span_text(text: &str, span: Option<Span>) -> String {
    let span = span.expect("span");
    text.chars()
        .skip(span.start)
        .take(span.end - span.start)
        .collect()
}

#[test]
fn county_office_notice() {
    let text = fixture("notice_county_office.txt");
    let doc = parse_elements(&text);
    assert_eq!(doc.urgency.as_deref(), Some("特急"));
    assert_eq!(doc.issuer_mark.as_deref(), Some("平安县人民政府办公室文件"));
    let number = doc.doc_number.as_ref().unwrap();
    assert_eq!(number.text, "平政办发〔2024〕12号");
    assert_eq!(
        doc.title.as_deref(),
        Some("平安县人民政府办公室关于印发《平安县精文减会为基层减负十条措施》的通知")
    );
    assert_eq!(doc.kind, Some(DocKind::Notice));
    assert_eq!(
        doc.recipients.as_deref(),
        Some("各乡镇人民政府，县政府各部门、各直属机构")
    );
    let body = doc.body.as_deref().unwrap();
    assert!(body.starts_with("《平安县精文减会为基层减负十条措施》已经"));
    assert!(body.ends_with("报县基层减负工作专班办公室。"));
    assert!(!body.contains("附件："));
    assert_eq!(span_text(&text, doc.body_span), body);
    assert_eq!(
        span_text(&text, doc.title_span),
        "平安县人民政府办公室关于印发《平安县精文减会\n为基层减负十条措施》的通知"
    );
    assert_eq!(
        doc.attachment_names,
        ["平安县2024年度发文计划表", "平安县2024年度会议计划表"]
    );
    assert_eq!(doc.signatories, ["平安县人民政府办公室"]);
    assert_eq!(doc.date, ymd(2024, 3, 5));
    assert_eq!(doc.notes, ["（此件公开发布）"]);
    assert!(span_text(&text, doc.attachments_span).starts_with("附件1"));
    assert!(span_text(&text, doc.attachments_span).ends_with("县政府办　1月"));
    assert_eq!(
        doc.copied_to,
        [
            "县委办公室",
            "县人大常委会办公室",
            "县政协办公室",
            "县纪委监委",
            "县法院",
            "县检察院"
        ]
    );
    let printing = doc.printing.as_ref().unwrap();
    assert_eq!(printing.office.as_deref(), Some("平安县人民政府办公室"));
    assert_eq!(printing.date, ymd(2024, 3, 6));
    // The attachment tables do not count toward the length limit.
    assert_eq!(doc.body_word_count(), word_count(body));
    assert!(body_word_count(&text) < word_count(&text) - 100);
}

#[test]
fn letter_with_two_line_title_and_chinese_date() {
    let text = fixture("letter.txt");
    let doc = parse_elements(&text);
    assert_eq!(doc.issuer_mark.as_deref(), Some("平安县人民政府办公室"));
    assert_eq!(
        doc.doc_number.as_ref().map(|n| n.text.as_str()),
        Some("平政办函〔2024〕15号")
    );
    assert_eq!(
        doc.title.as_deref(),
        Some("平安县人民政府办公室关于商请支持开展基层减负专项调研的函")
    );
    assert_eq!(doc.kind, Some(DocKind::Letter));
    assert_eq!(doc.recipients.as_deref(), Some("市委政策研究室"));
    let body = doc.body.as_deref().unwrap();
    assert!(body.starts_with("为深入贯彻落实"));
    assert!(body.ends_with("联系电话：0000-1234567"));
    assert_eq!(doc.signatories, ["平安县人民政府办公室"]);
    assert_eq!(doc.date, ymd(2024, 4, 2));
    assert!(doc.copied_to.is_empty());
    assert_eq!(doc.printing, None);
}

#[test]
fn meeting_minutes() {
    let text = fixture("minutes.txt");
    let doc = parse_elements(&text);
    assert_eq!(doc.title.as_deref(), Some("平安县人民政府常务会议纪要"));
    assert_eq!(doc.kind, Some(DocKind::Minutes));
    assert_eq!(doc.issuer_mark, None);
    let number = doc.doc_number.as_ref().unwrap();
    assert_eq!(number.text, "〔2024〕3号");
    assert_eq!(number.prefix, "");
    assert_eq!(doc.recipients, None);
    assert_eq!(doc.date, ymd(2024, 3, 12));
    let body = doc.body.as_deref().unwrap();
    assert!(body.starts_with("2024年3月8日上午"));
    assert!(body.ends_with("负责同志"));
    assert!(doc.signatories.is_empty());
}

#[test]
fn white_header_notice_without_number() {
    let text = fixture("white_header_notice.txt");
    let doc = parse_elements(&text);
    assert_eq!(doc.issuer_mark, None);
    assert_eq!(doc.doc_number, None);
    assert_eq!(
        doc.title.as_deref(),
        Some("关于报送2024年第一季度基层减负工作情况的通知")
    );
    assert_eq!(doc.title_span.map(|s| (s.start, s.end)), Some((0, 24)));
    assert_eq!(doc.kind, Some(DocKind::Notice));
    assert_eq!(
        doc.recipients.as_deref(),
        Some("各乡镇人民政府、街道办事处，县直各部门，县属国有企业")
    );
    let body = doc.body.as_deref().unwrap();
    assert!(body.starts_with("根据市基层减负工作专班安排"));
    assert!(body.ends_with("通过政务网发送。"));
    assert_eq!(
        doc.attachment_names,
        [
            "2024年第一季度基层减负工作情况统计表",
            "基层减负典型案例报送模板"
        ]
    );
    assert_eq!(
        doc.signatories,
        ["平安县整治形式主义为基层减负工作专班办公室"]
    );
    assert_eq!(doc.date, ymd(2024, 3, 20));
    assert_eq!(doc.notes, ["（联系人：王某某，电话：0000-7654321）"]);
    assert!(doc.attachments_span.is_some());
}

#[test]
fn request_with_signer_crlf_and_square_brackets() {
    let text = fixture("request_with_signer.txt");
    let doc = parse_elements(&text);
    assert_eq!(doc.secrecy.as_deref(), Some("机密★1年"));
    assert_eq!(doc.issuer_mark.as_deref(), Some("平安县人民政府"));
    assert_eq!(
        doc.doc_number.as_ref().map(|n| n.text.as_str()),
        Some("平政〔2024〕8号")
    );
    assert_eq!(doc.signer.as_deref(), Some("王某某"));
    assert_eq!(
        doc.title.as_deref(),
        Some("平安县人民政府关于申请追加基层减负专项经费的请示")
    );
    assert_eq!(doc.kind, Some(DocKind::Request));
    assert_eq!(doc.recipients.as_deref(), Some("市人民政府"));
    assert!(doc.body.as_deref().unwrap().ends_with("妥否，请批示。"));
    assert_eq!(doc.signatories, ["平安县人民政府"]);
    assert_eq!(doc.date, ymd(2024, 5, 8));
    assert_eq!(doc.notes.len(), 1);
}

#[test]
fn title_only_and_plain_paragraphs() {
    let doc = parse_elements("关于做好基层减负工作的通知");
    assert_eq!(doc.kind, Some(DocKind::Notice));
    assert_eq!(doc.body, None);
    let doc = parse_elements("这是一段没有标题的文字。第二句。");
    assert_eq!(doc.title, None);
    assert_eq!(
        doc.body.as_deref(),
        Some("这是一段没有标题的文字。第二句。")
    );
    assert_eq!(body_word_count("这是一段没有标题的文字。"), 12);
    assert_eq!(parse_elements(""), DocumentElements::default());
    assert_eq!(parse_elements("\n\n  \n"), DocumentElements::default());
}

#[test]
fn body_without_title_after_header() {
    let text =
        "中共平安县委办公室\n平安县人民政府办公室\n\n各乡镇党委、政府：\n现将有关事项通知如下。\n";
    let doc = parse_elements(text);
    assert_eq!(
        doc.issuer_mark.as_deref(),
        Some("中共平安县委办公室\n平安县人民政府办公室")
    );
    assert_eq!(doc.recipients.as_deref(), Some("各乡镇党委、政府"));
    assert_eq!(doc.body.as_deref(), Some("现将有关事项通知如下。"));
}

#[test]
fn joint_signatories() {
    let text = "关于开展联合检查的通知\n\n各乡镇：\n定于4月开展联合检查。\n\n平安县财政局\n平安县审计局\n2024年3月1日\n";
    let doc = parse_elements(text);
    assert_eq!(doc.signatories, ["平安县财政局", "平安县审计局"]);
    assert_eq!(doc.body.as_deref(), Some("定于4月开展联合检查。"));
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    fn document_like() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            Just("关于做好工作的通知".to_owned()),
            Just("平政办发〔2024〕12号".to_owned()),
            Just("各乡镇：".to_owned()),
            Just("附件：1．表".to_owned()),
            Just("附件1".to_owned()),
            Just("2024年3月5日".to_owned()),
            Just("抄送：县委办。".to_owned()),
            Just("平安县人民政府办公室　2024年3月6日印发".to_owned()),
            Just("平安县人民政府办公室".to_owned()),
            Just("正文内容。".to_owned()),
            Just(String::new()),
            "\\PC{0,20}",
        ];
        proptest::collection::vec(pieces, 0..30).prop_map(|v| v.join("\n"))
    }

    proptest! {
        #[test]
        fn spans_match_their_text(text in document_like()) {
            let doc = parse_elements(&text);
            let total = text.chars().count();
            if let Some(span) = doc.body_span {
                prop_assert!(span.start <= span.end && span.end <= total);
                prop_assert_eq!(span_text(&text, Some(span)), doc.body.clone().unwrap());
            }
            if let Some(span) = doc.title_span {
                prop_assert!(span.start <= span.end && span.end <= total);
            }
            prop_assert!(doc.body_word_count() <= word_count(&text));
        }

        #[test]
        fn never_panics_on_anything(text in "\\PC{0,200}") {
            let _ = parse_elements(&text);
        }
    }
}
