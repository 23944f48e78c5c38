//! The rules of 督查检查考核 over HTTP: the weekly cap and its staggered schedule with a region's
//! override, research visits, bundles, year-end clustering and the base-year cut; and focused
//! writes that leave nothing for a full run to change.
use super::stories::{check, decide, file};
use crate::both_backends;
use crate::helpers::{open_warnings, spawn_app, Backend, TestApp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    rule_stories: crowded_weeks_are_staggered_apart,
    visits_bundles_year_end_and_the_base_year,
    focused_writes_leave_what_a_full_run_finds
);

async fn set_rule(app: &TestApp, rule: &str, params: Value) {
    let (status, body) = app
        .send(
            "supervisor",
            "PUT",
            &format!("/api/v1/rules/{rule}"),
            &json!({ "params": params }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Files one-day checks of `organizer` at `village`, each in its start's month.
async fn file_checks(app: &TestApp, organizer: i64, village: i64, title: &str, starts: [&str; 2]) {
    for start in starts {
        let month = &start[..7];
        file(
            app,
            "supervisor",
            &check(
                organizer,
                json!([{"unit_id": village}]),
                title,
                (&format!("{month}-01"), &format!("{month}-28")),
                start,
                1,
            ),
        )
        .await;
    }
}

async fn nothing_left_for_a_full_run(app: &TestApp) {
    let full = jianfu_domain::warnings::run_all(&app.db)
        .await
        .expect("full run");
    assert_eq!(
        (full.raised, full.reopened, full.updated, full.resolved),
        (0, 0, 0, 0),
        "a full run changed what the writes left: {full:?}"
    );
}

async fn crowded_weeks_are_staggered_apart(backend: Backend) {
    let app = spawn_app(backend).await;
    let qingshi = app.unit_id("青石镇").await;
    let mut ids = Vec::new();
    for (k, name) in [
        "县农业农村局",
        "县教育局",
        "县应急管理局",
        "县住房和城乡建设局",
    ]
    .into_iter()
    .enumerate()
    {
        let organizer = app.unit_id(name).await;
        let start = format!("2027-04-{}", 12 + k);
        let item = file(
            &app,
            "supervisor",
            &check(
                organizer,
                json!([{"unit_id": qingshi}]),
                &format!("{name}春季检查"),
                ("2027-04-01", "2027-05-14"),
                &start,
                1,
            ),
        )
        .await;
        ids.push(item["id"].as_i64().unwrap());
    }
    let capped = open_warnings(&app, "supervisor", "rule=inspect.weekly_cap").await;
    assert_eq!(capped.len(), 1, "{capped:?}");
    assert_eq!(capped[0]["unit_id"], qingshi);
    assert!(
        capped[0]["subject"]
            .as_str()
            .unwrap()
            .contains("青石镇2027年第15周"),
        "{}",
        capped[0]
    );
    // The township sees the warning about itself.
    assert_eq!(
        open_warnings(&app, "township", "rule=inspect.weekly_cap")
            .await
            .len(),
        1
    );

    let (status, cal) = app
        .get(
            "supervisor",
            &format!("/api/v1/inspections/calendar?year=2027&unit={qingshi}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cal}");
    assert_eq!(cal["overloaded"].as_array().unwrap().len(), 1);
    assert_eq!(
        (cal["overloaded"][0]["load"].as_i64(), cal["cap"].as_i64()),
        (Some(4), Some(2))
    );
    assert_eq!(cal["unit"]["weeks"][0]["over_cap"], true);

    // The region raises its cap to 4: the warning goes; back to 2: it returns.
    set_rule(&app, "inspect.weekly_cap", json!({"cap": 4})).await;
    assert!(open_warnings(&app, "supervisor", "rule=inspect.weekly_cap")
        .await
        .is_empty());
    let (_, cal) = app
        .get("supervisor", "/api/v1/inspections/calendar?year=2027")
        .await;
    assert_eq!(cal["overloaded"], json!([]));
    set_rule(&app, "inspect.weekly_cap", json!({"cap": 2})).await;
    assert_eq!(
        open_warnings(&app, "supervisor", "rule=inspect.weekly_cap")
            .await
            .len(),
        1
    );

    let (status, proposal) = app
        .get("supervisor", "/api/v1/inspections/stagger?year=2027")
        .await;
    assert_eq!(status, StatusCode::OK, "{proposal}");
    assert_eq!(
        (
            proposal["excess_before"].as_i64(),
            proposal["excess_after"].as_i64()
        ),
        (Some(2), Some(0)),
        "{proposal}"
    );
    let moves: Vec<Value> = proposal["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"inspection_id": m["inspection_id"], "starts_on": m["starts_on"]}))
        .collect();
    assert_eq!(moves.len(), 2, "{proposal}");
    let (status, applied) = app
        .send(
            "supervisor",
            "POST",
            "/api/v1/inspections/stagger",
            &json!({"moves": moves}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["moved"], 2);
    assert!(open_warnings(&app, "supervisor", "rule=inspect.weekly_cap")
        .await
        .is_empty());
    let (_, cal) = app
        .get("supervisor", "/api/v1/inspections/calendar?year=2027")
        .await;
    assert_eq!(cal["overloaded"], json!([]));
    let told = app
        .scalar("SELECT COUNT(*) FROM inspection_notices WHERE message LIKE '%错峰%'")
        .await;
    assert_eq!(told, 2);
    let (_, audit) = app
        .get("admin", "/api/v1/audit?entity=inspection&per_page=100")
        .await;
    let moved = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "inspection.reschedule")
        .count();
    assert_eq!(moved, 2);
    nothing_left_for_a_full_run(&app).await;
}

async fn visits_bundles_year_end_and_the_base_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let village = app.unit_id("李家庄村").await;
    // Two leaders research 李家庄村 in one week (集中、多头调研).
    for (leader, office, day) in [
        ("县委书记 张志远", "县委办公室", "2027-03-09"),
        ("县长 李国华", "县人民政府办公室", "2027-03-11"),
    ] {
        let mut visit = check(
            app.unit_id(office).await,
            json!([{"unit_id": village}]),
            &format!("{leader}到李家庄村调研"),
            ("2027-03-01", "2027-03-31"),
            day,
            1,
        );
        visit["category"] = json!("research");
        visit["leader"] = json!(leader);
        visit["in_plan"] = json!(false);
        file(&app, "supervisor", &visit).await;
    }
    let multi = open_warnings(&app, "supervisor", "rule=inspect.multi_visit").await;
    assert_eq!(multi.len(), 1, "{multi:?}");
    assert_eq!(multi[0]["unit_id"], village);
    let (status, week) = app
        .get("supervisor", "/api/v1/inspections/leaders?week=2027-03-10")
        .await;
    assert_eq!(status, StatusCode::OK, "{week}");
    assert_eq!(week["visits"].as_array().unwrap().len(), 2);
    assert_eq!(week["clashes"][0]["unit_name"], "李家庄村");

    // Two departments' safety checks of every township in September could be one visit.
    let townships = app
        .get(
            "admin",
            &format!("/api/v1/org-units?parent={county}&level=township&per_page=100"),
        )
        .await
        .1["total"]
        .as_i64()
        .unwrap();
    let all = json!([{"unit_id": county, "level": "township"}]);
    for (name, window, start) in [
        ("县应急管理局", ("2027-09-01", "2027-09-30"), "2027-09-06"),
        (
            "县住房和城乡建设局",
            ("2027-09-13", "2027-10-15"),
            "2027-09-20",
        ),
    ] {
        file(
            &app,
            "supervisor",
            &check(
                app.unit_id(name).await,
                all.clone(),
                &format!("{name}秋季安全检查"),
                window,
                start,
                2,
            ),
        )
        .await;
    }
    let (status, bundles) = app
        .get("supervisor", "/api/v1/inspections/bundles?year=2027")
        .await;
    assert_eq!(status, StatusCode::OK, "{bundles}");
    let checks: Vec<&Value> = bundles["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["category"] == "check")
        .collect();
    assert_eq!(checks.len(), 1, "{bundles}");
    assert_eq!(checks[0]["saving"].as_i64(), Some(townships));
    assert_eq!(
        (
            checks[0]["window_from"].as_str(),
            checks[0]["window_to"].as_str()
        ),
        (Some("2027-09-13"), Some("2027-09-30"))
    );

    // 县委组织部's assessments of 2026: two of three in December.
    let org = app.unit_id("县委组织部").await;
    for (k, start) in ["2026-06-15", "2026-12-07", "2026-12-14"]
        .into_iter()
        .enumerate()
    {
        let month = &start[..7];
        let mut a = check(
            org,
            json!([{"unit_id": county, "level": "township"}]),
            &format!("乡镇年度考核{k}"),
            (&format!("{month}-01"), &format!("{month}-28")),
            start,
            1,
        );
        a["category"] = json!("assessment");
        a["team_size"] = json!(2);
        file(&app, "supervisor", &a).await;
    }
    let year_end = open_warnings(&app, "supervisor", "rule=inspect.year_end").await;
    assert_eq!(year_end.len(), 1, "{year_end:?}");
    assert_eq!(year_end[0]["unit_id"], org);
    assert_eq!(year_end[0]["figures"]["share"]["value"], 66);

    // Against 2025's two checks, 2026's three and 2027's two are not cut by half.
    let agri = app.unit_id("县农业农村局").await;
    file_checks(
        &app,
        agri,
        village,
        "2025年检查",
        ["2025-05-12", "2025-06-16"],
    )
    .await;
    assert!(open_warnings(&app, "supervisor", "rule=inspect.base_cut")
        .await
        .is_empty());
    set_rule(&app, "inspect.base_cut", json!({"base_year": 2025})).await;
    let cut = open_warnings(&app, "supervisor", "rule=inspect.base_cut").await;
    let mut years: Vec<i64> = cut
        .iter()
        .filter_map(|w| w["figures"]["year"]["value"].as_i64())
        .collect();
    years.sort_unstable();
    assert_eq!(years, [2026, 2027], "{cut:?}");
    assert!(cut.iter().all(|w| w["unit_id"] == county));
    // Two more checks of 2025 raise the base to four: 2027's two are within half of it now,
    // though the write touched only 2025 (and 2026, whose last year it is).
    file_checks(
        &app,
        agri,
        village,
        "2025年补录检查",
        ["2025-07-14", "2025-08-11"],
    )
    .await;
    let cut = open_warnings(&app, "supervisor", "rule=inspect.base_cut").await;
    let years: Vec<i64> = cut
        .iter()
        .filter_map(|w| w["figures"]["year"]["value"].as_i64())
        .collect();
    assert_eq!(years, [2026], "{cut:?}");
    assert_eq!(cut[0]["figures"]["base_count"]["value"], 4, "{cut:?}");
    let (status, overview) = app
        .get("supervisor", "/api/v1/inspections/overview?year=2026")
        .await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    assert_eq!(overview["inspections"], 3);
    assert_eq!(overview["base_count"], 4);
    assert_eq!(overview["december_share"], 66);
    assert_eq!(overview["months"][11]["assessment"], 2);
    assert!(overview["organizers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["organizer_id"] == org && o["year_end"] == true));
    nothing_left_for_a_full_run(&app).await;
}

/// Random filings, edits, decisions and moves across the turn of the year; a full run then finds
/// nothing the focused evaluations of those writes missed.
async fn focused_writes_leave_what_a_full_run_finds(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut rng = StdRng::seed_from_u64(12);
    let county = app.unit_id("示例县").await;
    let qingshi = app.unit_id("青石镇").await;
    let liuhe = app.unit_id("柳河镇").await;
    let village = app.unit_id("李家庄村").await;
    let mut organizers = Vec::new();
    for name in [
        "县农业农村局",
        "县教育局",
        "县应急管理局",
        "县委办公室",
        "县委组织部",
    ] {
        organizers.push(app.unit_id(name).await);
    }
    let targets = [
        json!([{"unit_id": qingshi}]),
        json!([{"unit_id": qingshi}, {"unit_id": liuhe}]),
        json!([{"unit_id": county, "level": "township"}]),
        json!([{"unit_id": qingshi, "level": "village"}]),
        json!([{"unit_id": village}]),
    ];
    let categories = ["supervision", "check", "assessment", "research"];
    let leaders = ["", "县委书记 张志远", "县长 李国华"];
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let random_item = |rng: &mut StdRng| {
        let start = first + chrono::Duration::days(rng.gen_range(0..60));
        let days = rng.gen_range(1..=3);
        let from = start - chrono::Duration::days(rng.gen_range(0..14));
        let to = start + chrono::Duration::days(days - 1 + rng.gen_range(0..21));
        let mut item = check(
            organizers[rng.gen_range(0..organizers.len())],
            targets[rng.gen_range(0..targets.len())].clone(),
            "随机事项",
            (&from.to_string(), &to.to_string()),
            &start.to_string(),
            days,
        );
        item["category"] = json!(categories[rng.gen_range(0..categories.len())]);
        item["team_size"] = json!(rng.gen_range(2..=5));
        item["leader"] = json!(leaders[rng.gen_range(0..leaders.len())]);
        item["in_plan"] = json!(rng.gen_bool(0.7));
        item
    };
    let mut ids: Vec<i64> = Vec::new();
    for _ in 0..48 {
        match rng.gen_range(0..10) {
            0..=4 => {
                let item = random_item(&mut rng);
                ids.push(
                    file(&app, "supervisor", &item).await["id"]
                        .as_i64()
                        .unwrap(),
                );
            }
            5..=6 if !ids.is_empty() => {
                let id = ids[rng.gen_range(0..ids.len())];
                let item = random_item(&mut rng);
                let (status, body) = app
                    .send(
                        "supervisor",
                        "PUT",
                        &format!("/api/v1/inspections/{id}"),
                        &item,
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
            7..=8 if !ids.is_empty() => {
                let id = ids[rng.gen_range(0..ids.len())];
                let decision = if rng.gen_bool(0.8) {
                    json!({"decision": "approve"})
                } else {
                    json!({"decision": "reject", "reason": "重复检查"})
                };
                let (status, body) = decide(&app, "admin", id, decision).await;
                assert!(
                    matches!(status, StatusCode::OK | StatusCode::CONFLICT),
                    "{body}"
                );
            }
            _ => {
                let (_, proposal) = app
                    .get("supervisor", "/api/v1/inspections/stagger?year=2027")
                    .await;
                let moves: Vec<Value> = proposal["moves"]
                    .as_array()
                    .map(|ms| ms.iter().map(|m| json!({"inspection_id": m["inspection_id"], "starts_on": m["starts_on"]})).collect())
                    .unwrap_or_default();
                if !moves.is_empty() {
                    let (status, body) = app
                        .send(
                            "supervisor",
                            "POST",
                            "/api/v1/inspections/stagger",
                            &json!({"moves": moves}),
                        )
                        .await;
                    assert_eq!(status, StatusCode::OK, "{body}");
                }
            }
        }
    }
    let live = open_warnings(&app, "supervisor", "").await;
    let mut rules: Vec<&str> = live.iter().filter_map(|w| w["rule_id"].as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    assert!(
        rules.len() >= 4,
        "the writes should trip several rules: {rules:?}"
    );
    nothing_left_for_a_full_run(&app).await;
}
