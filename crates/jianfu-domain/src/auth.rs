//! Sign-in: argon2 passwords, web sessions with a CSRF token, bearer tokens, and the
//! throttle that slows down password guessing.
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::Duration;
use jianfu_core::{time, Actor, AppError, AppResult, Role};
use jianfu_store::users::Credentials;
use jianfu_store::{sessions, users, Db};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

pub const SESSION_HOURS: i64 = 12;

/// Password hashes at once: each takes about 19 MiB and a core, so a flood of sign-ins cannot
/// take the memory or the processor; the others wait in a short queue.
static HASHING: std::sync::LazyLock<HashGate> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    HashGate {
        permits: tokio::sync::Semaphore::new(cores),
        waiting: std::sync::atomic::AtomicUsize::new(0),
        jobs: hashing_threads(cores),
    }
});

/// How many sign-ins may wait for a hash before the next is turned away with a 429.
const HASH_QUEUE: usize = 32;

type HashJob = Box<dyn FnOnce() + Send>;

struct HashGate {
    permits: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    jobs: std::sync::mpsc::Sender<HashJob>,
}

/// The threads that hash, one per permit, for the life of the process. Not the runtime's
/// blocking pool: that grows to hundreds of threads, and the allocator keeps the 19 MiB block a
/// hash frees in the arena of the thread that freed it, so a flood of sign-ins spread over many
/// threads left hundreds of MB behind. On threads of their own the blocks are reused.
fn hashing_threads(n: usize) -> std::sync::mpsc::Sender<HashJob> {
    let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
    let rx = std::sync::Arc::new(Mutex::new(rx));
    for i in 0..n {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("jianfu-hash-{i}"))
            .spawn(move || loop {
                let job = match rx.lock().unwrap_or_else(|p| p.into_inner()).recv() {
                    Ok(job) => job,
                    Err(_) => return,
                };
                // A panicking hash answers its caller with an error (its sender is dropped)
                // and leaves the thread to hash again.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a password hashing thread");
        }
    }
    tx
}

/// Runs one argon2 computation under the gate: at most one per core, at most [`HASH_QUEUE`]
/// waiting; beyond that, or after 10 s in the queue, a Chinese 429.
async fn gated<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    use std::sync::atomic::Ordering;
    let busy = || AppError::TooManyRequests("登录请求较多，请稍后再试".into());
    if HASHING.waiting.fetch_add(1, Ordering::SeqCst) >= HASH_QUEUE {
        HASHING.waiting.fetch_sub(1, Ordering::SeqCst);
        return Err(busy());
    }
    let permit = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        HASHING.permits.acquire(),
    )
    .await;
    HASHING.waiting.fetch_sub(1, Ordering::SeqCst);
    let _permit = permit.map_err(|_| busy())?.map_err(AppError::internal)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    HASHING
        .jobs
        .send(Box::new(move || {
            let _ = tx.send(work());
        }))
        .map_err(|_| AppError::internal("password hashing threads gone"))?;
    rx.await
        .map_err(|_| AppError::internal("password hashing thread failed"))
}

