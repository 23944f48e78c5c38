//! 发文台账: the documents ledger's pages.
pub mod attachments;

use crate::model::{self as documents, Carrier, DocumentInput};
use crate::reading;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use jianfu_core::AppError;
use jianfu_domain::policy::{can, Action};
use jianfu_web::auth::{Identity, PageUser};
use jianfu_web::error::PageError;
use jianfu_web::extract::IdPath;
use jianfu_web::ui::items::{
    file, filing_units, item_warnings, list_query, mark, target_options, targets_text, yes_no,
    FormPairs, ItemPage, ItemRow, ItemsPage,
};
use jianfu_web::ui::{render, Chrome};
use jianfu_web::AppState;

fn today() -> NaiveDate {
    jianfu_core::time::today()
}

fn carrier_label(c: &str) -> &'static str {
    c.parse::<Carrier>().map(Carrier::label).unwrap_or("")
}

pub async fn documents_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let (q, page) = list_query(&uri)?;
    let found = documents::list(&s.db, &id.actor, q.items(), page).await?;
    let headers = &[
        "标题",
        "发文机关",
        "成文日期",
        "文种 · 载体 · 字数",
        "覆盖乡镇、村",
        "审读",
    ];
    let mut list = ItemsPage::of(
        &id,
        &documents::CHANNEL,
        "发文台账",
        headers,
        q,
        found,
        |listed| {
            let reading = Some(listed.reading);
            let d = listed.document;
            ItemRow {
                id: d.id,
                detail: format!(
                    "{} · {} · {}字",
                    d.kind,
                    carrier_label(&d.carrier),
                    d.char_count
                ),
                title: d.title,
                who: d.issuer_name,
                date: d.issued_on,
                reach: d.reach,
                reading,
            }
        },
    );
    if list.can_file {
        let csrf = id.csrf.clone().unwrap_or_default();
        let import = ImportPanel { csrf }.render().map_err(AppError::internal)?;
        list.panels.push(import);
    }
    render(&list)
}

/// The 从Excel发文台账导入 panel above the ledger, for those who may file.
#[derive(Template)]
#[template(path = "import_panel.html")]
struct ImportPanel {
    csrf: String,
}

pub async fn document_detail(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(doc): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    let saved = uri.query().is_some_and(|q| q.contains("saved=1"));
    document_page(&s, &id, doc, saved, None).await
}

/// A document's page; `attach_error` is shown in its 附件 panel (and answered as 422).
pub async fn document_page(
    s: &AppState,
    id: &Identity,
    doc: i64,
    saved: bool,
    attach_error: Option<String>,
) -> Result<Response, PageError> {
    let d = documents::get(&s.db, &id.actor, doc).await?;
    let x = &d.document;
    let facts = vec![
        ("发文机关", x.issuer_name.clone()),
        (
            "发文字号",
            x.doc_number.clone().unwrap_or_else(|| "（无）".into()),
        ),
        ("文种", x.kind.clone()),
        ("载体", carrier_label(&x.carrier).to_string()),
        ("成文日期", x.issued_on.clone()),
        ("主送机关", x.main_recipients.clone().unwrap_or_default()),
        ("发至", targets_text(&s.db, &id.actor, &d.targets).await),
        ("覆盖乡镇、村", format!("{}个", x.reach)),
        (
            "正文字数",
            format!(
                "{}字（不含附件，附件{}件）",
                x.char_count, x.attachment_count
            ),
        ),
        ("专项工作文件", yes_no(x.single_task)),
        (
            "转发上级文件",
            x.upper_doc_number
                .clone()
                .map(|n| format!("是（{n}）"))
                .unwrap_or_else(|| "否".into()),
        ),
        ("发往学校、医院", yes_no(x.to_schools_hospitals)),
        ("主要负责同志签批", yes_no(x.head_signed)),
        ("列入年度计划", yes_no(x.in_plan)),
    ];
    let status = if attach_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let attachments = AttachmentsPanel {
        csrf: id.csrf.clone().unwrap_or_default(),
        document_id: x.id,
        rows: d
            .attachments
            .iter()
            .map(|a| {
                let size = if a.size >= 1024 * 1024 {
                    format!("{:.1}MB", a.size as f64 / 1024.0 / 1024.0)
                } else {
                    format!("{}KB", (a.size + 1023) / 1024)
                };
                let chars = a.char_count.map(|n| format!("，{n}字")).unwrap_or_default();
                (a.id, a.name.clone(), format!("{size}{chars}"))
            })
            .collect(),
        can_attach: can(&id.actor, Action::FileItems),
        error: attach_error,
    };
    let mut panels = Vec::new();
    if let Some(r) = reading::reader() {
        panels.push((r.panel)(s.clone(), id.actor.clone(), doc).await?);
    }
    panels.push(attachments.render().map_err(AppError::internal)?);
    let page = ItemPage {
        chrome: Chrome::new(id, "/documents", x.title.clone()),
        base: "/documents",
        list_title: "发文台账",
        title: x.title.clone(),
        saved,
        warnings: item_warnings(&s.db, &id.actor, x.issuer_id, "documents", x.id).await?,
        facts,
        body: d.body.clone(),
        panels,
    };
    Ok((status, render(&page)?).into_response())
}

/// The 附件 panel of a document's page.
#[derive(Template)]
#[template(path = "attachments_panel.html")]
struct AttachmentsPanel {
    csrf: String,
    document_id: i64,
    /// (attachment id, name, size and 字数 as text)
    rows: Vec<(i64, String, String)>,
    can_attach: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "document_form.html")]
struct DocumentForm {
    chrome: Chrome,
    form: FormPairs,
    issuers: Vec<(i64, String, bool)>,
    targets: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, bool)>,
    carriers: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
    notice: Option<String>,
}

