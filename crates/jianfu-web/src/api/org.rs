//! `/api/v1/org-units`: the org tree.
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery, IdPath, JsonBody};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jianfu_core::{Level, Page, Paged};
use jianfu_domain::org::{self, CreateUnit, ListUnits, OrgUnit, UpdateUnit};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UnitQuery {
    /// Only direct children of this unit.
    #[serde(default, deserialize_with = "empty_as_none")]
    parent: Option<i64>,
    /// Only units in the subtree of this unit.
    #[serde(default, deserialize_with = "empty_as_none")]
    subtree: Option<i64>,
    /// province|city|county|township|village|department
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    level: Option<LevelParam>,
    /// Part of the name or the code.
    #[serde(default)]
    q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    per_page: Option<u32>,
}

#[derive(Debug, Clone, Copy)]
struct LevelParam(Level);

impl std::str::FromStr for LevelParam {
    type Err = <Level as std::str::FromStr>::Err;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(LevelParam)
    }
}

/// List units in the caller's scope, with paging and filters.
#[utoipa::path(get, path = "/api/v1/org-units", tag = "org", params(UnitQuery),
    responses((status = 200, body = Paged<OrgUnit>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_units(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<Paged<OrgUnit>>, ApiError> {
    let page = Page::parse(q.page, q.per_page)?;
    let filter = ListUnits {
        parent: q.parent,
        within: q.subtree,
        level: q.level.map(|l| l.0),
        q: q.q,
    };
    Ok(Json(org::list(&s.db, &actor, filter, page).await?))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/org-units/{id}", tag = "org", params(("id" = i64, Path, description = "单位编号")),
    responses((status = 200, body = OrgUnit), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_unit(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<OrgUnit>, ApiError> {
    Ok(Json(org::get(&s.db, &actor, id).await?))
}

/// Create a unit under a parent in the caller's scope (专班办公室, 管理员).
#[utoipa::path(post, path = "/api/v1/org-units", tag = "org", request_body = CreateUnit,
    responses((status = 201, body = OrgUnit), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_unit(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<CreateUnit>,
) -> Result<(StatusCode, Json<OrgUnit>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(org::create(&s.db, &actor, input).await?),
    ))
}

/// Change a unit's name, code, order or state.
#[utoipa::path(patch, path = "/api/v1/org-units/{id}", tag = "org", params(("id" = i64, Path, description = "单位编号")), request_body = UpdateUnit,
    responses((status = 200, body = OrgUnit), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_unit(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<UpdateUnit>,
) -> Result<Json<OrgUnit>, ApiError> {
    Ok(Json(org::update(&s.db, &actor, id, input).await?))
}
