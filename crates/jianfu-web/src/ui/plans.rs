//! 年度计划 page: every unit's plan for each planned channel (documents, meetings, …), quotas
//! and base year beside what it actually issued; the office sets a unit's plan in the form
//! above the table.
use super::burden::ledger_units;
use super::items::fields;
use super::{render, Chrome, FormBody};
use crate::auth::{Identity, PageUser};
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_core::AppError;
use jianfu_domain::plans::{self, PlanInput, PlanRow};
use jianfu_domain::policy::{can, Action};
use serde::Deserialize;
use std::collections::BTreeMap;

/// One channel's cells of a unit's line.
pub struct Cells {
    pub planned: String,
    pub quota: String,
    pub actual: i64,
    /// Over the quota, or more than last year.
    pub up: bool,
    pub last_year: i64,
    /// Items of the base year, or —.
    pub base: String,
}

pub struct PlanLine {
    pub unit_id: i64,
    pub unit_name: String,
    /// 2025年, or —.
    pub base_year: String,
    pub cells: Vec<Cells>,
}

/// A planned channel's column group and form fields.
pub struct Column {
    /// 文件, 会议
    pub noun: &'static str,
    pub planned: &'static str,
    pub planned_label: &'static str,
    pub quota: &'static str,
    pub quota_label: &'static str,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    chrome: Chrome,
    year: i64,
    columns: Vec<Column>,
    rows: Vec<PlanLine>,
    /// The office's form; `None` for users who may not set plans.
    form: Option<PlanForm>,
}

struct PlanForm {
    /// (unit id, name, selected)
    units: Vec<(i64, String, bool)>,
    values: PlanValues,
    error: Option<String>,
    saved: Option<String>,
}

/// The plan form's fields as typed: `unit_id`, `year`, `base_year` and each planned channel's
/// fields, which the installed channels name (`planned_documents`, `document_quota`, …).
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct PlanValues(BTreeMap<String, String>);

impl PlanValues {
    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or("")
    }

    fn set(&mut self, field: &str, value: String) {
        self.0.insert(field.to_string(), value);
    }
}

#[derive(Debug, Deserialize)]
struct PlansQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    year: Option<i64>,
    /// Prefill the form with this unit's plan.
    #[serde(default, deserialize_with = "empty_as_none")]
    edit: Option<i64>,
    /// The unit whose plan was just saved.
    #[serde(default, deserialize_with = "empty_as_none")]
    saved: Option<i64>,
}

fn this_year() -> i64 {
    i64::from(jianfu_core::time::current_year())
}

fn line(r: PlanRow) -> PlanLine {
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
    PlanLine {
        unit_id: r.unit_id,
        unit_name: r.unit_name,
        base_year: r
            .base_year
            .map(|y| format!("{y}年"))
            .unwrap_or_else(|| "—".into()),
        cells: r
            .measures
            .iter()
            .map(|m| Cells {
                planned: opt(m.planned),
                quota: opt(m.quota),
                actual: m.actual,
                up: m.quota.is_some_and(|q| m.actual > q)
                    || m.actual > m.last_year && m.last_year > 0,
                last_year: m.last_year,
                base: opt(m.base_year_actual),
            })
            .collect(),
    }
}

fn columns() -> Vec<Column> {
    plans::planned_channels()
        .map(|(c, f)| Column {
            noun: c.noun,
            planned: f.planned,
            planned_label: f.planned_label,
            quota: f.quota,
            quota_label: f.quota_label,
        })
        .collect()
}

/// The form's values for a unit's stored plan.
fn values_of(r: &PlanRow) -> PlanValues {
    let mut values = PlanValues::default();
    values.set("unit_id", r.unit_id.to_string());
    let measures = r
        .measures
        .iter()
        .flat_map(|m| [(m.fields.planned, m.planned), (m.fields.quota, m.quota)]);
    for (k, v) in measures.chain([("base_year", r.base_year)]) {
        if let Some(v) = v {
            values.set(k, v.to_string());
        }
    }
    values
}

async fn page(
    s: &AppState,
    id: &Identity,
    year: i64,
    values: Option<PlanValues>,
    error: Option<String>,
    saved: Option<i64>,
) -> Result<Response, PageError> {
    let rows = plans::overview(&s.db, &id.actor, year).await?;
    let form = if can(&id.actor, Action::ManagePlans) {
        let values = values.unwrap_or_default();
        let chosen = values.get("unit_id").to_string();
        let units = ledger_units(&s.db, &id.actor)
            .await?
            .into_iter()
            .map(|(uid, name)| {
                let sel = uid.to_string() == chosen;
                (uid, name, sel)
            })
            .collect();
        Some(PlanForm {
            units,
            values,
            saved: saved.and_then(|u| {
                rows.iter()
                    .find(|r| r.unit_id == u)
                    .map(|r| format!("已保存{}{}年度计划。", r.unit_name, year))
            }),
            error,
        })
    } else {
        None
    };
    let status = match form.as_ref().and_then(|f| f.error.as_ref()) {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let page = PlansPage {
        chrome: Chrome::new(id, "/plans", "年度计划"),
        year,
        columns: columns(),
        rows: rows.into_iter().map(line).collect(),
        form,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn plans_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: PlansQuery = parse_query(uri.query().unwrap_or(""))?;
    let year = q.year.unwrap_or_else(this_year);
    let values = match q.edit {
        Some(unit) => plans::overview(&s.db, &id.actor, year)
            .await?
            .iter()
            .find(|r| r.unit_id == unit)
            .map(values_of)
            .or_else(|| {
                let mut values = PlanValues::default();
                values.set("unit_id", unit.to_string());
                Some(values)
            }),
        None => None,
    };
    page(&s, &id, year, values, None, q.saved).await
}

fn parse_plan(f: &PlanValues, year: i64) -> Result<PlanInput, AppError> {
    let mut measures = BTreeMap::new();
    for (_, plan) in plans::planned_channels() {
        let planned = fields::required_int(plan.planned, f.get(plan.planned))?;
        measures.insert(plan.planned.to_string(), planned.into());
        let quota = fields::int(plan.quota, f.get(plan.quota))?;
        measures.insert(plan.quota.to_string(), quota.into());
    }
    Ok(PlanInput {
        unit_id: fields::required_int("unit_id", f.get("unit_id"))?,
        year,
        base_year: fields::int("base_year", f.get("base_year"))?,
        measures,
    })
}

/// `POST /plans?year=Y`: sets one unit's plan; the rules of that year are re-evaluated.
pub async fn plan_save(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
    FormBody(form): FormBody<PlanValues>,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::ManagePlans)?;
    let q: PlansQuery = parse_query(uri.query().unwrap_or(""))?;
    let year = match fields::int("year", form.get("year")) {
        Ok(Some(y)) => y,
        Ok(None) => q.year.unwrap_or_else(this_year),
        Err(e) => return page(&s, &id, this_year(), Some(form), Some(e.to_string()), None).await,
    };
    let result = match parse_plan(&form, year) {
        Ok(input) => plans::set(&s.db, &id.actor, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let unit = form.get("unit_id");
            Ok(Redirect::to(&format!("/plans?year={year}&saved={unit}")).into_response())
        }
        Err(e) if matches!(e.status(), 403 | 422) && e.field().is_some() => {
            let year = if (2000..=2100).contains(&year) {
                year
            } else {
                this_year()
            };
            page(&s, &id, year, Some(form), Some(e.to_string()), None).await
        }
        Err(e) => Err(PageError(e)),
    }
}
