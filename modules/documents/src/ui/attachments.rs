//! The 附件 panel of a document's page: upload and removal. Downloads go through the API
//! route, which takes the session cookie as well.
use super::document_page;
use crate::attachments;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_core::AppError;
use jianfu_web::auth::PageUser;
use jianfu_web::error::PageError;
use jianfu_web::extract::{file_field, IdPair, IdPath};
use jianfu_web::AppState;

/// `POST /documents/{id}/attachments` (multipart, field `file`).
pub async fn upload(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(doc): IdPath,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    // Who may attach is known from the path and the session: refused before the body is read.
    attachments::may_attach(&s.db, &id.actor, doc).await?;
    let outcome = match file_field(&mut multipart).await {
        Ok(Some((name, bytes))) => attachments::add(&s.db, &s.parser, &id.actor, doc, &name, bytes)
            .await
            .map(|_| ()),
        Ok(None) => Err(AppError::invalid("file", "不能为空")),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/documents/{doc}#attachments")).into_response()),
        Err(e) if e.status() == 422 || e.status() == 400 => {
            document_page(&s, &id, doc, false, Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}

/// `POST /documents/{id}/attachments/{attachment_id}/delete`.
pub async fn delete(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPair(doc, attachment): IdPair,
) -> Result<Response, PageError> {
    attachments::remove(&s.db, &id.actor, doc, attachment).await?;
    Ok(Redirect::to(&format!("/documents/{doc}#attachments")).into_response())
}
