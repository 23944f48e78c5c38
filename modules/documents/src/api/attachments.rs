//! `/api/v1/documents/{id}/attachments`: files attached to a document.
use crate::attachments::{self, Attachment};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jianfu_core::AppError;
use jianfu_web::auth::ApiActor;
use jianfu_web::error::{ApiError, ErrorBody};
use jianfu_web::extract::{IdPair, IdPath, Upload};
use jianfu_web::AppState;

/// Multipart form of an attachment upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// The file (.docx, .pdf, .xlsx, .jpg …, at most 20 MB).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Attach a file to a document (multipart, field `file`). The document's length is still
/// counted on its body only. A caller who may not attach is refused before the file is read;
/// the file's text (for its 字数) is read by a bounded worker: past its limits the upload is
/// refused (422), with every worker busy it is 503.
#[utoipa::path(post, path = "/api/v1/documents/{id}/attachments", tag = "ledger",
    params(("id" = i64, Path, description = "文件编号")),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = Attachment), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, description = "文件解析任务繁忙（code busy）", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_attachment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    upload: Upload,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    // Who may attach is known from the path and the token: refused before the body is read.
    attachments::may_attach(&s.db, &actor, id).await?;
    let (name, bytes) = upload
        .file()
        .await?
        .ok_or_else(|| AppError::invalid("file", "不能为空"))?;
    let a = attachments::add(&s.db, &s.parser, &actor, id, &name, bytes).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Download an attachment.
#[utoipa::path(get, path = "/api/v1/documents/{id}/attachments/{attachment_id}", tag = "ledger",
    params(("id" = i64, Path, description = "文件编号"), ("attachment_id" = i64, Path, description = "附件编号")),
    responses((status = 200, description = "附件内容", content_type = "application/octet-stream"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn download_attachment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPair(id, attachment_id): IdPair,
) -> Result<Response, ApiError> {
    let (a, bytes) = attachments::download(&s.db, &actor, id, attachment_id).await?;
    Ok(file_response(&a, bytes))
}

/// Remove an attachment.
#[utoipa::path(delete, path = "/api/v1/documents/{id}/attachments/{attachment_id}", tag = "ledger",
    params(("id" = i64, Path, description = "文件编号"), ("attachment_id" = i64, Path, description = "附件编号")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_attachment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPair(id, attachment_id): IdPair,
) -> Result<StatusCode, ApiError> {
    attachments::remove(&s.db, &actor, id, attachment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A stored file as a download: never rendered inline, whatever its bytes claim to be.
pub fn file_response(a: &Attachment, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"attachment\"; filename*=UTF-8''{}",
        percent_encode(&a.name)
    );
    (
        [
            (CONTENT_TYPE, a.content_type.clone()),
            (CONTENT_DISPOSITION, disposition),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// RFC 5987 encoding of a file name.
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
