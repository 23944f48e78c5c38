//! A write re-evaluates only the subjects it touched (its focus), not the whole region. Whatever
//! the writes, a full run of every rule afterwards must find exactly the warnings they left:
//! nothing to raise, update or resolve.
use crate::both_backends;
use crate::helpers::{approved, assert_error, csrf_of, open_warnings, spawn_app, Backend, TestApp};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    focused_writes_leave_what_a_full_run_finds,
    concurrent_writes_leave_what_a_full_run_finds,
    writes_sharing_a_commit_keep_or_lose_only_their_own,
    a_threshold_tried_and_restored_reopens_the_same_warning,
    a_returned_justification_is_given_again
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
        "to_schools_hospitals": rng.gen_bool(0.3),
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
        "heads_required": rng.gen_bool(0.2),
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
    a_full_run_changes_nothing(&app, "focused", before).await;
    assert_eq!(app.scalar(live).await, before);
}

/// Issue 10: writes sent eight at a time, sharing issuers, years and upper documents, evaluate
/// side by side (PostgreSQL locks only the subjects a write re-evaluates; SQLite's writes take
/// turns on the writer thread): none fails, no warning is raised twice, and a full run afterwards
/// finds nothing to change.
async fn concurrent_writes_leave_what_a_full_run_finds(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let departments = [
        app.unit_id("县农业农村局").await,
        app.unit_id("县教育局").await,
    ];
    let mut rng = StdRng::seed_from_u64(20261203);
    let post = |body: Value| {
        let app = &app;
        async move { write(app, "POST", "/api/v1/documents", &body).await }
    };
    let mut ids = Vec::new();
    for round in 0..6 {
        let b: Vec<Value> = (0..8)
            .map(|i| document(&mut rng, &departments, county, round * 8 + i))
            .collect();
        let written = tokio::join!(
            post(b[0].clone()),
            post(b[1].clone()),
            post(b[2].clone()),
            post(b[3].clone()),
            post(b[4].clone()),
            post(b[5].clone()),
            post(b[6].clone()),
            post(b[7].clone()),
        );
        ids.extend([
            written.0, written.1, written.2, written.3, written.4, written.5, written.6, written.7,
        ]);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 48, "every write stored its own document");
    let live = "SELECT COUNT(*) FROM warnings WHERE status <> 'resolved'";
    let twice = "SELECT COUNT(*) FROM (SELECT rule_id, subject_key FROM warnings \
                 GROUP BY rule_id, subject_key HAVING COUNT(*) > 1) x";
    assert_eq!(app.scalar(twice).await, 0, "a warning raised twice");
    let before = app.scalar(live).await;
    let counted = app
        .scalar("SELECT COUNT(*) FROM warnings WHERE rule_id IN ('doc.count_rise', 'doc.informal_share') AND status <> 'resolved'")
        .await;
    assert!(counted > 0, "the yearly counts should trip a rule");
    a_full_run_changes_nothing(&app, "concurrent", before).await;
}

