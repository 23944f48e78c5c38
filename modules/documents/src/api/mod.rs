//! `/api/v1/documents`: the documents ledger's JSON API.
pub mod attachments;

use crate::model::{self as documents, DocumentDetail, DocumentInput, ListedDocument};
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
/// Documents issued in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/documents", tag = "ledger", params(ItemQuery),
    responses((status = 200, body = Paged<ListedDocument>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_documents(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ItemQuery>,
) -> Result<Json<Paged<ListedDocument>>, ApiError> {
    let (f, page) = q.parts()?;
    Ok(Json(documents::list(&s.db, &actor, f, page).await?))
}

/// One document with its body and targets.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "ledger", params(("id" = i64, Path, description = "文件编号")),
    responses((status = 200, body = DocumentDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_document(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<DocumentDetail>, ApiError> {
    Ok(Json(documents::get(&s.db, &actor, id).await?))
}

/// Record a document; the rules run at once and any warning is raised in the same write.
#[utoipa::path(post, path = "/api/v1/documents", tag = "ledger", request_body = DocumentInput,
    responses((status = 201, body = DocumentDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_document(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(input): JsonBody<DocumentInput>,
) -> Result<(StatusCode, Json<DocumentDetail>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(documents::save(&s.db, &actor, None, input).await?),
    ))
}

/// Replace a document; warnings whose cause went away are resolved.
#[utoipa::path(put, path = "/api/v1/documents/{id}", tag = "ledger", params(("id" = i64, Path, description = "文件编号")), request_body = DocumentInput,
    responses((status = 200, body = DocumentDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn replace_document(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<DocumentInput>,
) -> Result<Json<DocumentDetail>, ApiError> {
    Ok(Json(documents::save(&s.db, &actor, Some(id), input).await?))
}

/// Withdraw a document (作废) with a reason: it leaves every count and rule, its warnings resolve,
/// and it stays readable with its history. Its issuer's filer or the office may.
#[utoipa::path(post, path = "/api/v1/documents/{id}/withdraw", tag = "ledger", params(("id" = i64, Path, description = "文件编号")), request_body = WithdrawInput,
    responses((status = 200, body = DocumentDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw_document(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<WithdrawInput>,
) -> Result<Json<DocumentDetail>, ApiError> {
    Ok(Json(
        documents::withdraw(&s.db, &actor, id, &input.reason).await?,
    ))
}
