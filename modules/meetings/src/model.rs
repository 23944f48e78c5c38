//! 会议: a meeting as filed — its input parsed at the edge, its write with what it reaches and
//! its audit entry, its list and its page's data.
use crate::store::{self, NewMeeting};
use chrono::NaiveDateTime;
use jianfu_core::validate::required_text;
use jianfu_core::{Actor, AppError, AppResult, Level, Page, Paged};
use jianfu_domain::approvals::{self, Kind};
pub use jianfu_domain::targets::Written;
use jianfu_domain::targets::{
    self, parse_date, Filing, ItemChange, ItemInput, ListItems, Target, Touched, Withdrawal,
    Withdrawn,
};
use jianfu_domain::{burden, policy};
use jianfu_store::burden::LedgerItem;
use jianfu_store::{Db, Tx};
use serde::{Deserialize, Serialize};
use store::MeetingRow;

/// 会议类型. Its stored and API spelling is the snake_case name; its label is Chinese.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MeetingKind {
    #[strum(message = "全体会议")]
    Plenary,
    #[strum(message = "专题会")]
    Special,
    #[strum(message = "推进会")]
    Progress,
    #[strum(message = "调度会")]
    Dispatch,
    #[strum(message = "视频会")]
    Video,
    /// 套开/合开
    #[strum(message = "套开/合开")]
    Combined,
}

impl MeetingKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }

    pub fn all() -> impl Iterator<Item = MeetingKind> {
        <MeetingKind as strum::IntoEnumIterator>::iter()
    }
}

/// Input of `POST /api/v1/meetings` and `PUT /api/v1/meetings/{id}`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    /// 主办单位
    pub organizer_id: i64,
    pub title: String,
    /// 议题; defaults to the title. Cascades are found by comparing topics.
    #[serde(default)]
    pub topic: Option<String>,
    pub kind: MeetingKind,
    /// Start, local time, e.g. 2025-03-05T09:00
    #[schema(value_type = String, example = "2025-03-05T09:00")]
    #[serde(deserialize_with = "local_minute")]
    pub starts_at: NaiveDateTime,
    pub planned_minutes: i64,
    #[serde(default)]
    pub actual_minutes: Option<i64>,
    /// How far down the meeting reaches (开到哪一级): county|township|village|department
    pub reach_level: Level,
    /// Units or whole levels that attend.
    pub targets: Vec<Target>,
    pub attendee_count: i64,
    /// 要求一把手参会
    #[serde(default)]
    pub heads_required: bool,
    /// Minutes of the leader's main speech.
    #[serde(default)]
    pub leader_speech_minutes: Option<i64>,
    /// Number of exchange speeches (交流发言).
    #[serde(default)]
    pub exchange_speeches: i64,
    /// Length of the longest exchange speech, minutes.
    #[serde(default)]
    pub exchange_speech_minutes: Option<i64>,
    /// The approvals the meeting cites (审批记录: 年度计划立项 or 计划外事项审批, 要求主要负责同志
    /// 参加, 扩大范围), granted to its organizer on or before its day; one of each kind at most.
    #[serde(default)]
    pub approval_ids: Vec<i64>,
    /// The upper meeting this one relays (传达).
    #[serde(default)]
    pub relays_meeting_id: Option<i64>,
}

/// Accepts `YYYY-MM-DDTHH:MM` (what a datetime-local input sends) and the same with seconds.
fn local_minute<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let s = String::deserialize(d)?;
    let s = s.trim().replace(' ', "T");
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| serde::de::Error::custom("invalid datetime"))
}

fn minutes(field: &str, v: i64, max: i64) -> AppResult<i64> {
    if !(0..=max).contains(&v) {
        return Err(AppError::invalid(
            field,
            &format!("应为0至{max}之间的分钟数"),
        ));
    }
    Ok(v)
}

/// A meeting as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: i64,
    pub region_id: i64,
    pub organizer_id: i64,
    pub organizer_name: String,
    pub title: String,
    pub topic: String,
    /// plenary|special|progress|dispatch|video|combined
    pub kind: String,
    pub held_on: String,
    pub starts_at: String,
    pub planned_minutes: i64,
    pub actual_minutes: Option<i64>,
    /// How far down the meeting reaches (开到哪一级).
    pub reach_level: String,
    pub attendee_count: i64,
    pub heads_required: bool,
    pub heads_approved: bool,
    pub reach_approved: bool,
    pub leader_speech_minutes: Option<i64>,
    pub exchange_speeches: i64,
    pub exchange_speech_minutes: Option<i64>,
    pub in_plan: bool,
    pub approved: bool,
    pub relays_meeting_id: Option<i64>,
    pub reach: i64,
    /// 作废: when it was withdrawn (it no longer counts), by whom, why.
    pub withdrawn: Option<Withdrawn>,
}

