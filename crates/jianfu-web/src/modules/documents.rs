//! 发文: the documents ledger's manifest (with attachments and the Excel ledger import).
use crate::api::{attachments as api_attachments, ledger as api};
use crate::module::{nav, Module, NavEntry};
use crate::ui::{attachments, ledger as ui};
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use jianfu_domain::policy::Action;
use jianfu_domain::rules::documents::PACK;
use jianfu_domain::rules::RulePack;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const RULES: &[&RulePack] = &[&PACK];

/// Labels of the fields of its forms and API, for the errors that name them.
const LABELS: &[(&str, &str)] = &[
    ("issued_on", "成文日期"),
    ("issuer_id", "发文机关"),
    ("kind", "文种"),
    ("carrier", "载体"),
    ("doc_number", "发文字号"),
    ("upper_doc_number", "上级文件字号"),
    ("main_recipients", "主送机关"),
    ("cc_recipients", "抄送机关"),
    ("body", "正文"),
    ("attachment_count", "附件数"),
    ("document_id", "所属文件"),
];

const NAV: &[NavEntry] = &[nav(40, "/documents", "发文台账", Action::ViewLedger)];

pub fn module() -> Module {
    Module {
        api: || {
            OpenApiRouter::new()
                .routes(routes!(api::list_documents, api::create_document))
                .routes(routes!(api::get_document, api::replace_document))
                .routes(routes!(
                    api_attachments::download_attachment,
                    api_attachments::delete_attachment
                ))
        },
        uploads: || OpenApiRouter::new().routes(routes!(api_attachments::add_attachment)),
        ui: pages,
        nav: NAV,
        rules: RULES,
        labels: LABELS,
        channel: Some(&jianfu_domain::documents::CHANNEL),
        ..Module::named("documents", "发文")
    }
}

fn pages() -> Router<AppState> {
    let upload = || DefaultBodyLimit::max(crate::UPLOAD_LIMIT);
    Router::new()
        .route("/documents", get(ui::documents_page))
        .route(
            "/documents/new",
            get(ui::new_document).post(ui::create_document),
        )
        .route(
            "/documents/new/upload",
            post(ui::upload_document).layer(upload()),
        )
        .route("/documents/template.xlsx", get(ui::ledger_template))
        .route("/documents/import", post(ui::import_ledger).layer(upload()))
        .route("/documents/{id}", get(ui::document_detail))
        .route(
            "/documents/{id}/attachments",
            post(attachments::upload).layer(upload()),
        )
        .route(
            "/documents/{id}/attachments/{attachment_id}/delete",
            post(attachments::delete),
        )
}
