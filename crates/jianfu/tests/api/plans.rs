//! 年度计划 page: the office sets a unit's plan in the page's form; wrong figures are refused
//! with the field named and nothing changes; other roles see the table without the form.
use crate::both_backends;
use crate::helpers::{assert_error, spawn_app, Backend};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    plans_are_set_on_the_page,
    plan_fields_follow_the_channels_and_survive_the_upgrade
);

async fn plans_are_set_on_the_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let c = app.browser_login("supervisor").await;
    let page = app.page(&c, "/plans?year=2026").await;
    assert!(page.contains("id=\"plan-form\""), "{page}");
    let csrf = crate::helpers::csrf_of(&page);
    let agri_s = agri.to_string();
    let post = |fields: Vec<(&'static str, String)>| {
        let mut f = vec![("csrf_token", csrf.clone()), ("year", "2026".to_string())];
        f.extend(fields);
        c.post(app.url("/plans?year=2026")).form(&f).send()
    };
    let r = post(vec![
        ("unit_id", agri_s.clone()),
        ("planned_documents", "12".into()),
        ("document_quota", "15".into()),
        ("planned_meetings", "6".into()),
        ("meeting_quota", "".into()),
        ("base_year", "2018".into()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let page = app.page(&c, &location).await;
    assert!(page.contains("已保存县农业农村局2026年度计划"), "{page}");
    let (_, plans) = app.get("supervisor", "/api/v1/plans?year=2026").await;
    let row = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == agri)
        .expect("plan row")
        .clone();
    assert_eq!(row["planned_documents"], 12);
    assert_eq!(row["document_quota"], 15);
    assert_eq!(row["meeting_quota"], serde_json::Value::Null);
    assert_eq!(row["base_year"], 2018);

    // The edit link fills the form with the stored plan.
    let page = app.page(&c, &format!("/plans?year=2026&edit={agri}")).await;
    assert!(
        page.contains("name=\"document_quota\" min=\"0\" max=\"100000\" value=\"15\""),
        "{page}"
    );

    // A base year after the plan year and a negative count: refused, the plan unchanged.
    for (field, value, label) in [
        ("base_year", "2027", "基准年"),
        ("planned_documents", "-3", "计划发文"),
    ] {
        let mut fields = vec![
            ("unit_id", agri_s.clone()),
            ("planned_documents", "20".to_string()),
            ("planned_meetings", "6".to_string()),
        ];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value.to_string()));
        let r = post(fields).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let page = r.text().await.unwrap();
        assert!(page.contains(label), "{field}: {page}");
    }
    let (_, plans) = app.get("supervisor", "/api/v1/plans?year=2026").await;
    let row = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == agri)
        .unwrap()
        .clone();
    assert_eq!(row["planned_documents"], 12, "unchanged");

    // A filer sees the table but not the form, and cannot post it.
    let f = app.browser_login("filer").await;
    let page = app.page(&f, "/plans?year=2026").await;
    assert!(
        page.contains("县农业农村局") && !page.contains("id=\"plan-form\""),
        "{page}"
    );
    let csrf = crate::helpers::csrf_of(&page);
    let r = f
        .post(app.url("/plans?year=2026"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("unit_id", agri_s.as_str()),
            ("planned_documents", "1"),
            ("planned_meetings", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// The plan's fields are the planned channels' (documents, meetings): each planned count is
/// required, a field no channel declares is refused; plans set before the per-channel measures
/// (migration 6) read the same after it.
async fn plan_fields_follow_the_channels_and_survive_the_upgrade(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let app = &app;
    let put = |body: serde_json::Value| async move {
        app.send("supervisor", "PUT", "/api/v1/plans", &body).await
    };
    let (status, body) = put(json!({"unit_id": agri, "year": 2026, "planned_documents": 3})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "missing_field", Some("planned_meetings"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("计划会议"),
        "{body}"
    );
    let (status, body) = put(
        json!({"unit_id": agri, "year": 2026, "planned_documents": 3,
        "planned_meetings": 2, "planned_inspections": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "unknown_field", Some("planned_inspections"));
    let (status, body) = put(
        json!({"unit_id": agri, "year": 2026, "planned_documents": 3,
        "planned_meetings": 100001}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_field", Some("planned_meetings"));
    let (status, body) = put(
        json!({"unit_id": agri, "year": 2026, "planned_documents": "三",
        "planned_meetings": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_field", Some("planned_documents"));
    let (_, before) = app.get("supervisor", "/api/v1/plans?year=2026").await;
    assert!(
        before
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["unit_id"] != agri),
        "nothing stored: {before}"
    );

    let (status, body) = put(
        json!({"unit_id": agri, "year": 2026, "planned_documents": 3,
        "document_quota": 4, "planned_meetings": 2, "base_year": 2025}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, before) = app.get("supervisor", "/api/v1/plans?year=2026").await;

    // Back to the columns of annual_plans before migration 6, holding the same plan.
    for sql in [
        "DROP INDEX annual_plans_region_idx",
        "ALTER TABLE annual_plans ADD COLUMN planned_documents BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE annual_plans ADD COLUMN planned_meetings BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE annual_plans ADD COLUMN document_quota BIGINT",
        "ALTER TABLE annual_plans ADD COLUMN meeting_quota BIGINT",
        "UPDATE annual_plans SET planned_documents = (SELECT planned FROM plan_measures m WHERE m.unit_id = annual_plans.unit_id AND m.year = annual_plans.year AND m.channel = 'documents'), \
         document_quota = (SELECT quota FROM plan_measures m WHERE m.unit_id = annual_plans.unit_id AND m.year = annual_plans.year AND m.channel = 'documents'), \
         planned_meetings = (SELECT planned FROM plan_measures m WHERE m.unit_id = annual_plans.unit_id AND m.year = annual_plans.year AND m.channel = 'meetings'), \
         meeting_quota = (SELECT quota FROM plan_measures m WHERE m.unit_id = annual_plans.unit_id AND m.year = annual_plans.year AND m.channel = 'meetings')",
        "DROP TABLE plan_measures",
        "DELETE FROM schema_migrations WHERE version = 6",
    ] {
        app.db.raw_script(sql).await.expect(sql);
    }
    jianfu_store::migrate::run(&app.db).await.expect("upgrade");
    let (_, after) = app.get("supervisor", "/api/v1/plans?year=2026").await;
    assert_eq!(after, before);
    let row = after
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == agri)
        .expect("the plan");
    assert_eq!(
        (
            &row["planned_documents"],
            &row["document_quota"],
            &row["planned_meetings"],
            &row["meeting_quota"]
        ),
        (&json!(3), &json!(4), &json!(2), &json!(null))
    );
}
