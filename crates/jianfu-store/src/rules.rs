//! SQL for rule evaluation: the facts a region's rules read, rule settings, warnings.
use crate::db::{Conn, StoreError, Tx, Q};

/// Items per issuer and year, for the count rules (只减不增, quota, base year).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct YearCount {
    pub issuer_id: i64,
    pub year: String,
    pub total: i64,
    pub informal: i64,
}

pub async fn unit_names(conn: &mut Conn, region: i64) -> Result<Vec<(i64, String)>, StoreError> {
    conn.fetch_all(&Q::new("SELECT id, name FROM org_units WHERE region_id = $1").bind(region))
        .await
}

/// Names of some units (a write's evaluation needs only those it touched, not the region's).
pub async fn names_of(conn: &mut Conn, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT id, name FROM org_units WHERE id IN (");
    q.push_list(ids.iter().copied());
    q.push(")");
    conn.fetch_all(&q).await
}

/// The regions whose meetings a region's cascade rule compares with: itself and the regions above it.
pub async fn region_and_ancestors(conn: &mut Conn, region: i64) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = conn
        .fetch_all(
            &Q::new(
                "SELECT DISTINCT u.region_id FROM org_closure c JOIN org_units u ON u.id = c.ancestor_id \
                 WHERE c.descendant_id = $1 AND u.region_id IS NOT NULL",
            )
            .bind(region),
        )
        .await?;
    Ok(rows.into_iter().map(|(r,)| r).collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleSetting {
    pub rule_id: String,
    pub enabled: bool,
    pub params: String,
}

/// Refreshes the planner's statistics of the warnings table (PostgreSQL; SQLite plans these
/// lookups by their indexes alone).
pub async fn analyze_warnings(db: &crate::Db) -> Result<(), StoreError> {
    if db.backend() == crate::Backend::Postgres {
        db.raw_script("ANALYZE warnings, warning_events").await?;
    }
    Ok(())
}

/// Takes advisory locks held until the transaction ends, each `(key, exclusive)`: two writes
/// that evaluate the same subjects reconcile their warnings one after the other (both would
/// otherwise raise the same new warning), and a whole-region evaluation waits for the writes
/// that share its region's key. Taken in ascending order of key, so that no two transactions
/// wait for each other in a circle. PostgreSQL only: SQLite has a single writer already.
pub async fn lock(tx: &mut Tx, keys: &[(i64, bool)]) -> Result<(), StoreError> {
    if tx.backend() != crate::db::Backend::Postgres {
        return Ok(());
    }
    let mut keys = keys.to_vec();
    // One lock per key, exclusive when any asks for it.
    keys.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    keys.dedup_by_key(|k| k.0);
    for (key, exclusive) in keys {
        let sql = if exclusive {
            "SELECT pg_advisory_xact_lock($1)"
        } else {
            "SELECT pg_advisory_xact_lock_shared($1)"
        };
        tx.execute(&Q::new(sql).bind(key)).await?;
    }
    Ok(())
}

/// Overrides that apply to a region: its own and those of the regions above it, top first,
/// so that a county's setting wins over its city's and the city's over the province's.
pub async fn settings(conn: &mut Conn, region: i64) -> Result<Vec<RuleSetting>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT s.rule_id, s.enabled, s.params FROM rule_settings s JOIN org_units u ON u.id = s.region_id \
             WHERE s.region_id IN (SELECT ancestor_id FROM org_closure WHERE descendant_id = $1) ORDER BY u.depth",
        )
        .bind(region),
    )
    .await
}

/// Overrides stored for exactly this region.
pub async fn own_settings(conn: &mut Conn, region: i64) -> Result<Vec<RuleSetting>, StoreError> {
    conn.fetch_all(
        &Q::new("SELECT rule_id, enabled, params FROM rule_settings WHERE region_id = $1")
            .bind(region),
    )
    .await
}

