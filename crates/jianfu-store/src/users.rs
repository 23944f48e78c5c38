//! SQL of users.
use crate::db::{Conn, StoreError, Tx, Q};
use crate::org::like_pattern;

/// A user as stored, with the name of its unit (never with the password hash).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRow {
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

/// What sign-in needs: the hash and where the user sits in the tree.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_level: String,
    pub unit_parent_id: Option<i64>,
    pub password_hash: String,
    pub active: bool,
}

const COLS: &str = "u.id, u.username, u.display_name, u.role, u.unit_id, o.name AS unit_name, u.phone, u.active, u.created_at";
const CRED_COLS: &str = "u.id, u.username, u.display_name, u.role, u.unit_id, o.name AS unit_name, o.level AS unit_level, \
     o.parent_id AS unit_parent_id, u.password_hash, u.active";

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub scope_root: Option<i64>,
    pub within: Option<i64>,
    pub unit: Option<i64>,
    pub role: Option<String>,
    pub q: Option<String>,
}

fn where_clause(q: &mut Q, f: &UserFilter) {
    q.push(" FROM users u JOIN org_units o ON o.id = u.unit_id WHERE 1 = 1");
    for root in [f.scope_root, f.within].into_iter().flatten() {
        let p = q.arg(root);
        q.push(&format!(" AND EXISTS (SELECT 1 FROM org_closure s WHERE s.ancestor_id = {p} AND s.descendant_id = u.unit_id)"));
    }
    if let Some(unit) = f.unit {
        let p = q.arg(unit);
        q.push(&format!(" AND u.unit_id = {p}"));
    }
    if let Some(role) = &f.role {
        let p = q.arg(role.as_str());
        q.push(&format!(" AND u.role = {p}"));
    }
    if let Some(text) = f.q.as_deref().filter(|t| !t.is_empty()) {
        let a = q.arg(like_pattern(text));
        let b = q.arg(like_pattern(text));
        q.push(&format!(
            " AND (u.username LIKE {a} ESCAPE '\\' OR u.display_name LIKE {b} ESCAPE '\\')"
        ));
    }
}

pub async fn list(
    conn: &mut Conn,
    f: &UserFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), StoreError> {
    conn.page(
        COLS,
        |q| where_clause(q, f),
        "o.depth, o.sort_order, u.unit_id, u.id",
        limit,
        offset,
    )
    .await
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<UserRow>, StoreError> {
    conn.fetch_optional(
        &Q::new(format!(
            "SELECT {COLS} FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.id = $1"
        ))
        .bind(id),
    )
    .await
}

pub async fn credentials_by_name(
    conn: &mut Conn,
    username: &str,
) -> Result<Option<Credentials>, StoreError> {
    conn.fetch_optional(
        &Q::new(format!("SELECT {CRED_COLS} FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username = $1"))
            .bind(username),
    )
    .await
}

pub async fn credentials_by_id(
    conn: &mut Conn,
    id: i64,
) -> Result<Option<Credentials>, StoreError> {
    conn.fetch_optional(
        &Q::new(format!(
            "SELECT {CRED_COLS} FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.id = $1"
        ))
        .bind(id),
    )
    .await
}

pub async fn username_taken(conn: &mut Conn, username: &str) -> Result<bool, StoreError> {
    Ok(conn
        .scalar(&Q::new("SELECT COUNT(*) FROM users WHERE username = $1").bind(username))
        .await?
        > 0)
}

pub async fn count_within(conn: &mut Conn, root: i64) -> Result<i64, StoreError> {
    conn.scalar(
        &Q::new("SELECT COUNT(*) FROM users u JOIN org_closure s ON s.descendant_id = u.unit_id WHERE s.ancestor_id = $1")
            .bind(root),
    )
    .await
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub unit_id: i64,
    pub password_hash: &'a str,
    pub phone: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, u: &NewUser<'_>, now: &str) -> Result<i64, StoreError> {
    tx.scalar(
        &Q::new(
            "INSERT INTO users (username, display_name, role, unit_id, region_id, password_hash, phone, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, (SELECT region_id FROM org_units WHERE id = $5), $6, $7, TRUE, $8, $8) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.role)
        .bind(u.unit_id)
        .bind(u.unit_id)
        .bind(u.password_hash)
        .bind(u.phone)
        .bind(now),
    )
    .await
}

pub struct UserChange<'a> {
    pub display_name: &'a str,
    pub role: &'a str,
    pub unit_id: i64,
    pub phone: Option<&'a str>,
    pub active: bool,
    pub password_hash: Option<&'a str>,
}

pub async fn update(tx: &mut Tx, id: i64, c: &UserChange<'_>, now: &str) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "UPDATE users SET display_name = $1, role = $2, unit_id = $3, region_id = (SELECT region_id FROM org_units WHERE id = $4), \
             phone = $5, active = $6, password_hash = COALESCE($7, password_hash), updated_at = $8 WHERE id = $9",
        )
        .bind(c.display_name)
        .bind(c.role)
        .bind(c.unit_id)
        .bind(c.unit_id)
        .bind(c.phone)
        .bind(c.active)
        .bind(c.password_hash)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}
