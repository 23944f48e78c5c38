//! SQL of annual plans (年度计划与总量): per unit and year a base year, and per channel the
//! planned count and the quota (`plan_measures`); the actual counts come from the burden spine.
use crate::db::{Conn, StoreError, Tx, Q};

/// One channel's figures of a plan.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MeasureRow {
    pub unit_id: i64,
    pub year: i64,
    pub channel: String,
    pub planned: i64,
    pub quota: Option<i64>,
}

/// Sets a unit's plan for a year: its base year and, replacing the old ones, its measures.
pub async fn upsert_plan(
    tx: &mut Tx,
    unit_id: i64,
    year: i64,
    region_id: i64,
    base_year: Option<i64>,
    measures: &[(&str, i64, Option<i64>)],
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "INSERT INTO annual_plans (unit_id, year, region_id, base_year, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (unit_id, year) DO UPDATE SET region_id = excluded.region_id, base_year = excluded.base_year, \
             updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(year)
        .bind(region_id)
        .bind(base_year)
        .bind(now),
    )
    .await?;
    tx.execute(
        &Q::new("DELETE FROM plan_measures WHERE unit_id = $1 AND year = $2")
            .bind(unit_id)
            .bind(year),
    )
    .await?;
    for (channel, planned, quota) in measures {
        tx.execute(
            &Q::new(
                "INSERT INTO plan_measures (unit_id, year, channel, planned, quota) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(unit_id)
            .bind(year)
            .bind(*channel)
            .bind(*planned)
            .bind(*quota),
        )
        .await?;
    }
    Ok(())
}

/// A unit of the overview: it has a plan for the year, or issued something that year or the
/// year before.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlanUnit {
    pub unit_id: i64,
    pub unit_name: String,
    pub base_year: Option<i64>,
}

/// Items of one issuer in one channel and year.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct YearItems {
    pub issuer_id: i64,
    pub channel: String,
    pub year: String,
    pub items: i64,
}

/// What the plans page shows for a subtree and year: the units, their plans' measures, and
/// their items of the year, the year before and their plan's base year.
pub struct Overview {
    pub units: Vec<PlanUnit>,
    pub measures: Vec<MeasureRow>,
    pub items: Vec<YearItems>,
}

pub async fn overview(conn: &mut Conn, root: i64, year: i64) -> Result<Overview, StoreError> {
    let (from, to) = (format!("{}-01-01", year - 1), format!("{year}-12-31"));
    let units = conn
        .fetch_all(
            &Q::new(
                "SELECT u.id AS unit_id, u.name AS unit_name, p.base_year \
                 FROM org_closure c JOIN org_units u ON u.id = c.descendant_id \
                 LEFT JOIN annual_plans p ON p.unit_id = u.id AND p.year = $1 \
                 WHERE c.ancestor_id = $2 AND (p.unit_id IS NOT NULL \
                   OR EXISTS (SELECT 1 FROM burden_items b WHERE b.issuer_id = u.id AND b.on_date >= $3 AND b.on_date <= $4)) \
                 ORDER BY u.depth, u.sort_order, u.id",
            )
            .bind(year)
            .bind(root)
            .bind(from.as_str())
            .bind(to.as_str()),
        )
        .await?;
    let measures = conn
        .fetch_all(
            &Q::new(
                "SELECT m.unit_id, m.year, m.channel, m.planned, m.quota FROM org_closure c \
                 JOIN plan_measures m ON m.unit_id = c.descendant_id WHERE c.ancestor_id = $1 AND m.year = $2",
            )
            .bind(root)
            .bind(year),
        )
        .await?;
    // This year and the last by one range over the spine; the base years per planned unit.
    let mut items: Vec<YearItems> = conn
        .fetch_all(
            &Q::new(
                "SELECT b.issuer_id, b.channel, SUBSTR(b.on_date, 1, 4) AS year, COUNT(*) AS items \
                 FROM org_closure c JOIN burden_items b ON b.issuer_id = c.descendant_id \
                 WHERE c.ancestor_id = $1 AND b.on_date >= $2 AND b.on_date <= $3 \
                 GROUP BY b.issuer_id, b.channel, SUBSTR(b.on_date, 1, 4)",
            )
            .bind(root)
            .bind(from.as_str())
            .bind(to.as_str()),
        )
        .await?;
    let base: Vec<YearItems> = conn
        .fetch_all(
            &Q::new(
                "SELECT b.issuer_id, b.channel, SUBSTR(b.on_date, 1, 4) AS year, COUNT(*) AS items \
                 FROM org_closure c JOIN annual_plans p ON p.unit_id = c.descendant_id AND p.year = $2 \
                 JOIN burden_items b ON b.issuer_id = p.unit_id \
                   AND b.on_date >= CAST(p.base_year AS TEXT) || '-01-01' AND b.on_date <= CAST(p.base_year AS TEXT) || '-12-31' \
                 WHERE c.ancestor_id = $1 AND p.base_year IS NOT NULL AND p.base_year < $3 \
                 GROUP BY b.issuer_id, b.channel, SUBSTR(b.on_date, 1, 4)",
            )
            .bind(root)
            .bind(year)
            .bind(year - 1),
        )
        .await?;
    items.extend(base);
    Ok(Overview {
        units,
        measures,
        items,
    })
}

/// A region's plans for the count rules: (unit, year, base year).
pub async fn base_years(
    conn: &mut Conn,
    region: i64,
) -> Result<Vec<(i64, i64, Option<i64>)>, StoreError> {
    conn.fetch_all(
        &Q::new("SELECT unit_id, year, base_year FROM annual_plans WHERE region_id = $1")
            .bind(region),
    )
    .await
}

/// A region's quotas of one channel: (unit, year, quota).
pub async fn quotas(
    conn: &mut Conn,
    region: i64,
    channel: &str,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT m.unit_id, m.year, m.quota FROM annual_plans p JOIN plan_measures m \
             ON m.unit_id = p.unit_id AND m.year = p.year \
             WHERE p.region_id = $1 AND m.channel = $2 AND m.quota IS NOT NULL",
        )
        .bind(region)
        .bind(channel),
    )
    .await
}
