//! `/api/v1/dashboard`: the figures of the home page's charts.
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use jianfu_domain::dashboard::{self, Dashboard};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// The year (default: this year).
    #[serde(default, deserialize_with = "empty_as_none")]
    year: Option<i32>,
}

/// Documents and meetings per month against last year, open warnings by rule and the issuers
/// reaching the most grassroots units, within the caller's view.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "ledger", params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn dashboard(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let year = q.year.unwrap_or_else(jianfu_core::time::current_year);
    Ok(Json(dashboard::overview(&s.db, &actor, year).await?))
}