/// Hashes a password with argon2id and the crate's defaults (OWASP: m = 19 MiB, t = 2, p = 1),
/// under the hashing gate, off the async threads.
pub async fn hash_password(password: &str) -> AppResult<String> {
    let password = password.to_string();
    gated(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(AppError::internal)
}

/// Whether the password matches the hash; a 429 when too many sign-ins wait for the gate.
async fn verify_password(password: &str, hash: &str) -> AppResult<bool> {
    let (password, hash) = (password.to_string(), hash.to_string());
    gated(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

/// A hash of a password nobody has, verified when the user does not exist so that
/// the answer takes as long as for a real user.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$qkB3Mhb6iWmDzdHQlIOq+AqNt2VnLYWbN7mO3fJ+Vg4";

pub(crate) fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The actor a user acts as. A department addresses the government it belongs to
/// (a county department files what goes to the county's towns), so its scope is its parent.
pub fn actor_of(c: &Credentials) -> Actor {
    let scope_root = match (c.unit_level.as_str(), c.unit_parent_id) {
        ("department", Some(parent)) => parent,
        _ => c.unit_id,
    };
    Actor {
        user_id: c.id,
        username: c.username.clone(),
        display_name: c.display_name.clone(),
        role: c.role.parse::<Role>().unwrap_or(Role::Grassroots),
        unit_id: c.unit_id,
        unit_name: c.unit_name.clone(),
        scope_root,
    }
}

/// Checks a username and password tried from a client address. The message never tells which
/// of the two was wrong. A failure after the password check (the only ones that cost a hash,
/// so the throttle and the hashing gate bound them) is recorded in the audit trail: the name
/// tried, trimmed and cut to 64 characters, and the address — never the password —, under the
/// region of the account's unit when the account exists.
pub async fn check_password(
    db: &Db,
    username: &str,
    password: &str,
    address: &str,
) -> AppResult<Actor> {
    let creds = users::credentials_by_name(&mut db.reader(), username.trim()).await?;
    let wrong = || AppError::Validation {
        code: "bad_credentials",
        message: "用户名或密码错误".into(),
        field: None,
    };
    let Some(c) = creds else {
        verify_password(password, DECOY_HASH).await?;
        record_failed_sign_in(db, username, address, None, "用户名不存在").await?;
        return Err(wrong());
    };
    if !verify_password(password, &c.password_hash).await? {
        record_failed_sign_in(db, username, address, Some(&c), "密码错误").await?;
        return Err(wrong());
    }
    if !c.active {
        record_failed_sign_in(db, username, address, Some(&c), "账号已停用").await?;
        return Err(AppError::Forbidden {
            message: "该账号已停用，请联系管理员".into(),
            field: None,
        });
    }
    Ok(actor_of(&c))
}

/// The user name a failed sign-in tried, as the trail keeps it: trimmed, without control
/// characters, at most 64 characters.
fn tried_name(username: &str) -> String {
    username
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect()
}

fn shown_address(address: &str) -> &str {
    if address.is_empty() {
        "未知"
    } else {
        address
    }
}

/// The region of a unit, under which its users' sign-ins are kept (where that region's
/// inspector reads them).
async fn unit_region(tx: &mut jianfu_store::Tx, unit_id: i64) -> AppResult<Option<i64>> {
    Ok(jianfu_store::org::get(tx, unit_id)
        .await?
        .and_then(|u| u.region_id))
}

async fn record_failed_sign_in(
    db: &Db,
    username: &str,
    address: &str,
    account: Option<&Credentials>,
    reason: &str,
) -> AppResult<()> {
    let name = tried_name(username);
    let mut tx = db.begin().await?;
    let region_id = match account {
        Some(c) => unit_region(&mut tx, c.unit_id).await?,
        None => None,
    };
    crate::audit::record(
        &mut tx,
        &Actor::system(),
        crate::audit::Change {
            action: "session.sign_in_failed",
            entity: "session",
            entity_id: account.map(|c| c.id.to_string()).unwrap_or_default(),
            region_id,
            before: None,
            after: Some(&serde_json::json!({"username": name, "address": address})),
            summary: format!(
                "以用户名“{name}”登录失败（{reason}），来源地址{}",
                shown_address(address)
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A started web session: the cookie value and the CSRF token that forms must echo.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// Starts a web session for a signed-in user, recorded in the audit trail with the address.
pub async fn start_session(db: &Db, actor: &Actor, address: &str) -> AppResult<Session> {
    let cookie = random_secret();
    let csrf = random_secret();
    let now = time::utc_now();
    let mut tx = db.begin().await?;
    sessions::delete_expired(&mut tx, &time::format_ts(now)).await?;
    sessions::insert_session(
        &mut tx,
        &secret_hash(&cookie),
        actor.user_id,
        &csrf,
        &time::format_ts(now),
        &time::format_ts(now + Duration::hours(SESSION_HOURS)),
    )
    .await?;
    let region_id = unit_region(&mut tx, actor.unit_id).await?;
    crate::audit::record(
        &mut tx,
        actor,
        crate::audit::Change {
            action: "session.sign_in",
            entity: "session",
            entity_id: actor.user_id.to_string(),
            region_id,
            before: None,
            after: Some(&serde_json::json!({"user_id": actor.user_id, "address": address})),
            summary: format!(
                "用户{}（{}）登录平台，来源地址{}",
                actor.display_name,
                actor.username,
                shown_address(address)
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Session { cookie, csrf })
}

/// The actor and CSRF token of a live session of an active user.
pub async fn session_actor(db: &Db, cookie: &str) -> AppResult<Option<(Actor, String)>> {
    let mut conn = db.reader();
    let Some((user_id, csrf)) =
        sessions::find_session(&mut conn, &secret_hash(cookie), &time::now()).await?
    else {
        return Ok(None);
    };
    Ok(active_actor(&mut conn, user_id).await?.map(|a| (a, csrf)))
}

pub(crate) async fn active_actor(
    conn: &mut jianfu_store::Conn,
    user_id: i64,
) -> AppResult<Option<Actor>> {
    Ok(users::credentials_by_id(conn, user_id)
        .await?
        .filter(|c| c.active)
        .map(|c| actor_of(&c)))
}

/// Ends a web session. Signing out of a live session is recorded in the audit trail; a cookie
/// of no live session ends nothing and records nothing.
pub async fn end_session(db: &Db, cookie: &str, address: &str) -> AppResult<()> {
    let id_hash = secret_hash(cookie);
    let mut tx = db.begin().await?;
    let live = sessions::find_session(&mut tx, &id_hash, &time::now()).await?;
    sessions::delete_session(&mut tx, &id_hash).await?;
    let user = match live {
        Some((user_id, _)) => users::credentials_by_id(&mut tx, user_id).await?,
        None => None,
    };
    if let Some(c) = user {
        let actor = actor_of(&c);
        let region_id = unit_region(&mut tx, c.unit_id).await?;
        crate::audit::record(
            &mut tx,
            &actor,
            crate::audit::Change {
                action: "session.sign_out",
                entity: "session",
                entity_id: c.id.to_string(),
                region_id,
                // An event, like signing in: what it names, not a record it removed (shown
                // as a deletion, the account would read as deleted).
                before: None,
                after: Some(&serde_json::json!({"user_id": c.id, "address": address})),
                summary: format!(
                    "用户{}（{}）退出登录，来源地址{}",
                    c.display_name,
                    c.username,
                    shown_address(address)
                ),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Issues a bearer token for a user with the default expiry (see [`crate::tokens`]); returns
/// the token's secret.
pub async fn issue_token(db: &Db, username: &str, label: &str) -> AppResult<String> {
    crate::tokens::issue_by_name(db, username, label, None)
        .await
        .map(|t| t.secret)
}

/// The actor of a live bearer token (see [`crate::tokens::actor_of`]).
pub async fn token_actor(db: &Db, token: &str) -> AppResult<Option<Actor>> {
    crate::tokens::actor_of(db, token).await
}

/// Slows down password guessing. Failed sign-ins are counted per account and client address,
/// per account from any address, and per client address whatever the account (random user names
/// from one address); past a key's limit within `window`, further attempts are refused until
/// it passes. An account signing in from an address it signed in from before (within
/// [`KNOWN_FOR`]) is held only to its own count there: others' failures — guesses at the
/// account from elsewhere, random names from the same office address — cannot lock it out.
pub struct LoginThrottle {
    window: std::time::Duration,
    failures: Mutex<HashMap<String, (u32, std::time::Instant)>>,
    /// Account-and-address keys of successful sign-ins, with when.
    known: Mutex<HashMap<String, std::time::Instant>>,
}

/// How long an address an account signed in from stays known to the throttle.
const KNOWN_FOR: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Failed sign-ins allowed within the window: for one account from one address, for one account
/// from anywhere, from one address whatever the account (an office behind one address).
const PER_ACCOUNT_AND_ADDRESS: u32 = 5;
const PER_ACCOUNT: u32 = 20;
const PER_ADDRESS: u32 = 30;

impl LoginThrottle {
    pub fn new(window: std::time::Duration) -> Self {
        LoginThrottle {
            window,
            failures: Mutex::new(HashMap::new()),
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the account signed in from this address within [`KNOWN_FOR`].
    fn known(&self, username: &str, address: &str) -> bool {
        let [(key, _), ..] = Self::keys(username, address);
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known.get(&key).is_some_and(|at| at.elapsed() < KNOWN_FOR)
    }

    /// The keys a sign-in counts under, with their limits.
    fn keys(username: &str, address: &str) -> [(String, u32); 3] {
        let name = username.trim().to_lowercase();
        [
            (format!("u|{name}|{address}"), PER_ACCOUNT_AND_ADDRESS),
            (format!("u|{name}"), PER_ACCOUNT),
            (format!("a|{address}"), PER_ADDRESS),
        ]
    }

    /// Refuses a sign-in when any of its keys is past its limit (only the first, the account
    /// at this address, when the account signed in from here before).
    pub fn check(&self, username: &str, address: &str) -> AppResult<()> {
        let keys = if self.known(username, address) { 1 } else { 3 };
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, limit) in Self::keys(username, address).into_iter().take(keys) {
            if let Some((n, since)) = map.get(&key) {
                if *n >= limit && since.elapsed() < self.window {
                    let left = self.window.saturating_sub(since.elapsed());
                    let minutes = (left.as_secs() / 60).max(1);
                    return Err(AppError::TooManyRequests(format!(
                        "登录失败次数过多，请{minutes}分钟后再试"
                    )));
                }
            }
        }
        Ok(())
    }

    pub fn fail(&self, username: &str, address: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, (_, since)| since.elapsed() < window);
        }
        for (key, _) in Self::keys(username, address) {
            let entry = map.entry(key).or_insert((0, std::time::Instant::now()));
            if entry.1.elapsed() >= self.window {
                *entry = (0, std::time::Instant::now());
            }
            entry.0 += 1;
        }
    }

    /// A successful sign-in clears its account's counts, not its address's, and makes the
    /// address known for the account.
    pub fn succeed(&self, username: &str, address: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in Self::keys(username, address).into_iter().take(2) {
            map.remove(&key);
        }
        drop(map);
        let [(key, _), ..] = Self::keys(username, address);
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() > 100_000 {
            known.retain(|_, at| at.elapsed() < KNOWN_FOR);
        }
        known.insert(key, std::time::Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_locks_after_repeated_failures() {
        let t = LoginThrottle::new(std::time::Duration::from_secs(900));
        for _ in 0..PER_ACCOUNT_AND_ADDRESS {
            assert!(t.check("a", "10.0.0.1").is_ok());
            t.fail("a", "10.0.0.1");
        }
        assert_eq!(t.check("a", "10.0.0.1").unwrap_err().status(), 429);
        assert!(t.check("a", "10.0.0.2").is_ok(), "another address");
        assert!(t.check("b", "10.0.0.1").is_ok(), "another account");
        t.succeed("a", "10.0.0.1");
        assert!(t.check("a", "10.0.0.1").is_ok());
    }

    #[test]
    fn others_failures_do_not_lock_out_a_known_address() {
        let t = LoginThrottle::new(std::time::Duration::from_secs(900));
        t.succeed("a", "10.0.0.1");
        // Guesses at the account from elsewhere, random names from the office's address.
        for i in 0..PER_ACCOUNT {
            t.fail("a", &format!("203.0.113.{i}"));
        }
        for i in 0..PER_ADDRESS {
            t.fail(&format!("random{i}"), "10.0.0.1");
        }
        assert!(
            t.check("a", "10.0.0.1").is_ok(),
            "the account at its own address"
        );
        assert_eq!(
            t.check("a", "10.0.0.2").unwrap_err().status(),
            429,
            "the account elsewhere"
        );
        assert_eq!(
            t.check("b", "10.0.0.1").unwrap_err().status(),
            429,
            "another name at the address"
        );
        // Its own failures there still count.
        for _ in 0..PER_ACCOUNT_AND_ADDRESS {
            t.fail("a", "10.0.0.1");
        }
        assert_eq!(t.check("a", "10.0.0.1").unwrap_err().status(), 429);
    }

    #[test]
    fn a_name_tried_is_kept_trimmed_and_short() {
        assert_eq!(tried_name("  filer \t"), "filer");
        assert_eq!(tried_name(&"查".repeat(100)).chars().count(), 64);
        assert_eq!(tried_name("a\u{0}b\nc"), "abc");
    }

    #[test]
    fn random_user_names_from_one_address_are_throttled() {
        let t = LoginThrottle::new(std::time::Duration::from_secs(900));
        for i in 0..PER_ADDRESS {
            assert!(t.check(&format!("random{i}"), "10.0.0.9").is_ok());
            t.fail(&format!("random{i}"), "10.0.0.9");
        }
        assert_eq!(t.check("anyone", "10.0.0.9").unwrap_err().status(), 429);
        assert!(t.check("anyone", "10.0.0.8").is_ok());
    }

    #[test]
    fn one_account_guessed_from_many_addresses_is_throttled() {
        let t = LoginThrottle::new(std::time::Duration::from_secs(900));
        for i in 0..PER_ACCOUNT {
            t.fail("admin", &format!("10.1.0.{i}"));
        }
        assert_eq!(t.check("admin", "10.2.0.1").unwrap_err().status(), 429);
    }

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let h = hash_password("Jianfu2026").await.unwrap();
        assert!(verify_password("Jianfu2026", &h).await.unwrap());
        assert!(!verify_password("jianfu2026", &h).await.unwrap());
        assert!(!verify_password("x", "not a hash").await.unwrap());
    }
}
