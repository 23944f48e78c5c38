//! Two meeting rules of the 2024 provisions: one comprehensive work meeting per system a
//! year, and no relay of an upper meeting on the same night.
use crate::both_backends;
use crate::helpers::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(comprehensive_meetings_and_same_night_relays);

async fn meeting(app: &TestApp, user: &str, body: Value) -> i64 {
    let (status, m) = app.send(user, "POST", "/api/v1/meetings", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    m["id"].as_i64().unwrap()
}

async fn open_for(app: &TestApp, rule: &str) -> Vec<Value> {
    let (_, w) = app
        .get(
            "supervisor",
            &format!("/api/v1/warnings?rule={rule}&status=open&per_page=100"),
        )
        .await;
    w["items"].as_array().unwrap().clone()
}

async fn comprehensive_meetings_and_same_night_relays(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let agri = app.unit_id("县农业农村局").await;
    let towns = json!([{"unit_id": county, "level": "township"}]);
    let plenary = |title: &str, at: &str| {
        json!({"organizer_id": agri, "title": title, "kind": "plenary", "starts_at": at, "planned_minutes": 90,
               "reach_level": "township", "targets": towns.clone(), "attendee_count": 60})
    };
    meeting(
        &app,
        "filer",
        plenary("全县农业农村工作会议", "2026-02-10T09:00"),
    )
    .await;
    assert!(
        open_for(&app, "meet.comprehensive").await.is_empty(),
        "one a year is allowed"
    );
    meeting(
        &app,
        "filer",
        plenary("全县农业农村系统年中工作会议", "2026-07-10T09:00"),
    )
    .await;
    let w = open_for(&app, "meet.comprehensive").await;
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0]["subject"].as_str().unwrap().contains("2次"), "{w:?}");

    let upper = meeting(
        &app,
        "supervisor",
        json!({"organizer_id": county, "title": "全县森林防火视频调度会", "kind": "video", "starts_at": "2026-03-05T15:00",
               "planned_minutes": 60, "reach_level": "township", "targets": towns.clone(), "attendee_count": 80}),
    )
    .await;
    let relay = |at: &str| {
        json!({"organizer_id": agri, "title": "传达全县森林防火视频调度会精神", "kind": "special", "starts_at": at,
               "planned_minutes": 40, "reach_level": "township", "targets": towns.clone(), "attendee_count": 20,
               "relays_meeting_id": upper})
    };
    let next_day = meeting(&app, "filer", relay("2026-03-06T09:00")).await;
    assert!(open_for(&app, "meet.same_night_relay").await.is_empty());
    let (status, _) = app
        .send(
            "filer",
            "PUT",
            &format!("/api/v1/meetings/{next_day}"),
            &relay("2026-03-05T20:30"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let w = open_for(&app, "meet.same_night_relay").await;
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["severity"], "violation");

    // A town relays the county's meeting that night too. Its warning names the relay and the
    // county's meeting; each is a link exactly when the viewer may open it, and the town does
    // not open the county's meeting.
    let (_, me) = app.get("township", "/api/v1/me").await;
    let town = me["unit_id"].as_i64().unwrap();
    meeting(
        &app,
        "township",
        json!({"organizer_id": town, "title": "传达全县森林防火视频调度会精神", "kind": "special",
               "starts_at": "2026-03-05T21:00", "planned_minutes": 30, "reach_level": "village",
               "targets": [{"unit_id": town, "level": "village"}], "attendee_count": 20,
               "relays_meeting_id": upper}),
    )
    .await;
    let (_, mine) = app
        .get(
            "township",
            "/api/v1/warnings?rule=meet.same_night_relay&status=open",
        )
        .await;
    let town_warning = mine["items"][0]["id"].clone();
    let (_, d) = app
        .get("township", &format!("/api/v1/warnings/{town_warning}"))
        .await;
    assert!(
        d["record_links"]
            .as_array()
            .unwrap()
            .iter()
            // The county's meeting was sent to the town: it opens for it (以下看上).
            .any(|l| l["id"] == upper && l["openable"] == true),
        "{d}"
    );
    for (user, warning) in [
        ("filer", w[0]["id"].clone()),
        ("supervisor", w[0]["id"].clone()),
        ("township", town_warning),
    ] {
        let (status, d) = app.get(user, &format!("/api/v1/warnings/{warning}")).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        let links = d["record_links"].as_array().unwrap();
        assert!(!links.is_empty(), "{d}");
        for l in links {
            let (status, _) = app
                .get(
                    user,
                    &format!("/api/v1/{}/{}", l["channel"].as_str().unwrap(), l["id"]),
                )
                .await;
            assert_eq!(
                l["openable"],
                status == StatusCode::OK,
                "{user}: {l} → {status}"
            );
        }
    }
}
