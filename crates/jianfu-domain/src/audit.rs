//! The audit trail: every write appends who, when, what, which record and digests of the
//! record before and after, in a chain that [`verify`] walks.
//!
//! Each entry's hash covers its fields and the previous entry's hash. Since platform migration 8
//! it is an HMAC-SHA256 under a key kept outside the database ([`AuditKey`], carried by the
//! [`Db`] handle the process configured), so whoever can write to the database but lacks the key
//! cannot recompute the chain after an edit. Entries written before keep their plain SHA-256
//! hashes: they precede the head's `keyed_from`, a switch point the key seals when a chain with
//! entries is keyed. A [`Checkpoint`] — the head signed with the key and kept outside the
//! database — later proves that the chain still extends it: not truncated behind it and not
//! rewritten, even by someone who holds the key.
use hmac::{Hmac, Mac};
use jianfu_core::{Actor, AppError, AppResult, Page, Paged};
pub use jianfu_store::audit::AuditFilter;
use jianfu_store::audit::{self as store, AuditEntryRow};
use jianfu_store::{AuditKey, Db, Tx};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The platform migration that keys the chain (`0008_audit_keyed.sql`).
pub const KEYED_MIGRATION: i64 = 8;

/// The entries [`verify`] reads at a time.
const BATCH: i64 = 5000;

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
/// The entry is signed with the key of the handle the transaction was begun on; a handle
/// without a key cannot record.
pub async fn record(tx: &mut Tx, actor: &Actor, c: Change<'_>) -> AppResult<()> {
    let key = tx.audit_key().cloned().ok_or_else(|| {
        AppError::internal("the database handle has no audit key: the entry cannot be signed")
    })?;
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
    e.hash = keyed_entry_hash(&key, &e);
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

/// The hashed fields of an entry: every field but the hash itself, the previous hash first.
fn fields(e: &AuditEntryRow) -> [String; 12] {
    [
        e.prev_hash.clone(),
        e.seq.to_string(),
        e.at.clone(),
        e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
        e.actor_name.clone(),
        e.action.clone(),
        e.entity.clone(),
        e.entity_id.clone(),
        e.region_id.map(|i| i.to_string()).unwrap_or_default(),
        e.before_digest.clone().unwrap_or_default(),
        e.after_digest.clone().unwrap_or_default(),
        e.summary.clone(),
    ]
}

/// The plain SHA-256 hash of an entry, as entries written before the chain was keyed carry it.
pub fn entry_hash(e: &AuditEntryRow) -> String {
    let mut h = Sha256::new();
    for f in fields(e) {
        h.update(f.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// The keyed hash of an entry: HMAC-SHA256 of the same fields under the audit key.
pub fn keyed_entry_hash(key: &AuditKey, e: &AuditEntryRow) -> String {
    let fields = fields(e);
    let parts: Vec<&str> = fields.iter().map(String::as_str).collect();
    mac(key, "jianfu-audit-entry", &parts)
}

/// HMAC-SHA256 under the key of a purpose (so that a MAC made for one thing is never taken for
/// another) and parts, each after a unit separator; lowercase hex.
fn mac(key: &AuditKey, purpose: &str, parts: &[&str]) -> String {
    // HMAC takes a key of any length: this cannot fail.
    let mut m = <HmacSha256 as Mac>::new_from_slice(key.bytes())
        .expect("HMAC-SHA256 accepts keys of any length");
    m.update(purpose.as_bytes());
    for p in parts {
        m.update(&[0x1f]);
        m.update(p.as_bytes());
    }
    hex::encode(m.finalize().into_bytes())
}

/// Compares two hashes in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The key's seal over the switch point: the first keyed entry and the last plain hash.
fn seal_of(key: &AuditKey, keyed_from: i64, last_plain_hash: &str) -> String {
    mac(
        key,
        "jianfu-audit-keyed-from",
        &[&keyed_from.to_string(), last_plain_hash],
    )
}

/// A short public name of a key (not the key): a checkpoint carries it, so that one signed with
/// another key is told apart from one altered.
pub fn key_id(key: &AuditKey) -> String {
    mac(key, "jianfu-audit-key-id", &[])[..16].to_string()
}

fn genesis() -> String {
    "0".repeat(64)
}

fn missing_key() -> AppError {
    AppError::Validation {
        code: "audit_key_missing",
        message: "未配置审计密钥，无法签名或校验审计日志：请通过环境变量 JIANFU_AUDIT_KEY 或参数 --audit-key-file 指定".into(),
        field: None,
    }
}

/// Runs the migrations, the platform's and then the modules'. The run that keys a chain that
/// already has entries (platform migration 8) seals its switch point with the handle's key:
/// that is the one moment the switch point is trusted, and a later run that finds it unsealed
/// leaves it so (and [`verify`] reports it), since an unsealed switch point may have been moved.
pub async fn migrate(db: &Db) -> AppResult<usize> {
    let keyed_before = jianfu_store::migrate::applied(db, KEYED_MIGRATION).await?;
    let applied = jianfu_store::migrate::run(db).await?;
    if !keyed_before {
        seal_switch(db).await?;
    }
    Ok(applied)
}

async fn seal_switch(db: &Db) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let head = store::head(&mut tx).await?;
    let Some(from) = head.keyed_from else {
        return Ok(());
    };
    if from <= 1 || head.keyed_seal.is_some() || head.seq != from - 1 {
        return Ok(());
    }
    let key = tx.audit_key().cloned().ok_or_else(missing_key)?;
    store::seal(&mut tx, from, &seal_of(&key, from, &head.hash)).await?;
    tx.commit().await?;
    tracing::info!(
        "审计日志自第{from}条记录起以审计密钥签名（HMAC-SHA256）；此前的{}条记录保留原 SHA-256 哈希",
        from - 1
    );
    Ok(())
}

/// How many entries are signed with a key (none on a database not yet keyed or not migrated):
/// with some, a new key must not be made for the database.
pub async fn keyed_entries(db: &Db) -> AppResult<i64> {
    if !jianfu_store::migrate::applied(db, KEYED_MIGRATION).await? {
        return Ok(0);
    }
    let head = store::head(&mut db.reader()).await?;
    Ok((head.seq - head.keyed_from.unwrap_or(1) + 1).max(0))
}

/// Whether the handle's key is the one the chain was signed with, read from the seal and the
/// first and last keyed entries (not the whole chain: that is [`verify`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyCheck {
    /// Nothing is signed yet.
    NothingSigned,
    /// Every signature read holds.
    Holds,
    /// None holds: almost surely another key than the one the chain was signed with.
    Fails,
    /// Some hold, some do not: the chain has been altered (see [`verify`]).
    Mixed,
}

pub async fn check_key(db: &Db) -> AppResult<KeyCheck> {
    let key = db.audit_key().cloned().ok_or_else(missing_key)?;
    let mut conn = db.reader();
    let head = store::head(&mut conn).await?;
    let from = head.keyed_from.unwrap_or(1);
    let mut results = Vec::new();
    if from > 1 {
        if let (Some(seal), Some(last_plain)) =
            (&head.keyed_seal, store::entry(&mut conn, from - 1).await?)
        {
            results.push(same(seal, &seal_of(&key, from, &last_plain.hash)));
        }
    }
    if head.seq >= from {
        for seq in [from, head.seq] {
            if let Some(e) = store::entry(&mut conn, seq).await? {
                results.push(same(&e.hash, &keyed_entry_hash(&key, &e)));
            }
        }
    }
    Ok(if results.is_empty() {
        KeyCheck::NothingSigned
    } else if results.iter().all(|ok| *ok) {
        KeyCheck::Holds
    } else if results.iter().all(|ok| !ok) {
        KeyCheck::Fails
    } else {
        KeyCheck::Mixed
    })
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The entries that hold, from the first up to the first break (all of them when intact).
    pub entries: i64,
    pub broken: Option<Break>,
    /// The head as recorded when the walk began: the walk goes up to it.
    pub head_seq: i64,
    pub head_hash: String,
    /// The first entry signed with the key; those before carry plain SHA-256 hashes.
    pub keyed_from: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The sequence number of the first entry that does not hold.
    pub seq: i64,
    pub reason: String,
}

/// Walks the whole chain in order, in batches, up to the head as it was when the walk began
/// (writers may append meanwhile), and reports the first break: an entry missing, out of
/// place, altered (its hash or signature does not match it), a head that the last entry does
/// not match, or a switch point the key did not seal.
pub async fn verify(db: &Db) -> AppResult<Verification> {
    let key = db.audit_key().cloned().ok_or_else(missing_key)?;
    let mut conn = db.reader();
    let head = store::head(&mut conn).await?;
    let keyed_from = head.keyed_from.unwrap_or(0);
    let mut v = Verification {
        entries: 0,
        broken: None,
        head_seq: head.seq,
        head_hash: head.hash.clone(),
        keyed_from,
    };
    let broken = |mut v: Verification, seq: i64, reason: String| {
        v.broken = Some(Break { seq, reason });
        Ok(v)
    };
    if keyed_from < 1 || keyed_from > head.seq + 1 {
        return broken(
            v,
            1,
            format!("审计日志的签名起点（{keyed_from}）无效：链头记录被改动"),
        );
    }
    let mut prev_seq = 0;
    let mut prev_hash = genesis();
    let mut last_plain = genesis();
    loop {
        let batch = store::batch(&mut conn, prev_seq, head.seq, BATCH).await?;
        if batch.is_empty() {
            break;
        }
        for e in batch {
            if e.seq != prev_seq + 1 {
                let seq = prev_seq + 1;
                return broken(v, seq, format!("第{seq}条记录缺失（已被删除）"));
            }
            if e.prev_hash != prev_hash {
                let reason = format!(
                    "第{}条记录与前一条记录的链接不符（记录被删除、插入或调换了顺序）",
                    e.seq
                );
                return broken(v, e.seq, reason);
            }
            let keyed = e.seq >= keyed_from;
            let expected = if keyed {
                keyed_entry_hash(&key, &e)
            } else {
                entry_hash(&e)
            };
            if !same(&expected, &e.hash) {
                let reason = if keyed {
                    format!(
                        "第{}条记录的内容与其签名不符（记录被篡改；或其后的链经不持有审计密钥者重新计算；或所用审计密钥并非原密钥）",
                        e.seq
                    )
                } else {
                    format!("第{}条记录的内容与其哈希不符（记录被篡改）", e.seq)
                };
                return broken(v, e.seq, reason);
            }
            if e.seq == keyed_from - 1 {
                last_plain = e.hash.clone();
            }
            prev_seq = e.seq;
            prev_hash = e.hash;
            v.entries += 1;
        }
    }
    if head.seq != prev_seq || head.hash != prev_hash {
        let seq = prev_seq + 1;
        let reason = format!(
            "链尾不符：应有{}条记录，实有{prev_seq}条（末尾记录被删除或改动）",
            head.seq
        );
        return broken(v, seq, reason);
    }
    if keyed_from > 1 {
        let sealed = head
            .keyed_seal
            .as_deref()
            .is_some_and(|s| same(s, &seal_of(&key, keyed_from, &last_plain)));
        if !sealed {
            let reason = format!(
                "签名起点（第{keyed_from}条）未经审计密钥确认：启用签名前后的分界被改动，已签名的记录可能被改作未签名记录后重新计算"
            );
            return broken(v, keyed_from, reason);
        }
    }
    Ok(v)
}

/// What a checkpoint file says it is.
pub const CHECKPOINT_FORMAT: &str = "jianfu-audit-checkpoint/1";

/// The head of an intact chain at a moment, signed with the audit key, to be kept outside the
/// database (a file, the log). [`verify_checkpoint`] later proves the chain still extends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    /// The last entry's sequence number and hash.
    pub seq: i64,
    pub hash: String,
    /// How many entries the chain held.
    pub entries: i64,
    /// The first keyed entry then.
    pub keyed_from: i64,
    /// When it was signed (UTC, RFC 3339).
    pub at: String,
    /// The public name of the key it was signed with ([`key_id`]).
    pub key_id: String,
    /// HMAC-SHA256 over every field above.
    pub mac: String,
}

impl Checkpoint {
    fn signature(&self, key: &AuditKey) -> String {
        mac(
            key,
            "jianfu-audit-checkpoint",
            &[
                &self.format,
                &self.seq.to_string(),
                &self.hash,
                &self.entries.to_string(),
                &self.keyed_from.to_string(),
                &self.at,
                &self.key_id,
            ],
        )
    }

    /// One line of JSON: the file's content and the log's.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a checkpoint from a file's text: the JSON object, alone or within a log line.
    pub fn parse(text: &str) -> Result<Checkpoint, String> {
        let unreadable =
            || "检查点文件无法识别：应为 jianfu audit checkpoint 写出的内容".to_string();
        let (Some(start), Some(end)) = (text.find('{'), text.rfind('}')) else {
            return Err(unreadable());
        };
        if end < start {
            return Err(unreadable());
        }
        serde_json::from_str(&text[start..=end]).map_err(|_| unreadable())
    }
}

/// Signs the head an intact walk ended at.
pub fn sign_checkpoint(key: &AuditKey, v: &Verification) -> Checkpoint {
    let mut cp = Checkpoint {
        format: CHECKPOINT_FORMAT.into(),
        seq: v.head_seq,
        hash: v.head_hash.clone(),
        entries: v.entries,
        keyed_from: v.keyed_from,
        at: jianfu_core::time::now(),
        key_id: key_id(key),
        mac: String::new(),
    };
    cp.mac = cp.signature(key);
    cp
}

/// Verifies the chain and, when it is intact, signs its head and writes the checkpoint to the
/// log; a broken chain is not anchored (its break is returned instead).
pub async fn checkpoint(db: &Db) -> AppResult<Result<Checkpoint, Break>> {
    let key = db.audit_key().cloned().ok_or_else(missing_key)?;
    let v = verify(db).await?;
    if let Some(b) = v.broken {
        return Ok(Err(b));
    }
    let cp = sign_checkpoint(&key, &v);
    tracing::info!(target: "jianfu::audit", "审计日志检查点：{}", cp.to_line());
    Ok(Ok(cp))
}

/// The chain measured against a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointCheck {
    /// The walk of the chain (none when the checkpoint itself is refused).
    pub chain: Option<Verification>,
    /// Each way the chain fails to extend the checkpoint, in Chinese; none when it does.
    pub problems: Vec<String>,
}

