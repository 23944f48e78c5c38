//! The documents module's rows of the permission matrix (assembled in the platform's
//! `permissions.rs`): who may list, read, file and change documents and their attachments.
use crate::helpers::TestApp;
use crate::permissions::{row, Ask, Row};
use reqwest::StatusCode;
use serde_json::{json, Value};

pub const ROWS: &[Row] = &[
    row(
        "GET",
        "/api/v1/documents",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "POST",
        "/api/v1/documents",
        [201, 201, 201, 201, 201, 403, 201],
    ),
    row(
        "GET",
        "/api/v1/documents/{id}",
        // Sent to 各乡镇: the town reads it; a sibling department does not (SPEC §1).
        [200, 200, 200, 200, 403, 200, 403],
    ),
    row(
        "PUT",
        "/api/v1/documents/{id}",
        [200, 200, 200, 403, 403, 403, 403],
    ),
    row(
        "POST",
        "/api/v1/documents/{id}/withdraw",
        [200, 200, 200, 403, 403, 403, 403],
    ),
    row(
        "POST",
        "/api/v1/documents/{id}/attachments",
        [201, 201, 201, 403, 403, 403, 403],
    ),
    row(
        "GET",
        "/api/v1/documents/{id}/attachments/{attachment_id}",
        // Sent to 各乡镇: the town reads it; a sibling department does not (SPEC §1).
        [200, 200, 200, 200, 403, 200, 403],
    ),
    row(
        "DELETE",
        "/api/v1/documents/{id}/attachments/{attachment_id}",
        [204, 204, 204, 403, 403, 403, 403],
    ),
];

/// A notice long enough (6,300 characters) to raise the length warning.
fn document(issuer: i64, target: Value, n: usize) -> Value {
    json!({"issuer_id": issuer, "title": format!("矩阵测试通知{n}"), "kind": "通知", "carrier": "formal", "issued_on": "2026-06-01",
           "targets": [target], "body": "落实基层减负要求。".repeat(700)})
}

/// 县农业农村局's document that the `{id}` rows act on.
pub async fn fixture(app: &TestApp, agri: i64, target: Value) -> i64 {
    let (_, d) = app
        .send(
            "filer",
            "POST",
            "/api/v1/documents",
            &document(agri, target, 0),
        )
        .await;
    d["id"].as_i64().expect("fixture document")
}

/// The body of a write that would succeed for an account allowed to make it.
pub fn body(row: &Row, a: &Ask) -> Option<Value> {
    match (row.method, row.template) {
        ("POST", "/api/v1/documents") => Some(document(a.issuer, a.own_target.clone(), a.n)),
        ("PUT", "/api/v1/documents/{id}") => Some(document(
            a.agri,
            json!({"unit_id": a.county, "level": "township"}),
            a.n,
        )),
        ("POST", "/api/v1/documents/{id}/withdraw") => {
            Some(json!({"reason": format!("矩阵测试作废{}", a.n)}))
        }
        _ => None,
    }
}

/// A withdrawal acts on a fresh document of 县农业农村局 in each cell, so that one account's
/// withdrawal does not decide the answer to the next.
pub async fn withdraw_path(app: &TestApp, agri: i64, target: Value, path: String) -> String {
    match path.strip_suffix("/withdraw") {
        Some(_) if path.starts_with("/api/v1/documents/") => {
            format!(
                "/api/v1/documents/{}/withdraw",
                fixture(app, agri, target).await
            )
        }
        _ => path,
    }
}

/// The path with a fresh attachment of `document` in place of `{attachment_id}`, so that a
/// removal by one account does not decide the answer to the next.
pub async fn attachment_path(app: &TestApp, document: i64, path: String, n: usize) -> String {
    if !path.contains("{attachment_id}") {
        return path;
    }
    let (status, a) = app
        .upload(
            "filer",
            &format!("/api/v1/documents/{document}/attachments"),
            &format!("附件{n}.txt"),
            format!("附件内容{n}").into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    path.replace("{attachment_id}", &a["id"].to_string())
}
