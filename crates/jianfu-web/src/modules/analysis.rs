//! 文件智能分析: pre-issue assessment, copy detection and full-text search — the manifest.
use crate::api::analysis as api;
use crate::module::{nav, Module, NavEntry};
use crate::ui::analysis as ui;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use jianfu_domain::policy::Action;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const NAV: &[NavEntry] = &[
    nav(60, "/analysis", "发文前评估", Action::ViewLedger),
    nav(70, "/search", "全文检索", Action::ViewLedger),
];

pub fn module() -> Module {
    Module {
        api: || {
            OpenApiRouter::new()
                .routes(routes!(api::document_analysis))
                .routes(routes!(api::search_documents))
        },
        uploads: || OpenApiRouter::new().routes(routes!(api::assess_document)),
        ui: pages,
        nav: NAV,
        ..Module::named("analysis", "文件智能分析")
    }
}

fn pages() -> Router<AppState> {
    Router::new()
        .route(
            "/analysis",
            get(ui::analysis_page)
                .post(ui::analysis_submit)
                .layer(DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route("/search", get(ui::search_page))
}
