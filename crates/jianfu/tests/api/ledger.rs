//! The burden ledger as its users try it: a filer records documents and meetings, warnings
//! appear at once, the office changes a threshold and the warnings follow, the grassroots
//! unit reads what landed on it, with last year beside it.
use crate::both_backends;
use crate::helpers::{assert_error, csrf_of, open_warnings, spawn_app, Backend};
use crate::meetings::ledger::meeting;
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    documents_raise_and_clear_warnings,
    thresholds_reevaluate_without_duplicates,
    warnings_are_justified_acknowledged_and_closed,
    burden_ledger_from_below,
    plans_quotas_and_forwarding,
    bad_ledger_input_changes_nothing,
    reach_counts_each_unit_once,
    a_withdrawn_document_leaves_the_counts
);

/// The grassroots units an item reaches are counted once each, however many targets name them:
/// 500 identical targets reach the county's villages once; a township named alone beside
/// "every township" adds nothing.
async fn reach_counts_each_unit_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let town = app.unit_id("青石镇").await;
    let count = |level: &'static str| {
        let app = &app;
        async move {
            let (_, body) = app
                .get(
                    "admin",
                    &format!("/api/v1/org-units?subtree={county}&level={level}&per_page=1"),
                )
                .await;
            body["total"].as_i64().unwrap()
        }
    };
    let (villages, townships) = (count("village").await, count("township").await);
    assert!(villages > 100 && townships > 5, "{villages} {townships}");

    let mut doc = notice(agri, county, "关于重复主送的通知", 800, "2026-03-02");
    doc["targets"] = json!(vec![json!({"unit_id": county, "level": "village"}); 500]);
    let (status, created) = app.send("filer", "POST", "/api/v1/documents", &doc).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["reach"], villages);
    assert_eq!(created["targets"].as_array().unwrap().len(), 1);

    let mut doc = notice(agri, county, "关于重叠主送的通知", 800, "2026-03-03");
    doc["targets"] =
        json!([{"unit_id": county, "level": "township"}, {"unit_id": town, "level": null}]);
    let (status, created) = app.send("filer", "POST", "/api/v1/documents", &doc).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["reach"], townships);

    // Every village under one town: offered on the filing form, and reaching just those.
    let c = app.browser_login("supervisor").await;
    let form = app.page(&c, "/documents/new").await;
    assert!(
        form.contains(&format!("value=\"{town}:village\"")) && form.contains("青石镇所属各村"),
        "{form}"
    );
    let (_, town_villages) = app
        .get(
            "admin",
            &format!("/api/v1/org-units?subtree={town}&level=village&per_page=1"),
        )
        .await;
    let mut doc = notice(agri, county, "关于青石镇各村的通知", 800, "2026-03-04");
    doc["targets"] = json!([{"unit_id": town, "level": "village"}]);
    let (status, created) = app.send("filer", "POST", "/api/v1/documents", &doc).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["reach"], town_villages["total"]);
    assert!(town_villages["total"].as_i64().unwrap() > 3);

    // Before saving, the form says how many units the ticked targets reach (counted once), and
    // refuses a target outside the viewer's scope.
    assert!(form.contains("hx-get=\"/targets/reach\""), "{form}");
    let preview = app
        .page(
            &c,
            &format!(
                "/targets/reach?target={county}:village&target={county}:village&target={town}:"
            ),
        )
        .await;
    assert_eq!(
        preview,
        format!("将送达{}个乡镇（街道）、村（社区）", villages + 1),
        "villages and the town itself"
    );
    let v = app.browser_login("village").await;
    let refused = app
        .page(&v, &format!("/targets/reach?target={county}:township"))
        .await;
    assert!(refused.contains("不在您的管辖范围内"), "{refused}");
    assert_eq!(app.page(&c, "/targets/reach").await, "请选择发送范围");
}

fn notice(issuer: i64, county: i64, title: &str, body_chars: usize, date: &str) -> Value {
    json!({
        "issuer_id": issuer, "doc_number": null, "title": title, "kind": "通知", "carrier": "formal", "issued_on": date,
        "main_recipients": "各乡镇人民政府、街道办事处：",
        "targets": [{"unit_id": county, "level": "township"}],
        "body": "为切实减轻基层负担，现就有关事项通知如下。".repeat(body_chars / 20 + 1).chars().take(body_chars).collect::<String>()
    })
}

