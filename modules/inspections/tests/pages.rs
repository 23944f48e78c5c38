//! The pages of 督查检查考核 as people use them: a department files through the form (and is told
//! in Chinese what is wrong), the office decides, staggers and reads its pages, a township
//! objects from its own page, and anyone reads, prints and downloads the pre-notice.
use super::stories::{check, file};
use crate::both_backends;
use crate::helpers::{csrf_of, spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    page_stories: a_department_the_office_and_a_township_use_the_pages,
    anyone_reads_prints_and_downloads_the_pre_notice
);

async fn text(c: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = c.get(app.url(path)).send().await.expect("page");
    let status = r.status();
    (status, r.text().await.expect("body"))
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn a_department_the_office_and_a_township_use_the_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let qingshi = app.unit_id("青石镇").await;

    // The filer files through the form: a window that ends before it starts is named.
    let filer = app.browser_login("filer").await;
    let (status, form) = text(&filer, &app, "/inspections/new?apply=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("报送督查检查考核、调研") && form.contains("青石镇"),
        "{form}"
    );
    let csrf = csrf_of(&form);
    let (agri_s, target) = (agri.to_string(), format!("{qingshi}:"));
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("organizer_id", agri_s.as_str()),
        ("category", "check"),
        ("title", "春季动物防疫检查"),
        ("target", target.as_str()),
        ("window_from", "2027-04-30"),
        ("window_to", "2027-04-01"),
        ("starts_on", "2027-04-12"),
        ("days_on_site", "2"),
        ("team_size", "4"),
        ("materials", "免疫台账\r\n自查报告"),
        ("in_plan", "on"),
    ];
    let r = filer
        .post(app.url("/inspections/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("时间窗口结束日期") && page.contains("不能早于"),
        "{page}"
    );
    assert!(
        page.contains("春季动物防疫检查"),
        "the form keeps what was typed"
    );
    fields[5] = ("window_from", "2027-04-01");
    fields[6] = ("window_to", "2027-04-30");
    let r = filer
        .post(app.url("/inspections/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let item_path = location(&r);
    let (_, item) = text(&filer, &app, &item_path).await;
    assert!(
        item.contains("春季动物防疫检查")
            && item.contains("免疫台账、自查报告")
            && item.contains("待审核"),
        "{item}"
    );
    let (_, plan) = text(&filer, &app, "/inspections/plan?year=2027").await;
    assert!(
        plan.contains("春季动物防疫检查") && plan.contains("导出Excel"),
        "{plan}"
    );
    let r = filer
        .get(app.url("/inspections/plan.xlsx?year=2027"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let (status, _) = text(&filer, &app, "/inspections/calendar").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Three more checks crowd 青石镇's week of 12 April 2027; the office reads its pages.
    for (k, name) in ["县教育局", "县应急管理局", "县住房和城乡建设局"]
        .into_iter()
        .enumerate()
    {
        let organizer = app.unit_id(name).await;
        let start = format!("2027-04-{}", 13 + k);
        file(
            &app,
            "supervisor",
            &check(
                organizer,
                json!([{"unit_id": qingshi}]),
                &format!("{name}检查"),
                ("2027-04-01", "2027-05-14"),
                &start,
                1,
            ),
        )
        .await;
    }
    let office = app.browser_login("supervisor").await;
    let (_, review) = text(&office, &app, "/inspections/review").await;
    assert!(
        review.contains("春季动物防疫检查") && review.contains("待审核 4 项"),
        "{review}"
    );
    let id = item_path
        .trim_start_matches("/inspections/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let csrf = csrf_of(&review);
    let r = office
        .post(app.url(&format!("/inspections/{id}/decision")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("decision", "reject"),
            ("reason", ""),
            ("back", "review"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, review) = text(&office, &app, &location(&r)).await;
    assert!(review.contains("理由不能为空"), "{review}");
    let r = office
        .post(app.url(&format!("/inspections/{id}/decision")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("decision", "approve"),
            ("reason", "同意"),
            ("back", "review"),
        ])
        .send()
        .await
        .unwrap();
    let (_, review) = text(&office, &app, &location(&r)).await;
    assert!(review.contains("已批准“春季动物防疫检查”"), "{review}");

    let (status, cal) = text(
        &office,
        &app,
        &format!("/inspections/calendar?year=2027&unit={qingshi}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cal}");
    assert!(
        cal.contains("青石镇2027年逐周迎检")
            && cal.contains("超限")
            && cal.contains("采纳错峰方案"),
        "{cal}"
    );
    let moves: Vec<String> = cal
        .split("name=\"move\" value=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect();
    assert_eq!(moves.len(), 2, "{cal}");
    let csrf = csrf_of(&cal);
    let mut apply = vec![("csrf_token", csrf.clone()), ("year", "2027".to_string())];
    apply.extend(moves.into_iter().map(|m| ("move", m)));
    let r = office
        .post(app.url("/inspections/calendar"))
        .form(&apply)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, cal) = text(&office, &app, &location(&r)).await;
    assert!(
        cal.contains("已按错峰方案调整2项") && cal.contains("没有单位超过每周上限"),
        "{cal}"
    );
    for (path, expect) in [
        ("/inspections/bundles?year=2027", "合并同类项、打捆建议"),
        ("/inspections/overview?year=2027", "inspections-chart-data"),
        ("/inspections/leaders?week=2027-04-12", "领导周要事计划单"),
        ("/inspections/objections", "基层申请调整"),
        ("/inspections", "督查检查考核"),
        ("/inspections/static/inspections.js", "echarts"),
    ] {
        let (status, page) = text(&office, &app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(page.contains(expect), "{path}: {page}");
    }

    // 青石镇 sees what comes, with the materials, and objects from its page.
    let township = app.browser_login("township").await;
    let (_, hosted) = text(
        &township,
        &app,
        "/inspections/hosted?from=2027-01-01&to=2027-12-31",
    )
    .await;
    assert!(
        hosted.contains("春季动物防疫检查")
            && hosted.contains("免疫台账、自查报告")
            && hosted.contains("申请调整"),
        "{hosted}"
    );
    let csrf = csrf_of(&hosted);
    let r = township
        .post(app.url(&format!("/inspections/{id}/objection")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("reason", "正值春耕，请调整到月底"),
            ("preferred_on", "2027-04-26"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, hosted) = text(&township, &app, &location(&r)).await;
    assert!(
        hosted.contains("已就“春季动物防疫检查”提出调整申请") && hosted.contains("待答复"),
        "{hosted}"
    );
    let (_, objections) = text(&office, &app, "/inspections/objections").await;
    let csrf = csrf_of(&objections);
    let oid: String = objections
        .split("/inspections/objections/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_string();
    let r = office
        .post(app.url(&format!("/inspections/objections/{oid}/answer")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("answer", "accept"),
            ("reply", "同意"),
            ("starts_on", "2027-04-26"),
        ])
        .send()
        .await
        .unwrap();
    let (_, objections) = text(&office, &app, &location(&r)).await;
    assert!(
        objections.contains("已答复青石镇的调整申请（同意调整）"),
        "{objections}"
    );
}

async fn anyone_reads_prints_and_downloads_the_pre_notice(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let qingshi = app.unit_id("青石镇").await;
    let item = file(
        &app,
        "filer",
        &check(
            agri,
            json!([{"unit_id": qingshi}]),
            "农村人居环境整治检查",
            ("2027-05-01", "2027-05-31"),
            "2027-05-10",
            2,
        ),
    )
    .await;
    let (status, _) = super::stories::decide(
        &app,
        "supervisor",
        item["id"].as_i64().unwrap(),
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let anyone = reqwest::Client::new();
    let (status, page) = text(&anyone, &app, "/public/inspections?month=2027-05").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("2027年5月督查检查考核和调研预通知")
            && page.contains("农村人居环境整治检查")
            && page.contains("5月10日—5月11日"),
        "{page}"
    );
    let (status, print) = text(&anyone, &app, "/public/inspections/print?month=2027-05").await;
    assert_eq!(status, StatusCode::OK);
    assert!(print.contains("@page") && print.contains("农村人居环境整治检查"));
    let r = anyone
        .get(app.url("/public/inspections.xlsx?month=2027-05"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let (status, page) = text(&anyone, &app, "/public/inspections?month=2027-13").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("月份") && page.contains("不存在"), "{page}");
}
