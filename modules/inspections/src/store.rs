//! SQL of the inspections module: an item as stored, its writes and decisions, its list, the
//! facts its rules and the calendar read, the items a unit hosts, objections and notices, and
//! bulk loads.
use jianfu_store::bulk::bulk_load;
use jianfu_store::burden::{item_where, ItemFilter};
use jianfu_store::{Conn, StoreError, Tx, Q};

/// An item as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct InspectionRow {
    pub id: i64,
    pub region_id: i64,
    pub organizer_id: i64,
    pub organizer_name: String,
    pub category: String,
    pub title: String,
    pub basis: String,
    pub window_from: String,
    pub window_to: String,
    pub starts_on: String,
    pub ends_on: String,
    pub days_on_site: i64,
    pub team_size: i64,
    pub unannounced: bool,
    pub fixed: bool,
    pub leader: String,
    /// A JSON array of strings.
    pub materials: String,
    pub material_count: i64,
    pub in_plan: bool,
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<String>,
    pub filed_on: String,
    pub reach: i64,
    pub created_by: Option<i64>,
}

const COLS: &str = "i.id, i.region_id, i.organizer_id, o.name AS organizer_name, i.category, i.title, i.basis, \
     i.window_from, i.window_to, i.starts_on, i.ends_on, i.days_on_site, i.team_size, i.unannounced, i.fixed, i.leader, \
     i.materials, i.material_count, i.in_plan, i.status, i.decision_reason, i.decided_by, i.decided_at, i.filed_on, \
     i.reach, i.created_by";

const FROM: &str = " FROM inspections i JOIN org_units o ON o.id = i.organizer_id";

/// What a write stores.
pub struct NewInspection<'a> {
    pub region_id: i64,
    pub organizer_id: i64,
    pub category: &'a str,
    pub title: &'a str,
    pub basis: &'a str,
    pub window_from: &'a str,
    pub window_to: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub days_on_site: i64,
    pub team_size: i64,
    pub unannounced: bool,
    pub fixed: bool,
    pub leader: &'a str,
    pub materials: &'a str,
    pub material_count: i64,
    pub in_plan: bool,
    pub filed_on: &'a str,
    pub reach: i64,
}

fn args(q: Q, m: &NewInspection<'_>) -> Q {
    q.bind(m.region_id)
        .bind(m.organizer_id)
        .bind(m.category)
        .bind(m.title)
        .bind(m.basis)
        .bind(m.window_from)
        .bind(m.window_to)
        .bind(m.starts_on)
        .bind(m.ends_on)
        .bind(m.days_on_site)
        .bind(m.team_size)
        .bind(m.unannounced)
        .bind(m.fixed)
        .bind(m.leader)
        .bind(m.materials)
        .bind(m.material_count)
        .bind(m.in_plan)
        .bind(m.filed_on)
        .bind(m.reach)
}

pub async fn insert(
    tx: &mut Tx,
    m: &NewInspection<'_>,
    created_by: Option<i64>,
    now: &str,
) -> Result<i64, StoreError> {
    let q = Q::new(
        "INSERT INTO inspections (region_id, organizer_id, category, title, basis, window_from, window_to, starts_on, ends_on, \
         days_on_site, team_size, unannounced, fixed, leader, materials, material_count, in_plan, filed_on, reach, status, \
         created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 'pending', $20, $21, $21) \
         RETURNING id",
    );
    tx.scalar(&args(q, m).bind(created_by).bind(now)).await
}

/// Replaces an item as its filer changed it: it waits for a decision again.
pub async fn replace(
    tx: &mut Tx,
    id: i64,
    m: &NewInspection<'_>,
    now: &str,
) -> Result<(), StoreError> {
    let q = Q::new(
        "UPDATE inspections SET region_id = $1, organizer_id = $2, category = $3, title = $4, basis = $5, window_from = $6, \
         window_to = $7, starts_on = $8, ends_on = $9, days_on_site = $10, team_size = $11, unannounced = $12, fixed = $13, \
         leader = $14, materials = $15, material_count = $16, in_plan = $17, filed_on = $18, reach = $19, status = 'pending', \
         decision_reason = NULL, decided_by = NULL, decided_at = NULL, updated_at = $20 WHERE id = $21",
    );
    tx.execute(&args(q, m).bind(now).bind(id)).await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<InspectionRow>, StoreError> {
    conn.fetch_optional(&Q::new(format!("SELECT {COLS}{FROM} WHERE i.id = $1")).bind(id))
        .await
}

/// The list's filter: the ledger's (scope, organizer, period of the start, title) and the
/// item's own.
#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub items: ItemFilter,
    pub status: Option<String>,
    pub category: Option<String>,
}

