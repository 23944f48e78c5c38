//! The audit trail: every write appends who, when, what, which record and digests of the
//! record before and after, in a hash chain that [`verify`] walks.
use jianfu_core::{Actor, AppError, AppResult, Page, Paged};
pub use jianfu_store::audit::AuditFilter;
use jianfu_store::audit::{self as store, AuditEntryRow};
use jianfu_store::{Db, Tx};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One write to record.
pub struct Change<'a> {
    /// Stable action name, e.g. `org_unit.create`.
    pub action: &'a str,
    /// Table-like entity name, e.g. `org_unit`.
    pub entity: &'a str,
    pub entity_id: String,
    pub region_id: Option<i64>,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
    /// A Chinese sentence for people reading the trail.
    pub summary: String,
}

/// A record as the trail digests it ([`Change::before`], [`Change::after`]). A record that does
/// not serialise fails the write: the trail never stores `null` in place of the record.
pub fn json<T: Serialize + ?Sized>(record: &T) -> AppResult<Value> {
    serde_json::to_value(record)
        .map_err(|e| AppError::internal(format!("audit record does not serialise: {e}")))
}

/// Appends an entry inside the caller's transaction, so the write and its record commit together.
pub async fn record(tx: &mut Tx, actor: &Actor, c: Change<'_>) -> AppResult<()> {
    let (seq, prev_hash) = store::claim_next(tx).await?;
    let mut e = AuditEntryRow {
        seq,
        at: jianfu_core::time::now(),
        actor_id: (!actor.is_system()).then_some(actor.user_id),
        actor_name: if actor.is_system() {
            "系统".into()
        } else {
            format!("{}（{}）", actor.display_name, actor.username)
        },
        action: c.action.into(),
        entity: c.entity.into(),
        entity_id: c.entity_id,
        region_id: c.region_id,
        before_digest: c.before.map(digest),
        after_digest: c.after.map(digest),
        summary: c.summary,
        prev_hash,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    store::append(tx, &e).await?;
    Ok(())
}

/// SHA-256 of a record's canonical JSON (keys sorted at every depth).
pub fn digest(v: &Value) -> String {
    let mut s = String::new();
    canonical(v, &mut s);
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The hash of an entry: every field but the hash itself, with the previous hash first.
pub fn entry_hash(e: &AuditEntryRow) -> String {
    let mut h = Sha256::new();
    let fields: [&str; 12] = [
        &e.prev_hash,
        &e.seq.to_string(),
        &e.at,
        &e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
        &e.actor_name,
        &e.action,
        &e.entity,
        &e.entity_id,
        &e.region_id.map(|i| i.to_string()).unwrap_or_default(),
        e.before_digest.as_deref().unwrap_or(""),
        e.after_digest.as_deref().unwrap_or(""),
        &e.summary,
    ];
    for f in fields {
        h.update(f.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: i64,
    pub broken: Option<Break>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The sequence number of the first entry that does not hold.
    pub seq: i64,
    pub reason: String,
}

/// Walks the whole chain in order, in batches, and reports the first break.
pub async fn verify(db: &Db) -> AppResult<Verification> {
    let mut conn = db.reader();
    let (head_seq, head_hash) = store::head(&mut conn).await?;
    let mut prev_seq = 0;
    let mut prev_hash = "0".repeat(64);
    let mut count = 0;
    loop {
        let batch = store::batch(&mut conn, prev_seq, 5000).await?;
        if batch.is_empty() {
            break;
        }
        for e in batch {
            let broken = |reason: String| {
                Ok(Verification {
                    entries: count,
                    broken: Some(Break { seq: e.seq, reason }),
                })
            };
            if e.seq != prev_seq + 1 {
                return Ok(Verification {
                    entries: count,
                    broken: Some(Break {
                        seq: prev_seq + 1,
                        reason: format!("第{}条记录缺失（已被删除）", prev_seq + 1),
                    }),
                });
            }
            if e.prev_hash != prev_hash {
                return broken(format!(
                    "第{}条记录与前一条记录的链接不符（记录被删除、插入或调换了顺序）",
                    e.seq
                ));
            }
            if entry_hash(&e) != e.hash {
                return broken(format!("第{}条记录的内容与其哈希不符（记录被篡改）", e.seq));
            }
            prev_seq = e.seq;
            prev_hash = e.hash;
            count += 1;
        }
    }
    if head_seq != prev_seq || head_hash != prev_hash {
        let seq = prev_seq + 1;
        return Ok(Verification {
            entries: count,
            broken: Some(Break {
                seq,
                reason: format!(
                    "链尾不符：应有{head_seq}条记录，实有{prev_seq}条（末尾记录被删除或改动）"
                ),
            }),
        });
    }
    Ok(Verification {
        entries: count,
        broken: None,
    })
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: AuditFilter,
    page: Page,
) -> AppResult<Paged<AuditEntry>> {
    crate::policy::ensure(actor, crate::policy::Action::ViewAudit)?;
    let filter = AuditFilter {
        scope_root: crate::policy::scope_filter(actor),
        ..filter
    };
    let (items, total) =
        store::list(&mut db.reader(), &filter, page.limit(), page.offset()).await?;
    Ok(Paged::new(
        items.into_iter().map(AuditEntry::from).collect(),
        total,
        page,
    ))
}

/// One entry of the audit trail as the API and the audit page show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
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

impl From<AuditEntryRow> for AuditEntry {
    fn from(r: AuditEntryRow) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            region_id: r.region_id,
            before_digest: r.before_digest,
            after_digest: r.after_digest,
            summary: r.summary,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_that_does_not_serialise_is_an_error_not_null() {
        assert_eq!(
            json(&std::collections::BTreeMap::from([("id", 7)])).ok(),
            Some(json!({"id": 7}))
        );
        // JSON object keys must be strings: a map keyed by pairs cannot be written.
        let unwritable = std::collections::BTreeMap::from([((1, 2), "x")]);
        let err = json(&unwritable).expect_err("no JSON for a map keyed by pairs");
        assert_eq!(err.status(), 500);
    }

    #[test]
    fn digest_ignores_key_order() {
        assert_eq!(
            digest(&json!({"a": 1, "b": [1, {"d": 2, "c": 3}]})),
            digest(&json!({"b": [1, {"c": 3, "d": 2}], "a": 1}))
        );
        assert_ne!(digest(&json!({"a": 1})), digest(&json!({"a": 2})));
    }
}
