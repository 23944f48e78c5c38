//! Jianfu's HTTP layer: the JSON API under `/api/v1`, the server-rendered Chinese UI, and the
//! embedded static assets. Handlers are thin: extract, parse, call the domain, render.
pub mod api;
mod assets;
pub mod auth;
pub mod error;
pub mod extract;
pub mod module;
pub mod modules;
pub mod ui;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use jianfu_domain::analysis::Intelligence;
use jianfu_domain::auth::LoginThrottle;
use jianfu_store::Db;
use std::sync::Arc;
use std::time::Duration;
use tower_http::trace::TraceLayer;

/// Largest request body accepted by JSON and form routes.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Largest file upload: 20 MB of file plus form overhead.
pub const UPLOAD_LIMIT: usize = 21 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub throttle: Arc<LoginThrottle>,
    /// Mark cookies `Secure` (set when served behind HTTPS).
    pub secure_cookies: bool,
    pub openapi_json: Arc<String>,
    /// Copy and search indexes over the stored documents (document intelligence).
    pub intel: Arc<Intelligence>,
}

impl AppState {
    /// The state with in-memory indexes (tests, and databases without a data directory).
    pub fn new(db: Db) -> AppState {
        let intel = Intelligence::open(None).expect("an in-memory search index opens");
        AppState::with_intelligence(db, intel)
    }

    pub fn with_intelligence(db: Db, intel: Arc<Intelligence>) -> AppState {
        let (_, doc) = api::router();
        let openapi_json = Arc::new(doc.to_pretty_json().unwrap_or_else(|_| "{}".into()));
        AppState {
            db,
            // Five failed sign-ins for one account from one address lock it for 15 minutes.
            throttle: Arc::new(LoginThrottle::new(5, Duration::from_secs(15 * 60))),
            secure_cookies: false,
            openapi_json,
            intel,
        }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, _) = api::router();
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(api)
        .merge(
            module::modules()
                .iter()
                .fold(ui::router(), |r, m| r.merge((m.ui)())),
        )
        .merge(assets::router())
        .fallback(ui::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The background analyser: loads the indexes, then reads queued documents as they come.
async fn analyse_in_background(state: AppState) {
    match state.intel.load(&state.db).await {
        Ok(n) => tracing::info!(documents = n, "document indexes loaded"),
        Err(e) => tracing::error!(error = %e, "document indexes not loaded"),
    }
    loop {
        match state.intel.run_queue(&state.db, 50).await {
            Ok(0) => tokio::time::sleep(Duration::from_millis(500)).await,
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "document analysis failed");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// Serves until the process receives Ctrl-C or SIGTERM; documents are analysed meanwhile.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let analyser = tokio::spawn(analyse_in_background(state.clone()));
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    analyser.abort();
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
