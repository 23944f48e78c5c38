//! SQL of the items behind a figure of the burden ledger: the items of a channel that landed on
//! a unit (optionally of one issuer), or that one issuer issued, in a period — counted exactly as
//! [`crate::burden::ledger`] and [`crate::burden::issuer_channels`] count them, paged, by month,
//! and the titles of a page of them from the channel's item table.
use crate::db::{Conn, StoreError, Q};

/// Which items landed on a unit: those whose targets name the unit itself, or every unit of its
/// level below one of its ancestors; each item once however many targets cover it.
#[derive(Debug, Clone)]
pub struct Landed {
    pub unit_id: i64,
    pub unit_level: String,
    /// One channel, or every channel.
    pub channel: Option<String>,
    pub issuer: Option<i64>,
    pub from: String,
    pub to: String,
}

/// Which items one issuer issued in a channel and period (the issuer ranking's figures).
#[derive(Debug, Clone)]
pub struct Issued {
    pub issuer: i64,
    /// One channel, or every channel.
    pub channel: Option<String>,
    pub from: String,
    pub to: String,
}

/// One item behind a figure, as the spine holds it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ItemLine {
    pub channel: String,
    pub item_id: i64,
    pub issuer_id: i64,
    pub issuer_name: String,
    pub on_date: String,
    pub measure: i64,
}

/// Items and summed measure of a channel in one month (`YYYY-MM`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MonthLine {
    pub channel: String,
    pub month: String,
    pub items: i64,
    pub measure: i64,
}

/// Appends the landed items as a derived table `x` (channel, item_id, issuer_id, on_date,
/// measure). Two index range scans on `burden_targets (target_unit_id, target_level, on_date)`
/// joined by UNION ALL, as the ledger runs them.
fn push_landed(q: &mut Q, f: &Landed) {
    let mut halves = Vec::with_capacity(2);
    for ancestors in [false, true] {
        let from = q.arg(f.from.as_str());
        let to = q.arg(f.to.as_str());
        let unit = q.arg(f.unit_id);
        let mut extra = String::new();
        if let Some(c) = &f.channel {
            let p = q.arg(c.as_str());
            extra.push_str(&format!(" AND t.channel = {p}"));
        }
        if let Some(i) = f.issuer {
            let p = q.arg(i);
            extra.push_str(&format!(" AND t.issuer_id = {p}"));
        }
        let cols = "t.channel, t.item_id, t.issuer_id, t.on_date, t.measure";
        halves.push(if ancestors {
            let level = q.arg(f.unit_level.as_str());
            format!(
                "SELECT {cols} FROM org_closure a JOIN burden_targets t ON t.target_unit_id = a.ancestor_id \
                 AND t.target_level = {level} WHERE a.descendant_id = {unit} AND a.depth > 0 \
                 AND t.on_date >= {from} AND t.on_date <= {to}{extra}"
            )
        } else {
            format!(
                "SELECT {cols} FROM burden_targets t WHERE t.target_unit_id = {unit} AND t.target_level = '' \
                 AND t.on_date >= {from} AND t.on_date <= {to}{extra}"
            )
        });
    }
    q.push(&format!(
        "(SELECT DISTINCT u.channel, u.item_id, u.issuer_id, u.on_date, u.measure FROM ({} UNION ALL {}) u) x",
        halves[0], halves[1]
    ));
}

/// How many items landed and their summed measure.
pub async fn landed_total(conn: &mut Conn, f: &Landed) -> Result<(i64, i64), StoreError> {
    let mut q = Q::new("SELECT COUNT(*), CAST(COALESCE(SUM(x.measure), 0) AS BIGINT) FROM ");
    push_landed(&mut q, f);
    conn.fetch_one(&q).await
}

/// A page of the landed items, newest first.
pub async fn landed_page(
    conn: &mut Conn,
    f: &Landed,
    limit: i64,
    offset: i64,
) -> Result<Vec<ItemLine>, StoreError> {
    let mut q = Q::new(
        "SELECT x.channel, x.item_id, x.issuer_id, o.name AS issuer_name, x.on_date, x.measure FROM ",
    );
    push_landed(&mut q, f);
    let l = q.arg(limit);
    let o = q.arg(offset);
    q.push(&format!(
        " JOIN org_units o ON o.id = x.issuer_id ORDER BY x.on_date DESC, x.channel, x.item_id DESC LIMIT {l} OFFSET {o}"
    ));
    conn.fetch_all(&q).await
}

/// The landed items per channel and month.
pub async fn landed_months(conn: &mut Conn, f: &Landed) -> Result<Vec<MonthLine>, StoreError> {
    let mut q = Q::new(
        "SELECT x.channel, SUBSTR(x.on_date, 1, 7) AS month, COUNT(*) AS items, \
         CAST(COALESCE(SUM(x.measure), 0) AS BIGINT) AS measure FROM ",
    );
    push_landed(&mut q, f);
    q.push(" GROUP BY x.channel, SUBSTR(x.on_date, 1, 7) ORDER BY month, x.channel");
    conn.fetch_all(&q).await
}

/// `FROM … WHERE …` of an issuer's items: one range of `burden_items (issuer_id, on_date, channel)`.
fn push_issued(q: &mut Q, f: &Issued) {
    let i = q.arg(f.issuer);
    let from = q.arg(f.from.as_str());
    let to = q.arg(f.to.as_str());
    q.push(&format!(
        " FROM burden_items b JOIN org_units o ON o.id = b.issuer_id WHERE b.issuer_id = {i} \
         AND b.on_date >= {from} AND b.on_date <= {to}"
    ));
    if let Some(c) = &f.channel {
        let c = q.arg(c.as_str());
        q.push(&format!(" AND b.channel = {c}"));
    }
}

pub async fn issued_total(conn: &mut Conn, f: &Issued) -> Result<(i64, i64), StoreError> {
    let mut q = Q::new("SELECT COUNT(*), CAST(COALESCE(SUM(b.measure), 0) AS BIGINT)");
    push_issued(&mut q, f);
    conn.fetch_one(&q).await
}

pub async fn issued_page(
    conn: &mut Conn,
    f: &Issued,
    limit: i64,
    offset: i64,
) -> Result<Vec<ItemLine>, StoreError> {
    let mut q = Q::new(
        "SELECT b.channel, b.item_id, b.issuer_id, o.name AS issuer_name, b.on_date, b.measure",
    );
    push_issued(&mut q, f);
    let l = q.arg(limit);
    let o = q.arg(offset);
    q.push(&format!(
        " ORDER BY b.on_date DESC, b.item_id DESC LIMIT {l} OFFSET {o}"
    ));
    conn.fetch_all(&q).await
}

/// Titles of items of a channel's item table (`table` comes from a module's manifest, never
/// from input; the table has `id` and `title`).
pub async fn titles(
    conn: &mut Conn,
    table: &str,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() || !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!("SELECT id, title FROM {table} WHERE id IN ("));
    q.push_list(ids.iter().copied());
    q.push(")");
    conn.fetch_all(&q).await
}
