//! Hostile files cannot take the server down (issue 10). Each shape an attacker with a filer's
//! account sent — a workbook with cells at A1 and XFD1048576, a workbook whose one shared string
//! inflates to hundreds of MB, a PDF whose content stream inflates to 15 MB of no-op operators,
//! a PDF of 500 such pages — gets a Chinese 4xx naming the file within seconds; the server
//! keeps serving and its memory does not grow (the parsing happens in a worker process that is
//! killed at its deadline). A full parsing queue answers 503; a caller who may not attach is
//! refused before the body is read.
use crate::both_backends;
use crate::helpers::{
    assert_error, csrf_of, parse_config, spawn_app, spawn_app_with, Backend, TestApp,
};
use jianfu_parse::{ParseConfig, Parser};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};

both_backends!(
    hostile_files_get_a_chinese_4xx_and_the_server_keeps_serving,
    a_full_parse_queue_answers_503,
    a_caller_who_may_not_attach_is_refused_before_the_body
);

/// The tests' parse limits: a 4-second deadline and 4 CPU-seconds.
fn short_limits() -> ParseConfig {
    ParseConfig {
        deadline: Duration::from_secs(4),
        cpu_seconds: 4,
        ..parse_config()
    }
}

/// How long an answer to a hostile file may take: the deadline, then some slack for a busy
/// machine.
const ANSWERED_WITHIN: Duration = Duration::from_secs(12);

