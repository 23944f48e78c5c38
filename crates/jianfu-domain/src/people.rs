//! People: user accounts with one role each, scoped to a unit's subtree.
use crate::audit::{self, Change};
use crate::auth::hash_password;
use crate::policy::{self, Action};
use jianfu_core::validate::{optional_text, required_text};
use jianfu_core::{Actor, AppError, AppResult, Level, Page, Paged, Role};
use jianfu_store::users::{self as store, NewUser, UserChange, UserFilter, UserRow};
use jianfu_store::{org, sessions, Conn, Db, Tx};
use serde::{Deserialize, Serialize};

/// A user as lists and pages show it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// admin|supervisor|filer|grassroots|inspector
    pub role: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub phone: Option<String>,
    pub active: bool,
    pub created_at: String,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: r.role,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            phone: r.phone,
            active: r.active,
            created_at: r.created_at,
        }
    }
}

/// Input of `POST /api/v1/users`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub unit_id: i64,
    #[serde(default)]
    pub phone: Option<String>,
}

/// Input of `PATCH /api/v1/users/{id}`: only the fields given change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub unit_id: Option<i64>,
    pub phone: Option<String>,
    pub active: Option<bool>,
    /// A new password (reset by an administrator or the office).
    pub password: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ListUsers {
    pub within: Option<i64>,
    pub unit: Option<i64>,
    pub role: Option<Role>,
    pub q: Option<String>,
}

fn parse_username(v: &str) -> AppResult<String> {
    let v = v.trim();
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    let starts_alpha = v.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if !(3..=32).contains(&v.len()) || !ok_chars || !starts_alpha {
        return Err(AppError::invalid(
            "username",
            "应为3至32位，以字母开头，只含字母、数字、“_”“.”“-”",
        ));
    }
    Ok(v.to_ascii_lowercase())
}

/// A password of 8 to 128 characters with both letters and digits.
pub fn parse_password(v: &str) -> AppResult<&str> {
    let n = v.chars().count();
    if !(8..=128).contains(&n) {
        return Err(AppError::invalid("password", "长度应为8至128位"));
    }
    if !v.chars().any(|c| c.is_alphabetic()) || !v.chars().any(|c| c.is_ascii_digit()) {
        return Err(AppError::invalid("password", "须同时包含字母和数字"));
    }
    Ok(v)
}

fn parse_phone(v: Option<&str>) -> AppResult<Option<String>> {
    let v = optional_text("phone", v, 20)?;
    if let Some(p) = &v {
        if p.len() < 7
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' '))
        {
            return Err(AppError::invalid("phone", "格式不正确"));
        }
    }
    Ok(v)
}

/// Which units may hold which role: grassroots accounts belong to townships and villages,
/// nobody else sits in a village.
async fn check_role_unit(conn: &mut Conn, role: Role, unit_id: i64) -> AppResult<()> {
    let unit = org::get(conn, unit_id)
        .await?
        .ok_or_else(|| AppError::invalid("unit_id", "不存在"))?;
    let level: Level = unit
        .level
        .parse()
        .map_err(|_| AppError::internal("bad level in database"))?;
    let fits = match role {
        Role::Grassroots => matches!(level, Level::Township | Level::Village),
        Role::Filer => matches!(level, Level::Department | Level::Township),
        Role::Admin | Role::Supervisor | Role::Inspector => level != Level::Village,
    };
    if fits {
        Ok(())
    } else {
        Err(AppError::invalid(
            "role",
            &format!("“{}”不能设在{}“{}”", role.label(), level.label(), unit.name),
        ))
    }
}

pub async fn list(db: &Db, actor: &Actor, f: ListUsers, page: Page) -> AppResult<Paged<User>> {
    policy::ensure(actor, Action::ViewUsers)?;
    let mut conn = db.reader();
    for (unit, field) in [(f.within, "subtree"), (f.unit, "unit")] {
        if let Some(id) = unit {
            policy::ensure_in_scope(&mut conn, actor, id, Some(field)).await?;
        }
    }
    let filter = UserFilter {
        scope_root: policy::scope_filter(actor),
        within: f.within,
        unit: f.unit,
        role: f.role.map(|r| r.as_str().to_string()),
        q: f.q,
    };
    let (items, total) = store::list(&mut conn, &filter, page.limit(), page.offset()).await?;
    Ok(Paged::new(
        items.into_iter().map(User::from).collect(),
        total,
        page,
    ))
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<User> {
    policy::ensure(actor, Action::ViewUsers)?;
    let mut conn = db.reader();
    let user = store::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound("用户"))?;
    policy::ensure_in_scope(&mut conn, actor, user.unit_id, None).await?;
    Ok(user.into())
}

fn as_json(u: &UserRow) -> serde_json::Value {
    serde_json::json!({"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
        "unit_id": u.unit_id, "phone": u.phone, "active": u.active})
}

/// Refuses a role the actor may not give (see [`policy::may_assign_role`]).
fn ensure_may_assign(actor: &Actor, role: Role) -> AppResult<()> {
    if policy::may_assign_role(actor, role) {
        Ok(())
    } else {
        Err(AppError::forbidden_field(
            "role",
            "只有系统管理员可以设置系统管理员和纪检监察账号",
        ))
    }
}

