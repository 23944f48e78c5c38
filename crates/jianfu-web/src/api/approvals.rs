//! `/api/v1/approvals`: approvals as records — a unit applies, whoever may give the approval
//! decides, the item cites it (`approval_ids` of a document or meeting).
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery, IdPath, JsonBody};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jianfu_core::{Page, Paged};
use jianfu_domain::approvals::{self, Approval, ApprovalInput, DecisionInput, Kind, ListFilter};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ApprovalQuery {
    /// pending (待审批) | approved (已批准) | rejected (已驳回)
    #[serde(default, deserialize_with = "empty_as_none")]
    status: Option<String>,
    /// The items' channel: documents | meetings
    #[serde(default, deserialize_with = "empty_as_none")]
    channel: Option<String>,
    /// plan | out_of_plan | leaders | reach | head_signoff
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    approval_kind: Option<Kind>,
    /// The applying unit.
    #[serde(default, deserialize_with = "empty_as_none")]
    unit: Option<i64>,
    /// Only approved ones no item cites yet (what can still be cited).
    #[serde(default)]
    free: bool,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    per_page: Option<u32>,
}

/// Applications in the caller's scope (a filer or township: its own unit's), pending first.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "approvals", params(ApprovalQuery),
    responses((status = 200, body = Paged<Approval>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_approvals(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ApprovalQuery>,
) -> Result<Json<Paged<Approval>>, ApiError> {
    let page = Page::parse(q.page, q.per_page)?;
    let f = ListFilter {
        status: q.status,
        channel: q.channel,
        kind: q.approval_kind,
        unit: q.unit,
        free: q.free,
    };
    Ok(Json(approvals::list(&s.db, &actor, f, page).await?))
}

/// Apply (申请) for an approval in the name of a unit: a filer or township for its own unit.
#[utoipa::path(post, path = "/api/v1/approvals", tag = "approvals", request_body = ApprovalInput,
    responses((status = 201, body = Approval), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn apply(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<ApprovalInput>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(approvals::apply(&s.db, &actor, input).await?),
    ))
}

/// One application with its decision and the item citing it.
#[utoipa::path(get, path = "/api/v1/approvals/{id}", tag = "approvals", params(("id" = i64, Path, description = "审批编号")),
    responses((status = 200, body = Approval), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_approval(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<Approval>, ApiError> {
    Ok(Json(approvals::get(&s.db, &actor, id).await?))
}

/// Approve or reject (专班办公室; a head's sign-off also another account of the issuing unit);
/// never by the applicant (403), only once (409); a rejection needs its reason.
#[utoipa::path(post, path = "/api/v1/approvals/{id}/decision", tag = "approvals", params(("id" = i64, Path, description = "审批编号")), request_body = DecisionInput,
    responses((status = 200, body = Approval), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<DecisionInput>,
) -> Result<Json<Approval>, ApiError> {
    Ok(Json(approvals::decide(&s.db, &actor, id, input).await?))
}
