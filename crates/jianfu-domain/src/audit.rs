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
use jianfu_store::audit::{self as store, AuditEntryRow, AuditListRow, AuditRecords};
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
/// without a key cannot record. It takes its place in the chain when the transaction commits
/// ([`Tx::defer_audit`]), so the chain's head is locked only for the commit.
pub async fn record(tx: &mut Tx, actor: &Actor, c: Change<'_>) -> AppResult<()> {
    if tx.audit_key().is_none() {
        return Err(AppError::internal(
            "the database handle has no audit key: the entry cannot be signed",
        ));
    }
    let entry = AuditEntryRow {
        seq: 0,
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
        prev_hash: String::new(),
        hash: String::new(),
    };
    // The records themselves beside their digests: the page says what changed in words, and
    // `verify` checks them against the digests the hash signs.
    let records = AuditRecords {
        before_json: c.before.map(Value::to_string),
        after_json: c.after.map(Value::to_string),
    };
    tx.defer_audit(store::PendingEntry {
        entry,
        records,
        sign: keyed_entry_hash,
    });
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
        let last_seq = batch.last().map_or(prev_seq, |e| e.seq);
        let mut records = store::records_batch(&mut conn, prev_seq, last_seq, BATCH)
            .await?
            .into_iter()
            .peekable();
        for e in batch {
            let stored = match records.peek() {
                Some((seq, _, _)) if *seq == e.seq => records.next(),
                _ => None,
            };
            if let Some((_, before, after)) = stored {
                if !record_matches(before.as_deref(), e.before_digest.as_deref())
                    || !record_matches(after.as_deref(), e.after_digest.as_deref())
                {
                    let reason = format!(
                        "第{}条记录所存的变更内容与其摘要不符（变更前后的内容被篡改）",
                        e.seq
                    );
                    return broken(v, e.seq, reason);
                }
            }
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

/// Whether a stored record (JSON text) is the one the entry digests. No stored record matches
/// any digest (entries written before records were kept); a stored record must match.
fn record_matches(stored: Option<&str>, digested: Option<&str>) -> bool {
    match (stored, digested) {
        (None, _) => true,
        (Some(text), Some(d)) => serde_json::from_str::<Value>(text)
            .map(|v| same(&digest(&v), d))
            .unwrap_or(false),
        (Some(_), None) => false,
    }
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
    let mut conn = db.reader();
    let (items, total) = store::list(&mut conn, &filter, page.limit(), page.offset()).await?;
    let names = Names::of(&mut conn, &items).await?;
    Ok(Paged::new(
        items.into_iter().map(|r| names.entry(r)).collect(),
        total,
        page,
    ))
}

/// The names of the units and accounts the entries' records point to (`parent_id`,
/// `issuer_id`, `user_id`, …), so that a change reads 上级单位：示例县, not a key.
#[derive(Debug, Default)]
pub struct Names {
    units: std::collections::HashMap<i64, String>,
    users: std::collections::HashMap<i64, String>,
}

/// Fields that point to a unit, and those that point to an account.
const UNIT_KEYS: &[&str] = &["parent_id", "unit_id", "issuer_id", "organizer_id"];
const USER_KEYS: &[&str] = &["user_id"];

impl Names {
    async fn of(conn: &mut jianfu_store::Conn, rows: &[AuditListRow]) -> AppResult<Names> {
        let mut names = Names::default();
        for r in rows {
            for text in [&r.records.before_json, &r.records.after_json]
                .into_iter()
                .flatten()
            {
                let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text) else {
                    continue;
                };
                for (k, v) in &m {
                    let Some(id) = v.as_i64() else { continue };
                    if UNIT_KEYS.contains(&k.as_str()) && !names.units.contains_key(&id) {
                        if let Some(u) = jianfu_store::org::get(conn, id).await? {
                            names.units.insert(id, u.name);
                        }
                    } else if USER_KEYS.contains(&k.as_str()) && !names.users.contains_key(&id) {
                        if let Some(u) = jianfu_store::users::get(conn, id).await? {
                            names
                                .users
                                .insert(id, format!("{}（{}）", u.display_name, u.username));
                        }
                    }
                }
            }
        }
        Ok(names)
    }

    /// A value that points to a unit or an account, by its name.
    fn name(&self, field: &str, v: &Value) -> Option<String> {
        let id = v.as_i64()?;
        if UNIT_KEYS.contains(&field) {
            self.units.get(&id).cloned()
        } else if USER_KEYS.contains(&field) {
            self.users.get(&id).cloned()
        } else {
            None
        }
    }

    fn entry(&self, row: AuditListRow) -> AuditEntry {
        AuditEntry::from_row(row, self)
    }
}

/// What the audit page and API filter by: a person (by account or by name), a record (by
/// kind and key, or by its name in the summary), and Beijing dates (both inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSearch {
    pub actor_id: Option<i64>,
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub q: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

impl AuditSearch {
    /// The store's filter: Beijing dates as the UTC instants that bound them.
    pub fn filter(&self) -> AppResult<AuditFilter> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                return Err(AppError::invalid("to", "不能早于开始日期"));
            }
        }
        let start = |d: chrono::NaiveDate| {
            let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
            let at = local - chrono::Duration::hours(8);
            jianfu_core::time::format_ts(chrono::DateTime::from_naive_utc_and_offset(
                at,
                chrono::Utc,
            ))
        };
        let trim = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(AuditFilter {
            scope_root: None,
            entity: trim(&self.entity),
            entity_id: trim(&self.entity_id),
            actor_id: self.actor_id,
            actor: trim(&self.actor),
            text: trim(&self.q),
            from: self.from.map(start),
            until: self.to.and_then(|d| d.succ_opt()).map(start),
        })
    }
}

