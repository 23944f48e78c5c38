//! The document intelligence module's rows of the permission matrix (assembled in the
//! platform's `permissions.rs`): who may read a document's analysis, assess a draft and search.
//! The `{id}` of its rows is the documents module's fixture document.
use crate::permissions::{row, Ask, Row};
use serde_json::{json, Value};

pub const ROWS: &[Row] = &[
    row(
        "GET",
        "/api/v1/documents/{id}/analysis",
        // Sent to 各乡镇: the town reads it; a sibling department does not (SPEC §1).
        [200, 200, 200, 200, 403, 200, 403],
    ),
    row(
        "POST",
        "/api/v1/analysis/document",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "GET",
        "/api/v1/search/documents",
        [200, 200, 200, 200, 200, 200, 200],
    ),
];

/// The body of a request that would succeed for an account allowed to make it.
pub fn body(row: &Row, a: &Ask) -> Option<Value> {
    match (row.method, row.template) {
        ("POST", "/api/v1/analysis/document") => {
            Some(json!({"text": format!("请各村于月底前报送工作台账{}。", a.n), "kind": "通知"}))
        }
        _ => None,
    }
}
