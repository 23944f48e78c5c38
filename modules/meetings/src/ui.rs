//! 会议台账 pages: the list, a meeting's page and the filing form.
use crate::model::{self, MeetingInput, MeetingKind};
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDateTime;
use jianfu_core::{AppError, Level};
use jianfu_domain::approvals::Kind;
use jianfu_web::auth::{Identity, PageUser};
use jianfu_web::error::PageError;
use jianfu_web::extract::IdPath;
use jianfu_web::ui::items::{
    approval_options, approvals_fact, fields, file, filing_units, item_warnings, list_query, mark,
    plan_fact, target_options, targets_text, yes_no, ItemPage, ItemRow, ItemsPage, WithdrawForm,
    WithdrawPanel,
};
use jianfu_web::ui::{render, Chrome, FormBody};
use jianfu_web::AppState;
use serde::Deserialize;

fn kind_label(k: &str) -> &'static str {
    k.parse::<MeetingKind>()
        .map(MeetingKind::label)
        .unwrap_or("")
}

pub async fn meetings_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let (q, page) = list_query(&uri)?;
    let found = model::list(&s.db, &id.actor, q.items(), page).await?;
    let headers = &[
        "会议名称",
        "主办单位",
        "日期",
        "类型 · 时长",
        "覆盖乡镇、村",
    ];
    let mut list = ItemsPage::of(
        &id,
        &crate::CHANNEL,
        crate::permissions::FILE,
        "会议台账",
        headers,
        q,
        found,
        |m| ItemRow {
            id: m.id,
            detail: format!(
                "{} · {}分钟",
                kind_label(&m.kind),
                m.actual_minutes.unwrap_or(m.planned_minutes)
            ),
            title: m.title,
            who: m.organizer_name,
            date: m.starts_at.replace('T', " "),
            reach: m.reach,
            reading: None,
        },
    );
    list.withdrawable = true;
    render(&list)
}

pub async fn meeting_detail(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(mid): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    let saved = uri.query().is_some_and(|q| q.contains("saved=1"));
    meeting_page(&s, &id, mid, saved, None).await
}