pub async fn list(
    conn: &mut Conn,
    f: &InspectionFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<InspectionRow>, i64), StoreError> {
    let from_where = |q: &mut Q| {
        q.push(FROM);
        item_where(q, &f.items, "i", "organizer_id", "starts_on");
        if let Some(s) = &f.status {
            let p = q.arg(s.as_str());
            q.push(&format!(" AND i.status = {p}"));
        }
        if let Some(c) = &f.category {
            let p = q.arg(c.as_str());
            q.push(&format!(" AND i.category = {p}"));
        }
    };
    conn.page(
        COLS,
        from_where,
        "i.starts_on DESC, i.id DESC",
        limit,
        offset,
    )
    .await
}

/// Records the office's decision.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    status: &str,
    reason: Option<&str>,
    by: i64,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "UPDATE inspections SET status = $1, decision_reason = $2, decided_by = $3, decided_at = $4, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(status)
        .bind(reason)
        .bind(by)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

/// Moves an item's days on site (a staggered schedule, an accepted objection).
pub async fn reschedule(
    tx: &mut Tx,
    id: i64,
    starts_on: &str,
    ends_on: &str,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "UPDATE inspections SET starts_on = $1, ends_on = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(starts_on)
        .bind(ends_on)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

/// Takes a rejected item out of the burden spine: it lands on no unit.
pub async fn leave_spine(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    for table in ["burden_targets", "burden_items"] {
        tx.execute(
            &Q::new(format!(
                "DELETE FROM {table} WHERE channel = 'inspections' AND item_id = $1"
            ))
            .bind(id),
        )
        .await?;
    }
    Ok(())
}

/// Moves an item's date in the spine (its targets keep theirs in step).
pub async fn move_in_spine(tx: &mut Tx, id: i64, on_date: &str) -> Result<(), StoreError> {
    for table in ["burden_targets", "burden_items"] {
        tx.execute(
            &Q::new(format!(
                "UPDATE {table} SET on_date = $1 WHERE channel = 'inspections' AND item_id = $2"
            ))
            .bind(on_date)
            .bind(id),
        )
        .await?;
    }
    Ok(())
}

/// An item as the rules, the calendar and the proposals read it (rejected items excluded).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InspectionFact {
    pub id: i64,
    pub organizer_id: i64,
    pub organizer_name: String,
    pub category: String,
    pub title: String,
    pub window_from: String,
    pub window_to: String,
    pub starts_on: String,
    pub ends_on: String,
    pub days_on_site: i64,
    pub team_size: i64,
    pub unannounced: bool,
    pub fixed: bool,
    pub leader: String,
    pub material_count: i64,
    pub in_plan: bool,
    pub status: String,
    pub filed_on: String,
}

const FACT_COLS: &str = "SELECT i.id, i.organizer_id, o.name AS organizer_name, i.category, i.title, i.window_from, \
     i.window_to, i.starts_on, i.ends_on, i.days_on_site, i.team_size, i.unannounced, i.fixed, i.leader, i.material_count, \
     i.in_plan, i.status, i.filed_on FROM inspections i JOIN org_units o ON o.id = i.organizer_id";

/// The region's items that start in `[from, to]`, not rejected, in start order.
pub async fn facts(
    conn: &mut Conn,
    region: i64,
    from: &str,
    to: &str,
) -> Result<Vec<InspectionFact>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "{FACT_COLS} WHERE i.region_id = $1 AND i.starts_on >= $2 AND i.starts_on <= $3 \
             AND i.status <> 'rejected' ORDER BY i.starts_on, i.id"
        ))
        .bind(region)
        .bind(from)
        .bind(to),
    )
    .await
}

