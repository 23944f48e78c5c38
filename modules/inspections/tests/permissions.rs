//! The inspections module's rows of the permission matrix (assembled in the platform's
//! `permissions.rs`): who may list, file, decide, object, answer, see the region's calendar and
//! proposals, and read the public pre-notice. Each row's request is built here, with a fresh
//! item or objection where one account's answer would decide the next one's.
use crate::helpers::TestApp;
use crate::permissions::{row, Ask, Row};
use reqwest::StatusCode;
use serde_json::{json, Value};

const REVIEW: [u16; 7] = [200, 200, 403, 403, 403, 403, 403];

pub const ROWS: &[Row] = &[
    row(
        "GET",
        "/api/v1/inspections",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "POST",
        "/api/v1/inspections",
        [201, 201, 201, 201, 201, 403, 201],
    ),
    row(
        "GET",
        "/api/v1/inspections/{id}",
        [200, 200, 200, 403, 403, 200, 200],
    ),
    row(
        "PUT",
        "/api/v1/inspections/{id}",
        [200, 200, 200, 403, 403, 403, 403],
    ),
    row(
        "POST",
        "/api/v1/inspections/plan",
        [201, 201, 201, 201, 201, 403, 201],
    ),
    row("POST", "/api/v1/inspections/{id}/decision", REVIEW),
    row(
        "POST",
        "/api/v1/inspections/{id}/objections",
        [403, 403, 403, 201, 201, 403, 403],
    ),
    row(
        "GET",
        "/api/v1/inspections/objections",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row("POST", "/api/v1/inspections/objections/{id}/answer", REVIEW),
    row(
        "GET",
        "/api/v1/inspections/notices",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "GET",
        "/api/v1/inspections/hosted",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row("GET", "/api/v1/inspections/calendar", REVIEW),
    row("GET", "/api/v1/inspections/stagger", REVIEW),
    row("POST", "/api/v1/inspections/stagger", REVIEW),
    row("GET", "/api/v1/inspections/bundles", REVIEW),
    row("GET", "/api/v1/inspections/overview", REVIEW),
    row("GET", "/api/v1/inspections/leaders", REVIEW),
    row(
        "GET",
        "/api/v1/public/inspections/pre-notice",
        [200, 200, 200, 200, 200, 200, 200],
    ),
];

/// A check of 2027 by `organizer` on `targets`, its window May 2027, starting Monday 3 May.
pub fn item(organizer: i64, targets: Value, n: usize) -> Value {
    json!({"organizer_id": organizer, "category": "check", "title": format!("矩阵测试检查{n}"),
           "targets": targets, "window_from": "2027-05-03", "window_to": "2027-05-31",
           "starts_on": "2027-05-03", "days_on_site": 2, "team_size": 4, "materials": ["自查报告"]})
}

async fn created(app: &TestApp, user: &str, path: &str, body: &Value) -> Value {
    let (status, v) = app.send(user, "POST", path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

/// 县农业农村局's item on 青石镇 and its villages, filed by its filer.
async fn fixture(app: &TestApp, a: &Ask) -> i64 {
    let qingshi = app.unit_id("青石镇").await;
    let targets = json!([{"unit_id": qingshi}, {"unit_id": qingshi, "level": "village"}]);
    created(
        app,
        "filer",
        "/api/v1/inspections",
        &item(a.agri, targets, a.n),
    )
    .await["id"]
        .as_i64()
        .expect("fixture item")
}

/// The path and body of a row's request for one account.
pub async fn request(app: &TestApp, row: &Row, a: &Ask) -> Option<(String, Value)> {
    let own = json!([a.own_target.clone()]);
    let county = json!([{"unit_id": a.county, "level": "township"}]);
    Some(match (row.method, row.template) {
        ("POST", "/api/v1/inspections") => (row.template.into(), item(a.issuer, own, a.n)),
        ("POST", "/api/v1/inspections/plan") => (
            row.template.into(),
            json!({"items": [item(a.issuer, own.clone(), a.n), item(a.issuer, own, a.n + 100_000)]}),
        ),
        ("GET" | "PUT", "/api/v1/inspections/{id}") => (
            row.template
                .replace("{id}", &fixture(app, a).await.to_string()),
            item(a.agri, county, a.n),
        ),
        ("POST", "/api/v1/inspections/{id}/decision") => (
            row.template
                .replace("{id}", &fixture(app, a).await.to_string()),
            json!({"decision": "approve"}),
        ),
        ("POST", "/api/v1/inspections/{id}/objections") => (
            row.template
                .replace("{id}", &fixture(app, a).await.to_string()),
            json!({"reason": format!("与本周其他检查冲突{}", a.n)}),
        ),
        ("POST", "/api/v1/inspections/objections/{id}/answer") => {
            let id = fixture(app, a).await;
            let o = created(
                app,
                "township",
                &format!("/api/v1/inspections/{id}/objections"),
                &json!({"reason": "春耕期间，请调整"}),
            )
            .await;
            (
                row.template.replace("{id}", &o["id"].to_string()),
                json!({"answer": "decline", "reply": "时间已统筹，不予调整"}),
            )
        }
        ("POST", "/api/v1/inspections/stagger") => {
            let id = fixture(app, a).await;
            (
                row.template.into(),
                json!({"region": a.county, "moves": [{"inspection_id": id, "starts_on": "2027-05-10"}]}),
            )
        }
        ("GET", _) if row.template.starts_with("/api/v1/public/inspections") => {
            (format!("{}?month=2027-05", row.template), Value::Null)
        }
        ("GET", t) if t.starts_with("/api/v1/inspections") => (t.into(), Value::Null),
        _ => return None,
    })
}
