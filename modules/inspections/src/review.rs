//! The office's side of an item and the units' answer to it: the decision on an application
//! (审核 → 批准/驳回), a township's or village's objection to a clash (申请调整) and its answer,
//! moving an item's days on site, and the notices these send. Every change is audited and
//! re-evaluates the rules it touches, in its transaction.
use crate::model::{self, check_dates, dates_text, Inspection, InspectionDetail, Status};
use crate::store::{self, InspectionRow, NewObjection, ObjectionFilter, ObjectionRow};
use chrono::{Duration, NaiveDate};
use jianfu_core::validate::{optional_text, required_text};
use jianfu_core::{Actor, AppError, AppResult, Role};
use jianfu_domain::audit::{self, Change};
use jianfu_domain::policy;
use jianfu_domain::rules::Focus;
use jianfu_domain::targets::parse_date;
use jianfu_domain::warnings;
use jianfu_store::{Db, Tx};
use serde::{Deserialize, Serialize};

/// approve (批准) | reject (驳回)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

/// Input of `POST /api/v1/inspections/{id}/decision`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub decision: Decision,
    /// 理由: required to reject.
    #[serde(default)]
    pub reason: Option<String>,
}

async fn item(tx: &mut Tx, id: i64) -> AppResult<InspectionRow> {
    store::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("督查检查事项"))
}

fn audit_change<'a>(
    action: &'a str,
    id: i64,
    region: i64,
    before: Option<&'a serde_json::Value>,
    after: Option<&'a serde_json::Value>,
    summary: String,
) -> Change<'a> {
    Change {
        action,
        entity: crate::CHANNEL.entity,
        entity_id: id.to_string(),
        region_id: Some(region),
        before,
        after,
        summary,
    }
}

/// Re-evaluates the inspections' rules after a change to some items at some dates.
async fn evaluate(tx: &mut Tx, region: i64, focus: Focus) -> AppResult<()> {
    let dates = focus.dates.clone();
    warnings::evaluate_after_write(tx, crate::CHANNEL.name, region, &dates, Some(focus)).await?;
    Ok(())
}

/// The office approves or rejects an application; nobody decides on their own.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: DecisionInput,
) -> AppResult<InspectionDetail> {
    let mut tx = db.begin().await?;
    let (region, focus) = decide_in(&mut tx, actor, id, input).await?;
    evaluate(&mut tx, region, focus).await?;
    tx.commit().await?;
    model::get(db, actor, id).await
}

/// [`decide`] in the caller's transaction, without evaluating rules (the demo decides many):
/// returns the item's region and what the rules must look at again.
pub async fn decide_in(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    input: DecisionInput,
) -> AppResult<(i64, Focus)> {
    policy::ensure(actor, crate::permissions::REVIEW)?;
    let reason = match input.decision {
        Decision::Reject => Some(required_text(
            "reason",
            input.reason.as_deref().unwrap_or(""),
            300,
        )?),
        Decision::Approve => optional_text("reason", input.reason.as_deref(), 300)?,
    };
    let row = item(tx, id).await?;
    policy::ensure_in_scope(tx, actor, row.organizer_id, None).await?;
    if !actor.is_system() && row.created_by == Some(actor.user_id) {
        return Err(AppError::forbidden_field(
            "decision",
            "不能审批本人提交的申请，请由专班办公室其他同志审核",
        ));
    }
    if row.status != Status::Pending.as_str() {
        return Err(AppError::Conflict {
            code: "already_decided",
            message: format!(
                "该事项已审批（{}），不能重复审批；如需变更，请由报送单位修改后重新报送",
                Status::label_of(&row.status)
            ),
            field: Some("decision".into()),
        });
    }
    let (status, verb) = match input.decision {
        Decision::Approve => (Status::Approved, "approve"),
        Decision::Reject => (Status::Rejected, "reject"),
    };
    let now = jianfu_core::time::now();
    store::decide(
        tx,
        id,
        status.as_str(),
        reason.as_deref(),
        actor.user_id,
        &now,
    )
    .await?;
    if status == Status::Rejected {
        store::leave_spine(tx, id).await?;
    }
    let before = Inspection::from(row.clone());
    let after = Inspection::from(item(tx, id).await?);
    let what = format!(
        "{}“{}”（{}）",
        category_label(&row.category),
        row.title,
        row.organizer_name
    );
    let summary = match status {
        Status::Approved => format!("批准{what}"),
        _ => format!("驳回{what}：{}", reason.as_deref().unwrap_or("")),
    };
    let (b, a) = (audit::json(&before)?, audit::json(&after)?);
    audit::record(
        tx,
        actor,
        audit_change(
            &format!("{}.{verb}", crate::CHANNEL.entity),
            id,
            row.region_id,
            Some(&b),
            Some(&a),
            summary,
        ),
    )
    .await?;
    let notice = match status {
        Status::Approved => format!(
            "专班办公室已批准您单位报送的{}“{}”（{}）",
            category_label(&row.category),
            row.title,
            dates_text(&row.starts_on, &row.ends_on)
        ),
        _ => format!(
            "专班办公室驳回了您单位报送的{}“{}”，理由：{}",
            category_label(&row.category),
            row.title,
            reason.as_deref().unwrap_or("")
        ),
    };
    store::notify(tx, row.region_id, row.organizer_id, Some(id), &notice, &now).await?;
    let focus =
        Focus::new(crate::CHANNEL.name).touch(id, row.organizer_id, None, Some(&row.starts_on));
    Ok((row.region_id, focus))
}