/// Some items of a region, not rejected.
pub async fn facts_of(
    conn: &mut Conn,
    region: i64,
    ids: &[i64],
) -> Result<Vec<InspectionFact>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!(
        "{FACT_COLS} WHERE i.region_id = $1 AND i.status <> 'rejected' AND i.id IN ("
    ))
    .bind(region);
    q.push_list(ids.iter().copied());
    q.push(") ORDER BY i.starts_on, i.id");
    conn.fetch_all(&q).await
}

/// The grassroots units (townships and villages) each item starting in `[from, to]` reaches,
/// as (item, unit): a unit named, or every unit of a level below a unit named.
pub async fn reached_units(
    conn: &mut Conn,
    region: i64,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, i64)>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT t.item_id, t.target_unit_id FROM burden_targets t JOIN org_units u ON u.id = t.target_unit_id \
             WHERE t.channel = 'inspections' AND t.region_id = $1 AND t.on_date >= $2 AND t.on_date <= $3 \
             AND t.target_level = '' AND u.level IN ('township', 'village') \
             UNION \
             SELECT t.item_id, c.descendant_id FROM burden_targets t \
             JOIN org_closure c ON c.ancestor_id = t.target_unit_id AND c.depth > 0 \
             JOIN org_units u ON u.id = c.descendant_id AND u.level = t.target_level \
             WHERE t.channel = 'inspections' AND t.region_id = $1 AND t.on_date >= $2 AND t.on_date <= $3 \
             AND t.target_level IN ('township', 'village')",
        )
        .bind(region)
        .bind(from)
        .bind(to),
    )
    .await
}

/// Grassroots units of a region with their level and township (a village's parent), for the
/// calendar: (id, name, level, parent).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrassrootsUnit {
    pub id: i64,
    pub name: String,
    pub level: String,
    pub parent_id: Option<i64>,
}

pub async fn grassroots_units(
    conn: &mut Conn,
    region: i64,
) -> Result<Vec<GrassrootsUnit>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT id, name, level, parent_id FROM org_units WHERE region_id = $1 \
             AND level IN ('township', 'village') ORDER BY sort_order, id",
        )
        .bind(region),
    )
    .await
}

/// 督查检查考核 of a region per year (not rejected, research visits aside): (year, count).
pub async fn region_years(conn: &mut Conn, region: i64) -> Result<Vec<(String, i64)>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT SUBSTR(starts_on, 1, 4) AS year, COUNT(*) AS n FROM inspections \
             WHERE region_id = $1 AND status <> 'rejected' AND category <> 'research' \
             GROUP BY SUBSTR(starts_on, 1, 4)",
        )
        .bind(region),
    )
    .await
}

/// Items that reach a unit and whose days on site meet `[from, to]` (not rejected), in start
/// order: a target names the unit, or every unit of its level below one of its ancestors.
pub async fn hosted(
    conn: &mut Conn,
    unit: i64,
    level: &str,
    from: &str,
    to: &str,
) -> Result<Vec<InspectionRow>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "SELECT {COLS}{FROM} WHERE i.status <> 'rejected' AND i.ends_on >= $1 AND i.starts_on <= $2 AND i.id IN ( \
               SELECT t.item_id FROM burden_targets t WHERE t.channel = 'inspections' AND t.target_unit_id = $3 \
               AND t.target_level = '' \
               UNION SELECT t.item_id FROM org_closure a JOIN burden_targets t ON t.target_unit_id = a.ancestor_id \
               AND t.target_level = $4 WHERE t.channel = 'inspections' AND a.descendant_id = $3 AND a.depth > 0) \
             ORDER BY i.starts_on, i.id"
        ))
        .bind(from)
        .bind(to)
        .bind(unit)
        .bind(level),
    )
    .await
}

