//! `/api/v1/meetings`: the meetings ledger's JSON API.
use crate::model::{self, Meeting, MeetingDetail, MeetingInput};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jianfu_core::Paged;
use jianfu_domain::targets::WithdrawInput;
use jianfu_web::api::ledger::ItemQuery;
use jianfu_web::auth::ApiActor;
use jianfu_web::error::{ApiError, ErrorBody};
use jianfu_web::extract::{ApiQuery, IdPath, JsonBody};
use jianfu_web::AppState;

/// Meetings held in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "ledger", params(ItemQuery),
    responses((status = 200, body = Paged<Meeting>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_meetings(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ItemQuery>,
) -> Result<Json<Paged<Meeting>>, ApiError> {
    let (f, page) = q.parts()?;
    Ok(Json(model::list(&s.db, &actor, f, page).await?))
}

/// One meeting with its targets.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "ledger", params(("id" = i64, Path, description = "会议编号")),
    responses((status = 200, body = MeetingDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_meeting(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<MeetingDetail>, ApiError> {
    Ok(Json(model::get(&s.db, &actor, id).await?))
}

/// Record a meeting; the rules run at once.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "ledger", request_body = MeetingInput,
    responses((status = 201, body = MeetingDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_meeting(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<MeetingInput>,
) -> Result<(StatusCode, Json<MeetingDetail>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(model::save(&s.db, &actor, None, input).await?),
    ))
}

/// Replace a meeting.
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "ledger", params(("id" = i64, Path, description = "会议编号")), request_body = MeetingInput,
    responses((status = 200, body = MeetingDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn replace_meeting(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<MeetingInput>,
) -> Result<Json<MeetingDetail>, ApiError> {
    Ok(Json(model::save(&s.db, &actor, Some(id), input).await?))
}

/// Withdraw a meeting (作废) with a reason: it leaves every count and rule, its warnings resolve,
/// and it stays readable with its history. Its organizer's filer or the office may.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/withdraw", tag = "ledger", params(("id" = i64, Path, description = "会议编号")), request_body = WithdrawInput,
    responses((status = 200, body = MeetingDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw_meeting(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<WithdrawInput>,
) -> Result<Json<MeetingDetail>, ApiError> {
    Ok(Json(
        model::withdraw(&s.db, &actor, id, &input.reason).await?,
    ))
}
