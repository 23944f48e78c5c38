//! `/api/v1/burden`, `/api/v1/plans`: the burden ledger seen from below and annual plans; and
//! the item-list query every channel's module takes.
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery, JsonBody};
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use jianfu_core::Page;
use jianfu_domain::burden::{self, BurdenLedger, IssuerRank};
use jianfu_domain::ledger_items::{self, ItemsBehind, MonthFigures};
use jianfu_domain::plans::{self, PlanInput, PlanRow};
use jianfu_domain::targets::ListItems;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ItemQuery {
    /// Only items of this issuer (organizer).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub issuer: Option<i64>,
    /// From this date (YYYY-MM-DD).
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    pub from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    pub to: Option<NaiveDate>,
    /// Part of the title.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub per_page: Option<u32>,
    /// The withdrawn items (已作废) instead of those in force.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub withdrawn: Option<bool>,
}

impl ItemQuery {
    /// The list filter and the page asked for.
    pub fn parts(self) -> Result<(ListItems, Page), ApiError> {
        let page = Page::parse(self.page, self.per_page)?;
        let f = ListItems {
            issuer: self.issuer,
            from: self.from,
            to: self.to,
            q: self.q,
            withdrawn: self.withdrawn.unwrap_or(false),
        };
        Ok((f, page))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BurdenQuery {
    /// The receiving unit; the caller's own unit when absent.
    #[serde(default, deserialize_with = "empty_as_none")]
    unit: Option<i64>,
    /// Start of the period (YYYY-MM-DD); 1 January of this year when absent.
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    from: Option<NaiveDate>,
    /// End of the period; today when absent.
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    to: Option<NaiveDate>,
    /// For the issuer ranking: how many issuers.
    #[serde(default, deserialize_with = "empty_as_none")]
    limit: Option<i64>,
}

pub(crate) fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (NaiveDate, NaiveDate) {
    let today = jianfu_core::time::today();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    (from, to)
}

/// The burden ledger of a unit: what landed on it per channel and issuer, with the same period a year earlier.
#[utoipa::path(get, path = "/api/v1/burden", tag = "ledger", params(BurdenQuery),
    responses((status = 200, body = BurdenLedger), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn burden_ledger(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<BurdenQuery>,
) -> Result<Json<BurdenLedger>, ApiError> {
    let (from, to) = period(q.from, q.to);
    Ok(Json(
        burden::ledger(&s.db, &actor, q.unit.unwrap_or(actor.unit_id), from, to).await?,
    ))
}

/// Issuers of the given unit's subtree (the caller's scope when absent) ranked by the townships
/// and villages their items reached in the period.
#[utoipa::path(get, path = "/api/v1/burden/issuers", tag = "ledger", params(BurdenQuery),
    responses((status = 200, body = Vec<IssuerRank>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn issuer_ranking(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<BurdenQuery>,
) -> Result<Json<Vec<IssuerRank>>, ApiError> {
    let (from, to) = period(q.from, q.to);
    let limit = q.limit.unwrap_or(20);
    if !(1..=500).contains(&limit) {
        return Err(ApiError(jianfu_core::AppError::invalid(
            "limit",
            "应为1至500之间的整数",
        )));
    }
    let unit = q.unit.unwrap_or(actor.scope_root);
    Ok(Json(
        ledger_items::ranking(&s.db, &actor, unit, from, to, limit).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BehindQuery {
    /// The ledger's unit; the caller's own unit when absent. With `issued`, the unit whose
    /// subtree the issuer ranking covers.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub unit: Option<i64>,
    /// The channel of the figure: `documents`, `meetings`, …; every channel's items when absent.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub channel: Option<String>,
    /// Only items of this issuer (a line of the by-issuer table, a row of the ranking).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub issuer: Option<i64>,
    /// Only this month of the period (YYYY-MM).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub month: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    pub from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>)]
    pub to: Option<NaiveDate>,
    /// The ranking's figure: what `issuer` issued, rather than what landed on `unit`.
    #[serde(default)]
    pub issued: bool,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub per_page: Option<u32>,
}

impl BehindQuery {
    /// What to open and the page, the unit defaulting to `default_unit`.
    pub fn parts(self, default_unit: i64) -> Result<(ledger_items::Ask, Page), ApiError> {
        let page = Page::parse(self.page, self.per_page)?;
        let (from, to) = period(self.from, self.to);
        let ask = ledger_items::Ask {
            unit: self.unit.unwrap_or(default_unit),
            channel: self.channel,
            issuer: self.issuer,
            month: self.month,
            from,
            to,
            issued: self.issued,
        };
        Ok((ask, page))
    }
}

/// The items behind a figure of the burden ledger (a channel's count, by issuer, by month) or of
/// the issuer ranking: title, issuer, date, measure and page of each; `total` is the figure.
#[utoipa::path(get, path = "/api/v1/burden/items", tag = "ledger", params(BehindQuery),
    responses((status = 200, body = ItemsBehind), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn burden_items(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<BehindQuery>,
) -> Result<Json<ItemsBehind>, ApiError> {
    let (ask, page) = q.parts(actor.unit_id)?;
    Ok(Json(ledger_items::items(&s.db, &actor, ask, page).await?))
}

/// The burden ledger of a unit by month: what landed on it in each month of the period, per channel.
#[utoipa::path(get, path = "/api/v1/burden/months", tag = "ledger", params(BurdenQuery),
    responses((status = 200, body = Vec<MonthFigures>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn burden_months(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<BurdenQuery>,
) -> Result<Json<Vec<MonthFigures>>, ApiError> {
    let (from, to) = period(q.from, q.to);
    let unit = q.unit.unwrap_or(actor.unit_id);
    Ok(Json(
        ledger_items::months(&s.db, &actor, unit, from, to).await?,
    ))
}

/// The burden ledger of a unit as an .xlsx workbook: a summary sheet (汇总) and one sheet per
/// channel with its items (at most 20,000 per channel, the newest; the sheet's note says so).
#[utoipa::path(get, path = "/api/v1/burden.xlsx", tag = "ledger", params(BurdenQuery),
    responses((status = 200, description = "负担台账工作簿", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn burden_xlsx(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<BurdenQuery>,
) -> Result<Response, ApiError> {
    let (from, to) = period(q.from, q.to);
    let unit = q.unit.unwrap_or(actor.unit_id);
    let (ledger, items) = ledger_items::export(&s.db, &actor, unit, from, to).await?;
    let bytes = crate::burden_xlsx::workbook(&ledger, &items)?;
    Ok(crate::burden_xlsx::download(&ledger, bytes))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    /// The plan year; this year when absent.
    #[serde(default, deserialize_with = "empty_as_none")]
    year: Option<i64>,
}

/// Annual plans, quotas and actual counts of the units in the caller's scope.
#[utoipa::path(get, path = "/api/v1/plans", tag = "ledger", params(PlanQuery),
    responses((status = 200, body = Vec<PlanRow>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_plans(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<Vec<PlanRow>>, ApiError> {
    let year = q
        .year
        .unwrap_or_else(|| i64::from(jianfu_core::time::current_year()));
    Ok(Json(plans::overview(&s.db, &actor, year).await?))
}

/// Set a unit's plan for a year (专班办公室); the count rules are re-evaluated.
#[utoipa::path(put, path = "/api/v1/plans", tag = "ledger", request_body = PlanInput,
    responses((status = 200, body = Vec<PlanRow>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_plan(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<Json<Vec<PlanRow>>, ApiError> {
    Ok(Json(plans::set(&s.db, &actor, input).await?))
}