/// A short notice of the agriculture bureau, to attach files to.
async fn document(app: &TestApp) -> i64 {
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let (status, doc) = app
        .send(
            "filer",
            "POST",
            "/api/v1/documents",
            &json!({"issuer_id": agri, "title": "关于做好秋粮收购工作的通知", "kind": "通知", "carrier": "formal",
                    "issued_on": "2026-10-12", "targets": [{"unit_id": county, "level": "township"}],
                    "body": "为切实减轻基层负担，现就有关事项通知如下。"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    doc["id"].as_i64().expect("document id")
}

/// The resident memory of this process (the server runs in it), in MiB; `None` off Linux.
fn rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Writes a part of a workbook in pieces (so a huge part is never held whole).
type WritePart<'a> = &'a dyn Fn(&mut dyn Write);

/// An .xlsx written by hand: its worksheet XML and, if given, its shared strings.
fn xlsx(sheet: &str, shared: Option<WritePart<'_>>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let part = |zip: &mut zip::ZipWriter<_>, name: &str, body: &[u8]| {
        zip.start_file(name, deflated).expect("zip entry");
        zip.write_all(body).expect("zip write");
    };
    part(&mut zip, "[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#);
    part(&mut zip, "_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#);
    part(&mut zip, "xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
    part(&mut zip, "xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#);
    part(&mut zip, "xl/worksheets/sheet1.xml", sheet.as_bytes());
    if let Some(write) = shared {
        zip.start_file("xl/sharedStrings.xml", deflated)
            .expect("zip entry");
        write(&mut zip);
    }
    zip.finish().expect("zip").into_inner()
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// 1.4 KB: one cell at A1 and one at XFD1048576. A dense grid over it would be 549,755,813,888
/// bytes.
fn far_cells_xlsx() -> Vec<u8> {
    let sheet = format!(
        r#"{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>发文机关</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远</t></is></c></row></sheetData></worksheet>"#
    );
    xlsx(&sheet, None)
}

/// A far column (XFD1) without a declared dimension: refused when the cell is reached.
fn far_cell_undeclared_xlsx() -> Vec<u8> {
    let sheet = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>发文机关</t></is></c><c r="XFD1" t="inlineStr"><is><t>远</t></is></c></row></sheetData></worksheet>"#
    );
    xlsx(&sheet, None)
}

/// One shared string that inflates to `mib` MiB (the workbook is a few hundred KB).
fn inflating_xlsx(mib: usize) -> Vec<u8> {
    let sheet = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
    );
    let write = |w: &mut dyn Write| {
        w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#)
            .expect("write");
        let chunk = vec![b'a'; 1024 * 1024];
        for _ in 0..mib {
            w.write_all(&chunk).expect("write");
        }
        w.write_all(b"</t></si></sst>").expect("write");
    };
    xlsx(&sheet, Some(&write))
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes).expect("deflate");
    z.finish().expect("deflate")
}

/// A PDF written by hand whose pages draw the given (already deflated) content streams.
fn pdf(pages: &[&[u8]]) -> Vec<u8> {
    let n = pages.len();
    let kids: String = (0..n).map(|i| format!("{} 0 R ", 4 + 2 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{kids}] /Count {n} >>").into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!(
            "<< /Length {} /Filter /FlateDecode >>\nstream\n",
            content.len()
        )
        .into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// No-op operators (save and restore the graphics state), `bytes` of them.
fn no_ops(bytes: usize) -> Vec<u8> {
    b"q Q ".repeat(bytes / 4)
}

/// About 16 KB: one page whose content stream inflates to 15 MB of no-op operators.
fn heavy_content_pdf() -> Vec<u8> {
    pdf(&[&zlib(&no_ops(15 * 1024 * 1024))])
}

/// 500 pages, each inflating to 1 MB of no-op operators.
fn many_pages_pdf() -> Vec<u8> {
    let page = zlib(&no_ops(1024 * 1024));
    pdf(&vec![page.as_slice(); 500])
}

/// The server answers another request at once.
async fn still_serving(app: &TestApp) {
    let started = Instant::now();
    let (status, body) = app.get("filer", "/api/v1/documents?per_page=1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the next request waited {:?}",
        started.elapsed()
    );
}

/// A JSON answer to a hostile file: a 422 naming `file`, in Chinese, in time.
fn assert_refused(what: &str, status: StatusCode, body: &Value, took: Duration, codes: &[&str]) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
    let code = body["error"]["code"].as_str().unwrap_or_default();
    assert!(codes.contains(&code), "{what}: unexpected code in {body}");
    assert_error(body, code, Some("file"));
    assert!(took < ANSWERED_WITHIN, "{what} took {took:?}");
}

async fn hostile_files_get_a_chinese_4xx_and_the_server_keeps_serving(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.parser = Parser::new(short_limits())).await;
    let doc = document(&app).await;
    let attach = format!("/api/v1/documents/{doc}/attachments");
    let far = far_cells_xlsx();
    assert!(far.len() < 2048, "{} bytes", far.len());
    let far_undeclared = far_cell_undeclared_xlsx();
    let inflating = inflating_xlsx(300);
    assert!(
        inflating.len() < 2 * 1024 * 1024,
        "{} bytes",
        inflating.len()
    );
    let heavy = heavy_content_pdf();
    assert!(heavy.len() < 64 * 1024, "{} bytes", heavy.len());
    let many = many_pages_pdf();
    // A readable file goes through the same worker first.
    let (status, a) = app
        .upload(
            "filer",
            &attach,
            "附件1.txt",
            "参训人员名单".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["char_count"], 6);
    let before = rss_mib();

    // The spreadsheets, through the ledger import page.
    let c = app.browser_login("filer").await;
    let csrf = csrf_of(&app.page(&c, "/documents").await);
    for (what, bytes, expected) in [
        ("far cells", far, "超过50000行上限"),
        (
            "a far cell without a dimension",
            far_undeclared,
            "超过200列上限",
        ),
        (
            "an inflating shared string",
            inflating,
            "解压后超过64MB上限",
        ),
    ] {
        let started = Instant::now();
        let part = reqwest::multipart::Part::bytes(bytes).file_name("发文台账.xlsx");
        let r = c
            .post(app.url(&format!("/documents/import?csrf_token={csrf}")))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .expect("import");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let page = r.text().await.expect("page");
        assert!(
            page.contains(expected),
            "{what}: missing “{expected}” in {page}"
        );
        assert!(
            started.elapsed() < ANSWERED_WITHIN,
            "{what} took {:?}",
            started.elapsed()
        );
        still_serving(&app).await;
    }

    // The PDFs, as an attachment and as a draft to assess.
    for (what, path, bytes) in [
        ("a heavy content stream", attach.as_str(), &heavy),
        ("many pages", attach.as_str(), &many),
        ("many pages, assessed", "/api/v1/analysis/document", &many),
    ] {
        let started = Instant::now();
        let (status, body) = app.upload("filer", path, "通知.pdf", bytes.clone()).await;
        assert_refused(
            what,
            status,
            &body,
            started.elapsed(),
            &["parse_timeout", "file_too_complex"],
        );
        still_serving(&app).await;
    }
    let (_, d) = app.get("filer", &format!("/api/v1/documents/{doc}")).await;
    assert_eq!(d["attachment_count"], 1, "no hostile file was kept: {d}");
    if let (Some(before), Some(after)) = (before, rss_mib()) {
        assert!(
            after < before + 200,
            "the server's memory grew from {before} to {after} MiB"
        );
    }
}

async fn a_full_parse_queue_answers_503(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.parser = Parser::new(ParseConfig {
            workers: 1,
            queue: 0,
            ..short_limits()
        })
    })
    .await;
    let doc = document(&app).await;
    let attach = format!("/api/v1/documents/{doc}/attachments");
    let slow = many_pages_pdf();
    let text = "参训人员名单".as_bytes().to_vec();
    // One slow parse holds the only worker; a second upload meanwhile is turned away at once.
    let first = app.upload("filer", &attach, "慢.pdf", slow);
    let second = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let started = Instant::now();
        let answer = app.upload("filer", &attach, "名单.txt", text.clone()).await;
        (answer, started.elapsed())
    };
    let ((status, body), ((busy, busy_body), waited)) = tokio::join!(first, second);
    assert_eq!(busy, StatusCode::SERVICE_UNAVAILABLE, "{busy_body}");
    assert_error(&busy_body, "busy", None);
    assert_eq!(
        busy_body["error"]["message"],
        "文件解析任务繁忙，请稍后再试"
    );
    assert!(waited < Duration::from_secs(2), "the 503 took {waited:?}");
    assert_refused(
        "the slow file",
        status,
        &body,
        Duration::ZERO,
        &["parse_timeout", "file_too_complex"],
    );
    // The worker is free again.
    let (status, a) = app.upload("filer", &attach, "名单.txt", text).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
}