/// The kinds of record the trail holds, for the page's filter: (entity, label).
pub fn entity_kinds() -> Vec<(String, &'static str)> {
    let mut kinds: Vec<(String, &'static str)> = crate::burden::channels()
        .iter()
        .map(|c| (c.entity.to_string(), c.noun))
        .collect();
    for e in [
        "org_unit",
        "user",
        "annual_plan",
        "rule_setting",
        "warning",
        "api_token",
        "session",
    ] {
        kinds.push((e.to_string(), entity_label(e)));
    }
    kinds
}

/// The most entries one export holds.
pub const EXPORT_LIMIT: i64 = 20_000;

/// The entries matching the filter for an export, newest first (at most [`EXPORT_LIMIT`]),
/// and how many matched.
pub async fn export(
    db: &Db,
    actor: &Actor,
    filter: AuditFilter,
) -> AppResult<(Vec<AuditEntry>, i64)> {
    crate::policy::ensure(actor, crate::policy::Action::ViewAudit)?;
    let filter = AuditFilter {
        scope_root: crate::policy::scope_filter(actor),
        ..filter
    };
    let mut conn = db.reader();
    let (items, total) = store::list(&mut conn, &filter, EXPORT_LIMIT, 0).await?;
    let names = Names::of(&mut conn, &items).await?;
    Ok((items.into_iter().map(|r| names.entry(r)).collect(), total))
}

/// The integrity check as the audit page runs it (纪检, 管理员): the walk of [`verify`], told
/// in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IntegrityReport {
    /// Whether the whole chain holds.
    pub intact: bool,
    /// 完整 or 发现问题.
    pub verdict: String,
    /// One sentence: what was checked, or where and how it breaks.
    pub detail: String,
    /// The entries checked (up to the first break).
    pub entries: i64,
    /// The first entry that does not hold.
    pub broken_seq: Option<i64>,
    pub checked_at: String,
}

