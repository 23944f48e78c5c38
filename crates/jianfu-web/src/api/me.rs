//! `/api/v1/me`: who the caller is.
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use jianfu_core::Actor;

/// The calling user, its role and its scope.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = Actor), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(ApiActor(actor): ApiActor) -> Result<Json<Actor>, ApiError> {
    Ok(Json(actor))
}
