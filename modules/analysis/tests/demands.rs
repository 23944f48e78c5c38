//! Demands in documents raise warnings: a department files a notice that demands daily zero
//! reports of the townships, a one-vote veto and a responsibility pledge; until its text is
//! read the page says 分析中 and claims nothing; once read, each demand has its warning on the
//! department, naming the document and quoting the sentence, a violation where the rules forbid
//! it outright and a warning asking for a justification where they forbid it in principle. A
//! demand on the county's own departments raises none. 发文前评估 counts a heading and the
//! sentence under it as one demand, shows each one's severity and marks the words.
use crate::both_backends;
use crate::helpers::{names_record, open_warnings, spawn_app_with, Backend, TestApp};
use jianfu_analysis::ReadingHold;
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    demands: document_demands_raise_warnings,
    the_assessment_counts_demands_and_marks_their_words
);

const STRAW_NOTICE: &str =
    "各乡镇人民政府、街道办事处：\n为切实做好今年秋季秸秆禁烧工作，现将有关事项通知如下。\n\
一、实行每日零报告。各乡镇（街道）每日17时前报送禁烧巡查情况，无火点的实行零报告。\n\
二、严格考核问责。对发生火点的乡镇实行一票否决。\n\
三、签订目标责任书。各乡镇要与各村签订秸秆禁烧目标责任书。\n\
四、县农业农村局要做好技术指导，每周通报禁烧进展。";

const DEPARTMENT_NOTICE: &str =
    "县直各部门：\n县直各部门要于每日17时前报送督导情况，实行零报告，主要负责同志签订责任书。";

