//! 督查检查考核 pages.
use axum::Router;
use jianfu_web::AppState;

pub fn pages() -> Router<AppState> {
    Router::new()
}
