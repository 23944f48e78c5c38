//! 审批记录: approvals as records, not boxes a filer ticks. A unit applies (申请) for a plan item
//! (年度计划立项), an out-of-plan item (计划外事项), leaders' attendance (要求主要负责同志参加),
//! a wider reach (扩大范围、延伸到村) or its head's sign-off of a document to schools and hospitals
//! (主要负责同志签发); whoever may give that approval decides (批准/驳回, with a reason); the item
//! cites it. An item counts as approved only through an approval granted to its issuer on or
//! before the item's day, and one approval covers one item. Every step is audited.
//!
//! The platform knows the kinds; each channel declares which of them its items may cite
//! ([`crate::burden::Channel::approvals`]).
use crate::audit::{self, Change};
use crate::burden::{self, Channel};
use crate::policy::{self, Action};
use chrono::{Datelike, NaiveDate};
use jianfu_core::validate::{optional_text, required_text};
use jianfu_core::{Actor, AppError, AppResult, Page, Paged, Role};
use jianfu_store::approvals::{self as store, ApprovalFilter, ApprovalRow, NewApproval};
use jianfu_store::{org, Conn, Db, Tx};
use serde::{Deserialize, Serialize};

/// What is to be approved.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Deserialize,
    Serialize,
    utoipa::ToSchema,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    /// 年度计划立项
    Plan,
    /// 计划外事项审批
    OutOfPlan,
    /// 要求下级主要负责同志参加
    Leaders,
    /// 扩大范围（开到下两级或村、社区）
    Reach,
    /// 发往学校、医院的文件由发文单位主要负责同志签发
    HeadSignoff,
}

impl Kind {
    pub fn all() -> impl Iterator<Item = Kind> {
        <Kind as strum::IntoEnumIterator>::iter()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Plan => "年度计划立项",
            Kind::OutOfPlan => "计划外事项审批",
            Kind::Leaders => "要求主要负责同志参加",
            Kind::Reach => "扩大范围（下两级或村、社区）",
            Kind::HeadSignoff => "主要负责同志签发",
        }
    }

    /// Who gives it, in words.
    pub fn giver(self) -> &'static str {
        match self {
            Kind::HeadSignoff => "发文单位主要负责同志（由本单位其他账号或专班办公室登记）",
            _ => "专班办公室",
        }
    }
}

/// The state of an application.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "待审批",
        "approved" => "已批准",
        "rejected" => "已驳回",
        _ => "",
    }
}

/// Input of `POST /api/v1/approvals`: a unit's application.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalInput {
    /// The channel of the item: `documents`, `meetings`.
    pub channel: String,
    pub approval_kind: Kind,
    /// The applying unit, the item's issuer or organizer.
    pub unit_id: i64,
    /// 事项名称: the document's or meeting's title.
    pub title: String,
    /// 申请理由
    #[serde(default)]
    pub reason: Option<String>,
    /// The day the item is planned for (YYYY-MM-DD).
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "2026-05-20")]
    pub planned_on: Option<NaiveDate>,
    /// 年度: the year of the plan (the planned day's year when not given).
    #[serde(default)]
    pub year: Option<i64>,
}

/// approve (批准) | reject (驳回)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

/// Input of `POST /api/v1/approvals/{id}/decision`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub decision: Decision,
    /// 批复意见: required to reject; for a head's sign-off, the name of the head who signed.
    #[serde(default)]
    pub note: Option<String>,
}

/// An approval as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Approval {
    pub id: i64,
    pub channel: String,
    /// What the item is called: 文件, 会议.
    pub channel_noun: String,
    pub approval_kind: String,
    pub kind_label: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i64,
    pub title: String,
    pub reason: String,
    pub planned_on: Option<String>,
    /// pending | approved | rejected
    pub status: String,
    pub status_label: String,
    pub applied_by: String,
    #[serde(skip)]
    pub applied_by_id: i64,
    pub applied_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// The Beijing days of the application and the decision.
    pub applied_on: String,
    pub decided_on: Option<String>,
    pub decision_note: Option<String>,
    /// The item that cites it, and its page.
    pub item_id: Option<i64>,
    pub item_href: Option<String>,
}