/// Polls the analysis API until the document's analysis is stored, for at most 30 s.
async fn wait_analysed(app: &TestApp, user: &str, id: i64) -> Value {
    for _ in 0..120 {
        let (status, a) = app
            .get(user, &format!("/api/v1/documents/{id}/analysis"))
            .await;
        assert_eq!(status, StatusCode::OK, "{a}");
        if a["status"] == "done" {
            return a["analysis"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("analysis of document {id} did not happen within 30 s");
}

async fn file(app: &TestApp, issuer: i64, title: &str, body: &str) -> i64 {
    file_to(app, issuer, title, body, "township").await
}

/// Files a notice to every unit of `level` in the county.
async fn file_to(app: &TestApp, issuer: i64, title: &str, body: &str, level: &str) -> i64 {
    let county = app.unit_id("示例县").await;
    let (status, d) = app
        .send(
            "filer",
            "POST",
            "/api/v1/documents",
            &json!({"issuer_id": issuer, "title": title, "kind": "通知", "carrier": "formal",
                    "issued_on": "2026-10-12", "targets": [{"unit_id": county, "level": level}],
                    "body": body}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d["id"].as_i64().unwrap()
}

/// The open warning of `rule` that names document `id`.
async fn warning_of(app: &TestApp, rule: &str, id: i64) -> Option<Value> {
    open_warnings(app, "supervisor", &format!("rule={rule}"))
        .await
        .into_iter()
        .find(|w| names_record(w, "documents", id))
}

async fn document_demands_raise_warnings(backend: Backend) {
    let mut hold = None;
    let app = spawn_app_with(backend, |state| {
        hold = state.part::<ReadingHold>().ok().cloned();
    })
    .await;
    let hold = hold.expect("the analysis module holds its reading");
    let agri = app.unit_id("县农业农村局").await;

    // While the text waits to be read, the page claims nothing.
    hold.set(true);
    let id = file(&app, agri, "关于做好秋季秸秆禁烧工作的通知", STRAW_NOTICE).await;
    let c = app.browser_login("filer").await;
    let page = app.page(&c, &format!("/documents/{id}?saved=1")).await;
    assert!(page.contains("分析中"), "{page}");
    assert!(!page.contains("未发现违反规则的情形"), "{page}");
    let (_, a) = app
        .get("filer", &format!("/api/v1/documents/{id}/analysis"))
        .await;
    assert_eq!(a["status"], "pending", "{a}");
    assert!(warning_of(&app, "doc.daily_zero_report", id)
        .await
        .is_none());

    hold.set(false);
    wait_analysed(&app, "filer", id).await;
    let zero = warning_of(&app, "doc.daily_zero_report", id)
        .await
        .expect("daily zero reports warned");
    assert_eq!(zero["severity"], "violation", "{zero}");
    assert_eq!(zero["unit_id"], agri, "{zero}");
    let quoted = zero["figures"]["sentences"]["value"][0].as_str().unwrap();
    assert_eq!(
        quoted,
        "一、实行每日零报告。各乡镇（街道）每日17时前报送禁烧巡查情况，无火点的实行零报告。",
        "{zero}"
    );
    assert_eq!(zero["figures"]["demands"]["value"], 1, "{zero}");
    assert!(
        zero["figures"]["cues"]["value"]
            .as_str()
            .unwrap()
            .contains("零报告"),
        "{zero}"
    );
    let veto = warning_of(&app, "doc.veto", id).await.expect("veto warned");
    assert_eq!(veto["severity"], "violation", "{veto}");
    assert!(
        veto["figures"]["sentences"]["value"][0]
            .as_str()
            .unwrap()
            .contains("对发生火点的乡镇实行一票否决"),
        "{veto}"
    );
    // 原则上: a warning that asks for a justification.
    let pledge = warning_of(&app, "doc.pledge", id)
        .await
        .expect("pledge warned");
    assert_eq!(pledge["severity"], "warning", "{pledge}");
    assert!(
        pledge["figures"]["sentences"]["value"][0]
            .as_str()
            .unwrap()
            .contains("目标责任书"),
        "{pledge}"
    );
    // The department sees its own warnings; the page lists them and marks the words.
    let own = open_warnings(&app, "filer", "rule=doc.veto").await;
    assert!(own.iter().any(|w| names_record(w, "documents", id)));
    let page = app.page(&c, &format!("/documents/{id}?saved=1")).await;
    assert!(!page.contains("分析中"), "{page}");
    assert!(
        page.contains("发现") && page.contains("擅自设立一票否决事项"),
        "{page}"
    );
    assert!(
        page.contains("<mark class=\"cue\">一票否决</mark>"),
        "{page}"
    );
    assert!(page.contains("sev-violation") && page.contains("违规"));

    // A demand on the county's own departments raises none.
    let dept = file(&app, agri, "关于做好督导工作的通知", DEPARTMENT_NOTICE).await;
    let found = wait_analysed(&app, "filer", dept).await;
    assert!(!found["burdens"].as_array().unwrap().is_empty(), "{found}");
    for rule in ["doc.daily_zero_report", "doc.pledge", "doc.veto"] {
        assert!(
            warning_of(&app, rule, dept).await.is_none(),
            "{rule} on departments"
        );
    }

    // Sentences that name no bearer: the grassroots' only when the notice reaches them.
    const UNNAMED: &str = "关于做好安全督导工作的通知\n每日17时前报送督导情况，实行零报告。对工作不力的实行一票否决。";
    let to_depts = file_to(
        &app,
        agri,
        "关于做好安全督导工作的通知",
        UNNAMED,
        "department",
    )
    .await;
    let to_towns = file_to(
        &app,
        agri,
        "关于做好安全督导工作的通知（乡镇）",
        UNNAMED,
        "township",
    )
    .await;
    wait_analysed(&app, "filer", to_depts).await;
    wait_analysed(&app, "filer", to_towns).await;
    for rule in ["doc.daily_zero_report", "doc.veto"] {
        assert!(
            warning_of(&app, rule, to_depts).await.is_none(),
            "{rule} on a notice to departments only"
        );
        assert!(
            warning_of(&app, rule, to_towns).await.is_some(),
            "{rule} on the same notice to the townships"
        );
    }

    // The office makes pledges a violation in its region, then turns the veto rule off.
    let (status, r) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.pledge",
            &json!({"params": {"violation_from": 1}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let pledge = warning_of(&app, "doc.pledge", id).await.unwrap();
    assert_eq!(pledge["severity"], "violation", "{pledge}");
    let (status, r) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.veto",
            &json!({"enabled": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(warning_of(&app, "doc.veto", id).await.is_none());

    // Bad input: named, never a 5xx.
    for body in [
        json!({"params": {"violation_from": "很多"}}),
        json!({"params": {"violation_from": 100000}}),
        json!({"params": {"no_such": 1}}),
    ] {
        let (status, r) = app
            .send("supervisor", "PUT", "/api/v1/rules/doc.pledge", &body)
            .await;
        assert!(!status.is_server_error(), "{status} {r}");
    }
    for path in [
        "/api/v1/documents/abc/analysis",
        "/api/v1/documents/99999999/analysis",
    ] {
        let (status, r) = app.get("filer", path).await;
        assert!(status.is_client_error(), "{path}: {status} {r}");
    }
}

async fn the_assessment_counts_demands_and_marks_their_words(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let draft = "关于做好秸秆禁烧工作的通知\n各乡镇人民政府：\n\
（一）实行每日零报告。各乡镇每日17时前报送巡查情况，无火点的实行零报告。\n\
（二）注重过程留痕。各村每项巡查工作须拍照留存，并上传至工作群。\n\
（三）签订目标责任书。各乡镇要与各村签订秸秆禁烧目标责任书。\n\
（四）县直各部门要每日报送督导情况。";
    let (status, a) = app
        .send(
            "filer",
            "POST",
            "/api/v1/analysis/document",
            &json!({"text": draft, "kind": "通知"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let burdens = a["burdens"].as_array().unwrap();
    let demands = a["demands"].as_array().unwrap();
    // Each heading and the sentence under it are one demand, whatever their kinds.
    assert_eq!(a["grassroots_burdens"], 3, "{a}");
    assert_eq!(demands.len(), 4, "{a}");
    assert!(burdens.len() > demands.len(), "{a}");
    let first = &demands[0];
    assert!(
        first["sentence"]
            .as_str()
            .unwrap()
            .starts_with("（一）实行每日零报告。"),
        "{first}"
    );
    assert_eq!(first["severity"], "violation", "{first}");
    assert_eq!(first["rules"][0]["rule_id"], "doc.daily_zero_report");
    for c in first["cues"].as_array().unwrap() {
        let (s, e) = (
            c["start"].as_u64().unwrap() as usize,
            c["end"].as_u64().unwrap() as usize,
        );
        let slice: String = draft.chars().skip(s).take(e - s).collect();
        assert_eq!(slice, c["text"].as_str().unwrap(), "{c}");
    }
    assert_eq!(demands[1]["severity"], "violation", "{a}");
    assert_eq!(demands[2]["severity"], "warning", "{a}");
    assert_eq!(demands[3]["grassroots"], false, "{a}");
    assert!(demands[3]["severity"].is_null(), "{a}");

    // The page: the count, each demand's severity, the words marked.
    let c = app.browser_login("filer").await;
    let page = app.page(&c, "/analysis").await;
    let csrf = crate::helpers::csrf_of(&page);
    let r = c
        .post(app.url(&format!("/analysis?csrf_token={csrf}")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("kind", "通知")
                .text("text", draft),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("<span class=\"figure\">3</span><span class=\"label\">项向基层提出的要求"),
        "{page}"
    );
    assert!(page.contains("<mark class=\"cue\">零报告</mark>"), "{page}");
    assert!(page.contains("<mark class=\"cue cue-violation\""), "{page}");
    assert!(
        page.contains("<span class=\"sev sev-violation\">违规</span>")
            && page.contains("<span class=\"sev sev-warning\">预警</span>"),
        "{page}"
    );

    // Bad input: headings alone, or nothing that demands, are no error.
    for text in [
        "（一）实行每日零报告。",
        "一、总体要求\n二、工作安排",
        "。。。",
    ] {
        let (status, a) = app
            .send(
                "filer",
                "POST",
                "/api/v1/analysis/document",
                &json!({"text": text}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{text}: {a}");
        assert!(a["demands"].is_array(), "{a}");
    }
}
