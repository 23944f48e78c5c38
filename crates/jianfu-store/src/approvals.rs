//! SQL of approvals (审批记录): a unit's application, the decision on it, and the item citing it.
use crate::db::{Conn, StoreError, Tx, Q};

const COLS: &str = "a.id, a.region_id, a.channel, a.kind, a.unit_id, u.name AS unit_name, a.year, a.title, \
     a.reason, a.planned_on, a.status, a.applied_by, p.display_name AS applied_by_name, a.applied_at, \
     a.decided_by, d.display_name AS decided_by_name, a.decided_at, a.decision_note, a.item_id";

const FROM: &str = " FROM approvals a JOIN org_units u ON u.id = a.unit_id \
     LEFT JOIN users p ON p.id = a.applied_by LEFT JOIN users d ON d.id = a.decided_by";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ApprovalRow {
    pub id: i64,
    pub region_id: i64,
    pub channel: String,
    pub kind: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i64,
    pub title: String,
    pub reason: String,
    pub planned_on: Option<String>,
    pub status: String,
    pub applied_by: i64,
    pub applied_by_name: Option<String>,
    pub applied_at: String,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
    pub item_id: Option<i64>,
}

pub struct NewApproval<'a> {
    pub region_id: i64,
    pub channel: &'a str,
    pub kind: &'a str,
    pub unit_id: i64,
    pub year: i64,
    pub title: &'a str,
    pub reason: &'a str,
    pub planned_on: Option<&'a str>,
    pub applied_by: i64,
    pub applied_at: &'a str,
}

pub async fn insert(tx: &mut Tx, a: &NewApproval<'_>) -> Result<i64, StoreError> {
    tx.scalar(
        &Q::new(
            "INSERT INTO approvals (region_id, channel, kind, unit_id, year, title, reason, planned_on, status, \
             applied_by, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10) RETURNING id",
        )
        .bind(a.region_id)
        .bind(a.channel)
        .bind(a.kind)
        .bind(a.unit_id)
        .bind(a.year)
        .bind(a.title)
        .bind(a.reason)
        .bind(a.planned_on)
        .bind(a.applied_by)
        .bind(a.applied_at),
    )
    .await
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<ApprovalRow>, StoreError> {
    conn.fetch_optional(&Q::new(format!("SELECT {COLS}{FROM} WHERE a.id = $1")).bind(id))
        .await
}

/// Records the decision on a pending application; false when it was no longer pending.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    status: &str,
    by: i64,
    at: &str,
    note: Option<&str>,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            &Q::new(
                "UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
                 WHERE id = $5 AND status = 'pending'",
            )
            .bind(status)
            .bind(by)
            .bind(at)
            .bind(note)
            .bind(id),
        )
        .await?;
    Ok(n == 1)
}

/// The approvals an item cites.
pub async fn cited_by(
    conn: &mut Conn,
    channel: &str,
    item_id: i64,
) -> Result<Vec<ApprovalRow>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "SELECT {COLS}{FROM} WHERE a.channel = $1 AND a.item_id = $2 ORDER BY a.id"
        ))
        .bind(channel)
        .bind(item_id),
    )
    .await
}

/// Makes `ids` the approvals an item cites, releasing those it cited before. Returns how many
/// of `ids` it now cites: fewer when another item took one meanwhile.
pub async fn cite(
    tx: &mut Tx,
    channel: &str,
    item_id: i64,
    ids: &[i64],
) -> Result<usize, StoreError> {
    tx.execute(
        &Q::new("UPDATE approvals SET item_id = NULL WHERE channel = $1 AND item_id = $2")
            .bind(channel)
            .bind(item_id),
    )
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let mut q = Q::new("UPDATE approvals SET item_id = ");
    let p = q.arg(item_id);
    q.push(&p);
    q.push(" WHERE item_id IS NULL AND status = 'approved' AND id IN (");
    q.push_list(ids.iter().copied());
    q.push(")");
    Ok(tx.execute(&q).await? as usize)
}

/// The list's filter. `within`: only applications of units in this subtree; `unit`: of this unit.
#[derive(Debug, Clone, Default)]
pub struct ApprovalFilter {
    pub within: Option<i64>,
    pub unit: Option<i64>,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub kind: Option<String>,
    /// Only approved ones no item cites yet (what a filer can cite).
    pub free: bool,
}

fn filtered(select: &str, f: &ApprovalFilter) -> Q {
    let mut q = Q::new(format!("{select}{FROM} WHERE 1 = 1"));
    if let Some(w) = f.within {
        let p = q.arg(w);
        q.push(&format!(
            " AND EXISTS (SELECT 1 FROM org_closure c WHERE c.ancestor_id = {p} AND c.descendant_id = a.unit_id)"
        ));
    }
    if let Some(u) = f.unit {
        let p = q.arg(u);
        q.push(&format!(" AND a.unit_id = {p}"));
    }
    if let Some(s) = &f.status {
        let p = q.arg(s.clone());
        q.push(&format!(" AND a.status = {p}"));
    }
    if let Some(c) = &f.channel {
        let p = q.arg(c.clone());
        q.push(&format!(" AND a.channel = {p}"));
    }
    if let Some(k) = &f.kind {
        let p = q.arg(k.clone());
        q.push(&format!(" AND a.kind = {p}"));
    }
    if f.free {
        q.push(" AND a.status = 'approved' AND a.item_id IS NULL");
    }
    q
}

pub async fn list(
    conn: &mut Conn,
    f: &ApprovalFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApprovalRow>, i64), StoreError> {
    let total = conn.scalar(&filtered("SELECT COUNT(*)", f)).await?;
    let mut q = filtered(&format!("SELECT {COLS}"), f);
    // Pending first, then the newest.
    q.push(" ORDER BY CASE WHEN a.status = 'pending' THEN 0 ELSE 1 END, a.id DESC");
    let l = q.arg(limit);
    let o = q.arg(offset);
    q.push(&format!(" LIMIT {l} OFFSET {o}"));
    Ok((conn.fetch_all(&q).await?, total))
}