pub async fn save_setting(
    tx: &mut Tx,
    region: i64,
    rule_id: &str,
    enabled: bool,
    params: &str,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "INSERT INTO rule_settings (region_id, rule_id, enabled, params, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (region_id, rule_id) DO UPDATE SET enabled = excluded.enabled, params = excluded.params, updated_at = excluded.updated_at",
        )
        .bind(region)
        .bind(rule_id)
        .bind(enabled)
        .bind(params)
        .bind(now),
    )
    .await?;
    Ok(())
}

/// A warning as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Warning {
    pub id: i64,
    pub region_id: i64,
    pub rule_id: String,
    /// violation|warning
    pub severity: String,
    pub subject_key: String,
    pub subject: String,
    pub unit_id: Option<i64>,
    /// JSON object of the figures that broke the rule.
    pub figures: String,
    /// JSON array of the offending records, e.g. [["documents", 12]].
    pub records: String,
    /// open|justified|returned|acknowledged|closed|resolved
    pub status: String,
    pub on_date: String,
    pub raised_at: String,
    pub updated_at: String,
    pub resolved_at: Option<String>,
    pub justification: Option<String>,
}

const WARNING_COLS: &str = "w.id, w.region_id, w.rule_id, w.severity, w.subject_key, w.subject, w.unit_id, w.figures, w.records, w.status, \
     w.on_date, w.raised_at, w.updated_at, w.resolved_at, w.justification";

/// Live (not resolved) warnings of a region whose date falls in a period.
pub async fn live_warnings(
    conn: &mut Conn,
    region: i64,
    from: &str,
    to: &str,
    rule_ids: &[&str],
) -> Result<Vec<Warning>, StoreError> {
    if rule_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!(
        "SELECT {WARNING_COLS} FROM warnings w WHERE w.region_id = $1 AND w.status <> 'resolved' AND w.on_date >= $2 AND w.on_date <= $3 AND w.rule_id IN ("
    ))
    .bind(region)
    .bind(from)
    .bind(to);
    q.push_list(rule_ids.iter().copied());
    q.push(")");
    conn.fetch_all(&q).await
}

/// The live warnings of some rules about some subjects (the partial unique index on rule and
/// subject finds them).
pub async fn live_warnings_of(
    conn: &mut Conn,
    region: i64,
    rule_ids: &[&str],
    keys: &[String],
) -> Result<Vec<Warning>, StoreError> {
    if rule_ids.is_empty() || keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!(
        "SELECT {WARNING_COLS} FROM warnings w WHERE w.region_id = $1 AND w.status <> 'resolved' AND w.rule_id IN ("
    ))
    .bind(region);
    q.push_list(rule_ids.iter().copied());
    q.push(") AND w.subject_key IN (");
    q.push_list(keys.iter().map(String::as_str));
    q.push(")");
    conn.fetch_all(&q).await
}

pub struct NewWarning<'a> {
    pub region_id: i64,
    pub rule_id: &'a str,
    pub severity: &'a str,
    pub subject_key: &'a str,
    pub subject: &'a str,
    pub unit_id: Option<i64>,
    pub figures: &'a str,
    pub records: &'a str,
    pub on_date: &'a str,
}

pub async fn refresh_warning(
    tx: &mut Tx,
    id: i64,
    w: &NewWarning<'_>,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new("UPDATE warnings SET subject = $1, unit_id = $2, figures = $3, records = $4, severity = $5, updated_at = $6, \
                 on_date = $8 WHERE id = $7")
            .bind(w.subject)
            .bind(w.unit_id)
            .bind(w.figures)
            .bind(w.records)
            .bind(w.severity)
            .bind(now)
            .bind(id)
            .bind(w.on_date),
    )
    .await?;
    Ok(())
}