pub async fn check_integrity(db: &Db, actor: &Actor) -> AppResult<IntegrityReport> {
    crate::policy::ensure(actor, crate::policy::Action::ViewAudit)?;
    let v = verify(db).await?;
    let checked_at = jianfu_core::time::display_ts(&jianfu_core::time::now());
    Ok(match v.broken {
        None => IntegrityReport {
            intact: true,
            verdict: "完整".into(),
            detail: format!(
                "共{}条记录，哈希链、签名及所存的变更内容均相符，未发现删除、插入、调换或篡改",
                v.entries
            ),
            entries: v.entries,
            broken_seq: None,
            checked_at,
        },
        Some(b) => IntegrityReport {
            intact: false,
            verdict: "发现问题".into(),
            detail: format!(
                "前{}条记录相符；自第{}条起不可信：{}",
                v.entries, b.seq, b.reason
            ),
            entries: v.entries,
            broken_seq: Some(b.seq),
            checked_at,
        },
    })
}

/// One entry of the audit trail as the API and the audit page show it: beside the chain's
/// fields, what it did and to which record, and which fields changed, in words.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    /// The action in words: 新建, 修改, 登录, …
    pub action_label: String,
    pub entity: String,
    /// The kind of record in words: 文件, 会议, 单位, 用户, …
    pub entity_label: String,
    pub entity_id: String,
    /// The record's name or title, as the entry recorded it.
    pub record_name: Option<String>,
    /// The record's page, when it has one.
    pub record_href: Option<String>,
    pub region_id: Option<i64>,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub summary: String,
    /// The fields the write set or changed, labelled and valued in Chinese (none for entries
    /// written before records were kept).
    pub changes: Vec<FieldChange>,
    pub prev_hash: String,
    pub hash: String,
}

/// One field a write set or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    /// The field's Chinese label: 名称, 成文日期, …
    pub field: String,
    /// Its value before, in words (none: it was set by the write).
    pub before: Option<String>,
    /// Its value after, in words (none: the record was removed).
    pub after: Option<String>,
}