/// `POST /meetings/{id}/withdraw`: 作废 with a reason, then back to the page.
pub async fn withdraw_meeting(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(mid): IdPath,
    FormBody(form): FormBody<WithdrawForm>,
) -> Result<Response, PageError> {
    match model::withdraw(&s.db, &id.actor, mid, &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{mid}#withdrawal")).into_response()),
        Err(e) if matches!(e.status(), 400 | 409 | 422) => {
            meeting_page(&s, &id, mid, false, Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}

/// A meeting's page; `withdraw_error` is shown in its 作废 panel (and answered as 422).
async fn meeting_page(
    s: &AppState,
    id: &Identity,
    mid: i64,
    saved: bool,
    withdraw_error: Option<String>,
) -> Result<Response, PageError> {
    let d = model::get(&s.db, &id.actor, mid).await?;
    let m = &d.meeting;
    let opt = |v: Option<i64>, unit: &str| {
        v.map(|n| format!("{n}{unit}"))
            .unwrap_or_else(|| "—".into())
    };
    let facts = vec![
        ("主办单位", m.organizer_name.clone()),
        ("议题", m.topic.clone()),
        ("类型", kind_label(&m.kind).to_string()),
        ("时间", m.starts_at.replace('T', " ")),
        ("计划时长", format!("{}分钟", m.planned_minutes)),
        ("实际时长", opt(m.actual_minutes, "分钟")),
        (
            "开到哪一级",
            m.reach_level
                .parse::<Level>()
                .map(Level::label)
                .unwrap_or("")
                .to_string(),
        ),
        ("参会单位", targets_text(&s.db, &d.targets).await),
        ("参会人数", format!("{}人", m.attendee_count)),
        ("领导讲话", opt(m.leader_speech_minutes, "分钟")),
        ("交流发言", format!("{}人", m.exchange_speeches)),
        ("要求一把手参会", yes_no(m.heads_required)),
        (
            "一把手参会审批",
            if m.heads_required {
                approvals_fact(&d.approvals, Kind::Leaders, &m.held_on)
            } else {
                "不涉及".into()
            },
        ),
        (
            "扩大范围审批",
            if m.reach_approved
                || d.approvals
                    .iter()
                    .any(|a| a.approval_kind == Kind::Reach.as_str())
            {
                approvals_fact(&d.approvals, Kind::Reach, &m.held_on)
            } else {
                "无（未开到下两级或村、社区的，无需审批）".into()
            },
        ),
        (
            "年度计划立项、计划外审批",
            plan_fact(&d.approvals, &m.held_on),
        ),
    ];
    let withdrawal = WithdrawPanel::of(
        id,
        "/meetings",
        m.id,
        "会议",
        m.withdrawn.as_ref(),
        model::may_withdraw(&s.db, &id.actor, m.organizer_id).await,
        withdraw_error.clone(),
    );
    let page = ItemPage {
        chrome: Chrome::new(id, "/meetings", m.title.clone()),
        base: "/meetings",
        list_title: "会议台账",
        title: m.title.clone(),
        saved,
        warnings: item_warnings(&s.db, &id.actor, m.organizer_id, "meetings", m.id).await?,
        facts,
        body: String::new(),
        panels: vec![withdrawal.render().map_err(AppError::internal)?],
        pending_checks: None,
    }
    .seen_from(&s.db, &id.actor, m.organizer_id)
    .await?;
    let status = if withdraw_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

/// The filing form's fields as the filer typed them; [`parse_meeting`] makes a [`MeetingInput`].
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingForm {
    organizer_id: String,
    title: String,
    topic: String,
    kind: String,
    starts_at: String,
    planned_minutes: String,
    reach_level: String,
    target: Vec<String>,
    attendee_count: String,
    leader_speech_minutes: String,
    exchange_speeches: String,
    heads_required: Option<String>,
    /// The approvals ticked (审批记录), by id.
    approval: Vec<String>,
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct MeetingFormPage {
    chrome: Chrome,
    form: MeetingForm,
    issuers: Vec<(i64, String, bool)>,
    targets: Vec<(String, String, bool)>,
    /// The approvals the meeting may cite: (id, what it is, ticked).
    approvals: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    levels: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
}

async fn meeting_form(
    s: &AppState,
    id: &Identity,
    form: MeetingForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let issuers = filing_units(&s.db, &id.actor).await?;
    let targets = target_options(&s.db, &id.actor).await?;
    let issuer_chosen = [form.organizer_id.as_str()];
    let chosen: Vec<&str> = form.target.iter().map(String::as_str).collect();
    let approvals = approval_options(&s.db, &id.actor, crate::CHANNEL.name, &[]).await?;
    let ticked: Vec<&str> = form.approval.iter().map(String::as_str).collect();
    let page = MeetingFormPage {
        chrome: Chrome::new(id, "/meetings", "登记会议"),
        issuers: mark(issuers, &issuer_chosen),
        targets: mark(targets, &chosen),
        approvals: mark(approvals, &ticked),
        kinds: MeetingKind::all()
            .map(|k| (k.as_str(), k.label(), form.kind == k.as_str()))
            .collect(),
        levels: [
            Level::County,
            Level::Department,
            Level::Township,
            Level::Village,
        ]
        .iter()
        .map(|l| (l.as_str(), l.label(), form.reach_level == l.as_str()))
        .collect(),
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

pub async fn new_meeting(
    State(s): State<AppState>,
    PageUser(id): PageUser,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, crate::permissions::FILE)?;
    let form = MeetingForm {
        planned_minutes: "60".into(),
        reach_level: "township".into(),
        ..MeetingForm::default()
    };
    meeting_form(&s, &id, form, None).await
}

fn parse_meeting(f: &MeetingForm) -> Result<MeetingInput, AppError> {
    let starts_at = NaiveDateTime::parse_from_str(&f.starts_at, "%Y-%m-%dT%H:%M")
        .map_err(|_| AppError::invalid("starts_at", "格式不正确"))?;
    Ok(MeetingInput {
        organizer_id: fields::required_int("organizer_id", &f.organizer_id)?,
        title: f.title.clone(),
        topic: fields::text(&f.topic),
        kind: fields::choice("kind", &f.kind)?,
        starts_at,
        planned_minutes: fields::required_int("planned_minutes", &f.planned_minutes)?,
        actual_minutes: None,
        reach_level: fields::choice("reach_level", &f.reach_level)?,
        targets: fields::targets(&f.target)?,
        attendee_count: fields::int("attendee_count", &f.attendee_count)?.unwrap_or(0),
        heads_required: f.heads_required.is_some(),
        leader_speech_minutes: fields::int("leader_speech_minutes", &f.leader_speech_minutes)?,
        exchange_speeches: fields::int("exchange_speeches", &f.exchange_speeches)?.unwrap_or(0),
        exchange_speech_minutes: None,
        approval_ids: fields::ids("approval_ids", &f.approval)?,
        relays_meeting_id: None,
    })
}

pub async fn create_meeting(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    FormBody(form): FormBody<MeetingForm>,
) -> Result<Response, PageError> {
    match file(&s, &id, &form, parse_meeting, "/meetings").await? {
        Ok(saved) => Ok(saved),
        Err(message) => meeting_form(&s, &id, form, Some(message)).await,
    }
}