impl From<MeetingRow> for Meeting {
    fn from(r: MeetingRow) -> Meeting {
        Meeting {
            id: r.id,
            region_id: r.region_id,
            organizer_id: r.organizer_id,
            organizer_name: r.organizer_name,
            title: r.title,
            topic: r.topic,
            kind: r.kind,
            held_on: r.held_on,
            starts_at: r.starts_at,
            planned_minutes: r.planned_minutes,
            actual_minutes: r.actual_minutes,
            reach_level: r.reach_level,
            attendee_count: r.attendee_count,
            heads_required: r.heads_required,
            heads_approved: r.heads_approved,
            reach_approved: r.reach_approved,
            leader_speech_minutes: r.leader_speech_minutes,
            exchange_speeches: r.exchange_speeches,
            exchange_speech_minutes: r.exchange_speech_minutes,
            in_plan: r.in_plan,
            approved: r.approved,
            relays_meeting_id: r.relays_meeting_id,
            reach: r.reach,
            withdrawn: Withdrawn::of(r.withdrawn_at, r.withdrawn_by, r.withdrawn_reason),
        }
    }
}

pub async fn list(db: &Db, actor: &Actor, f: ListItems, page: Page) -> AppResult<Paged<Meeting>> {
    let mut conn = db.reader();
    let withdrawn = f.withdrawn;
    let filter = f.scoped(&mut conn, actor).await?;
    let (items, total) =
        store::list(&mut conn, &filter, withdrawn, page.limit(), page.offset()).await?;
    Ok(Paged::new(
        items.into_iter().map(Meeting::from).collect(),
        total,
        page,
    ))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub targets: Vec<Target>,
    /// The approvals it cites (审批记录).
    pub approvals: Vec<approvals::Approval>,
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<MeetingDetail> {
    policy::ensure(actor, crate::permissions::READ)?;
    let mut conn = db.reader();
    let meeting = store::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound("会议"))?;
    burden::ensure_readable(
        &mut conn,
        actor,
        crate::CHANNEL.name,
        id,
        meeting.organizer_id,
    )
    .await?;
    let targets = targets::of_item(&mut conn, crate::CHANNEL.name, id).await?;
    let approvals = approvals::of_item(&mut conn, crate::CHANNEL.name, id).await?;
    Ok(MeetingDetail {
        meeting: meeting.into(),
        targets,
        approvals,
    })
}

impl ItemInput for MeetingInput {
    const CHANNEL: &'static str = crate::CHANNEL.name;
    type Detail = MeetingDetail;

    async fn write(self, tx: &mut Tx, actor: &Actor, id: Option<i64>) -> AppResult<Written> {
        write(tx, actor, id, self).await
    }

    async fn detail(db: &Db, actor: &Actor, id: i64) -> AppResult<MeetingDetail> {
        get(db, actor, id).await
    }
}

/// Records a new meeting (or replaces one) and re-evaluates the rules it touches.
pub async fn save(
    db: &Db,
    actor: &Actor,
    id: Option<i64>,
    input: MeetingInput,
) -> AppResult<MeetingDetail> {
    targets::save(db, actor, id, input).await
}