impl AuditEntry {
    fn from_row(row: AuditListRow, names: &Names) -> AuditEntry {
        let r = row.entry;
        let parse = |t: &Option<String>| {
            t.as_deref()
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
        };
        let (before, after) = (
            parse(&row.records.before_json),
            parse(&row.records.after_json),
        );
        let record_name = record_name(before.as_ref(), after.as_ref(), &r.summary);
        AuditEntry {
            action_label: action_label(&r.action).into(),
            entity_label: entity_label(&r.entity).into(),
            record_href: record_href(&r.entity, &r.entity_id, after.as_ref().or(before.as_ref())),
            changes: changes(
                &r.entity,
                &r.entity_id,
                before.as_ref(),
                after.as_ref(),
                names,
            ),
            record_name,
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
            summary: words_in_summary(&r.summary),
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// The kind of record an entry changed, in words.
pub fn entity_label(entity: &str) -> &'static str {
    match entity {
        "annual_plan" => "年度计划",
        "org_unit" => "单位",
        "user" => "用户",
        "session" => "登录",
        "api_token" => "接口令牌",
        "rule_setting" => "规则设置",
        "warning" => "预警",
        "attachment" => "附件",
        "inspection_objection" => "异议",
        "approval" => "审批",
        _ => crate::burden::channels()
            .iter()
            .find(|c| c.entity == entity)
            .map_or("其他记录", |c| c.noun),
    }
}

/// What an entry did, in words, from its action's verb (`document.update` → 修改).
pub fn action_label(action: &str) -> &'static str {
    let verb = action.rsplit('.').next().unwrap_or(action);
    match (action, verb) {
        (_, "sign_in") | (_, "login") => "登录",
        (_, "sign_in_failed") | (_, "login_failed") | (_, "failed") => "登录失败",
        (_, "sign_out") | (_, "logout") => "退出登录",
        (_, "create") | (_, "issue") | (_, "add") | (_, "upload") => "新建",
        (_, "update") | (_, "edit") | (_, "set") | (_, "save") => "修改",
        (_, "delete") | (_, "remove") => "删除",
        (_, "revoke") => "撤销",
        (_, "withdraw") => "作废",
        (_, "approve") => "批准",
        ("approval.apply", _) => "申请",
        ("approval.decide", _) => "审批",
        (_, "reject") => "驳回",
        (_, "justify") | (_, "justified") => "说明理由",
        (_, "acknowledge") | (_, "acknowledged") => "确认",
        (_, "close") | (_, "closed") => "办结",
        (_, "return") | (_, "returned") => "退回",
        (_, "reset_password") => "重置密码",
        _ => "变更",
    }
}

/// The record's name: its title or name as written, else the first name the summary quotes
/// (《…》 or “…”).
fn record_name(before: Option<&Value>, after: Option<&Value>, summary: &str) -> Option<String> {
    for v in [after, before].into_iter().flatten() {
        for key in ["title", "name", "display_name", "subject"] {
            if let Some(t) = v.get(key).and_then(Value::as_str) {
                if !t.trim().is_empty() {
                    return Some(t.to_string());
                }
            }
        }
    }
    for (open, close) in [('《', '》'), ('“', '”')] {
        if let Some(start) = summary.find(open) {
            let rest = &summary[start + open.len_utf8()..];
            if let Some(end) = rest.find(close) {
                if end > 0 {
                    return Some(rest[..end].to_string());
                }
            }
        }
    }
    None
}

/// The page of the record an entry changed.
fn record_href(entity: &str, id: &str, record: Option<&Value>) -> Option<String> {
    let num = id.parse::<i64>().ok();
    match entity {
        "org_unit" => num.map(|n| format!("/org/{n}")),
        "user" => num.map(|n| format!("/users/{n}")),
        "warning" => num.map(|n| format!("/warnings/{n}")),
        "approval" => num.map(|n| format!("/approvals/{n}")),
        "api_token" => Some("/tokens".into()),
        "rule_setting" => id.split_once(':').map(|(_, rule)| format!("/rules#{rule}")),
        "annual_plan" => record
            .and_then(|r| r.get("year"))
            .and_then(Value::as_i64)
            .map(|y| format!("/plans?year={y}")),
        "attachment" => record
            .and_then(|r| r.get("document_id"))
            .and_then(Value::as_i64)
            .map(|d| format!("/documents/{d}")),
        _ => crate::burden::channels()
            .iter()
            .find(|c| c.entity == entity)
            .and_then(|c| num.map(|n| c.href(n))),
    }
}

/// Fields never shown as changes: keys and figures the platform keeps for itself.
const HIDDEN: &[&str] = &[
    "id",
    "region_id",
    "created_at",
    "updated_at",
    "token_hash",
    "password_hash",
    "hash",
    "csrf",
];

/// The Chinese label of a record's field: the platform's and the modules' labels (the
/// manifests' `labels`), then the audit trail's own for fields no form has.
pub fn field_label(field: &str) -> Option<&'static str> {
    jianfu_core::labels::known_label(field).or_else(|| static_label(field))
}

/// The labels of stored records' fields that no form or API input names.
fn static_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "issuer_name" => "发文机关",
        "organizer_name" => "主办单位",
        "issuer_id" => "发文机关",
        "issued_on" => "成文日期",
        "held_on" => "会议日期",
        "char_count" => "字数",
        "reach" => "覆盖乡镇、村数",
        "in_plan" => "列入年度计划",
        "approved" => "已批准",
        "head_signed" => "主要负责同志签批",
        "single_task" => "一事一文",
        "forwards_upper" => "转发上级文件",
        "to_schools_hospitals" => "发往学校、医院",
        "heads_required" => "要求主要负责同志参会",
        "heads_approved" => "主要负责同志参会已批准",
        "reach_approved" => "开到层级已批准",
        "enabled" => "启用",
        "params" => "参数",
        "note" => "意见",
        "expires_at" => "有效期至",
        "revoked_at" => "撤销时间",
        "user_id" => "账号",
        "address" => "来源地址",
        "size" => "文件大小（字节）",
        "content_type" => "文件类型",
        "withdrawn" => "已作废",
        "withdraw_reason" => "作废理由",
        "reason" => "理由",
        _ => return None,
    })
}

