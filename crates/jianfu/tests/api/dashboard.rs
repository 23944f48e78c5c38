//! 首页看板: the home page's figures follow what is recorded, within each user's view.
use crate::both_backends;
use crate::helpers::{assert_error, spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    dashboard_counts_by_month_rule_and_issuer,
    the_month_in_progress_is_compared_with_the_same_days_last_year,
    empty_charts_say_why_and_counts_are_not_smoothed,
    a_grassroots_home_page_shows_what_reached_it
);

async fn file_notice(app: &TestApp, issuer: i64, date: &str, chars: usize) {
    let county = app.unit_id("示例县").await;
    let body: String = "请各乡镇认真抓好贯彻落实。"
        .repeat(chars / 13 + 1)
        .chars()
        .take(chars)
        .collect();
    let (status, d) = app
        .send(
            "supervisor",
            "POST",
            "/api/v1/documents",
            &json!({"issuer_id": issuer, "title": format!("关于{date}有关工作的通知"), "kind": "通知", "carrier": "formal",
                    "issued_on": date, "targets": [{"unit_id": county, "level": "village"}], "body": body}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
}

async fn dashboard_counts_by_month_rule_and_issuer(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let edu = app.unit_id("县教育局").await;
    file_notice(&app, agri, "2026-03-05", 800).await;
    file_notice(&app, agri, "2026-03-20", 6000).await; // over the 通知 limit
    file_notice(&app, edu, "2026-07-01", 900).await;
    file_notice(&app, agri, "2025-03-11", 700).await;
    let county = app.unit_id("示例县").await;
    let (status, m) = app
        .send(
            "filer",
            "POST",
            "/api/v1/meetings",
            &json!({"organizer_id": agri, "title": "全县秋收调度会", "kind": "dispatch", "starts_at": "2026-09-08T09:00",
                    "planned_minutes": 60, "reach_level": "township", "targets": [{"unit_id": county, "level": "township"}], "attendee_count": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");

    let (status, d) = app.get("supervisor", "/api/v1/dashboard?year=2026").await;
    assert_eq!(status, StatusCode::OK, "{d}");
    // Months still to come have no figure (null): count them as none here.
    let months = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        months(&d["documents"][0]),
        vec![0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    );
    assert_eq!(months(&d["documents"][1])[2], 1, "last March");
    assert_eq!(months(&d["meetings"][0])[8], 1);
    let rules = d["open_warnings_by_rule"].as_array().unwrap();
    let length = rules
        .iter()
        .find(|r| r["rule_id"] == "doc.length")
        .expect("length warning counted");
    assert_eq!(length["count"], 1);
    assert_eq!(
        length["rule_name"].as_str().map(|s| s.is_empty()),
        Some(false)
    );
    let top = d["top_issuers"].as_array().unwrap();
    assert_eq!(top[0]["issuer_name"], "县农业农村局", "{top:?}");
    assert_eq!(top[0]["documents"], 2);

    // The education bureau's filer sees no warnings of the agriculture bureau; a village sees
    // nothing issued above it as its own.
    let (_, other) = app.get("village", "/api/v1/dashboard?year=2026").await;
    assert_eq!(
        months(&other["documents"][0]).iter().sum::<i64>(),
        0,
        "{other}"
    );
    assert!(other["open_warnings_by_rule"]
        .as_array()
        .unwrap()
        .is_empty());

    let (status, body) = app.get("supervisor", "/api/v1/dashboard?year=1900").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "invalid_field", Some("year"));
    let (status, _) = app.get("supervisor", "/api/v1/dashboard?year=abc").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The home page carries the same figures for its charts.
    let c = app.browser_login("supervisor").await;
    let page = app.page(&c, "/").await;
    assert!(
        page.contains("id=\"trend-chart\"") && page.contains("id=\"dashboard-data\""),
        "{page}"
    );
    assert!(page.contains("echarts.min.js"));
}

/// The month in progress is compared with the same days of last year's month: an item filed
/// last year after today's day of the month is not in the comparison (it is in last year's
/// whole month), and the months still to come have no figure.
async fn the_month_in_progress_is_compared_with_the_same_days_last_year(backend: Backend) {
    use chrono::Datelike;
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let today = jianfu_core::time::today();
    let (year, month, day) = (today.year(), today.month(), today.day());
    let last = |d: u32| chrono::NaiveDate::from_ymd_opt(year - 1, month, d);
    // One item last year on the 1st (within the same days), one on a later day (outside them)
    // when last year's month has one, and one today.
    file_notice(&app, agri, &last(1).unwrap().to_string(), 500).await;
    let later = last(day + 1);
    if let Some(d) = later {
        file_notice(&app, agri, &d.to_string(), 500).await;
    }
    file_notice(&app, agri, &today.to_string(), 500).await;

    let (status, d) = app.get("supervisor", "/api/v1/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["year"], year);
    assert_eq!(d["partial_month"], month, "{d}");
    assert_eq!(d["through"], today.to_string());
    let m = month as usize - 1;
    assert_eq!(d["documents"][0][m], 1, "this month so far: {d}");
    assert_eq!(
        d["documents"][1][m], 1,
        "last year's same days only, not its whole month: {d}"
    );
    let this_year = d["documents"][0].as_array().unwrap();
    assert!(
        this_year[month as usize..].iter().all(Value::is_null),
        "months to come have no figure: {d}"
    );
    // Last year seen as a whole: its month counts every item.
    let (_, whole) = app
        .get(
            "supervisor",
            &format!("/api/v1/dashboard?year={}", year - 1),
        )
        .await;
    assert_eq!(whole["partial_month"], Value::Null);
    assert_eq!(
        whole["documents"][0][m],
        1 + i64::from(later.is_some()),
        "{whole}"
    );
    // The page says what is compared with what.
    let c = app.browser_login("supervisor").await;
    let page = app.page(&c, "/").await;
    assert!(
        page.contains("尚未结束") && page.contains(&format!("与{}年{month}月1日至", year - 1)),
        "{page}"
    );
}

/// A chart with nothing to draw says why instead of a blank box; counts are drawn without
/// smoothing (a smoothed curve dips below zero between points) and never share an axis with
/// reach.
async fn empty_charts_say_why_and_counts_are_not_smoothed(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("supervisor").await;
    let page = app.page(&c, "/").await;
    assert!(page.contains("本期尚无数据"), "{page}");
    assert!(
        !page.contains("id=\"trend-chart\""),
        "an empty chart is not drawn: {page}"
    );
    assert!(page.contains("没有待处理的预警"), "{page}");

    let agri = app.unit_id("县农业农村局").await;
    file_notice(&app, agri, &jianfu_core::time::today().to_string(), 500).await;
    let page = app.page(&c, "/").await;
    assert!(page.contains("id=\"trend-chart\""), "{page}");
    assert!(
        page.contains("id=\"issuers-reach-chart\"") && page.contains("id=\"issuers-chart\""),
        "reach and counts are two charts: {page}"
    );

    let script = app.page(&c, "/static/app.js").await;
    assert!(!script.contains("smooth: true"), "counts are not smoothed");
    assert!(script.contains("smooth: false"));
    assert!(script.contains("本期尚无数据"));
}

/// 以下看上: a township's or village's home page shows what reached its own unit this year, each
/// figure opening the items behind it; a village, which issues to nobody below it, gets no charts
/// of what its scope issued (they could only ever say 本期尚无数据).
async fn a_grassroots_home_page_shows_what_reached_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let village = app.browser_login("village").await;
    let page = app.page(&village, "/").await;
    assert!(page.contains("本单位收到的事项"), "{page}");
    assert!(
        page.contains(">0</a><span class=\"label\">收文（件）"),
        "{page}"
    );
    assert!(
        !page.contains("本期尚无数据") && !page.contains("dashboard-data"),
        "no charts of what a village issued: {page}"
    );
    assert!(
        !page.contains("及下级单位"),
        "a village has no units below: {page}"
    );

    let agri = app.unit_id("县农业农村局").await;
    let today = jianfu_core::time::today().to_string();
    file_notice(&app, agri, &today, 500).await;
    let page = app.page(&village, "/").await;
    assert!(
        page.contains(">1</a><span class=\"label\">收文（件）"),
        "{page}"
    );
    let start = page
        .find("href=\"/burden/items?")
        .expect("the figure opens its items")
        + "href=\"".len();
    let end = start + page[start..].find('"').expect("end of the link");
    let href = page[start..end].replace("&amp;", "&");
    assert!(href.contains("channel=documents"), "{href}");
    let items = app.page(&village, &href).await;
    assert!(
        items.contains(&format!("关于{today}有关工作的通知")),
        "{href}: {items}"
    );

    // A township sees what reached it (the notice went to villages only) and keeps the charts of
    // what its scope issued to its villages.
    let township = app.browser_login("township").await;
    let page = app.page(&township, "/").await;
    assert!(page.contains("本单位收到的事项"), "{page}");
    assert!(
        page.contains(">0</a><span class=\"label\">收文（件）"),
        "{page}"
    );
    assert!(page.contains("dashboard-data"), "{page}");
    // The offices' home page is unchanged: charts, no received panel.
    let office = app.browser_login("supervisor").await;
    let page = app.page(&office, "/").await;
    assert!(!page.contains("本单位收到的事项"), "{page}");
}
