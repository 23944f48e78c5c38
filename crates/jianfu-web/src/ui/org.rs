//! The region tree browser: a lazily expanded tree, a unit page with its children, search in a subtree.
use super::{render, Chrome, FormBody};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query, IdPath};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_core::{Actor, AppError, Level, Page, Role};
use jianfu_domain::org::{self, CreateUnit, ListUnits, OrgUnit, UpdateUnit};
use jianfu_domain::people::{self, ListUsers};
use jianfu_domain::policy::{can, Action};
use jianfu_domain::Db;
use serde::Deserialize;

/// A unit row as lists show it.
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub level_label: &'static str,
    pub child_count: i64,
    pub active: bool,
}

fn level_label(level: &str) -> &'static str {
    level.parse::<Level>().map(Level::label).unwrap_or("")
}

impl From<OrgUnit> for UnitRow {
    fn from(u: OrgUnit) -> Self {
        UnitRow {
            level_label: level_label(&u.level),
            id: u.id,
            name: u.name,
            code: u.code,
            child_count: u.child_count,
            active: u.active,
        }
    }
}

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "org.html")]
struct UnitPage {
    chrome: Chrome,
    path: Vec<OrgUnit>,
    root: OrgUnit,
    unit: OrgUnit,
    level_label: &'static str,
    q: String,
    list_title: String,
    units: Vec<UnitRow>,
    total: i64,
    unit_users: Option<Vec<UserRow>>,
    can_manage: bool,
    can_manage_users: bool,
    child_levels: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "org_list.html")]
struct UnitList {
    list_title: String,
    q: String,
    units: Vec<UnitRow>,
    total: i64,
}

#[derive(Template)]
#[template(path = "org_tree.html")]
struct TreeChildren {
    units: Vec<UnitRow>,
}

#[derive(Template)]
#[template(path = "unit_pick.html")]
struct UnitPick {
    units: Vec<UnitRow>,
}

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    level: Option<String>,
    #[serde(default)]
    unit_q: Option<String>,
}

const LIST_LIMIT: u32 = 200;

/// Children of a unit, or the search hits / units of one level in its subtree.
async fn unit_list(
    db: &Db,
    actor: &Actor,
    unit: &OrgUnit,
    q: &str,
    level: Option<Level>,
) -> Result<UnitList, PageError> {
    let page = Page {
        page: 1,
        per_page: LIST_LIMIT,
    };
    let searching = !q.is_empty() || level.is_some();
    let filter = if searching {
        ListUnits {
            within: Some(unit.id),
            q: (!q.is_empty()).then(|| q.to_string()),
            level,
            ..Default::default()
        }
    } else {
        ListUnits {
            parent: Some(unit.id),
            ..Default::default()
        }
    };
    let found = org::list(db, actor, filter, page).await?;
    let list_title = match (searching, level) {
        (false, _) => "下级单位".to_string(),
        (true, Some(l)) => format!("{}（{}）", l.label(), found.total),
        (true, None) => format!("搜索结果（{}）", found.total),
    };
    Ok(UnitList {
        list_title,
        q: q.to_string(),
        total: found.total,
        units: found.items.into_iter().map(UnitRow::from).collect(),
    })
}