/// The latest automatically resolved warning of each of these (rule, subject) pairs.
pub async fn resolved_warnings_of(
    conn: &mut Conn,
    region: i64,
    keys: &[(&str, &str)],
) -> Result<Vec<Warning>, StoreError> {
    let mut out: Vec<Warning> = Vec::new();
    for chunk in keys.chunks(500) {
        let mut rules: Vec<&str> = chunk.iter().map(|(r, _)| *r).collect();
        rules.sort_unstable();
        rules.dedup();
        let mut q = Q::new(format!(
            "SELECT {WARNING_COLS} FROM warnings w WHERE w.region_id = $1 AND w.status = 'resolved' AND w.rule_id IN ("
        ))
        .bind(region);
        q.push_list(rules);
        q.push(") AND w.subject_key IN (");
        q.push_list(chunk.iter().map(|(_, k)| *k));
        q.push(") ORDER BY w.id DESC");
        for w in conn.fetch_all::<Warning>(&q).await? {
            let wanted = chunk
                .iter()
                .any(|(r, k)| *r == w.rule_id && *k == w.subject_key);
            let newer = out
                .iter()
                .any(|o| o.rule_id == w.rule_id && o.subject_key == w.subject_key);
            if wanted && !newer {
                out.push(w);
            }
        }
    }
    Ok(out)
}