/// A field's value in words: 是/否, levels, roles and statuses by their Chinese names, the
/// modules' enumerations through their hooks, timestamps in Beijing time.
pub fn value_words(field: &str, v: &Value) -> String {
    match v {
        Value::Null => "（空）".into(),
        Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_words(field, s),
        Value::Array(items) if items.is_empty() => "（无）".into(),
        Value::Array(items) => items
            .iter()
            .map(|x| value_words(field, x))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| !HIDDEN.contains(&k.as_str()))
            .map(|(k, x)| {
                let label = field_label(k).map_or_else(|| "其他".to_string(), str::to_string);
                format!("{label}：{}", value_words(k, x))
            })
            .collect::<Vec<_>>()
            .join("；"),
    }
}

fn string_words(field: &str, s: &str) -> String {
    let named = match field {
        "level" | "reach_level" => jianfu_core::Level::all()
            .find(|l| l.as_str() == s)
            .map(|l| l.label()),
        "role" => jianfu_core::Role::all()
            .find(|r| r.as_str() == s)
            .map(|r| r.label()),
        "status" => Some(crate::warnings::status_label(s)),
        "severity" => match s {
            "violation" => Some("违规"),
            "warning" => Some("预警"),
            _ => None,
        },
        _ => None,
    };
    if let Some(n) = named {
        return n.to_string();
    }
    if let Some(n) = jianfu_core::labels::value_label(field, s) {
        return n.to_string();
    }
    if s.len() >= 20 && jianfu_core::time::parse_ts(s).is_some() {
        return jianfu_core::time::display_ts(s);
    }
    if s.is_empty() {
        return "（空）".into();
    }
    s.to_string()
}

/// The rule settings' parameters by their labels (`max_chars` → 字数上限).
fn rule_params(entity_id: &str, v: &Value) -> String {
    let rule = entity_id
        .split_once(':')
        .and_then(|(_, id)| crate::rules::rule(id));
    match (rule, v.as_object()) {
        (Some(rule), Some(m)) => m
            .iter()
            .map(|(k, x)| {
                let label = rule
                    .params
                    .iter()
                    .find(|p| p.key == k)
                    .map_or("参数", |p| p.label);
                format!("{label}：{}", value_words(k, x))
            })
            .collect::<Vec<_>>()
            .join("；"),
        _ => value_words("params", v),
    }
}

/// The fields a write set (a new record: every labelled field) or changed (before and after
/// differ), in words. Fields without a Chinese label are left out rather than shown as keys.
pub fn changes(
    entity: &str,
    entity_id: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    names: &Names,
) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    // A field two kinds of record name differently.
    let label = |k: &str| match (entity, k) {
        ("meeting", "kind") => Some("会议类型"),
        ("meeting", "title") => Some("会议名称"),
        _ => field_label(k),
    };
    let words = |k: &str, v: &Value| {
        if let Some(name) = names.name(k, v) {
            return name;
        }
        if entity == "rule_setting" && k == "params" {
            rule_params(entity_id, v)
        } else {
            value_words(k, v)
        }
    };
    // A key beside its name (`issuer_id` beside `issuer_name`) is told by the name.
    let named = |k: &str| {
        k.strip_suffix("_id").is_some_and(|stem| {
            a.contains_key(&format!("{stem}_name")) || b.contains_key(&format!("{stem}_name"))
        })
    };
    keys.into_iter()
        .filter(|k| !HIDDEN.contains(&k.as_str()) && !named(k))
        .filter_map(|k| {
            let (old, new) = (b.get(k), a.get(k));
            if old == new {
                return None;
            }
            // A new record's empty fields say nothing.
            if old.is_none() && new.is_none_or(Value::is_null) {
                return None;
            }
            let field = label(k)?;
            Some(FieldChange {
                field: field.to_string(),
                before: old.map(|v| words(k, v)),
                after: new.map(|v| words(k, v)),
            })
        })
        .collect()
}

