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
        // Sent to 各乡镇: the town reads it; a sibling department does not (SPEC §1).
        [200, 200, 200, 200, 403, 200, 403],
    ),
    row(
        "PUT",
        "/api/v1/meetings/{id}",
        [200, 200, 200, 403, 403, 403, 403],
    ),
    row(
        "POST",
        "/api/v1/meetings/{id}/withdraw",
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
        ("POST", "/api/v1/meetings/{id}/withdraw") => {
            Some(json!({"reason": format!("矩阵测试作废{}", a.n)}))
        }
        _ => None,
    }
}

/// A withdrawal acts on a fresh meeting of 县农业农村局 in each cell, so that one account's
/// withdrawal does not decide the answer to the next.
pub async fn withdraw_path(app: &TestApp, agri: i64, target: Value, path: String) -> String {
    match path.strip_suffix("/withdraw") {
        Some(_) if path.starts_with("/api/v1/meetings/") => {
            format!(
                "/api/v1/meetings/{}/withdraw",
                fixture(app, agri, target).await
            )
        }
        _ => path,
    }
}