async fn unit_page(
    s: &AppState,
    id: &crate::auth::Identity,
    unit_id: i64,
    uri: &Uri,
    error: Option<String>,
) -> Result<Response, PageError> {
    let actor = &id.actor;
    let q: UnitQuery = parse_query(uri.query().unwrap_or("")).unwrap_or_default();
    let level = q.level.as_deref().and_then(|l| l.parse::<Level>().ok());
    let unit = org::get(&s.db, actor, unit_id).await?;
    let path = org::path(&s.db, actor, unit_id).await?;
    let root = org::scope_root(&s.db, actor).await?;
    let search = q.q.unwrap_or_default().trim().to_string();
    let list = unit_list(&s.db, actor, &unit, &search, level).await?;
    let unit_users = if can(actor, Action::ViewUsers) {
        let users = people::list(
            &s.db,
            actor,
            ListUsers {
                unit: Some(unit_id),
                ..Default::default()
            },
            Page::default(),
        )
        .await?;
        Some(
            users
                .items
                .into_iter()
                .map(|u| UserRow {
                    role_label: u.role.parse::<Role>().map(Role::label).unwrap_or(""),
                    id: u.id,
                    username: u.username,
                    display_name: u.display_name,
                    active: u.active,
                })
                .collect(),
        )
    } else {
        None
    };
    let unit_level: Option<Level> = unit.level.parse().ok();
    let child_levels = Level::all()
        .filter(|l| unit_level.is_some_and(|p| p.may_contain(*l)))
        .map(|l| (l.as_str(), l.label()))
        .collect();
    let page = UnitPage {
        chrome: Chrome::new(id, "/org", unit.name.clone()),
        level_label: level_label(&unit.level),
        path,
        root,
        unit,
        q: search,
        list_title: list.list_title,
        units: list.units,
        total: list.total,
        unit_users,
        can_manage: can(actor, Action::ManageOrg),
        can_manage_users: can(actor, Action::ManageUsers),
        child_levels,
        error,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn scope_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let root = id.actor.scope_root;
    unit_page(&s, &id, root, &uri, None).await
}

pub async fn unit_page_handler(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(unit): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    unit_page(&s, &id, unit, &uri, None).await
}

pub async fn tree_children(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(unit): IdPath,
) -> Result<Response, PageError> {
    let page = Page {
        page: 1,
        per_page: LIST_LIMIT,
    };
    let found = org::list(
        &s.db,
        &id.actor,
        ListUnits {
            parent: Some(unit),
            ..Default::default()
        },
        page,
    )
    .await?;
    render(&TreeChildren {
        units: found.items.into_iter().map(UnitRow::from).collect(),
    })
}

pub async fn search(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(unit_id): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: UnitQuery = parse_query(uri.query().unwrap_or(""))?;
    let unit = org::get(&s.db, &id.actor, unit_id).await?;
    let list = unit_list(
        &s.db,
        &id.actor,
        &unit,
        q.q.as_deref().unwrap_or("").trim(),
        None,
    )
    .await?;
    render(&list)
}

/// Units matching a name, for the unit picker of the user form.
pub async fn pick(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: UnitQuery = parse_query(uri.query().unwrap_or(""))?;
    let text = q.unit_q.unwrap_or_default().trim().to_string();
    if text.is_empty() {
        return render(&UnitPick { units: vec![] });
    }
    let found = org::list(
        &s.db,
        &id.actor,
        ListUnits {
            q: Some(text),
            ..Default::default()
        },
        Page {
            page: 1,
            per_page: 20,
        },
    )
    .await?;
    render(&UnitPick {
        units: found.items.into_iter().map(UnitRow::from).collect(),
    })
}

#[derive(Deserialize)]
pub struct ChildForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    level: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    sort_order: Option<i64>,
}

/// Validation errors come back on the same page; permission errors as an error page.
async fn or_page<T>(
    s: &AppState,
    id: &crate::auth::Identity,
    unit: i64,
    uri: &Uri,
    result: Result<T, AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/org/{unit}")).into_response()),
        Err(e) if matches!(e.status(), 409 | 422) => {
            unit_page(s, id, unit, uri, Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn create_child(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(unit): IdPath,
    uri: Uri,
    FormBody(f): FormBody<ChildForm>,
) -> Result<Response, PageError> {
    let result = match f.level.parse::<Level>() {
        Ok(level) => {
            org::create(
                &s.db,
                &id.actor,
                CreateUnit {
                    parent_id: unit,
                    name: f.name,
                    code: f.code,
                    level,
                    sort_order: f.sort_order,
                },
            )
            .await
        }
        Err(_) => Err(AppError::invalid("level", "取值无效")),
    };
    or_page(&s, &id, unit, &uri, result).await
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    sort_order: Option<i64>,
    #[serde(default)]
    active: Option<String>,
}

pub async fn edit(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(unit): IdPath,
    uri: Uri,
    FormBody(f): FormBody<EditForm>,
) -> Result<Response, PageError> {
    let input = UpdateUnit {
        name: f.name,
        code: f.code,
        sort_order: f.sort_order,
        active: Some(f.active.is_some()),
    };
    let result = org::update(&s.db, &id.actor, unit, input).await;
    or_page(&s, &id, unit, &uri, result).await
}
