//! `/api/v1/rules` and `/api/v1/warnings`: the rule catalogue and the early warnings.
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery, IdPath, JsonBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chrono::NaiveDate;
use jianfu_core::{AppError, Page, Paged};
use jianfu_domain::warnings::WarningView;
use jianfu_domain::warnings::{
    self, ListWarnings, RuleUpdate, RuleView, WarningActionInput, WarningDetail,
};
use serde::Deserialize;
use utoipa::IntoParams;

/// Every rule with its source, severity and the parameter values in force in the caller's region.
#[utoipa::path(get, path = "/api/v1/rules", tag = "warnings",
    responses((status = 200, body = Vec<RuleView>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_rules(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<RuleView>>, ApiError> {
    Ok(Json(warnings::list_rules(&s.db, &actor).await?))
}

/// Change a rule's parameters or switch it off for the caller's region (专班办公室); warnings are re-evaluated.
#[utoipa::path(put, path = "/api/v1/rules/{id}", tag = "warnings", params(("id" = String, Path, description = "规则编号，如 doc.length")), request_body = RuleUpdate,
    responses((status = 200, body = RuleView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_rule(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<RuleUpdate>,
) -> Result<Json<RuleView>, ApiError> {
    Ok(Json(
        warnings::update_rule(&s.db, &actor, &id, input).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WarningQuery {
    /// Rule id, e.g. doc.length
    #[serde(default, deserialize_with = "empty_as_none")]
    rule: Option<String>,
    /// The responsible unit.
    #[serde(default, deserialize_with = "empty_as_none")]
    unit: Option<i64>,
    /// open (everything not yet closed or resolved, returned ones included)|justified|returned|acknowledged|closed|resolved
    #[serde(default, deserialize_with = "empty_as_none")]
    status: Option<String>,
    /// violation|warning
    #[serde(default, deserialize_with = "empty_as_none")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    to: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    per_page: Option<u32>,
}

/// Warnings in the caller's scope (a filer: its own unit's), newest first.
#[utoipa::path(get, path = "/api/v1/warnings", tag = "warnings", params(WarningQuery),
    responses((status = 200, body = Paged<WarningView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_warnings(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<WarningQuery>,
) -> Result<Json<Paged<WarningView>>, ApiError> {
    let page = Page::parse(q.page, q.per_page)?;
    if q.status
        .as_deref()
        .is_some_and(|st| !warnings::STATUSES.contains(&st))
    {
        return Err(ApiError(AppError::invalid("status", "取值无效")));
    }
    if q.severity
        .as_deref()
        .is_some_and(|sv| !matches!(sv, "violation" | "warning"))
    {
        return Err(ApiError(AppError::invalid("severity", "取值无效")));
    }
    let f = ListWarnings {
        rule: q.rule,
        unit: q.unit,
        status: q.status,
        severity: q.severity,
        from: q.from,
        to: q.to,
    };
    Ok(Json(warnings::list(&s.db, &actor, f, page).await?))
}

/// One warning with its rule text, source, figures, records and history.
#[utoipa::path(get, path = "/api/v1/warnings/{id}", tag = "warnings", params(("id" = i64, Path, description = "预警编号")),
    responses((status = 200, body = WarningDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_warning(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<WarningDetail>, ApiError> {
    Ok(Json(warnings::get(&s.db, &actor, id).await?))
}

/// Justify (the responsible unit, again after a return), return a justification with its reason
/// (退回, only a justified warning; 409 otherwise), acknowledge or close (专班办公室) a warning,
/// with a comment.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/actions", tag = "warnings", params(("id" = i64, Path, description = "预警编号")), request_body = WarningActionInput,
    responses((status = 200, body = WarningDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn act_on_warning(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<WarningActionInput>,
) -> Result<Json<WarningDetail>, ApiError> {
    Ok(Json(warnings::act(&s.db, &actor, id, input).await?))
}