/// Validates and stores a meeting with its targets and audit entry, without evaluating rules.
pub async fn write(
    tx: &mut Tx,
    actor: &Actor,
    id: Option<i64>,
    input: MeetingInput,
) -> AppResult<Written> {
    policy::ensure(actor, crate::permissions::FILE)?;
    let title = required_text("title", &input.title, 200)?;
    let topic = match &input.topic {
        Some(t) => required_text("topic", t, 200)?,
        None => title.clone(),
    };
    let planned = minutes("planned_minutes", input.planned_minutes, 24 * 60)?;
    if planned == 0 {
        return Err(AppError::invalid("planned_minutes", "应大于0"));
    }
    let actual = input
        .actual_minutes
        .map(|m| minutes("actual_minutes", m, 24 * 60))
        .transpose()?;
    let speech = input
        .leader_speech_minutes
        .map(|m| minutes("leader_speech_minutes", m, 24 * 60))
        .transpose()?;
    let exchange_minutes = input
        .exchange_speech_minutes
        .map(|m| minutes("exchange_speech_minutes", m, 24 * 60))
        .transpose()?;
    if !(0..=200).contains(&input.exchange_speeches) {
        return Err(AppError::invalid(
            "exchange_speeches",
            "应为0至200之间的整数",
        ));
    }
    if !(0..=100_000).contains(&input.attendee_count) {
        return Err(AppError::invalid(
            "attendee_count",
            "应为0至100000之间的整数",
        ));
    }
    let held_on = parse_date("starts_at", input.starts_at.date())?;
    let before = match id {
        Some(id) => Some(
            store::get(tx, id)
                .await?
                .map(Meeting::from)
                .ok_or(AppError::NotFound("会议"))?,
        ),
        None => None,
    };
    if before.as_ref().is_some_and(|m| m.withdrawn.is_some()) {
        return Err(AppError::conflict(
            "meeting_id",
            "该会议已作废，不能修改；如需登记，请重新登记一次",
        ));
    }
    let old_organizer = before.as_ref().map(|m| m.organizer_id);
    let Filing {
        issuer: organizer,
        region_id,
        rows,
        reach,
    } = targets::filing(
        tx,
        actor,
        "organizer_id",
        old_organizer,
        input.organizer_id,
        &input.targets,
    )
    .await?;
    if let Some(r) = input.relays_meeting_id {
        if store::get(tx, r).await?.is_none() {
            return Err(AppError::invalid("relays_meeting_id", "不存在"));
        }
    }
    let granted = approvals::check_cited(
        tx,
        &crate::CHANNEL,
        id,
        input.organizer_id,
        held_on,
        &input.approval_ids,
    )
    .await?;
    let held = held_on.to_string();
    let starts = input.starts_at.format("%Y-%m-%dT%H:%M").to_string();
    let new = NewMeeting {
        region_id,
        organizer_id: input.organizer_id,
        title: &title,
        topic: &topic,
        kind: input.kind.as_str(),
        held_on: &held,
        starts_at: &starts,
        planned_minutes: planned,
        actual_minutes: actual,
        reach_level: input.reach_level.as_str(),
        attendee_count: input.attendee_count,
        heads_required: input.heads_required,
        heads_approved: granted.has(Kind::Leaders),
        reach_approved: granted.has(Kind::Reach),
        leader_speech_minutes: speech,
        exchange_speeches: input.exchange_speeches,
        exchange_speech_minutes: exchange_minutes,
        in_plan: granted.has(Kind::Plan),
        approved: granted.has(Kind::OutOfPlan),
        relays_meeting_id: input.relays_meeting_id,
        reach,
        created_by: (!actor.is_system()).then_some(actor.user_id),
    };
    let now = jianfu_core::time::now();
    let id = match id {
        Some(id) => {
            store::replace(tx, id, &new, &now).await?;
            id
        }
        None => store::insert(tx, &new, &now).await?,
    };
    approvals::cite(tx, crate::CHANNEL.name, id, &input.approval_ids).await?;
    let measure = actual.unwrap_or(planned);
    let item = LedgerItem {
        channel: "meetings",
        item_id: id,
        region_id,
        issuer_id: input.organizer_id,
        on_date: &held,
        measure,
        reach,
    };
    let after = store::get(tx, id)
        .await?
        .map(Meeting::from)
        .ok_or(AppError::NotFound("会议"))?;
    let summary = format!(
        "{}会议“{}”（{}）",
        if before.is_some() { "修改" } else { "登记" },
        title,
        organizer.name
    );
    let change = ItemChange {
        entity: crate::CHANNEL.entity,
        before: before.as_ref(),
        after: &after,
        old: before.as_ref().map(|b| Touched {
            unit: b.organizer_id,
            date: &b.held_on,
            group: None,
        }),
        group: None,
        summary,
    };
    targets::store_reach_and_audit(tx, actor, &item, &rows, change).await
}

/// 作废: withdraws a meeting with a reason. Its organizer's filer or the office may; it leaves
/// every count and rule (its warnings resolve themselves) and stays readable, marked, with its
/// history.
pub async fn withdraw(db: &Db, actor: &Actor, id: i64, reason: &str) -> AppResult<MeetingDetail> {
    policy::ensure(actor, crate::permissions::FILE)?;
    let reason = targets::withdraw_reason(reason)?;
    let mut tx = db.begin().await?;
    let m = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("会议"))?;
    policy::ensure_issuer(&mut tx, actor, m.organizer_id, "meeting_id").await?;
    if m.withdrawn_at.is_some() {
        return Err(AppError::conflict("meeting_id", "该会议已作废"));
    }
    let by = targets::withdrawer(actor);
    store::withdraw(&mut tx, id, &by, &reason, &jianfu_core::time::now()).await?;
    targets::withdraw(
        &mut tx,
        actor,
        Withdrawal {
            channel: crate::CHANNEL.name,
            entity: crate::CHANNEL.entity,
            item_id: id,
            region_id: m.region_id,
            issuer_id: m.organizer_id,
            on_date: &m.held_on,
            group: None,
            reason: &reason,
            summary: format!("作废会议“{}”（{}）：{reason}", m.title, m.organizer_name),
        },
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// Whether the actor may withdraw (or change) the meeting: it may file for its organizer.
pub async fn may_withdraw(db: &Db, actor: &Actor, organizer_id: i64) -> bool {
    policy::can(actor, crate::permissions::FILE)
        && policy::ensure_issuer(&mut db.reader(), actor, organizer_id, "meeting_id")
            .await
            .is_ok()
}
