//! 文件智能分析 (document intelligence): reading every recorded document for the demands it puts
//! on grassroots units, its padding (穿靴戴帽) and what it copies (照抄照搬); the rules that need
//! a read text; pre-issue assessment of drafts; full-text search. It extends the documents
//! module: it installs itself as the documents' [`reader`](jianfu_documents::reading), keeps
//! its indexes in the app's state and reads queued documents in the background.
//! [`module`] is its manifest.
pub mod api;
pub mod demands;
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
            parts.insert(ReadingHold::default());
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

/// Holds the background reading of an app while set: queued documents wait, as they would
/// behind a long queue (the HTTP tests look at a document before it is read).
#[derive(Clone, Default)]
pub struct ReadingHold(pub Arc<std::sync::atomic::AtomicBool>);

impl ReadingHold {
    pub fn set(&self, held: bool) {
        self.0.store(held, std::sync::atomic::Ordering::SeqCst);
    }

    fn held(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Loads the indexes, then reads queued documents as they come.
async fn read_in_background(state: AppState) {
    let intel = match intelligence(&state) {
        Ok(i) => i.clone(),
        Err(e) => return tracing::error!(error = %e, "document indexes missing"),
    };
    let hold = state.part::<ReadingHold>().cloned().unwrap_or_default();
    match intel.load(&state.db).await {
        Ok(n) => tracing::info!(documents = n, "document indexes loaded"),
        Err(e) => tracing::error!(error = %e, "document indexes not loaded"),
    }
    loop {
        if hold.held() {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
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
    unread: |conn, id| {
        Box::pin(async move {
            Ok(store::is_queued(conn, id).await? || store::get(conn, id).await?.is_none())
        })
    },
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
    /// Not read yet, or queued again after an edit.
    pending: bool,
    /// Demands on grassroots units.
    grassroots: usize,
    /// Every demand, on whomever it falls, with its severity.
    demands: Vec<demands::DemandView>,
    padding_percent: i64,
    matches: Vec<ui::MatchRow>,
}

fn panel(state: AppState, actor: Actor, id: i64) -> Reading<'static, String> {
    Box::pin(async move {
        // Asked before the reading, as the API asks (see `api::document_analysis`).
        let mut conn = state.db.reader();
        let queued = store::is_queued(&mut conn, id).await?;
        let found = intelligence(&state)?
            .of_document(&state.db, &actor, id)
            .await?;
        let panel = match found.filter(|_| !queued) {
            Some(a) => {
                // Judged as the rules judged it: by the settings of the document's region.
                let region = store::document_region(&mut conn, id).await?.unwrap_or(0);
                let settings = jianfu_domain::rules::Settings::from_overrides(
                    &jianfu_store::rules::settings(&mut conn, region).await?,
                );
                AnalysisPanel {
                    pending: false,
                    grassroots: demands::grassroots_count(&a.burdens),
                    demands: demands::demands(&a.burdens, &settings),
                    padding_percent: (a.padding_share * 100.0).round() as i64,
                    matches: ui::match_rows(&a.copy_matches),
                }
            }
            None => AnalysisPanel {
                pending: true,
                grassroots: 0,
                demands: Vec::new(),
                padding_percent: 0,
                matches: Vec::new(),
            },
        };
        panel.render().map_err(AppError::internal)
    })
}
