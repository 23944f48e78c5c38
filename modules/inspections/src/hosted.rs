//! What a township or village hosts (以下看上): the items landing on it in a period, those to come
//! and those done, with their dates, organizers and the materials asked of it, item by item, and
//! its totals — inspections, research visits, days on site, materials. An unannounced item
//! (四不两直) is not shown to the unit before it is done.
use crate::model::{Category, Inspection};
use crate::review::still_secret;
use crate::store;
use chrono::{Datelike, NaiveDate};
use jianfu_core::{Actor, AppError, AppResult, Role};
use jianfu_domain::policy;
use jianfu_store::{org, Db};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HostedQuery {
    /// The township or village; the caller's own unit when absent.
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    pub unit: Option<i64>,
    /// From this day (YYYY-MM-DD); 1 January of this year when absent.
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    #[param(value_type = Option<String>)]
    pub from: Option<NaiveDate>,
    /// To this day; 31 December of this year when absent.
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    #[param(value_type = Option<String>)]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hosted {
    pub unit_id: i64,
    pub unit_name: String,
    pub from: String,
    pub to: String,
    /// 督查、检查、考核 hosted or to host.
    pub inspections: i64,
    /// 调研 hosted or to host.
    pub research: i64,
    pub days_on_site: i64,
    /// Materials asked of the unit, summed over the items.
    pub materials: i64,
    pub items: Vec<HostedItem>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HostedItem {
    pub id: i64,
    pub category: String,
    pub category_label: String,
    pub title: String,
    pub organizer_name: String,
    pub leader: String,
    pub starts_on: String,
    pub ends_on: String,
    pub dates: String,
    pub days_on_site: i64,
    pub team_size: i64,
    pub materials: Vec<String>,
    /// pending (待审核) | approved (已批准)
    pub status: String,
    pub unannounced: bool,
    /// Done (its last day on site is past).
    pub done: bool,
}

pub async fn hosted(db: &Db, actor: &Actor, q: HostedQuery) -> AppResult<Hosted> {
    policy::ensure(actor, crate::permissions::READ)?;
    let today = jianfu_core::time::today();
    let year = today.year();
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today));
    let to =
        q.to.unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
    jianfu_domain::burden::check_period(from, to)?;
    let unit_id = q.unit.unwrap_or(actor.unit_id);
    let mut conn = db.reader();
    policy::ensure_in_scope(&mut conn, actor, unit_id, Some("unit")).await?;
    let unit = org::get(&mut conn, unit_id)
        .await?
        .ok_or_else(|| AppError::invalid("unit", "不存在"))?;
    // The units the items land on must not learn an unannounced one before it is done.
    let hide_secret = actor.role == Role::Grassroots;
    let rows = store::hosted(
        &mut conn,
        unit.id,
        &unit.level,
        &from.to_string(),
        &to.to_string(),
    )
    .await?;
    let items: Vec<HostedItem> = rows
        .into_iter()
        .map(Inspection::from)
        .filter(|i| !(hide_secret && still_secret(i, today)))
        .map(|i| HostedItem {
            id: i.id,
            category_label: Category::label_of(&i.category).to_string(),
            dates: i.dates_text(),
            done: i.ends_on < today.to_string(),
            category: i.category,
            title: i.title,
            organizer_name: i.organizer_name,
            leader: i.leader,
            starts_on: i.starts_on,
            ends_on: i.ends_on,
            days_on_site: i.days_on_site,
            team_size: i.team_size,
            materials: i.materials,
            status: i.status,
            unannounced: i.unannounced,
        })
        .collect();
    let research = items.iter().filter(|i| i.category == "research").count() as i64;
    Ok(Hosted {
        unit_id: unit.id,
        unit_name: unit.name,
        from: from.to_string(),
        to: to.to_string(),
        inspections: items.len() as i64 - research,
        research,
        days_on_site: items.iter().map(|i| i.days_on_site).sum(),
        materials: items.iter().map(|i| i.materials.len() as i64).sum(),
        items,
    })
}
