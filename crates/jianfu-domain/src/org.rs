//! The org tree: 省/市/县/乡镇/村 and departments. Listing, browsing, creating and editing units.
use crate::audit::{self, Change};
use crate::policy::{self, Action};
use jianfu_core::validate::required_text;
use jianfu_core::{Actor, AppError, AppResult, Level, Page, Paged};
use jianfu_store::org::{self as store, NewUnit, OrgUnitRow, UnitChange, UnitFilter};
use jianfu_store::{Db, Tx};
use serde::{Deserialize, Serialize};

/// One org unit as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrgUnit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub code: String,
    /// province|city|county|township|village|department
    pub level: String,
    pub depth: i64,
    pub region_id: Option<i64>,
    pub sort_order: i64,
    pub active: bool,
    /// Number of direct children.
    pub child_count: i64,
}

impl From<OrgUnitRow> for OrgUnit {
    fn from(r: OrgUnitRow) -> OrgUnit {
        OrgUnit {
            id: r.id,
            parent_id: r.parent_id,
            name: r.name,
            code: r.code,
            level: r.level,
            depth: r.depth,
            region_id: r.region_id,
            sort_order: r.sort_order,
            active: r.active,
            child_count: r.child_count,
        }
    }
}

/// Input of `POST /api/v1/org-units`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnit {
    pub parent_id: i64,
    pub name: String,
    /// Unique code, e.g. the 12-digit statistical division code or a department code.
    pub code: String,
    pub level: Level,
    #[serde(default)]
    pub sort_order: Option<i64>,
}

/// Input of `PATCH /api/v1/org-units/{id}`: only the fields given change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUnit {
    pub name: Option<String>,
    pub code: Option<String>,
    pub sort_order: Option<i64>,
    pub active: Option<bool>,
}

/// Filters of the unit list.
#[derive(Debug, Clone, Default)]
pub struct ListUnits {
    pub parent: Option<i64>,
    pub within: Option<i64>,
    pub level: Option<Level>,
    pub q: Option<String>,
}

fn parse_code(code: &str) -> AppResult<String> {
    let code = required_text("code", code, 40)?;
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::invalid("code", "只能由字母、数字、“-”和“_”组成"));
    }
    Ok(code)
}

fn parse_sort(v: Option<i64>) -> AppResult<i64> {
    match v {
        Some(n) if !(0..=1_000_000).contains(&n) => {
            Err(AppError::invalid("sort_order", "应为0至1000000之间的整数"))
        }
        Some(n) => Ok(n),
        None => Ok(0),
    }
}

fn as_json(u: &OrgUnitRow) -> serde_json::Value {
    serde_json::json!({"id": u.id, "parent_id": u.parent_id, "name": u.name, "code": u.code, "level": u.level,
        "sort_order": u.sort_order, "active": u.active})
}

