//! Static assets embedded in the binary: our own CSS and script, the npm-locked libraries and
//! the favicon. A client that accepts gzip (every browser) gets the text assets gzipped —
//! ECharts is 1 MB as it is, about a third of that gzipped — compressed once per process and
//! kept; the cache headers are the same either way, and `Vary: Accept-Encoding` keeps shared
//! caches from handing one form to a client that asked for the other.
use axum::http::header::{
    HeaderValue, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY,
};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::io::Write;
use std::sync::OnceLock;

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

const FAVICON: (&str, &[u8]) = ("image/svg+xml", include_bytes!("../static/favicon.svg"));

/// An asset and, once asked for, its gzipped form.
struct Asset {
    content_type: &'static str,
    bytes: &'static [u8],
    gzipped: OnceLock<Vec<u8>>,
}

impl Asset {
    const fn new(asset: (&'static str, &'static [u8])) -> Asset {
        Asset {
            content_type: asset.0,
            bytes: asset.1,
            gzipped: OnceLock::new(),
        }
    }

    fn gzipped(&self) -> &[u8] {
        self.gzipped.get_or_init(|| gzip(self.bytes))
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec does not fail.
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

/// Whether the request's Accept-Encoding takes gzip (not refused with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';').map(str::trim);
            let coding = it.next().unwrap_or("");
            let refused = it.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

static CSS_ASSET: Asset = Asset::new(CSS);
static APP_JS_ASSET: Asset = Asset::new(APP_JS);
static HTMX_ASSET: Asset = Asset::new(HTMX);
static ECHARTS_ASSET: Asset = Asset::new(ECHARTS);

/// Asset URLs carry no version yet, so a day's caching: long enough for a county network,
/// short enough that a new release reaches every browser the next day.
const CACHING: &str = "public, max-age=86400";

fn serve_text(asset: &'static Asset, headers: &HeaderMap) -> Response {
    let base = [
        (CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
        (CACHE_CONTROL, HeaderValue::from_static(CACHING)),
        (VARY, HeaderValue::from_static("accept-encoding")),
    ];
    if accepts_gzip(headers) {
        let body = asset.gzipped();
        (
            base,
            [(CONTENT_ENCODING, HeaderValue::from_static("gzip"))],
            body,
        )
            .into_response()
    } else {
        (base, asset.bytes).into_response()
    }
}

fn serve(asset: (&'static str, &'static [u8])) -> impl IntoResponse {
    ([(CONTENT_TYPE, asset.0), (CACHE_CONTROL, CACHING)], asset.1)
}

pub fn router() -> Router<crate::AppState> {
    Router::new()
        .route(
            "/static/app.css",
            get(|h: HeaderMap| async move { serve_text(&CSS_ASSET, &h) }),
        )
        .route(
            "/static/app.js",
            get(|h: HeaderMap| async move { serve_text(&APP_JS_ASSET, &h) }),
        )
        .route(
            "/static/vendor/htmx.min.js",
            get(|h: HeaderMap| async move { serve_text(&HTMX_ASSET, &h) }),
        )
        .route(
            "/static/vendor/echarts.min.js",
            get(|h: HeaderMap| async move { serve_text(&ECHARTS_ASSET, &h) }),
        )
        .route("/static/favicon.svg", get(|| async { serve(FAVICON) }))
        .route("/favicon.ico", get(|| async { serve(FAVICON) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        assert!(accepts_gzip(&accept("gzip, deflate, br")));
        assert!(accepts_gzip(&accept("br;q=1.0, gzip;q=0.8")));
        assert!(accepts_gzip(&accept("*")));
        assert!(!accepts_gzip(&accept("br")));
        assert!(!accepts_gzip(&accept("gzip;q=0")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn the_gzipped_form_reads_back_to_the_asset() {
        use std::io::Read;
        let z = CSS_ASSET.gzipped();
        assert!(z.len() < CSS.1.len());
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(z)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, CSS.1);
    }
}
