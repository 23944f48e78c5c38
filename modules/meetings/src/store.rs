//! SQL of the meetings ledger: a meeting as stored, its writes, its list, the facts its rules
//! read, and bulk loads.
use jianfu_store::bulk::bulk_load;
use jianfu_store::burden::{item_where, ItemFilter};
use jianfu_store::rules::YearCount;
use jianfu_store::{Conn, StoreError, Tx, Q};

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub region_id: i64,
    pub organizer_id: i64,
    pub organizer_name: String,
    pub title: String,
    pub topic: String,
    /// plenary|special|progress|dispatch|video|combined
    pub kind: String,
    pub held_on: String,
    pub starts_at: String,
    pub planned_minutes: i64,
    pub actual_minutes: Option<i64>,
    /// How far down the meeting reaches (开到哪一级).
    pub reach_level: String,
    pub attendee_count: i64,
    pub heads_required: bool,
    pub heads_approved: bool,
    pub reach_approved: bool,
    pub leader_speech_minutes: Option<i64>,
    pub exchange_speeches: i64,
    pub exchange_speech_minutes: Option<i64>,
    pub in_plan: bool,
    pub approved: bool,
    pub relays_meeting_id: Option<i64>,
    pub reach: i64,
    /// 作废: when, by whom (name and unit as they were), why.
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_reason: Option<String>,
}

const MEETING_COLS: &str = "m.id, m.region_id, m.organizer_id, o.name AS organizer_name, m.title, m.topic, m.kind, m.held_on, m.starts_at, \
     m.planned_minutes, m.actual_minutes, m.reach_level, m.attendee_count, m.heads_required, m.heads_approved, m.reach_approved, \
     m.leader_speech_minutes, m.exchange_speeches, m.exchange_speech_minutes, m.in_plan, m.approved, m.relays_meeting_id, m.reach, \
     m.withdrawn_at, m.withdrawn_by, m.withdrawn_reason";

pub struct NewMeeting<'a> {
    pub region_id: i64,
    pub organizer_id: i64,
    pub title: &'a str,
    pub topic: &'a str,
    pub kind: &'a str,
    pub held_on: &'a str,
    pub starts_at: &'a str,
    pub planned_minutes: i64,
    pub actual_minutes: Option<i64>,
    pub reach_level: &'a str,
    pub attendee_count: i64,
    pub heads_required: bool,
    pub heads_approved: bool,
    pub reach_approved: bool,
    pub leader_speech_minutes: Option<i64>,
    pub exchange_speeches: i64,
    pub exchange_speech_minutes: Option<i64>,
    pub in_plan: bool,
    pub approved: bool,
    pub relays_meeting_id: Option<i64>,
    pub reach: i64,
    pub created_by: Option<i64>,
}

fn meeting_args(q: Q, m: &NewMeeting<'_>) -> Q {
    q.bind(m.region_id)
        .bind(m.organizer_id)
        .bind(m.title)
        .bind(m.topic)
        .bind(m.kind)
        .bind(m.held_on)
        .bind(m.starts_at)
        .bind(m.planned_minutes)
        .bind(m.actual_minutes)
        .bind(m.reach_level)
        .bind(m.attendee_count)
        .bind(m.heads_required)
        .bind(m.heads_approved)
        .bind(m.reach_approved)
        .bind(m.leader_speech_minutes)
        .bind(m.exchange_speeches)
        .bind(m.exchange_speech_minutes)
        .bind(m.in_plan)
        .bind(m.approved)
        .bind(m.relays_meeting_id)
        .bind(m.reach)
}

pub async fn insert(tx: &mut Tx, m: &NewMeeting<'_>, now: &str) -> Result<i64, StoreError> {
    let q = Q::new(
        "INSERT INTO meetings (region_id, organizer_id, title, topic, kind, held_on, starts_at, planned_minutes, actual_minutes, reach_level, \
         attendee_count, heads_required, heads_approved, reach_approved, leader_speech_minutes, exchange_speeches, exchange_speech_minutes, \
         in_plan, approved, relays_meeting_id, reach, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23) RETURNING id",
    );
    tx.scalar(&meeting_args(q, m).bind(m.created_by).bind(now))
        .await
}

