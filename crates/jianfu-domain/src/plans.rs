//! 年度计划与总量控制: each unit's planned documents and meetings for a year, its quota and
//! base year, beside what it actually issued.
use crate::audit::{self, Change};
use crate::policy::{self, Action};
use crate::warnings;
use jianfu_core::{Actor, AppError, AppResult};
pub use jianfu_store::ledger::PlanRow;
use jianfu_store::ledger::{self as store, PlanValues};
use jianfu_store::{org, Db, Tx};
use serde::{Deserialize, Serialize};

/// Input of `PUT /api/v1/plans`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    pub unit_id: i64,
    pub year: i64,
    pub planned_documents: i64,
    pub planned_meetings: i64,
    /// 总量: the most documents the unit may issue in the year.
    #[serde(default)]
    pub document_quota: Option<i64>,
    #[serde(default)]
    pub meeting_quota: Option<i64>,
    /// 基准年 against which documents are to be cut.
    #[serde(default)]
    pub base_year: Option<i64>,
}

fn count(field: &str, v: i64) -> AppResult<i64> {
    if !(0..=100_000).contains(&v) {
        return Err(AppError::invalid(field, "应为0至100000之间的整数"));
    }
    Ok(v)
}

fn year(field: &str, v: i64) -> AppResult<i64> {
    if !(2000..=2100).contains(&v) {
        return Err(AppError::invalid(field, "应为2000至2100之间的年份"));
    }
    Ok(v)
}

/// Stores a plan without evaluating rules (the demo seed writes many).
pub async fn write(tx: &mut Tx, actor: &Actor, input: &PlanInput) -> AppResult<i64> {
    policy::ensure(actor, Action::ManagePlans)?;
    let y = year("year", input.year)?;
    let values = PlanValues {
        unit_id: input.unit_id,
        year: y,
        region_id: 0,
        planned_documents: count("planned_documents", input.planned_documents)?,
        planned_meetings: count("planned_meetings", input.planned_meetings)?,
        document_quota: input
            .document_quota
            .map(|v| count("document_quota", v))
            .transpose()?,
        meeting_quota: input
            .meeting_quota
            .map(|v| count("meeting_quota", v))
            .transpose()?,
        base_year: input.base_year.map(|v| year("base_year", v)).transpose()?,
    };
    if values.base_year.is_some_and(|b| b >= y) {
        return Err(AppError::invalid("base_year", "应早于计划年度"));
    }
    policy::ensure_in_scope(tx, actor, input.unit_id, Some("unit_id")).await?;
    let unit = org::get(tx, input.unit_id)
        .await?
        .ok_or_else(|| AppError::invalid("unit_id", "不存在"))?;
    let region_id = unit.region_id.unwrap_or(unit.id);
    store::upsert_plan(
        tx,
        &PlanValues {
            region_id,
            ..values
        },
        &jianfu_core::time::now(),
    )
    .await?;
    audit::record(
        tx,
        actor,
        Change {
            action: "plan.set",
            entity: "annual_plan",
            entity_id: format!("{}:{}", input.unit_id, y),
            region_id: Some(region_id),
            before: None,
            after: Some(&audit::json(input)?),
            summary: format!("设定{}{}年度发文会议计划", unit.name, y),
        },
    )
    .await?;
    Ok(region_id)
}

pub async fn set(db: &Db, actor: &Actor, input: PlanInput) -> AppResult<Vec<PlanRow>> {
    let mut tx = db.begin().await?;
    let region = write(&mut tx, actor, &input).await?;
    let y = input.year as i32;
    warnings::evaluate_region(
        &mut tx,
        region,
        &[y, y + 1],
        &crate::rules::packs_reading("plans"),
    )
    .await?;
    tx.commit().await?;
    overview(db, actor, input.year).await.map(|rows| {
        rows.into_iter()
            .filter(|r| r.unit_id == input.unit_id)
            .collect()
    })
}

pub async fn overview(db: &Db, actor: &Actor, y: i64) -> AppResult<Vec<PlanRow>> {
    policy::ensure(actor, Action::ViewLedger)?;
    let y = year("year", y)?;
    Ok(store::plan_overview(&mut db.reader(), actor.scope_root, y).await?)
}
