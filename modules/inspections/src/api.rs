//! `/api/v1/inspections`: the JSON API of 督查检查考核、调研, and the public pre-notice feed.
use crate::calendar::{self, Applied, ApplyInput, Bundles, CalendarView, StaggerView, YearQuery};
use crate::hosted::{self, Hosted, HostedQuery};
use crate::model::{
    self, Category, Inspection, InspectionDetail, InspectionInput, ListInspections, PlanFiled,
    PlanInput, Status,
};
use crate::overview::{self, LeadersWeek, Overview, WeekQuery};
use crate::prenotice::{self, PreNotice, PreNoticeQuery};
use crate::review::{self, AnswerInput, DecisionInput, Notice, Objection, ObjectionInput};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use jianfu_core::{Page, Paged};
use jianfu_domain::targets::ListItems;
use jianfu_web::auth::ApiActor;
use jianfu_web::error::{ApiError, ErrorBody};
use jianfu_web::extract::{empty_as_none, ApiQuery, IdPath, JsonBody};
use jianfu_web::AppState;
use serde::Deserialize;

/// Filters of the list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InspectionQuery {
    /// Only items of this organizer.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub organizer: Option<i64>,
    /// Starting from this day (YYYY-MM-DD).
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    pub from: Option<NaiveDate>,
    /// Starting by this day.
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    pub to: Option<NaiveDate>,
    /// pending|approved|rejected
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    pub status: Option<Status>,
    /// supervision|check|assessment|research
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    pub category: Option<Category>,
    /// Part of the title.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub per_page: Option<u32>,
}

impl InspectionQuery {
    pub fn parts(self) -> Result<(ListInspections, Page), ApiError> {
        let page = Page::parse(self.page, self.per_page)?;
        if let (Some(f), Some(t)) = (self.from, self.to) {
            jianfu_domain::burden::check_period(f, t)?;
        }
        Ok((
            ListInspections {
                items: ListItems {
                    issuer: self.organizer,
                    from: self.from,
                    to: self.to,
                    q: self.q,
                    withdrawn: false,
                },
                status: self.status,
                category: self.category,
            },
            page,
        ))
    }
}

const TAG: &str = "inspections";

