//! 发文台账: the documents ledger's pages.
pub mod attachments;

use crate::model::{self as documents, Carrier, DocumentInput};
use crate::reading;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use jianfu_core::AppError;
use jianfu_domain::approvals::Kind;
use jianfu_web::auth::{Identity, PageUser};
use jianfu_web::error::PageError;
use jianfu_web::extract::IdPath;
use jianfu_web::ui::items::{
    approval_options, approvals_fact, fields, file, filing_units, item_warnings, list_query, mark,
    plan_fact, target_options, targets_text, yes_no, ItemPage, ItemRow, ItemsPage, WithdrawForm,
    WithdrawPanel,
};
use jianfu_web::ui::{render, Chrome, FormBody};
use jianfu_web::AppState;
use serde::Deserialize;

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
        crate::permissions::FILE,
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
    list.withdrawable = true;
    if list.can_file && !list.withdrawn {
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
    document_page_with(s, id, doc, saved, attach_error, None).await
}

/// [`document_page`], with an error of the 作废 form (answered as 422).
async fn document_page_with(
    s: &AppState,
    id: &Identity,
    doc: i64,
    saved: bool,
    attach_error: Option<String>,
    withdraw_error: Option<String>,
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
        ("发至", targets_text(&s.db, &d.targets).await),
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
        (
            "年度计划立项、计划外审批",
            plan_fact(&d.approvals, &x.issued_on),
        ),
        (
            "主要负责同志签发",
            if x.to_schools_hospitals || x.head_signed {
                approvals_fact(&d.approvals, Kind::HeadSignoff, &x.issued_on)
            } else {
                "不涉及".into()
            },
        ),
    ];
    let mut facts = facts;
    if let Some(c) = crate::scan::confidence(&s.db, x.id).await? {
        facts.push(("正文来源", crate::scan::source_fact(c)));
    }
    let status = if attach_error.is_some() || withdraw_error.is_some() {
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
        // Only who may attach sees the control (a town reading what reached it may not).
        can_attach: crate::attachments::may_attach(&s.db, &id.actor, x.id)
            .await
            .is_ok(),
        error: attach_error,
    };
    let mut panels = Vec::new();
    let mut unread = false;
    if let Some(r) = reading::reader() {
        panels.push((r.panel)(s.clone(), id.actor.clone(), doc).await?);
        unread = (r.unread)(&mut s.db.reader(), doc).await?;
    }
    panels.push(attachments.render().map_err(AppError::internal)?);
    // Whoever may file for the issuer may withdraw (the filer its own unit's, the office any).
    let may = crate::attachments::may_attach(&s.db, &id.actor, x.id)
        .await
        .is_ok();
    let withdrawal = WithdrawPanel::of(
        id,
        "/documents",
        x.id,
        "文件",
        x.withdrawn.as_ref(),
        may,
        withdraw_error,
    );
    panels.push(withdrawal.render().map_err(AppError::internal)?);
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
        pending_checks: unread.then_some(reading::UNREAD_NOTE),
    }
    .seen_from(&s.db, &id.actor, x.issuer_id)
    .await?;
    Ok((status, render(&page)?).into_response())
}

