//! Static assets embedded in the binary: our own CSS and script, and the npm-locked libraries.
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

macro_rules! npm {
    ($path:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/npm/node_modules/", $path))
    };
}

const CSS: (&str, &[u8]) = (
    "text/css; charset=utf-8",
    include_bytes!("../static/app.css"),
);
const APP_JS: (&str, &[u8]) = (
    "text/javascript; charset=utf-8",
    include_bytes!("../static/app.js"),
);
const HTMX: (&str, &[u8]) = (
    "text/javascript; charset=utf-8",
    npm!("htmx.org/dist/htmx.min.js"),
);
const ECHARTS: (&str, &[u8]) = (
    "text/javascript; charset=utf-8",
    npm!("echarts/dist/echarts.min.js"),
);

fn serve(asset: (&'static str, &'static [u8])) -> impl IntoResponse {
    // Asset URLs carry the build version, so they can be cached for long.
    (
        [
            (CONTENT_TYPE, asset.0),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        asset.1,
    )
}

pub fn router() -> Router<crate::AppState> {
    Router::new()
        .route("/static/app.css", get(|| async { serve(CSS) }))
        .route("/static/app.js", get(|| async { serve(APP_JS) }))
        .route("/static/vendor/htmx.min.js", get(|| async { serve(HTMX) }))
        .route(
            "/static/vendor/echarts.min.js",
            get(|| async { serve(ECHARTS) }),
        )
}