impl From<ApprovalRow> for Approval {
    fn from(r: ApprovalRow) -> Approval {
        let channel = burden::channel(&r.channel);
        let kind = r.kind.parse::<Kind>().ok();
        Approval {
            id: r.id,
            channel_noun: channel.map_or("事项", |c| c.noun).to_string(),
            item_href: channel.zip(r.item_id).map(|(c, id)| c.href(id)),
            channel: r.channel,
            approval_kind: r.kind,
            kind_label: kind.map_or("", Kind::label).to_string(),
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            year: r.year,
            title: r.title,
            reason: r.reason,
            planned_on: r.planned_on,
            status_label: status_label(&r.status).to_string(),
            status: r.status,
            applied_by: r.applied_by_name.unwrap_or_default(),
            applied_by_id: r.applied_by,
            applied_on: beijing_day(&r.applied_at)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            decided_on: r
                .decided_at
                .as_deref()
                .and_then(beijing_day)
                .map(|d| d.to_string()),
            applied_at: r.applied_at,
            decided_by: r.decided_by_name,
            decided_at: r.decided_at,
            decision_note: r.decision_note,
            item_id: r.item_id,
        }
    }
}

/// A unit applies. A filer or township applies for its own unit, the office for any unit in scope.
pub async fn apply(db: &Db, actor: &Actor, input: ApprovalInput) -> AppResult<Approval> {
    policy::ensure(actor, Action::ApplyApproval)?;
    let channel = burden::channel(&input.channel)
        .filter(|c| !c.approvals.is_empty())
        .ok_or_else(|| AppError::invalid("channel", "不是需要审批的事项类别"))?;
    if !channel.approvals.contains(&input.approval_kind) {
        return Err(AppError::invalid(
            "approval_kind",
            &format!("不适用于{}", channel.noun),
        ));
    }
    let title = required_text("title", &input.title, 200)?;
    let reason = optional_text("reason", input.reason.as_deref(), 2000)?.unwrap_or_default();
    if input.approval_kind != Kind::Plan && reason.is_empty() {
        return Err(AppError::invalid("reason", "不能为空：请写明申请理由"));
    }
    let year = match (input.year, input.planned_on) {
        (Some(y), _) => y,
        (None, Some(d)) => i64::from(d.year()),
        (None, None) => i64::from(jianfu_core::time::current_year()),
    };
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", "应在2000年至2100年之间"));
    }
    if let Some(d) = input.planned_on {
        if i64::from(d.year()) != year {
            return Err(AppError::invalid("planned_on", "应在申请的年度之内"));
        }
    }
    let mut tx = db.begin().await?;
    policy::ensure_issuer(&mut tx, actor, input.unit_id, "unit_id").await?;
    let unit = org::get(&mut tx, input.unit_id)
        .await?
        .ok_or_else(|| AppError::invalid("unit_id", "不存在"))?;
    let region_id = unit.region_id.unwrap_or(unit.id);
    let now = jianfu_core::time::now();
    let planned = input.planned_on.map(|d| d.to_string());
    let id = store::insert(
        &mut tx,
        &NewApproval {
            region_id,
            channel: channel.name,
            kind: input.approval_kind.as_str(),
            unit_id: unit.id,
            year,
            title: &title,
            reason: &reason,
            planned_on: planned.as_deref(),
            applied_by: actor.user_id,
            applied_at: &now,
        },
    )
    .await?;
    let after = serde_json::json!({
        "title": title, "approval_kind": input.approval_kind.label(), "unit": unit.name,
        "year": year, "reason": reason, "planned_on": planned, "decision": "待审批",
    });
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "approval.apply",
            entity: "approval",
            entity_id: id.to_string(),
            region_id: Some(region_id),
            before: None,
            after: Some(&after),
            summary: format!(
                "{}申请{}：{}",
                unit.name,
                input.approval_kind.label(),
                title
            ),
        },
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// Whether the actor may decide this application: the office in its scope; a head's sign-off
/// also another account of the issuing unit. Nobody decides their own application.
fn may_decide(actor: &Actor, kind: &str, unit_id: i64) -> bool {
    (kind == Kind::HeadSignoff.as_str()
        && matches!(actor.role, Role::Filer | Role::Grassroots)
        && actor.unit_id == unit_id)
        || policy::can(actor, Action::DecideApproval)
}

