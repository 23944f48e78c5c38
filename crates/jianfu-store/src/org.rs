//! SQL of the org tree: units and their closure table.
use crate::db::{Conn, StoreError, Tx, Q};

/// One org unit as stored, with its number of direct children.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrgUnitRow {
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

const COLS: &str =
    "u.id, u.parent_id, u.name, u.code, u.level, u.depth, u.region_id, u.sort_order, u.active, \
     (SELECT COUNT(*) FROM org_units c WHERE c.parent_id = u.id) AS child_count";

/// Which units to list. Every filter is optional except the visibility scope.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    /// Only units in this subtree (the caller's scope); `None` for the system itself.
    pub scope_root: Option<i64>,
    /// Only direct children of this unit.
    pub parent: Option<i64>,
    /// Only units in this subtree (a narrower filter inside the scope).
    pub within: Option<i64>,
    pub level: Option<String>,
    /// Substring of the name or the code.
    pub q: Option<String>,
    pub active: Option<bool>,
}

/// Escapes LIKE wildcards in user input.
pub fn like_pattern(s: &str) -> String {
    let mut out = String::from("%");
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

fn where_clause(q: &mut Q, f: &UnitFilter) {
    q.push(" FROM org_units u WHERE 1 = 1");
    if let Some(root) = f.scope_root {
        let p = q.arg(root);
        q.push(&format!(" AND EXISTS (SELECT 1 FROM org_closure s WHERE s.ancestor_id = {p} AND s.descendant_id = u.id)"));
    }
    if let Some(within) = f.within {
        let p = q.arg(within);
        q.push(&format!(" AND EXISTS (SELECT 1 FROM org_closure w WHERE w.ancestor_id = {p} AND w.descendant_id = u.id)"));
    }
    if let Some(parent) = f.parent {
        let p = q.arg(parent);
        q.push(&format!(" AND u.parent_id = {p}"));
    }
    if let Some(level) = &f.level {
        let p = q.arg(level.as_str());
        q.push(&format!(" AND u.level = {p}"));
    }
    if let Some(active) = f.active {
        let p = q.arg(active);
        q.push(&format!(" AND u.active = {p}"));
    }
    if let Some(text) = f.q.as_deref().filter(|t| !t.is_empty()) {
        let a = q.arg(like_pattern(text));
        let b = q.arg(like_pattern(text));
        q.push(&format!(
            " AND (u.name LIKE {a} ESCAPE '\\' OR u.code LIKE {b} ESCAPE '\\')"
        ));
    }
}

pub async fn list(
    conn: &mut Conn,
    f: &UnitFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<OrgUnitRow>, i64), StoreError> {
    conn.page(
        COLS,
        |q| where_clause(q, f),
        "u.depth, u.sort_order, u.id",
        limit,
        offset,
    )
    .await
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<OrgUnitRow>, StoreError> {
    conn.fetch_optional(&Q::new(format!("SELECT {COLS} FROM org_units u WHERE u.id = $1")).bind(id))
        .await
}

/// The chain from the root down to the unit itself.
pub async fn ancestors(conn: &mut Conn, id: i64) -> Result<Vec<OrgUnitRow>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "SELECT {COLS} FROM org_closure a JOIN org_units u ON u.id = a.ancestor_id \
             WHERE a.descendant_id = $1 ORDER BY a.depth DESC"
        ))
        .bind(id),
    )
    .await
}

/// Whether `descendant` lies in the subtree of `ancestor` (a unit lies in its own subtree).
pub async fn is_within(
    conn: &mut Conn,
    ancestor: i64,
    descendant: i64,
) -> Result<bool, StoreError> {
    let n = conn
        .scalar(
            &Q::new(
                "SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1 AND descendant_id = $2",
            )
            .bind(ancestor)
            .bind(descendant),
        )
        .await?;
    Ok(n > 0)
}

pub async fn code_taken(
    conn: &mut Conn,
    code: &str,
    except: Option<i64>,
) -> Result<bool, StoreError> {
    let n = conn
        .scalar(
            &Q::new("SELECT COUNT(*) FROM org_units WHERE code = $1 AND id <> $2")
                .bind(code)
                .bind(except.unwrap_or(0)),
        )
        .await?;
    Ok(n > 0)
}

/// Counts of units per level inside a subtree.
pub async fn count_by_level(conn: &mut Conn, root: i64) -> Result<Vec<(String, i64)>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT u.level, COUNT(*) FROM org_closure s JOIN org_units u ON u.id = s.descendant_id \
             WHERE s.ancestor_id = $1 GROUP BY u.level",
        )
        .bind(root),
    )
    .await
}

pub struct NewUnit<'a> {
    pub parent_id: Option<i64>,
    pub name: &'a str,
    pub code: &'a str,
    pub level: &'a str,
    pub sort_order: i64,
    /// Whether the unit starts a region key of its own (county and above).
    pub region_root: bool,
}

/// Inserts a unit with its closure rows and region key; returns its id.
pub async fn insert(tx: &mut Tx, u: &NewUnit<'_>, now: &str) -> Result<i64, StoreError> {
    let (depth, parent_region) = match u.parent_id {
        Some(p) => {
            let (d, r): (i64, Option<i64>) = tx
                .fetch_one(&Q::new("SELECT depth, region_id FROM org_units WHERE id = $1").bind(p))
                .await?;
            (d + 1, r)
        }
        None => (0, None),
    };
    let id = tx
        .scalar(
            &Q::new(
                "INSERT INTO org_units (parent_id, name, code, level, depth, region_id, sort_order, active, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id",
            )
            .bind(u.parent_id)
            .bind(u.name)
            .bind(u.code)
            .bind(u.level)
            .bind(depth)
            .bind(parent_region)
            .bind(u.sort_order)
            .bind(now),
        )
        .await?;
    if u.region_root || parent_region.is_none() {
        tx.execute(&Q::new("UPDATE org_units SET region_id = id WHERE id = $1").bind(id))
            .await?;
    }
    tx.execute(
        &Q::new(
            "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
             SELECT ancestor_id, CAST($1 AS BIGINT), depth + 1 FROM org_closure WHERE descendant_id = $2 \
             UNION ALL SELECT CAST($3 AS BIGINT), CAST($4 AS BIGINT), 0",
        )
        .bind(id)
        .bind(u.parent_id.unwrap_or(0))
        .bind(id)
        .bind(id),
    )
    .await?;
    Ok(id)
}

pub struct UnitChange<'a> {
    pub name: &'a str,
    pub code: &'a str,
    pub sort_order: i64,
    pub active: bool,
}

pub async fn update(tx: &mut Tx, id: i64, c: &UnitChange<'_>, now: &str) -> Result<(), StoreError> {
    tx.execute(
        &Q::new("UPDATE org_units SET name = $1, code = $2, sort_order = $3, active = $4, updated_at = $5 WHERE id = $6")
            .bind(c.name)
            .bind(c.code)
            .bind(c.sort_order)
            .bind(c.active)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}