/// Sends the head of an upload that announces 20 MB, and its first kilobyte only, then waits
/// up to `wait` for an answer: `Some(response)` if one came while the body was still owed.
async fn partial_upload(app: &TestApp, user: &str, doc: i64, wait: Duration) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let preamble = "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n";
    let head = format!(
        "POST /api/v1/documents/{doc}/attachments HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: multipart/form-data; boundary=X\r\nContent-Length: {}\r\n\r\n",
        app.token(user),
        20 * 1024 * 1024
    );
    // One write: the server may answer (and close) as soon as it has the head.
    let mut sent = head.into_bytes();
    sent.extend_from_slice(preamble.as_bytes());
    sent.extend_from_slice(&[b' '; 1024]);
    stream.write_all(&sent).await.expect("request");
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                got.extend_from_slice(&buf[..n]);
                if got.windows(4).any(|w| w == b"\r\n\r\n") && got.ends_with(b"}") {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    (!got.is_empty()).then(|| String::from_utf8_lossy(&got).into_owned())
}

async fn a_caller_who_may_not_attach_is_refused_before_the_body(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = document(&app).await;
    for user in ["village", "township"] {
        let started = Instant::now();
        let response = partial_upload(&app, user, doc, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("{user} got no answer while the body was owed"));
        assert!(response.starts_with("HTTP/1.1 403"), "{user}: {response}");
        assert!(response.contains("\"forbidden\""), "{user}: {response}");
        assert!(
            response
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{user}: {response}"
        );
        assert!(started.elapsed() < Duration::from_secs(3), "{user}");
    }
    // A filer who may attach is waited for: the server reads the body it was promised.
    assert_eq!(
        partial_upload(&app, "filer", doc, Duration::from_secs(1)).await,
        None
    );
}
