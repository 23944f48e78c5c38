//! Jianfu's HTTP layer: the JSON API under `/api/v1`, the server-rendered Chinese UI, and the
//! embedded static assets. Handlers are thin: extract, parse, call the domain, render.
pub mod api;
mod assets;
pub mod auth;
pub mod bench;
pub mod burden_xlsx;
pub mod connections;
pub mod error;
pub mod extract;
pub mod module;
pub mod ui;

use axum::body::HttpBody;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use error::{ApiError, PageError};
use jianfu_core::AppError;
use jianfu_domain::auth::LoginThrottle;
use jianfu_store::Db;
use std::sync::Arc;
use std::time::Duration;
use tower::{Layer, ServiceExt};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted by JSON and form routes.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Largest file upload: 20 MB of file plus form overhead.
pub const UPLOAD_LIMIT: usize = 21 * 1024 * 1024;

/// How long a request may take before it is answered 503 `timeout`.
#[derive(Clone, Copy, Debug)]
pub struct TimeLimits {
    /// A request's head (request line and headers): a client that sends it slower is cut off,
    /// so half-sent requests cannot hold the server's connections.
    pub header: Duration,
    /// Pages and API calls.
    pub request: Duration,
    /// File uploads (multipart bodies): up to 20 MB over a slow county network, then the file
    /// is read or a whole ledger imported.
    pub upload: Duration,
}

impl Default for TimeLimits {
    fn default() -> Self {
        TimeLimits {
            header: Duration::from_secs(10),
            request: Duration::from_secs(30),
            upload: Duration::from_secs(10 * 60),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub throttle: Arc<LoginThrottle>,
    /// Mark cookies `Secure` (set when served behind HTTPS).
    pub secure_cookies: bool,
    pub openapi_json: Arc<String>,
    /// What the modules keep per running app (their indexes, caches), by type: see
    /// [`module::Module::state`] and [`AppState::part`].
    pub parts: Arc<axum::http::Extensions>,
    pub time_limits: TimeLimits,
    /// Parses uploaded files: in a worker process under OS limits, killed at its deadline,
    /// behind a queue (see `jianfu_parse`). In-process unless a worker is configured: the
    /// `jianfu` binary names itself when it serves.
    pub parser: jianfu_parse::Parser,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); empty: the
    /// peer is the client.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// Connections one address may hold open at once ([`connections`]); trusted proxies are
    /// not bounded.
    pub connections_per_address: usize,
}

impl AppState {
    /// The state with in-memory module indexes (tests, and databases without a data directory).
    pub fn new(db: Db) -> AppState {
        AppState::open(db, None).expect("in-memory module state opens")
    }

    /// The state of an app whose modules keep their on-disk indexes under `index_dir`.
    pub fn open(db: Db, index_dir: Option<&std::path::Path>) -> Result<AppState, AppError> {
        let mut parts = axum::http::Extensions::new();
        for m in module::modules() {
            (m.state)(&mut parts, index_dir)?;
        }
        let (_, doc) = api::router();
        let openapi_json = Arc::new(doc.to_pretty_json().unwrap_or_else(|_| "{}".into()));
        Ok(AppState {
            db,
            // Five failed sign-ins for one account from one address lock it for 15 minutes.
            throttle: Arc::new(LoginThrottle::new(Duration::from_secs(15 * 60))),
            secure_cookies: false,
            openapi_json,
            parts: Arc::new(parts),
            time_limits: TimeLimits::default(),
            parser: jianfu_parse::Parser::default(),
            trusted_proxies: Arc::from([]),
            connections_per_address: connections::PER_ADDRESS,
        })
    }

