//! A write re-evaluates only the subjects it touched (its focus), not the whole region. Whatever
//! the writes, a full run of every rule afterwards must find exactly the warnings they left:
//! nothing to raise, update or resolve.
use crate::both_backends;
use crate::helpers::{spawn_app, Backend, TestApp};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    focused_writes_leave_what_a_full_run_finds,
    a_threshold_tried_and_restored_reopens_the_same_warning
);

const UPPER_NUMBERS: [&str; 3] = [
    "省办发〔2026〕3号",
    "市办发〔2026〕7号",
    "市办发〔2025〕9号",
];
const TOPICS: [&str; 3] = [
    "全县森林防火工作调度",
    "全县安全生产工作部署",
    "农村人居环境整治推进",
];

fn document(rng: &mut StdRng, issuers: &[i64], county: i64, n: usize) -> Value {
    let forwards = rng.gen_bool(0.4);
    let carrier = ["formal", "formal", "white_header", "letter", "memo"].choose(rng);
    let issuer = issuers.choose(rng);
    let upper = UPPER_NUMBERS.choose(rng);
    let chars = rng.gen_range(300..6500);
    json!({
        "issuer_id": issuer, "title": format!("关于做好第{n}项重点工作的通知"),
        "kind": "通知", "carrier": carrier,
        "issued_on": format!("{}-{:02}-{:02}", if rng.gen_bool(0.3) { 2025 } else { 2026 }, rng.gen_range(1..=11), rng.gen_range(1..=28)),
        "forwards_upper": forwards,
        "upper_doc_number": forwards.then_some(upper),
        "to_schools_hospitals": rng.gen_bool(0.3), "head_signed": rng.gen_bool(0.5),
        "main_recipients": "各乡镇人民政府：",
        "targets": [{"unit_id": county, "level": "township"}],
        "body": "为切实减轻基层负担，现就有关事项通知如下。".repeat(chars / 20 + 1).chars().take(chars).collect::<String>()
    })
}

fn meeting(rng: &mut StdRng, organizers: &[i64], county: i64, relays: Option<i64>) -> Value {
    let topic = TOPICS.choose(rng).unwrap();
    let organizer = organizers.choose(rng);
    let kind = ["plenary", "special", "video"].choose(rng);
    let hour = [9, 15, 20].choose(rng).unwrap();
    let reach = if rng.gen_bool(0.8) {
        "township"
    } else {
        "village"
    };
    json!({
        "organizer_id": organizer, "title": format!("{topic}会议"), "topic": topic,
        "kind": kind,
        // Clustered in a few weeks, so that cascades, merges and same-night relays occur.
        "starts_at": format!("2026-03-{:02}T{:02}:00", rng.gen_range(2..=20), hour),
        "planned_minutes": rng.gen_range(30..=150), "reach_level": reach,
        "targets": [{"unit_id": county, "level": reach}], "attendee_count": 40,
        "heads_required": rng.gen_bool(0.2), "in_plan": rng.gen_bool(0.8),
        "relays_meeting_id": relays,
    })
}

async fn write(app: &TestApp, method: &str, path: &str, body: &Value) -> i64 {
    let (status, v) = app.send("supervisor", method, path, body).await;
    assert!(
        status == StatusCode::CREATED || status == StatusCode::OK,
        "{method} {path}: {status} {v}"
    );
    v["id"].as_i64().expect("id")
}

