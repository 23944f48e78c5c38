//! The meetings ledger as a filer and the office use it: meetings trip their rules at once,
//! a corrected meeting clears its warnings, relays and cascades are found.
use crate::both_backends;
use crate::helpers::{open_warnings, spawn_app, Backend};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(meetings_trip_their_rules);

pub fn meeting(
    organizer: i64,
    target: Value,
    title: &str,
    starts_at: &str,
    minutes: i64,
    reach_level: &str,
) -> Value {
    json!({"organizer_id": organizer, "title": title, "kind": "special", "starts_at": starts_at, "planned_minutes": minutes,
           "reach_level": reach_level, "targets": [target], "attendee_count": 80})
}

async fn meetings_trip_their_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    app.send(
        "supervisor",
        "PUT",
        "/api/v1/rules/meet.no_meeting_day",
        &json!({"params": {"weekday": 1}}),
    )
    .await;
    // 2026-11-16 is a Monday.
    let mut m = meeting(
        agri,
        json!({"unit_id": county, "level": "village"}),
        "全县高标准农田建设推进会",
        "2026-11-16T09:00",
        120,
        "village",
    );
    m["heads_required"] = json!(true);
    m["in_plan"] = json!(false);
    m["leader_speech_minutes"] = json!(75);
    m["exchange_speeches"] = json!(9);
    let (status, created) = app.send("filer", "POST", "/api/v1/meetings", &m).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        created["reach"], 150,
        "every village and community of the county"
    );
    let id = created["id"].as_i64().unwrap();
    let found = open_warnings(&app, "supervisor", "").await;
    let mut rules: Vec<&str> = found.iter().filter_map(|w| w["rule_id"].as_str()).collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        [
            "meet.duration",
            "meet.heads_required",
            "meet.no_meeting_day",
            "meet.out_of_plan",
            "meet.reach_down",
            "meet.speech",
            "meet.to_villages"
        ]
    );
    let severity = |r: &str| {
        found
            .iter()
            .find(|w| w["rule_id"] == r)
            .map(|w| w["severity"].clone())
            .unwrap()
    };
    assert_eq!(severity("meet.to_villages"), "violation");
    assert_eq!(severity("meet.out_of_plan"), "violation");
    assert_eq!(severity("meet.duration"), "warning");

    // Approved and shortened on a Tuesday: everything clears.
    let mut fixed = meeting(
        agri,
        json!({"unit_id": county, "level": "township"}),
        "全县高标准农田建设推进会",
        "2026-11-17T09:00",
        80,
        "township",
    );
    fixed["heads_required"] = json!(true);
    fixed["heads_approved"] = json!(true);
    let (status, _) = app
        .send("filer", "PUT", &format!("/api/v1/meetings/{id}"), &fixed)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(open_warnings(&app, "supervisor", "").await.is_empty());

    // A city meeting relayed by the county within days: a cascade; two same-week meetings
    // with the same attendees: a merge suggestion.
    let city_dept = app.unit_id("示例市应急管理局").await;
    let (status, upper) = app
        .send(
            "admin",
            "POST",
            "/api/v1/meetings",
            &meeting(
                city_dept,
                json!({"unit_id": county}),
                "全市安全生产工作会议",
                "2026-11-02T09:00",
                60,
                "county",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{upper}");
    let ems = app.unit_id("县应急管理局").await;
    let relay = meeting(
        ems,
        json!({"unit_id": county, "level": "township"}),
        "传达学习全市安全生产工作会议精神",
        "2026-11-04T09:00",
        60,
        "township",
    );
    app.send("supervisor", "POST", "/api/v1/meetings", &relay)
        .await;
    let again = meeting(
        agri,
        json!({"unit_id": county, "level": "township"}),
        "秋冬季农业生产调度会",
        "2026-11-05T15:00",
        60,
        "township",
    );
    app.send("supervisor", "POST", "/api/v1/meetings", &again)
        .await;
    let found = open_warnings(&app, "supervisor", "").await;
    let cascade = found
        .iter()
        .find(|w| w["rule_id"] == "meet.cascade")
        .expect("cascade");
    assert!(
        cascade["subject"]
            .as_str()
            .unwrap()
            .contains("全市安全生产工作会议"),
        "{cascade}"
    );
    assert!(
        found.iter().any(|w| w["rule_id"] == "meet.merge"),
        "{found:?}"
    );
}