fn category_label(s: &str) -> &'static str {
    crate::model::Category::label_of(s)
}

/// Moves an item's days on site to start on `starts_on` (within its window), audited, with a
/// notice to its organizer; returns what the rules must look at again. The caller evaluates.
pub async fn move_item(
    tx: &mut Tx,
    actor: &Actor,
    row: &InspectionRow,
    starts_on: NaiveDate,
    why: &str,
) -> AppResult<Focus> {
    let window = |s: &str, field: &str| {
        s.parse::<NaiveDate>()
            .map_err(|_| AppError::internal(format!("stored {field} {s}")))
    };
    let dates = check_dates(
        window(&row.window_from, "window_from")?,
        window(&row.window_to, "window_to")?,
        Some(starts_on),
        row.days_on_site,
    )?;
    let (starts, ends) = (dates.starts_on.to_string(), dates.ends_on.to_string());
    let now = jianfu_core::time::now();
    store::reschedule(tx, row.id, &starts, &ends, &now).await?;
    if row.status != Status::Rejected.as_str() {
        store::move_in_spine(tx, row.id, &starts).await?;
    }
    let before = Inspection::from(row.clone());
    let after = Inspection::from(item(tx, row.id).await?);
    let (old, new) = (
        dates_text(&row.starts_on, &row.ends_on),
        dates_text(&starts, &ends),
    );
    let (b, a) = (audit::json(&before)?, audit::json(&after)?);
    audit::record(
        tx,
        actor,
        audit_change(
            &format!("{}.reschedule", crate::CHANNEL.entity),
            row.id,
            row.region_id,
            Some(&b),
            Some(&a),
            format!("{why}：“{}”由{old}调整为{new}", row.title),
        ),
    )
    .await?;
    let notice = format!(
        "{why}，您单位的{}“{}”在基层时间由{old}调整为{new}，请按调整后的时间安排",
        category_label(&row.category),
        row.title
    );
    store::notify(
        tx,
        row.region_id,
        row.organizer_id,
        Some(row.id),
        &notice,
        &now,
    )
    .await?;
    Ok(Focus::new(crate::CHANNEL.name)
        .touch(row.id, row.organizer_id, None, Some(&row.starts_on))
        .touch(row.id, row.organizer_id, None, Some(&starts)))
}

/// Whether an unannounced item is still to be kept from the units it lands on (not yet done).
pub fn still_secret(i: &Inspection, today: NaiveDate) -> bool {
    i.unannounced
        && i.ends_on
            .parse::<NaiveDate>()
            .map_or(true, |end| end >= today)
}

/// Input of `POST /api/v1/inspections/{id}/objections`: a township or village asks for an item
/// landing on it to be moved (申请调整).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    /// 理由: what clashes (several inspections in one week, the busy season …).
    pub reason: String,
    /// The first day on site the unit would rather have (YYYY-MM-DD).
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "2026-06-22")]
    pub preferred_on: Option<NaiveDate>,
}

