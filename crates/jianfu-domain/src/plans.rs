//! 年度计划与总量控制: each unit's plan for a year — for every channel its module plans
//! (documents, meetings, …) the planned count and the quota, and a base year — beside what it
//! actually issued that year, the year before and in the base year.
use crate::audit::{self, Change};
use crate::burden::{self, Channel, PlanFields};
use crate::policy::{self, Action};
use crate::warnings;
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_store::plans as store;
use jianfu_store::{org, Db, Tx};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Input of `PUT /api/v1/plans`: the unit, the year, the base year, and for each planned
/// channel its fields as the channel declares them — `planned_documents` (required) and
/// `document_quota` (optional), `planned_meetings` and `meeting_quota`, ….
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PlanInput {
    pub unit_id: i64,
    pub year: i64,
    /// 基准年 against which the items are to be cut.
    #[serde(default)]
    pub base_year: Option<i64>,
    /// The channels' fields: `"planned_documents": 12, "document_quota": 15, …`.
    #[serde(flatten)]
    pub measures: BTreeMap<String, serde_json::Value>,
}

/// One channel of a plan, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub channel: &'static str,
    pub planned: i64,
    pub quota: Option<i64>,
}

/// A plan, validated: what [`PlanInput`] becomes at the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub unit_id: i64,
    pub year: i64,
    pub base_year: Option<i64>,
    pub measures: Vec<Measure>,
}

/// The planned channels, in the modules' order.
pub fn planned_channels() -> impl Iterator<Item = (&'static Channel, &'static PlanFields)> {
    burden::channels()
        .iter()
        .filter_map(|c| Some((*c, c.plan.as_ref()?)))
}

fn count(field: &str, v: i64) -> AppResult<i64> {
    if !(0..=100_000).contains(&v) {
        return Err(AppError::invalid(field, "应为0至100000之间的整数"));
    }
    Ok(v)
}

/// A channel's field: absent or null is `None`, an integer is itself, anything else is refused.
fn integer(input: &BTreeMap<String, serde_json::Value>, field: &str) -> AppResult<Option<i64>> {
    match input.get(field) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, "应为整数")),
    }
}

fn year(field: &str, v: i64) -> AppResult<i64> {
    if !(2000..=2100).contains(&v) {
        return Err(AppError::invalid(field, "应为2000至2100之间的年份"));
    }
    Ok(v)
}

impl PlanInput {
    /// Parses the input: every planned channel's count present and in range, no field that no
    /// channel declares, the base year before the plan's year.
    pub fn parse(&self) -> AppResult<Plan> {
        let y = year("year", self.year)?;
        let mut known = Vec::new();
        let mut measures = Vec::new();
        for (channel, fields) in planned_channels() {
            known.extend([fields.planned, fields.quota]);
            let planned = match integer(&self.measures, fields.planned)? {
                Some(v) => count(fields.planned, v)?,
                None => {
                    return Err(AppError::Validation {
                        code: "missing_field",
                        message: format!("缺少必填字段“{}”", fields.planned_label),
                        field: Some(fields.planned.to_string()),
                    })
                }
            };
            let quota = integer(&self.measures, fields.quota)?
                .map(|v| count(fields.quota, v))
                .transpose()?;
            measures.push(Measure {
                channel: channel.name,
                planned,
                quota,
            });
        }
        if let Some(k) = self.measures.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(AppError::Validation {
                code: "unknown_field",
                message: format!("不允许的字段“{k}”"),
                field: Some(k.clone()),
            });
        }
        let base_year = self.base_year.map(|v| year("base_year", v)).transpose()?;
        if base_year.is_some_and(|b| b >= y) {
            return Err(AppError::invalid("base_year", "应早于计划年度"));
        }
        Ok(Plan {
            unit_id: self.unit_id,
            year: y,
            base_year,
            measures,
        })
    }
}

