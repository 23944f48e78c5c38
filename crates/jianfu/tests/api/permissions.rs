//! The permission matrix: every API route × every demo role, allow or deny. A route that the
//! OpenAPI document lists but this table does not is a failure, so new routes must be added here.
use crate::both_backends;
use crate::helpers::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

both_backends!(
    every_route_allows_and_denies_by_role,
    unauthenticated_calls_get_401
);

/// One row: a route, a request that exercises it, and the status each account gets: the demo
/// accounts (admin, supervisor, filer of 县农业农村局, township, village, inspector) and a
/// sibling department's filer (县教育局), who must not act on 县农业农村局's records.
pub struct Row {
    pub method: &'static str,
    pub template: &'static str,
    pub expect: [u16; 7],
}

/// The accounts of the matrix's columns.
const ACCOUNTS: [&str; 7] = [
    "admin",
    "supervisor",
    "filer",
    "township",
    "village",
    "inspector",
    "filer_edu",
];

/// The platform's rows and each module's.
fn all_rows() -> Vec<&'static Row> {
    ROWS.iter()
        .chain(crate::documents::permissions::ROWS)
        .chain(crate::meetings::permissions::ROWS)
        .chain(crate::analysis::permissions::ROWS)
        .chain(crate::inspections::permissions::ROWS)
        .collect()
}

/// What a module's request is built from.
pub struct Ask {
    pub county: i64,
    pub agri: i64,
    /// The unit the account files for (its own; the office files for 县农业农村局).
    pub issuer: i64,
    /// A target inside the account's scope.
    pub own_target: Value,
    pub n: usize,
}