pub async fn replace(
    tx: &mut Tx,
    id: i64,
    m: &NewMeeting<'_>,
    now: &str,
) -> Result<(), StoreError> {
    let q = Q::new(
        "UPDATE meetings SET region_id = $1, organizer_id = $2, title = $3, topic = $4, kind = $5, held_on = $6, starts_at = $7, \
         planned_minutes = $8, actual_minutes = $9, reach_level = $10, attendee_count = $11, heads_required = $12, heads_approved = $13, \
         reach_approved = $14, leader_speech_minutes = $15, exchange_speeches = $16, exchange_speech_minutes = $17, in_plan = $18, \
         approved = $19, relays_meeting_id = $20, reach = $21, updated_at = $22 WHERE id = $23",
    );
    tx.execute(&meeting_args(q, m).bind(now).bind(id)).await?;
    Ok(())
}

/// Marks a meeting withdrawn (作废).
pub async fn withdraw(
    tx: &mut Tx,
    id: i64,
    by: &str,
    reason: &str,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "UPDATE meetings SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3, updated_at = $1 WHERE id = $4",
        )
        .bind(now)
        .bind(by)
        .bind(reason)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<MeetingRow>, StoreError> {
    conn.fetch_optional(
        &Q::new(format!("SELECT {MEETING_COLS} FROM meetings m JOIN org_units o ON o.id = m.organizer_id WHERE m.id = $1")).bind(id),
    )
    .await
}

/// A page of the ledger: the meetings in force, or (`withdrawn`) those withdrawn.
pub async fn list(
    conn: &mut Conn,
    f: &ItemFilter,
    withdrawn: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<MeetingRow>, i64), StoreError> {
    let from_where = |q: &mut Q| {
        q.push(" FROM meetings m JOIN org_units o ON o.id = m.organizer_id");
        item_where(q, f, "m", "organizer_id", "held_on");
        q.push(if withdrawn {
            " AND m.withdrawn_at IS NOT NULL"
        } else {
            " AND m.withdrawn_at IS NULL"
        });
    };
    conn.page(
        MEETING_COLS,
        from_where,
        "m.held_on DESC, m.id DESC",
        limit,
        offset,
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingFact {
    pub id: i64,
    pub region_id: i64,
    pub organizer_id: i64,
    pub organizer_name: String,
    /// The organizer's level, or for a department the level of the government it belongs to.
    pub organizer_level: String,
    pub title: String,
    pub topic: String,
    pub kind: String,
    pub held_on: String,
    pub starts_at: String,
    pub planned_minutes: i64,
    pub actual_minutes: Option<i64>,
    pub reach_level: String,
    pub heads_required: bool,
    pub heads_approved: bool,
    pub reach_approved: bool,
    pub leader_speech_minutes: Option<i64>,
    pub exchange_speeches: i64,
    pub exchange_speech_minutes: Option<i64>,
    pub in_plan: bool,
    pub approved: bool,
    pub relays_meeting_id: Option<i64>,
}

const FACT_COLS: &str = "SELECT m.id, m.region_id, m.organizer_id, o.name AS organizer_name, \
     CASE WHEN o.level = 'department' THEN COALESCE(p.level, 'department') ELSE o.level END AS organizer_level, \
     m.title, m.topic, m.kind, m.held_on, m.starts_at, m.planned_minutes, m.actual_minutes, m.reach_level, m.heads_required, \
     m.heads_approved, m.reach_approved, m.leader_speech_minutes, m.exchange_speeches, m.exchange_speech_minutes, m.in_plan, \
     m.approved, m.relays_meeting_id \
     FROM meetings m JOIN org_units o ON o.id = m.organizer_id LEFT JOIN org_units p ON p.id = o.parent_id \
     WHERE m.withdrawn_at IS NULL";

/// Meetings of the given regions in a period, as the rules read them.
pub async fn facts(
    conn: &mut Conn,
    regions: &[i64],
    from: &str,
    to: &str,
) -> Result<Vec<MeetingFact>, StoreError> {
    let mut q = Q::new(format!("{FACT_COLS} AND m.region_id IN ("));
    q.push_list(regions.iter().copied());
    let a = q.arg(from);
    let b = q.arg(to);
    q.push(&format!(
        ") AND m.held_on >= {a} AND m.held_on <= {b} ORDER BY m.starts_at, m.id"
    ));
    conn.fetch_all(&q).await
}

/// The plenary meetings (全体会议) of some organizers of a region in a period.
pub async fn plenaries(
    conn: &mut Conn,
    region: i64,
    organizers: &[i64],
    from: &str,
    to: &str,
) -> Result<Vec<MeetingFact>, StoreError> {
    if organizers.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!(
        "{FACT_COLS} AND m.region_id = $1 AND m.kind = 'plenary' AND m.organizer_id IN ("
    ))
    .bind(region);
    q.push_list(organizers.iter().copied());
    let a = q.arg(from);
    let b = q.arg(to);
    q.push(&format!(
        ") AND m.held_on >= {a} AND m.held_on <= {b} ORDER BY m.starts_at, m.id"
    ));
    conn.fetch_all(&q).await
}

/// Targets of the region's meetings in a period: (meeting id, unit, level).
pub async fn targets(
    conn: &mut Conn,
    region: i64,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, i64, String)>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT item_id, target_unit_id, target_level FROM burden_targets \
             WHERE channel = 'meetings' AND region_id = $1 AND on_date >= $2 AND on_date <= $3",
        )
        .bind(region)
        .bind(from)
        .bind(to),
    )
    .await
}

