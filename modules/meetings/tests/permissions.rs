//! The meetings module's rows of the permission matrix (assembled in the platform's
//! `permissions.rs`): who may list, read, file and change meetings.
use crate::helpers::TestApp;
use crate::permissions::{row, Ask, Row};
use serde_json::{json, Value};

pub const ROWS: &[Row] = &[
    row(
        "GET",
        "/api/v1/meetings",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "POST",
        "/api/v1/meetings",
        [201, 201, 201, 201, 201, 403, 201],
    ),
    row(
        "GET",
        "/api/v1/meetings/{id}",
        [200, 200, 200, 403, 403, 200, 200],
    ),
    row(
        "PUT",
        "/api/v1/meetings/{id}",
        [200, 200, 200, 403, 403, 403, 403],
    ),
];

fn meeting(organizer: i64, target: Value, n: usize) -> Value {
    json!({"organizer_id": organizer, "title": format!("矩阵测试会议{n}"), "kind": "special", "starts_at": "2026-06-02T09:00",
           "planned_minutes": 60, "reach_level": "township", "targets": [target], "attendee_count": 20})
}

/// 县农业农村局's meeting that the `{id}` rows act on.
pub async fn fixture(app: &TestApp, agri: i64, target: Value) -> i64 {
    let (_, m) = app
        .send(
            "filer",
            "POST",
            "/api/v1/meetings",
            &meeting(agri, target, 0),
        )
        .await;
    m["id"].as_i64().expect("fixture meeting")
}

/// The body of a write that would succeed for an account allowed to make it.
pub fn body(row: &Row, a: &Ask) -> Option<Value> {
    match (row.method, row.template) {
        ("POST", "/api/v1/meetings") => Some(meeting(a.issuer, a.own_target.clone(), a.n)),
        ("PUT", "/api/v1/meetings/{id}") => Some(meeting(
            a.agri,
            json!({"unit_id": a.county, "level": "township"}),
            a.n,
        )),
        _ => None,
    }
}
