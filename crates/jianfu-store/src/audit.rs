//! SQL of the audit trail. The chain logic (hashing, verification) lives in the domain.
use crate::db::{Conn, StoreError, Tx, Q};

/// One entry of the chain as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditEntryRow {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub region_id: Option<i64>,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub summary: String,
    pub prev_hash: String,
    pub hash: String,
}

/// An audit entry recorded in a transaction, stored at its commit ([`Tx::defer_audit`]): its
/// `seq`, `prev_hash` and `hash` are filled then, by `sign` (the domain's keyed hash).
pub struct PendingEntry {
    pub entry: AuditEntryRow,
    pub records: AuditRecords,
    pub sign: fn(&crate::db::AuditKey, &AuditEntryRow) -> String,
}

/// Chains and stores the pending entries of a transaction, in order: the next numbers, each
/// the hash of the one before, each its own keyed hash. The head moves once for all of them.
pub(crate) async fn chain(tx: &mut Tx, pending: Vec<PendingEntry>) -> Result<(), StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    let key = tx
        .audit_key()
        .cloned()
        .ok_or_else(|| StoreError::Audit("the database handle has no audit key".into()))?;
    let (last, mut prev_hash) = claim(tx, pending.len() as i64).await?;
    let mut seq = last - pending.len() as i64;
    let at = jianfu_core::time::now();
    let mut entries = Vec::with_capacity(pending.len());
    for p in pending {
        let PendingEntry {
            mut entry,
            records,
            sign,
        } = p;
        seq += 1;
        entry.seq = seq;
        entry.prev_hash = prev_hash;
        entry.at = at.clone();
        entry.hash = sign(&key, &entry);
        prev_hash = entry.hash.clone();
        entries.push((entry, records));
    }
    append(tx, &entries).await
}

const COLS: &str = "seq, at, actor_id, actor_name, action, entity, entity_id, region_id, before_digest, after_digest, summary, prev_hash, hash";

/// Takes the next `n` sequence numbers: returns the last of them and the head's hash before.
/// The UPDATE holds the head row's lock until commit, so concurrent writers (even in other
/// processes) append one after another.
async fn claim(tx: &mut Tx, n: i64) -> Result<(i64, String), StoreError> {
    tx.fetch_one(
        &Q::new("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash").bind(n),
    )
    .await
}

/// The records an entry digests, as JSON text: before and after the write.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct AuditRecords {
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// An entry with the records it digests, as the audit page reads it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditListRow {
    #[sqlx(flatten)]
    pub entry: AuditEntryRow,
    #[sqlx(flatten)]
    pub records: AuditRecords,
}

/// Rows per INSERT of [`append`] (15 arguments each, well inside both backends' limits).
const APPEND_ROWS: usize = 64;

/// Appends chained entries and moves the chain's head to the last. On PostgreSQL the last
/// chunk's insert and the head's move are one statement (the head row stays locked until
/// commit, and every other write waits that long for it).
async fn append(tx: &mut Tx, entries: &[(AuditEntryRow, AuditRecords)]) -> Result<(), StoreError> {
    let postgres = tx.backend() == crate::Backend::Postgres;
    let head = entries
        .last()
        .map(|(e, _)| e.hash.as_str())
        .unwrap_or_default();
    let chunks = entries.len().div_ceil(APPEND_ROWS);
    for (n, chunk) in entries.chunks(APPEND_ROWS).enumerate() {
        let mut q = Q::new(format!(
            "INSERT INTO audit_log ({COLS}, before_json, after_json) VALUES "
        ));
        for (i, (e, records)) in chunk.iter().enumerate() {
            let args = [
                q.arg(e.seq),
                q.arg(e.at.as_str()),
                q.arg(e.actor_id),
                q.arg(e.actor_name.as_str()),
                q.arg(e.action.as_str()),
                q.arg(e.entity.as_str()),
                q.arg(e.entity_id.as_str()),
                q.arg(e.region_id),
                q.arg(e.before_digest.clone()),
                q.arg(e.after_digest.clone()),
                q.arg(e.summary.as_str()),
                q.arg(e.prev_hash.as_str()),
                q.arg(e.hash.as_str()),
                q.arg(records.before_json.clone()),
                q.arg(records.after_json.clone()),
            ];
            q.push(&format!(
                "{}({})",
                if i > 0 { ", " } else { "" },
                args.join(", ")
            ));
        }
        let last = n + 1 == chunks;
        if postgres && last {
            let p = q.arg(head);
            q.sql = format!(
                "WITH appended AS ({}) UPDATE audit_head SET hash = {p} WHERE id = 1",
                q.sql
            );
        }
        tx.execute(&q).await?;
    }
    if !postgres {
        tx.execute(&Q::new("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(head))
            .await?;
    }
    Ok(())
}

/// The head of the chain: the last sequence number and hash, and where keyed hashes begin.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditHeadRow {
    pub seq: i64,
    pub hash: String,
    /// The first entry hashed with the key (HMAC); those before it carry plain SHA-256 hashes.
    pub keyed_from: Option<i64>,
    /// The key's seal over the switch point, when the chain had entries before it was keyed.
    pub keyed_seal: Option<String>,
}

pub async fn head(conn: &mut Conn) -> Result<AuditHeadRow, StoreError> {
    conn.fetch_one(&Q::new(
        "SELECT seq, hash, keyed_from, keyed_seal FROM audit_head WHERE id = 1",
    ))
    .await
}

/// Seals the switch point once (an already sealed head is left as it is); true when it did.
pub async fn seal(tx: &mut Tx, keyed_from: i64, seal: &str) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            &Q::new(
                "UPDATE audit_head SET keyed_seal = $1 WHERE id = 1 AND keyed_from = $2 AND keyed_seal IS NULL",
            )
            .bind(seal)
            .bind(keyed_from),
        )
        .await?;
    Ok(n == 1)
}

