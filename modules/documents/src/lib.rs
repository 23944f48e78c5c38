//! 发文: the documents ledger as one module of the platform — documents with their GB/T 9704
//! elements, carrier and reach, their attachments, the Excel ledger import, the rules of
//! documents, the pages, the API and the burden channel (a unit receives, counted in
//! characters). Reading their texts is another module's work, plugged in through [`reading`].
//! [`module`] is its manifest.
pub mod api;
pub mod attachments;
mod bench;
pub mod demo;
pub mod import;
pub mod model;
pub mod permissions;
pub mod reading;
pub mod rules;
pub mod scan;
pub mod store;
pub mod ui;

use api::attachments as api_attachments;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use jianfu_domain::rules::RulePack;
use jianfu_store::migrate::Migration;
use jianfu_web::module::{nav, Module, NavEntry};
use jianfu_web::AppState;
use rules::PACK;
use ui::attachments as ui_attachments;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const RULES: &[&RulePack] = &[&PACK];

/// Its migrations, in order.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "withdrawal",
        sql: include_str!("../migrations/0001_withdrawal.sql"),
    },
    Migration {
        version: 2,
        name: "ocr",
        sql: include_str!("../migrations/0002_ocr.sql"),
    },
    Migration {
        version: 3,
        name: "count_index",
        sql: include_str!("../migrations/0003_count_index.sql"),
    },
];

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
    ("char_count", "字数"),
    ("single_task", "专项工作文件"),
    ("forwards_upper", "转发上级文件"),
    ("to_schools_hospitals", "发往学校、医院"),
    ("head_signed", "主要负责同志签批"),
];

/// The Chinese names of its fields' values (the audit page's changes).
fn value_labels(field: &str, value: &str) -> Option<&'static str> {
    match field {
        "carrier" => value
            .parse::<model::Carrier>()
            .ok()
            .map(model::Carrier::label),
        _ => None,
    }
}

const NAV: &[NavEntry] = &[nav(40, "/documents", "发文台账", permissions::READ)];

/// The manifest of the documents module.
pub fn module() -> Module {
    Module {
        api: || {
            OpenApiRouter::new()
                .routes(routes!(api::list_documents, api::create_document))
                .routes(routes!(api::get_document, api::replace_document))
                .routes(routes!(api::withdraw_document))
                .routes(routes!(
                    api_attachments::download_attachment,
                    api_attachments::delete_attachment
                ))
        },
        uploads: || OpenApiRouter::new().routes(routes!(api_attachments::add_attachment)),
        ui: pages,
        nav: NAV,
        rules: RULES,
        migrations: MIGRATIONS,
        labels: LABELS,
        value_labels: Some(value_labels),
        channel: Some(&model::CHANNEL),
        bench: Some(&bench::BENCH),
        demo: Some(&demo::DEMO),
        grants: permissions::GRANTS,
        ..Module::named("documents", "发文")
    }
}

fn pages() -> Router<AppState> {
    let upload = || DefaultBodyLimit::max(jianfu_web::UPLOAD_LIMIT);
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
        .route("/documents/{id}/withdraw", post(ui::withdraw_document))
        .route(
            "/documents/{id}/attachments",
            post(ui_attachments::upload).layer(upload()),
        )
        .route(
            "/documents/{id}/attachments/{attachment_id}/delete",
            post(ui_attachments::delete),
        )
}
