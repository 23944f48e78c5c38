//! The burden ledger opened down to its items, as a township, a village and the county office
//! use it: every figure opens the items behind it (as many as the figure says, each linked to
//! its page), a search reaches every unit of the viewer's subtree and nothing beside it, the
//! issuer ranking follows the unit and the period, and the ledger downloads as a workbook.
use crate::both_backends;
use crate::helpers::{assert_error, spawn_app, urlencode, Backend, TestApp};
use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Cursor;

both_backends!(
    township_opens_its_figures,
    picker_reaches_villages_in_scope_only,
    ranking_follows_unit_and_period,
    ledger_downloads_as_workbook,
    bad_figure_requests
);

/// A notice of the county's agriculture bureau.
fn notice(issuer: i64, title: &str, date: &str, targets: Value) -> Value {
    json!({
        "issuer_id": issuer, "doc_number": null, "title": title, "kind": "通知", "carrier": "formal",
        "issued_on": date, "main_recipients": "青石镇人民政府：", "targets": targets,
        "body": "为切实减轻基层负担，现就有关事项通知如下。".repeat(30)
    })
}

async fn file(app: &TestApp, doc: &Value) -> i64 {
    let (status, body) = app.send("filer", "POST", "/api/v1/documents", doc).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().expect("document id")
}

