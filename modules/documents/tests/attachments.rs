//! 附件: a filer attaches files to a document through the API and the document's page; the
//! length rule still counts the body only; other units cannot read or remove them.
use crate::both_backends;
use crate::helpers::{assert_error, names_record, spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    attachments_are_kept_served_and_removed,
    word_97_and_wps_attachments_are_counted,
    attachments_refuse_bad_files_and_other_units,
    attachments_on_the_document_page
);

/// A notice of the agriculture bureau, 4,990 characters: just under the 通知 limit.
async fn document(app: &TestApp) -> i64 {
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let body: String = "为切实减轻基层负担，现就有关事项通知如下。"
        .repeat(250)
        .chars()
        .take(4990)
        .collect();
    let (status, doc) = app
        .send(
            "filer",
            "POST",
            "/api/v1/documents",
            &json!({"issuer_id": agri, "title": "关于做好秋粮收购工作的通知", "kind": "通知", "carrier": "formal",
                    "issued_on": "2026-10-12", "targets": [{"unit_id": county, "level": "township"}], "body": body}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    doc["id"].as_i64().unwrap()
}

async fn attachments_are_kept_served_and_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = document(&app).await;
    // A long attachment does not push the document over its length limit.
    let annex = "附件1：秋粮收购进度统计表填报说明。".repeat(600);
    let (status, a) = app
        .upload(
            "filer",
            &format!("/api/v1/documents/{doc}/attachments"),
            "附件1 填报说明.txt",
            annex.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["name"], "附件1 填报说明.txt");
    assert_eq!(a["size"], annex.len());
    assert_eq!(a["char_count"], 600 * 18);
    let bin: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let (status, b) = app
        .upload(
            "filer",
            &format!("/api/v1/documents/{doc}/attachments"),
            "C:\\临时\\现场照片.jpg",
            bin.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    assert_eq!(b["name"], "现场照片.jpg", "the client's path is dropped");
    assert_eq!(b["char_count"], Value::Null);

    let (_, d) = app.get("filer", &format!("/api/v1/documents/{doc}")).await;
    assert_eq!(d["attachment_count"], 2);
    assert_eq!(d["char_count"], 4990, "attachments are not counted");
    assert_eq!(d["attachments"].as_array().unwrap().len(), 2);
    let (_, w) = app
        .get(
            "supervisor",
            "/api/v1/warnings?rule=doc.length&status=open&per_page=200",
        )
        .await;
    assert!(
        !w["items"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| names_record(w, "documents", doc)),
        "no length warning: {w}"
    );

    // The office and the inspector download the exact bytes, never rendered inline.
    for user in ["supervisor", "inspector", "filer"] {
        let r = app
            .client
            .get(app.url(&format!("/api/v1/documents/{doc}/attachments/{}", b["id"])))
            .bearer_auth(app.token(user))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{user}");
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains("%E7%8E%B0%E5%9C%BA"), "{disposition}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.bytes().await.unwrap().to_vec(), bin);
    }

    // Removing one leaves the other; the count follows; both are audited.
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/documents/{doc}/attachments/{}", a["id"])))
        .bearer_auth(app.token("filer"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, d) = app.get("filer", &format!("/api/v1/documents/{doc}")).await;
    assert_eq!(d["attachment_count"], 1);
    assert_eq!(d["attachments"][0]["name"], "现场照片.jpg");
    let (status, _) = app
        .get(
            "filer",
            &format!("/api/v1/documents/{doc}/attachments/{}", a["id"]),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, log) = app.get("admin", "/api/v1/audit?per_page=50").await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"document.attach") && actions.contains(&"document.detach"),
        "{actions:?}"
    );
}

/// A Word 97-2003 .doc or WPS .wps attachment is read too, by the parse worker, for its 字数.
async fn word_97_and_wps_attachments_are_counted(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = document(&app).await;
    let old_doc = include_bytes!("../../../crates/jianfu-text/tests/fixtures/notice.doc");
    let text = jianfu_text::extract("notice.doc", old_doc).unwrap().text;
    for (name, content_type) in [
        ("附件2 旧版通知.doc", "application/msword"),
        ("附件3 旧版通知.wps", "application/vnd.ms-works"),
    ] {
        let (status, a) = app
            .upload(
                "filer",
                &format!("/api/v1/documents/{doc}/attachments"),
                name,
                old_doc.to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        assert_eq!(a["content_type"], content_type);
        assert_eq!(a["char_count"], jianfu_text::word_count(&text), "{name}");
    }
}

async fn attachments_refuse_bad_files_and_other_units(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = document(&app).await;
    let (status, body) = app
        .upload(
            "filer",
            &format!("/api/v1/documents/{doc}/attachments"),
            "安装程序.exe",
            b"MZ\x90\x00".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_field", Some("file"));
    assert!(
        body["error"]["message"].as_str().unwrap().contains(".docx"),
        "{body}"
    );
    let (status, body) = app
        .upload(
            "filer",
            &format!("/api/v1/documents/{doc}/attachments"),
            "空白.docx",
            Vec::new(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error(&body, "invalid_field", Some("file"));
    // 21 MB: refused whole, nothing stored.
    let (status, _) = app
        .upload(
            "filer",
            &format!("/api/v1/documents/{doc}/attachments"),
            "大文件.pdf",
            vec![b'x'; 21 * 1024 * 1024],
        )
        .await;
    assert!(
        status == StatusCode::PAYLOAD_TOO_LARGE || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status}"
    );
    // A corrupt .docx is kept as a file (it is an attachment, not the body) without a 字数.
    let (status, c) = app
        .upload(
            "filer",
            &format!("/api/v1/documents/{doc}/attachments"),
            "损坏.docx",
            b"PK\x03\x04broken".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["char_count"], Value::Null);
    // JSON instead of a form.
    let (status, body) = app
        .send(
            "filer",
            "POST",
            &format!("/api/v1/documents/{doc}/attachments"),
            &json!({"file": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_error(&body, "unsupported_media_type", Some("file"));
    // A township, to which the notice was sent, downloads its files (以下看上) but cannot attach
    // or remove any; a village, which it did not reach, cannot read them.
    let (status, _) = app
        .upload(
            "township",
            &format!("/api/v1/documents/{doc}/attachments"),
            "补充.txt",
            "补充说明".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = app
        .client
        .get(app.url(&format!("/api/v1/documents/{doc}/attachments/{}", c["id"])))
        .bearer_auth(app.token("township"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), b"PK\x03\x04broken");
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/documents/{doc}/attachments/{}", c["id"])))
        .bearer_auth(app.token("township"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, _) = app
        .get(
            "village",
            &format!("/api/v1/documents/{doc}/attachments/{}", c["id"]),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "village");
    // Another document's id with this attachment's id: not found.
    let other = document(&app).await;
    let (status, _) = app
        .get(
            "filer",
            &format!("/api/v1/documents/{other}/attachments/{}", c["id"]),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, d) = app.get("filer", &format!("/api/v1/documents/{doc}")).await;
    assert_eq!(
        d["attachment_count"], 1,
        "only the readable upload was stored: {d}"
    );
}

async fn attachments_on_the_document_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = document(&app).await;
    let c = app.browser_login("filer").await;
    let page = app.page(&c, &format!("/documents/{doc}")).await;
    assert!(page.contains("没有上传附件"), "{page}");
    let csrf = crate::helpers::csrf_of(&page);
    let post = |name: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        c.post(app.url(&format!("/documents/{doc}/attachments?csrf_token={csrf}")))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let r = post("附件2 <名单>.txt", "参训人员名单".as_bytes().to_vec())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = app.page(&c, &format!("/documents/{doc}")).await;
    assert!(
        page.contains("附件2 &#60;名单&#62;.txt") && !page.contains("<名单>"),
        "escaped name: {page}"
    );
    assert!(page.contains("6字"), "{page}");
    let r = post("病毒.exe", b"MZ".to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("格式不支持"), "{page}");
    // Removing it from the page.
    let (_, d) = app.get("filer", &format!("/api/v1/documents/{doc}")).await;
    let aid = d["attachments"][0]["id"].as_i64().unwrap();
    let r = c
        .post(app.url(&format!("/documents/{doc}/attachments/{aid}/delete")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, d) = app.get("filer", &format!("/api/v1/documents/{doc}")).await;
    assert_eq!(d["attachment_count"], 0);
}
