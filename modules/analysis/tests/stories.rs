//! 文件智能分析 as its users try it: a department pastes a draft on 发文前评估 and sees the
//! demands it puts on villages, its length against the limit and what it copies; a stored
//! document is read in the background and its copies and report demands become warnings; the
//! ledger is searched in Chinese.
use crate::both_backends;
use crate::helpers::{assert_error, names_record, spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(pages: analysis_and_search_pages);

both_backends!(
    copy_matches_name_only_what_reached_the_viewer,
    a_draft_is_assessed_without_storing_it,
    stored_documents_are_read_and_warned,
    the_ledger_is_searched_in_chinese
);

/// A county notice of about 1,500 characters.
const COUNTY_NOTICE: &str = "为深入贯彻落实上级关于冬春农田水利建设的决策部署，切实做好今冬明春全县农田水利基本建设工作，现将有关事项通知如下。\n\
一、明确建设任务。今冬明春全县计划新建和改造高标准农田一万二千亩，整治山塘水库四十座，清淤疏浚灌溉渠道八十公里，各乡镇要按照分解下达的任务，逐项落实到村到地块。\n\
二、加强资金保障。县财政统筹安排农田水利建设专项资金，实行项目化管理，专款专用，严禁截留挪用；各乡镇要积极争取社会资本参与小型水利工程建设和管护。\n\
三、严格质量管理。项目建设严格执行招标投标、工程监理和竣工验收制度，县水利局组织技术人员分片包干，对渠道衬砌、泵站改造等关键环节开展现场技术指导。\n\
四、落实管护责任。工程建成后及时明确管护主体，落实管护经费，建立健全小型水利工程长效管护机制，确保工程建得成、管得好、长受益。\n\
五、强化组织领导。各乡镇要成立由主要负责同志任组长的工作专班，统筹调度辖区内农田水利建设，遇到重大问题及时向县农业农村局报告。";

/// Polls `check` every 250 ms until it gives a value, for at most 30 s.
async fn eventually<T, Fut: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> Fut,
) -> T {
    for _ in 0..120 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("{what} did not happen within 30 s");
}

async fn wait_analysed(app: &TestApp, user: &str, id: i64) -> Value {
    eventually(&format!("analysis of document {id}"), || async move {
        let (status, a) = app
            .get(user, &format!("/api/v1/documents/{id}/analysis"))
            .await;
        assert_eq!(status, StatusCode::OK, "{a}");
        (a["status"] == "done").then(|| a["analysis"].clone())
    })
    .await
}