pub async fn decide(db: &Db, actor: &Actor, id: i64, input: DecisionInput) -> AppResult<Approval> {
    let mut tx = db.begin().await?;
    let a = visible(&mut tx, actor, id).await?;
    if !may_decide(actor, &a.kind, a.unit_id) {
        return Err(AppError::forbidden());
    }
    if a.applied_by == actor.user_id {
        return Err(AppError::Forbidden {
            message: "不能审批本人提出的申请，请由其他有审批权限的人员办理".into(),
            field: None,
        });
    }
    if a.status != "pending" {
        return Err(AppError::Conflict {
            code: "already_decided",
            message: format!("该申请已{}，不能重复审批", status_label(&a.status)),
            field: None,
        });
    }
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    let signoff = a.kind == Kind::HeadSignoff.as_str();
    match (input.decision, &note) {
        (Decision::Reject, None) => {
            return Err(AppError::invalid("note", "不能为空：驳回须写明理由"))
        }
        (Decision::Approve, None) if signoff => {
            return Err(AppError::invalid("note", "不能为空：请写明签发领导姓名"))
        }
        _ => {}
    }
    let (status, verb) = match input.decision {
        Decision::Approve => ("approved", "批准"),
        Decision::Reject => ("rejected", "驳回"),
    };
    let now = jianfu_core::time::now();
    if !store::decide(&mut tx, id, status, actor.user_id, &now, note.as_deref()).await? {
        return Err(AppError::Conflict {
            code: "already_decided",
            message: "该申请已被他人审批".into(),
            field: None,
        });
    }
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "approval.decide",
            entity: "approval",
            entity_id: id.to_string(),
            region_id: Some(a.region_id),
            before: Some(&serde_json::json!({"title": a.title, "decision": status_label(&a.status)})),
            after: Some(&serde_json::json!({"title": a.title, "decision": status_label(status), "note": note})),
            summary: format!("{verb}{}的{}申请：{}", a.unit_name, kind_label(&a.kind), a.title),
        },
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id).await
}

fn kind_label(kind: &str) -> &'static str {
    kind.parse::<Kind>().map_or("", Kind::label)
}

/// An application the actor may see: its unit lies in the actor's scope (a filer or township:
/// its own unit's).
async fn visible(conn: &mut Conn, actor: &Actor, id: i64) -> AppResult<ApprovalRow> {
    let a = store::get(conn, id)
        .await?
        .ok_or(AppError::NotFound("审批记录"))?;
    let seen = match actor.role {
        Role::Filer | Role::Grassroots => a.unit_id == actor.unit_id,
        _ => actor.is_system() || org::is_within(conn, actor.scope_root, a.unit_id).await?,
    };
    if !seen {
        return Err(AppError::Forbidden {
            message: "该审批记录不在您的查看范围内".into(),
            field: None,
        });
    }
    Ok(a)
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<Approval> {
    policy::ensure(actor, Action::ViewApprovals)?;
    let mut conn = db.reader();
    Ok(visible(&mut conn, actor, id).await?.into())
}

/// The actions the actor may take on an application, for its page.
pub fn may_decide_now(actor: &Actor, a: &Approval) -> bool {
    a.status == "pending"
        && a.applied_by_id != actor.user_id
        && may_decide(actor, &a.approval_kind, a.unit_id)
}

/// Filter of `GET /api/v1/approvals`.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<String>,
    pub channel: Option<String>,
    pub kind: Option<Kind>,
    pub unit: Option<i64>,
    /// Only approved ones no item cites yet.
    pub free: bool,
}

pub async fn list(db: &Db, actor: &Actor, f: ListFilter, page: Page) -> AppResult<Paged<Approval>> {
    policy::ensure(actor, Action::ViewApprovals)?;
    if let Some(s) = &f.status {
        if status_label(s).is_empty() {
            return Err(AppError::invalid("status", "应为待审批、已批准或已驳回"));
        }
    }
    let mut conn = db.reader();
    let own = matches!(actor.role, Role::Filer | Role::Grassroots).then_some(actor.unit_id);
    let filter = ApprovalFilter {
        within: policy::scope_filter(actor),
        unit: own.or(f.unit),
        status: f.status,
        channel: f.channel,
        kind: f.kind.map(|k| k.as_str().to_string()),
        free: f.free,
    };
    let (rows, total) = store::list(&mut conn, &filter, page.limit(), page.offset()).await?;
    Ok(Paged::new(
        rows.into_iter().map(Approval::from).collect(),
        total,
        page,
    ))
}

/// The approvals an item cites.
pub async fn of_item(conn: &mut Conn, channel: &str, item_id: i64) -> AppResult<Vec<Approval>> {
    Ok(store::cited_by(conn, channel, item_id)
        .await?
        .into_iter()
        .map(Approval::from)
        .collect())
}

/// What the approvals an item cites grant it: the kinds approved for its issuer on or before its
/// day. An approval given after the day (补批) is cited but grants nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Granted {
    kinds: Vec<Kind>,
}