/// On SQLite the writes waiting for the writer share one transaction, each in a savepoint (the
/// store's own tests refuse writes halfway). Twelve meetings at once, five of them refused for
/// an approval another took in the same commit: the refused leave no row and no audit entry,
/// the others keep theirs, chained unbroken, and their warnings are what a full run finds.
async fn writes_sharing_a_commit_keep_or_lose_only_their_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let (county, agri) = (
        app.unit_id("示例县").await,
        app.unit_id("县农业农村局").await,
    );
    let aid = approved(
        &app,
        "filer",
        &json!({"channel": "meetings", "approval_kind": "out_of_plan", "unit_id": agri,
                "title": "全县秋冬种工作推进会", "reason": "市里临时部署",
                "planned_on": "2027-01-15"}),
    )
    .await;
    let audited = "SELECT COUNT(*) FROM audit_log WHERE entity = 'meeting'";
    let audited_before = app.scalar(audited).await;
    let live = app
        .scalar("SELECT COUNT(*) FROM warnings WHERE status <> 'resolved'")
        .await;

    // Twelve meetings at once: six cite the one approval (one of them gets it), six cite none.
    let meeting = |n: usize| {
        let ids: Vec<i64> = if n.is_multiple_of(2) {
            vec![aid]
        } else {
            vec![]
        };
        json!({"organizer_id": agri, "title": format!("同批写入测试会议{n}"), "kind": "special",
               "starts_at": format!("2027-01-{:02}T09:00", 10 + n), "planned_minutes": 60,
               "reach_level": "township", "targets": [{"unit_id": county, "level": "township"}],
               "attendee_count": 20, "approval_ids": ids})
    };
    let post = |n: usize| {
        let (app, body) = (&app, meeting(n));
        async move {
            let (status, v) = app.send("filer", "POST", "/api/v1/meetings", &body).await;
            (n, status, v)
        }
    };
    let (s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11) = tokio::join!(
        post(0),
        post(1),
        post(2),
        post(3),
        post(4),
        post(5),
        post(6),
        post(7),
        post(8),
        post(9),
        post(10),
        post(11)
    );
    let sent = [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11];
    let mut stored = Vec::new();
    for (n, status, v) in &sent {
        if n % 2 == 1 {
            assert_eq!(*status, StatusCode::CREATED, "meeting {n}: {v}");
        }
        if *status == StatusCode::CREATED {
            stored.push(v["id"].as_i64().expect("id"));
        } else {
            assert_eq!(*status, StatusCode::CONFLICT, "meeting {n}: {v}");
            assert_eq!(v["error"]["field"], "approval_ids", "{v}");
        }
    }
    assert_eq!(
        stored.len(),
        7,
        "the six without approval and one with it: {sent:?}"
    );
    let (_, a) = app.get("filer", &format!("/api/v1/approvals/{aid}")).await;
    assert!(
        stored.contains(&a["item_id"].as_i64().expect("cited")),
        "{a}"
    );

    // The refused ones left nothing: no meeting, no ledger row, no audit entry.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM meetings WHERE title LIKE '同批写入测试会议%'")
            .await,
        7
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM burden_items WHERE channel = 'meetings' AND item_id IN \
             (SELECT id FROM meetings WHERE title LIKE '同批写入测试会议%')"
        )
        .await,
        7
    );
    assert_eq!(app.scalar(audited).await, audited_before + 7);
    let chain = jianfu_domain::audit::verify(&app.db).await.expect("verify");
    assert_eq!(chain.broken, None, "{chain:?}");
    assert_eq!(chain.entries, chain.head_seq, "{chain:?}");
    a_full_run_changes_nothing(&app, "batched", live).await;
}

