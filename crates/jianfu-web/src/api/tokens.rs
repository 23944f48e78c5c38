//! `/api/v1/tokens`: bearer tokens (接口令牌) — one's own, and for the administrator those of
//! the accounts in its scope.
use crate::auth::{ApiActor, ApiIdentity};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery, IdPath, JsonBody};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jianfu_core::{AppError, Page, Paged};
use jianfu_domain::tokens::{self, ApiToken, IssuedToken, ListTokens, TokenInput};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TokenQuery {
    /// One account's tokens: one's own, or (administrator) any account's in scope.
    #[serde(default, deserialize_with = "empty_as_none")]
    user: Option<i64>,
    /// Every account's tokens in the caller's scope (administrator).
    #[serde(default, deserialize_with = "empty_as_none")]
    all: Option<bool>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    per_page: Option<u32>,
}

/// List API tokens, newest first: the caller's own; the administrator also one account's
/// (`user`) or every account's in its scope (`all=true`). Secrets are never listed.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "session", params(TokenQuery),
    responses((status = 200, body = Paged<ApiToken>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_tokens(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<TokenQuery>,
) -> Result<Json<Paged<ApiToken>>, ApiError> {
    let page = Page::parse(q.page, q.per_page)?;
    let ask = ListTokens {
        user: q.user,
        all: q.all.unwrap_or(false),
    };
    Ok(Json(tokens::list(&s.db, &actor, ask, page).await?))
}

/// Issue a token for oneself (name, 1–365 days, default 90); the secret is in this answer only.
/// Only from a signed-in web session (with its `X-CSRF-Token`): a token cannot issue tokens, so
/// that revoking a leaked token is the end of it.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "session", request_body = TokenInput,
    responses((status = 201, body = IssuedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn issue_token(
    State(s): State<AppState>,
    ApiIdentity(identity): ApiIdentity,
    JsonBody(input): JsonBody<TokenInput>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    if identity.csrf.is_none() {
        return Err(ApiError(AppError::Forbidden {
            message: "接口令牌不能签发新的令牌，请登录平台网页后签发".into(),
            field: None,
        }));
    }
    Ok((
        StatusCode::CREATED,
        Json(tokens::issue(&s.db, &identity.actor, input).await?),
    ))
}

/// Revoke a token: one's own, or (administrator) any account's in scope. Revoking a revoked
/// token is allowed and changes nothing.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "session", params(("id" = i64, Path, description = "令牌编号")),
    responses((status = 200, body = ApiToken), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke_token(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<ApiToken>, ApiError> {
    Ok(Json(tokens::revoke(&s.db, &actor, id).await?))
}
