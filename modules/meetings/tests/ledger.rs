//! The meetings ledger as a filer and the office use it: meetings trip their rules at once,
//! a corrected meeting clears its warnings, relays and cascades are found.
use crate::both_backends;
use crate::helpers::{approved, csrf_of, open_warnings, spawn_app, Backend};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    meetings_trip_their_rules,
    a_withdrawn_meeting_leaves_the_counts
);

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
    // 2027-01-18 is a Monday.
    let mut m = meeting(
        agri,
        json!({"unit_id": county, "level": "village"}),
        "全县高标准农田建设推进会",
        "2027-01-18T09:00",
        120,
        "village",
    );
    m["heads_required"] = json!(true);
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

    // Planned, its heads' attendance approved beforehand, shortened and moved to a Tuesday:
    // everything clears.
    let mut ids = Vec::new();
    for (kind, reason) in [("plan", ""), ("leaders", "须各乡镇主要负责同志部署落实")]
    {
        let aid = approved(
            &app,
            "filer",
            &json!({"channel": "meetings", "approval_kind": kind, "unit_id": agri,
                    "title": "全县高标准农田建设推进会", "reason": reason}),
        )
        .await;
        ids.push(aid);
    }
    let mut fixed = meeting(
        agri,
        json!({"unit_id": county, "level": "township"}),
        "全县高标准农田建设推进会",
        "2027-01-19T09:00",
        80,
        "township",
    );
    fixed["heads_required"] = json!(true);
    fixed["approval_ids"] = json!(ids);
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

/// 作废 of a meeting: its organizer's filer withdraws it with a reason; it leaves the town's
/// ledger and the rules (its warning resolves), stays readable and marked in the withdrawn
/// list, and can be neither changed nor withdrawn twice. Another department's filer and a
/// missing reason are refused by name; the audit trail keeps the reason.
async fn a_withdrawn_meeting_leaves_the_counts(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let town = app.unit_id("青石镇").await;
    let title = "全县秋冬季农田水利建设调度会";
    // 2026-10-14 is a Wednesday; 120 minutes are over the 90-minute cap of a special meeting.
    let m = meeting(
        agri,
        json!({"unit_id": county, "level": "township"}),
        title,
        "2026-10-14T09:00",
        120,
        "township",
    );
    let (status, created) = app.send("filer", "POST", "/api/v1/meetings", &m).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let raised = open_warnings(&app, "filer", "rule=meet.duration").await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    let warning = raised[0]["id"].as_i64().unwrap();
    let ledger = format!("/api/v1/burden?unit={town}&from=2026-01-01&to=2026-12-31");
    let items = |l: &Value| l["channels"]["meetings"]["items"].as_i64().unwrap_or(0);
    let (_, before) = app.get("township", &ledger).await;
    let counted = items(&before);
    assert!(counted >= 1, "the meeting reached the town: {before}");

    let withdraw = format!("/api/v1/meetings/{id}/withdraw");
    for user in ["filer_edu", "township", "village"] {
        let (status, body) = app
            .send(user, "POST", &withdraw, &json!({"reason": "登记有误"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {body}");
    }
    let (status, body) = app
        .send("filer", "POST", &withdraw, &json!({"reason": " "}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "reason", "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("理由"),
        "{body}"
    );
    let reason = "会议改期合并召开，原登记作废";
    let (status, body) = app
        .send("filer", "POST", &withdraw, &json!({"reason": reason}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["withdrawn"]["reason"], reason, "{body}");

    // Out of the counts and the rules; still readable, marked, in the withdrawn list.
    let (_, after) = app.get("township", &ledger).await;
    assert_eq!(items(&after), counted - 1, "{after}");
    assert!(open_warnings(&app, "filer", "rule=meet.duration")
        .await
        .is_empty());
    let (_, w) = app
        .get("supervisor", &format!("/api/v1/warnings/{warning}"))
        .await;
    assert_eq!(w["status"], "resolved", "{w}");
    let (_, listed) = app.get("filer", "/api/v1/meetings?per_page=100").await;
    assert!(
        !listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == id),
        "{listed}"
    );
    let (status, gone) = app.get("filer", "/api/v1/meetings?withdrawn=true").await;
    assert_eq!(status, StatusCode::OK, "{gone}");
    assert_eq!(gone["total"], 1, "{gone}");
    assert_eq!(gone["items"][0]["id"], id, "{gone}");
    assert_eq!(gone["items"][0]["withdrawn"]["reason"], reason, "{gone}");
    let (status, got) = app.get("filer", &format!("/api/v1/meetings/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert!(got["withdrawn"]["at"].is_string(), "{got}");
    let c = app.browser_login("filer").await;
    let page = app.page(&c, &format!("/meetings/{id}")).await;
    assert!(page.contains("已作废") && page.contains(reason), "{page}");
    let list = app.page(&c, "/meetings?withdrawn=true").await;
    assert!(list.contains(title), "{list}");

    // Neither changed nor withdrawn again; the audit trail keeps the reason.
    let (status, body) = app
        .send("filer", "PUT", &format!("/api/v1/meetings/{id}"), &m)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = app
        .send(
            "supervisor",
            "POST",
            &withdraw,
            &json!({"reason": "再次作废"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (_, log) = app
        .get(
            "admin",
            &format!("/api/v1/audit?entity=meeting&entity_id={id}"),
        )
        .await;
    let entries = log["items"].as_array().expect("audit entries");
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["action"] == "meeting.withdraw")
            .count(),
        1,
        "{log}"
    );
    assert!(
        entries.iter().any(|e| e["action"] == "meeting.withdraw"
            && e["summary"].as_str().unwrap_or("").contains(reason)),
        "{log}"
    );

    // The office withdraws another unit's meeting from the page's form.
    let (_, other) = app
        .send(
            "filer",
            "POST",
            "/api/v1/meetings",
            &meeting(
                agri,
                json!({"unit_id": county, "level": "township"}),
                "全县冬季动物防疫工作部署会",
                "2026-10-21T09:00",
                60,
                "township",
            ),
        )
        .await;
    let other = other["id"].as_i64().unwrap();
    let office = app.browser_login("supervisor").await;
    let page = app.page(&office, &format!("/meetings/{other}")).await;
    assert!(page.contains("作废此会议"), "{page}");
    let r = office
        .post(app.url(&format!("/meetings/{other}/withdraw")))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("reason", "乡镇反映时间冲突，撤回另行安排"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let (_, got) = app
        .get("supervisor", &format!("/api/v1/meetings/{other}"))
        .await;
    assert_eq!(
        got["withdrawn"]["reason"], "乡镇反映时间冲突，撤回另行安排",
        "{got}"
    );
}