/// Meetings per organizer and year in a region; only these organizers' when given.
pub async fn year_counts(
    conn: &mut Conn,
    region: i64,
    organizers: Option<&[i64]>,
) -> Result<Vec<YearCount>, StoreError> {
    let mut q = Q::new(
        "SELECT organizer_id AS issuer_id, SUBSTR(held_on, 1, 4) AS year, COUNT(*) AS total, CAST(0 AS BIGINT) AS informal \
         FROM meetings WHERE region_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(region);
    if let Some(organizers) = organizers {
        q.push(" AND organizer_id IN (");
        q.push_list(organizers.iter().copied());
        q.push(")");
    }
    q.push(" GROUP BY organizer_id, SUBSTR(held_on, 1, 4)");
    conn.fetch_all(&q).await
}

/// A meeting row for bulk loading.
pub struct BulkMeeting {
    pub id: i64,
    pub region_id: i64,
    pub organizer_id: i64,
    pub title: String,
    pub kind: &'static str,
    pub starts_at: String,
    pub planned_minutes: i64,
    pub reach_level: &'static str,
    pub reach: i64,
    pub heads_required: bool,
    pub in_plan: bool,
}

pub async fn bulk(tx: &mut Tx, rows: &[BulkMeeting], now: &str) -> Result<(), StoreError> {
    bulk_load(
        tx,
        "meetings",
        "id, region_id, organizer_id, title, topic, kind, held_on, starts_at, planned_minutes, reach_level, \
         attendee_count, heads_required, heads_approved, reach_approved, exchange_speeches, in_plan, approved, reach, created_at, updated_at",
        rows,
        |w, m| {
            w.int(m.id)
                .int(m.region_id)
                .int(m.organizer_id)
                .text(&m.title)
                .text(&m.title)
                .text(m.kind)
                .text(m.starts_at.get(0..10).unwrap_or(""))
                .text(&m.starts_at)
                .int(m.planned_minutes)
                .text(m.reach_level)
                .int(50)
                .boolean(m.heads_required)
                .boolean(false)
                .boolean(false)
                .int(0)
                .boolean(m.in_plan)
                .boolean(false)
                .int(m.reach)
                .text(now)
                .text(now);
        },
    )
    .await
}