async fn file(
    app: &TestApp,
    user: &str,
    issuer: i64,
    target: Value,
    title: &str,
    body: &str,
    date: &str,
) -> i64 {
    let (status, d) = app
        .send(
            user,
            "POST",
            "/api/v1/documents",
            &json!({"issuer_id": issuer, "title": title, "kind": "通知", "carrier": "formal", "issued_on": date,
                    "targets": [target], "body": body}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d["id"].as_i64().unwrap()
}

async fn own_unit(app: &TestApp, user: &str) -> i64 {
    app.get(user, "/api/v1/me").await.1["unit_id"]
        .as_i64()
        .unwrap()
}

fn town_copy() -> String {
    format!(
        "各村（社区）：\n{}\n六、请各村（社区）于12月20日前报送贯彻落实情况报告及佐证材料。\n七、各村每日17时前报送工程进度日报告，无进展的实行零报告。\n八、不再要求各村报送纸质台账。",
        COUNTY_NOTICE.replace("全县", "全镇").replace("各乡镇", "各村")
    )
}

/// A village that assesses a draft copying a county notice sees the notice named when it was
/// sent to the village, and only counted when it went to another town.
async fn copy_matches_name_only_what_reached_the_viewer(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let other_town = app.unit_id("东城街道").await;
    let elsewhere = file(
        &app,
        "supervisor",
        county,
        json!({"unit_id": other_town, "level": null}),
        "关于做好东城街道农田水利基本建设工作的通知",
        COUNTY_NOTICE,
        "2026-10-08",
    )
    .await;
    let assess = |user: &'static str| {
        let app = &app;
        async move {
            let (status, a) = app
                .send(
                    user,
                    "POST",
                    "/api/v1/analysis/document",
                    &json!({"text": town_copy(), "kind": "通知"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{a}");
            a
        }
    };
    eventually("the notice in the copy index", || async {
        let a = assess("supervisor").await;
        (a["copy_matches"].as_array().unwrap().len() == 1).then_some(())
    })
    .await;
    let a = assess("village").await;
    assert!(a["copy_matches"].as_array().unwrap().is_empty(), "{a}");
    assert_eq!(a["hidden_copy_matches"], 1, "{a}");
    assert!(!a.to_string().contains("东城街道农田水利"), "{a}");
    let c = app.browser_login("village").await;
    let token = crate::helpers::csrf_of(&app.page(&c, "/analysis").await);
    let page = c
        .post(app.url(&format!("/analysis?csrf_token={token}")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("kind", "通知")
                .text("text", town_copy()),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("另有1份文件与本稿内容重合") && !page.contains("东城街道农田水利"),
        "{page}"
    );

    // Sent to every village of the county, the same notice is named, not opened.
    let sent = file(
        &app,
        "supervisor",
        county,
        json!({"unit_id": county, "level": "village"}),
        "关于做好各村农田水利基本建设工作的通知",
        COUNTY_NOTICE,
        "2026-10-09",
    )
    .await;
    let named = eventually("the second notice in the copy index", || async {
        let a = assess("village").await;
        let m = a["copy_matches"].as_array().unwrap().clone();
        (!m.is_empty()).then_some(a)
    })
    .await;
    assert_eq!(named["copy_matches"][0]["document_id"], sent, "{named}");
    // Sent to the village: it opens for it (以下看上).
    assert_eq!(named["copy_matches"][0]["openable"], true);
    assert_eq!(named["hidden_copy_matches"], 1, "{named}");
    assert_ne!(elsewhere, sent);
}

async fn a_draft_is_assessed_without_storing_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let source = file(
        &app,
        "supervisor",
        county,
        json!({"unit_id": county, "level": "township"}),
        "关于做好今冬明春农田水利基本建设工作的通知",
        COUNTY_NOTICE,
        "2026-10-08",
    )
    .await;
    wait_analysed(&app, "supervisor", source).await;
    let (_, before) = app.get("supervisor", "/api/v1/documents?per_page=1").await;

    let draft = town_copy();
    let (status, a) = app
        .send(
            "township",
            "POST",
            "/api/v1/analysis/document",
            &json!({"text": draft, "kind": "通知"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{a}");
    // Every demand, with exact offsets into the text.
    let kinds: Vec<&str> = a["burdens"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["kind"].as_str())
        .collect();
    for k in ["materials", "periodic_report", "zero_report"] {
        assert!(kinds.contains(&k), "{k} not found in {kinds:?}");
    }
    for b in a["burdens"].as_array().unwrap() {
        let (s, e) = (
            b["start"].as_u64().unwrap() as usize,
            b["end"].as_u64().unwrap() as usize,
        );
        let slice: String = draft.chars().skip(s).take(e - s).collect();
        assert_eq!(slice, b["sentence"].as_str().unwrap());
        assert!(
            !slice.contains("不再要求"),
            "a reduction is not a burden: {slice}"
        );
    }
    let report = a["burdens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "materials")
        .unwrap();
    assert_eq!(report["rule_id"], "doc.implementation_report");
    assert_eq!(report["rule_name"], "要求基层报送落实情况、佐证材料");
    assert_eq!(report["who"], "village", "{report}");
    assert_eq!(report["who_label"], "村（社区）");

    // Demands on the county's departments or on the office itself are listed with who must
    // do them, and not counted as burdens on grassroots units.
    let (status, mixed) = app
        .send(
            "township",
            "POST",
            "/api/v1/analysis/document",
            &json!({"text": "关于做好基层减负工作的通知\n各村（社区）、县直各部门：\n一、各村要于每月5日前报送工作进展情况。\n二、县直各部门要建立问题整改台账。\n三、县委办公室要于年底前向市委报送工作总结。"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{mixed}");
    let who: Vec<&str> = mixed["burdens"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["who"].as_str())
        .collect();
    assert_eq!(who, ["village", "department", "upper"], "{mixed}");
    assert_eq!(mixed["burdens"][1]["who_label"], "县直部门");
    assert_eq!(mixed["grassroots_burdens"], 1, "{mixed}");
    assert_eq!(a["limit_checks"][0]["rule_id"], "doc.length");
    assert_eq!(a["limit_checks"][0]["limit"], 5000);
    assert_eq!(a["limit_checks"][0]["exceeded"], false);
    assert!(a["char_count"].as_u64().unwrap() > 400, "{a}");
    assert!(a["padding_share"].as_f64().unwrap() >= 0.0);
    // The county notice it copies, with the copied passages on both sides.
    let m = &a["copy_matches"][0];
    assert_eq!(m["document_id"], source, "{a}");
    assert_eq!(m["class"], "copied_from_upper");
    assert!(m["share"].as_f64().unwrap() > 0.6, "{m}");
    assert!(!m["spans"].as_array().unwrap().is_empty());
    let ex = &m["excerpts"][0];
    assert!(
        !ex["text"].as_str().unwrap().is_empty() && !ex["source_text"].as_str().unwrap().is_empty()
    );

    // A file works the same; nothing was stored.
    let part = reqwest::multipart::Part::bytes(draft.clone().into_bytes()).file_name("草稿.txt");
    let r = app
        .client
        .post(app.url("/api/v1/analysis/document"))
        .bearer_auth(app.token("township"))
        .multipart(
            reqwest::multipart::Form::new()
                .part("file", part)
                .text("kind", "通知"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        b["burdens"].as_array().unwrap().len(),
        a["burdens"].as_array().unwrap().len()
    );
    let (_, after) = app.get("supervisor", "/api/v1/documents?per_page=1").await;
    assert_eq!(before["total"], after["total"]);

    // Bad input: named fields, Chinese messages.
    for (body, field) in [
        (json!({"text": "   "}), "text"),
        (
            json!({"text": "关于开展检查的通知", "kind": "报告书"}),
            "kind",
        ),
        (json!({"text": "正".repeat(200_001)}), "text"),
    ] {
        let (status, e) = app
            .send("filer", "POST", "/api/v1/analysis/document", &body)
            .await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::PAYLOAD_TOO_LARGE,
            "{status} {e}"
        );
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_error(&e, "invalid_field", Some(field));
        }
    }
    let (status, e) = app
        .send(
            "filer",
            "POST",
            "/api/v1/analysis/document",
            &json!({"txt": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(2048, 0);
    let r = app
        .client
        .post(app.url("/api/v1/analysis/document"))
        .bearer_auth(app.token("filer"))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(ole).file_name("旧文件.doc"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "file");
    assert_eq!(e["error"]["code"], "corrupt_file", "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("文件已损坏"),
        "{e}"
    );
    // An image is refused naming the formats that are read.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let (status, e) = app
        .upload("filer", "/api/v1/analysis/document", "扫描件.png", png)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains(".docx")
            && e["error"]["message"].as_str().unwrap().contains(".ofd"),
        "{e}"
    );

    // A text file pasted together from UTF-8 and GBK is refused, not read as nonsense.
    let mut mixed = "关于做好减负工作的通知\n".as_bytes().to_vec();
    mixed.extend_from_slice(&[0xB8, 0xF7, 0xCF, 0xE7, 0xD5, 0xF2, 0xA3, 0xBA, b'\n']); // 各乡镇： in GBK
    let (status, e) = app
        .upload("filer", "/api/v1/analysis/document", "合并.txt", mixed)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "file");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("混用了多种编码"),
        "{e}"
    );

    // An .ofd (GB/T 33190) notice is read like any other file.
    let ofd = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../jianfu-text/tests/fixtures/notice.ofd"
    ))
    .unwrap();
    let (status, o) = app
        .upload("township", "/api/v1/analysis/document", "通知.ofd", ofd)
        .await;
    assert_eq!(status, StatusCode::OK, "{o}");
    let kinds: Vec<&str> = o["burdens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "periodic_report",
        "ledger",
        "trace_photo",
        "veto",
        "pledge",
        "inspection",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {o}");
    }
    // "不再要求报送纸质台账" reduces a burden: not flagged.
    assert!(
        o["burdens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| !b["sentence"].as_str().unwrap().contains("不再要求")),
        "{o}"
    );

    // A PDF printed from a browser: its wrapped lines are paragraphs again, its
    // radicals (⽂) plain ideographs, and its title, which names 台账, demands nothing.
    let pdf = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../jianfu-text/tests/fixtures/notice.pdf"
    ))
    .unwrap();
    let (status, p) = app
        .upload("township", "/api/v1/analysis/document", "通知.pdf", pdf)
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(
        p["elements"]["title"], "示例县委办公室关于进一步规范基层工作台账和报表报送工作的通知",
        "{p}"
    );
    let burdens = p["burdens"].as_array().unwrap();
    let ledger = burdens
        .iter()
        .find(|b| b["kind"] == "ledger")
        .unwrap_or_else(|| panic!("a ledger demand in {p}"));
    assert_eq!(
        ledger["sentence"],
        "一、各乡镇要建立安全生产工作台账，于每月5日前将上月工作情况报县应急管理局，并留存现场照片作为佐证材料。"
    );
    assert!(burdens.iter().any(|b| b["kind"] == "trace_photo"), "{p}");
    assert!(
        burdens.iter().all(|b| {
            let s = b["sentence"].as_str().unwrap();
            let reduced_ledger = s.contains("不再要求") && b["kind"] == "ledger";
            !s.contains("关于") && !reduced_ledger
        }),
        "{p}"
    );
}

async fn stored_documents_are_read_and_warned(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let town = own_unit(&app, "township").await;
    let source = file(
        &app,
        "supervisor",
        county,
        json!({"unit_id": county, "level": "township"}),
        "关于做好今冬明春农田水利基本建设工作的通知",
        COUNTY_NOTICE,
        "2026-10-08",
    )
    .await;
    let copy = file(
        &app,
        "township",
        town,
        json!({"unit_id": town, "level": "village"}),
        "关于做好全镇农田水利基本建设工作的通知",
        &town_copy(),
        "2026-10-15",
    )
    .await;
    let a = wait_analysed(&app, "township", copy).await;
    assert_eq!(a["copy_matches"][0]["document_id"], source, "{a}");
    assert_eq!(a["copy_matches"][0]["class"], "copied_from_upper");
    assert!(a["report_demands"].as_i64().unwrap() >= 1, "{a}");
    // The source copies nothing earlier.
    let s = wait_analysed(&app, "supervisor", source).await;
    assert!(s["copy_matches"].as_array().unwrap().is_empty(), "{s}");

    let warned = |rule: &'static str| {
        let app = &app;
        async move {
            let (_, w) = app
                .get(
                    "supervisor",
                    &format!("/api/v1/warnings?rule={rule}&status=open&per_page=200"),
                )
                .await;
            w["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| names_record(w, "documents", copy))
        }
    };
    assert!(warned("doc.copied").await, "copy warned");
    assert!(
        warned("doc.implementation_report").await,
        "report demand warned"
    );
    // The township sees its own warning.
    let (_, own) = app
        .get("township", "/api/v1/warnings?rule=doc.copied&status=open")
        .await;
    assert_eq!(own["total"], 1, "{own}");

    // The document ledger shows what the reading found, in the API and on the page.
    let (_, list) = app.get("township", "/api/v1/documents?per_page=50").await;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == copy)
        .cloned()
        .unwrap();
    assert_eq!(row["copy_class"], "copied_from_upper", "{row}");
    assert!(row["copy_share"].as_f64().unwrap() >= 0.5, "{row}");
    assert!(row["burden_count"].as_i64().unwrap() >= 2, "{row}");
    let c = app.browser_login("township").await;
    let ledger = app.page(&c, "/documents").await;
    assert!(
        ledger.contains("审读") && ledger.contains("照抄上级文件") && ledger.contains("负担事项"),
        "{ledger}"
    );
    // The county's notice was sent down to the town: the town sees it as the source, with its
    // passages, and opens it (以下看上), as the office does.
    assert_eq!(a["copy_matches"][0]["openable"], true, "{a}");
    let office = wait_analysed(&app, "supervisor", copy).await;
    assert_eq!(office["copy_matches"][0]["openable"], true, "{office}");
    let page = app.page(&c, &format!("/documents/{copy}")).await;
    assert!(
        page.contains("关于做好今冬明春农田水利基本建设工作的通知")
            && page.contains(&format!("href=\"/documents/{source}\"")),
        "{page}"
    );
    // The warning's page speaks Chinese: labelled figures, the kind of copy, Beijing time.
    let (_, own_list) = app
        .get("township", "/api/v1/warnings?rule=doc.copied&status=open")
        .await;
    let warning_id = own_list["items"][0]["id"].as_i64().unwrap();
    // The API gives the figures as an object whose entries carry their labels and units.
    let figures = &own_list["items"][0]["figures"];
    assert_eq!(
        figures["copied_percent"]["label"], "与来源文件重合",
        "{figures}"
    );
    assert_eq!(figures["copied_percent"]["unit"], "%", "{figures}");
    assert!(
        figures["copied_percent"]["value"].as_i64().is_some(),
        "{figures}"
    );
    assert_eq!(figures["class"]["value"], "copied_from_upper", "{figures}");
    assert_eq!(figures["class"]["text"], "照抄上级文件", "{figures}");
    assert!(names_record(&own_list["items"][0], "documents", copy));
    let page = app.page(&c, &format!("/warnings/{warning_id}")).await;
    for shown in ["与来源文件重合", "重合类型", "照抄上级文件", "来源文件编号"]
    {
        assert!(page.contains(shown), "{shown} in {page}");
    }
    for hidden in [
        "copied_percent",
        "copied_from_upper",
        "source_id",
        "Z</span>",
    ] {
        assert!(!page.contains(hidden), "{hidden} in {page}");
    }

    // The office raises the threshold above the share: the copy warning goes away.
    let (status, r) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.copied",
            &json!({"params": {"min_share_percent": 100}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(!warned("doc.copied").await);
    assert!(warned("doc.implementation_report").await);

    // Editing the copy queues it again; the result follows the new text.
    let (status, d) = app
        .send(
            "township",
            "PUT",
            &format!("/api/v1/documents/{copy}"),
            &json!({"issuer_id": town, "title": "关于做好全镇农田水利基本建设工作的通知", "kind": "通知", "carrier": "formal",
                    "issued_on": "2026-10-15", "targets": [{"unit_id": town, "level": "village"}],
                    "body": "各村（社区）：请于本月底前完成渠道清淤，镇农业综合服务中心派员现场指导。"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    // Until it is read again its status is pending, not the old text's reading.
    let a = wait_analysed(&app, "township", copy).await;
    assert_eq!(a["copy_matches"], json!([]), "{a}");
    assert_eq!(a["report_demands"], 0);
    assert!(
        !warned("doc.implementation_report").await,
        "cleared with its cause"
    );
}

async fn the_ledger_is_searched_in_chinese(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let agri = app.unit_id("县农业农村局").await;
    let target = json!({"unit_id": county, "level": "township"});
    let a = file(
        &app,
        "filer",
        agri,
        target.clone(),
        "关于做好秋粮收购工作的通知",
        "各乡镇要切实做好秋粮收购，严禁压级压价、打白条。",
        "2026-09-01",
    )
    .await;
    let b = file(
        &app,
        "filer",
        agri,
        target.clone(),
        "关于开展防汛检查的通知",
        "各乡镇要对山塘水库开展防汛安全检查，<script>alert(1)</script>。",
        "2025-06-01",
    )
    .await;
    wait_analysed(&app, "filer", a).await;
    wait_analysed(&app, "filer", b).await;

    let (status, r) = app
        .get(
            "supervisor",
            "/api/v1/search/documents?q=%E7%A7%8B%E7%B2%AE%E6%94%B6%E8%B4%AD",
        )
        .await; // 秋粮收购
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["total"], 1, "{r}");
    assert_eq!(r["hits"][0]["id"], a);
    assert!(
        r["hits"][0]["title_html"]
            .as_str()
            .unwrap()
            .contains("<mark>"),
        "{r}"
    );
    // 防汛检查 in 2025 only; the snippet is escaped.
    let (_, r) = app
        .get(
            "filer",
            "/api/v1/search/documents?q=%E9%98%B2%E6%B1%9B&year=2025",
        )
        .await;
    assert_eq!(r["total"], 1, "{r}");
    let snippet = r["hits"][0]["snippet_html"].as_str().unwrap();
    assert!(!snippet.contains("<script>"), "{snippet}");
    let (_, r) = app
        .get(
            "filer",
            "/api/v1/search/documents?q=%E9%98%B2%E6%B1%9B&year=2026",
        )
        .await;
    assert_eq!(r["total"], 0);
    // Filters alone list documents; carriers and kinds filter.
    let (_, r) = app
        .get(
            "filer",
            &format!(
                "/api/v1/search/documents?issuer={agri}&kind=%E9%80%9A%E7%9F%A5&carrier=formal"
            ),
        )
        .await;
    assert_eq!(r["total"], 2, "{r}");
    let (_, r) = app
        .get(
            "filer",
            &format!("/api/v1/search/documents?issuer={agri}&carrier=memo"),
        )
        .await;
    assert_eq!(r["total"], 0);
    // A town finds what was sent to 各乡镇 (以下看上) and opens it; a village, which it did not
    // reach, finds nothing issued above it; query syntax is plain text.
    let (_, r) = app
        .get("township", "/api/v1/search/documents?q=%E7%A7%8B%E7%B2%AE")
        .await;
    assert_eq!(r["total"], 1, "{r}");
    assert_eq!(r["hits"][0]["id"], a, "{r}");
    let (status, _) = app.get("township", &format!("/api/v1/documents/{a}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, r) = app
        .get("village", "/api/v1/search/documents?q=%E7%A7%8B%E7%B2%AE")
        .await;
    assert_eq!(r["total"], 0, "{r}");
    let (status, _) = app
        .get("filer", "/api/v1/search/documents?q=%22AND%3A(%2B-")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, e) = app
        .get("filer", "/api/v1/search/documents?q=x&per_page=500")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // A page number past any result is refused by name, not an overflow.
    for page in ["999999999", "4294967295"] {
        let (status, e) = app
            .get(
                "filer",
                &format!("/api/v1/search/documents?q=x&page={page}"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["field"], "page", "{e}");
    }
    let (status, _) = app
        .get("filer", "/search?q=%E9%80%9A%E7%9F%A5&page=999999999")
        .await;
    assert!(status.is_client_error(), "{status}");
}

async fn analysis_and_search_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let source = file(
        &app,
        "supervisor",
        county,
        json!({"unit_id": county, "level": "township"}),
        "关于做好今冬明春农田水利基本建设工作的通知",
        COUNTY_NOTICE,
        "2026-10-08",
    )
    .await;
    wait_analysed(&app, "supervisor", source).await;

    let c = app.browser_login("township").await;
    let page = app.page(&c, "/analysis").await;
    let csrf = crate::helpers::csrf_of(&page);
    let draft = format!("{}\n九、<script>alert(1)</script>", town_copy());
    let form = reqwest::multipart::Form::new()
        .text("kind", "通知")
        .text("text", draft.clone());
    let r = c
        .post(app.url(&format!("/analysis?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("向基层提出的要求")
            && page.contains("<mark class=\"burden\"")
            && page.contains("<th>承担主体</th>")
            && page.contains("<td>村（社区）</td>"),
        "{page}"
    );
    assert!(
        page.contains("零报告") && page.contains("照抄上级文件"),
        "{page}"
    );
    // The county's source was sent to the town: named and linked (以下看上).
    assert!(
        page.contains("关于做好今冬明春农田水利基本建设工作的通知")
            && page.contains(&format!("/documents/{source}")),
        "names and links the source that reached the town"
    );
    assert!(!page.contains("<script>alert(1)</script>"), "escaped");
    // An empty draft: the form again with the reason.
    let r = c
        .post(app.url(&format!("/analysis?csrf_token={csrf}")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("kind", "通知")
                .text("text", " "),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("文稿内容不能为空"));

    // The source's page shows its analysis; search marks the words found.
    let s = app.browser_login("supervisor").await;
    let page = app.page(&s, &format!("/documents/{source}")).await;
    assert!(
        page.contains("文件分析") && page.contains("套话占比"),
        "{page}"
    );
    let page = app
        .page(&s, "/search?q=%E5%86%9C%E7%94%B0%E6%B0%B4%E5%88%A9")
        .await;
    assert!(
        page.contains("共找到 1 份文件") && page.contains("<mark>"),
        "{page}"
    );
}