    /// A module's part of the state (its indexes), put there by its manifest's `state`.
    pub fn part<T: Send + Sync + 'static>(&self) -> Result<&T, AppError> {
        self.parts
            .get::<T>()
            .ok_or_else(|| AppError::internal(std::any::type_name::<T>()))
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
        .layer(axum::middleware::from_fn_with_state(
            state.time_limits,
            time_limit,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// What a page may load and run: only this site's scripts (no inline script runs; the charts'
/// data blocks are JSON), styles of this site and those the chart and htmx scripts set, images of
/// this site and data URLs (chart downloads), no plugins, no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
     frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Headers every answer carries: the content policy, no framing (clickjacking), no type
/// sniffing, no referrer to other sites, and nothing kept in caches but the static assets (a
/// signed-in page must not be shown again from a shared computer's cache).
pub async fn security_headers(req: Request, next: Next) -> Response {
    use axum::http::header::{
        HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY as CSP, REFERRER_POLICY,
        X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
    };
    let asset = req.uri().path().starts_with("/static/") || req.uri().path() == "/favicon.ico";
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(CSP, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !asset {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Bounds a request's time with tower-http's timeout: the upload limit for multipart bodies,
/// whichever route takes them (no list of upload routes to keep), the request limit for the
/// rest. A request that runs out is answered 503 with the error body (API) or page (UI)
/// instead of the timeout's empty response.
pub async fn time_limit(State(limits): State<TimeLimits>, req: Request, next: Next) -> Response {
    let upload = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if upload {
        limits.upload
    } else {
        limits.request
    };
    let api = req.uri().path().starts_with("/api/");
    let path = req.uri().path().to_string();
    let timed = TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limit).layer(next);
    let res = match timed.oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    // Nothing else in the app answers 503, let alone with an empty body.
    if res.status() != StatusCode::SERVICE_UNAVAILABLE || !res.body().is_end_stream() {
        return res;
    }
    tracing::warn!(path, seconds = limit.as_secs_f64(), "request timed out");
    match api {
        true => ApiError(AppError::Timeout).into_response(),
        false => PageError(AppError::Timeout).into_response(),
    }
}

/// Serves until the process receives Ctrl-C or SIGTERM; the modules' background work (reading
/// documents, …) runs meanwhile. Each connection is served by hyper's HTTP/1 with a timer: a
/// connection whose request head is not all there within `time_limits.header` of its first byte
/// (or of the previous answer, kept alive) is closed, and so is one that sends no byte at all;
/// one address holds at most `connections_per_address` connections open (the next are answered
/// 429 and closed, see [`connections`]); on shutdown the open connections finish their requests
/// (for at most 30 s). HTTP/1 only:
/// browsers speak HTTP/2 only over TLS, which the reverse proxy in front ends, and sniffing for
/// HTTP/2 would wait without limit for a first byte.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// [`serve`] until `shutdown` completes (a benchmark's end) instead of a signal.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let background: Vec<_> = module::modules()
        .iter()
        .filter_map(|m| m.background)
        .map(|work| tokio::spawn(work(state.clone())))
        .collect();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.time_limits.header);
    let trusted = state.trusted_proxies.clone();
    let header_limit = state.time_limits.header;
    let per_address = state.connections_per_address;
    let open = connections::OpenConnections::default();
    // Refusals answered at once; past them a refused connection is just closed, so a flood of
    // connections cannot hold descriptors through its refusals either.
    let refusing = Arc::new(tokio::sync::Semaphore::new(connections::REFUSALS));
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let admitted = if extract::is_trusted_proxy(&addr.ip(), &trusted) {
            None
        } else {
            let Some(admitted) = open.admit(addr.ip(), per_address) else {
                if let Ok(permit) = refusing.clone().try_acquire_owned() {
                    tokio::spawn(async move {
                        refuse(stream).await;
                        drop(permit);
                    });
                }
                continue;
            };
            Some(admitted)
        };
        let router = router.clone();
        let trusted = trusted.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
            let client = extract::client_address(addr.ip(), req.headers(), &trusted);
            req.extensions_mut().insert(extract::ClientAddr(client));
            router.clone().oneshot(req.map(axum::body::Body::new))
        });
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _admitted = admitted;
            // hyper's header timer starts with the first byte: a connection that sends nothing
            // within the header limit is closed here instead of being held for ever.
            let mut first = [0u8; 1];
            match tokio::time::timeout(header_limit, stream.peek(&mut first)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => return,
            }
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            if let Err(e) = watcher.watch(conn).await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    for task in background {
        task.abort();
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
    Ok(())
}

/// Answers a connection past its address's bound with [`connections::REFUSED`] and closes it,
/// reading what the client sent meanwhile (closing with it unread would reset the connection
/// and lose the answer), all within half a second.
async fn refuse(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = tokio::time::timeout(Duration::from_millis(500), async {
        stream.write_all(connections::REFUSED.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        std::io::Result::Ok(())
    })
    .await;
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    /// A handler slower than the limit is answered 503 with the error body; a quick one and a
    /// slow upload within the upload limit are served.
    #[tokio::test]
    async fn slow_requests_time_out_and_uploads_get_longer() {
        let limits = TimeLimits {
            request: Duration::from_millis(100),
            upload: Duration::from_secs(10),
            ..TimeLimits::default()
        };
        let slow = || async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            "done"
        };
        let app = Router::new()
            .route("/api/v1/slow", get(slow))
            .route("/slow", get(slow).post(slow))
            .route("/quick", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(limits, time_limit));
        let call = |req: Request| app.clone().oneshot(req);
        let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("request");

        let res = call(get("/api/v1/slow")).await.expect("response");
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON error body");
        assert_eq!(body["error"]["code"], "timeout");

        let res = call(get("/slow")).await.expect("response");
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let page = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .expect("body");
        assert!(String::from_utf8_lossy(&page).contains("请求处理超时"));

        let res = call(get("/quick")).await.expect("response");
        assert_eq!(res.status(), StatusCode::OK);

        let upload = Request::post("/slow")
            .header(CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body(Body::empty())
            .expect("request");
        let res = call(upload).await.expect("response");
        assert_eq!(res.status(), StatusCode::OK);
    }
}