/// Approved items whose days on site meet `[from, to]`, of one region or of all, in start
/// order (the public pre-notice).
pub async fn approved_between(
    conn: &mut Conn,
    region: Option<i64>,
    from: &str,
    to: &str,
) -> Result<Vec<InspectionRow>, StoreError> {
    let mut q = Q::new(format!(
        "SELECT {COLS}{FROM} WHERE i.status = 'approved' AND i.ends_on >= $1 AND i.starts_on <= $2"
    ))
    .bind(from)
    .bind(to);
    if let Some(r) = region {
        let p = q.arg(r);
        q.push(&format!(" AND i.region_id = {p}"));
    }
    q.push(" ORDER BY i.starts_on, i.id");
    conn.fetch_all(&q).await
}

/// Items of a region starting in `[from, to]` (a year's plan), organizer's first when given,
/// every status, in organizer and start order.
pub async fn plan_items(
    conn: &mut Conn,
    region: i64,
    organizer: Option<i64>,
    from: &str,
    to: &str,
) -> Result<Vec<InspectionRow>, StoreError> {
    let mut q = Q::new(format!(
        "SELECT {COLS}{FROM} WHERE i.region_id = $1 AND i.starts_on >= $2 AND i.starts_on <= $3"
    ))
    .bind(region)
    .bind(from)
    .bind(to);
    if let Some(o) = organizer {
        let p = q.arg(o);
        q.push(&format!(" AND i.organizer_id = {p}"));
    }
    q.push(" ORDER BY o.sort_order, i.organizer_id, i.starts_on, i.id");
    conn.fetch_all(&q).await
}

/// The targets of some items with the names of their units: (item, unit, level, name).
pub async fn target_names(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<Vec<(i64, i64, String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(
        "SELECT t.item_id, t.target_unit_id, t.target_level, o.name FROM burden_targets t \
         JOIN org_units o ON o.id = t.target_unit_id WHERE t.channel = 'inspections' AND t.item_id IN (",
    );
    q.push_list(ids.iter().copied());
    q.push(") ORDER BY t.item_id, o.sort_order, t.target_unit_id, t.target_level");
    conn.fetch_all(&q).await
}

/// An objection (申请调整) as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ObjectionRow {
    pub id: i64,
    pub region_id: i64,
    pub inspection_id: i64,
    pub inspection_title: String,
    pub organizer_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub reason: String,
    pub preferred_on: Option<String>,
    pub status: String,
    pub reply: Option<String>,
    pub answered_at: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: String,
}

const OBJECTION_COLS: &str = "SELECT b.id, b.region_id, b.inspection_id, i.title AS inspection_title, i.organizer_id, \
     b.unit_id, u.name AS unit_name, b.reason, b.preferred_on, b.status, b.reply, b.answered_at, b.created_by, b.created_at \
     FROM inspection_objections b JOIN inspections i ON i.id = b.inspection_id JOIN org_units u ON u.id = b.unit_id";

pub struct NewObjection<'a> {
    pub region_id: i64,
    pub inspection_id: i64,
    pub unit_id: i64,
    pub reason: &'a str,
    pub preferred_on: Option<&'a str>,
    pub created_by: Option<i64>,
}

pub async fn insert_objection(
    tx: &mut Tx,
    o: &NewObjection<'_>,
    now: &str,
) -> Result<i64, StoreError> {
    tx.scalar(
        &Q::new(
            "INSERT INTO inspection_objections (region_id, inspection_id, unit_id, reason, preferred_on, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id",
        )
        .bind(o.region_id)
        .bind(o.inspection_id)
        .bind(o.unit_id)
        .bind(o.reason)
        .bind(o.preferred_on)
        .bind(o.created_by)
        .bind(now),
    )
    .await
}

pub async fn get_objection(conn: &mut Conn, id: i64) -> Result<Option<ObjectionRow>, StoreError> {
    conn.fetch_optional(&Q::new(format!("{OBJECTION_COLS} WHERE b.id = $1")).bind(id))
        .await
}

/// Objections of a region, or of one unit, or about one item; only open ones when asked.
#[derive(Debug, Clone, Default)]
pub struct ObjectionFilter {
    pub region: Option<i64>,
    pub unit: Option<i64>,
    pub inspection: Option<i64>,
    pub open_only: bool,
}

