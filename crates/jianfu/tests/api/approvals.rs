//! Approvals as records (issue 11): a unit applies, the office decides (never the applicant),
//! the item cites the approval, and the warning that asked for it resolves; an approval given
//! after the day, of another unit, still pending or already used grants nothing.
use crate::both_backends;
use crate::helpers::{names_record, open_warnings, spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    an_out_of_plan_meeting_is_approved_before_it_is_held,
    a_document_to_schools_cites_its_heads_sign_off,
    an_approval_given_after_the_day_grants_nothing,
    the_approval_pages_apply_and_decide
);

fn meeting(organizer: i64, county: i64, title: &str, starts_at: &str, ids: &[i64]) -> Value {
    json!({"organizer_id": organizer, "title": title, "kind": "special", "starts_at": starts_at,
           "planned_minutes": 60, "reach_level": "township",
           "targets": [{"unit_id": county, "level": "township"}], "attendee_count": 20,
           "approval_ids": ids})
}

async fn apply(app: &TestApp, user: &str, body: Value) -> Value {
    let (status, a) = app.send(user, "POST", "/api/v1/approvals", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["status"], "pending");
    a
}

async fn decide(app: &TestApp, user: &str, id: i64, body: Value) -> (StatusCode, Value) {
    app.send(
        user,
        "POST",
        &format!("/api/v1/approvals/{id}/decision"),
        &body,
    )
    .await
}

