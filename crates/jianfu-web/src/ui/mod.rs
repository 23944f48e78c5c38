//! The server-rendered Chinese UI. Pages call the same domain functions as the API.
mod approvals;
mod audit;
mod burden;
mod home;
pub mod items;
mod org;
mod plans;
mod session;
mod tokens;
mod users;
mod warnings;

use crate::auth::Identity;
use crate::error::PageError;
use crate::module::{self, NavItem};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use jianfu_core::AppError;
use serde::de::DeserializeOwned;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/", get(home::home))
        .route("/org", get(org::scope_page))
        .route("/org/pick", get(org::pick))
        .route("/org/{id}", get(org::unit_page_handler))
        .route("/org/{id}/tree", get(org::tree_children))
        .route("/org/{id}/search", get(org::search))
        .route("/org/{id}/children", post(org::create_child))
        .route("/org/{id}/edit", post(org::edit))
        .route("/users", get(users::list))
        .route("/users/new", get(users::new_form).post(users::create))
        .route("/users/{id}", get(users::edit_form).post(users::update))
        .route("/audit", get(audit::list))
        .route("/audit.xlsx", get(audit::export))
        .route("/audit/verify", post(audit::verify))
        .route("/tokens", get(tokens::list).post(tokens::issue))
        .route("/tokens/{id}/revoke", post(tokens::revoke))
        .route("/burden", get(burden::burden_page))
        .route("/burden/items", get(burden::items_page))
        .route("/burden/units", get(burden::units_pick))
        .route("/burden.xlsx", get(burden::burden_xlsx))
        .route("/targets/reach", get(items::reach_preview))
        .route("/plans", get(plans::plans_page).post(plans::plan_save))
        .route("/approvals", get(approvals::list))
        .route(
            "/approvals/new",
            get(approvals::new_form).post(approvals::apply),
        )
        .route(
            "/approvals/{id}",
            get(approvals::detail).post(approvals::decide),
        )
        .route("/warnings", get(warnings::list))
        .route("/warnings/{id}", get(warnings::detail).post(warnings::act))
        .route("/rules", get(warnings::rules_list))
        .route("/rules/{id}", post(warnings::rule_save))
}

/// What every page around its content shows: who is signed in, the navigation, the CSRF token.
pub struct Chrome {
    pub title: String,
    pub user_name: String,
    pub role_label: &'static str,
    pub unit_name: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

impl Chrome {
    pub fn new(identity: &Identity, current: &str, title: impl Into<String>) -> Chrome {
        let a = &identity.actor;
        Chrome {
            title: title.into(),
            user_name: a.display_name.clone(),
            role_label: a.role.label(),
            unit_name: a.unit_name.clone(),
            csrf: identity.csrf.clone().unwrap_or_default(),
            nav: module::nav_items(a, current),
        }
    }
}

/// Renders a template or fails as an internal error.
/// JSON to embed in a `<script type="application/json">` (chart data): `</` cannot close it.
pub fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace("</", "<\\/")
}

pub fn render<T: Template>(t: &T) -> Result<Response, PageError> {
    t.render()
        .map(|html| Html(html).into_response())
        .map_err(|e| PageError(AppError::internal(e)))
}

/// A urlencoded form body parsed with the field at fault named.
pub struct FormBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormBody<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError(AppError::PayloadTooLarge("2MB".into())))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| PageError(AppError::bad_request("bad_encoding", "表单编码有误", None)))?;
        crate::extract::parse_query(text)
            .map(FormBody)
            .map_err(PageError)
    }
}

/// Unknown paths: JSON under `/api/`, a Chinese page elsewhere.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::error::ApiError(AppError::NotFound("接口")).into_response()
    } else {
        PageError(AppError::NotFound("页面")).into_response()
    }
}