async fn documents_raise_and_clear_warnings(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let (status, doc) = app
        .send(
            "filer",
            "POST",
            "/api/v1/documents",
            &notice(
                agri,
                county,
                "关于开展秋冬季农田水利建设的通知",
                5600,
                "2026-10-10",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    assert_eq!(doc["char_count"], 5600);
    assert_eq!(doc["reach"], 12, "the twelve towns and streets");
    let id = doc["id"].as_i64().unwrap();

    // The warning is there at once, for the filer and for the office.
    let mine = open_warnings(&app, "filer", "rule=doc.length").await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    let w = &mine[0];
    assert_eq!(
        (w["severity"].as_str(), w["unit_id"].as_i64()),
        (Some("warning"), Some(agri))
    );
    assert!(w["subject"].as_str().unwrap().contains("5600字"));
    assert!(w["raised_at"].is_string() && w["id"].is_i64() && w["rule_id"] == "doc.length");
    assert_eq!(
        open_warnings(&app, "supervisor", "rule=doc.length")
            .await
            .len(),
        1
    );

    // Shortened below the limit: the warning resolves itself, with its history.
    let (status, _) = app
        .send(
            "filer",
            "PUT",
            &format!("/api/v1/documents/{id}"),
            &notice(
                agri,
                county,
                "关于开展秋冬季农田水利建设的通知",
                2000,
                "2026-10-10",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(open_warnings(&app, "filer", "rule=doc.length")
        .await
        .is_empty());
    let (_, resolved) = app
        .get(
            "supervisor",
            "/api/v1/warnings?rule=doc.length&status=resolved",
        )
        .await;
    assert_eq!(resolved["total"], 1);
    let wid = resolved["items"][0]["id"].as_i64().unwrap();
    let (_, detail) = app
        .get("supervisor", &format!("/api/v1/warnings/{wid}"))
        .await;
    let actions: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["raised", "resolved"]);
    assert_eq!(
        detail["rule"]["source"]
            .as_str()
            .map(|s| s.contains("整治形式主义为基层减负若干规定")),
        Some(true)
    );
    assert!(detail["resolved_at"].is_string());

    // Lengthened again: the same warning reopens (one warning per rule and subject for life).
    app.send(
        "filer",
        "PUT",
        &format!("/api/v1/documents/{id}"),
        &notice(
            agri,
            county,
            "关于开展秋冬季农田水利建设的通知",
            6000,
            "2026-10-10",
        ),
    )
    .await;
    assert_eq!(
        open_warnings(&app, "filer", "rule=doc.length").await.len(),
        1
    );
    let (_, all) = app
        .get("supervisor", "/api/v1/warnings?rule=doc.length")
        .await;
    assert_eq!(all["total"], 1, "{all}");
    assert_eq!(all["items"][0]["status"], "open", "{all}");

    // Seen from below: a town reads what was sent to 各乡镇, attachments included; a village,
    // which it did not reach, does not.
    let (status, got) = app
        .get("township", &format!("/api/v1/documents/{id}"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a town reads what reached it: {got}"
    );
    assert_eq!(got["title"], "关于开展秋冬季农田水利建设的通知");
    let c = app.browser_login("township").await;
    let page = app.page(&c, &format!("/documents/{id}")).await;
    assert!(page.contains("关于开展秋冬季农田水利建设的通知"), "{page}");
    assert!(
        !page.contains("type=\"file\""),
        "a town may not attach to another's document"
    );
    let (status, got) = app.get("village", &format!("/api/v1/documents/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not sent to villages: {got}");
    // Sent to 各村 of 青石镇: 李家庄村 reads it and its page; the township above reads it too.
    let qingshi = app.unit_id("青石镇").await;
    let mut to_villages = notice(
        agri,
        county,
        "关于开展村级河道保洁的通知",
        300,
        "2026-10-11",
    );
    to_villages["targets"] = json!([{"unit_id": qingshi, "level": "village"}]);
    let (status, d) = app
        .send("filer", "POST", "/api/v1/documents", &to_villages)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let vid = d["id"].as_i64().unwrap();
    for user in ["village", "township"] {
        let (status, got) = app.get(user, &format!("/api/v1/documents/{vid}")).await;
        assert_eq!(status, StatusCode::OK, "{user}: {got}");
    }
    let c = app.browser_login("village").await;
    let page = app.page(&c, &format!("/documents/{vid}")).await;
    assert!(page.contains("关于开展村级河道保洁的通知"), "{page}");
    let (_, got) = app
        .get("supervisor", &format!("/api/v1/documents/{id}"))
        .await;
    assert_eq!(
        got["targets"],
        json!([{"unit_id": county, "level": "township"}])
    );
    assert_eq!(got["issuer_name"], "县农业农村局");

    // Pasted from a PDF, radicals (⽂ U+2F42, ⼯ U+2F2F) are stored as the ideographs they show.
    let mut pasted = notice(agri, county, "关于规范⽂件报送的通知", 10, "2026-10-12");
    pasted["body"] = json!("各乡镇要规范⽂件报送⼯作。");
    let (status, d) = app
        .send("filer", "POST", "/api/v1/documents", &pasted)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let (_, d) = app
        .get("filer", &format!("/api/v1/documents/{}", d["id"]))
        .await;
    assert_eq!(d["title"], "关于规范文件报送的通知", "{d}");
    assert_eq!(d["body"], "各乡镇要规范文件报送工作。", "{d}");
}

async fn thresholds_reevaluate_without_duplicates(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    app.send(
        "filer",
        "POST",
        "/api/v1/documents",
        &notice(
            agri,
            county,
            "关于做好农村人居环境整治的通知",
            3500,
            "2026-09-01",
        ),
    )
    .await;
    assert!(
        open_warnings(&app, "supervisor", "rule=doc.length")
            .await
            .is_empty(),
        "3,500 characters are within 5,000"
    );

    let (status, rule) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.length",
            &json!({"params": {"notice_limit": 3000}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    assert_eq!(rule["values"]["notice_limit"], 3000);
    assert_eq!(
        open_warnings(&app, "supervisor", "rule=doc.length")
            .await
            .len(),
        1
    );
    // Saving the same threshold again does not duplicate the warning.
    app.send(
        "supervisor",
        "PUT",
        "/api/v1/rules/doc.length",
        &json!({"params": {"notice_limit": 3000}}),
    )
    .await;
    assert_eq!(
        open_warnings(&app, "supervisor", "rule=doc.length")
            .await
            .len(),
        1
    );
    let (_, rules) = app.get("filer", "/api/v1/rules").await;
    let length = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "doc.length")
        .unwrap();
    assert_eq!(length["values"]["notice_limit"], 3000);
    assert_eq!(length["severity"], "warning");
    assert!(length["name"].as_str().unwrap().contains("篇幅"));

    // Relaxed: the warning clears. Switched off entirely: nothing is raised.
    app.send(
        "supervisor",
        "PUT",
        "/api/v1/rules/doc.length",
        &json!({"params": {"notice_limit": 4000}}),
    )
    .await;
    assert!(open_warnings(&app, "supervisor", "rule=doc.length")
        .await
        .is_empty());
    app.send(
        "supervisor",
        "PUT",
        "/api/v1/rules/doc.length",
        &json!({"enabled": false, "params": {"notice_limit": 3000}}),
    )
    .await;
    assert!(open_warnings(&app, "supervisor", "rule=doc.length")
        .await
        .is_empty());

    // Only the office changes rules, and only within range.
    let (status, _) = app
        .send(
            "filer",
            "PUT",
            "/api/v1/rules/doc.length",
            &json!({"params": {"notice_limit": 3000}}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.length",
            &json!({"params": {"notice_limit": 10}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "invalid_field", Some("params.notice_limit"));
    let (status, body) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.length",
            &json!({"params": {"no_such": 1}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "unknown_field", Some("params.no_such"));
    let (status, _) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/no.such.rule",
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn warnings_are_justified_acknowledged_and_closed(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    app.send(
        "filer",
        "POST",
        "/api/v1/documents",
        &notice(
            agri,
            county,
            "关于印发农业面源污染治理方案的通知",
            5200,
            "2026-08-08",
        ),
    )
    .await;
    let w = open_warnings(&app, "filer", "").await.remove(0);
    let id = w["id"].as_i64().unwrap();
    let path = format!("/api/v1/warnings/{id}/actions");

    let (status, _) = app
        .send(
            "filer",
            "POST",
            &path,
            &json!({"action": "close", "note": "自行办结"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the office closes");
    let (status, body) = app
        .send(
            "filer",
            "POST",
            &path,
            &json!({"action": "justify", "note": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "invalid_field", Some("note"));
    let (status, j) = app
        .send(
            "filer",
            "POST",
            &path,
            &json!({"action": "justify", "note": "方案含技术规范，确需超出篇幅"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{j}");
    assert_eq!(
        (j["status"].as_str(), j["justification"].as_str()),
        (Some("justified"), Some("方案含技术规范，确需超出篇幅"))
    );
    let (_, a) = app
        .send(
            "supervisor",
            "POST",
            &path,
            &json!({"action": "acknowledge", "note": "理由成立"}),
        )
        .await;
    assert_eq!(a["status"], "acknowledged");
    let (_, c) = app
        .send(
            "supervisor",
            "POST",
            &path,
            &json!({"action": "close", "note": "已督促精简，办结"}),
        )
        .await;
    assert_eq!(c["status"], "closed");
    let (status, body) = app
        .send(
            "supervisor",
            "POST",
            &path,
            &json!({"action": "close", "note": "再次办结"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&body, "warning_closed", None);
    let actions: Vec<&str> = c["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["raised", "justified", "acknowledged", "closed"]);
    // A closed warning stays closed while its cause remains: no new warning on re-evaluation.
    let out = crate::helpers::jianfu_command()
        .args(["rules", "run", "--database", &app.db_url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("规则运行完成"));
    assert!(open_warnings(&app, "supervisor", "").await.is_empty());
    let (_, all) = app.get("supervisor", "/api/v1/warnings").await;
    assert_eq!(all["total"], 1);
    let (_, trail) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=warning&entity_id={id}"),
        )
        .await;
    assert_eq!(trail["total"], 3, "each action is audited");
}

async fn burden_ledger_from_below(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let town = app.unit_id("青石镇").await;
    let village = app.unit_id("李家庄村").await;
    let other_town = app.unit_id("柳河镇").await;
    let doc = |title: &str, targets: Value, date: &str, chars: usize| {
        let mut d = notice(agri, county, title, chars, date);
        d["targets"] = targets;
        d
    };
    for (title, targets, date, chars) in [
        (
            "关于报送2026年春耕生产情况的通知",
            json!([{"unit_id": county, "level": "village"}]),
            "2026-03-02",
            1200,
        ),
        (
            "关于开展村级农业统计的通知",
            json!([{"unit_id": town, "level": "village"}]),
            "2026-04-02",
            800,
        ),
        (
            "关于柳河镇水毁修复的通知",
            json!([{"unit_id": other_town, "level": "village"}]),
            "2026-04-03",
            900,
        ),
        (
            "关于报送2025年春耕生产情况的通知",
            json!([{"unit_id": county, "level": "village"}, {"unit_id": village}]),
            "2025-03-03",
            1000,
        ),
        (
            "关于镇级统计的通知",
            json!([{"unit_id": town}]),
            "2026-05-05",
            700,
        ),
    ] {
        let (status, body) = app
            .send(
                "filer",
                "POST",
                "/api/v1/documents",
                &doc(title, targets, date, chars),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let m = meeting(
        agri,
        json!({"unit_id": town, "level": "village"}),
        "青石镇村级农业统计培训会",
        "2026-06-09T09:00",
        60,
        "village",
    );
    let (status, body) = app.send("filer", "POST", "/api/v1/meetings", &m).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, ledger) = app
        .get(
            "village",
            &format!("/api/v1/burden?unit={village}&from=2026-01-01&to=2026-11-20"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    let docs = &ledger["channels"]["documents"];
    assert_eq!(
        (docs["items"].as_i64(), docs["measure"].as_i64()),
        (Some(2), Some(2000)),
        "{ledger}"
    );
    assert_eq!(
        (
            docs["previous_items"].as_i64(),
            docs["previous_measure"].as_i64()
        ),
        (Some(1), Some(1000)),
        "counted once despite two targets"
    );
    assert_eq!(docs["change_percent"], 100.0);
    assert_eq!(ledger["channels"]["meetings"]["items"], 1);
    assert_eq!(ledger["channels"]["meetings"]["measure"], 60);
    assert_eq!(ledger["previous_from"], "2025-01-01");
    let line = &ledger["by_issuer"][0];
    assert_eq!(
        (line["issuer_name"].as_str(), line["items"].as_i64()),
        (Some("县农业农村局"), Some(2))
    );

    // The town's own ledger holds what was addressed to the town itself.
    let (_, t) = app
        .get(
            "township",
            &format!("/api/v1/burden?unit={town}&from=2026-01-01&to=2026-12-31"),
        )
        .await;
    assert_eq!(t["channels"]["documents"]["items"], 1);
    // A village cannot read another village's ledger; the period must make sense.
    let other = app.unit_id("柳河村").await;
    let (status, body) = app
        .get("village", &format!("/api/v1/burden?unit={other}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error(&body, "forbidden", Some("unit"));
    let (status, body) = app
        .get("village", "/api/v1/burden?from=2026-05-01&to=2026-01-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "invalid_field", Some("to"));
    let (status, body) = app.get("village", "/api/v1/burden?from=2026-02-30").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "invalid_field", Some("from"));

    // The office ranks issuers by the grassroots units they reached.
    let (_, ranking) = app
        .get(
            "supervisor",
            "/api/v1/burden/issuers?from=2026-01-01&to=2026-12-31",
        )
        .await;
    assert_eq!(ranking[0]["issuer_name"], "县农业农村局");
    assert_eq!(ranking[0]["documents"], 4);
    assert_eq!(ranking[0]["meetings"], 1);

    // A database from before the burden spine (migration 5) upgrades with nothing lost: the
    // items already recorded are counted again once it has run.
    for sql in [
        "DROP TABLE burden_items",
        "DELETE FROM schema_migrations WHERE version = 5",
        "DELETE FROM module_migrations WHERE module = 'meetings' AND version = 1",
    ] {
        app.db
            .raw_script(sql)
            .await
            .expect("back to the schema before the spine");
    }
    jianfu_store::migrate::run(&app.db).await.expect("upgrade");
    let (_, again) = app
        .get(
            "supervisor",
            "/api/v1/burden/issuers?from=2026-01-01&to=2026-12-31",
        )
        .await;
    assert_eq!(again, ranking, "the ranking after the upgrade");
    let (_, after) = app
        .get(
            "village",
            &format!("/api/v1/burden?unit={village}&from=2026-01-01&to=2026-11-20"),
        )
        .await;
    assert_eq!(after["channels"], ledger["channels"], "{after}");

    // A database from before the targets were stored in key order (migration 14) upgrades
    // with every target kept.
    let targets = app.scalar("SELECT COUNT(*) FROM burden_targets").await;
    for sql in [
        "ALTER TABLE burden_targets RENAME TO burden_targets_later",
        "DROP INDEX burden_targets_unit_idx",
        "CREATE TABLE burden_targets (channel TEXT NOT NULL, item_id BIGINT NOT NULL, region_id BIGINT NOT NULL, \
         target_unit_id BIGINT NOT NULL REFERENCES org_units(id), target_level TEXT NOT NULL, issuer_id BIGINT NOT NULL, \
         on_date TEXT NOT NULL, measure BIGINT NOT NULL, PRIMARY KEY (channel, item_id, target_unit_id, target_level))",
        "CREATE INDEX burden_targets_unit_idx ON burden_targets (target_unit_id, target_level, on_date, channel, item_id, issuer_id, measure)",
        "INSERT INTO burden_targets SELECT * FROM burden_targets_later",
        "DROP TABLE burden_targets_later",
        "DELETE FROM schema_migrations WHERE version = 14",
    ] {
        app.db
            .raw_script(sql)
            .await
            .expect("back to the schema before migration 14");
    }
    jianfu_store::migrate::run(&app.db).await.expect("upgrade");
    assert!(targets > 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM burden_targets").await,
        targets
    );
    if backend == Backend::Sqlite {
        assert_eq!(
            app.scalar(
                "SELECT COUNT(*) FROM pragma_table_list WHERE name = 'burden_targets' AND wr = 1"
            )
            .await,
            1,
            "stored in key order"
        );
    }
    let (_, after) = app
        .get(
            "village",
            &format!("/api/v1/burden?unit={village}&from=2026-01-01&to=2026-11-20"),
        )
        .await;
    assert_eq!(after["channels"], ledger["channels"], "{after}");
}

async fn plans_quotas_and_forwarding(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let edu = app.unit_id("县教育局").await;
    let county = app.unit_id("示例县").await;
    let (status, plan) = app
        .send("supervisor", "PUT", "/api/v1/plans", &json!({"unit_id": agri, "year": 2026, "planned_documents": 1, "planned_meetings": 1, "document_quota": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let (status, _) = app
        .send(
            "filer",
            "PUT",
            "/api/v1/plans",
            &json!({"unit_id": agri, "year": 2026, "planned_documents": 9, "planned_meetings": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (issuer, user, title) in [
        (agri, "filer", "转发市农业农村局关于秋粮收购的通知"),
        (agri, "filer", "关于秋粮收购的补充通知"),
        (edu, "filer_edu", "转发市农业农村局关于秋粮收购的通知"),
    ] {
        let mut d = notice(issuer, county, title, 900, "2026-10-20");
        d["forwards_upper"] = json!(true);
        d["upper_doc_number"] = json!("示市农发〔2026〕30号");
        let (status, body) = app.send(user, "POST", "/api/v1/documents", &d).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let found = open_warnings(&app, "supervisor", "").await;
    let quota = found
        .iter()
        .find(|w| w["rule_id"] == "doc.quota")
        .expect("quota warning");
    assert_eq!(quota["unit_id"], agri);
    assert!(quota["subject"]
        .as_str()
        .unwrap()
        .contains("超出年度计划1件"));
    let fwd = found
        .iter()
        .find(|w| w["rule_id"] == "doc.forwarded_twice")
        .expect("forwarded twice");
    assert!(fwd["subject"]
        .as_str()
        .unwrap()
        .contains("示市农发〔2026〕30号"));
    let (_, rows) = app.get("supervisor", "/api/v1/plans?year=2026").await;
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == agri)
        .unwrap();
    assert_eq!(
        (row["documents"].as_i64(), row["document_quota"].as_i64()),
        (Some(2), Some(1))
    );
    // The education filer sees the forwarding warning only if it is its own unit's.
    let edu_view = open_warnings(&app, "filer_edu", "").await;
    assert!(edu_view.iter().all(|w| w["unit_id"] == edu));
}

async fn bad_ledger_input_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let city_dept = app.unit_id("示例市教育局").await;
    let edu = app.unit_id("县教育局").await;
    let base = notice(
        agri,
        county,
        "关于做好冬春农田水利建设的通知",
        500,
        "2026-10-10",
    );
    let with = |k: &str, v: Value| {
        let mut d = base.clone();
        d[k] = v;
        d
    };
    let cases = [
        (
            with("issued_on", json!("2026-02-30")),
            422,
            "invalid_field",
            "issued_on",
        ),
        (
            with("issued_on", json!("1899-01-01")),
            422,
            "invalid_field",
            "issued_on",
        ),
        (with("kind", json!("通告书")), 422, "invalid_field", "kind"),
        (
            with("carrier", json!("wechat")),
            422,
            "invalid_field",
            "carrier",
        ),
        (with("title", json!("")), 422, "invalid_field", "title"),
        (with("targets", json!([])), 422, "invalid_field", "targets"),
        (
            with("targets", json!([{"unit_id": city_dept}])),
            403,
            "forbidden",
            "targets",
        ),
        (
            with("targets", json!([{"unit_id": county, "level": "city"}])),
            422,
            "invalid_field",
            "targets",
        ),
        (with("issuer_id", json!(edu)), 403, "forbidden", "issuer_id"),
        (
            with("forwards_upper", json!(true)),
            422,
            "invalid_field",
            "upper_doc_number",
        ),
        (
            with("attachment_count", json!(-1)),
            422,
            "invalid_field",
            "attachment_count",
        ),
    ];
    let before = app.scalar("SELECT COUNT(*) FROM documents").await;
    for (body, status, code, field) in cases {
        let (s, resp) = app.send("filer", "POST", "/api/v1/documents", &body).await;
        assert_eq!(s.as_u16(), status, "{body} → {resp}");
        assert_error(&resp, code, Some(field));
    }
    let m = meeting(
        agri,
        json!({"unit_id": county, "level": "township"}),
        "会议",
        "2026-11-17T09:00",
        60,
        "township",
    );
    let mwith = |k: &str, v: Value| {
        let mut d = m.clone();
        d[k] = v;
        d
    };
    for (body, field) in [
        (mwith("planned_minutes", json!(-30)), "planned_minutes"),
        (mwith("planned_minutes", json!(100000)), "planned_minutes"),
        (mwith("actual_minutes", json!(99999)), "actual_minutes"),
        (mwith("starts_at", json!("2026-13-01T09:00")), "starts_at"),
        (mwith("attendee_count", json!(-1)), "attendee_count"),
        (
            mwith("relays_meeting_id", json!(987654)),
            "relays_meeting_id",
        ),
    ] {
        let (s, resp) = app.send("filer", "POST", "/api/v1/meetings", &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {resp}");
        assert_error(&resp, "invalid_field", Some(field));
    }
    let (s, resp) = app
        .get("supervisor", "/api/v1/warnings?status=pending")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&resp, "invalid_field", Some("status"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM documents").await, before);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM meetings").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM warnings").await, 0);
}

both_backends!(pages: ledger_pages_work_as_the_office_uses_them);

async fn ledger_pages_work_as_the_office_uses_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("supervisor").await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let form = c
        .get(app.url("/documents/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("登记文件")
            && form.contains("县农业农村局")
            && form.contains("示例县所属各乡镇（街道）")
    );
    let csrf = crate::helpers::csrf_of(&form);
    let long_body = "各乡镇要高度重视农田水利建设，按时报送进展情况。".repeat(250);
    let agri_s = agri.to_string();
    let target = format!("{county}:township");
    let fields = vec![
        ("csrf_token", csrf.as_str()),
        ("issuer_id", agri_s.as_str()),
        ("doc_number", "示农发〔2026〕41号"),
        ("title", "关于做好冬春农田水利建设的通知"),
        ("kind", "通知"),
        ("carrier", "formal"),
        ("issued_on", "2026-11-02"),
        ("target", target.as_str()),
        ("body", long_body.as_str()),
    ];
    let r = c
        .post(app.url("/documents/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let page = c
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("已登记") && page.contains("发现 1 项预警") && page.contains("超过"),
        "{page}"
    );
    assert!(page.contains("示农发〔2026〕41号") && page.contains("12个"));

    // A form with an impossible date comes back with the message and the values kept.
    let mut bad = fields.clone();
    bad[6] = ("issued_on", "2026-02-30");
    let r = c
        .post(app.url("/documents/new"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let back = r.text().await.unwrap();
    assert!(
        back.contains("成文日期格式不正确") && back.contains("关于做好冬春农田水利建设的通知"),
        "{back}"
    );

    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("<span class=\"figure\">1</span><span class=\"label\">待处理预警</span>"),
        "{home}"
    );
    let list = c
        .get(app.url("/warnings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("文件篇幅超标") && list.contains("县农业农村局") && list.contains("待处理")
    );
    // The unit's name filters the list by that unit; another unit has none of its warnings.
    assert!(
        list.contains(&format!("unit={agri}\" title=\"只看该单位的预警\"")),
        "{list}"
    );
    let by_unit = app.page(&c, &format!("/warnings?unit={agri}")).await;
    assert!(
        by_unit.contains("责任单位：县农业农村局") && by_unit.contains("共 1 条"),
        "{by_unit}"
    );
    let town = app.unit_id("青石镇").await;
    let other = app.page(&c, &format!("/warnings?unit={town}")).await;
    assert!(other.contains("共 0 条"), "{other}");
    let (_, w) = app
        .get("supervisor", "/api/v1/warnings?rule=doc.length")
        .await;
    let wid = w["items"][0]["id"].as_i64().unwrap();
    let detail = c
        .get(app.url(&format!("/warnings/{wid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        detail.contains("整治形式主义为基层减负若干规定")
            && detail.contains("正文字数")
            && detail.contains("办结")
    );
    let r = c
        .post(app.url(&format!("/warnings/{wid}")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("action", "close"),
            ("note", "已责成精简"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, w) = app
        .get("supervisor", &format!("/api/v1/warnings/{wid}"))
        .await;
    assert_eq!(w["status"], "closed");

    let rules = c
        .get(app.url("/rules"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(rules.contains("无会日、无会周开会") && rules.contains("name=\"weekday\""));
    let r = c
        .post(app.url("/rules/meet.no_meeting_day"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("weekday", "1"),
            ("week_of_month", "0"),
            ("enabled", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, rules) = app.get("supervisor", "/api/v1/rules").await;
    let day = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "meet.no_meeting_day")
        .unwrap();
    assert_eq!(day["values"]["weekday"], 1);

    let meeting_form = c
        .get(app.url("/meetings/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(meeting_form.contains("开到哪一级"));
    let r = c
        .post(app.url("/meetings/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("organizer_id", agri_s.as_str()),
            ("title", "全县秋冬种工作推进会"),
            ("kind", "progress"),
            ("starts_at", "2026-11-16T09:00"),
            ("planned_minutes", "60"),
            ("reach_level", "township"),
            ("target", target.as_str()),
            ("attendee_count", "40"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(app.url(r.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("无会日"),
        "Monday is the no-meeting day now: {page}"
    );

    let v = app.browser_login("village").await;
    let burden = v
        .get(app.url("/burden"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(burden.contains("负担台账 · 李家庄村") && burden.contains("burden-chart-data"));
    let town = app.browser_login("township").await;
    let burden = town
        .get(app.url("/burden"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        burden.contains("县农业农村局"),
        "the town received the county's notice: {burden}"
    );
    let plans = c
        .get(app.url("/plans?year=2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(plans.contains("县农业农村局"));
    let docs = c
        .get(app.url("/documents?q=%E5%86%AC%E6%98%A5"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap(); // 冬春
    assert!(docs.contains("关于做好冬春农田水利建设的通知"));
}

both_backends!(uploads: an_uploaded_document_fills_the_form);

async fn an_uploaded_document_fills_the_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("filer").await;
    let form = c
        .get(app.url("/documents/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::helpers::csrf_of(&form);
    let text = "示例县农业农村局文件\n\n示农发〔2026〕45号\n\n关于做好2026年冬季农田水利建设工作的通知\n\n各乡镇人民政府、街道办事处：\n\n    为做好今冬明春农田水利建设，现将有关事项通知如下。\n    一、加强组织领导。各乡镇要明确责任人。\n    二、严格质量管理。\n\n示例县农业农村局\n2026年11月3日\n";
    let upload = |name: &'static str, bytes: Vec<u8>, token: String| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        c.post(app.url(&format!("/documents/new/upload?csrf_token={token}")))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let r = upload("通知.txt", text.as_bytes().to_vec(), csrf.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("已从“通知.txt”读取"), "{page}");
    assert!(
        page.contains("value=\"关于做好2026年冬季农田水利建设工作的通知\""),
        "{page}"
    );
    assert!(page.contains("value=\"示农发〔2026〕45号\"") && page.contains("value=\"2026-11-03\""));
    assert!(page.contains("<option selected>通知</option>"));

    // A Word 97-2003 .doc is read as well, by the same bounded worker.
    let old_doc = include_bytes!("../../../jianfu-text/tests/fixtures/notice.doc");
    let r = upload("旧版通知.doc", old_doc.to_vec(), csrf.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("已从“旧版通知.doc”读取"), "{page}");
    assert!(
        page.contains("value=\"平安县人民政府办公室关于精简会议文件的通知\"")
            && page.contains("value=\"平政办发〔2024〕12号\""),
        "{page}"
    );

    // Damaged files, formats it cannot read, and forged tokens, are refused with Chinese
    // messages.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    let r = upload("旧文件.doc", ole, csrf.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("文件已损坏"), "{page}");
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let r = upload("扫描件.png", png, csrf.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(".docx") && page.contains(".doc、.wps"),
        "the error names the formats it reads: {page}"
    );
    let r = upload("空.txt", Vec::new(), csrf.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = upload("通知.txt", text.as_bytes().to_vec(), "forged".into())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // An oversized upload is refused: either with a 4xx page, or the server stops reading and
    // closes the connection before the client has sent everything.
    match upload("大文件.txt", vec![b'a'; 30 * 1024 * 1024], csrf).await {
        Ok(r) => assert!(r.status().is_client_error(), "{}", r.status()),
        Err(e) => assert!(e.is_request(), "{e}"),
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        0,
        "reading a file stores nothing"
    );
}

both_backends!(excel: the_excel_ledger_imports_row_by_row);

fn workbook(rows: &[[&str; 12]], merge_row: Option<u32>) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    if let Some(r) = merge_row {
        ws.merge_range(r, 0, r, 1, "县农业农村局", &rust_xlsxwriter::Format::new())
            .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

async fn the_excel_ledger_imports_row_by_row(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("filer").await;
    let r = c
        .get(app.url("/documents/template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let template = r.bytes().await.unwrap();
    assert!(template.starts_with(b"PK"), "an .xlsx is a zip");
    let list = c
        .get(app.url("/documents"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::helpers::csrf_of(&list);
    let import = |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("发文台账.xlsx");
        c.post(app.url(&format!("/documents/import?csrf_token={csrf}")))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    // The template itself imports its example row.
    let r = import(template.to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("共1行，导入1行，未导入0行"));

    let header = [
        "发文机关",
        "发文字号",
        "标题",
        "文种",
        "载体",
        "成文日期",
        "发送范围",
        "正文字数",
        "专项工作文件",
        "转发上级文件字号",
        "发往学校医院",
        "主要负责同志签批",
    ];
    let rows = [
        header,
        [
            "县农业农村局",
            "示农发〔2026〕50号",
            "关于做好秋粮收购的通知",
            "通知",
            "正式文件",
            "2026-10-02",
            "各乡镇（街道）",
            "1200",
            "否",
            "",
            "否",
            "否",
        ],
        [
            "县农业农村局",
            "示农发〔2026〕51号",
            "关于开展统计的通知",
            "通知",
            "正式文件",
            "2026-02-30",
            "各乡镇（街道）",
            "900",
            "否",
            "",
            "否",
            "否",
        ],
        [
            "示例市教育局",
            "",
            "关于开学准备的通知",
            "通知",
            "正式文件",
            "2026-08-20",
            "各乡镇（街道）",
            "900",
            "否",
            "",
            "否",
            "否",
        ],
        [
            "县农业农村局",
            "",
            "关于植树的通知书",
            "通知书",
            "正式文件",
            "2026-03-01",
            "各村（社区）",
            "700",
            "否",
            "",
            "否",
            "否",
        ],
        [
            "县农业农村局",
            "",
            "关于冬季防火的通知",
            "通知",
            "白头文件",
            "2026年10月8日",
            "青石镇、柳河镇",
            "800",
            "否",
            "",
            "否",
            "否",
        ],
        [
            "县农业农村局",
            "",
            "合并单元格的一行",
            "通知",
            "正式文件",
            "2026-10-09",
            "各乡镇（街道）",
            "800",
            "否",
            "",
            "否",
            "否",
        ],
        [
            "县农业农村局",
            "示农发〔2026〕52号",
            "关于印发农业农村现代化规划的通知",
            "通知",
            "正式文件",
            "2026-10-10",
            "各乡镇（街道）",
            "6200",
            "否",
            "",
            "否",
            "否",
        ],
        [
            "县教育局",
            "",
            "关于秋季开学的通知",
            "通知",
            "正式文件",
            "2026-08-25",
            "各乡镇（街道）",
            "900",
            "否",
            "",
            "否",
            "否",
        ],
    ];
    let r = import(workbook(&rows, Some(6))).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("共8行，导入3行，未导入5行"), "{page}");
    for expected in [
        "第3行：成文日期",
        "第4行：发文机关",
        "示例市教育局",
        "第5行：文种",
        "第7行含合并单元格",
        "第9行：发文机关：只能以本单位名义登记",
    ] {
        assert!(page.contains(expected), "missing “{expected}” in {page}");
    }
    let (_, docs) = app.get("filer", "/api/v1/documents?per_page=50").await;
    assert_eq!(
        docs["total"], 4,
        "the template's example and three good rows"
    );
    let fire = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "关于冬季防火的通知")
        .unwrap();
    assert_eq!(
        (
            fire["carrier"].as_str(),
            fire["issued_on"].as_str(),
            fire["reach"].as_i64()
        ),
        (Some("white_header"), Some("2026-10-08"), Some(2))
    );
    // The rules ran for the import: the 6,200-character notice has its warning.
    let (_, w) = app
        .get("filer", "/api/v1/warnings?rule=doc.length&status=open")
        .await;
    assert_eq!(w["total"], 1, "{w}");

    // The same ledger imported again changes nothing: its rows are recognised (发文字号, or
    // title and date without one), nothing is doubled, no warning is added.
    let r = import(workbook(&rows, Some(6))).await.unwrap();
    let page = r.text().await.unwrap();
    assert!(
        page.contains("共8行，导入0行，未导入5行") && page.contains("内容相同未改动3行"),
        "{page}"
    );
    let (_, docs) = app.get("filer", "/api/v1/documents?per_page=50").await;
    assert_eq!(docs["total"], 4, "nothing doubled");
    let (_, w) = app
        .get("filer", "/api/v1/warnings?rule=doc.length&status=open")
        .await;
    assert_eq!(w["total"], 1, "{w}");
    // A corrected row (its 字数, and spaces around its title) updates the document it stands for.
    let mut corrected = [rows[0], rows[1]];
    corrected[1][7] = "1500";
    let title = format!("  {}  ", corrected[1][2]);
    corrected[1][2] = &title;
    let r = import(workbook(&corrected, None)).await.unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("更新1行"), "{page}");
    let (_, docs) = app.get("filer", "/api/v1/documents?per_page=50").await;
    assert_eq!(docs["total"], 4, "still four");
    let grain = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["doc_number"] == "示农发〔2026〕50号")
        .cloned()
        .unwrap();
    assert_eq!(grain["char_count"], 1500, "{grain}");
    assert_eq!(grain["title"], "关于做好秋粮收购的通知");

    // A sheet with another header, and a file that is no spreadsheet, are refused whole.
    let mut wrong = rows;
    wrong[0][2] = "文件标题";
    let r = import(workbook(&wrong[..2], None)).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("表头不符：第3列应为“标题”"));
    let r = import(b"not a spreadsheet at all".to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("无法读取该文件"));
    let (_, docs) = app.get("filer", "/api/v1/documents").await;
    assert_eq!(docs["total"], 4, "nothing more was stored");
}

/// 作废: the filer withdraws its own document with a reason; it leaves the town's ledger and the
/// rules (its warning resolves), stays readable and marked, and can be neither changed nor
/// withdrawn twice. Others' records and a missing reason are refused by name.
async fn a_withdrawn_document_leaves_the_counts(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let town = app.unit_id("青石镇").await;
    let (status, doc) = app
        .send(
            "filer",
            "POST",
            "/api/v1/documents",
            &notice(agri, county, "关于重复登记的通知", 6000, "2026-10-12"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let id = doc["id"].as_i64().unwrap();
    assert_eq!(
        open_warnings(&app, "filer", "rule=doc.length").await.len(),
        1
    );
    let ledger = format!("/api/v1/burden?unit={town}&from=2026-01-01&to=2026-12-31");
    let (_, before) = app.get("township", &ledger).await;
    let items = |l: &Value| l["channels"]["documents"]["items"].as_i64().unwrap_or(0);
    let counted = items(&before);
    assert!(counted >= 1, "{before}");

    let withdraw = format!("/api/v1/documents/{id}/withdraw");
    for user in ["village", "township", "filer_edu"] {
        let (status, body) = app
            .send(user, "POST", &withdraw, &json!({"reason": "登记有误"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {body}");
    }
    let (status, body) = app
        .send("filer", "POST", &withdraw, &json!({"reason": "  "}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "reason", "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("理由"),
        "{body}"
    );
    let (status, body) = app
        .send(
            "filer",
            "POST",
            &withdraw,
            &json!({"reason": "与示农发〔2026〕8号重复登记"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["withdrawn"]["reason"], "与示农发〔2026〕8号重复登记");

    // Out of the counts and the rules; still readable, marked, in its own list.
    let (_, after) = app.get("township", &ledger).await;
    assert_eq!(items(&after), counted - 1, "{after}");
    assert!(open_warnings(&app, "filer", "rule=doc.length")
        .await
        .is_empty());
    let (_, listed) = app.get("filer", "/api/v1/documents?per_page=100").await;
    assert!(
        !listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id),
        "{listed}"
    );
    let (_, gone) = app.get("filer", "/api/v1/documents?withdrawn=true").await;
    assert_eq!(gone["total"], 1, "{gone}");
    assert_eq!(gone["items"][0]["id"], id);
    let (status, got) = app.get("filer", &format!("/api/v1/documents/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert!(got["withdrawn"]["at"].is_string(), "{got}");
    // It still says where it went, and the township it reached still reads it, marked.
    assert_eq!(got["targets"][0]["level"], "township", "{got}");
    let (status, seen) = app
        .get("township", &format!("/api/v1/documents/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert!(seen["withdrawn"]["reason"].is_string(), "{seen}");
    let (status, _) = app
        .get("filer_edu", &format!("/api/v1/documents/{id}"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a sibling department still does not"
    );
    let c = app.browser_login("filer").await;
    let page = app.page(&c, &format!("/documents/{id}")).await;
    assert!(
        page.contains("已作废") && page.contains("与示农发〔2026〕8号重复登记"),
        "{page}"
    );
    let list = app.page(&c, "/documents?withdrawn=true").await;
    assert!(list.contains("关于重复登记的通知"), "{list}");

    // Neither changed nor withdrawn again; the audit trail keeps the reason.
    let (status, body) = app
        .send(
            "filer",
            "PUT",
            &format!("/api/v1/documents/{id}"),
            &notice(agri, county, "关于重复登记的通知", 100, "2026-10-12"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = app
        .send(
            "supervisor",
            "POST",
            &withdraw,
            &json!({"reason": "再次作废"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, log) = app.get("admin", "/api/v1/audit?per_page=20").await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "document.withdraw"
                && e["summary"].as_str().unwrap_or("").contains("重复登记")),
        "{log}"
    );
    // The office withdraws another unit's document from the page's form.
    let (_, other) = app
        .send(
            "filer",
            "POST",
            "/api/v1/documents",
            &notice(agri, county, "关于另一项工作的通知", 300, "2026-10-13"),
        )
        .await;
    let other = other["id"].as_i64().unwrap();
    let office = app.browser_login("supervisor").await;
    let page = app.page(&office, &format!("/documents/{other}")).await;
    assert!(page.contains("作废此文件"), "{page}");
    let csrf = csrf_of(&page);
    let r = office
        .post(app.url(&format!("/documents/{other}/withdraw")))
        .form(&[("csrf_token", csrf.as_str()), ("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("理由"));
    let r = office
        .post(app.url(&format!("/documents/{other}/withdraw")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("reason", "乡镇反映未收到，撤回重发"),
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
        .get("supervisor", &format!("/api/v1/documents/{other}"))
        .await;
    assert_eq!(
        got["withdrawn"]["reason"], "乡镇反映未收到，撤回重发",
        "{got}"
    );
}