async fn an_out_of_plan_meeting_is_approved_before_it_is_held(backend: Backend) {
    let app = spawn_app(backend).await;
    let (county, agri) = (
        app.unit_id("示例县").await,
        app.unit_id("县农业农村局").await,
    );
    // Filed without any approval: out of plan, unapproved.
    let (status, m) = app
        .send(
            "filer",
            "POST",
            "/api/v1/meetings",
            &meeting(
                agri,
                county,
                "全县秋冬种工作推进会",
                "2027-01-15T09:00",
                &[],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_i64().unwrap();
    assert_eq!(m["in_plan"], false);
    let flagged = |ws: &[Value]| ws.iter().any(|w| names_record(w, "meetings", mid));
    assert!(flagged(
        &open_warnings(&app, "filer", "rule=meet.out_of_plan").await
    ));

    // The department applies; a reason is required for an out-of-plan item.
    let (status, e) = app
        .send(
            "filer",
            "POST",
            "/api/v1/approvals",
            &json!({"channel": "meetings", "approval_kind": "out_of_plan", "unit_id": agri,
                    "title": "全县秋冬种工作推进会"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "reason");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("理由"),
        "{e}"
    );
    let a = apply(
        &app,
        "filer",
        json!({"channel": "meetings", "approval_kind": "out_of_plan", "unit_id": agri,
               "title": "全县秋冬种工作推进会", "reason": "市里临时部署秋冬种工作",
               "planned_on": "2027-01-15"}),
    )
    .await;
    let aid = a["id"].as_i64().unwrap();
    assert_eq!(a["year"], 2027);

    // A pending approval cannot be cited.
    let (status, e) = app
        .send(
            "filer",
            "PUT",
            &format!("/api/v1/meetings/{mid}"),
            &meeting(
                agri,
                county,
                "全县秋冬种工作推进会",
                "2027-01-15T09:00",
                &[aid],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "approval_ids");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("待审批"),
        "{e}"
    );

    // Nobody approves their own application; the filer may not decide at all.
    let (status, e) = decide(&app, "filer", aid, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    // A rejection names its reason.
    let (status, e) = decide(&app, "supervisor", aid, json!({"decision": "reject"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "note");
    let (status, a) = decide(
        &app,
        "supervisor",
        aid,
        json!({"decision": "approve", "note": "同意，压缩至60分钟"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["status"], "approved");
    assert_eq!(a["decision_note"], "同意，压缩至60分钟");
    // Decided once.
    let (status, e) = decide(
        &app,
        "admin",
        aid,
        json!({"decision": "reject", "note": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");

    // Cited, the meeting is approved and its warning resolves.
    let (status, m) = app
        .send(
            "filer",
            "PUT",
            &format!("/api/v1/meetings/{mid}"),
            &meeting(
                agri,
                county,
                "全县秋冬种工作推进会",
                "2027-01-15T09:00",
                &[aid],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["approved"], true);
    assert_eq!(m["approvals"][0]["id"], aid);
    assert!(!flagged(
        &open_warnings(&app, "filer", "rule=meet.out_of_plan").await
    ));
    let (_, a) = app.get("filer", &format!("/api/v1/approvals/{aid}")).await;
    assert_eq!(a["item_id"], mid);
    assert_eq!(a["item_href"], format!("/meetings/{mid}"));

    // One approval covers one meeting.
    let (status, e) = app
        .send(
            "filer",
            "POST",
            "/api/v1/meetings",
            &meeting(agri, county, "另一个会议", "2027-01-16T09:00", &[aid]),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["field"], "approval_ids");
    // Another department cannot cite 县农业农村局's approval for its own meeting.
    let edu = app.unit_id("县教育局").await;
    let (status, e) = app
        .send(
            "filer_edu",
            "POST",
            "/api/v1/meetings",
            &meeting(edu, county, "教育系统会议", "2027-01-16T09:00", &[aid]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("县农业农村局申请的"),
        "{e}"
    );
    // Dropping the citation releases it and the warning comes back.
    let (status, _) = app
        .send(
            "filer",
            "PUT",
            &format!("/api/v1/meetings/{mid}"),
            &meeting(
                agri,
                county,
                "全县秋冬种工作推进会",
                "2027-01-15T09:00",
                &[],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(flagged(
        &open_warnings(&app, "filer", "rule=meet.out_of_plan").await
    ));
    let (_, a) = app.get("filer", &format!("/api/v1/approvals/{aid}")).await;
    assert_eq!(a["item_id"], Value::Null);

    // Every step is in the audit trail.
    let n = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'approval' AND entity_id = '{aid}'"
        ))
        .await;
    assert_eq!(n, 2, "the application and the decision are audited");

    // A meeting withdrawn (作废) as a duplicate frees its approval for the one filed in its place.
    let (status, _) = app
        .send(
            "filer",
            "PUT",
            &format!("/api/v1/meetings/{mid}"),
            &meeting(
                agri,
                county,
                "全县秋冬种工作推进会",
                "2027-01-15T09:00",
                &[aid],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, w) = app
        .send(
            "filer",
            "POST",
            &format!("/api/v1/meetings/{mid}/withdraw"),
            &json!({"reason": "重复登记"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{w}");
    let (status, again) = app
        .send(
            "filer",
            "POST",
            "/api/v1/meetings",
            &meeting(
                agri,
                county,
                "全县秋冬种工作推进会",
                "2027-01-15T09:00",
                &[aid],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["approved"], true);
}

async fn a_document_to_schools_cites_its_heads_sign_off(backend: Backend) {
    let app = spawn_app(backend).await;
    let (county, edu) = (app.unit_id("示例县").await, app.unit_id("县教育局").await);
    let doc = |ids: &[i64]| {
        json!({"issuer_id": edu, "doc_number": "示教发〔2027〕3号", "title": "关于做好寒假安全教育的通知",
               "kind": "通知", "carrier": "formal", "issued_on": "2027-01-10",
               "targets": [{"unit_id": county, "level": "township"}], "to_schools_hospitals": true,
               "body": "各学校：请做好寒假安全教育。", "approval_ids": ids})
    };
    let (status, d) = app
        .send("filer_edu", "POST", "/api/v1/documents", &doc(&[]))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let did = d["id"].as_i64().unwrap();
    let flagged = |ws: &[Value]| ws.iter().any(|w| names_record(w, "documents", did));
    let ws = open_warnings(&app, "filer_edu", "rule=doc.schools_hospitals").await;
    assert!(flagged(&ws), "{ws:?}");
    let w = ws
        .iter()
        .find(|w| names_record(w, "documents", did))
        .unwrap();
    assert!(w["subject"].as_str().unwrap().contains("审批记录"), "{w}");
    // Its page names the document by its title, not a number.
    let c = app.browser_login("filer_edu").await;
    let page = app.page(&c, &format!("/warnings/{}", w["id"])).await;
    assert!(
        page.contains("文件《关于做好寒假安全教育的通知》"),
        "{page}"
    );

    let a = apply(
        &app,
        "filer_edu",
        json!({"channel": "documents", "approval_kind": "head_signoff", "unit_id": edu,
               "title": "关于做好寒假安全教育的通知", "reason": "寒假前安全提醒"}),
    )
    .await;
    let aid = a["id"].as_i64().unwrap();
    // A meeting's kind is not a document's.
    let (status, e) = app
        .send(
            "filer_edu",
            "POST",
            "/api/v1/approvals",
            &json!({"channel": "documents", "approval_kind": "leaders", "unit_id": edu,
                    "title": "x", "reason": "y"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "approval_kind");
    // Another department's filer may not sign off for 县教育局, nor a village.
    for user in ["filer", "village"] {
        let (status, e) = decide(
            &app,
            user,
            aid,
            json!({"decision": "approve", "note": "王某"}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {e}");
    }
    // The sign-off names the head who signed.
    let (status, e) = decide(&app, "supervisor", aid, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("签发领导"),
        "{e}"
    );
    let (status, a) = decide(
        &app,
        "supervisor",
        aid,
        json!({"decision": "approve", "note": "局长李某某签发"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{a}");

    let (status, d) = app
        .send(
            "filer_edu",
            "PUT",
            &format!("/api/v1/documents/{did}"),
            &doc(&[aid]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["head_signed"], true);
    assert!(!flagged(
        &open_warnings(&app, "filer_edu", "rule=doc.schools_hospitals").await
    ));
}

async fn an_approval_given_after_the_day_grants_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (county, agri) = (
        app.unit_id("示例县").await,
        app.unit_id("县农业农村局").await,
    );
    let a = apply(
        &app,
        "filer",
        json!({"channel": "meetings", "approval_kind": "out_of_plan", "unit_id": agri,
               "title": "已开过的会议", "reason": "补办手续"}),
    )
    .await;
    let aid = a["id"].as_i64().unwrap();
    let (status, _) = decide(&app, "supervisor", aid, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::OK);
    // Held in June 2026, approved today (补批): cited, yet the meeting stays unapproved.
    let (status, m) = app
        .send(
            "filer",
            "POST",
            "/api/v1/meetings",
            &meeting(agri, county, "已开过的会议", "2026-06-02T09:00", &[aid]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_i64().unwrap();
    assert_eq!(m["approved"], false);
    assert_eq!(m["approvals"][0]["id"], aid);
    let ws = open_warnings(&app, "filer", "rule=meet.out_of_plan").await;
    assert!(ws.iter().any(|w| names_record(w, "meetings", mid)));
    // The meeting's page says so.
    let c = app.browser_login("filer").await;
    let html = app.page(&c, &format!("/meetings/{mid}")).await;
    assert!(html.contains("事后补批"), "{html}");
}

async fn the_approval_pages_apply_and_decide(backend: Backend) {
    let app = spawn_app(backend).await;
    let agri = app.unit_id("县农业农村局").await;
    // The filer applies through the form.
    let c = app.browser_login("filer").await;
    let form = app.page(&c, "/approvals/new").await;
    assert!(form.contains("会议 · 计划外事项审批"), "{form}");
    let csrf = crate::helpers::csrf_of(&form);
    let r = c
        .post(app.url("/approvals/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("channel_kind", "meetings:leaders"),
            ("unit_id", &agri.to_string()),
            ("title", "全县防汛工作会议"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    // No reason: the form again, naming the field.
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("理由不能为空"), "{html}");
    let r = c
        .post(app.url("/approvals/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("channel_kind", "meetings:leaders"),
            ("unit_id", &agri.to_string()),
            ("title", "全县防汛工作会议"),
            ("reason", "汛期形势严峻，须各乡镇主要负责同志到会"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let html = app.page(&c, &at).await;
    assert!(
        html.contains("待审批") && html.contains("全县防汛工作会议"),
        "{html}"
    );
    assert!(
        !html.contains("name=\"decision\""),
        "the applicant gets no decision form"
    );
    let (_, list) = app.get("filer", "/api/v1/approvals?status=pending").await;
    let aid = list["items"][0]["id"].as_i64().unwrap();

    // The office sees it pending in its list and approves it on its page.
    let s = app.browser_login("supervisor").await;
    let home = app.page(&s, "/").await;
    assert!(
        home.contains("href=\"/approvals?status=pending\"><span class=\"figure\">1</span><span class=\"label\">待审批申请"),
        "{home}"
    );
    assert!(
        !app.page(&c, "/").await.contains("待审批申请"),
        "the filer decides nothing"
    );
    let list = app.page(&s, "/approvals?status=pending").await;
    assert!(list.contains("全县防汛工作会议"), "{list}");
    let page = app.page(&s, &format!("/approvals/{aid}")).await;
    assert!(page.contains("name=\"decision\""), "{page}");
    let csrf = crate::helpers::csrf_of(&page);
    let r = s
        .post(app.url(&format!("/approvals/{aid}")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("decision", "approve"),
            ("note", "同意"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = app.page(&s, &format!("/approvals/{aid}")).await;
    assert!(html.contains("已批准") && html.contains("同意"), "{html}");
    // The meeting form offers it to the filer.
    let form = app.page(&c, "/meetings/new").await;
    assert!(
        form.contains(&format!("value=\"{aid}\"")) && form.contains("要求主要负责同志参加"),
        "{form}"
    );
    // A township does not see 县农业农村局's application.
    let t = app.browser_login("township").await;
    let r = t
        .get(app.url(&format!("/approvals/{aid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