const ROWS: &[Row] = &[
    row("GET", "/api/v1/me", [200, 200, 200, 200, 200, 200, 200]),
    // Everyone lists their own tokens; a token cannot issue tokens (only a web session can);
    // a token of 县农业农村局's filer is revoked by its owner and the administrator only.
    row("GET", "/api/v1/tokens", [200, 200, 200, 200, 200, 200, 200]),
    row(
        "POST",
        "/api/v1/tokens",
        [403, 403, 403, 403, 403, 403, 403],
    ),
    row(
        "DELETE",
        "/api/v1/tokens/{id}",
        [200, 403, 200, 403, 403, 403, 403],
    ),
    row(
        "GET",
        "/api/v1/org-units",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "POST",
        "/api/v1/org-units",
        [201, 201, 403, 403, 403, 403, 403],
    ),
    row(
        "GET",
        "/api/v1/org-units/{id}",
        [200, 200, 200, 403, 403, 200, 200],
    ),
    row(
        "PATCH",
        "/api/v1/org-units/{id}",
        [200, 200, 403, 403, 403, 403, 403],
    ),
    row("GET", "/api/v1/users", [200, 200, 403, 403, 403, 200, 403]),
    row("POST", "/api/v1/users", [201, 201, 403, 403, 403, 403, 403]),
    row(
        "GET",
        "/api/v1/users/{id}",
        [200, 200, 403, 403, 403, 200, 403],
    ),
    row(
        "PATCH",
        "/api/v1/users/{id}",
        [200, 200, 403, 403, 403, 403, 403],
    ),
    row("GET", "/api/v1/audit", [200, 403, 403, 403, 403, 200, 403]),
    row(
        "GET",
        "/api/v1/audit.xlsx",
        [200, 403, 403, 403, 403, 200, 403],
    ),
    // The integrity check: whoever may read the trail (纪检, 管理员), no one else.
    row(
        "POST",
        "/api/v1/audit/verify",
        [200, 403, 403, 403, 403, 200, 403],
    ),
    row("GET", "/api/v1/burden", [200, 200, 200, 200, 200, 200, 200]),
    row(
        "GET",
        "/api/v1/dashboard",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "GET",
        "/api/v1/burden/issuers",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    // What lies behind the ledger's figures, its months and its workbook: each account's own
    // unit by default.
    row(
        "GET",
        "/api/v1/burden/items",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "GET",
        "/api/v1/burden/months",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "GET",
        "/api/v1/burden.xlsx",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row("GET", "/api/v1/plans", [200, 200, 200, 200, 200, 200, 200]),
    row("PUT", "/api/v1/plans", [200, 200, 403, 403, 403, 403, 403]),
    row("GET", "/api/v1/rules", [200, 200, 200, 200, 200, 200, 200]),
    row(
        "PUT",
        "/api/v1/rules/{id}",
        [200, 200, 403, 403, 403, 403, 403],
    ),
    row(
        "GET",
        "/api/v1/warnings",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    row(
        "GET",
        "/api/v1/warnings/{id}",
        [200, 200, 200, 403, 403, 200, 403],
    ),
    row(
        "POST",
        "/api/v1/warnings/{id}/actions",
        [200, 200, 200, 403, 403, 403, 403],
    ),
    row(
        "GET",
        "/api/v1/approvals",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    // Each unit applies in its own name; the inspector files nothing.
    row(
        "POST",
        "/api/v1/approvals",
        [201, 201, 201, 201, 201, 403, 201],
    ),
    // An application of 县农业农村局: its own filer and the county's office and inspector read
    // it; a town, a village and a sibling department do not.
    row(
        "GET",
        "/api/v1/approvals/{id}",
        [200, 200, 200, 403, 403, 200, 403],
    ),
    // Decided by the office only; never by the applicant (the filer).
    row(
        "POST",
        "/api/v1/approvals/{id}/decision",
        [200, 200, 403, 403, 403, 403, 403],
    ),
];

pub const fn row(method: &'static str, template: &'static str, expect: [u16; 7]) -> Row {
    Row {
        method,
        template,
        expect,
    }
}

/// Records the matrix's requests act on: a county department's document (long enough to
/// raise a warning) and each module's record.
struct Fixtures {
    county: i64,
    document: i64,
    meeting: i64,
    warning: i64,
}

async fn fixtures(app: &TestApp) -> Fixtures {
    let county = app.unit_id("示例县").await;
    let agri = app.unit_id("县农业农村局").await;
    let target = json!({"unit_id": county, "level": "township"});
    let document = crate::documents::permissions::fixture(app, agri, target.clone()).await;
    let meeting = crate::meetings::permissions::fixture(app, agri, target).await;
    let (_, w) = app.get("filer", "/api/v1/warnings?rule=doc.length").await;
    Fixtures {
        county,
        document,
        meeting,
        warning: w["items"][0]["id"].as_i64().expect("fixture warning"),
    }
}

/// A concrete request for a row: the path and, for writes, a body that would succeed.
async fn request_for(
    app: &TestApp,
    fx: &Fixtures,
    row: &Row,
    account: &str,
    n: usize,
) -> (String, Value) {
    let county = fx.county;
    // Each account files in its own unit's name, to units of its own scope.
    let me: Value = app.get(account, "/api/v1/me").await.1;
    let own = me["unit_id"].as_i64().unwrap_or(0);
    let own_target = if own == app.unit_id("县农业农村局").await
        || account == "admin"
        || account == "supervisor"
    {
        json!({"unit_id": county, "level": "township"})
    } else {
        json!({"unit_id": own})
    };
    let issuer = if account == "admin" || account == "supervisor" {
        app.unit_id("县农业农村局").await
    } else {
        own
    };
    let agri = app.unit_id("县农业农村局").await;
    let ask = Ask {
        county,
        agri,
        issuer,
        own_target,
        n,
    };
    if let Some(r) = crate::inspections::permissions::request(app, row, &ask).await {
        return r;
    }
    let body = match (row.method, row.template) {
        ("POST", "/api/v1/org-units") => {
            json!({"parent_id": county, "name": format!("矩阵测试局{n}"), "code": format!("M-{account}-{n}"), "level": "department"})
        }
        ("PATCH", "/api/v1/org-units/{id}") => json!({"sort_order": n}),
        ("POST", "/api/v1/users") => {
            json!({"username": format!("m_{account}_{n}"), "display_name": "矩阵测试", "password": "Passw0rd123",
            "role": "filer", "unit_id": app.unit_id("县水利局").await})
        }
        ("PATCH", "/api/v1/users/{id}") => json!({"phone": format!("1380000{n:04}")}),
        ("POST", "/api/v1/tokens") => json!({"name": format!("矩阵令牌{n}"), "days": 30}),
        ("PUT", "/api/v1/plans") => {
            json!({"unit_id": agri, "year": 2026, "planned_documents": n, "planned_meetings": 5})
        }
        ("PUT", "/api/v1/rules/{id}") => json!({"params": {"notice_limit": 3000 + n as i64}}),
        ("POST", "/api/v1/warnings/{id}/actions") => {
            json!({"action": "justify", "note": format!("说明{n}")})
        }
        ("POST", "/api/v1/approvals") => {
            json!({"channel": "meetings", "approval_kind": "out_of_plan",
            "unit_id": issuer, "title": format!("矩阵测试会议{n}"), "reason": "上级临时部署"})
        }
        ("POST", "/api/v1/approvals/{id}/decision") => {
            json!({"decision": "approve", "note": "同意"})
        }
        _ => crate::documents::permissions::body(row, &ask)
            .or_else(|| crate::meetings::permissions::body(row, &ask))
            .or_else(|| crate::analysis::permissions::body(row, &ask))
            .unwrap_or(Value::Null),
    };
    let id = match row.template {
        "/api/v1/org-units/{id}" => county.to_string(),
        "/api/v1/users/{id}" => app.user_id("filer_edu").await.to_string(),
        // A fresh token of 县农业农村局's filer for each cell.
        "/api/v1/tokens/{id}" => {
            jianfu_domain::tokens::issue_by_name(&app.db, "filer", &format!("矩阵{n}"), None)
                .await
                .expect("token")
                .token
                .id
                .to_string()
        }
        t if crate::documents::permissions::ROWS
            .iter()
            .chain(crate::analysis::permissions::ROWS)
            .any(|r| r.template == t) =>
        {
            fx.document.to_string()
        }
        t if crate::meetings::permissions::ROWS
            .iter()
            .any(|r| r.template == t) =>
        {
            fx.meeting.to_string()
        }
        "/api/v1/rules/{id}" => "doc.length".to_string(),
        "/api/v1/warnings/{id}" | "/api/v1/warnings/{id}/actions" => fx.warning.to_string(),
        // A fresh application of 县农业农村局's filer for each cell.
        "/api/v1/approvals/{id}" | "/api/v1/approvals/{id}/decision" => {
            let (status, a) = app
                .send(
                    "filer",
                    "POST",
                    "/api/v1/approvals",
                    &json!({"channel": "documents", "approval_kind": "plan", "unit_id": agri,
                        "title": format!("矩阵测试立项{n}")}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{a}");
            a["id"].to_string()
        }
        _ => String::new(),
    };
    let path = row.template.replace("{id}", &id);
    let path = crate::documents::permissions::attachment_path(app, fx.document, path, n).await;
    let target = json!({"unit_id": county, "level": "township"});
    let path = crate::documents::permissions::withdraw_path(app, agri, target.clone(), path).await;
    let path = crate::meetings::permissions::withdraw_path(app, agri, target, path).await;
    (path, body)
}

async fn every_route_allows_and_denies_by_role(backend: Backend) {
    let app = spawn_app(backend).await;
    // The table covers every route of the OpenAPI document.
    let doc: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let rows = all_rows();
    let tabled: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_string()))
        .collect();
    assert_eq!(
        documented, tabled,
        "the permission table must list exactly the documented API routes"
    );

    let fx = fixtures(&app).await;
    let mut n = 0;
    let mut wrong = Vec::new();
    for row in rows {
        for (i, account) in ACCOUNTS.iter().enumerate() {
            n += 1;
            let (path, body) = request_for(&app, &fx, row, account, n).await;
            let (status, resp) = if row.method == "GET" {
                app.get(account, &path).await
            } else if path.ends_with("/attachments") {
                app.upload(
                    account,
                    &path,
                    &format!("附件{n}.txt"),
                    format!("附件内容{n}").into_bytes(),
                )
                .await
            } else {
                app.send(account, row.method, &path, &body).await
            };
            if status.as_u16() != row.expect[i] {
                wrong.push(format!(
                    "{} {} as {account}: {} (expected {}) {resp}",
                    row.method,
                    path,
                    status.as_u16(),
                    row.expect[i]
                ));
            }
            if status == StatusCode::FORBIDDEN {
                assert_eq!(resp["error"]["code"], "forbidden");
            }
        }
    }
    assert!(wrong.is_empty(), "cells that differ:\n{}", wrong.join("\n"));
}

async fn unauthenticated_calls_get_401(backend: Backend) {
    let app = spawn_app(backend).await;
    for row in all_rows() {
        let path = row
            .template
            .replace("{id}", "1")
            .replace("{attachment_id}", "1");
        let m = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
        let r = app
            .client
            .request(m.clone(), app.url(&path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        // The public routes (预通知) answer without signing in; a forged token is still refused.
        if path.starts_with("/api/v1/public/") {
            assert_eq!(r.status(), StatusCode::OK, "{} {path}", row.method);
        } else {
            assert_eq!(
                r.status(),
                StatusCode::UNAUTHORIZED,
                "{} {path}",
                row.method
            );
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["error"]["code"], "unauthorized");
        }
        let r = app
            .client
            .request(m, app.url(&path))
            .bearer_auth("jf_forged")
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "forged token on {} {path}",
            row.method
        );
    }
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "not_found"
    );
}