pub async fn list(db: &Db, actor: &Actor, f: ListUnits, page: Page) -> AppResult<Paged<OrgUnit>> {
    policy::ensure(actor, Action::ViewOrg)?;
    let mut conn = db.reader();
    for (unit, field) in [(f.parent, "parent"), (f.within, "subtree")] {
        if let Some(id) = unit {
            policy::ensure_in_scope(&mut conn, actor, id, Some(field)).await?;
        }
    }
    let filter = UnitFilter {
        scope_root: policy::scope_filter(actor),
        parent: f.parent,
        within: f.within,
        level: f.level.map(|l| l.as_str().to_string()),
        q: f.q,
        active: None,
    };
    let (items, total) = store::list(&mut conn, &filter, page.limit(), page.offset()).await?;
    Ok(Paged::new(
        items.into_iter().map(OrgUnit::from).collect(),
        total,
        page,
    ))
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<OrgUnit> {
    policy::ensure(actor, Action::ViewOrg)?;
    let mut conn = db.reader();
    let unit = store::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    policy::ensure_in_scope(&mut conn, actor, id, None).await?;
    Ok(unit.into())
}

/// The path from the actor's scope root down to the unit, for breadcrumbs.
pub async fn path(db: &Db, actor: &Actor, id: i64) -> AppResult<Vec<OrgUnit>> {
    get(db, actor, id).await?;
    let all = store::ancestors(&mut db.reader(), id).await?;
    let start = all
        .iter()
        .position(|u| actor.is_system() || u.id == actor.scope_root)
        .unwrap_or(0);
    Ok(all.into_iter().skip(start).map(OrgUnit::from).collect())
}

/// The root of what the actor sees.
pub async fn scope_root(db: &Db, actor: &Actor) -> AppResult<OrgUnit> {
    store::get(&mut db.reader(), actor.scope_root)
        .await?
        .map(OrgUnit::from)
        .ok_or(AppError::NotFound("单位"))
}

/// Counts of units per level in the actor's scope, in hierarchy order.
pub async fn counts_by_level(db: &Db, actor: &Actor) -> AppResult<Vec<(Level, i64)>> {
    let raw = store::count_by_level(&mut db.reader(), actor.scope_root).await?;
    Ok(Level::all()
        .filter_map(|l| {
            raw.iter()
                .find(|(s, _)| s == l.as_str())
                .map(|(_, n)| (l, *n))
        })
        .collect())
}

pub async fn create(db: &Db, actor: &Actor, input: CreateUnit) -> AppResult<OrgUnit> {
    policy::ensure(actor, Action::ManageOrg)?;
    let mut tx = db.begin().await?;
    policy::ensure_in_scope(&mut tx, actor, input.parent_id, Some("parent_id")).await?;
    let id = insert(
        &mut tx,
        actor,
        Some(input.parent_id),
        &input.name,
        &input.code,
        input.level,
        input.sort_order,
    )
    .await?;
    let unit = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    tx.commit().await?;
    Ok(unit.into())
}

/// Validates and inserts a unit with its audit entry; the demo seed uses it too.
pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    parent_id: Option<i64>,
    name: &str,
    code: &str,
    level: Level,
    sort_order: Option<i64>,
) -> AppResult<i64> {
    let name = required_text("name", name, 100)?;
    let code = parse_code(code)?;
    let sort_order = parse_sort(sort_order)?;
    if let Some(pid) = parent_id {
        let parent = store::get(tx, pid)
            .await?
            .ok_or_else(|| AppError::invalid("parent_id", "不存在"))?;
        let parent_level: Level = parent
            .level
            .parse()
            .map_err(|_| AppError::internal("bad level in database"))?;
        if !parent_level.may_contain(level) {
            return Err(AppError::invalid(
                "level",
                &format!(
                    "不能是“{}”：{}之下不能设立{}",
                    level.label(),
                    parent_level.label(),
                    level.label()
                ),
            ));
        }
    }
    if store::code_taken(tx, &code, None).await? {
        return Err(AppError::conflict(
            "code",
            format!("单位代码“{code}”已被使用"),
        ));
    }
    let now = jianfu_core::time::now();
    let new = NewUnit {
        parent_id,
        name: &name,
        code: &code,
        level: level.as_str(),
        sort_order,
        region_root: level.is_region_root(),
    };
    let id = store::insert(tx, &new, &now).await?;
    let unit = store::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    audit::record(
        tx,
        actor,
        Change {
            action: "org_unit.create",
            entity: "org_unit",
            entity_id: id.to_string(),
            region_id: unit.region_id,
            before: None,
            after: Some(&as_json(&unit)),
            summary: format!("新建{}“{}”", level.label(), name),
        },
    )
    .await?;
    Ok(id)
}

pub async fn update(db: &Db, actor: &Actor, id: i64, input: UpdateUnit) -> AppResult<OrgUnit> {
    policy::ensure(actor, Action::ManageOrg)?;
    let mut tx = db.begin().await?;
    let before = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    policy::ensure_in_scope(&mut tx, actor, id, None).await?;
    if id == actor.scope_root && input.active == Some(false) {
        return Err(AppError::invalid("active", "不能停用本人所在的管辖单位"));
    }
    let name = match &input.name {
        Some(n) => required_text("name", n, 100)?,
        None => before.name.clone(),
    };
    let code = match &input.code {
        Some(c) => parse_code(c)?,
        None => before.code.clone(),
    };
    if code != before.code && store::code_taken(&mut tx, &code, Some(id)).await? {
        return Err(AppError::conflict(
            "code",
            format!("单位代码“{code}”已被使用"),
        ));
    }
    let sort_order = match input.sort_order {
        Some(s) => parse_sort(Some(s))?,
        None => before.sort_order,
    };
    let change = UnitChange {
        name: &name,
        code: &code,
        sort_order,
        active: input.active.unwrap_or(before.active),
    };
    store::update(&mut tx, id, &change, &jianfu_core::time::now()).await?;
    let after = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "org_unit.update",
            entity: "org_unit",
            entity_id: id.to_string(),
            region_id: after.region_id,
            before: Some(&as_json(&before)),
            after: Some(&as_json(&after)),
            summary: format!("修改单位“{}”", after.name),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after.into())
}
