//! Figures of the home dashboard: monthly counts and open warnings by rule, each one grouped
//! query over an indexed range.
use crate::db::{Conn, StoreError, Q};
use crate::rules::{warning_where, WarningFilter};

/// Items per month (`YYYY-MM`) issued by units of the subtree under `root`, between two dates.
pub async fn monthly_counts(
    conn: &mut Conn,
    channel: Channel,
    root: Option<i64>,
    from: &str,
    to: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    let (table, unit, date) = match channel {
        Channel::Documents => ("documents", "issuer_id", "issued_on"),
        Channel::Meetings => ("meetings", "organizer_id", "held_on"),
    };
    let mut q = Q::new(format!(
        "SELECT SUBSTR(x.{date}, 1, 7) AS month, COUNT(*) AS n FROM {table} x WHERE x.{date} >= $1 AND x.{date} <= $2"
    ))
    .bind(from)
    .bind(to);
    if let Some(root) = root {
        let p = q.arg(root);
        q.push(&format!(
            " AND EXISTS (SELECT 1 FROM org_closure s WHERE s.ancestor_id = {p} AND s.descendant_id = x.{unit})"
        ));
    }
    q.push(
        " GROUP BY SUBSTR(x.{date}, 1, 7) ORDER BY month"
            .replace("{date}", date)
            .as_str(),
    );
    conn.fetch_all(&q).await
}

#[derive(Debug, Clone, Copy)]
pub enum Channel {
    Documents,
    Meetings,
}

/// Warnings matching the filter, counted per rule, most first.
pub async fn warnings_by_rule(
    conn: &mut Conn,
    f: &WarningFilter,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut q = Q::new("SELECT w.rule_id, COUNT(*) AS n");
    warning_where(&mut q, f);
    q.push(" GROUP BY w.rule_id ORDER BY n DESC, w.rule_id");
    conn.fetch_all(&q).await
}
