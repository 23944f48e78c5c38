//! The permission matrix: every API route × every demo role, allow or deny. A route that the
//! OpenAPI document lists but this table does not is a failure, so new routes must be added here.
use crate::both_backends;
use crate::helpers::{spawn_app, Backend, TestApp, DEMO_ACCOUNTS};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

both_backends!(
    every_route_allows_and_denies_by_role,
    unauthenticated_calls_get_401
);

/// One row: a route, a request that exercises it, and the status each demo account gets
/// (admin, supervisor, filer, township, village, inspector).
struct Row {
    method: &'static str,
    template: &'static str,
    expect: [u16; 6],
}

const ROWS: &[Row] = &[
    Row {
        method: "GET",
        template: "/api/v1/me",
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        method: "GET",
        template: "/api/v1/org-units",
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        method: "POST",
        template: "/api/v1/org-units",
        expect: [201, 201, 403, 403, 403, 403],
    },
    Row {
        method: "GET",
        template: "/api/v1/org-units/{id}",
        expect: [200, 200, 200, 403, 403, 200],
    },
    Row {
        method: "PATCH",
        template: "/api/v1/org-units/{id}",
        expect: [200, 200, 403, 403, 403, 403],
    },
    Row {
        method: "GET",
        template: "/api/v1/users",
        expect: [200, 200, 403, 403, 403, 200],
    },
    Row {
        method: "POST",
        template: "/api/v1/users",
        expect: [201, 201, 403, 403, 403, 403],
    },
    Row {
        method: "GET",
        template: "/api/v1/users/{id}",
        expect: [200, 200, 403, 403, 403, 200],
    },
    Row {
        method: "PATCH",
        template: "/api/v1/users/{id}",
        expect: [200, 200, 403, 403, 403, 403],
    },
    Row {
        method: "GET",
        template: "/api/v1/audit",
        expect: [200, 403, 403, 403, 403, 200],
    },
];

/// A concrete request for a row: the path and, for writes, a body that would succeed.
async fn request_for(app: &TestApp, row: &Row, account: &str, n: usize) -> (String, Value) {
    let county = app.unit_id("示例县").await;
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
        _ => Value::Null,
    };
    let id = match row.template {
        "/api/v1/org-units/{id}" => county,
        "/api/v1/users/{id}" => app.user_id("filer_edu").await,
        _ => 0,
    };
    (row.template.replace("{id}", &id.to_string()), body)
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
    let tabled: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_string()))
        .collect();
    assert_eq!(
        documented, tabled,
        "the permission table must list exactly the documented API routes"
    );

    let mut n = 0;
    for row in ROWS {
        for (i, account) in DEMO_ACCOUNTS.iter().enumerate() {
            n += 1;
            let (path, body) = request_for(&app, row, account, n).await;
            let (status, resp) = if row.method == "GET" {
                app.get(account, &path).await
            } else {
                app.send(account, row.method, &path, &body).await
            };
            assert_eq!(
                status.as_u16(),
                row.expect[i],
                "{} {} as {account}: {resp}",
                row.method,
                path
            );
            if status == StatusCode::FORBIDDEN {
                assert_eq!(resp["error"]["code"], "forbidden");
            }
        }
    }
}

async fn unauthenticated_calls_get_401(backend: Backend) {
    let app = spawn_app(backend).await;
    for row in ROWS {
        let path = row.template.replace("{id}", "1");
        let m = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
        let r = app
            .client
            .request(m.clone(), app.url(&path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{} {path}",
            row.method
        );
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
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