pub async fn objections(
    conn: &mut Conn,
    f: &ObjectionFilter,
) -> Result<Vec<ObjectionRow>, StoreError> {
    let mut q = Q::new(format!("{OBJECTION_COLS} WHERE 1 = 1"));
    for (col, v) in [
        ("b.region_id", f.region),
        ("b.unit_id", f.unit),
        ("b.inspection_id", f.inspection),
    ] {
        if let Some(v) = v {
            let p = q.arg(v);
            q.push(&format!(" AND {col} = {p}"));
        }
    }
    if f.open_only {
        q.push(" AND b.status = 'open'");
    }
    q.push(" ORDER BY b.created_at DESC, b.id DESC LIMIT 500");
    conn.fetch_all(&q).await
}

pub async fn answer_objection(
    tx: &mut Tx,
    id: i64,
    status: &str,
    reply: &str,
    by: i64,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "UPDATE inspection_objections SET status = $1, reply = $2, answered_by = $3, answered_at = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(reply)
        .bind(by)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

/// A notice to a unit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub unit_id: i64,
    pub inspection_id: Option<i64>,
    pub message: String,
    pub created_at: String,
}

pub async fn notify(
    tx: &mut Tx,
    region: i64,
    unit: i64,
    inspection: Option<i64>,
    message: &str,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "INSERT INTO inspection_notices (region_id, unit_id, inspection_id, message, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(region)
        .bind(unit)
        .bind(inspection)
        .bind(message)
        .bind(now),
    )
    .await?;
    Ok(())
}

/// The latest notices to a unit.
pub async fn notices(conn: &mut Conn, unit: i64, limit: i64) -> Result<Vec<NoticeRow>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT id, unit_id, inspection_id, message, created_at FROM inspection_notices \
             WHERE unit_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(unit)
        .bind(limit),
    )
    .await
}

/// An item row for bulk loading (`jianfu bench ledger`).
pub struct BulkInspection {
    pub id: i64,
    pub region_id: i64,
    pub organizer_id: i64,
    pub category: &'static str,
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub days_on_site: i64,
    pub team_size: i64,
    pub reach: i64,
}

pub async fn bulk(tx: &mut Tx, rows: &[BulkInspection], now: &str) -> Result<(), StoreError> {
    bulk_load(
        tx,
        "inspections",
        "id, region_id, organizer_id, category, title, basis, window_from, window_to, starts_on, ends_on, days_on_site, \
         team_size, unannounced, fixed, leader, materials, material_count, in_plan, status, filed_on, reach, created_at, updated_at",
        rows,
        |w, m| {
            w.int(m.id)
                .int(m.region_id)
                .int(m.organizer_id)
                .text(m.category)
                .text(&m.title)
                .text("")
                .text(&m.starts_on)
                .text(&m.ends_on)
                .text(&m.starts_on)
                .text(&m.ends_on)
                .int(m.days_on_site)
                .int(m.team_size)
                .boolean(false)
                .boolean(false)
                .text("")
                .text("[]")
                .int(0)
                .boolean(true)
                .text("approved")
                .text(&m.starts_on)
                .int(m.reach)
                .text(now)
                .text(now);
        },
    )
    .await
}

/// Items of a region per organizer, year, month and category, every status: the overview's
/// counts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MonthCount {
    pub organizer_id: i64,
    pub organizer_name: String,
    pub month: String,
    pub category: String,
    pub status: String,
    pub in_plan: bool,
    pub n: i64,
}

pub async fn month_counts(
    conn: &mut Conn,
    region: i64,
    from: &str,
    to: &str,
) -> Result<Vec<MonthCount>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT i.organizer_id, o.name AS organizer_name, SUBSTR(i.starts_on, 1, 7) AS month, i.category, i.status, \
             i.in_plan, COUNT(*) AS n FROM inspections i JOIN org_units o ON o.id = i.organizer_id \
             WHERE i.region_id = $1 AND i.starts_on >= $2 AND i.starts_on <= $3 \
             GROUP BY i.organizer_id, o.name, SUBSTR(i.starts_on, 1, 7), i.category, i.status, i.in_plan",
        )
        .bind(region)
        .bind(from)
        .bind(to),
    )
    .await
}