pub const DOC_KINDS: [&str; 15] = [
    "通知",
    "通报",
    "意见",
    "决定",
    "报告",
    "请示",
    "批复",
    "函",
    "纪要",
    "决议",
    "命令（令）",
    "公报",
    "公告",
    "通告",
    "议案",
];

async fn document_form(
    s: &AppState,
    id: &Identity,
    form: FormPairs,
    error: Option<String>,
) -> Result<Response, PageError> {
    document_form_with(s, id, form, error, None).await
}

async fn document_form_with(
    s: &AppState,
    id: &Identity,
    form: FormPairs,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let issuers = filing_units(&s.db, &id.actor).await?;
    let targets = target_options(&s.db, &id.actor).await?;
    let issuer_chosen = [form.get("issuer_id")];
    let chosen = form.all("target");
    let page = DocumentForm {
        chrome: Chrome::new(id, "/documents", "登记文件"),
        issuers: mark(issuers, &issuer_chosen),
        targets: mark(targets, &chosen),
        kinds: DOC_KINDS
            .iter()
            .map(|k| (*k, form.get("kind") == *k))
            .collect(),
        carriers: Carrier::all()
            .map(|c| (c.as_str(), c.label(), form.get("carrier") == c.as_str()))
            .collect(),
        form,
        error,
        notice,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

/// Reads an uploaded document and shows the form filled with what was found in it.
pub async fn upload_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let file = jianfu_web::extract::file_field(&mut multipart).await?;
    let Some((name, bytes)) = file else {
        return document_form(
            &s,
            &id,
            FormPairs::default(),
            Some(AppError::invalid("file", "不能为空").to_string()),
        )
        .await;
    };
    match documents::read_upload(&name, &bytes) {
        Ok(p) => {
            let mut pairs = vec![(
                "issued_on".to_string(),
                p.issued_on.clone().unwrap_or_else(|| today().to_string()),
            )];
            for (k, v) in [
                ("title", &p.title),
                ("doc_number", &p.doc_number),
                ("kind", &p.kind),
                ("main_recipients", &p.main_recipients),
            ] {
                if let Some(v) = v {
                    pairs.push((k.to_string(), v.clone()));
                }
            }
            pairs.push(("body".into(), p.body.clone()));
            pairs.push(("attachment_count".into(), p.attachment_count.to_string()));
            let notice = format!(
                "已从“{name}”读取：正文{}字，请核对后选择发送范围并登记。",
                p.char_count
            );
            document_form_with(&s, &id, FormPairs::from_pairs(pairs), None, Some(notice)).await
        }
        Err(e) if e.status() == 422 => {
            document_form(&s, &id, FormPairs::default(), Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn new_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let form = FormPairs::from_pairs(vec![("issued_on".into(), today().to_string())]);
    document_form(&s, &id, form, None).await
}

fn parse_document(f: &FormPairs) -> Result<DocumentInput, AppError> {
    Ok(DocumentInput {
        issuer_id: f.required_int("issuer_id")?,
        doc_number: f.text("doc_number"),
        title: f.get("title").to_string(),
        kind: f
            .get("kind")
            .parse()
            .map_err(|_| AppError::invalid("kind", "取值无效"))?,
        carrier: f
            .get("carrier")
            .parse()
            .map_err(|_| AppError::invalid("carrier", "取值无效"))?,
        issued_on: f
            .get("issued_on")
            .parse()
            .map_err(|_| AppError::invalid("issued_on", "格式不正确"))?,
        main_recipients: f.text("main_recipients"),
        cc_recipients: None,
        targets: f.targets()?,
        single_task: f.flag("single_task"),
        forwards_upper: f.flag("forwards_upper"),
        upper_doc_number: f.text("upper_doc_number"),
        to_schools_hospitals: f.flag("to_schools_hospitals"),
        head_signed: f.flag("head_signed"),
        in_plan: f.flag("in_plan"),
        body: f.get("body").replace("\r\n", "\n"),
        attachment_count: f.int("attachment_count")?.unwrap_or(0),
        char_count: None,
    })
}

pub async fn create_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = FormPairs::parse(&body);
    match file(&s, &id, &form, parse_document, "/documents").await? {
        Ok(saved) => Ok(saved),
        Err(message) => document_form(&s, &id, form, Some(message)).await,
    }
}

#[derive(Template)]
#[template(path = "import_report.html")]
struct ImportPage {
    chrome: Chrome,
    report: Option<crate::import::ImportReport>,
    error: Option<String>,
}

/// The Excel template of the 发文台账.
pub async fn ledger_template(PageUser(id): PageUser) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let bytes = crate::import::template()?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"fawen-taizhang.xlsx\"; filename*=UTF-8''%E5%8F%91%E6%96%87%E5%8F%B0%E8%B4%A6%E6%A8%A1%E6%9D%BF.xlsx"),
        ],
        bytes,
    )
        .into_response())
}

/// Imports an uploaded 发文台账 and reports row by row.
pub async fn import_ledger(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let bytes = jianfu_web::extract::file_field(&mut multipart)
        .await?
        .map(|(_, b)| b);
    let chrome = Chrome::new(&id, "/documents", "导入发文台账");
    let (report, error) = match bytes {
        None => (
            None,
            Some(AppError::invalid("file", "不能为空").to_string()),
        ),
        Some(b) => match crate::import::import(&s.db, &id.actor, &b).await {
            Ok(r) => (Some(r), None),
            Err(e) if e.status() == 422 => (None, Some(e.to_string())),
            Err(e) => return Err(PageError(e)),
        },
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        render(&ImportPage {
            chrome,
            report,
            error,
        })?,
    )
        .into_response())
}
