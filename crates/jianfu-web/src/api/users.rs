//! `/api/v1/users`: accounts.
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery, IdPath, JsonBody};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jianfu_core::{Page, Paged, Role};
use jianfu_domain::people::{self, CreateUser, ListUsers, UpdateUser, User};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Only users of units in this subtree.
    #[serde(default, deserialize_with = "empty_as_none")]
    subtree: Option<i64>,
    /// Only users of this unit.
    #[serde(default, deserialize_with = "empty_as_none")]
    unit: Option<i64>,
    /// admin|supervisor|filer|grassroots|inspector
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    role: Option<RoleParam>,
    /// Part of the username or name.
    #[serde(default)]
    q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    per_page: Option<u32>,
}

#[derive(Debug, Clone, Copy)]
struct RoleParam(Role);

impl std::str::FromStr for RoleParam {
    type Err = <Role as std::str::FromStr>::Err;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(RoleParam)
    }
}

/// List accounts in the caller's scope (专班办公室, 纪检, 管理员).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = Paged<User>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_users(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> Result<Json<Paged<User>>, ApiError> {
    let page = Page::parse(q.page, q.per_page)?;
    let filter = ListUsers {
        within: q.subtree,
        unit: q.unit,
        role: q.role.map(|r| r.0),
        q: q.q,
    };
    Ok(Json(people::list(&s.db, &actor, filter, page).await?))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, description = "用户编号")),
    responses((status = 200, body = User), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_user(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<User>, ApiError> {
    Ok(Json(people::get(&s.db, &actor, id).await?))
}

/// Create an account in a unit of the caller's scope.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = User), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_user(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<CreateUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(people::create(&s.db, &actor, input).await?),
    ))
}

/// Change an account: name, role, unit, phone, state, or reset its password.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, description = "用户编号")), request_body = UpdateUser,
    responses((status = 200, body = User), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_user(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<UpdateUser>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(people::update(&s.db, &actor, id, input).await?))
}
