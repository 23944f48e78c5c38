//! The org tree through the API: listing, subtree scope, paging, create and update, bad input.
use crate::both_backends;
use crate::helpers::{assert_error, spawn_app, Backend};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    lists_units_within_the_callers_subtree,
    paging_and_filters,
    creates_and_updates_units,
    bad_input_changes_nothing,
    taken_codes_are_named_by_the_database_too
);

async fn lists_units_within_the_callers_subtree(backend: Backend) {
    let app = spawn_app(backend).await;
    // The county office sees the county's 12 towns and streets.
    let (status, body) = app
        .get("supervisor", "/api/v1/org-units?level=township")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 12);
    assert!(body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["level"] == "township" && u["parent_id"].is_i64()));

    // A village user sees only its village.
    let (status, body) = app.get("village", "/api/v1/org-units").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["name"], "李家庄村");
    assert_eq!(body["items"][0]["level"], "village");

    // A township user sees its villages, not those of the next town.
    let (_, body) = app.get("township", "/api/v1/org-units?level=village").await;
    assert_eq!(body["total"], 13);
    let other = app.unit_id("柳河村").await;
    let (status, body) = app
        .get("township", &format!("/api/v1/org-units/{other}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error(&body, "forbidden", None);

    // Children of a unit outside the caller's subtree are refused, naming the parameter.
    let county = app.unit_id("示例县").await;
    let (status, body) = app
        .get("village", &format!("/api/v1/org-units?parent={county}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error(&body, "forbidden", Some("parent"));

    // A county department files for the whole county.
    let (_, body) = app
        .get(
            "filer",
            &format!("/api/v1/org-units?parent={county}&level=township"),
        )
        .await;
    assert_eq!(body["total"], 12);
    let (status, _) = app.get("filer", "/api/v1/org-units/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn paging_and_filters(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, all) = app
        .get("supervisor", "/api/v1/org-units?level=village&per_page=200")
        .await;
    let total = all["total"].as_i64().unwrap();
    assert!(
        total >= 150,
        "about 150 villages and communities, got {total}"
    );
    let (_, p2) = app
        .get(
            "supervisor",
            "/api/v1/org-units?level=village&per_page=10&page=2",
        )
        .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 10);
    assert_eq!(p2["items"][0]["id"], all["items"][10]["id"]);
    assert_eq!(
        (p2["page"].as_i64(), p2["per_page"].as_i64()),
        (Some(2), Some(10))
    );

    let (_, found) = app
        .get("supervisor", "/api/v1/org-units?q=%E9%9D%92%E7%9F%B3")
        .await; // 青石
    let names: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert!(
        names.contains(&"青石镇") && names.contains(&"青石村"),
        "{names:?}"
    );

    let town = app.unit_id("青石镇").await;
    let (_, sub) = app
        .get("supervisor", &format!("/api/v1/org-units?subtree={town}"))
        .await;
    assert_eq!(sub["total"], 14, "the town and its 13 villages");

    // LIKE wildcards in a search are literal.
    let (_, none) = app.get("supervisor", "/api/v1/org-units?q=%25").await;
    assert_eq!(none["total"], 0);

    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=100000", "per_page"),
        ("page=abc", "page"),
        ("level=town", "level"),
    ] {
        let (status, body) = app
            .get("supervisor", &format!("/api/v1/org-units?{query}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_error(&body, "invalid_field", Some(field));
    }
    let (status, body) = app.get("supervisor", "/api/v1/org-units?bogus=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "unknown_field", Some("bogus"));
}

async fn creates_and_updates_units(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let (status, created) = app
        .send("supervisor", "POST", "/api/v1/org-units", &json!({"parent_id": county, "name": "县林业局", "code": "139921-D90", "level": "department"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["parent_id"], county);
    assert_eq!(created["level"], "department");
    let id = created["id"].as_i64().unwrap();

    let (status, got) = app.get("filer", &format!("/api/v1/org-units/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["name"], "县林业局");

    let (status, updated) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/org-units/{id}"),
            &json!({"name": "县林业和草原局"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["name"], "县林业和草原局");
    assert_eq!(updated["code"], "139921-D90");

    // Both writes are in the audit trail with the office's name.
    let (_, trail) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=org_unit&entity_id={id}"),
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["org_unit.update", "org_unit.create"]);
    assert!(trail["items"][0]["actor_name"]
        .as_str()
        .unwrap()
        .contains("supervisor"));
    assert!(
        trail["items"][0]["before_digest"].is_string()
            && trail["items"][0]["after_digest"].is_string()
    );

    // A new village under a town, and a new town's subtree query sees it.
    let town = app.unit_id("青石镇").await;
    let (status, v) = app
        .send("supervisor", "POST", "/api/v1/org-units", &json!({"parent_id": town, "name": "新建村", "code": "139921102299", "level": "village"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let (_, sub) = app
        .get("township", &format!("/api/v1/org-units?subtree={town}"))
        .await;
    assert_eq!(sub["total"], 15);
}

async fn bad_input_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let city_dept = app.unit_id("示例市教育局").await;
    let village = app.unit_id("李家庄村").await;
    let before = app.scalar("SELECT COUNT(*) FROM org_units").await;
    let audit_before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    let cases = [
        (
            json!({"parent_id": county, "name": "县财政局", "code": "139921-D16", "level": "department"}),
            409,
            "conflict",
            Some("code"),
        ),
        (
            json!({"parent_id": city_dept, "name": "某科", "code": "X-1", "level": "department"}),
            403,
            "forbidden",
            Some("parent_id"),
        ),
        (
            json!({"parent_id": county, "name": "某村", "code": "X-2", "level": "village"}),
            422,
            "invalid_field",
            Some("level"),
        ),
        (
            json!({"parent_id": village, "name": "某部门", "code": "X-3", "level": "department"}),
            422,
            "invalid_field",
            Some("level"),
        ),
        (
            json!({"parent_id": county, "name": "", "code": "X-4", "level": "department"}),
            422,
            "invalid_field",
            Some("name"),
        ),
        (
            json!({"parent_id": county, "name": "长".repeat(101), "code": "X-5", "level": "department"}),
            422,
            "invalid_field",
            Some("name"),
        ),
        (
            json!({"parent_id": county, "name": "某局", "code": "有空格 的代码", "level": "department"}),
            422,
            "invalid_field",
            Some("code"),
        ),
        (
            json!({"parent_id": county, "name": 5, "code": "X-6", "level": "department"}),
            422,
            "invalid_field",
            Some("name"),
        ),
        (
            json!({"parent_id": "十", "name": "某局", "code": "X-7", "level": "department"}),
            422,
            "invalid_field",
            Some("parent_id"),
        ),
        (
            json!({"parent_id": county, "name": "某局", "code": "X-8", "level": "department", "extra": 1}),
            422,
            "unknown_field",
            Some("extra"),
        ),
        (
            json!({"name": "某局", "code": "X-9", "level": "department"}),
            422,
            "missing_field",
            Some("parent_id"),
        ),
        (
            json!({"parent_id": 99999999, "name": "某局", "code": "X-10", "level": "department"}),
            403,
            "forbidden",
            Some("parent_id"),
        ),
        (
            json!({"parent_id": county, "name": "某局", "code": "X-11", "level": "bureau"}),
            422,
            "invalid_field",
            Some("level"),
        ),
    ];
    for (body, status, code, field) in cases {
        let (s, resp) = app
            .send("supervisor", "POST", "/api/v1/org-units", &body)
            .await;
        assert_eq!(s.as_u16(), status, "{body} → {resp}");
        assert_error(&resp, code, field);
    }
    let (s, resp) = app
        .send_raw(
            "supervisor",
            "POST",
            "/api/v1/org-units",
            "application/json",
            b"{\"parent_id\": 1,".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&resp, "malformed_json", None);
    let (s, resp) = app
        .send_raw(
            "supervisor",
            "POST",
            "/api/v1/org-units",
            "text/plain",
            b"name=x".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&resp, "unsupported_media_type", None);
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
    let (s, resp) = app
        .send_raw(
            "supervisor",
            "POST",
            "/api/v1/org-units",
            "application/json",
            huge.into_bytes(),
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&resp, "payload_too_large", None);
    let finance = app.unit_id("县财政局").await;
    let (s, resp) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/org-units/{finance}"),
            &json!({"code": "139921-D17"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{resp}");
    assert_error(&resp, "conflict", Some("code"));
    let (s, _) = app
        .send(
            "supervisor",
            "PATCH",
            "/api/v1/org-units/abc",
            &json!({"name": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM org_units").await,
        before,
        "nothing stored changed"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );
}

/// A code taken between the check and the insert is refused by the unique constraint, and the
/// error names the field on both backends, as the check does.
async fn taken_codes_are_named_by_the_database_too(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let taken = app
        .scalar("SELECT COUNT(*) FROM org_units WHERE code = '139921-D16'")
        .await;
    assert_eq!(
        taken, 1,
        "the demo region has 县财政局 with code 139921-D16"
    );

    // The insert without the check: the database's own message names the column.
    let mut tx = app.db.begin().await.expect("transaction");
    let unit = jianfu_store::org::NewUnit {
        parent_id: Some(county),
        name: "县财政局（重复）",
        code: "139921-D16",
        level: "department",
        sort_order: 0,
        region_root: false,
    };
    let err = jianfu_store::org::insert(&mut tx, &unit, &jianfu_core::time::now())
        .await
        .expect_err("a taken code is refused");
    let err = jianfu_core::AppError::from(err);
    assert_eq!(err.status(), 409, "{err:?}");
    assert_eq!(err.code(), "duplicate");
    assert_eq!(err.field(), Some("code"), "{err:?}");
    drop(tx);

    // Racing creates of one code: one is created, every other is refused naming the field,
    // by the check or (on PostgreSQL, when both pass the check) by the constraint.
    let create = |i: usize| {
        let app = &app;
        async move {
            app.send(
                "supervisor",
                "POST",
                "/api/v1/org-units",
                &json!({"parent_id": county, "name": format!("县新设局{i}"), "code": "139921-D77", "level": "department"}),
            )
            .await
        }
    };
    let (a, b, c, d) = tokio::join!(create(1), create(2), create(3), create(4));
    let mut created = 0;
    for (status, body) in [a, b, c, d] {
        if status == StatusCode::CREATED {
            created += 1;
            continue;
        }
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["field"], "code", "{body}");
    }
    assert_eq!(created, 1);
}