impl Granted {
    pub fn has(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// Checks the approvals an item about to be saved cites (field `approval_ids`): each exists,
/// belongs to the channel, was applied for by the item's issuer, is approved, and is not cited
/// by another item; at most one of each kind. Returns what they grant.
pub async fn check_cited(
    conn: &mut Conn,
    channel: &Channel,
    item_id: Option<i64>,
    issuer_id: i64,
    day: NaiveDate,
    ids: &[i64],
) -> AppResult<Granted> {
    const FIELD: &str = "approval_ids";
    let mut granted = Granted::default();
    let mut seen: Vec<Kind> = Vec::new();
    if ids.len() > channel.approvals.len() {
        return Err(AppError::invalid(
            FIELD,
            "引用的审批过多：每类审批只能引用一项",
        ));
    }
    for &id in ids {
        let a = store::get(conn, id)
            .await?
            .ok_or_else(|| AppError::invalid(FIELD, &format!("中第{id}号审批不存在")))?;
        let kind = a.kind.parse::<Kind>().ok();
        let Some(kind) = kind.filter(|_| a.channel == channel.name) else {
            return Err(AppError::invalid(
                FIELD,
                &format!("中第{id}号审批不是{}的审批", channel.noun),
            ));
        };
        if a.unit_id != issuer_id {
            return Err(AppError::invalid(
                FIELD,
                &format!(
                    "中第{id}号审批是{}申请的，不能用于其他单位的{}",
                    a.unit_name, channel.noun
                ),
            ));
        }
        if a.status != "approved" {
            return Err(AppError::invalid(
                FIELD,
                &format!("中第{id}号审批{}，不能引用", status_label(&a.status)),
            ));
        }
        if a.item_id.is_some_and(|other| Some(other) != item_id) {
            return Err(AppError::conflict(
                FIELD,
                format!(
                    "第{id}号审批已用于另一{}，一项审批只对应一个事项",
                    channel.noun
                ),
            ));
        }
        if seen.contains(&kind) {
            return Err(AppError::invalid(
                FIELD,
                &format!("中有两项{}，每类审批只能引用一项", kind.label()),
            ));
        }
        seen.push(kind);
        if decided_on(&a).is_some_and(|d| d <= day) {
            granted.kinds.push(kind);
        }
    }
    Ok(granted)
}

fn beijing_day(ts: &str) -> Option<NaiveDate> {
    jianfu_core::time::parse_ts(ts).map(jianfu_core::time::beijing_date)
}

/// The Beijing day an approval was decided.
fn decided_on(a: &ApprovalRow) -> Option<NaiveDate> {
    beijing_day(a.decided_at.as_deref()?)
}

/// Makes `ids` the approvals the item cites (after [`check_cited`], in the same transaction).
pub async fn cite(tx: &mut Tx, channel: &str, item_id: i64, ids: &[i64]) -> AppResult<()> {
    if store::cite(tx, channel, item_id, ids).await? < ids.len() {
        // Another item cited one of them between the check and now.
        return Err(AppError::conflict(
            "approval_ids",
            "所引用的审批已被其他事项使用，请重新选择",
        ));
    }
    Ok(())
}

/// Whether an approval cited by an item came after the item's day (补批), for the item's page.
pub fn late(a: &Approval, day: &str) -> bool {
    a.decided_on.as_deref().is_some_and(|d| d > day)
}

/// An approval the office gave on `day`, recorded without an application on the platform: for
/// the demo's history. `note`: the decision's note (a head's sign-off names the head).
pub async fn seed_approved(
    tx: &mut Tx,
    channel: &Channel,
    kind: Kind,
    unit_id: i64,
    title: &str,
    day: NaiveDate,
    note: Option<&str>,
) -> AppResult<i64> {
    let unit = org::get(tx, unit_id)
        .await?
        .ok_or_else(|| AppError::invalid("unit_id", "不存在"))?;
    // 08:00 in Beijing on the day.
    let at = format!("{day}T00:00:00.000Z");
    let planned = day.to_string();
    let id = store::insert(
        tx,
        &NewApproval {
            region_id: unit.region_id.unwrap_or(unit.id),
            channel: channel.name,
            kind: kind.as_str(),
            unit_id,
            year: i64::from(day.year()),
            title,
            reason: "",
            planned_on: Some(&planned),
            applied_by: 0,
            applied_at: &at,
        },
    )
    .await?;
    store::decide(tx, id, "approved", 0, &at, note).await?;
    Ok(id)
}
