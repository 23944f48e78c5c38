//! Issue 11's stories, each walked in headless Chromium by the person whose story it is, signed
//! in through the login form with the demo password: a village downloads a document sent to
//! 各村; a township opens a figure of its ledger and reaches the items; a filer imports the same
//! Excel ledger twice and the count stays; a notice demanding 每日零报告 and 一票否决 shows both
//! warnings once it is read; a threshold tried and restored leaves the acknowledged warning
//! acknowledged; and an out-of-plan meeting applied for, approved and cited carries its approval
//! and no 计划外 warning. What the tests check is what the person reads on the pages.
//!
//! The records a story needs before its person arrives are filed through the API, on the demo
//! region and its accounts (SQLite, as the other browser tests).
use crate::browser::Driver;
use crate::helpers::{spawn_app, spawn_app_with, Backend, TestApp};
use jianfu_analysis::ReadingHold;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A person of `username`, in a browser of their own, signed in through the login form.
async fn signed_in(app: &TestApp, username: &str) -> Driver {
    let driver = Driver::start().await;
    driver.goto(&app.url("/login")).await;
    driver.wait_for_text("登录").await;
    driver.type_into("input[name=username]", username).await;
    driver
        .type_into("input[name=password]", jianfu_demo::DEMO_PASSWORD)
        .await;
    driver.click("button[type=submit]").await;
    driver.wait_for_element("form[action='/logout']").await;
    driver
}

/// Polls the page's text until `done` holds, for at most `secs` seconds; `reload` opens the
/// page again between looks (for what the server decides in the background).
async fn wait_until(
    driver: &Driver,
    secs: u64,
    reload: Option<&str>,
    what: &str,
    done: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(url) = reload {
            driver.goto(url).await;
        }
        let text = driver.body_text().await;
        if done(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{what} within {secs} s; page text: {text}"
        );
        tokio::time::sleep(Duration::from_millis(if reload.is_some() {
            500
        } else {
            100
        }))
        .await;
    }
}

/// The number in a list's “共 N 件” line.
fn total(text: &str) -> i64 {
    let at = text.find("共 ").expect("the list says how many") + "共 ".len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no count in {text}"))
}

/// What the page's facts list says for `term` (状态 → 已确认).
async fn fact(driver: &Driver, term: &str) -> String {
    try_fact(driver, term)
        .await
        .unwrap_or_else(|| panic!("no fact {term} on the page"))
}

/// The fact `term` of the page, or `None` while the page holds none (still loading, or
/// going away under the script).
async fn try_fact(driver: &Driver, term: &str) -> Option<String> {
    let v = driver
        .try_script(&format!(
            "var t = Array.from(document.querySelectorAll('dl.facts dt')).find(function (d) {{ return d.textContent.trim() === '{term}'; }}); \
             return t ? t.nextElementSibling.textContent.trim() : null;"
        ))
        .await?;
    v.as_str().map(str::to_string)
}

