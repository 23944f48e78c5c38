//! User management pages: list, create, edit.
use super::{render, Chrome, FormBody};
use crate::auth::{Identity, PageUser};
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query, IdPath};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_core::{AppError, Page, Role};
use jianfu_domain::people::{self, CreateUser, ListUsers, UpdateUser};
use jianfu_domain::policy::{can, may_assign_role, Action};
use jianfu_domain::{org, policy};
use serde::Deserialize;

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub unit_id: i64,
    pub unit_name: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    role: String,
    roles: Vec<(&'static str, &'static str)>,
    can_manage: bool,
    /// Each role's name, then each action with whether each role may take it.
    grant_roles: Vec<&'static str>,
    grants: Vec<(&'static str, Vec<bool>)>,
}

fn role_options(identity: &Identity) -> Vec<(&'static str, &'static str)> {
    Role::all()
        .filter(|r| may_assign_role(&identity.actor, *r))
        .map(|r| (r.as_str(), r.label()))
        .collect()
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    role: Option<Role>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
}

pub async fn list(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: ListQuery = parse_query(uri.query().unwrap_or(""))?;
    let page = Page::parse(q.page, Some(50))?;
    let found = people::list(
        &s.db,
        &id.actor,
        ListUsers {
            role: q.role,
            q: q.q.clone(),
            ..Default::default()
        },
        page,
    )
    .await?;
    render(&UsersPage {
        chrome: Chrome::new(&id, "/users", "用户管理"),
        total: found.total,
        page: i64::from(found.page),
        pages: found.pages().max(1),
        users: found
            .items
            .into_iter()
            .map(|u| UserRow {
                role_label: u.role.parse::<Role>().map(Role::label).unwrap_or(""),
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                unit_id: u.unit_id,
                unit_name: u.unit_name,
                active: u.active,
            })
            .collect(),
        q: q.q.unwrap_or_default(),
        role: q.role.map(|r| r.as_str().to_string()).unwrap_or_default(),
        roles: Role::all().map(|r| (r.as_str(), r.label())).collect(),
        can_manage: can(&id.actor, Action::ManageUsers),
        grant_roles: policy::EVERY_ROLE.iter().map(|r| r.label()).collect(),
        grants: policy::grant_table(),
    })
}

/// The values shown in the user form.
#[derive(Default)]
pub struct FormValues {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit_id: String,
    pub unit_name: Option<String>,
    pub phone: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserForm {
    chrome: Chrome,
    is_new: bool,
    form: FormValues,
    roles: Vec<(&'static str, &'static str)>,
    can_manage: bool,
    error: Option<String>,
    notice: Option<String>,
}

fn form_page(
    id: &Identity,
    is_new: bool,
    form: FormValues,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let title = if is_new {
        "新建账号".to_string()
    } else {
        format!("账号 {}", form.username)
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    // An account of a role the viewer may not give (an inspector's, for the office) is shown,
    // not offered for change.
    let role: Option<Role> = form.role.parse().ok();
    let may_change = role.is_none_or(|r| may_assign_role(&id.actor, r));
    let can_manage = can(&id.actor, Action::ManageUsers) && may_change;
    let notice = match (can(&id.actor, Action::ManageUsers), may_change, role) {
        (true, false, Some(r)) => Some(format!("只有系统管理员可以修改、重置{}账号。", r.label())),
        _ => notice,
    };
    let page = UserForm {
        chrome: Chrome::new(id, "/users", title),
        is_new,
        roles: if may_change {
            role_options(id)
        } else {
            Role::all().map(|r| (r.as_str(), r.label())).collect()
        },
        can_manage,
        form,
        error,
        notice,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    unit: Option<i64>,
}

pub async fn new_form(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    policy::ensure(&id.actor, Action::ManageUsers)?;
    let q: NewQuery = parse_query(uri.query().unwrap_or(""))?;
    let mut form = FormValues {
        role: Role::Filer.as_str().into(),
        active: true,
        ..Default::default()
    };
    if let Some(unit) = q.unit {
        let u = org::get(&s.db, &id.actor, unit).await?;
        form.unit_id = u.id.to_string();
        form.unit_name = Some(u.name);
    }
    form_page(&id, true, form, None, None)
}

#[derive(Deserialize)]
pub struct UserFormInput {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    role: Option<Role>,
    #[serde(default, deserialize_with = "empty_as_none")]
    unit_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    current_unit_id: Option<i64>,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    password: String,
}

impl UserFormInput {
    fn unit(&self) -> Option<i64> {
        self.unit_id.or(self.current_unit_id)
    }

    async fn values(&self, s: &AppState, id: &Identity) -> FormValues {
        let unit_name = match self.unit() {
            Some(u) => org::get(&s.db, &id.actor, u).await.ok().map(|u| u.name),
            None => None,
        };
        FormValues {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self
                .role
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
            unit_id: self.unit().map(|u| u.to_string()).unwrap_or_default(),
            unit_name,
            phone: self.phone.clone(),
            active: self.active.is_some(),
        }
    }
}

pub async fn create(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    FormBody(f): FormBody<UserFormInput>,
) -> Result<Response, PageError> {
    let result = match (f.role, f.unit()) {
        (None, _) => Err(AppError::invalid("role", "不能为空")),
        (_, None) => Err(AppError::invalid("unit_id", "不能为空，请查找并选择单位")),
        (Some(role), Some(unit_id)) => {
            let input = CreateUser {
                username: f.username.clone(),
                display_name: f.display_name.clone(),
                password: f.password.clone(),
                role,
                unit_id,
                phone: Some(f.phone.clone()),
            };
            people::create(&s.db, &id.actor, input).await
        }
    };
    match result {
        Ok(u) => Ok(Redirect::to(&format!("/users/{}?created=1", u.id)).into_response()),
        Err(e) if matches!(e.status(), 409 | 422) => form_page(
            &id,
            true,
            f.values(&s, &id).await,
            Some(e.to_string()),
            None,
        ),
        Err(e) => Err(PageError(e)),
    }
}

fn values_of(u: people::User) -> FormValues {
    FormValues {
        username: u.username,
        display_name: u.display_name,
        role: u.role,
        unit_id: u.unit_id.to_string(),
        unit_name: Some(u.unit_name),
        phone: u.phone.unwrap_or_default(),
        active: u.active,
    }
}

pub async fn edit_form(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(user): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    let u = people::get(&s.db, &id.actor, user).await?;
    let notice = uri
        .query()
        .is_some_and(|q| q.contains("created=1"))
        .then(|| "账号已创建".to_string());
    let notice = notice.or_else(|| {
        uri.query()
            .is_some_and(|q| q.contains("saved=1"))
            .then(|| "已保存".to_string())
    });
    form_page(&id, false, values_of(u), None, notice)
}

pub async fn update(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(user): IdPath,
    FormBody(f): FormBody<UserFormInput>,
) -> Result<Response, PageError> {
    let input = UpdateUser {
        display_name: Some(f.display_name.clone()),
        role: f.role,
        unit_id: f.unit(),
        phone: Some(f.phone.clone()),
        active: Some(f.active.is_some()),
        password: (!f.password.is_empty()).then(|| f.password.clone()),
    };
    match people::update(&s.db, &id.actor, user, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{user}?saved=1")).into_response()),
        Err(e) if matches!(e.status(), 409 | 422) => {
            let mut values = f.values(&s, &id).await;
            if let Ok(u) = people::get(&s.db, &id.actor, user).await {
                values.username = u.username;
            }
            form_page(&id, false, values, Some(e.to_string()), None)
        }
        Err(e) => Err(PageError(e)),
    }
}