async fn focused_writes_leave_what_a_full_run_finds(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let departments = [
        app.unit_id("县农业农村局").await,
        app.unit_id("县教育局").await,
    ];
    let organizers = [
        county,
        departments[0],
        departments[1],
        app.unit_id("青石镇").await,
    ];
    let mut rng = StdRng::seed_from_u64(20261202);
    let (mut docs, mut meetings) = (Vec::new(), Vec::new());
    for n in 0..64 {
        match rng.gen_range(0..4) {
            0 | 1 if docs.len() < 3 || rng.gen_bool(0.6) => {
                let body = document(&mut rng, &departments, county, n);
                docs.push(write(&app, "POST", "/api/v1/documents", &body).await);
            }
            0 | 1 => {
                // An edit may move the document to another issuer, year or upper document.
                let id = *docs.choose(&mut rng).unwrap();
                let body = document(&mut rng, &departments, county, n);
                write(&app, "PUT", &format!("/api/v1/documents/{id}"), &body).await;
            }
            _ if meetings.len() < 3 || rng.gen_bool(0.6) => {
                let relays = meetings
                    .choose(&mut rng)
                    .copied()
                    .filter(|_| rng.gen_bool(0.3));
                let body = meeting(&mut rng, &organizers, county, relays);
                meetings.push(write(&app, "POST", "/api/v1/meetings", &body).await);
            }
            _ => {
                let id = *meetings.choose(&mut rng).unwrap();
                let body = meeting(&mut rng, &organizers, county, None);
                write(&app, "PUT", &format!("/api/v1/meetings/{id}"), &body).await;
            }
        }
    }
    let live = "SELECT COUNT(*) FROM warnings WHERE status <> 'resolved'";
    let before = app.scalar(live).await;
    let (_, open) = app
        .get("supervisor", "/api/v1/warnings?status=open&per_page=100")
        .await;
    let mut rules: Vec<&str> = open["items"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w["rule_id"].as_str())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    assert!(
        rules.len() >= 8,
        "the writes should trip many rules: {rules:?}"
    );
    let full = jianfu_domain::warnings::run_all(&app.db)
        .await
        .expect("full run");
    assert_eq!(
        (full.raised, full.reopened, full.updated, full.resolved),
        (0, 0, 0, 0),
        "a full run changed what the focused writes left ({before} live warnings): {full:?}"
    );
    assert_eq!(app.scalar(live).await, before);
}

async fn set_notice_limit(app: &TestApp, limit: i64) {
    let (status, rule) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.length",
            &json!({"params": {"notice_limit": limit}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rule}");
}

/// Issue 11: set the 通知 limit to 3,600 and back to 3,000, and the acknowledged warning stays
/// one warning, acknowledged, with its justification and its history — not a new 待处理 one.
async fn a_threshold_tried_and_restored_reopens_the_same_warning(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let agri = app.unit_id("县农业农村局").await;
    set_notice_limit(&app, 3000).await;
    let mut rng = StdRng::seed_from_u64(1);
    let mut doc = document(&mut rng, &[agri], county, 1);
    doc["body"] = json!("为切实减轻基层负担，现就有关事项通知如下。".repeat(170)); // 3,400 characters
    doc["forwards_upper"] = json!(false);
    doc["to_schools_hospitals"] = json!(false);
    doc["issued_on"] = json!("2026-05-06");
    write(&app, "POST", "/api/v1/documents", &doc).await;
    let open = crate::helpers::open_warnings(&app, "supervisor", "rule=doc.length").await;
    assert_eq!(open.len(), 1, "{open:?}");
    let id = open[0]["id"].as_i64().unwrap();
    let act = |action: &'static str, note: &'static str| {
        let path = format!("/api/v1/warnings/{id}/actions");
        let app = &app;
        async move {
            let (status, v) = app
                .send(
                    if action == "justify" {
                        "filer"
                    } else {
                        "supervisor"
                    },
                    "POST",
                    &path,
                    &json!({"action": action, "note": note}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{action}: {v}");
        }
    };
    act("justify", "方案含技术规范，确需超出篇幅").await;
    act("acknowledge", "理由成立").await;

    set_notice_limit(&app, 3600).await;
    let (_, w) = app
        .get("supervisor", &format!("/api/v1/warnings/{id}"))
        .await;
    assert_eq!(
        w["status"], "resolved",
        "3,400 characters are within 3,600: {w}"
    );
    let listed = crate::helpers::open_warnings(&app, "filer", "rule=doc.length").await;
    assert!(
        listed.is_empty(),
        "a resolved warning is not in the open list: {listed:?}"
    );

    set_notice_limit(&app, 3000).await;
    let (_, all) = app
        .get(
            "supervisor",
            "/api/v1/warnings?rule=doc.length&per_page=100",
        )
        .await;
    assert_eq!(all["total"], 1, "still one warning for the document: {all}");
    let (_, w) = app
        .get("supervisor", &format!("/api/v1/warnings/{id}"))
        .await;
    assert_eq!(w["status"], "acknowledged", "{w}");
    assert_eq!(w["justification"], "方案含技术规范，确需超出篇幅", "{w}");
    let actions: Vec<&str> = w["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "raised",
            "justified",
            "acknowledged",
            "resolved",
            "reopened"
        ],
        "{w}"
    );
    let c = app.browser_login("supervisor").await;
    let page = app.page(&c, &format!("/warnings/{id}")).await;
    assert!(
        page.contains("重新开启") && page.contains("已确认"),
        "{page}"
    );
}
