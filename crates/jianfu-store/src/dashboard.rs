//! Figures of the home dashboard beside the spine's monthly counts: open warnings by rule.
use crate::db::{Conn, StoreError, Q};
use crate::rules::{warning_where, WarningFilter};

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
