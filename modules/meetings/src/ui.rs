//! 会议台账 pages: the list, a meeting's page and the filing form.
use crate::model::{self, MeetingInput, MeetingKind};
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use jianfu_core::{AppError, Level};
use jianfu_domain::policy::Action;
use jianfu_web::auth::{Identity, PageUser};
use jianfu_web::error::PageError;
use jianfu_web::extract::IdPath;
use jianfu_web::ui::items::{
    file, filing_units, item_warnings, list_query, mark, target_options, targets_text, yes_no,
    FormPairs, ItemPage, ItemRow, ItemsPage,
};
use jianfu_web::ui::{render, Chrome};
use jianfu_web::AppState;

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
    render(&ItemsPage::of(
        &id,
        &crate::CHANNEL,
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
    ))
}

pub async fn meeting_detail(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(mid): IdPath,
    uri: Uri,
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
        ("参会单位", targets_text(&s.db, &id.actor, &d.targets).await),
        ("参会人数", format!("{}人", m.attendee_count)),
        ("领导讲话", opt(m.leader_speech_minutes, "分钟")),
        ("交流发言", format!("{}人", m.exchange_speeches)),
        (
            "要求一把手参会",
            format!(
                "{}{}",
                yes_no(m.heads_required),
                if m.heads_required && m.heads_approved {
                    "（已批准）"
                } else {
                    ""
                }
            ),
        ),
        (
            "列入年度计划",
            format!(
                "{}{}",
                yes_no(m.in_plan),
                if !m.in_plan && m.approved {
                    "（已审批）"
                } else {
                    ""
                }
            ),
        ),
    ];
    render(&ItemPage {
        chrome: Chrome::new(&id, "/meetings", m.title.clone()),
        base: "/meetings",
        list_title: "会议台账",
        title: m.title.clone(),
        saved: uri.query().is_some_and(|q| q.contains("saved=1")),
        warnings: item_warnings(&s.db, &id.actor, m.organizer_id, "meetings", m.id).await?,
        facts,
        body: String::new(),
        panels: Vec::new(),
    })
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct MeetingForm {
    chrome: Chrome,
    form: FormPairs,
    issuers: Vec<(i64, String, bool)>,
    targets: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    levels: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
}

async fn meeting_form(
    s: &AppState,
    id: &Identity,
    form: FormPairs,
    error: Option<String>,
) -> Result<Response, PageError> {
    let issuers = filing_units(&s.db, &id.actor).await?;
    let targets = target_options(&s.db, &id.actor).await?;
    let issuer_chosen = [form.get("organizer_id")];
    let chosen = form.all("target");
    let page = MeetingForm {
        chrome: Chrome::new(id, "/meetings", "登记会议"),
        issuers: mark(issuers, &issuer_chosen),
        targets: mark(targets, &chosen),
        kinds: MeetingKind::all()
            .map(|k| (k.as_str(), k.label(), form.get("kind") == k.as_str()))
            .collect(),
        levels: [
            Level::County,
            Level::Department,
            Level::Township,
            Level::Village,
        ]
        .iter()
        .map(|l| (l.as_str(), l.label(), form.get("reach_level") == l.as_str()))
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
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let form = FormPairs::from_pairs(vec![
        ("planned_minutes".into(), "60".into()),
        ("reach_level".into(), "township".into()),
    ]);
    meeting_form(&s, &id, form, None).await
}

fn parse_meeting(f: &FormPairs) -> Result<MeetingInput, AppError> {
    let starts_at = NaiveDateTime::parse_from_str(f.get("starts_at"), "%Y-%m-%dT%H:%M")
        .map_err(|_| AppError::invalid("starts_at", "格式不正确"))?;
    Ok(MeetingInput {
        organizer_id: f.required_int("organizer_id")?,
        title: f.get("title").to_string(),
        topic: f.text("topic"),
        kind: f
            .get("kind")
            .parse()
            .map_err(|_| AppError::invalid("kind", "取值无效"))?,
        starts_at,
        planned_minutes: f.required_int("planned_minutes")?,
        actual_minutes: None,
        reach_level: f
            .get("reach_level")
            .parse()
            .map_err(|_| AppError::invalid("reach_level", "取值无效"))?,
        targets: f.targets()?,
        attendee_count: f.int("attendee_count")?.unwrap_or(0),
        heads_required: f.flag("heads_required"),
        heads_approved: f.flag("heads_approved"),
        reach_approved: f.flag("reach_approved"),
        leader_speech_minutes: f.int("leader_speech_minutes")?,
        exchange_speeches: f.int("exchange_speeches")?.unwrap_or(0),
        exchange_speech_minutes: None,
        in_plan: f.flag("in_plan"),
        approved: f.flag("approved"),
        relays_meeting_id: None,
    })
}

pub async fn create_meeting(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = FormPairs::parse(&body);
    match file(&s, &id, &form, parse_meeting, "/meetings").await? {
        Ok(saved) => Ok(saved),
        Err(message) => meeting_form(&s, &id, form, Some(message)).await,
    }
}