/// Reopens a resolved warning whose cause returned: the status it had before, its justification
/// and history kept, its finding refreshed.
pub async fn reopen_warning(
    tx: &mut Tx,
    id: i64,
    w: &NewWarning<'_>,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "UPDATE warnings SET status = COALESCE(status_before, 'open'), status_before = NULL, resolved_at = NULL, \
             subject = $1, unit_id = $2, figures = $3, records = $4, severity = $5, on_date = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(w.subject)
        .bind(w.unit_id)
        .bind(w.figures)
        .bind(w.records)
        .bind(w.severity)
        .bind(w.on_date)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: &str,
    justification: Option<&str>,
    now: &str,
) -> Result<(), StoreError> {
    let resolved_at = (status == "resolved").then_some(now);
    tx.execute(
        &Q::new(
            "UPDATE warnings SET status = $1, justification = COALESCE($2, justification), resolved_at = COALESCE($3, resolved_at), \
             updated_at = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(justification)
        .bind(resolved_at)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn add_event(
    tx: &mut Tx,
    warning_id: i64,
    actor_name: &str,
    action: &str,
    note: Option<&str>,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new("INSERT INTO warning_events (warning_id, at, actor_name, action, note) VALUES ($1, $2, $3, $4, $5)")
            .bind(warning_id)
            .bind(now)
            .bind(actor_name)
            .bind(action)
            .bind(note),
    )
    .await?;
    Ok(())
}

/// One step of a warning's history as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WarningEventRow {
    pub at: String,
    pub actor_name: String,
    /// raised|updated|reopened|justified|returned|acknowledged|closed|resolved
    pub action: String,
    pub note: Option<String>,
}

pub async fn events(conn: &mut Conn, warning_id: i64) -> Result<Vec<WarningEventRow>, StoreError> {
    conn.fetch_all(&Q::new("SELECT at, actor_name, action, note FROM warning_events WHERE warning_id = $1 ORDER BY id").bind(warning_id)).await
}

pub async fn get_warning(conn: &mut Conn, id: i64) -> Result<Option<Warning>, StoreError> {
    conn.fetch_optional(
        &Q::new(format!(
            "SELECT {WARNING_COLS} FROM warnings w WHERE w.id = $1"
        ))
        .bind(id),
    )
    .await
}

#[derive(Debug, Clone, Default)]
pub struct WarningFilter {
    pub scope_root: Option<i64>,
    pub unit: Option<i64>,
    pub rule: Option<String>,
    pub status: Option<String>,
    pub severity: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

pub(crate) fn warning_where(q: &mut Q, f: &WarningFilter) {
    q.push(" FROM warnings w WHERE 1 = 1");
    if let Some(root) = f.scope_root {
        let p = q.arg(root);
        q.push(&format!(" AND EXISTS (SELECT 1 FROM org_closure s WHERE s.ancestor_id = {p} AND s.descendant_id = w.unit_id)"));
    }
    for (col, v) in [("w.rule_id", &f.rule), ("w.severity", &f.severity)] {
        if let Some(v) = v {
            let p = q.arg(v.as_str());
            q.push(&format!(" AND {col} = {p}"));
        }
    }
    match f.status.as_deref() {
        // "open" in a filter means every warning still to be dealt with.
        Some("open") => {
            q.push(" AND w.status NOT IN ('resolved', 'closed')");
        }
        Some(s) => {
            let p = q.arg(s);
            q.push(&format!(" AND w.status = {p}"));
        }
        None => {}
    }
    if let Some(u) = f.unit {
        let p = q.arg(u);
        q.push(&format!(" AND w.unit_id = {p}"));
    }
    if let Some(d) = &f.from {
        let p = q.arg(d.as_str());
        q.push(&format!(" AND w.on_date >= {p}"));
    }
    if let Some(d) = &f.to {
        let p = q.arg(d.as_str());
        q.push(&format!(" AND w.on_date <= {p}"));
    }
}

pub async fn list_warnings(
    conn: &mut Conn,
    f: &WarningFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Warning>, i64), StoreError> {
    conn.page(
        WARNING_COLS,
        |q| warning_where(q, f),
        // By the warning's date, newest first: the matter's date, or the day it was raised when
        // that is earlier (see the domain's `warnings::dated`).
        "CASE WHEN w.on_date > SUBSTR(w.raised_at, 1, 10) THEN SUBSTR(w.raised_at, 1, 10) ELSE w.on_date END DESC, w.raised_at DESC, w.id DESC",
        limit,
        offset,
    )
    .await
}

fn chunk_rows(tx: &Tx) -> usize {
    // The SQLite driver's cost per statement grows faster than its parameter count: small
    // statements win (measured with `jianfu bench ledger`: 10 rows 8× faster than 400).
    match tx.backend() {
        crate::Backend::Sqlite => 10,
        crate::Backend::Postgres => 200,
    }
}

/// Inserts many new warnings at once (status open), as a full re-evaluation raises them.
pub async fn insert_warnings(
    tx: &mut Tx,
    rows: &[NewWarning<'_>],
    now: &str,
) -> Result<(), StoreError> {
    crate::bulk::bulk_load(
        tx,
        "warnings",
        "region_id, rule_id, severity, subject_key, subject, unit_id, figures, records, status, on_date, raised_at, updated_at",
        rows,
        |r, w| {
            r.int(w.region_id)
                .text(w.rule_id)
                .text(w.severity)
                .text(w.subject_key)
                .text(w.subject)
                .opt_int(w.unit_id)
                .text(w.figures)
                .text(w.records)
                .text("open")
                .text(w.on_date)
                .text(now)
                .text(now);
        },
    )
    .await
}

/// Resolves many warnings at once and records why.
pub async fn resolve_warnings(
    tx: &mut Tx,
    ids: &[i64],
    note: &str,
    now: &str,
) -> Result<(), StoreError> {
    let per = chunk_rows(tx);
    for chunk in ids.chunks(per) {
        let mut q = Q::new(
            "UPDATE warnings SET status_before = status, status = 'resolved', resolved_at = $1, updated_at = $2 WHERE id IN (",
        );
        q = q.bind(now).bind(now);
        q.push_list(chunk.iter().copied());
        q.push(")");
        tx.execute(&q).await?;
        let mut ev =
            Q::new("INSERT INTO warning_events (warning_id, at, actor_name, action, note) VALUES");
        for (i, id) in chunk.iter().enumerate() {
            let (a, b, c) = (ev.arg(*id), ev.arg(now), ev.arg(note));
            ev.push(&format!(
                "{}({a}, {b}, '系统', 'resolved', {c})",
                if i == 0 { " " } else { ", " }
            ));
        }
        tx.execute(&ev).await?;
    }
    Ok(())
}