/// Every item behind a figure, page by page, through the API.
async fn all_items(app: &TestApp, user: &str, query: &str) -> (i64, Vec<Value>) {
    let mut out = Vec::new();
    let mut total;
    let mut page = 1;
    loop {
        let (status, body) = app
            .get(
                user,
                &format!("/api/v1/burden/items?{query}&per_page=200&page={page}"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        total = body["total"].as_i64().expect("total");
        let items = body["items"].as_array().expect("items").clone();
        let done = items.len() < 200;
        out.extend(items);
        if done {
            break;
        }
        page += 1;
    }
    (total, out)
}

/// The first `href="…"` in the HTML that starts with `prefix`, unescaped.
fn first_href(html: &str, prefix: &str) -> Option<String> {
    let at = html.find(&format!("href=\"{prefix}"))?;
    let rest = &html[at + 6..];
    Some(unescape(&rest[..rest.find('"')?]))
}

/// HTML with the ampersands of its links as written.
fn unescape(html: &str) -> String {
    html.replace("&amp;", "&").replace("&#38;", "&")
}

async fn township_opens_its_figures(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let town = app.unit_id("青石镇").await;
    let today = chrono::Local::now().date_naive();
    let this_year = format!("{}-01-01", today.format("%Y"));
    let day = today.format("%Y-%m-%d").to_string();
    let id = file(
        &app,
        &notice(
            agri,
            "关于青石镇报送秋粮收购进度的通知",
            &day,
            json!([{"unit_id": town}]),
        ),
    )
    .await;

    let period = format!("from={this_year}&to={day}");
    let (status, ledger) = app
        .get("township", &format!("/api/v1/burden?unit={town}&{period}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    // Each channel's figure is the number of items behind it, and their measure its measure.
    for (channel, f) in ledger["channels"].as_object().expect("channels") {
        let (total, items) = all_items(
            &app,
            "township",
            &format!("unit={town}&channel={channel}&{period}"),
        )
        .await;
        assert_eq!(total, f["items"].as_i64().unwrap(), "{channel}");
        assert_eq!(items.len() as i64, total, "{channel}: every page");
        let measure: i64 = items.iter().map(|i| i["measure"].as_i64().unwrap()).sum();
        assert_eq!(measure, f["measure"].as_i64().unwrap(), "{channel}");
        assert!(items.iter().all(|i| i["href"]
            .as_str()
            .unwrap()
            .starts_with(&format!("/{channel}/"))));
    }
    // Each line of the by-issuer table, this period and last year's.
    for l in ledger["by_issuer"].as_array().expect("lines") {
        let q = format!(
            "unit={town}&channel={}&issuer={}",
            l["channel"].as_str().unwrap(),
            l["issuer_id"]
        );
        let (now, _) = all_items(&app, "township", &format!("{q}&{period}")).await;
        assert_eq!(now, l["items"].as_i64().unwrap(), "{l}");
        let before = format!(
            "from={}&to={}",
            ledger["previous_from"].as_str().unwrap(),
            ledger["previous_to"].as_str().unwrap()
        );
        let (then, _) = all_items(&app, "township", &format!("{q}&{before}")).await;
        assert_eq!(then, l["previous_items"].as_i64().unwrap(), "{l}");
    }
    // Every channel together: as many as the channels' figures.
    let (all, _) = all_items(&app, "township", &format!("unit={town}&{period}")).await;
    let sum: i64 = ledger["channels"]
        .as_object()
        .unwrap()
        .values()
        .map(|f| f["items"].as_i64().unwrap())
        .sum();
    assert_eq!(all, sum);
    let (_, mine) = all_items(
        &app,
        "township",
        &format!("unit={town}&channel=documents&issuer={agri}&{period}"),
    )
    .await;
    let found = mine.iter().find(|i| i["id"] == id).expect("the notice");
    assert_eq!(found["title"], "关于青石镇报送秋粮收购进度的通知");
    assert_eq!(found["issuer_name"], "县农业农村局");
    assert_eq!(found["on_date"], day.as_str());
    // By month: the months add up to the figure, and each month opens its items.
    let (status, months) = app
        .get(
            "township",
            &format!("/api/v1/burden/months?unit={town}&{period}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{months}");
    let months = months.as_array().expect("months");
    let sum: i64 = months
        .iter()
        .map(|m| m["items"]["documents"].as_i64().unwrap())
        .sum();
    assert_eq!(
        sum,
        ledger["channels"]["documents"]["items"].as_i64().unwrap()
    );
    let month = months.last().expect("this month");
    let (n, _) = all_items(
        &app,
        "township",
        &format!(
            "unit={town}&channel=documents&month={}&{period}",
            month["month"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(n, month["items"]["documents"].as_i64().unwrap());
    assert!(n >= 1);

    // In the browser: the card's figure is a link, its list says as many, and an item opens.
    let c = app.browser_login("township").await;
    let page = app.page(&c, "/burden").await;
    let href = first_href(&page, "/burden/items?").expect("figures are links");
    assert!(
        href.contains(&format!("unit={town}")) && href.contains("channel="),
        "{href}"
    );
    let channel = href
        .split('&')
        .find_map(|p| p.strip_prefix("channel="))
        .unwrap()
        .to_string();
    let list = app.page(&c, &href).await;
    let figure = ledger["channels"][&channel]["items"].as_i64().unwrap();
    assert!(
        list.contains(&format!("共 <strong class=\"total\">{figure}</strong> 项")),
        "{list}"
    );
    let list = app
        .page(
            &c,
            &format!("/burden/items?unit={town}&channel=documents&issuer={agri}&{period}"),
        )
        .await;
    assert!(list.contains("关于青石镇报送秋粮收购进度的通知"), "{list}");
    let item = first_href(&list, "/documents/").expect("items link to their pages");
    assert_eq!(item, format!("/documents/{id}"), "newest first");
    // The item behind the figure is the township's to read (以下看上).
    let (status, doc) = app.get("township", &format!("/api/v1{item}")).await;
    assert_eq!(status, StatusCode::OK, "{item}: {doc}");
    assert_eq!(doc["title"], "关于青石镇报送秋粮收购进度的通知");
    // The month table's figures are links too.
    assert!(page.contains("按月份") && page.contains("month="), "{page}");
}

async fn picker_reaches_villages_in_scope_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let village = app.unit_id("李家庄村").await;
    let other = app.unit_id("柳河村").await;
    // The county office finds a village by part of its name and opens its ledger.
    let c = app.browser_login("supervisor").await;
    let page = app.page(&c, "/burden").await;
    assert!(page.contains("hx-get=\"/burden/units\""), "{page}");
    let hits = app
        .page(
            &c,
            &format!(
                "/burden/units?unit_q={}&from=2026-01-01",
                urlencode("李家庄")
            ),
        )
        .await;
    let href = format!("/burden?unit={village}&from=2026-01-01");
    assert!(
        unescape(&hits).contains(&href) && hits.contains("李家庄村"),
        "{hits}"
    );
    let ledger = app
        .page(&c, &format!("/burden?unit={village}&from=2026-01-01"))
        .await;
    assert!(ledger.contains("负担台账 · 李家庄村"), "{ledger}");
    let city = app.browser_login("city_supervisor").await;
    let hits = app
        .page(
            &city,
            &format!("/burden/units?unit_q={}", urlencode("李家庄")),
        )
        .await;
    assert!(hits.contains(&format!("unit={village}")), "{hits}");

    // A village finds only itself, and cannot open another branch's ledger or items.
    let v = app.browser_login("village").await;
    let hits = app
        .page(&v, &format!("/burden/units?unit_q={}", urlencode("柳河")))
        .await;
    assert!(!hits.contains(&format!("unit={other}")), "{hits}");
    assert!(hits.contains("没有名称相符的单位"), "{hits}");
    let hits = app
        .page(&v, &format!("/burden/units?unit_q={}", urlencode("村")))
        .await;
    assert!(hits.contains(&format!("unit={village}")), "{hits}");
    assert!(!hits.contains(&format!("unit={other}")), "{hits}");
    for path in [
        format!("/burden?unit={other}"),
        format!("/burden/items?unit={other}&channel=documents"),
        format!("/burden.xlsx?unit={other}"),
    ] {
        let r = v.get(app.url(&path)).send().await.expect("page");
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let (status, body) = app
        .get(
            "village",
            &format!("/api/v1/burden/items?unit={other}&channel=documents"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error(&body, "forbidden", Some("unit"));
    let (status, _) = app
        .get("township", &format!("/api/v1/burden/issuers?unit={other}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another town's village");
}

async fn ranking_follows_unit_and_period(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let town = app.unit_id("青石镇").await;
    // Two notices in June 2016 and one in July, long before the demo's years.
    for (title, date) in [
        ("关于2016年夏粮收购的通知", "2016-06-03"),
        ("关于2016年防汛的通知", "2016-06-20"),
        ("关于2016年秋播的通知", "2016-07-05"),
    ] {
        file(
            &app,
            &notice(
                agri,
                title,
                date,
                json!([{"unit_id": county, "level": "township"}]),
            ),
        )
        .await;
    }
    let rank = |q: String| {
        let app = &app;
        async move {
            let (status, body) = app
                .get("supervisor", &format!("/api/v1/burden/issuers?{q}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body.as_array().expect("ranking").clone()
        }
    };
    let june = rank(format!("unit={county}&from=2016-06-01&to=2016-06-30")).await;
    let july = rank(format!("unit={county}&from=2016-07-01&to=2016-07-31")).await;
    assert_eq!(june.len(), 1, "{june:?}");
    assert_eq!(
        (june[0]["issuer_id"].as_i64(), june[0]["documents"].as_i64()),
        (Some(agri), Some(2))
    );
    assert_eq!(july[0]["documents"], 1, "{july:?}");
    assert_ne!(june[0]["grassroots_reach"], 0);
    assert!(rank(format!("unit={county}&from=2016-08-01&to=2016-08-31"))
        .await
        .is_empty());
    // The town's subtree holds no county bureau.
    assert!(rank(format!("unit={town}&from=2016-06-01&to=2016-06-30"))
        .await
        .is_empty());
    // The ranking's figure opens the items the issuer issued.
    let (n, items) = all_items(
        &app,
        "supervisor",
        &format!("unit={county}&channel=documents&issuer={agri}&issued=true&from=2016-06-01&to=2016-06-30"),
    )
    .await;
    assert_eq!(n, 2);
    assert_eq!(items[0]["title"], "关于2016年防汛的通知", "newest first");
    // The page ranks the selected unit's subtree in the selected period.
    let c = app.browser_login("supervisor").await;
    let page = app
        .page(
            &c,
            &format!("/burden?unit={county}&from=2016-06-01&to=2016-06-30"),
        )
        .await;
    assert!(
        page.contains("示例县辖区内各单位对基层的负担排名"),
        "{page}"
    );
    assert!(page.contains("issued=true"), "{page}");
    let page = app
        .page(
            &c,
            &format!("/burden?unit={town}&from=2016-06-01&to=2016-06-30"),
        )
        .await;
    assert!(page.contains("青石镇辖区内没有单位发出事项"), "{page}");
}

/// Rows of a sheet as text, from the workbook's bytes.
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an .xlsx");
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).expect("sheet");
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (n, rows)
        })
        .collect()
}

async fn ledger_downloads_as_workbook(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let town = app.unit_id("青石镇").await;
    file(
        &app,
        &notice(
            agri,
            "关于青石镇报送2026年统计年报的通知",
            "2026-02-10",
            json!([{"unit_id": town}]),
        ),
    )
    .await;
    let period = "from=2026-01-01&to=2026-06-30";
    let (_, ledger) = app
        .get("township", &format!("/api/v1/burden?unit={town}&{period}"))
        .await;
    let r = app
        .client
        .get(app.url(&format!("/api/v1/burden.xlsx?unit={town}&{period}")))
        .bearer_auth(app.token("township"))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let api_bytes = r.bytes().await.expect("bytes");
    let book = sheets(&api_bytes);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "汇总");
    assert!(
        names.contains(&"文件") && names.contains(&"会议"),
        "{names:?}"
    );
    assert_eq!(
        names.len(),
        1 + ledger["channels"].as_object().unwrap().len()
    );
    // The summary: its title names the unit and the period, and each channel's count.
    let (_, summary) = &book[0];
    assert!(
        summary[0][0].to_string().contains("青石镇"),
        "{:?}",
        summary[0]
    );
    assert!(
        summary[1][0].to_string().contains("2026-01-01"),
        "{:?}",
        summary[1]
    );
    let docs_row = summary
        .iter()
        .find(|r| r[0] == "收文（文件）")
        .expect("the documents row");
    assert_eq!(
        docs_row[1].to_string(),
        ledger["channels"]["documents"]["items"].to_string()
    );
    // Each channel's sheet lists its items below the title, note and header rows.
    for (name, rows) in &book[1..] {
        let channel = match name.as_str() {
            "文件" => "documents",
            "会议" => "meetings",
            _ => continue,
        };
        assert_eq!(rows[2][1].to_string(), "标题", "{name}");
        let items: Vec<&Vec<Data>> = rows[3..]
            .iter()
            .filter(|r| matches!(r[0], Data::Float(_) | Data::Int(_)))
            .collect();
        assert_eq!(
            items.len() as i64,
            ledger["channels"][channel]["items"].as_i64().unwrap(),
            "{name}"
        );
        if let Some(first) = items.first() {
            assert!(
                matches!(first[3], Data::DateTime(_)),
                "dates as dates: {first:?}"
            );
        }
    }
    let (_, docs) = &book[names.iter().position(|n| *n == "文件").unwrap()];
    assert!(docs
        .iter()
        .any(|r| r[1] == "关于青石镇报送2026年统计年报的通知"));
    // The page offers the same workbook.
    let c = app.browser_login("township").await;
    let page = app.page(&c, &format!("/burden?unit={town}&{period}")).await;
    let href = first_href(&page, "/burden.xlsx?").expect("a download link");
    let r = c.get(app.url(&href)).send().await.expect("download");
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(sheets(&bytes).len(), book.len());
}

async fn bad_figure_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    let town = app.unit_id("青石镇").await;
    for (q, field) in [
        (format!("unit={town}&channel=letters"), "channel"),
        (
            format!("unit={town}&channel=documents&month=2026-13"),
            "month",
        ),
        (
            format!("unit={town}&channel=documents&issued=true"),
            "issuer",
        ),
        (
            format!("unit={town}&channel=documents&from=2026-05-01&to=2026-01-01"),
            "to",
        ),
        (
            format!("unit={town}&channel=documents&per_page=100000"),
            "per_page",
        ),
    ] {
        let (status, body) = app
            .get("township", &format!("/api/v1/burden/items?{q}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {body}");
        assert_error(&body, "invalid_field", Some(field));
    }
    let (status, _) = app
        .get(
            "township",
            "/api/v1/burden/items?unit=999999&channel=documents",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The page answers bad input in Chinese, never with a server error.
    let c = app.browser_login("township").await;
    let r = c
        .get(app.url(&format!(
            "/burden/items?unit={town}&channel=documents&month=abc"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("月份"));
}
