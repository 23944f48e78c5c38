//! `/api/v1/audit`: the audit trail, read-only; its export and its integrity check.
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use jianfu_core::{AppError, AppResult, Page, Paged};
use jianfu_domain::audit::{AuditEntry, AuditSearch, IntegrityReport};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// The kind of record: org_unit, user, document, meeting, api_token, session (sign-in,
    /// failed sign-in, sign-out), …
    #[serde(default, deserialize_with = "empty_as_none")]
    entity: Option<String>,
    /// One record of that kind.
    #[serde(default, deserialize_with = "empty_as_none")]
    entity_id: Option<String>,
    /// Entries written by this account.
    #[serde(default, deserialize_with = "empty_as_none")]
    actor_id: Option<i64>,
    /// Entries whose person's name or username contains this.
    #[serde(default, deserialize_with = "empty_as_none")]
    actor: Option<String>,
    /// Entries whose summary (the record's title or name) contains this.
    #[serde(default, deserialize_with = "empty_as_none")]
    q: Option<String>,
    /// From this Beijing date (inclusive), YYYY-MM-DD.
    #[serde(default, deserialize_with = "empty_as_none")]
    from: Option<NaiveDate>,
    /// To this Beijing date (inclusive), YYYY-MM-DD.
    #[serde(default, deserialize_with = "empty_as_none")]
    to: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    per_page: Option<u32>,
}

impl AuditQuery {
    fn search(&self) -> AuditSearch {
        AuditSearch {
            actor_id: self.actor_id,
            actor: self.actor.clone(),
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            q: self.q.clone(),
            from: self.from,
            to: self.to,
        }
    }
}

/// Audit entries of the caller's region, newest first (纪检, 管理员): each with its action and
/// record named in words and the fields it changed, labelled in Chinese.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Paged<AuditEntry>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_audit(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Paged<AuditEntry>>, ApiError> {
    let page = Page::parse(q.page, q.per_page)?;
    let filter = q.search().filter()?;
    Ok(Json(
        jianfu_domain::audit::list(&s.db, &actor, filter, page).await?,
    ))
}

/// The entries matching the same filters as an .xlsx workbook (at most 20,000, newest first).
#[utoipa::path(get, path = "/api/v1/audit.xlsx", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "审计日志工作簿", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn audit_xlsx(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    let filter = q.search().filter()?;
    let (entries, total) = jianfu_domain::audit::export(&s.db, &actor, filter).await?;
    Ok(download(workbook(&entries, total)?))
}

/// Walks the whole chain (as `jianfu audit verify` does) and says whether it is intact, in
/// Chinese (纪检, 管理员).
#[utoipa::path(post, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = IntegrityReport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn verify_audit(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<IntegrityReport>, ApiError> {
    Ok(Json(
        jianfu_domain::audit::check_integrity(&s.db, &actor).await?,
    ))
}

/// The workbook as a download.
pub(crate) fn download(bytes: Vec<u8>) -> Response {
    let name = format!(
        "审计日志-{}.xlsx",
        jianfu_core::time::today().format("%Y%m%d")
    );
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    (
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// One sheet, 审计日志: a row per entry, the changes in words.
pub(crate) fn workbook(entries: &[AuditEntry], total: i64) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| AppError::internal(e);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("审计日志").map_err(x)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let headers = [
        ("序号", 8.0),
        ("时间", 20.0),
        ("操作人", 24.0),
        ("操作", 8.0),
        ("对象类别", 10.0),
        ("对象", 32.0),
        ("内容", 44.0),
        ("变更内容", 60.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(x)?;
        ws.set_column_width(c as u16, *w).map_err(x)?;
    }
    for (r, e) in entries.iter().enumerate() {
        let row = r as u32 + 1;
        let changes = e
            .changes
            .iter()
            .map(|c| match (&c.before, &c.after) {
                (Some(b), Some(a)) => format!("{}：{b} → {a}", c.field),
                (None, Some(a)) => format!("{}：{a}", c.field),
                (Some(b), None) => format!("{}：{b}（已删除）", c.field),
                (None, None) => c.field.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        ws.write_number(row, 0, e.seq as f64).map_err(x)?;
        let cells = [
            jianfu_core::time::display_ts(&e.at),
            e.actor_name.clone(),
            e.action_label.clone(),
            e.entity_label.clone(),
            e.record_name.clone().unwrap_or_default(),
            e.summary.clone(),
            changes,
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(row, c as u16 + 1, v, &wrap)
                .map_err(x)?;
        }
    }
    if total > entries.len() as i64 {
        let row = entries.len() as u32 + 2;
        ws.write_string(
            row,
            0,
            format!(
                "共{total}条，仅导出最新的{}条；请缩小筛选范围后分批导出",
                entries.len()
            ),
        )
        .map_err(x)?;
    }
    ws.set_freeze_panes(1, 0).map_err(x)?;
    wb.save_to_buffer().map_err(x)
}
