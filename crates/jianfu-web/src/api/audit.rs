//! `/api/v1/audit`: the audit trail, read-only.
use crate::auth::ApiActor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{empty_as_none, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use jianfu_core::{Page, Paged};
use jianfu_domain::audit::{AuditEntry, AuditFilter};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// e.g. org_unit, user, api_token, session (sign-in, failed sign-in, sign-out)
    #[serde(default, deserialize_with = "empty_as_none")]
    entity: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    entity_id: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    per_page: Option<u32>,
}

/// Audit entries of the caller's region, newest first (纪检, 管理员).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Paged<AuditEntry>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_audit(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Paged<AuditEntry>>, ApiError> {
    let page = Page::parse(q.page, q.per_page)?;
    let filter = AuditFilter {
        scope_root: None,
        entity: q.entity,
        entity_id: q.entity_id,
    };
    Ok(Json(
        jianfu_domain::audit::list(&s.db, &actor, filter, page).await?,
    ))
}
