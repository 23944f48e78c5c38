//! Pages that tell the truth (issue 11): static assets sent compressed with their caching
//! kept, a favicon, warnings dated no later than today and sorted by date, records named
//! instead of numbered, import errors that name the column, and pages that fit a phone.
use crate::both_backends;
use crate::helpers::{csrf_of, spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::io::Read;

both_backends!(
    static_assets_are_sent_compressed_and_cached,
    warnings_are_dated_no_later_than_today_newest_first,
    an_import_error_names_the_column_in_chinese
);

async fn fetch(app: &TestApp, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut r = app.client.get(app.url(path));
    if let Some(a) = accept {
        r = r.header("accept-encoding", a);
    }
    r.send().await.expect("request")
}

/// ECharts (1 MB as it is) and the other scripts and styles go out gzipped to a client that
/// accepts it, as they are to one that does not, with the same caching; the favicon is served.
async fn static_assets_are_sent_compressed_and_cached(backend: Backend) {
    let app = spawn_app(backend).await;
    let plain = fetch(&app, "/static/vendor/echarts.min.js", None).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert!(plain.headers().get("content-encoding").is_none());
    let cache = plain.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cache.contains("max-age"), "{cache}");
    let original = plain.bytes().await.unwrap().to_vec();
    assert!(original.len() > 900_000, "{}", original.len());
    for accept in ["gzip, deflate, br", "br;q=1.0, gzip;q=0.8"] {
        let r = fetch(&app, "/static/vendor/echarts.min.js", Some(accept)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-encoding"], "gzip", "{accept}");
        assert_eq!(r.headers()["cache-control"].to_str().unwrap(), cache);
        assert!(r.headers()["vary"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding"));
        let body = r.bytes().await.unwrap().to_vec();
        assert!(
            body.len() * 2 < original.len(),
            "compressed: {} of {}",
            body.len(),
            original.len()
        );
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, original, "the same script");
    }
    for path in [
        "/static/app.js",
        "/static/app.css",
        "/static/vendor/htmx.min.js",
    ] {
        let r = fetch(&app, path, Some("gzip")).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-encoding"], "gzip", "{path}");
    }
    let r = fetch(&app, "/static/vendor/echarts.min.js", Some("gzip;q=0, br")).await;
    assert!(
        r.headers().get("content-encoding").is_none(),
        "gzip refused"
    );

    for path in ["/favicon.ico", "/static/favicon.svg"] {
        let r = fetch(&app, path, None).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-type"], "image/svg+xml");
        assert!(r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age"));
        assert!(r.text().await.unwrap().contains("<svg"));
    }
    let c = app.browser_login("township").await;
    let home = app.page(&c, "/").await;
    assert!(
        home.contains("<link rel=\"icon\" href=\"/static/favicon.svg\""),
        "{home}"
    );
}

/// A warning raised today about a matter dated ahead (a notice dated next month, a year's count
/// reckoned at 31 December) is dated today, not in the future; the list runs newest first by
/// date; the warning's page is named by its rule and subject, not by its number.
async fn warnings_are_dated_no_later_than_today_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let today = jianfu_core::time::today();
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let long: String = "请各乡镇认真抓好贯彻落实。".repeat(500);
    for (title, date) in [
        (
            "关于提前部署明年春耕的通知",
            today + chrono::Duration::days(20),
        ),
        ("关于做好上月统计的通知", today - chrono::Duration::days(40)),
        ("关于做好本周工作的通知", today - chrono::Duration::days(2)),
    ] {
        let (status, d) = app
            .send(
                "supervisor",
                "POST",
                "/api/v1/documents",
                &json!({"issuer_id": agri, "title": title, "kind": "通知", "carrier": "formal",
                        "issued_on": date.to_string(), "targets": [{"unit_id": county, "level": "village"}], "body": long}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
    }
    let (status, body) = app.get("supervisor", "/api/v1/warnings?per_page=200").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().unwrap();
    assert!(items.len() >= 3, "{body}");
    let dates: Vec<&str> = items
        .iter()
        .map(|w| w["on_date"].as_str().unwrap())
        .collect();
    let today_s = today.to_string();
    assert!(
        dates.iter().all(|d| *d <= today_s.as_str()),
        "a warning dated in the future: {dates:?}"
    );
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first by date");
    let ahead = items
        .iter()
        .find(|w| w["subject"].as_str().unwrap().contains("明年春耕"))
        .expect("the notice dated ahead raised its warning");
    assert_eq!(
        ahead["on_date"], today_s,
        "dated the day it was raised: {ahead}"
    );
    let past = items
        .iter()
        .find(|w| w["subject"].as_str().unwrap().contains("上月统计"))
        .expect("the past notice's warning");
    assert_eq!(
        past["on_date"],
        (today - chrono::Duration::days(40)).to_string(),
        "a past matter keeps its date"
    );

    // The list page in the same order; the warning's page named, not numbered.
    let c = app.browser_login("supervisor").await;
    let page = app.page(&c, "/warnings").await;
    let first = page.find("明年春耕");
    let second = page.find("本周工作");
    let third = page.find("上月统计");
    assert!(first < second && second < third, "{page}");
    let id = ahead["id"].as_i64().unwrap();
    let page = app.page(&c, &format!("/warnings/{id}")).await;
    assert!(
        !page.contains(&format!("› {id}<")),
        "a raw id in the crumbs: {page}"
    );
    let crumbs = &page[page.find("class=\"crumbs\"").unwrap()..];
    let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
    assert!(crumbs.contains("明年春耕"), "{crumbs}");
    // Rule codes are secondary to the rules' names.
    let rules = app.page(&c, "/rules").await;
    assert!(rules.contains("<code class=\"rule-code\""), "{rules}");
}

fn workbook(rows: &[[&str; 12]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A row whose 正文字数 is not a number is reported as 第N行：正文字数应为整数, not by the
/// field's key (char_count).
async fn an_import_error_names_the_column_in_chinese(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("filer").await;
    let csrf = csrf_of(&app.page(&c, "/documents").await);
    let header = [
        "发文机关",
        "发文字号",
        "标题",
        "文种",
        "载体",
        "成文日期",
        "发送范围",
        "正文字数",
        "专项工作文件",
        "转发上级文件字号",
        "发往学校医院",
        "主要负责同志签批",
    ];
    let row = [
        "县农业农村局",
        "",
        "关于做好秋粮收购的通知",
        "通知",
        "正式文件",
        "2026-10-02",
        "各乡镇（街道）",
        "一千二",
        "否",
        "",
        "否",
        "否",
    ];
    let part = reqwest::multipart::Part::bytes(workbook(&[header, row])).file_name("发文台账.xlsx");
    let r = c
        .post(app.url(&format!("/documents/import?csrf_token={csrf}")))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("第2行：正文字数应为整数"), "{page}");
    assert!(!page.contains("char_count"), "{page}");
}
