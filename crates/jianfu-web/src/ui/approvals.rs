//! 审批记录 pages: the list (pending first), the application form, and one application with
//! the decision form for whoever may decide it.
use super::items::{fields, filing_units, mark};
use super::{render, Chrome, FormBody};
use crate::auth::{Identity, PageUser};
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query, IdPath};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_core::{AppError, Page, Paged};
use jianfu_domain::approvals::{self, Approval, ApprovalInput, Decision, DecisionInput, Kind};
use jianfu_domain::burden;
use jianfu_domain::policy::{can, Action};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    #[serde(deserialize_with = "empty_as_none")]
    status: Option<String>,
    #[serde(deserialize_with = "empty_as_none")]
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ListPage {
    chrome: Chrome,
    statuses: Vec<(&'static str, &'static str, bool)>,
    list: Paged<Approval>,
    may_apply: bool,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: ListQuery = parse_query(uri.query().unwrap_or(""))?;
    let page = Page::parse(q.page, Some(50))?;
    let list = approvals::list(
        &s.db,
        &id.actor,
        approvals::ListFilter {
            status: q.status.clone(),
            ..Default::default()
        },
        page,
    )
    .await?;
    let status = q.status.unwrap_or_default();
    let link = |p: u32| format!("/approvals?status={status}&page={p}");
    let last = ((list.total.max(1) - 1) / 50 + 1) as u32;
    let page = ListPage {
        chrome: Chrome::new(&id, "/approvals", "审批记录"),
        statuses: [
            ("", "全部"),
            ("pending", "待审批"),
            ("approved", "已批准"),
            ("rejected", "已驳回"),
        ]
        .into_iter()
        .map(|(v, l)| (v, l, v == status))
        .collect(),
        prev: (list.page > 1).then(|| link(list.page - 1)),
        next: (list.page < last).then(|| link(list.page + 1)),
        may_apply: can(&id.actor, Action::ApplyApproval),
        list,
    };
    render(&page)
}

/// The application form's fields as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApplyForm {
    channel_kind: String,
    unit_id: String,
    title: String,
    reason: String,
    planned_on: String,
}

#[derive(Template)]
#[template(path = "approval_form.html")]
struct FormPage {
    chrome: Chrome,
    form: ApplyForm,
    /// (channel:kind, 会议 · 计划外事项审批, chosen)
    kinds: Vec<(String, String, bool)>,
    units: Vec<(i64, String, bool)>,
    error: Option<String>,
}

async fn form_page(
    s: &AppState,
    id: &Identity,
    form: ApplyForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let kinds = burden::channels()
        .iter()
        .flat_map(|c| {
            c.approvals.iter().map(|k| {
                let v = format!("{}:{}", c.name, k.as_str());
                let chosen = v == form.channel_kind;
                (v, format!("{} · {}", c.noun, k.label()), chosen)
            })
        })
        .collect();
    let units = filing_units(&s.db, &id.actor).await?;
    let chosen = [form.unit_id.as_str()];
    let page = FormPage {
        chrome: Chrome::new(id, "/approvals", "申请审批"),
        kinds,
        units: mark(units, &chosen),
        form,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn new_form(
    State(s): State<AppState>,
    PageUser(id): PageUser,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::ApplyApproval)?;
    form_page(&s, &id, ApplyForm::default(), None).await
}

fn parse_apply(f: &ApplyForm) -> Result<ApprovalInput, AppError> {
    let (channel, kind) = f
        .channel_kind
        .split_once(':')
        .ok_or_else(|| AppError::invalid("approval_kind", "不能为空"))?;
    let planned_on = match f.planned_on.trim() {
        "" => None,
        d => Some(
            d.parse()
                .map_err(|_| AppError::invalid("planned_on", "格式不正确"))?,
        ),
    };
    Ok(ApprovalInput {
        channel: channel.to_string(),
        approval_kind: fields::choice::<Kind>("approval_kind", kind)?,
        unit_id: fields::required_int("unit_id", &f.unit_id)?,
        title: f.title.clone(),
        reason: fields::text(&f.reason),
        planned_on,
        year: None,
    })
}

pub async fn apply(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    FormBody(form): FormBody<ApplyForm>,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::ApplyApproval)?;
    let result = match parse_apply(&form) {
        Ok(input) => approvals::apply(&s.db, &id.actor, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/approvals/{}?saved=1", a.id)).into_response()),
        Err(e) if matches!(e.status(), 403 | 422) && e.field().is_some() => {
            form_page(&s, &id, form, Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "approval.html")]
struct DetailPage {
    chrome: Chrome,
    a: Approval,
    giver: &'static str,
    may_decide: bool,
    saved: bool,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DetailQuery {
    #[serde(deserialize_with = "empty_as_none")]
    saved: Option<u8>,
}

async fn detail_page(
    s: &AppState,
    id: &Identity,
    aid: i64,
    saved: bool,
    error: Option<String>,
) -> Result<Response, PageError> {
    let a = approvals::get(&s.db, &id.actor, aid).await?;
    let page = DetailPage {
        chrome: Chrome::new(id, "/approvals", format!("审批 › 第{}号", a.id)),
        giver: a
            .approval_kind
            .parse::<Kind>()
            .map_or("专班办公室", Kind::giver),
        may_decide: approvals::may_decide_now(&id.actor, &a),
        a,
        saved,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(aid): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: DetailQuery = parse_query(uri.query().unwrap_or(""))?;
    detail_page(&s, &id, aid, q.saved.is_some(), None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    decision: String,
    note: String,
}

pub async fn decide(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(aid): IdPath,
    FormBody(form): FormBody<DecideForm>,
) -> Result<Response, PageError> {
    let decision = match form.decision.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        _ => {
            return detail_page(&s, &id, aid, false, Some("请选择批准或驳回".into())).await;
        }
    };
    let input = DecisionInput {
        decision,
        note: fields::text(&form.note),
    };
    match approvals::decide(&s.db, &id.actor, aid, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/approvals/{aid}?saved=1")).into_response()),
        // Not the decider, decided already, a reason missing: said on the application's page.
        Err(e) if matches!(e.status(), 403 | 409 | 422) => {
            detail_page(&s, &id, aid, false, Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}