/// A summary as people read it: a rule setting's parameters, once written as JSON with English
/// keys (`{"max_chars":3600}`), in words.
fn words_in_summary(summary: &str) -> String {
    let (Some(start), Some(end)) = (summary.find('{'), summary.rfind('}')) else {
        return summary.to_string();
    };
    if end < start {
        return summary.to_string();
    }
    match serde_json::from_str::<Value>(&summary[start..=end]) {
        Ok(v @ Value::Object(_)) => {
            let rule = summary
                .find('“')
                .and_then(|i| {
                    let rest = &summary[i + '“'.len_utf8()..];
                    rest.find('”').map(|j| &rest[..j])
                })
                .and_then(|name| crate::rules::catalogue().find(|r| r.name == name));
            let text = match rule {
                Some(r) => rule_params(&format!("_:{}", r.id), &v),
                None => value_words("params", &v),
            };
            format!("{}{}{}", &summary[..start], text, &summary[end + 1..])
        }
        _ => summary.to_string(),
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
    fn changes_are_named_and_valued_in_words() {
        let before = json!({"id": 5, "name": "县林业局", "level": "department", "active": true, "sort_order": 3});
        let after = json!({"id": 5, "name": "县林业和草原局", "level": "department", "active": false, "sort_order": 3});
        let c = changes(
            "org_unit",
            "5",
            Some(&before),
            Some(&after),
            &Names::default(),
        );
        assert_eq!(
            c,
            vec![
                FieldChange {
                    field: "名称".into(),
                    before: Some("县林业局".into()),
                    after: Some("县林业和草原局".into())
                },
                FieldChange {
                    field: "启用状态".into(),
                    before: Some("是".into()),
                    after: Some("否".into())
                },
            ]
        );
        // A new record: its fields as set; keys without a label are left out, not shown.
        let created = changes(
            "user",
            "9",
            None,
            Some(
                &json!({"id": 9, "role": "inspector", "display_name": "李纪检", "mystery_key": 1}),
            ),
            &Names::default(),
        );
        let text = format!("{created:?}");
        assert!(text.contains("角色") && text.contains("纪检监察"), "{text}");
        assert!(
            !text.contains("mystery") && !text.contains("inspector"),
            "{text}"
        );
    }

    #[test]
    fn records_are_named_from_their_title_or_the_summary() {
        assert_eq!(
            record_name(
                None,
                Some(&json!({"title": "关于秋收的通知"})),
                "登记文件《x》"
            ),
            Some("关于秋收的通知".into())
        );
        assert_eq!(
            record_name(None, None, "修改单位“县林业局”"),
            Some("县林业局".into())
        );
        assert_eq!(record_name(None, None, "登录"), None);
        assert_eq!(record_href("org_unit", "12", None), Some("/org/12".into()));
        assert_eq!(
            record_href("rule_setting", "3:doc.length", None),
            Some("/rules#doc.length".into())
        );
        assert_eq!(action_label("document.update"), "修改");
        // The session entries auth writes: sign-in, failed sign-in, sign-out.
        assert_eq!(action_label("session.sign_in"), "登录");
        assert_eq!(action_label("session.sign_in_failed"), "登录失败");
        assert_eq!(action_label("session.sign_out"), "退出登录");
    }

    #[test]
    fn dates_bound_beijing_days() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let f = AuditSearch {
            from: d("2026-12-01"),
            to: d("2026-12-02"),
            ..Default::default()
        }
        .filter()
        .unwrap();
        assert_eq!(f.from.as_deref(), Some("2026-11-30T16:00:00.000Z"));
        assert_eq!(f.until.as_deref(), Some("2026-12-02T16:00:00.000Z"));
        let wrong = AuditSearch {
            from: d("2026-12-02"),
            to: d("2026-12-01"),
            ..Default::default()
        };
        assert!(wrong.filter().is_err());
    }

    #[test]
    fn stored_records_must_match_their_digests() {
        let v = json!({"name": "县林业局", "id": 3});
        let d = digest(&v);
        assert!(record_matches(Some(&v.to_string()), Some(&d)));
        assert!(record_matches(None, Some(&d)));
        assert!(!record_matches(Some("{\"name\":\"改过\"}"), Some(&d)));
        assert!(!record_matches(Some(&v.to_string()), None));
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
