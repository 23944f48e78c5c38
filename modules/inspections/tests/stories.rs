//! 督查检查考核 as a department, the office, a township and the public use it: filing and
//! deciding, the ledger from below, bad input, objections and the public pre-notice.
use crate::both_backends;
use crate::helpers::{assert_error, open_warnings, spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    stories: filing_deciding_and_the_ledger_from_below,
    bad_input_gets_a_chinese_error_and_loses_nothing,
    a_township_objects_and_the_office_answers,
    the_public_pre_notice_keeps_unannounced_items_back
);

/// A check by `organizer` on `targets`: window, first day on site, days.
pub fn check(
    organizer: i64,
    targets: Value,
    title: &str,
    window: (&str, &str),
    starts_on: &str,
    days: i64,
) -> Value {
    json!({"organizer_id": organizer, "category": "check", "title": title, "targets": targets,
           "window_from": window.0, "window_to": window.1, "starts_on": starts_on, "days_on_site": days,
           "team_size": 4, "materials": ["自查报告", "工作台账"], "basis": "县应急管理局年度检查计划"})
}

pub async fn file(app: &TestApp, user: &str, body: &Value) -> Value {
    let (status, v) = app.send(user, "POST", "/api/v1/inspections", body).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

pub async fn decide(app: &TestApp, user: &str, id: i64, body: Value) -> (StatusCode, Value) {
    app.send(
        user,
        "POST",
        &format!("/api/v1/inspections/{id}/decision"),
        &body,
    )
    .await
}

fn rules_of(ws: &[Value]) -> Vec<String> {
    let mut r: Vec<String> = ws
        .iter()
        .filter_map(|w| w["rule_id"].as_str().map(str::to_string))
        .collect();
    r.sort();
    r.dedup();
    r
}

async fn inspections_ledger(app: &TestApp, unit: i64, from: &str, to: &str) -> Value {
    let (status, b) = app
        .get(
            "supervisor",
            &format!("/api/v1/burden?unit={unit}&from={from}&to={to}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    b["channels"]["inspections"].clone()
}

async fn filing_deciding_and_the_ledger_from_below(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let qingshi = app.unit_id("青石镇").await;
    // An out-of-plan check that began two weeks ago and is filed only now.
    let mut late = check(
        agri,
        json!([{"unit_id": qingshi}]),
        "秋粮收购专项检查",
        ("2026-11-01", "2026-11-30"),
        "2026-11-16",
        3,
    );
    late["in_plan"] = json!(false);
    let created = file(&app, "filer", &late).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "pending");
    assert_eq!(created["ends_on"], "2026-11-18");
    assert_eq!(created["reach"], 1);
    let found = open_warnings(&app, "supervisor", "").await;
    assert_eq!(
        rules_of(&found),
        ["inspect.filed_late", "inspect.unapproved_start"]
    );
    let unapproved = found
        .iter()
        .find(|w| w["rule_id"] == "inspect.unapproved_start")
        .unwrap();
    assert_eq!(unapproved["severity"], "violation");
    assert_eq!(unapproved["unit_id"], agri);

    // The filer cannot decide; the office approves; a second decision is refused.
    let (status, body) = decide(&app, "filer", id, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = decide(
        &app,
        "supervisor",
        id,
        json!({"decision": "approve", "reason": "防止收购季坑农害农，同意开展"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "approved");
    let (status, body) = decide(
        &app,
        "admin",
        id,
        json!({"decision": "reject", "reason": "重复"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error(&body, "already_decided", Some("decision"));
    assert_eq!(
        rules_of(&open_warnings(&app, "supervisor", "").await),
        ["inspect.filed_late"]
    );

    // 青石镇's ledger counts it, in days on site; its own view lists it with the materials.
    let line = inspections_ledger(&app, qingshi, "2026-11-01", "2026-11-30").await;
    assert_eq!(
        (line["items"].as_i64(), line["measure"].as_i64()),
        (Some(1), Some(3))
    );
    let (status, hosted) = app
        .get(
            "township",
            "/api/v1/inspections/hosted?from=2026-01-01&to=2026-12-31",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{hosted}");
    assert_eq!(hosted["inspections"], 1);
    assert_eq!(hosted["days_on_site"], 3);
    assert_eq!(hosted["materials"], 2);
    assert_eq!(hosted["items"][0]["organizer_name"], "县农业农村局");
    assert_eq!(hosted["items"][0]["done"], true);

    // The office files an item itself and may not approve it; a rejection needs a reason and
    // takes the item off the ledger.
    let own = file(
        &app,
        "supervisor",
        &check(
            agri,
            json!([{"unit_id": qingshi}]),
            "高标准农田建设检查",
            ("2027-05-03", "2027-05-31"),
            "2027-05-10",
            2,
        ),
    )
    .await;
    let own_id = own["id"].as_i64().unwrap();
    let (status, body) = decide(&app, "supervisor", own_id, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "forbidden", Some("decision"));
    let (status, body) = decide(&app, "admin", own_id, json!({"decision": "reject"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_field", Some("reason"));
    assert_eq!(
        inspections_ledger(&app, qingshi, "2027-05-01", "2027-05-31").await["items"],
        1
    );
    let (status, body) = decide(
        &app,
        "admin",
        own_id,
        json!({"decision": "reject", "reason": "与县级综合检查重复，请合并开展"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "rejected");
    assert_eq!(
        inspections_ledger(&app, qingshi, "2027-05-01", "2027-05-31").await["items"],
        0
    );

    // Decisions are audited, and the organizer is told.
    let (_, audit) = app
        .get("admin", "/api/v1/audit?entity=inspection&per_page=100")
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "inspection.create",
        "inspection.approve",
        "inspection.reject",
    ] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
    let (_, notices) = app.get("filer", "/api/v1/inspections/notices").await;
    let messages: Vec<&str> = notices
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("已批准") && m.contains("秋粮收购专项检查")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("驳回") && m.contains("合并开展")),
        "{messages:?}"
    );

    // An edit waits for a decision again.
    let mut edited = late.clone();
    edited["title"] = json!("秋粮收购和储备粮专项检查");
    let (status, body) = app
        .send(
            "filer",
            "PUT",
            &format!("/api/v1/inspections/{id}"),
            &edited,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    assert_eq!(body["filed_on"], created["filed_on"]);
}

async fn bad_input_gets_a_chinese_error_and_loses_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let qingshi = app.unit_id("青石镇").await;
    let city_edu = app.unit_id("示例市教育局").await;
    let good = check(
        agri,
        json!([{"unit_id": qingshi}]),
        "防汛检查",
        ("2027-06-01", "2027-06-30"),
        "2027-06-07",
        2,
    );
    let kept = file(&app, "filer", &good).await;
    let count = "SELECT COUNT(*) FROM inspections";
    let before = app.scalar(count).await;

    let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
        (
            json!({"window_from": "2027-06-30", "window_to": "2027-06-01", "starts_on": null}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "window_to",
        ),
        (
            json!({"targets": [{"unit_id": city_edu}]}),
            StatusCode::FORBIDDEN,
            "forbidden",
            "targets",
        ),
        (
            json!({"targets": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "targets",
        ),
        (
            json!({"starts_on": "2027-07-02"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "starts_on",
        ),
        (
            json!({"days_on_site": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "days_on_site",
        ),
        (
            json!({"team_size": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "team_size",
        ),
        (
            json!({"category": "audit"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "category",
        ),
        (
            json!({"window_from": "2026-02-30"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "window_from",
        ),
        (
            json!({"title": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "title",
        ),
        (
            json!({"materials": vec!["台账"; 51]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "materials",
        ),
        (
            json!({"organizer_id": app.unit_id("县教育局").await}),
            StatusCode::FORBIDDEN,
            "forbidden",
            "organizer_id",
        ),
    ];
    for (change, status, code, field) in cases {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (got, err) = app
            .send("filer", "POST", "/api/v1/inspections", &body)
            .await;
        assert_eq!(got, status, "{change} → {err}");
        assert_error(&err, code, Some(field));
        // And as an edit of the stored item: refused, the item unchanged.
        let (got, _) = app
            .send(
                "filer",
                "PUT",
                &format!("/api/v1/inspections/{}", kept["id"]),
                &body,
            )
            .await;
        assert_eq!(got, status, "edit with {change}");
    }
    let (_, err) = app
        .send("filer", "POST", "/api/v1/inspections", &json!({"items": 1}))
        .await;
    assert_error(&err, "unknown_field", None);
    let (status, err) = app
        .send_raw(
            "filer",
            "POST",
            "/api/v1/inspections",
            "application/json",
            b"{\"title\":".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&err, "malformed_json", None);
    let msg = app
        .send("filer", "POST", "/api/v1/inspections", &{
            let mut b = good.clone();
            b["targets"] = json!([{"unit_id": city_edu}]);
            b
        })
        .await
        .1;
    assert!(
        msg["error"]["message"]
            .as_str()
            .unwrap()
            .contains("检查对象"),
        "{msg}"
    );

    // A plan with one bad item stores none of it, and names the item.
    let mut bad = good.clone();
    bad["window_to"] = json!("2027-05-01");
    let (status, err) = app
        .send(
            "filer",
            "POST",
            "/api/v1/inspections/plan",
            &json!({"items": [good.clone(), bad]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_error(&err, "invalid_field", Some("items[1].window_to"));
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("第2项"),
        "{err}"
    );
    assert_eq!(app.scalar(count).await, before);
    let (_, stored) = app
        .get("filer", &format!("/api/v1/inspections/{}", kept["id"]))
        .await;
    assert_eq!(stored["title"], "防汛检查");
    assert_eq!(stored["window_to"], "2027-06-30");

    // Queries: a month that does not exist, a year out of range, a period backwards.
    for (path, field) in [
        (
            "/api/v1/public/inspections/pre-notice?month=2026-13",
            "month",
        ),
        (
            "/api/v1/public/inspections/pre-notice?month=2026-00",
            "month",
        ),
        ("/api/v1/public/inspections/pre-notice?month=六月", "month"),
        (
            "/api/v1/public/inspections/pre-notice?month=2026-06&region=99999999",
            "region",
        ),
        ("/api/v1/inspections/calendar?year=1999", "year"),
        ("/api/v1/inspections/stagger?year=abc", "year"),
        (
            "/api/v1/inspections/hosted?from=2026-05-01&to=2026-04-01",
            "to",
        ),
        ("/api/v1/inspections?status=done", "status"),
        ("/api/v1/inspections/leaders?week=2026-02-30", "week"),
    ] {
        let (status, err) = app.get("supervisor", path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {err}");
        assert_error(&err, "invalid_field", Some(field));
    }
    let (status, _) = app
        .send(
            "supervisor",
            "POST",
            "/api/v1/inspections/999999/decision",
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A staggered schedule that moves an item out of its window is refused whole.
    for moves in [
        json!([]),
        json!([{"inspection_id": kept["id"], "starts_on": "2027-07-05"}]),
        json!([{"inspection_id": kept["id"], "starts_on": "2027-06-10"}]),
        json!([{"inspection_id": 999999, "starts_on": "2027-06-14"}]),
    ] {
        let (status, err) = app
            .send(
                "supervisor",
                "POST",
                "/api/v1/inspections/stagger",
                &json!({"moves": moves}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{moves}: {err}");
        assert_error(&err, "invalid_field", Some("moves"));
    }
    let (_, stored) = app
        .get("filer", &format!("/api/v1/inspections/{}", kept["id"]))
        .await;
    assert_eq!(stored["starts_on"], "2027-06-07");
}

async fn a_township_objects_and_the_office_answers(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let qingshi = app.unit_id("青石镇").await;
    let item = file(
        &app,
        "filer",
        &check(
            agri,
            json!([{"unit_id": qingshi}]),
            "春季农业生产检查",
            ("2027-04-01", "2027-05-31"),
            "2027-04-12",
            2,
        ),
    )
    .await;
    let id = item["id"].as_i64().unwrap();
    // An unannounced one the township must not see before it is done.
    let mut secret = check(
        agri,
        json!([{"unit_id": qingshi}]),
        "动物防疫四不两直暗访",
        ("2027-04-01", "2027-04-30"),
        "2027-04-20",
        1,
    );
    secret["unannounced"] = json!(true);
    let secret = file(&app, "filer", &secret).await;
    let (_, hosted) = app
        .get(
            "township",
            "/api/v1/inspections/hosted?from=2027-01-01&to=2027-12-31",
        )
        .await;
    let titles: Vec<&str> = hosted["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["title"].as_str())
        .collect();
    assert_eq!(titles, ["春季农业生产检查"]);
    let (_, seen) = app
        .get(
            "supervisor",
            &format!("/api/v1/inspections/hosted?unit={qingshi}&from=2027-01-01&to=2027-12-31"),
        )
        .await;
    assert_eq!(seen["items"].as_array().unwrap().len(), 2);
    let (status, _) = app
        .send(
            "township",
            "POST",
            &format!("/api/v1/inspections/{}/objections", secret["id"]),
            &json!({"reason": "冲突"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A village it does not land on cannot object; the township can.
    let (status, _) = app
        .send(
            "village",
            "POST",
            &format!("/api/v1/inspections/{id}/objections"),
            &json!({"reason": "冲突"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = app
        .send(
            "township",
            "POST",
            &format!("/api/v1/inspections/{id}/objections"),
            &json!({"reason": " "}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&err, "invalid_field", Some("reason"));
    let (status, objection) = app
        .send(
            "township",
            "POST",
            &format!("/api/v1/inspections/{id}/objections"),
            &json!({"reason": "4月12日当周正值春耕，且已有两项检查，请调整到下旬", "preferred_on": "2027-04-26"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{objection}");
    assert_eq!(objection["status"], "open");
    let oid = objection["id"].as_i64().unwrap();
    let (_, open) = app
        .get("supervisor", "/api/v1/inspections/objections?open=true")
        .await;
    assert_eq!(open.as_array().unwrap().len(), 1);
    let (_, own) = app.get("township", "/api/v1/inspections/objections").await;
    assert_eq!(own[0]["id"], oid);

    // Accepted with a date outside the window: refused; inside it: the item moves.
    let answer = format!("/api/v1/inspections/objections/{oid}/answer");
    let (status, err) = app
        .send(
            "supervisor",
            "POST",
            &answer,
            &json!({"answer": "accept", "reply": "同意", "starts_on": "2027-06-07"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_error(&err, "invalid_field", Some("starts_on"));
    let (status, answered) = app
        .send(
            "supervisor",
            "POST",
            &answer,
            &json!({"answer": "accept", "reply": "同意调整至4月26日", "starts_on": "2027-04-26"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["status"], "accepted");
    let (_, moved) = app.get("filer", &format!("/api/v1/inspections/{id}")).await;
    assert_eq!(
        (moved["starts_on"].as_str(), moved["ends_on"].as_str()),
        (Some("2027-04-26"), Some("2027-04-27"))
    );
    let (status, err) = app
        .send(
            "supervisor",
            "POST",
            &answer,
            &json!({"answer": "decline", "reply": "再答"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    for user in ["township", "filer"] {
        let (_, notices) = app.get(user, "/api/v1/inspections/notices").await;
        assert!(
            notices
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["message"].as_str().unwrap_or("").contains("4月26日")),
            "{user}: {notices}"
        );
    }
}

async fn the_public_pre_notice_keeps_unannounced_items_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let qingshi = app.unit_id("青石镇").await;
    let county = app.unit_id("示例县").await;
    let open = file(
        &app,
        "filer",
        &check(
            agri,
            json!([{"unit_id": qingshi}, {"unit_id": qingshi, "level": "village"}]),
            "农村人居环境整治检查",
            ("2027-05-01", "2027-05-31"),
            "2027-05-10",
            2,
        ),
    )
    .await;
    let mut secret = check(
        agri,
        json!([{"unit_id": county, "level": "township"}]),
        "动物防疫暗访",
        ("2027-05-01", "2027-05-31"),
        "2027-05-18",
        1,
    );
    secret["unannounced"] = json!(true);
    let secret = file(&app, "filer", &secret).await;
    let waiting = file(
        &app,
        "filer",
        &check(
            agri,
            json!([{"unit_id": qingshi}]),
            "待批准的检查",
            ("2027-05-01", "2027-05-31"),
            "2027-05-20",
            1,
        ),
    )
    .await;
    for i in [&open, &secret] {
        let (status, b) = decide(
            &app,
            "supervisor",
            i["id"].as_i64().unwrap(),
            json!({"decision": "approve"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}");
    }
    let r = app
        .client
        .get(app.url(&format!(
            "/api/v1/public/inspections/pre-notice?month=2027-05&region={county}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let notice: Value = r.json().await.unwrap();
    assert_eq!(notice["month_label"], "2027年5月");
    assert_eq!(notice["region_name"], "示例县");
    let items = notice["items"].as_array().unwrap();
    let ids: Vec<&Value> = items.iter().map(|i| &i["id"]).collect();
    assert_eq!(
        ids,
        [&open["id"], &secret["id"]],
        "pending {} not listed",
        waiting["id"]
    );
    assert_eq!(items[0]["starts_on"], "2027-05-10");
    assert_eq!(items[0]["targets"], "青石镇、青石镇所属各村（社区）");
    assert_eq!(items[0]["materials"], json!(["自查报告", "工作台账"]));
    assert_eq!(items[1]["unannounced"], true);
    assert!(
        items[1]["starts_on"].is_null() && items[1]["targets"].is_null(),
        "{}",
        items[1]
    );
    assert!(items[1]["dates"].as_str().unwrap().contains("四不两直"));
    // Another month has none of them.
    let (_, june) = app
        .get(
            "village",
            "/api/v1/public/inspections/pre-notice?month=2027-06",
        )
        .await;
    assert_eq!(june["items"], json!([]));
}