/// Items in the caller's scope, latest start first.
#[utoipa::path(get, path = "/api/v1/inspections", tag = TAG, params(InspectionQuery),
    responses((status = 200, body = Paged<Inspection>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_inspections(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<InspectionQuery>,
) -> Result<Json<Paged<Inspection>>, ApiError> {
    let (f, page) = q.parts()?;
    Ok(Json(model::list(&s.db, &actor, f, page).await?))
}

/// File a plan item, or apply for an out-of-plan one (`in_plan: false`); it waits for the
/// office's decision, and the rules run at once.
#[utoipa::path(post, path = "/api/v1/inspections", tag = TAG, request_body = InspectionInput,
    responses((status = 201, body = InspectionDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_inspection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<InspectionInput>,
) -> Result<(StatusCode, Json<InspectionDetail>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(model::save(&s.db, &actor, None, input).await?),
    ))
}

/// One item with its targets.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = TAG, params(("id" = i64, Path, description = "事项编号")),
    responses((status = 200, body = InspectionDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_inspection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<InspectionDetail>, ApiError> {
    Ok(Json(model::get(&s.db, &actor, id).await?))
}

/// Replace an item: it waits for a decision again.
#[utoipa::path(put, path = "/api/v1/inspections/{id}", tag = TAG, params(("id" = i64, Path, description = "事项编号")), request_body = InspectionInput,
    responses((status = 200, body = InspectionDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn replace_inspection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<InspectionInput>,
) -> Result<Json<InspectionDetail>, ApiError> {
    Ok(Json(model::save(&s.db, &actor, Some(id), input).await?))
}

/// File a department's annual plan: every item or none.
#[utoipa::path(post, path = "/api/v1/inspections/plan", tag = TAG, request_body = PlanInput,
    responses((status = 201, body = PlanFiled), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn file_plan(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<(StatusCode, Json<PlanFiled>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(model::file_plan(&s.db, &actor, input).await?),
    ))
}

/// The office approves or rejects an item (not one it filed itself).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/decision", tag = TAG, params(("id" = i64, Path, description = "事项编号")), request_body = DecisionInput,
    responses((status = 200, body = InspectionDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<DecisionInput>,
) -> Result<Json<InspectionDetail>, ApiError> {
    Ok(Json(review::decide(&s.db, &actor, id, input).await?))
}

/// A township or village objects to an item landing on it (申请调整).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/objections", tag = TAG, params(("id" = i64, Path, description = "事项编号")), request_body = ObjectionInput,
    responses((status = 201, body = Objection), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn object(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<ObjectionInput>,
) -> Result<(StatusCode, Json<Objection>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(review::object(&s.db, &actor, id, input).await?),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ObjectionQuery {
    /// Only those waiting for an answer.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub open: Option<bool>,
    /// The region (the caller's own when absent).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub region: Option<i64>,
}

/// Objections: a unit's own, a department's items', the office's region's.
#[utoipa::path(get, path = "/api/v1/inspections/objections", tag = TAG, params(ObjectionQuery),
    responses((status = 200, body = Vec<Objection>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_objections(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ObjectionQuery>,
) -> Result<Json<Vec<Objection>>, ApiError> {
    Ok(Json(
        review::objections(&s.db, &actor, q.region, q.open.unwrap_or(false)).await?,
    ))
}

/// The office answers an objection; accepting may move the item within its window.
#[utoipa::path(post, path = "/api/v1/inspections/objections/{id}/answer", tag = TAG, params(("id" = i64, Path, description = "调整申请编号")), request_body = AnswerInput,
    responses((status = 200, body = Objection), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn answer_objection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<AnswerInput>,
) -> Result<Json<Objection>, ApiError> {
    Ok(Json(review::answer(&s.db, &actor, id, input).await?))
}

/// The latest notices to the caller's unit (decisions, moved dates, answers).
#[utoipa::path(get, path = "/api/v1/inspections/notices", tag = TAG,
    responses((status = 200, body = Vec<Notice>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_notices(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<Notice>>, ApiError> {
    Ok(Json(review::notices(&s.db, &actor).await?))
}

/// What a township or village hosts in a period, item by item, with its totals.
#[utoipa::path(get, path = "/api/v1/inspections/hosted", tag = TAG, params(HostedQuery),
    responses((status = 200, body = Hosted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_hosted(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<HostedQuery>,
) -> Result<Json<Hosted>, ApiError> {
    Ok(Json(hosted::hosted(&s.db, &actor, q).await?))
}

/// The region's calendar: units over their weekly cap, and one unit's weeks.
#[utoipa::path(get, path = "/api/v1/inspections/calendar", tag = TAG, params(YearQuery),
    responses((status = 200, body = CalendarView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_calendar(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<CalendarView>, ApiError> {
    Ok(Json(calendar::calendar(&s.db, &actor, q).await?))
}

/// The staggered schedule (错峰) proposed for the region's year.
#[utoipa::path(get, path = "/api/v1/inspections/stagger", tag = TAG, params(YearQuery),
    responses((status = 200, body = StaggerView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_stagger(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<StaggerView>, ApiError> {
    Ok(Json(calendar::propose(&s.db, &actor, q).await?))
}

/// Apply the moves of a staggered schedule; their organizers are notified.
#[utoipa::path(post, path = "/api/v1/inspections/stagger", tag = TAG, request_body = ApplyInput,
    responses((status = 200, body = Applied), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn apply_stagger(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<ApplyInput>,
) -> Result<Json<Applied>, ApiError> {
    Ok(Json(calendar::apply(&s.db, &actor, input).await?))
}

/// Bundling proposals (合并同类项、打捆) with the unit-visits they save.
#[utoipa::path(get, path = "/api/v1/inspections/bundles", tag = TAG, params(YearQuery),
    responses((status = 200, body = Bundles), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_bundles(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Bundles>, ApiError> {
    Ok(Json(calendar::bundles(&s.db, &actor, q).await?))
}

/// The region's year: the count against plans and the base year, months, organizers.
#[utoipa::path(get, path = "/api/v1/inspections/overview", tag = TAG, params(YearQuery),
    responses((status = 200, body = Overview), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_overview(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Overview>, ApiError> {
    Ok(Json(overview::overview(&s.db, &actor, q).await?))
}

/// The leaders' weekly schedule (周要事计划单) and the units visited by several in one week.
#[utoipa::path(get, path = "/api/v1/inspections/leaders", tag = TAG, params(WeekQuery),
    responses((status = 200, body = LeadersWeek), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_leaders(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<WeekQuery>,
) -> Result<Json<LeadersWeek>, ApiError> {
    Ok(Json(overview::leaders(&s.db, &actor, q).await?))
}

/// 预通知: the approved items of a month, for anyone without signing in.
#[utoipa::path(get, path = "/api/v1/public/inspections/pre-notice", tag = TAG, params(PreNoticeQuery),
    responses((status = 200, body = PreNotice), (status = 422, body = ErrorBody)))]
pub async fn get_pre_notice(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PreNoticeQuery>,
) -> Result<Json<PreNotice>, ApiError> {
    Ok(Json(prenotice::pre_notice(&s.db, q).await?))
}