/// `POST /documents/{id}/withdraw`: 作废 with a reason, then back to the page.
pub async fn withdraw_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(doc): IdPath,
    FormBody(form): FormBody<WithdrawForm>,
) -> Result<Response, PageError> {
    match documents::withdraw(&s.db, &id.actor, doc, &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/documents/{doc}#withdrawal")).into_response()),
        Err(e) if matches!(e.status(), 400 | 409 | 422) => {
            document_page_with(&s, &id, doc, false, None, Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
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

/// The filing form's fields as the filer typed them (or as read from an uploaded document);
/// [`parse_document`] makes a [`DocumentInput`].
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocumentForm {
    issuer_id: String,
    doc_number: String,
    title: String,
    kind: String,
    carrier: String,
    issued_on: String,
    main_recipients: String,
    target: Vec<String>,
    single_task: Option<String>,
    forwards_upper: Option<String>,
    upper_doc_number: String,
    to_schools_hospitals: Option<String>,
    /// The approvals ticked (审批记录), by id.
    approval: Vec<String>,
    body: String,
    attachment_count: String,
    /// Set when the body was read from a scan by OCR: its confidence, 0–100.
    ocr_confidence: String,
    /// The filer checked the recognised text.
    ocr_confirmed: Option<String>,
}

impl DocumentForm {
    /// An empty form dated today, in the annual plan.
    fn new() -> DocumentForm {
        DocumentForm {
            issued_on: today().to_string(),
            ..DocumentForm::default()
        }
    }
}

#[derive(Template)]
#[template(path = "document_form.html")]
struct DocumentFormPage {
    chrome: Chrome,
    form: DocumentForm,
    issuers: Vec<(i64, String, bool)>,
    targets: Vec<(String, String, bool)>,
    /// The approvals the document may cite: (id, what it is, ticked).
    approvals: Vec<(String, String, bool)>,
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
    form: DocumentForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    document_form_with(s, id, form, error, None).await
}

async fn document_form_with(
    s: &AppState,
    id: &Identity,
    form: DocumentForm,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let issuers = filing_units(&s.db, &id.actor).await?;
    let targets = target_options(&s.db, &id.actor).await?;
    let issuer_chosen = [form.issuer_id.as_str()];
    let chosen: Vec<&str> = form.target.iter().map(String::as_str).collect();
    let approvals = approval_options(&s.db, &id.actor, crate::model::CHANNEL.name, &[]).await?;
    let ticked: Vec<&str> = form.approval.iter().map(String::as_str).collect();
    let page = DocumentFormPage {
        chrome: Chrome::new(id, "/documents", "登记文件"),
        issuers: mark(issuers, &issuer_chosen),
        targets: mark(targets, &chosen),
        approvals: mark(approvals, &ticked),
        kinds: DOC_KINDS.iter().map(|k| (*k, form.kind == *k)).collect(),
        carriers: Carrier::all()
            .map(|c| (c.as_str(), c.label(), form.carrier == c.as_str()))
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
    jianfu_domain::policy::ensure(&id.actor, crate::permissions::FILE)?;
    let file = jianfu_web::extract::file_field(&mut multipart).await?;
    let Some((name, bytes)) = file else {
        return document_form(
            &s,
            &id,
            DocumentForm::new(),
            Some(AppError::invalid("file", "不能为空").to_string()),
        )
        .await;
    };
    match documents::read_upload(&s.parser, &name, bytes).await {
        Ok(p) => {
            let notice = match p.ocr_confidence {
                Some(c) => format!(
                    "已从扫描件“{name}”识别出正文{}字（置信度{c}%）：识别可能有误，请对照原件逐字核对正文，勾选“已核对识别文字”后选择发送范围并登记。",
                    p.char_count
                ),
                None => format!(
                    "已从“{name}”读取：正文{}字，请核对后选择发送范围并登记。",
                    p.char_count
                ),
            };
            let new = DocumentForm::new();
            let form = DocumentForm {
                issued_on: p.issued_on.unwrap_or(new.issued_on),
                title: p.title.unwrap_or_default(),
                doc_number: p.doc_number.unwrap_or_default(),
                kind: p.kind.unwrap_or_default(),
                main_recipients: p.main_recipients.unwrap_or_default(),
                body: p.body,
                attachment_count: p.attachment_count.to_string(),
                ocr_confidence: p.ocr_confidence.map(|c| c.to_string()).unwrap_or_default(),
                ..new
            };
            document_form_with(&s, &id, form, None, Some(notice)).await
        }
        Err(e) if e.status() == 422 => {
            document_form(&s, &id, DocumentForm::new(), Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn new_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, crate::permissions::FILE)?;
    document_form(&s, &id, DocumentForm::new(), None).await
}

fn parse_document(f: &DocumentForm) -> Result<DocumentInput, AppError> {
    Ok(DocumentInput {
        issuer_id: fields::required_int("issuer_id", &f.issuer_id)?,
        doc_number: fields::text(&f.doc_number),
        title: f.title.clone(),
        kind: fields::choice("kind", &f.kind)?,
        carrier: fields::choice("carrier", &f.carrier)?,
        issued_on: f
            .issued_on
            .parse()
            .map_err(|_| AppError::invalid("issued_on", "格式不正确"))?,
        main_recipients: fields::text(&f.main_recipients),
        cc_recipients: None,
        targets: fields::targets(&f.target)?,
        single_task: f.single_task.is_some(),
        forwards_upper: f.forwards_upper.is_some(),
        upper_doc_number: fields::text(&f.upper_doc_number),
        to_schools_hospitals: f.to_schools_hospitals.is_some(),
        approval_ids: fields::ids("approval_ids", &f.approval)?,
        ledger: None,
        body: f.body.replace("\r\n", "\n"),
        attachment_count: fields::int("attachment_count", &f.attachment_count)?.unwrap_or(0),
        char_count: None,
    })
}

/// The form as filed: its document, and whether OCR read its body and the filer checked it.
fn parse_filed(f: &DocumentForm) -> Result<crate::scan::Filed, AppError> {
    Ok(crate::scan::Filed {
        input: parse_document(f)?,
        ocr_confidence: fields::int("ocr_confidence", &f.ocr_confidence)?,
        ocr_confirmed: f.ocr_confirmed.is_some(),
    })
}

pub async fn create_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    FormBody(form): FormBody<DocumentForm>,
) -> Result<Response, PageError> {
    match file(&s, &id, &form, parse_filed, "/documents").await? {
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
    jianfu_domain::policy::ensure(&id.actor, crate::permissions::FILE)?;
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
    jianfu_domain::policy::ensure(&id.actor, crate::permissions::FILE)?;
    let bytes = jianfu_web::extract::file_field(&mut multipart)
        .await?
        .map(|(_, b)| b);
    let chrome = Chrome::new(&id, "/documents", "导入发文台账");
    let (report, error) = match bytes {
        None => (
            None,
            Some(AppError::invalid("file", "不能为空").to_string()),
        ),
        Some(b) => match crate::import::import(&s.db, &s.parser, &id.actor, b).await {
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