/// A full run of every rule finds nothing to raise, reopen, update or resolve after the writes.
async fn a_full_run_changes_nothing(app: &TestApp, writes: &str, live_before: i64) {
    let full = jianfu_domain::warnings::run_all(&app.db)
        .await
        .expect("full run");
    assert_eq!(
        (full.raised, full.reopened, full.updated, full.resolved),
        (0, 0, 0, 0),
        "a full run changed what the {writes} writes left ({live_before} live warnings): {full:?}"
    );
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

/// Issue 11, 退回: the filer justifies an over-long notice, the office sends the justification
/// back with its reason (from the warning's page), the filer sees the warning returned — still
/// open, with the reason in its history — and justifies again, and the office acknowledges.
/// Only the office returns, only a justified warning, and never without a reason.
async fn a_returned_justification_is_given_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let agri = app.unit_id("县农业农村局").await;
    let notice = json!({
        "issuer_id": agri, "title": "关于印发秸秆综合利用实施方案的通知", "kind": "通知",
        "carrier": "formal", "issued_on": "2026-09-08",
        "main_recipients": "各乡镇人民政府、街道办事处：",
        "targets": [{"unit_id": county, "level": "township"}],
        "body": "为切实减轻基层负担，现就有关事项通知如下。".repeat(280),
    });
    let (status, doc) = app
        .send("filer", "POST", "/api/v1/documents", &notice)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let open = open_warnings(&app, "filer", "rule=doc.length").await;
    assert_eq!(
        open.len(),
        1,
        "5,600 characters are over the limit: {open:?}"
    );
    let id = open[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/warnings/{id}/actions");
    let act = |user: &'static str, action: &'static str, note: &'static str| {
        let (app, path) = (&app, &path);
        async move {
            app.send(user, "POST", path, &json!({"action": action, "note": note}))
                .await
        }
    };

    // Nothing to return before the unit has justified.
    let (status, body) = act("supervisor", "return", "请补充说明").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error(&body, "warning_not_justified", None);
    assert_eq!(body["error"]["message"], "只有已说明理由的预警才能退回");

    let (status, j) = act("filer", "justify", "方案需附技术规范").await;
    assert_eq!(status, StatusCode::OK, "{j}");
    assert_eq!(j["status"], "justified");
    let (status, body) = act("filer", "return", "自行退回").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the office returns: {body}"
    );
    let (status, body) = act("supervisor", "return", "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_field", Some("note"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("退回理由"),
        "{body}"
    );

    // The office returns it from the warning's page.
    let office = app.browser_login("supervisor").await;
    let page = app.page(&office, &format!("/warnings/{id}")).await;
    assert!(
        page.contains(r#"name="action" value="return""#) && page.contains(">退回</button>"),
        "the office may return a justified warning: {page}"
    );
    let csrf = csrf_of(&page);
    let r = office
        .post(app.url(&format!("/warnings/{id}")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("action", "return"),
            ("note", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("退回理由不能为空"));
    let reason = "未说明技术规范为何不能作为附件另行印发，请补充";
    let r = office
        .post(app.url(&format!("/warnings/{id}")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("action", "return"),
            ("note", reason),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);

    // The filer sees it returned, still to be dealt with, with the reason.
    let (_, w) = app.get("filer", &format!("/api/v1/warnings/{id}")).await;
    assert_eq!(w["status"], "returned", "{w}");
    let last = w["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["note"].as_str()),
        (Some("returned"), Some(reason)),
        "{w}"
    );
    let listed = open_warnings(&app, "filer", "rule=doc.length").await;
    assert_eq!(
        listed.len(),
        1,
        "a returned warning is still open: {listed:?}"
    );
    let (status, returned) = app.get("filer", "/api/v1/warnings?status=returned").await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    assert_eq!(returned["total"], 1, "{returned}");
    let unit = app.browser_login("filer").await;
    let page = app.page(&unit, &format!("/warnings/{id}")).await;
    assert!(page.contains("已退回") && page.contains(reason), "{page}");
    assert!(page.contains(r#"value="justify""#), "{page}");
    assert!(!page.contains(r#"value="return""#), "{page}");
    let list = app.page(&unit, "/warnings?status=returned").await;
    assert!(
        list.contains("已退回") && list.contains("秸秆综合利用"),
        "{list}"
    );
    let (status, body) = act("supervisor", "return", "再次退回").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a returned warning awaits the unit: {body}"
    );
    assert_error(&body, "warning_not_justified", None);

    // Justified again, then acknowledged.
    let (status, j) = act("filer", "justify", "技术规范已另附，正文压减至必要内容").await;
    assert_eq!(status, StatusCode::OK, "{j}");
    assert_eq!(
        (j["status"].as_str(), j["justification"].as_str()),
        (
            Some("justified"),
            Some("技术规范已另附，正文压减至必要内容")
        )
    );
    let (status, a) = act("supervisor", "acknowledge", "理由成立").await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["status"], "acknowledged");
    let actions: Vec<&str> = a["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "raised",
            "justified",
            "returned",
            "justified",
            "acknowledged"
        ]
    );
    let page = app.page(&office, &format!("/warnings/{id}")).await;
    assert!(
        !page.contains(r#"value="return""#),
        "only a justified warning is returned"
    );
    let (_, trail) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=warning&entity_id={id}"),
        )
        .await;
    assert!(
        trail["items"].as_array().unwrap().iter().any(|e| {
            let summary = e["summary"].as_str().unwrap_or("");
            summary.contains("退回") && summary.contains(reason)
        }),
        "{trail}"
    );
}
