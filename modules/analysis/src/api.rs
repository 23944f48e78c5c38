//! `/api/v1/analysis/document` (发文前评估), `/api/v1/documents/{id}/analysis` and
//! `/api/v1/search/documents`: document intelligence.
use crate::model::{
    parse_kind, read_text, Assessment, DocumentAnalysis, Kind, SearchInput, SearchPage,
};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::Json;
use jianfu_core::AppError;
use jianfu_web::auth::ApiActor;
use jianfu_web::error::{ApiError, ErrorBody};
use jianfu_web::extract::{empty_as_none, parse_json, ApiQuery, IdPath};
use jianfu_web::AppState;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

/// A draft to assess: JSON, or a multipart form with a `file` (.docx, .doc, .wps, .pdf, .ofd,
/// .txt, or a scan — an image-only PDF, .png or .jpg — read by OCR) and optional `kind` and
/// `single_task` fields.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessInput {
    /// The draft's text.
    pub text: String,
    /// 文种, e.g. 通知 (found in the title when not given).
    #[serde(default)]
    pub kind: Option<String>,
    /// A document about a single task (limit 4,000 characters).
    #[serde(default)]
    pub single_task: bool,
}

/// A draft as read: its text, kind, whether it is a single-task document, and OCR's confidence
/// when its text was read from a scan.
type Draft = (String, Option<Kind>, bool, Option<u8>);

/// Reads the draft from JSON or from an uploaded file (a scan by OCR).
async fn read_draft(req: Request, s: &AppState) -> Result<Draft, AppError> {
    let ct = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("multipart/form-data") {
        let mut mp = Multipart::from_request(req, s)
            .await
            .map_err(|_| AppError::invalid("file", "上传不完整，请重新选择文件"))?;
        let broken = || AppError::invalid("file", "上传不完整或超过20MB，请重新选择文件");
        let (mut file, mut kind, mut single) = (None, None, false);
        while let Some(field) = mp.next_field().await.map_err(|_| broken())? {
            match field.name() {
                Some("file") => {
                    let name = field.file_name().unwrap_or("").to_string();
                    file = Some((name, field.bytes().await.map_err(|_| broken())?));
                }
                Some("kind") => kind = Some(field.text().await.map_err(|_| broken())?),
                Some("single_task") => {
                    single = !field.text().await.map_err(|_| broken())?.trim().is_empty()
                }
                _ => {}
            }
        }
        let (name, bytes) = file.ok_or_else(|| AppError::invalid("file", "不能为空"))?;
        let (text, ocr) = read_text(&s.parser, &name, bytes).await?;
        return Ok((text, parse_kind(kind.as_deref())?, single, ocr));
    }
    if !ct.starts_with("application/json") {
        return Err(AppError::bad_request(
            "unsupported_media_type",
            "请求内容须为JSON，或以 multipart/form-data 上传文件",
            None,
        ));
    }
    let bytes = axum::body::Bytes::from_request(req, s)
        .await
        .map_err(|_| AppError::PayloadTooLarge("20MB".into()))?;
    let input: AssessInput = parse_json(&bytes)?;
    Ok((
        input.text,
        parse_kind(input.kind.as_deref())?,
        input.single_task,
        None,
    ))
}

/// 发文前评估: the character count against the limit, every demand on grassroots units, the
/// share of boilerplate and the copies of stored documents. Stores nothing.
#[utoipa::path(post, path = "/api/v1/analysis/document", tag = "analysis", request_body = AssessInput,
    responses((status = 200, body = Assessment), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, description = "文件解析任务繁忙（code busy）", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn assess_document(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    req: Request,
) -> Result<Json<Assessment>, ApiError> {
    // Refused before the body (perhaps a 20 MB file) is read.
    jianfu_domain::policy::ensure(&actor, crate::permissions::ASSESS)?;
    let (text, kind, single_task, ocr) = read_draft(req, &s).await?;
    let mut assessment = crate::intelligence(&s)?
        .assess(&s.db, &actor, &text, kind, single_task)
        .await?;
    assessment.ocr_confidence = ocr;
    Ok(Json(assessment))
}

/// Whether a stored document has been read yet, and what was found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnalysisStatus {
    /// done | pending (not read yet, or queued to be read again after an edit)
    pub status: &'static str,
    pub analysis: Option<DocumentAnalysis>,
}

/// What the background analysis found in a stored document.
#[utoipa::path(get, path = "/api/v1/documents/{id}/analysis", tag = "analysis", params(("id" = i64, Path, description = "文件编号")),
    responses((status = 200, body = AnalysisStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn document_analysis(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<AnalysisStatus>, ApiError> {
    // An edited document waits to be read again: what was found in its old text is not its
    // reading (the page's panel says the same). Asked before the reading, so that a reading
    // stored meanwhile (with its queue entry gone, in one transaction) is the new one.
    let queued = crate::store::is_queued(&mut s.db.reader(), id).await?;
    let analysis = crate::intelligence(&s)?
        .of_document(&s.db, &actor, id)
        .await?
        .filter(|_| !queued);
    Ok(Json(AnalysisStatus {
        status: if analysis.is_some() {
            "done"
        } else {
            "pending"
        },
        analysis,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Words to find (Chinese is segmented).
    #[serde(default)]
    q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    issuer: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    year: Option<i32>,
    /// formal | white_header | letter | memo | oa
    #[serde(default)]
    carrier: Option<String>,
    /// 文种, e.g. 通知
    #[serde(default)]
    kind: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    per_page: Option<u32>,
}

impl SearchParams {
    pub fn into_input(self) -> SearchInput {
        SearchInput {
            q: self.q.unwrap_or_default(),
            issuer: self.issuer,
            year: self.year,
            carrier: self.carrier,
            kind: self.kind,
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(20),
        }
    }
}

/// Full-text search of the documents in the caller's view, with matched words marked.
#[utoipa::path(get, path = "/api/v1/search/documents", tag = "analysis", params(SearchParams),
    responses((status = 200, body = SearchPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn search_documents(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SearchParams>,
) -> Result<Json<SearchPage>, ApiError> {
    Ok(Json(
        crate::intelligence(&s)?
            .search(&s.db, &actor, q.into_input())
            .await?,
    ))
}