/// Stores a plan without evaluating rules (the demo seed writes many).
pub async fn write(tx: &mut Tx, actor: &Actor, input: &PlanInput) -> AppResult<i64> {
    policy::ensure(actor, Action::ManagePlans)?;
    let plan = input.parse()?;
    policy::ensure_in_scope(tx, actor, plan.unit_id, Some("unit_id")).await?;
    let unit = org::get(tx, plan.unit_id)
        .await?
        .ok_or_else(|| AppError::invalid("unit_id", "不存在"))?;
    let region_id = unit.region_id.unwrap_or(unit.id);
    let measures: Vec<(&str, i64, Option<i64>)> = plan
        .measures
        .iter()
        .map(|m| (m.channel, m.planned, m.quota))
        .collect();
    store::upsert_plan(
        tx,
        plan.unit_id,
        plan.year,
        region_id,
        plan.base_year,
        &measures,
        &jianfu_core::time::now(),
    )
    .await?;
    audit::record(
        tx,
        actor,
        Change {
            action: "plan.set",
            entity: "annual_plan",
            entity_id: format!("{}:{}", plan.unit_id, plan.year),
            region_id: Some(region_id),
            before: None,
            after: Some(&audit::json(input)?),
            summary: format!("设定{}{}年度计划", unit.name, plan.year),
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

/// One channel of a unit's row in the overview.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRow {
    pub channel: &'static Channel,
    pub fields: &'static PlanFields,
    /// `None` when the unit has no plan for the year.
    pub planned: Option<i64>,
    pub quota: Option<i64>,
    /// Items issued in the year, the year before, and in the plan's base year (when it has one).
    pub actual: i64,
    pub last_year: i64,
    pub base_year_actual: Option<i64>,
}

/// A unit's plan for a year beside what it actually issued. In JSON each planned channel's
/// figures sit beside the unit's: `planned_documents`, `document_quota`, `documents`,
/// `last_year_documents`, `base_year_documents`, and the same for meetings, ….
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlanRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i64,
    pub base_year: Option<i64>,
    #[serde(flatten)]
    pub figures: BTreeMap<String, Option<i64>>,
    #[serde(skip)]
    pub measures: Vec<MeasureRow>,
}

/// Plans and actual counts of every unit in the actor's scope that has a plan for the year or
/// issued something in it or the year before.
pub async fn overview(db: &Db, actor: &Actor, y: i64) -> AppResult<Vec<PlanRow>> {
    policy::ensure(actor, Action::ViewLedger)?;
    let y = year("year", y)?;
    let o = store::overview(&mut db.reader(), actor.scope_root, y).await?;
    let plans: HashMap<(i64, &str), &store::MeasureRow> = o
        .measures
        .iter()
        .map(|m| ((m.unit_id, m.channel.as_str()), m))
        .collect();
    let items: HashMap<(i64, &str, &str), i64> = o
        .items
        .iter()
        .map(|i| ((i.issuer_id, i.channel.as_str(), i.year.as_str()), i.items))
        .collect();
    let (this, last) = (y.to_string(), (y - 1).to_string());
    let rows = o
        .units
        .into_iter()
        .map(|u| {
            let n = |c: &str, year: &str| items.get(&(u.unit_id, c, year)).copied().unwrap_or(0);
            let measures: Vec<MeasureRow> = planned_channels()
                .map(|(c, fields)| {
                    let plan = plans.get(&(u.unit_id, c.name));
                    MeasureRow {
                        channel: c,
                        fields,
                        planned: plan.map(|p| p.planned),
                        quota: plan.and_then(|p| p.quota),
                        actual: n(c.name, &this),
                        last_year: n(c.name, &last),
                        base_year_actual: u.base_year.map(|b| n(c.name, &b.to_string())),
                    }
                })
                .collect();
            let mut figures = BTreeMap::new();
            for m in &measures {
                let name = m.channel.name;
                figures.insert(m.fields.planned.to_string(), m.planned);
                figures.insert(m.fields.quota.to_string(), m.quota);
                figures.insert(name.to_string(), Some(m.actual));
                figures.insert(format!("last_year_{name}"), Some(m.last_year));
                figures.insert(format!("base_year_{name}"), m.base_year_actual);
            }
            PlanRow {
                unit_id: u.unit_id,
                unit_name: u.unit_name,
                year: y,
                base_year: u.base_year,
                figures,
                measures,
            }
        })
        .collect();
    Ok(rows)
}
