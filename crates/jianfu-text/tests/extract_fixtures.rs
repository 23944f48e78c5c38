//! End to end: a fixture document saved as .docx, GBK .txt and UTF-16 .txt
//! reads back to the same elements.

use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use jianfu_text::{extract, parse_elements, DocKind, SourceFormat, TextEncoding};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    jianfu_text::decode_text(&bytes).unwrap().text
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A .docx as Word writes it: one `w:p` per line, leading full-width
/// indentation as text, runs split mid-line.
fn docx_from_text(text: &str) -> Vec<u8> {
    let mut body = String::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        let (a, b) = chars.split_at(chars.len() / 2);
        let a: String = a.iter().collect();
        let b: String = b.iter().collect();
        body.push_str(&format!(
            "<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii=\"仿宋_GB2312\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            escape(&a),
            escape(&b)
        ));
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in [
        ("[Content_Types].xml", "<Types/>".to_owned()),
        ("_rels/.rels", "<Relationships/>".to_owned()),
        ("word/document.xml", document),
    ] {
        writer.start_file(name, options).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn every_fixture_reads_the_same_from_docx_and_gbk() {
    for name in [
        "notice_county_office.txt",
        "letter.txt",
        "minutes.txt",
        "white_header_notice.txt",
        "request_with_signer.txt",
    ] {
        let text = fixture(name);
        let expected = parse_elements(&text);
        assert!(expected.title.is_some(), "{name}");

        let docx = extract("公文.docx", &docx_from_text(&text)).unwrap();
        assert_eq!(docx.format, SourceFormat::Docx);
        let from_docx = parse_elements(&docx.text);
        assert_eq!(from_docx.title, expected.title, "{name}");
        assert_eq!(from_docx.body, expected.body, "{name}");
        assert_eq!(from_docx.date, expected.date, "{name}");

        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable, "{name}");
        let txt = extract("公文.txt", &gbk).unwrap();
        assert_eq!(txt.encoding, Some(TextEncoding::Gbk), "{name}");
        assert_eq!(parse_elements(&txt.text), expected, "{name}");
    }
}

#[test]
fn utf16_notice_keeps_its_kind_and_length() {
    let text = fixture("notice_county_office.txt");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let got = extract("通知.txt", &bytes).unwrap();
    assert_eq!(got.encoding, Some(TextEncoding::Utf16Le));
    let doc = parse_elements(&got.text);
    assert_eq!(doc.kind, Some(DocKind::Notice));
    let length = jianfu_text::body_word_count(&got.text);
    assert!((300..5000).contains(&length), "{length}");
}

/// An .ofd as a converter lays it out (tests/fixtures/make_ofd.py): the red
/// header from a page template, one text object per visual line, the body
/// wrapped over lines and continued on page 2.
#[test]
fn ofd_notice_reads_back_to_its_elements() {
    let path = format!("{}/tests/fixtures/notice.ofd", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let got = extract("平政办发〔2024〕12号.ofd", &bytes).unwrap();
    assert_eq!(got.format, SourceFormat::Ofd);
    let text = &got.text;
    assert!(text.starts_with("平安县人民政府办公室文件\n"), "{text}");
    // Lines the layout wrapped are one paragraph again, also across the page
    // break; page numbers are gone.
    for paragraph in [
        "为切实减轻基层负担，经县人民政府同意，现将有关事项通知如下。\n",
        "\n二、不得要求村（社区）填报重复表格，不再要求报送纸质台账。\n",
        "\n三、对工作落后的乡镇实行一票否决，并签订目标责任书，每季度开展一次专项督查考核。\n",
    ] {
        assert!(text.contains(paragraph), "{paragraph} in {text}");
    }
    assert!(!text.contains("— 1 —") && !text.contains('—'), "{text}");
    let e = parse_elements(text);
    assert_eq!(
        e.doc_number.map(|n| n.text),
        Some("平政办发〔2024〕12号".to_string()),
        "{text}"
    );
    assert_eq!(
        e.title.as_deref(),
        Some("平安县人民政府办公室关于进一步规范督查检查考核工作的通知"),
        "{text}"
    );
    assert_eq!(e.kind, Some(DocKind::Notice));
    assert_eq!(
        e.recipients.as_deref(),
        Some("各乡镇人民政府，县政府各部门")
    );
    assert_eq!(e.date, chrono::NaiveDate::from_ymd_opt(2024, 3, 5));
}

#[test]
fn pdf_notice_reads_back_as_paragraphs_with_plain_ideographs() {
    // Printed by Chromium (make_pdf.sh): Type3 fonts, one line of text per
    // string, some glyphs mapped to Kangxi radicals.
    let path = format!("{}/tests/fixtures/notice.pdf", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let got = extract("通知.pdf", &bytes).unwrap();
    assert_eq!(got.format, SourceFormat::Pdf);
    let text = &got.text;
    for paragraph in [
        "\n为切实把基层干部从繁琐的台账报表中解脱出来，经县委同意，现就有关事项通知如下。\n",
        "\n一、各乡镇要建立安全生产工作台账，于每月5日前将上月工作情况报县应急管理局，并留存现场照片作为佐证材料。\n",
        "\n二、不再要求各村报送纸质台账，统一通过“一表通”系统填报。严禁要求基层干部每天打卡签到、晒在线时长。\n",
    ] {
        assert!(text.contains(paragraph), "{paragraph} in {text}");
    }
    assert!(
        !text.chars().any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c)),
        "{text}"
    );
    let e = parse_elements(text);
    assert_eq!(
        e.doc_number.map(|n| n.text),
        Some("示减负发〔2026〕5号".to_string())
    );
    assert_eq!(
        e.title.as_deref(),
        Some("示例县委办公室关于进一步规范基层工作台账和报表报送工作的通知")
    );
    assert_eq!(e.recipients.as_deref(), Some("各乡镇（街道），县直各单位"));
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fixture .doc (LibreOffice's Word 97 export, see make_doc.py) with
/// `edit` applied through the compound file.
fn edited_doc(edit: impl FnOnce(&mut cfb::CompoundFile<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut file = cfb::CompoundFile::open(Cursor::new(fixture_bytes("notice.doc"))).unwrap();
    edit(&mut file);
    file.flush().unwrap();
    file.into_inner().into_inner()
}

#[test]
fn word_97_doc_reads_paragraphs_fields_and_table_cells() {
    let got = extract("通知.doc", &fixture_bytes("notice.doc")).unwrap();
    assert_eq!(got.format, SourceFormat::Doc);
    let lines: Vec<&str> = got.text.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "平政办发〔2024〕12号",
            "平安县人民政府办公室关于精简会议文件的通知",
            "各乡镇人民政府，县政府各部门：",
            "　　为切实减轻基层负担，现将有关事项通知如下。",
        ]
    );
    // A line break inside a paragraph; a hyperlink field shows its result only.
    assert_eq!(lines[4], "详见县政府网站公告（Notice No. 12）。");
    assert!(!got.text.contains("HYPERLINK") && !got.text.contains("example.gov.cn"));
    // Each table cell on its own line, the row ends adding none.
    let table = lines.iter().position(|l| *l == "序号").unwrap();
    assert_eq!(
        lines[table..table + 6],
        ["序号", "发文单位", "计划印发时间", "1", "县教育局", "8月"]
    );
    assert_eq!(lines.last(), Some(&"2024年3月5日"));
    assert!(got.text.ends_with('\n'));
    let elements = parse_elements(&got.text);
    assert_eq!(
        elements.doc_number.map(|n| n.text).as_deref(),
        Some("平政办发〔2024〕12号")
    );
    assert_eq!(
        elements.title.as_deref(),
        Some("平安县人民政府办公室关于精简会议文件的通知")
    );
}

#[test]
fn wps_file_reads_like_a_doc() {
    let wps = edited_doc(|file| {
        file.create_stream("WpsCustomData")
            .unwrap()
            .write_all(b"kingsoft")
            .unwrap();
    });
    for name in ["通知.wps", "通知.doc"] {
        let got = extract(name, &wps).unwrap();
        assert_eq!(got.format, SourceFormat::Wps, "{name}");
        assert!(got.text.contains("县教育局"), "{name}");
    }
    let doc = extract("通知.wps", &fixture_bytes("notice.doc")).unwrap();
    assert_eq!(doc.format, SourceFormat::Wps);
}

#[test]
fn encrypted_or_damaged_doc_is_refused_in_chinese() {
    let encrypted = edited_doc(|file| {
        let mut stream = file.open_stream("WordDocument").unwrap();
        let mut flags = [0u8; 2];
        stream.seek(SeekFrom::Start(10)).unwrap();
        stream.read_exact(&mut flags).unwrap();
        flags[1] |= 0x01; // fEncrypted
        stream.seek(SeekFrom::Start(10)).unwrap();
        stream.write_all(&flags).unwrap();
    });
    let err = extract("通知.doc", &encrypted).unwrap_err();
    assert_eq!(err.code(), "encrypted_file");
    assert_eq!(err.to_string(), "该文件已加密，请去除密码后重新上传");

    let bytes = fixture_bytes("notice.doc");
    for cut in [600, 2048, bytes.len() / 2, bytes.len() - 512] {
        let err = extract("通知.doc", &bytes[..cut]).unwrap_err();
        assert_eq!(err.code(), "corrupt_file", "cut at {cut}: {err}");
        assert!(err.to_string().starts_with("文件已损坏，无法打开"), "{err}");
    }
}