/// An objection as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Objection {
    pub id: i64,
    pub inspection_id: i64,
    pub inspection_title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub reason: String,
    pub preferred_on: Option<String>,
    /// open (待答复) | accepted (同意调整) | declined (不予调整)
    pub status: String,
    pub reply: Option<String>,
    pub answered_at: Option<String>,
    pub created_at: String,
}

impl From<ObjectionRow> for Objection {
    fn from(r: ObjectionRow) -> Objection {
        Objection {
            id: r.id,
            inspection_id: r.inspection_id,
            inspection_title: r.inspection_title,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            reason: r.reason,
            preferred_on: r.preferred_on,
            status: r.status,
            reply: r.reply,
            answered_at: r.answered_at,
            created_at: r.created_at,
        }
    }
}

impl Objection {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "open" => "待答复",
            "accepted" => "同意调整",
            "declined" => "不予调整",
            _ => "",
        }
    }
}

/// A grassroots unit objects to an item that lands on it.
pub async fn object(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: ObjectionInput,
) -> AppResult<Objection> {
    policy::ensure(actor, crate::permissions::OBJECT)?;
    let reason = required_text("reason", &input.reason, 500)?;
    let preferred = input
        .preferred_on
        .map(|d| parse_date("preferred_on", d))
        .transpose()?;
    let mut tx = db.begin().await?;
    let row = item(&mut tx, id).await?;
    let today = jianfu_core::time::today();
    let reaches =
        jianfu_store::burden::reaches(&mut tx, crate::CHANNEL.name, id, actor.unit_id).await?;
    // An unannounced item is not shown to the units it lands on before it is done.
    if !reaches || still_secret(&Inspection::from(row.clone()), today) {
        return Err(AppError::NotFound("涉及本单位的督查检查事项"));
    }
    if row.status == Status::Rejected.as_str() {
        return Err(AppError::conflict("reason", "该事项已被驳回，无需申请调整"));
    }
    if row.ends_on.as_str() < today.to_string().as_str() {
        return Err(AppError::conflict(
            "reason",
            "该事项已经结束，不能再申请调整",
        ));
    }
    let preferred_text = preferred.map(|d| d.to_string());
    let now = jianfu_core::time::now();
    let oid = store::insert_objection(
        &mut tx,
        &NewObjection {
            region_id: row.region_id,
            inspection_id: id,
            unit_id: actor.unit_id,
            reason: &reason,
            preferred_on: preferred_text.as_deref(),
            created_by: (!actor.is_system()).then_some(actor.user_id),
        },
        &now,
    )
    .await?;
    let objection = Objection::from(
        store::get_objection(&mut tx, oid)
            .await?
            .ok_or(AppError::NotFound("调整申请"))?,
    );
    let a = audit::json(&objection)?;
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "inspection_objection.create",
            entity: "inspection_objection",
            entity_id: oid.to_string(),
            region_id: Some(row.region_id),
            before: None,
            after: Some(&a),
            summary: format!(
                "{}对“{}”申请调整：{}",
                objection.unit_name, row.title, reason
            ),
        },
    )
    .await?;
    store::notify(
        &mut tx,
        row.region_id,
        row.organizer_id,
        Some(id),
        &format!(
            "{}对您单位的“{}”申请调整时间，待专班办公室答复",
            objection.unit_name, row.title
        ),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(objection)
}

/// accept (同意调整) | decline (不予调整)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Accept,
    Decline,
}

/// Input of `POST /api/v1/inspections/objections/{id}/answer`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub answer: Answer,
    /// 答复
    pub reply: String,
    /// To accept by moving the item: its new first day on site, within its window.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "2026-06-22")]
    pub starts_on: Option<NaiveDate>,
}