/// Proves that the chain still extends the checkpoint: the checkpoint is signed with this key;
/// the chain reaches at least as far and holds at least as many entries (not truncated behind
/// it); its entry at the checkpoint's sequence number still has the checkpoint's hash and its
/// switch point is the same (not rewritten, even by someone holding the key); and the whole
/// chain up to the head holds.
pub async fn verify_checkpoint(db: &Db, cp: &Checkpoint) -> AppResult<CheckpointCheck> {
    let key = db.audit_key().cloned().ok_or_else(missing_key)?;
    let refused = |problem: String| {
        Ok(CheckpointCheck {
            chain: None,
            problems: vec![problem],
        })
    };
    if cp.format != CHECKPOINT_FORMAT {
        return refused(format!(
            "检查点文件格式不符（应为 {CHECKPOINT_FORMAT}，实为“{}”）",
            cp.format
        ));
    }
    if cp.key_id != key_id(&key) {
        return refused(
            "检查点文件不是用当前审计密钥签署的：文件系伪造，或当前配置的并非签署时的审计密钥"
                .into(),
        );
    }
    if !same(&cp.mac, &cp.signature(&key)) {
        return refused("检查点文件的签名不符：文件内容已被改动或系伪造，不能作为校验依据".into());
    }
    let v = verify(db).await?;
    let mut problems = Vec::new();
    let mut conn = db.reader();
    let count = conn
        .scalar(&jianfu_store::Q::new("SELECT COUNT(*) FROM audit_log"))
        .await?;
    if v.head_seq < cp.seq || count < cp.entries {
        problems.push(format!(
            "审计日志被截短：检查点签署时共有{}条记录（至第{}条），现链尾仅至第{}条、共{count}条，检查点之前的记录被删除",
            cp.entries, cp.seq, v.head_seq
        ));
    }
    match store::entry(&mut conn, cp.seq).await? {
        Some(e) if same(&e.hash, &cp.hash) => {}
        Some(_) => problems.push(format!(
            "第{}条记录的哈希与检查点不符：检查点之前的记录被改写（其后的链即使重新计算过，也不能掩盖）",
            cp.seq
        )),
        None if cp.seq > 0 => problems.push(format!(
            "检查点所记的第{}条记录已不存在（记录被删除）",
            cp.seq
        )),
        None => {}
    }
    if v.keyed_from != cp.keyed_from {
        problems.push(format!(
            "签名起点与检查点不符（检查点：自第{}条起签名；现：自第{}条起）：已签名的记录被改作未签名记录",
            cp.keyed_from, v.keyed_from
        ));
    }
    if let Some(b) = &v.broken {
        problems.push(format!(
            "哈希链校验失败：第{}条记录起不可信。{}",
            b.seq, b.reason
        ));
    }
    Ok(CheckpointCheck {
        chain: Some(v),
        problems,
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

    fn entry() -> AuditEntryRow {
        AuditEntryRow {
            seq: 3,
            at: "2026-12-02T08:00:00.000Z".into(),
            actor_id: Some(7),
            actor_name: "县专班 王建国（supervisor）".into(),
            action: "org_unit.create".into(),
            entity: "org_unit".into(),
            entity_id: "42".into(),
            region_id: Some(2),
            before_digest: None,
            after_digest: Some("ab".repeat(32)),
            summary: "新建部门“县林业局”".into(),
            prev_hash: "cd".repeat(32),
            hash: String::new(),
        }
    }

    fn key(text: &str) -> AuditKey {
        AuditKey::new(text.as_bytes())
    }

    #[test]
    fn a_keyed_hash_needs_the_key_and_covers_every_field() {
        let k = key("the-platforms-audit-key-0123456789abcdef");
        let e = entry();
        let h = keyed_entry_hash(&k, &e);
        assert_eq!(h.len(), 64);
        assert_ne!(h, entry_hash(&e), "not the plain hash");
        assert_ne!(
            h,
            keyed_entry_hash(&key("another-key-0123456789abcdef012345"), &e)
        );
        let mut changed = entry();
        changed.summary.push('。');
        assert_ne!(h, keyed_entry_hash(&k, &changed));
        let mut relinked = entry();
        relinked.prev_hash = "ef".repeat(32);
        assert_ne!(h, keyed_entry_hash(&k, &relinked));
    }

    #[test]
    fn a_checkpoint_is_signed_over_every_field() {
        let k = key("the-platforms-audit-key-0123456789abcdef");
        let v = Verification {
            entries: 120,
            broken: None,
            head_seq: 120,
            head_hash: "ab".repeat(32),
            keyed_from: 1,
        };
        let cp = sign_checkpoint(&k, &v);
        assert_eq!((cp.seq, cp.entries, cp.keyed_from), (120, 120, 1));
        assert!(same(&cp.mac, &cp.signature(&k)));
        assert_eq!(cp.key_id, key_id(&k));
        assert_ne!(
            cp.key_id,
            key_id(&key("another-key-0123456789abcdef012345"))
        );
        for alter in [
            |c: &mut Checkpoint| c.seq -= 1,
            |c: &mut Checkpoint| c.entries -= 1,
            |c: &mut Checkpoint| c.hash = "cd".repeat(32),
            |c: &mut Checkpoint| c.keyed_from = 100,
            |c: &mut Checkpoint| c.at = "2027-01-01T00:00:00.000Z".into(),
        ] {
            let mut forged = cp.clone();
            alter(&mut forged);
            assert!(!same(&forged.mac, &forged.signature(&k)), "{forged:?}");
        }
        // Read back from its line, alone or within a log line.
        assert_eq!(Checkpoint::parse(&cp.to_line()), Ok(cp.clone()));
        let logged = format!(
            "2026-12-02 INFO jianfu::audit: 审计日志检查点：{}\n",
            cp.to_line()
        );
        assert_eq!(Checkpoint::parse(&logged), Ok(cp));
        assert!(Checkpoint::parse("not a checkpoint").is_err());
        assert!(Checkpoint::parse("{\"seq\": 1}").is_err());
    }

    #[test]
    fn the_seal_binds_the_switch_point_and_the_last_plain_hash() {
        let k = key("the-platforms-audit-key-0123456789abcdef");
        let seal = seal_of(&k, 301, &"ab".repeat(32));
        assert_ne!(seal, seal_of(&k, 302, &"ab".repeat(32)));
        assert_ne!(seal, seal_of(&k, 301, &"cd".repeat(32)));
        assert!(same(&seal, &seal_of(&k, 301, &"ab".repeat(32))));
        assert!(!same(&seal, &seal[..63]));
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