/// Entries after `after_seq` up to `until_seq` in order, for verification in batches.
pub async fn batch(
    conn: &mut Conn,
    after_seq: i64,
    until_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEntryRow>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "SELECT {COLS} FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3"
        ))
        .bind(after_seq)
        .bind(until_seq)
        .bind(limit),
    )
    .await
}

/// The stored records of the entries after `after_seq` up to `until_seq`, in order, with their
/// sequence numbers (entries without records left out), for verification beside [`batch`].
pub async fn records_batch(
    conn: &mut Conn,
    after_seq: i64,
    until_seq: i64,
    limit: i64,
) -> Result<Vec<(i64, Option<String>, Option<String>)>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT seq, before_json, after_json FROM audit_log WHERE seq > $1 AND seq <= $2 \
             AND (before_json IS NOT NULL OR after_json IS NOT NULL) ORDER BY seq LIMIT $3",
        )
        .bind(after_seq)
        .bind(until_seq)
        .bind(limit),
    )
    .await
}

/// One entry by its sequence number.
pub async fn entry(conn: &mut Conn, seq: i64) -> Result<Option<AuditEntryRow>, StoreError> {
    conn.fetch_optional(&Q::new(format!("SELECT {COLS} FROM audit_log WHERE seq = $1")).bind(seq))
        .await
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries of regions in this subtree (by the entries' region key): a county's viewer
    /// sees its county's entries, not its city's; entries of no region only the top of the tree.
    pub scope_root: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Entries written by this account.
    pub actor_id: Option<i64>,
    /// Entries whose person's name (姓名（用户名）) contains this.
    pub actor: Option<String>,
    /// Entries whose summary contains this (a record's title or name).
    pub text: Option<String>,
    /// Entries at or after this instant (a stored timestamp, inclusive).
    pub from: Option<String>,
    /// Entries before this instant (a stored timestamp, exclusive).
    pub until: Option<String>,
}

fn where_clause(q: &mut Q, f: &AuditFilter) {
    q.push(" FROM audit_log a WHERE 1 = 1");
    if let Some(root) = f.scope_root {
        let p = q.arg(root);
        q.push(&format!(
            " AND (EXISTS (SELECT 1 FROM org_closure s WHERE s.ancestor_id = {p} AND s.descendant_id = a.region_id) \
             OR (a.region_id IS NULL AND EXISTS (SELECT 1 FROM org_units r WHERE r.id = {p} AND r.parent_id IS NULL)))"
        ));
    }
    if let Some(e) = &f.entity {
        let p = q.arg(e.as_str());
        q.push(&format!(" AND a.entity = {p}"));
    }
    if let Some(e) = &f.entity_id {
        let p = q.arg(e.as_str());
        q.push(&format!(" AND a.entity_id = {p}"));
    }
    if let Some(id) = f.actor_id {
        let p = q.arg(id);
        q.push(&format!(" AND a.actor_id = {p}"));
    }
    if let Some(name) = &f.actor {
        let p = q.arg(crate::org::like_pattern(name));
        q.push(&format!(" AND a.actor_name LIKE {p} ESCAPE '\\'"));
    }
    if let Some(text) = &f.text {
        let p = q.arg(crate::org::like_pattern(text));
        q.push(&format!(" AND a.summary LIKE {p} ESCAPE '\\'"));
    }
    if let Some(from) = &f.from {
        let p = q.arg(from.as_str());
        q.push(&format!(" AND a.at >= {p}"));
    }
    if let Some(until) = &f.until {
        let p = q.arg(until.as_str());
        q.push(&format!(" AND a.at < {p}"));
    }
}

pub async fn list(
    conn: &mut Conn,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditListRow>, i64), StoreError> {
    let cols = format!("{COLS}, before_json, after_json");
    conn.page(&cols, |q| where_clause(q, f), "a.seq DESC", limit, offset)
        .await
}