/// The office answers an objection; accepting it may move the item within its window.
pub async fn answer(db: &Db, actor: &Actor, id: i64, input: AnswerInput) -> AppResult<Objection> {
    policy::ensure(actor, crate::permissions::REVIEW)?;
    let reply = required_text("reply", &input.reply, 500)?;
    if input.answer == Answer::Decline && input.starts_on.is_some() {
        return Err(AppError::invalid("starts_on", "仅在同意调整时填写"));
    }
    let mut tx = db.begin().await?;
    let before = Objection::from(
        store::get_objection(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("调整申请"))?,
    );
    let row = item(&mut tx, before.inspection_id).await?;
    policy::ensure_in_scope(&mut tx, actor, row.organizer_id, None).await?;
    if before.status != "open" {
        return Err(AppError::Conflict {
            code: "already_answered",
            message: format!("该调整申请已答复（{}）", before.status_label()),
            field: Some("answer".into()),
        });
    }
    let mut focus = None;
    if let Some(d) = input.starts_on {
        let d = parse_date("starts_on", d)?;
        focus = Some(move_item(&mut tx, actor, &row, d, "经专班办公室同意基层申请调整").await?);
    }
    let status = match input.answer {
        Answer::Accept => "accepted",
        Answer::Decline => "declined",
    };
    let now = jianfu_core::time::now();
    store::answer_objection(&mut tx, id, status, &reply, actor.user_id, &now).await?;
    let after = Objection::from(
        store::get_objection(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("调整申请"))?,
    );
    let (b, a) = (audit::json(&before)?, audit::json(&after)?);
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "inspection_objection.answer",
            entity: "inspection_objection",
            entity_id: id.to_string(),
            region_id: Some(row.region_id),
            before: Some(&b),
            after: Some(&a),
            summary: format!(
                "答复{}对“{}”的调整申请（{}）：{}",
                after.unit_name,
                row.title,
                after.status_label(),
                reply
            ),
        },
    )
    .await?;
    store::notify(
        &mut tx,
        row.region_id,
        before.unit_id,
        Some(row.id),
        &format!(
            "专班办公室答复了本单位对“{}”的调整申请（{}）：{}",
            row.title,
            after.status_label(),
            reply
        ),
        &now,
    )
    .await?;
    if let Some(focus) = focus {
        evaluate(&mut tx, row.region_id, focus).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Objections the actor may see: a grassroots unit its own, a department those about its
/// items, the office those of its region; only open ones when asked.
pub async fn objections(
    db: &Db,
    actor: &Actor,
    region: Option<i64>,
    open_only: bool,
) -> AppResult<Vec<Objection>> {
    policy::ensure(actor, crate::permissions::READ)?;
    let mut conn = db.reader();
    let mut f = ObjectionFilter {
        open_only,
        ..Default::default()
    };
    if actor.role == Role::Grassroots {
        f.unit = Some(actor.unit_id);
    } else {
        f.region = Some(crate::calendar::region_of(&mut conn, actor, region).await?);
    }
    let rows = store::objections(&mut conn, &f).await?;
    Ok(rows
        .into_iter()
        .filter(|o| actor.role != Role::Filer || o.organizer_id == actor.unit_id)
        .map(Objection::from)
        .collect())
}

/// Objections about one item, for its page.
pub async fn objections_of(db: &Db, inspection: i64) -> AppResult<Vec<Objection>> {
    let f = ObjectionFilter {
        inspection: Some(inspection),
        ..Default::default()
    };
    Ok(store::objections(&mut db.reader(), &f)
        .await?
        .into_iter()
        .map(Objection::from)
        .collect())
}

/// A notice to a unit, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Notice {
    pub id: i64,
    pub inspection_id: Option<i64>,
    pub message: String,
    pub created_at: String,
}

/// The latest 100 notices to the actor's own unit.
pub async fn notices(db: &Db, actor: &Actor) -> AppResult<Vec<Notice>> {
    policy::ensure(actor, crate::permissions::READ)?;
    Ok(store::notices(&mut db.reader(), actor.unit_id, 100)
        .await?
        .into_iter()
        .map(|n| Notice {
            id: n.id,
            inspection_id: n.inspection_id,
            message: n.message,
            created_at: n.created_at,
        })
        .collect())
}

/// The first day on site a week later or earlier: the same weekday `weeks` weeks away.
pub fn shifted(date: &str, weeks: i64) -> Option<NaiveDate> {
    date.parse::<NaiveDate>()
        .ok()
        .map(|d| d + Duration::weeks(weeks))
}

impl Notice {
    /// The day it was sent (UTC date of its timestamp).
    pub fn day(&self) -> &str {
        self.created_at.get(..10).unwrap_or("")
    }
}