/// What an account change needs before anything is hashed or written: the account exists in
/// the actor's scope, and the actor may manage both its present role and the one it is given.
async fn ensure_may_change(
    conn: &mut Conn,
    actor: &Actor,
    before: &UserRow,
    input: &UpdateUser,
) -> AppResult<Role> {
    policy::ensure_in_scope(conn, actor, before.unit_id, None).await?;
    let old_role: Role = before
        .role
        .parse()
        .map_err(|_| AppError::internal("bad role in database"))?;
    if !policy::may_assign_role(actor, old_role) {
        return Err(AppError::Forbidden {
            message: format!("只有系统管理员可以修改{}账号", old_role.label()),
            field: None,
        });
    }
    let role = input.role.unwrap_or(old_role);
    ensure_may_assign(actor, role)?;
    Ok(role)
}

pub async fn create(db: &Db, actor: &Actor, input: CreateUser) -> AppResult<User> {
    policy::ensure(actor, Action::ManageUsers)?;
    ensure_may_assign(actor, input.role)?;
    let password_hash = hash_password(parse_password(&input.password)?).await?;
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, &input, &password_hash).await?;
    let user = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("用户"))?;
    tx.commit().await?;
    Ok(user.into())
}

/// Validates and inserts a user with its audit entry; the demo seed uses it too.
pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    input: &CreateUser,
    password_hash: &str,
) -> AppResult<i64> {
    let username = parse_username(&input.username)?;
    let display_name = required_text("display_name", &input.display_name, 50)?;
    let phone = parse_phone(input.phone.as_deref())?;
    ensure_may_assign(actor, input.role)?;
    policy::ensure_in_scope(tx, actor, input.unit_id, Some("unit_id")).await?;
    check_role_unit(tx, input.role, input.unit_id).await?;
    if store::username_taken(tx, &username).await? {
        return Err(AppError::conflict(
            "username",
            format!("用户名“{username}”已被使用"),
        ));
    }
    let new = NewUser {
        username: &username,
        display_name: &display_name,
        role: input.role.as_str(),
        unit_id: input.unit_id,
        password_hash,
        phone: phone.as_deref(),
    };
    let id = store::insert(tx, &new, &jianfu_core::time::now()).await?;
    let user = store::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("用户"))?;
    let region_id = org::get(tx, user.unit_id).await?.and_then(|u| u.region_id);
    audit::record(
        tx,
        actor,
        Change {
            action: "user.create",
            entity: "user",
            entity_id: id.to_string(),
            region_id,
            before: None,
            after: Some(&as_json(&user)),
            summary: format!(
                "新建用户{}（{}，{}，{}）",
                username,
                display_name,
                input.role.label(),
                user.unit_name
            ),
        },
    )
    .await?;
    Ok(id)
}

pub async fn update(db: &Db, actor: &Actor, id: i64, input: UpdateUser) -> AppResult<User> {
    policy::ensure(actor, Action::ManageUsers)?;
    // Permissions first: a password is hashed only for a change the actor may make.
    {
        let mut conn = db.reader();
        let before = store::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound("用户"))?;
        ensure_may_change(&mut conn, actor, &before, &input).await?;
    }
    let password_hash = match &input.password {
        Some(p) => Some(hash_password(parse_password(p)?).await?),
        None => None,
    };
    let mut tx = db.begin().await?;
    let before = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("用户"))?;
    let role = ensure_may_change(&mut tx, actor, &before, &input).await?;
    let old_role = before.role.as_str();
    if id == actor.user_id && (role.as_str() != old_role || input.active == Some(false)) {
        return Err(AppError::invalid(
            "role",
            "不能修改本人账号的角色或停用本人账号",
        ));
    }
    let unit_id = input.unit_id.unwrap_or(before.unit_id);
    if unit_id != before.unit_id {
        policy::ensure_in_scope(&mut tx, actor, unit_id, Some("unit_id")).await?;
    }
    check_role_unit(&mut tx, role, unit_id).await?;
    let display_name = match &input.display_name {
        Some(d) => required_text("display_name", d, 50)?,
        None => before.display_name.clone(),
    };
    let phone = match &input.phone {
        Some(p) => parse_phone(Some(p))?,
        None => before.phone.clone(),
    };
    let active = input.active.unwrap_or(before.active);
    let change = UserChange {
        display_name: &display_name,
        role: role.as_str(),
        unit_id,
        phone: phone.as_deref(),
        active,
        password_hash: password_hash.as_deref(),
    };
    store::update(&mut tx, id, &change, &jianfu_core::time::now()).await?;
    if !active || password_hash.is_some() {
        // A stopped account or a reset password ends the sessions that were open, and revokes
        // its API tokens (a later reactivation does not bring them back).
        sessions::delete_sessions_of(&mut tx, id).await?;
        let why = if password_hash.is_some() {
            "重置密码"
        } else {
            "停用账号"
        };
        crate::tokens::revoke_all_of(&mut tx, actor, id, &before.username, why).await?;
    }
    let after = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("用户"))?;
    let mut summary = format!("修改用户{}", after.username);
    if password_hash.is_some() {
        summary.push_str("（重置密码）");
    }
    let region_id = org::get(&mut tx, unit_id).await?.and_then(|u| u.region_id);
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "user.update",
            entity: "user",
            entity_id: id.to_string(),
            region_id,
            before: Some(&as_json(&before)),
            after: Some(&as_json(&after)),
            summary,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after.into())
}

/// Accounts in the actor's scope, for the home page.
pub async fn count_in_scope(db: &Db, actor: &Actor) -> AppResult<i64> {
    Ok(store::count_within(&mut db.reader(), actor.scope_root).await?)
}
