//! 文件智能分析 (document intelligence): reading every recorded document for the demands it puts
//! on grassroots units, its padding (穿靴戴帽) and what it copies (照抄照搬); the rules that need
//! a read text; pre-issue assessment of drafts; full-text search. It extends the documents
//! module: it installs itself as the documents' [`reader`](jianfu_documents::reading), keeps
//! its indexes in the app's state and reads queued documents in the background.
//! [`module`] is its manifest.
pub mod api;
pub mod demo;
pub mod model;
pub mod permissions;
pub mod rules;
pub mod store;
pub mod ui;

use askama::Template;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use jianfu_core::{Actor, AppError};
use jianfu_documents::reading::{self, Reader, Reading, Summary};
use jianfu_domain::rules::RulePack;
use jianfu_web::module::{nav, Module, NavEntry};
use jianfu_web::AppState;
use model::{copy_class_label, Intelligence};
use std::sync::Arc;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const RULES: &[&RulePack] = &[&rules::PACK];

const NAV: &[NavEntry] = &[
    nav(60, "/analysis", "发文前评估", permissions::ASSESS),
    nav(70, "/search", "全文检索", permissions::SEARCH),
];

/// The manifest of the document intelligence module.
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
        rules: RULES,
        tags: &[(
            "analysis",
            "文件智能分析：发文前评估、照抄照搬检测、全文检索",
        )],
        state: |parts, index_dir| {
            parts.insert(Intelligence::open(index_dir)?);
            Ok(())
        },
        background: Some(|state| Box::pin(read_in_background(state))),
        init: || reading::install(&READER),
        demo: Some(&demo::DEMO),
        grants: permissions::GRANTS,
        ..Module::named("analysis", "文件智能分析")
    }
}

fn pages() -> Router<AppState> {
    Router::new()
        .route(
            "/analysis",
            get(ui::analysis_page)
                .post(ui::analysis_submit)
                .layer(DefaultBodyLimit::max(jianfu_web::UPLOAD_LIMIT)),
        )
        .route("/search", get(ui::search_page))
}

/// The app's indexes over the stored documents.
pub fn intelligence(state: &AppState) -> Result<&Arc<Intelligence>, AppError> {
    state.part::<Arc<Intelligence>>()
}

/// Loads the indexes, then reads queued documents as they come.
async fn read_in_background(state: AppState) {
    let intel = match intelligence(&state) {
        Ok(i) => i.clone(),
        Err(e) => return tracing::error!(error = %e, "document indexes missing"),
    };
    match intel.load(&state.db).await {
        Ok(n) => tracing::info!(documents = n, "document indexes loaded"),
        Err(e) => tracing::error!(error = %e, "document indexes not loaded"),
    }
    loop {
        match intel.run_queue(&state.db, 50).await {
            Ok(0) => tokio::time::sleep(Duration::from_millis(500)).await,
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "document analysis failed");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// How the documents ledger has its texts read: queued on every write, read in the background.
static READER: Reader = Reader {
    written: |tx, id, now| {
        Box::pin(async move {
            store::enqueue(tx, id, now).await?;
            Ok(())
        })
    },
    summaries: |conn, ids| {
        Box::pin(async move {
            Ok(store::summaries(conn, ids)
                .await?
                .into_iter()
                .map(|s| (s.document_id, summary(s)))
                .collect())
        })
    },
    panel: |state, actor, id| Box::pin(panel(state, actor, id)),
};

/// The 审读 cell of a document's row: demands on grassroots units and the largest copy.
fn summary(s: store::Summary) -> Summary {
    let mut note = if s.burden_count > 0 {
        format!("负担事项{}项", s.burden_count)
    } else {
        "未见负担事项".into()
    };
    if let Some(share) = s.copy_share.filter(|s| *s >= 0.3) {
        note.push_str(&format!(
            " · {}{:.0}%",
            copy_class_label(s.copy_class.as_deref()),
            share * 100.0
        ));
    }
    Summary {
        burden_count: s.burden_count,
        copy_share: s.copy_share,
        copy_class: s.copy_class,
        note,
    }
}

/// The 文件分析 panel of a document's page.
#[derive(Template)]
#[template(path = "analysis_panel.html")]
struct AnalysisPanel {
    /// Still in the analysis queue.
    pending: bool,
    /// Demands on grassroots units.
    grassroots: usize,
    /// (kind in Chinese, who in Chinese, sentence)
    burdens: Vec<(String, String, String)>,
    padding_percent: i64,
    matches: Vec<ui::MatchRow>,
}

fn panel(state: AppState, actor: Actor, id: i64) -> Reading<'static, String> {
    Box::pin(async move {
        let found = intelligence(&state)?
            .of_document(&state.db, &actor, id)
            .await?;
        let panel = match found {
            Some(a) => AnalysisPanel {
                pending: false,
                grassroots: a.burdens.iter().filter(|b| b.is_grassroots()).count(),
                burdens: a
                    .burdens
                    .iter()
                    .map(|b| (b.label.clone(), b.who_label.clone(), b.sentence.clone()))
                    .collect(),
                padding_percent: (a.padding_share * 100.0).round() as i64,
                matches: ui::match_rows(&a.copy_matches),
            },
            None => AnalysisPanel {
                pending: true,
                grassroots: 0,
                burdens: Vec::new(),
                padding_percent: 0,
                matches: Vec::new(),
            },
        };
        panel.render().map_err(AppError::internal)
    })
}