/// Waits until the page's fact `term` reads `expected`.
async fn wait_for_fact(driver: &Driver, term: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = try_fact(driver, term).await.unwrap_or_default();
        if now == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{term} is “{now}”, not “{expected}”"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sets a date or time field's value as its picker would (typing into Chromium's date pickers
/// depends on the locale's order of fields).
async fn set_value(driver: &Driver, css: &str, value: &str) {
    driver
        .script(&format!(
            "var e = document.querySelector(\"{css}\"); e.value = '{value}'; \
             e.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ))
        .await;
}

/// Opens the warning whose link on the item's page reads `text`.
async fn click_warning(driver: &Driver, text: &str) {
    let href = driver
        .script(&format!(
            "var a = Array.from(document.querySelectorAll('a[href^=\"/warnings/\"]')).find(function (a) {{ return a.textContent.indexOf('{text}') >= 0; }}); \
             return a ? a.getAttribute('href') : null;"
        ))
        .await;
    let href = href
        .as_str()
        .unwrap_or_else(|| panic!("no warning “{text}” on the page"))
        .to_string();
    driver.click(&format!("a[href='{href}']")).await;
}

/// Files a 通知 of `issuer` through the API, as the filer, to the county's units of `level`.
async fn file_notice(app: &TestApp, issuer: i64, level: &str, title: &str, body: &str) -> i64 {
    let county = app.unit_id("示例县").await;
    let (status, d) = app
        .send(
            "filer",
            "POST",
            "/api/v1/documents",
            &json!({"issuer_id": issuer, "title": title, "kind": "通知", "carrier": "formal",
                    "issued_on": jianfu_core::time::today().to_string(),
                    "targets": [{"unit_id": county, "level": level}], "body": body}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d["id"].as_i64().expect("document id")
}

/// 李家庄村 finds a notice the agriculture bureau sent to 各村 under 收文 in its 负担台账, opens it
/// and downloads its attachment, the bytes that were uploaded; a notice sent to the townships
/// only is not among its items.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_village_opens_and_downloads_a_document_sent_to_its_villages() {
    let app = spawn_app(Backend::Sqlite).await;
    let agri = app.unit_id("县农业农村局").await;
    let title = "关于做好冬季农村用电安全工作的通知";
    let doc = file_notice(
        &app,
        agri,
        "village",
        title,
        "各村（社区）：请认真做好冬季农村用电安全工作，排查私拉乱接电线。",
    )
    .await;
    file_notice(
        &app,
        agri,
        "township",
        "关于召开全县秋粮收购调度会的通知",
        "各乡镇人民政府、街道办事处：定于下周召开全县秋粮收购调度会。",
    )
    .await;
    let annex = "附件：冬季用电安全检查表\n序号、检查项目、检查结果\n".repeat(40);
    let (status, a) = app
        .upload(
            "filer",
            &format!("/api/v1/documents/{doc}/attachments"),
            "附件1 用电安全检查表.txt",
            annex.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");

    // What reached the village is in its 负担台账 (以下看上), under 收文.
    let driver = signed_in(&app, "village").await;
    driver.goto(&app.url("/burden")).await;
    driver.wait_for_text("负担台账 · 李家庄村").await;
    driver
        .click("section.cards a.figure[href*='channel=documents']")
        .await;
    let list = driver.wait_for_text("统计期").await;
    assert!(list.contains("共 1 项") && list.contains(title), "{list}");
    assert!(
        !list.contains("秋粮收购调度会"),
        "a notice to the townships did not reach the village: {list}"
    );
    driver
        .click(&format!("table.grid a[href='/documents/{doc}']"))
        .await;
    let page = driver.wait_for_text("附件1 用电安全检查表.txt").await;
    // Back leads to where the village found it, not to the county's issuers' list.
    assert!(page.contains("负担台账（收到的事项） ›"), "{page}");
    let sent_to = fact(&driver, "发至").await;
    assert_eq!(sent_to, "示例县所属各村（社区）", "the county is named");
    driver.screenshot("story-village-document.png").await;

    let downloads = tempfile::tempdir().expect("download dir");
    driver
        .cmd(
            "POST",
            "/goog/cdp/execute",
            json!({"cmd": "Browser.setDownloadBehavior",
                   "params": {"behavior": "allow", "downloadPath": downloads.path().display().to_string()}}),
        )
        .await;
    driver.click("#attachments a[download]").await;
    let path = downloads.path().join("附件1 用电安全检查表.txt");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(bytes) = std::fs::read(&path) {
            if bytes == annex.as_bytes() {
                break;
            }
        }
        let there: Vec<String> = std::fs::read_dir(downloads.path())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            Instant::now() < deadline,
            "the attachment was not downloaded whole; the download folder holds {there:?}; page: {}",
            driver.body_text().await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// 青石镇 opens its 负担台账, whose 收文 figure counts the two notices sent to 各乡镇 (not the
/// one sent to the county's departments), follows the figure to those two items and opens one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_township_opens_a_figure_of_its_ledger_and_reaches_the_items() {
    let app = spawn_app(Backend::Sqlite).await;
    let agri = app.unit_id("县农业农村局").await;
    let titles = [
        "关于做好冬季森林防火工作的通知",
        "关于开展农村人居环境整治冬季攻势的通知",
    ];
    let mut ids = Vec::new();
    for t in titles {
        let body = "各乡镇人民政府、街道办事处：请结合实际抓好落实。";
        ids.push(file_notice(&app, agri, "township", t, body).await);
    }
    file_notice(
        &app,
        agri,
        "department",
        "关于报送农业农村统计年报的通知",
        "县直各部门：请按时报送统计年报。",
    )
    .await;

    let driver = signed_in(&app, "township").await;
    driver.goto(&app.url("/burden")).await;
    driver.wait_for_text("负担台账 · 青石镇").await;
    let figure = "section.cards a.figure[href*='channel=documents']";
    driver.wait_for_element(figure).await;
    let shown = driver
        .script(&format!(
            "return document.querySelector(\"{figure}\").textContent.trim();"
        ))
        .await;
    assert_eq!(shown, "2", "the 收文 figure of 青石镇");
    driver.click(figure).await;
    let items = driver.wait_for_text("统计期").await;
    assert!(items.contains("共 2 项"), "{items}");
    for t in titles {
        assert!(items.contains(t), "{t} is among the items: {items}");
    }
    assert!(!items.contains("统计年报"), "{items}");
    driver.screenshot("story-township-items.png").await;
    driver
        .click(&format!("table.grid a[href='/documents/{}']", ids[0]))
        .await;
    let page = driver.wait_for_text("发文机关").await;
    assert!(
        page.contains(titles[0]) && page.contains("县农业农村局"),
        "{page}"
    );
    assert_eq!(fact(&driver, "发至").await, "示例县所属各乡镇（街道）");
}

/// The filer imports an Excel 发文台账 of three rows from the 发文台账 page, then the very same
/// file again: the second import recognises the three rows and the ledger still counts three.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filer_imports_the_same_ledger_twice_and_the_count_stays() {
    let app = spawn_app(Backend::Sqlite).await;
    let today = jianfu_core::time::today().to_string();
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
    let row = |number: &'static str, title: &'static str, to: &'static str| {
        [
            "县农业农村局",
            number,
            title,
            "通知",
            "正式文件",
            today.as_str(),
            to,
            "1200",
            "否",
            "",
            "否",
            "否",
        ]
    };
    let titles = [
        "关于做好冬春农田水利建设的通知",
        "关于开展冬季动物防疫工作的通知",
        "关于报送农业农村统计年报的通知",
    ];
    let rows = [
        header,
        row("示农发〔2026〕60号", titles[0], "各乡镇（街道）"),
        row("示农发〔2026〕61号", titles[1], "各村（社区）"),
        row("", titles[2], "各乡镇（街道）"),
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).expect("cell");
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("发文台账.xlsx");
    std::fs::write(&file, wb.save_to_buffer().expect("workbook")).expect("write workbook");
    let file = file.display().to_string();

    let driver = signed_in(&app, "filer").await;
    driver.goto(&app.url("/documents")).await;
    let list = driver.wait_for_text("从Excel发文台账导入").await;
    assert_eq!(total(&list), 0, "{list}");
    let import = |first: bool| {
        let (driver, file) = (&driver, &file);
        async move {
            driver
                .click("details:has(form[action^='/documents/import']) > summary")
                .await;
            driver
                .type_into("form[action^='/documents/import'] input[type=file]", file)
                .await;
            driver
                .click("form[action^='/documents/import'] button[type=submit]")
                .await;
            let report = driver.wait_for_text("导入结果").await;
            driver
                .screenshot(if first {
                    "story-import-1.png"
                } else {
                    "story-import-2.png"
                })
                .await;
            report
        }
    };
    let report = import(true).await;
    assert!(report.contains("共3行，导入3行，未导入0行"), "{report}");
    driver.click("a[href='/documents']").await;
    let list = driver.wait_for_text(titles[2]).await;
    assert_eq!(total(&list), 3, "{list}");
    for t in titles {
        assert!(list.contains(t), "{t}: {list}");
    }

    let report = import(false).await;
    assert!(
        report.contains("共3行，导入0行，未导入0行") && report.contains("内容相同未改动3行"),
        "{report}"
    );
    driver.click("a[href='/documents']").await;
    let list = driver.wait_for_text(titles[2]).await;
    assert_eq!(total(&list), 3, "nothing doubled: {list}");
}

/// A notice demanding 每日零报告 and threatening 一票否决: while its text waits to be read its
/// page says so and shows neither warning; once the reading is stored the filer's page shows
/// both, and the warning opens with the sentence that makes the demand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_demanding_daily_zero_reports_and_a_veto_shows_both_warnings_once_read() {
    let mut hold = None;
    let app = spawn_app_with(Backend::Sqlite, |state| {
        hold = state.part::<ReadingHold>().ok().cloned();
    })
    .await;
    let hold = hold.expect("the analysis module holds its reading");
    hold.set(true);
    let agri = app.unit_id("县农业农村局").await;
    let title = "关于做好秋冬季秸秆禁烧工作的通知";
    let doc = file_notice(
        &app,
        agri,
        "township",
        title,
        "各乡镇人民政府、街道办事处：\n为切实做好秋冬季秸秆禁烧工作，现将有关事项通知如下。\n\
一、实行每日零报告。各乡镇（街道）每日17时前报送禁烧巡查情况，无火点的实行零报告。\n\
二、严格考核问责。对发生火点的乡镇实行一票否决。",
    )
    .await;
    let (zero, veto) = ("要求基层日报告、零报告", "擅自设立一票否决事项");

    let driver = signed_in(&app, "filer").await;
    let url = app.url(&format!("/documents/{doc}"));
    driver.goto(&url).await;
    let page = driver.wait_for_text(title).await;
    assert!(page.contains("正文分析中"), "{page}");
    assert!(!page.contains(zero) && !page.contains(veto), "{page}");

    hold.set(false);
    // Read once the page no longer says 分析中 (a second reading may still be queued when the
    // first one's warnings are already stored).
    wait_until(&driver, 60, Some(&url), "both warnings shown, read", |t| {
        t.contains(zero) && t.contains(veto) && !t.contains("正文分析中")
    })
    .await;
    driver.screenshot("story-analysis.png").await;
    click_warning(&driver, zero).await;
    let warning = driver.wait_for_text("处理记录").await;
    assert!(
        warning.contains("无火点的实行零报告") && warning.contains("违规"),
        "{warning}"
    );
    assert_eq!(fact(&driver, "责任单位").await, "县农业农村局");
    assert_eq!(fact(&driver, "状态").await, "待处理");
}

/// Sets the 通知 limit of `doc.length` on the 规则 page, as the office does.
async fn set_notice_limit_on_the_page(app: &TestApp, driver: &Driver, limit: &str) {
    driver.goto(&app.url("/rules")).await;
    let field = "section[id='doc.length'] input[name=notice_limit]";
    driver.wait_for_element(field).await;
    let e = driver.find(field).await;
    driver
        .cmd("POST", &format!("/element/{e}/clear"), json!({}))
        .await;
    driver.type_into(field, limit).await;
    driver
        .click("section[id='doc.length'] button[type=submit]")
        .await;
    driver.wait_for_text("预警已重新评估").await;
    let now = driver
        .script(&format!(
            "return document.querySelector(\"{field}\").value;"
        ))
        .await;
    assert_eq!(now, limit, "the saved limit shows");
}

/// The filer justifies a 3,400-character notice over the 3,000 limit, the office acknowledges
/// it, then tries 3,600 on the 规则 page (the warning lifts) and restores 3,000: the warning is
/// the same one, 已确认 again, its history saying it was reopened, and no new one is open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_threshold_tried_and_restored_leaves_the_acknowledged_warning_acknowledged() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, r) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.length",
            &json!({"params": {"notice_limit": 3000}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let agri = app.unit_id("县农业农村局").await;
    let title = "关于印发秸秆综合利用实施方案的通知";
    let doc = file_notice(
        &app,
        agri,
        "township",
        title,
        &"为切实减轻基层负担，现就有关事项通知如下。".repeat(170),
    )
    .await;

    // The filer sees the warning on the notice's page and justifies it.
    let filer = signed_in(&app, "filer").await;
    filer.goto(&app.url(&format!("/documents/{doc}"))).await;
    filer.wait_for_text("超过通知上限3000字").await;
    click_warning(&filer, "超过通知上限3000字").await;
    filer.wait_for_text("处理记录").await;
    let url = filer.cmd("GET", "/url", Value::Null).await;
    let url = url.as_str().expect("url").to_string();
    assert_eq!(fact(&filer, "状态").await, "待处理");
    filer
        .type_into("textarea[name=note]", "方案含技术规范，确需超出篇幅")
        .await;
    filer.click("button[value=justify]").await;
    wait_for_fact(&filer, "状态", "已说明理由").await;
    drop(filer);

    // The office acknowledges it.
    let office = signed_in(&app, "supervisor").await;
    office.goto(&url).await;
    wait_for_fact(&office, "状态", "已说明理由").await;
    office.type_into("textarea[name=note]", "理由成立").await;
    office.click("button[value=acknowledge]").await;
    wait_for_fact(&office, "状态", "已确认").await;

    // 3,600 lifts it; 3,000 again brings the same warning back, still acknowledged.
    set_notice_limit_on_the_page(&app, &office, "3600").await;
    office.goto(&url).await;
    wait_for_fact(&office, "状态", "已自动解除").await;
    set_notice_limit_on_the_page(&app, &office, "3000").await;
    office.goto(&url).await;
    wait_for_fact(&office, "状态", "已确认").await;
    let page = office.body_text().await;
    assert!(
        page.contains("重新开启") && page.contains("方案含技术规范，确需超出篇幅"),
        "{page}"
    );
    office.screenshot("story-threshold.png").await;
    // The list of the rule's warnings holds that one, acknowledged: nothing new 待处理.
    office.goto(&app.url("/warnings?rule=doc.length")).await;
    let list = office.wait_for_text(title).await;
    assert_eq!(total(&list), 1, "{list}");
    let rows = office
        .script("return document.querySelector('table.grid tbody').innerText;")
        .await;
    let rows = rows.as_str().unwrap_or_default();
    assert!(
        rows.contains("已确认") && !rows.contains("待处理"),
        "{rows}"
    );
    let (_, all) = app
        .get(
            "supervisor",
            "/api/v1/warnings?rule=doc.length&per_page=100",
        )
        .await;
    assert_eq!(all["total"], 1, "one warning for the notice: {all}");
}

/// The filer applies at 审批记录 for an out-of-plan meeting, the office approves it (批准 with
/// its 批复意见), and the filer files the meeting citing it: the meeting's page shows the
/// approval and, unlike a meeting filed without one, no 计划外 warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_plan_meeting_is_applied_for_approved_and_cited() {
    let app = spawn_app(Backend::Sqlite).await;
    let county = app.unit_id("示例县").await;
    let agri = app.unit_id("县农业农村局").await;
    let day = jianfu_core::time::today() + chrono::Duration::days(7);
    let unplanned = "计划外事项的事前审批记录";
    // A meeting filed without an approval is warned of: what the cited one must not be.
    let (status, m) = app
        .send(
            "filer",
            "POST",
            "/api/v1/meetings",
            &json!({"organizer_id": agri, "title": "全县秋粮收购调度会", "kind": "special",
                    "starts_at": format!("{day}T15:00"), "planned_minutes": 60, "reach_level": "township",
                    "targets": [{"unit_id": county, "level": "township"}], "attendee_count": 20}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");

    let filer = signed_in(&app, "filer").await;
    filer
        .goto(&app.url(&format!("/meetings/{}", m["id"])))
        .await;
    let page = filer.wait_for_text("全县秋粮收购调度会").await;
    assert!(page.contains(unplanned), "{page}");

    // The filer applies.
    let title = "全县冬季农田水利建设推进会";
    filer.goto(&app.url("/approvals/new")).await;
    filer.wait_for_text("申请审批").await;
    filer
        .click("select[name=channel_kind] option[value='meetings:out_of_plan']")
        .await;
    filer.type_into("input[name=title]", title).await;
    set_value(&filer, "input[name=planned_on]", &day.to_string()).await;
    filer
        .type_into(
            "textarea[name=reason]",
            "市里临时部署冬季农田水利建设，须召集各乡镇部署",
        )
        .await;
    filer
        .click("form[action='/approvals/new'] button[type=submit]")
        .await;
    filer.wait_for_text("已保存").await;
    assert_eq!(fact(&filer, "状态").await, "待审批");
    let number = fact(&filer, "编号").await;
    let aid: i64 = number
        .trim_start_matches('第')
        .trim_end_matches('号')
        .parse()
        .unwrap_or_else(|_| panic!("编号 {number}"));
    assert!(
        filer.try_find("input[name=decision]").await.is_none(),
        "the applicant does not decide"
    );

    // The office finds it in 审批记录 and approves it.
    let office = signed_in(&app, "supervisor").await;
    office.goto(&app.url("/approvals")).await;
    let list = office.wait_for_text(title).await;
    assert!(list.contains(&number), "{list}");
    office
        .click(&format!("td a[href='/approvals/{aid}']"))
        .await;
    office.wait_for_text("批复意见").await;
    assert_eq!(fact(&office, "状态").await, "待审批");
    office.click("input[name=decision][value=approve]").await;
    office
        .type_into("textarea[name=note]", "同意，会期压缩至半天")
        .await;
    office
        .click(&format!(
            "form[action='/approvals/{aid}'] button[type=submit]"
        ))
        .await;
    office.wait_for_text("已保存").await;
    assert_eq!(fact(&office, "状态").await, "已批准");
    let decided = fact(&office, "审批").await;
    assert!(decided.contains("同意，会期压缩至半天"), "{decided}");
    drop(office);

    // The filer files the meeting, ticking the approval.
    filer.goto(&app.url("/meetings/new")).await;
    let form = filer.wait_for_text("审批记录").await;
    assert!(
        form.contains(&format!("{number} 计划外事项审批 · 县农业农村局 · {title}")),
        "{form}"
    );
    filer.type_into("input[name=title]", title).await;
    set_value(&filer, "input[name=starts_at]", &format!("{day}T09:00")).await;
    filer
        .click(&format!("input[name=target][value='{county}:township']"))
        .await;
    filer.type_into("input[name=attendee_count]", "30").await;
    filer
        .click(&format!("input[name=approval][value='{aid}']"))
        .await;
    filer
        .click("form[action='/meetings/new'] button[type=submit]")
        .await;
    let page = filer.wait_for_text("已登记").await;
    filer.screenshot("story-approved-meeting.png").await;
    let cited = fact(&filer, "年度计划立项、计划外审批").await;
    assert!(
        cited.starts_with(&format!("{number} 计划外事项审批")) && cited.ends_with("已批准"),
        "{cited}"
    );
    assert!(!page.contains(unplanned), "{page}");
    assert!(!page.contains("事后补批"), "{page}");
}
