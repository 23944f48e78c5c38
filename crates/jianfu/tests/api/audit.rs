//! The audit trail detects an edited, deleted or reordered entry.
use crate::both_backends;
use crate::helpers::{spawn_app, Backend};
use jianfu_domain::audit::verify;
use jianfu_store::Q;
use reqwest::StatusCode;
use serde_json::json;
use std::process::Command;

both_backends!(
    verify_detects_edits_deletions_and_reordering,
    audit_entries_follow_the_viewers_region
);

/// The county's discipline inspector reads its county's entries, not its city's (titles of
/// records it may not open); the administrator reads both.
async fn audit_entries_follow_the_viewers_region(backend: Backend) {
    let app = spawn_app(backend).await;
    let city = app.unit_id("示例市").await;
    let (status, unit) = app
        .send(
            "city_supervisor",
            "POST",
            "/api/v1/org-units",
            &json!({"parent_id": city, "name": "示例市林业局", "code": "CITY-FOREST", "level": "department"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let path = format!("/api/v1/audit?entity=org_unit&entity_id={}", unit["id"]);
    let (status, trail) = app.get("inspector", &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        trail["total"], 0,
        "a city entry shown to the county: {trail}"
    );
    let (_, trail) = app.get("admin", &path).await;
    assert_eq!(trail["total"], 1, "{trail}");
    // The county's own entries stay in the county inspector's view.
    let (_, trail) = app.get("inspector", "/api/v1/audit?per_page=200").await;
    assert!(trail["total"].as_i64().unwrap() > 100, "{}", trail["total"]);
}

fn verify_cli(db_url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jianfu"))
        .args(["audit", "verify", "--database", db_url])
        .output()
        .expect("run jianfu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

async fn exec(app: &crate::helpers::TestApp, sql: &str) {
    let mut tx = app.db.begin().await.unwrap();
    tx.execute(&Q::new(sql)).await.unwrap();
    tx.commit().await.unwrap();
}

async fn verify_detects_edits_deletions_and_reordering(backend: Backend) {
    let app = spawn_app(backend).await;
    let total = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    assert!(total > 200, "the demo seed is audited: {total}");
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("共{total}条")), "{out}");

    // The log page names what changed in words and tells the time in Beijing time.
    let c = app.browser_login("inspector").await;
    let page = app.page(&c, "/audit").await;
    assert!(page.contains("<td>访问令牌 "), "{page}");
    assert!(
        !page.contains("api_token") && !page.contains("token#") && !page.contains("Z</td>"),
        "{page}"
    );

    // An edited entry: the summary of entry 7 is rewritten directly in the database.
    exec(
        &app,
        "UPDATE audit_log SET summary = '新建部门“伪造单位”' WHERE seq = 7",
    )
    .await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("第7条") && out.contains("篡改"), "{out}");

    // Each remaining case starts from an intact chain of its own.
    let app = spawn_app(backend).await;
    exec(&app, "DELETE FROM audit_log WHERE seq = 20").await;
    let v = verify(&app.db).await.unwrap();
    let b = v.broken.expect("a deleted entry is detected");
    assert_eq!(b.seq, 20, "{b:?}");
    assert!(b.reason.contains("缺失"));

    let app = spawn_app(backend).await;
    // Swap entries 30 and 31 (seq numbers exchanged through a temporary value).
    exec(&app, "UPDATE audit_log SET seq = -1 WHERE seq = 30").await;
    exec(&app, "UPDATE audit_log SET seq = 30 WHERE seq = 31").await;
    exec(&app, "UPDATE audit_log SET seq = 31 WHERE seq = -1").await;
    let b = verify(&app.db)
        .await
        .unwrap()
        .broken
        .expect("reordering is detected");
    assert_eq!(b.seq, 30, "{b:?}");

    let app = spawn_app(backend).await;
    let last = app.scalar("SELECT MAX(seq) FROM audit_log").await;
    exec(&app, &format!("DELETE FROM audit_log WHERE seq = {last}")).await;
    let b = verify(&app.db)
        .await
        .unwrap()
        .broken
        .expect("a deleted tail is detected");
    assert_eq!(b.seq, last);
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
}
