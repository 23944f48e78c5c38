//! The audit trail detects an edited, deleted or reordered entry; keyed, it detects a chain
//! recomputed without the key; anchored by a checkpoint, it detects a chain rewritten or
//! truncated behind the checkpoint even by someone holding the key. Sign-ins are in it.
use crate::both_backends;
use crate::helpers::{
    assert_error, audit_key, jianfu_command, spawn_app, urlencode, Backend, TestApp,
};
use jianfu_domain::audit::{entry_hash, keyed_entry_hash, sign_checkpoint, verify, Checkpoint};
use jianfu_store::audit::AuditEntryRow;
use jianfu_store::{AuditKey, Q};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::process::Command;

both_backends!(
    verify_detects_edits_deletions_and_reordering,
    a_transaction_of_many_entries_chains_across_insert_chunks,
    audit_entries_follow_the_viewers_region,
    a_chain_recomputed_without_the_key_fails,
    a_rewrite_with_the_key_fails_against_a_checkpoint,
    truncation_behind_a_checkpoint_fails,
    forged_checkpoints_are_refused,
    chains_hashed_before_the_key_still_verify,
    sign_ins_failures_and_sign_outs_are_audited,
    the_audit_page_speaks_chinese_and_filters,
    the_filtered_entries_export_to_xlsx,
    the_inspector_runs_the_integrity_check_from_the_page
);

/// The county's discipline inspector reads its county's entries, not its city's (titles of
/// records it may not open); the administrator reads both.
async fn audit_entries_follow_the_viewers_region(backend: Backend) {
    let app = spawn_app(backend).await;
    let city = app.unit_id("示例市").await;
    let (status, unit) = app
        .send(
            "city_supervisor",
            "POST",
            "/api/v1/org-units",
            &json!({"parent_id": city, "name": "示例市林业局", "code": "CITY-FOREST", "level": "department"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let path = format!("/api/v1/audit?entity=org_unit&entity_id={}", unit["id"]);
    let (status, trail) = app.get("inspector", &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        trail["total"], 0,
        "a city entry shown to the county: {trail}"
    );
    let (_, trail) = app.get("admin", &path).await;
    assert_eq!(trail["total"], 1, "{trail}");
    // The county's own entries stay in the county inspector's view.
    let (_, trail) = app.get("inspector", "/api/v1/audit?per_page=200").await;
    assert!(trail["total"].as_i64().unwrap() > 100, "{}", trail["total"]);
}

/// Runs a command to its end: its exit code and what it printed (standard output, then error).
fn run(mut c: Command) -> (i32, String) {
    let out = c.output().expect("run jianfu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `jianfu <args> --database <url>` with the tests' audit key.
fn cli(db_url: &str, args: &[&str]) -> (i32, String) {
    let mut c = jianfu_command();
    c.args(args).args(["--database", db_url]);
    run(c)
}

fn verify_cli(db_url: &str) -> (i32, String) {
    cli(db_url, &["audit", "verify"])
}

fn verify_against(db_url: &str, checkpoint: &std::path::Path) -> (i32, String) {
    cli(
        db_url,
        &[
            "audit",
            "verify",
            "--checkpoint",
            checkpoint.to_str().unwrap(),
        ],
    )
}

/// Signs a checkpoint of the app's chain into a new file of `dir`.
fn checkpoint_into(app: &TestApp, dir: &tempfile::TempDir, name: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    let (code, out) = cli(
        &app.db_url,
        &["audit", "checkpoint", "--to", path.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("已签署审计日志检查点"), "{out}");
    path
}

fn read_checkpoint(path: &std::path::Path) -> Checkpoint {
    Checkpoint::parse(&std::fs::read_to_string(path).unwrap()).expect("a checkpoint")
}

async fn entries_from(app: &TestApp, from: i64) -> Vec<AuditEntryRow> {
    jianfu_store::audit::batch(&mut app.db.reader(), from - 1, i64::MAX, 1_000_000)
        .await
        .unwrap()
}

async fn hash_of(app: &TestApp, seq: i64) -> String {
    match jianfu_store::audit::entry(&mut app.db.reader(), seq)
        .await
        .unwrap()
    {
        Some(e) => e.hash,
        None => "0".repeat(64),
    }
}

/// Rewrites the chain from entry `from` to the head as someone who can write to the database
/// would: the summary of entry `from` is changed, every entry from there is re-linked and
/// re-hashed with `hash`, and the head follows.
async fn rewrite_from(app: &TestApp, from: i64, hash: impl Fn(&AuditEntryRow) -> String) {
    let mut prev = hash_of(app, from - 1).await;
    let mut tx = app.db.begin().await.unwrap();
    for mut e in entries_from(app, from).await {
        if e.seq == from {
            e.summary = format!("{}（已改写）", e.summary);
        }
        e.prev_hash = prev;
        e.hash = hash(&e);
        tx.execute(
            &Q::new("UPDATE audit_log SET summary = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
                .bind(e.summary.as_str())
                .bind(e.prev_hash.as_str())
                .bind(e.hash.as_str())
                .bind(e.seq),
        )
        .await
        .unwrap();
        prev = e.hash;
    }
    tx.execute(&Q::new("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(prev.as_str()))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Deletes the entries after `last` and rewrites the head to end at it.
async fn truncate_after(app: &TestApp, last: i64) {
    let hash = hash_of(app, last).await;
    let mut tx = app.db.begin().await.unwrap();
    tx.execute(&Q::new("DELETE FROM audit_log WHERE seq > $1").bind(last))
        .await
        .unwrap();
    tx.execute(
        &Q::new("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(last)
            .bind(hash.as_str()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// One audited write through the API (a new department of the city).
async fn audited_write(app: &TestApp, code: &str) {
    let city = app.unit_id("示例市").await;
    let (status, unit) = app
        .send(
            "city_supervisor",
            "POST",
            "/api/v1/org-units",
            &json!({"parent_id": city, "name": format!("示例市{code}局"), "code": code, "level": "department"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
}

/// Someone who can write to the database but lacks the key edits an entry and recomputes the
/// rest of the chain and the head with plain SHA-256, as the chain was before it was keyed.
async fn a_chain_recomputed_without_the_key_fails(backend: Backend) {
    let app = spawn_app(backend).await;
    rewrite_from(&app, 50, entry_hash).await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("第50条") && out.contains("签名不符") && out.contains("篡改"),
        "{out}"
    );
    // Nor does passing every entry off as written before the chain was keyed help (the whole
    // chain recomputed with plain hashes, the switch point moved past the head): the switch
    // point is sealed with the key.
    rewrite_from(&app, 1, entry_hash).await;
    let head = app.scalar("SELECT seq FROM audit_head").await;
    exec(
        &app,
        &format!(
            "UPDATE audit_head SET keyed_from = {} WHERE id = 1",
            head + 1
        ),
    )
    .await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("签名起点"), "{out}");
}

/// Someone holding the key can recompute a chain that plain verification then accepts; a
/// checkpoint signed before the rewrite proves it.
async fn a_rewrite_with_the_key_fails_against_a_checkpoint(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let path = checkpoint_into(&app, &dir, "checkpoint.json");
    let cp = read_checkpoint(&path);
    let head = app.scalar("SELECT seq FROM audit_head").await;
    let count = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    assert_eq!((cp.seq, cp.entries), (head, count));
    assert_eq!(cp.hash, hash_of(&app, head).await);

    // The chain goes on after the checkpoint and still extends it.
    audited_write(&app, "CP-GROW").await;
    let (code, out) = verify_against(&app.db_url, &path);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("延续") && out.contains(&format!("至第{head}条")) && out.contains("新增1条"),
        "{out}"
    );

    let key = audit_key();
    rewrite_from(&app, 40, |e| keyed_entry_hash(&key, e)).await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(
        code, 0,
        "a rewrite with the key passes plain verification: {out}"
    );
    let (code, out) = verify_against(&app.db_url, &path);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("第{head}条记录的哈希与检查点不符")) && out.contains("改写"),
        "{out}"
    );
}

/// Deleting the tail and rewriting the head leaves a chain that holds; not behind a checkpoint.
async fn truncation_behind_a_checkpoint_fails(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let path = checkpoint_into(&app, &dir, "checkpoint.json");
    let cp = read_checkpoint(&path);
    truncate_after(&app, cp.seq - 3).await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(
        code, 0,
        "a truncated chain with its head rewritten holds: {out}"
    );
    let (code, out) = verify_against(&app.db_url, &path);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("被截短") && out.contains(&format!("共有{}条", cp.entries)),
        "{out}"
    );
    // Writes after the truncation bring the count back past the checkpoint's, but the entry
    // the checkpoint names is not the one it signed.
    for code in ["TR-1", "TR-2", "TR-3", "TR-4"] {
        audited_write(&app, code).await;
    }
    assert!(app.scalar("SELECT COUNT(*) FROM audit_log").await > cp.entries);
    let (code, out) = verify_against(&app.db_url, &path);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("第{}条记录的哈希与检查点不符", cp.seq)),
        "{out}"
    );
}

/// A checkpoint altered, signed with another key, or not a checkpoint at all proves nothing;
/// a broken chain is not anchored.
async fn forged_checkpoints_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let path = checkpoint_into(&app, &dir, "checkpoint.json");
    let (code, _) = cli(
        &app.db_url,
        &["audit", "checkpoint", "--to", path.to_str().unwrap()],
    );
    assert_eq!(code, 2, "an existing checkpoint file is not overwritten");
    let mut cp = read_checkpoint(&path);

    // Altered: an earlier head, as if the chain had been shorter.
    cp.seq -= 5;
    cp.entries -= 5;
    cp.hash = hash_of(&app, cp.seq).await;
    let altered = dir.path().join("altered.json");
    std::fs::write(&altered, cp.to_line()).unwrap();
    let (code, out) = verify_against(&app.db_url, &altered);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("签名不符") && out.contains("伪造"), "{out}");

    // Signed with another key, over the real head.
    let v = verify(&app.db).await.unwrap();
    let other = sign_checkpoint(
        &AuditKey::new("a-key-that-is-not-the-platforms-0123456789".as_bytes()),
        &v,
    );
    let forged = dir.path().join("forged.json");
    std::fs::write(&forged, other.to_line()).unwrap();
    let (code, out) = verify_against(&app.db_url, &forged);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("不是用当前审计密钥签署的"), "{out}");

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "not a checkpoint").unwrap();
    let (code, out) = verify_against(&app.db_url, &garbage);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("无法识别"), "{out}");

    let (code, out) = verify_against(&app.db_url, &dir.path().join("missing.json"));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("无法读取检查点文件"), "{out}");

    // A checkpoint pasted from the log line is read as well.
    let logged = dir.path().join("logged.txt");
    let line = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &logged,
        format!("2026-12-03T08:00:00Z INFO jianfu::audit: 审计日志检查点：{line}"),
    )
    .unwrap();
    let (code, out) = verify_against(&app.db_url, &logged);
    assert_eq!(code, 0, "{out}");

    exec(&app, "UPDATE audit_log SET summary = '改动' WHERE seq = 9").await;
    let (code, out) = cli(&app.db_url, &["audit", "checkpoint"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("第9条") && out.contains("未签署检查点"),
        "{out}"
    );
}

/// A database whose chain was hashed with plain SHA-256 before this version: the migration
/// that keys the chain seals where keyed entries begin, the old entries still verify, the new
/// ones are signed, and passing signed entries off as old ones is detected.
async fn chains_hashed_before_the_key_still_verify(backend: Backend) {
    let app = spawn_app(backend).await;
    // The database as an earlier version left it: plain hashes, no switch point, migration 8
    // not applied.
    rewrite_from(&app, 1, entry_hash).await;
    exec(&app, "ALTER TABLE audit_head DROP COLUMN keyed_seal").await;
    exec(&app, "ALTER TABLE audit_head DROP COLUMN keyed_from").await;
    exec(&app, "DELETE FROM schema_migrations WHERE version = 8").await;
    let old = app.scalar("SELECT seq FROM audit_head").await;

    let (code, out) = cli(&app.db_url, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("本次执行1项"), "{out}");
    assert_eq!(
        app.scalar("SELECT keyed_from FROM audit_head").await,
        old + 1
    );
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("共{old}条")) && out.contains("尚无以密钥签名的记录"),
        "{out}"
    );

    audited_write(&app, "LEGACY-1").await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("第1至{old}条为启用密钥签名前的记录"))
            && out.contains(&format!("第{}条起以审计密钥签名", old + 1)),
        "{out}"
    );

    // The new entry recomputed without the key fails; so does moving the switch point past it.
    rewrite_from(&app, old + 1, entry_hash).await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("第{}条", old + 1)), "{out}");
    exec(
        &app,
        &format!(
            "UPDATE audit_head SET keyed_from = {} WHERE id = 1",
            old + 2
        ),
    )
    .await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("签名起点") && out.contains("未经审计密钥确认"),
        "{out}"
    );
}

/// The CSRF token of a page's forms.
fn csrf_of(page: &str) -> String {
    let at = page
        .find("name=\"csrf_token\" value=\"")
        .expect("a form with a CSRF token");
    let rest = &page[at + "name=\"csrf_token\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

async fn try_login(
    c: &reqwest::Client,
    app: &TestApp,
    username: &str,
    password: &str,
) -> StatusCode {
    c.post(app.url("/login"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

async fn sessions_trail(app: &TestApp, viewer: &str) -> Vec<Value> {
    let (status, trail) = app
        .get(viewer, "/api/v1/audit?entity=session&per_page=100")
        .await;
    assert_eq!(status, StatusCode::OK, "{trail}");
    assert!(
        !trail.to_string().contains("Wrong-Secret-2026"),
        "a password in the trail: {trail}"
    );
    trail["items"].as_array().unwrap().clone()
}

/// Signing in, failing to and signing out are in the trail in words, with the address and the
/// name tried — never the password; a failure of an account under its unit's region, one of
/// no account under none; attempts the throttle turns away cost no entry.
async fn sign_ins_failures_and_sign_outs_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for _ in 0..2 {
        let status = try_login(&plain, &app, "filer", "Wrong-Secret-2026").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let long = format!("  {}  ", "查".repeat(80));
    let status = try_login(&plain, &app, &long, "Wrong-Secret-2026").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // An empty password costs no hash and no entry.
    assert_eq!(
        try_login(&plain, &app, "filer", "").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let c = app.browser_login("filer").await;
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf_of(&home))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let trail = sessions_trail(&app, "inspector").await;
    let summaries: Vec<&str> = trail
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    let actions: Vec<&str> = trail
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "session.sign_out",
            "session.sign_in",
            "session.sign_in_failed",
            "session.sign_in_failed"
        ],
        "{summaries:?}"
    );
    let labels: Vec<&str> = trail
        .iter()
        .map(|e| e["action_label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["退出登录", "登录", "登录失败", "登录失败"]);
    // Signing out names the account and the address; it removed no record.
    let changes = &trail[0]["changes"];
    assert!(
        changes
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["before"].is_null())
            && changes.to_string().contains("来源地址"),
        "{changes}"
    );
    let filer = app.user_id("filer").await.to_string();
    assert!(trail.iter().all(|e| e["entity_id"] == filer.as_str()));
    assert!(
        summaries[0].starts_with("用户")
            && summaries[0].ends_with("（filer）退出登录，来源地址127.0.0.1"),
        "{}",
        summaries[0]
    );
    assert!(
        summaries[1].contains("（filer）登录平台，来源地址127.0.0.1"),
        "{}",
        summaries[1]
    );
    assert_eq!(
        summaries[2],
        "以用户名“filer”登录失败（密码错误），来源地址127.0.0.1"
    );
    assert_eq!(trail[2]["actor_name"], "系统");
    assert!(trail[1]["actor_name"]
        .as_str()
        .unwrap()
        .contains("（filer）"));

    // The name that is no account's is kept trimmed and cut to 64 characters, under no region:
    // the administrator at the top of the tree reads it, the county's inspector does not.
    let trail = sessions_trail(&app, "admin").await;
    let unknown = trail
        .iter()
        .find(|e| e["entity_id"] == "")
        .expect("the failure of no account");
    assert_eq!(
        unknown["summary"],
        format!(
            "以用户名“{}”登录失败（用户名不存在），来源地址127.0.0.1",
            "查".repeat(64)
        )
    );
    assert_eq!(unknown["region_id"], Value::Null);

    // Past the throttle's limit for one account and address, attempts cost no entry.
    let before = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in_failed'")
        .await;
    let mut refused = 0;
    for _ in 0..8 {
        if try_login(&plain, &app, "village", "Wrong-Secret-2026").await
            == StatusCode::TOO_MANY_REQUESTS
        {
            refused += 1;
        }
    }
    assert_eq!(refused, 3);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in_failed'")
            .await,
        before + 5
    );

    // The audit page names them in words.
    let c = app.browser_login("admin").await;
    let page = app.page(&c, "/audit").await;
    assert!(page.contains("<td>登录"), "{page}");
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 0, "{out}");
}

/// Without a configured key, the first command that writes makes one beside a SQLite database
/// (mode 0600) and says where; verification uses it. A chain already signed gets no new key,
/// another key is refused, and a key is configured one way only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_configured_key_one_is_made_beside_the_database() {
    jianfu::install().expect("modules");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/j.db", dir.path().display());
    let key_file = dir.path().join("j.db.audit-key");
    let bare = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_jianfu"));
        c.args(args)
            .args(["--database", &url])
            .env_remove("JIANFU_AUDIT_KEY")
            .env_remove("JIANFU_AUDIT_KEY_FILE")
            .env_remove("JIANFU_DATABASE_URL");
        c
    };
    let (code, out) = run(bare(&["migrate"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("已生成审计密钥文件") && out.contains(&key_file.display().to_string()),
        "{out}"
    );
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert!(key.trim().len() == 64 && key.trim().chars().all(|c| c.is_ascii_hexdigit()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Entries written with that key verify with it, found by default.
    let db = jianfu_store::Db::connect(&url)
        .await
        .unwrap()
        .with_audit_key(AuditKey::new(key.trim().as_bytes()));
    jianfu_demo::ensure_region(&db).await.unwrap();
    db.close().await;
    let (code, out) = run(bare(&["audit", "verify"]));
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(bare(&["migrate"]));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("已生成"), "{out}");

    // Another key: commands that write refuse to start, verification fails.
    let other = "another-key-0123456789abcdef0123456789";
    let mut c = bare(&["token", "--user", "admin"]);
    c.env("JIANFU_AUDIT_KEY", other);
    let (code, out) = run(c);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("无法验证") && out.contains("原密钥"), "{out}");
    let mut c = bare(&["audit", "verify"]);
    c.env("JIANFU_AUDIT_KEY", other);
    let (code, out) = run(c);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("签名不符"), "{out}");

    // One way of configuring only, and a key long enough.
    let mut c = bare(&[
        "audit",
        "verify",
        "--audit-key-file",
        key_file.to_str().unwrap(),
    ]);
    c.env("JIANFU_AUDIT_KEY", other);
    let (code, out) = run(c);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("只保留一个"), "{out}");
    let mut c = bare(&["audit", "verify"]);
    c.env("JIANFU_AUDIT_KEY", "short");
    let (code, out) = run(c);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("过短"), "{out}");

    // The key file moved away: nothing verifies, and no new key is made for a signed chain.
    let kept = dir.path().join("kept.audit-key");
    std::fs::rename(&key_file, &kept).unwrap();
    let (code, out) = run(bare(&["audit", "verify"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("未找到审计密钥"), "{out}");
    let (code, out) = run(bare(&["migrate"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("不会另行生成新密钥"), "{out}");
    assert!(!key_file.exists());
    let (code, out) = run(bare(&[
        "audit",
        "verify",
        "--audit-key-file",
        kept.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}");
}

async fn exec(app: &crate::helpers::TestApp, sql: &str) {
    let mut tx = app.db.begin().await.unwrap();
    tx.execute(&Q::new(sql)).await.unwrap();
    tx.commit().await.unwrap();
}

/// A transaction that records more entries than one INSERT carries (64 rows: a batch of
/// grouped writes, each with its warnings) stores them as one unbroken chain, and an entry
/// edited in the middle chunk is found.
async fn a_transaction_of_many_entries_chains_across_insert_chunks(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.scalar("SELECT MAX(seq) FROM audit_log").await;
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..150 {
        let after = json!({ "n": i });
        jianfu_domain::audit::record(
            &mut tx,
            &jianfu_core::Actor::system(),
            jianfu_domain::audit::Change {
                action: "rule_setting.update",
                entity: "rule_setting",
                entity_id: format!("{i}"),
                region_id: None,
                before: None,
                after: Some(&after),
                summary: format!("第{i}项设置"),
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(
        app.scalar("SELECT MAX(seq) FROM audit_log").await,
        before + 150
    );
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("共{}条", before + 150)), "{out}");

    let edited = before + 100;
    exec(
        &app,
        &format!("UPDATE audit_log SET summary = '第1项设置' WHERE seq = {edited}"),
    )
    .await;
    let b = verify(&app.db)
        .await
        .unwrap()
        .broken
        .expect("an edit in the middle chunk is detected");
    assert_eq!(b.seq, edited, "{b:?}");
}

async fn verify_detects_edits_deletions_and_reordering(backend: Backend) {
    let app = spawn_app(backend).await;
    let total = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    assert!(total > 200, "the demo seed is audited: {total}");
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("共{total}条")), "{out}");

    // The log page names what changed in words and tells the time in Beijing time.
    let c = app.browser_login("inspector").await;
    let page = app.page(&c, "/audit").await;
    assert!(page.contains("<td>接口令牌"), "{page}");
    let text = visible(&page);
    assert!(
        !text.contains("api_token") && !text.contains("token#") && !page.contains("Z</td>"),
        "{text}"
    );

    // An edited entry: the summary of entry 7 is rewritten directly in the database.
    exec(
        &app,
        "UPDATE audit_log SET summary = '新建部门“伪造单位”' WHERE seq = 7",
    )
    .await;
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("第7条") && out.contains("篡改"), "{out}");

    // Each remaining case starts from an intact chain of its own.
    let app = spawn_app(backend).await;
    exec(&app, "DELETE FROM audit_log WHERE seq = 20").await;
    let v = verify(&app.db).await.unwrap();
    let b = v.broken.expect("a deleted entry is detected");
    assert_eq!(b.seq, 20, "{b:?}");
    assert!(b.reason.contains("缺失"));

    let app = spawn_app(backend).await;
    // Swap entries 30 and 31 (seq numbers exchanged through a temporary value).
    exec(&app, "UPDATE audit_log SET seq = -1 WHERE seq = 30").await;
    exec(&app, "UPDATE audit_log SET seq = 30 WHERE seq = 31").await;
    exec(&app, "UPDATE audit_log SET seq = 31 WHERE seq = -1").await;
    let b = verify(&app.db)
        .await
        .unwrap()
        .broken
        .expect("reordering is detected");
    assert_eq!(b.seq, 30, "{b:?}");

    let app = spawn_app(backend).await;
    let last = app.scalar("SELECT MAX(seq) FROM audit_log").await;
    exec(&app, &format!("DELETE FROM audit_log WHERE seq = {last}")).await;
    let b = verify(&app.db)
        .await
        .unwrap()
        .broken
        .expect("a deleted tail is detected");
    assert_eq!(b.seq, last);
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
}

/// A page's text as a person reads it: without its tags (and the keys in their attributes).
fn visible(page: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in page.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether a text has a CJK ideograph.
fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A unit renamed and deactivated, a document filed and a rule's limit changed: what the
/// trail says of each.
async fn audited_changes(app: &TestApp) -> (i64, i64) {
    let city = app.unit_id("示例县").await;
    let (status, unit) = app
        .send(
            "supervisor",
            "POST",
            "/api/v1/org-units",
            &json!({"parent_id": city, "name": "县林业局", "code": "FOREST-AUDIT", "level": "department"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let unit_id = unit["id"].as_i64().unwrap();
    let (status, body) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/org-units/{unit_id}"),
            &json!({"name": "县林业和草原局", "active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let agri = app.unit_id("县农业农村局").await;
    let (status, d) = app
        .send(
            "supervisor",
            "POST",
            "/api/v1/documents",
            &json!({"issuer_id": agri, "title": "关于做好审计测试工作的通知", "kind": "通知", "carrier": "white_header",
                    "issued_on": jianfu_core::time::today().to_string(), "targets": [{"unit_id": city, "level": "township"}],
                    "body": "请各乡镇认真抓好落实。"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let (status, body) = app
        .send(
            "supervisor",
            "PUT",
            "/api/v1/rules/doc.length",
            &json!({"params": {"notice_limit": 3600}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (unit_id, d["id"].as_i64().unwrap())
}

/// Each entry names its action and record in words and lists the fields it changed with
/// Chinese labels and values — no English keys, no JSON; the page links the record; the
/// filters by person, record and date narrow the list.
async fn the_audit_page_speaks_chinese_and_filters(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit_id, doc_id) = audited_changes(&app).await;

    let (status, trail) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=org_unit&entity_id={unit_id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{trail}");
    assert_eq!(trail["total"], 2, "{trail}");
    let edit = &trail["items"][0];
    assert_eq!(edit["action_label"], "修改");
    assert_eq!(edit["entity_label"], "单位");
    assert_eq!(edit["record_name"], "县林业和草原局");
    assert_eq!(edit["record_href"], format!("/org/{unit_id}"));
    let changes = edit["changes"].as_array().unwrap();
    let name = changes
        .iter()
        .find(|c| c["field"] == "名称")
        .expect("名称 changed");
    assert_eq!(
        (name["before"].as_str(), name["after"].as_str()),
        (Some("县林业局"), Some("县林业和草原局"))
    );
    let active = changes
        .iter()
        .find(|c| c["field"] == "启用状态")
        .expect("启用状态 changed");
    assert_eq!(
        (active["before"].as_str(), active["after"].as_str()),
        (Some("是"), Some("否"))
    );
    // The new unit: its fields as set, its level by name.
    let created = trail["items"][1]["changes"].to_string();
    assert!(
        created.contains("层级") && created.contains("部门"),
        "{created}"
    );
    assert!(
        created.contains("上级单位") && created.contains("示例县"),
        "the parent by name: {created}"
    );

    // Every entry of every kind: labels in Chinese, no key or JSON in what a person reads.
    let (_, all) = app.get("inspector", "/api/v1/audit?per_page=200").await;
    for e in all["items"].as_array().unwrap() {
        assert!(chinese(e["action_label"].as_str().unwrap()), "{e}");
        assert!(chinese(e["entity_label"].as_str().unwrap()), "{e}");
        for c in e["changes"].as_array().unwrap() {
            let field = c["field"].as_str().unwrap();
            assert!(
                chinese(field) && !field.chars().any(|ch| ch.is_ascii_alphabetic()),
                "an English key: {e}"
            );
            for v in [&c["before"], &c["after"]] {
                if let Some(v) = v.as_str() {
                    assert!(!v.contains('{') && !v.contains("\":"), "raw JSON: {e}");
                }
            }
        }
        let summary = e["summary"].as_str().unwrap();
        assert!(
            !summary.contains("notice_limit") && !summary.contains('{'),
            "{summary}"
        );
    }
    let (_, doc) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=document&entity_id={doc_id}"),
        )
        .await;
    let doc = &doc["items"][0];
    assert_eq!(doc["entity_label"], "文件");
    assert_eq!(doc["record_href"], format!("/documents/{doc_id}"));
    let fields = doc["changes"].to_string();
    assert!(
        fields.contains("载体") && fields.contains("白头文件"),
        "{fields}"
    );
    assert!(
        !fields.contains("white_header") && !fields.contains("carrier"),
        "{fields}"
    );
    let (_, rule) = app
        .get("inspector", "/api/v1/audit?entity=rule_setting")
        .await;
    let rule = rule["items"][0].to_string();
    assert!(
        rule.contains("3600") && !rule.contains("notice_limit"),
        "{rule}"
    );

    // The page: the record named and linked, the changes in words.
    let c = app.browser_login("inspector").await;
    let page = app.page(&c, "/audit").await;
    assert!(
        page.contains(&format!(
            "<a href=\"/documents/{doc_id}\">《关于做好审计测试工作的通知》</a>"
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!("<a href=\"/org/{unit_id}\">“县林业和草原局”</a>")),
        "{page}"
    );
    assert!(
        page.contains("<del>县林业局</del> → <ins>县林业和草原局</ins>"),
        "{page}"
    );
    assert!(
        !page.contains("notice_limit") && !page.contains("{&quot;"),
        "{page}"
    );
    assert!(
        !page.contains(&format!("文件 {doc_id}")),
        "a raw id: {page}"
    );
    let one = app
        .page(&c, &format!("/audit?entity=org_unit&entity_id={unit_id}"))
        .await;
    assert!(
        one.contains("只看：单位“县林业和草原局”") && one.contains("共 2 条"),
        "{one}"
    );

    // Filters narrow: by person, by record name, by date.
    let total = all["total"].as_i64().unwrap();
    let (_, mine) = app
        .get("inspector", "/api/v1/audit?actor=supervisor&per_page=200")
        .await;
    let mine_total = mine["total"].as_i64().unwrap();
    assert!(
        mine_total >= 4 && mine_total < total,
        "{mine_total} of {total}"
    );
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor_name"].as_str().unwrap().contains("supervisor")));
    let supervisor = app.user_id("supervisor").await;
    let (_, by_id) = app
        .get("inspector", &format!("/api/v1/audit?actor_id={supervisor}"))
        .await;
    assert_eq!(by_id["total"], mine_total);
    let (_, named) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?q={}", urlencode("审计测试工作")),
        )
        .await;
    assert_eq!(named["total"], 1, "{named}");
    let today = jianfu_core::time::today();
    let (_, dated) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?actor=supervisor&from={today}&to={today}"),
        )
        .await;
    assert_eq!(dated["total"], mine_total, "today's entries: {dated}");
    let tomorrow = today.succ_opt().unwrap();
    let (_, none) = app
        .get("inspector", &format!("/api/v1/audit?from={tomorrow}"))
        .await;
    assert_eq!(none["total"], 0, "{none}");
    let yesterday = today.pred_opt().unwrap();
    let (_, before) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?actor=supervisor&to={yesterday}"),
        )
        .await;
    assert_eq!(before["total"], 0, "{before}");
    let (status, body) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?from={today}&to={yesterday}"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "invalid_field", Some("to"));
    let filtered = app
        .page(
            &c,
            &format!("/audit?actor=supervisor&from={today}&to={today}"),
        )
        .await;
    assert!(
        filtered.contains(&format!("共 {mine_total} 条")),
        "{filtered}"
    );
}

/// The entries a filter selects download as a workbook that reads back with the same rows.
async fn the_filtered_entries_export_to_xlsx(backend: Backend) {
    use calamine::{Reader, Xlsx};
    let app = spawn_app(backend).await;
    audited_changes(&app).await;
    let (_, mine) = app
        .get("inspector", "/api/v1/audit?actor=supervisor&per_page=200")
        .await;
    let expected: Vec<i64> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(expected.len() >= 4);
    let c = app.browser_login("inspector").await;
    let page = app.page(&c, "/audit?actor=supervisor").await;
    assert!(page.contains("/audit.xlsx?actor=supervisor"), "{page}");
    let r = c
        .get(app.url("/audit.xlsx?actor=supervisor"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an .xlsx");
    let sheet = wb.worksheet_range("审计日志").expect("the sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][..4], ["序号", "时间", "操作人", "操作"]);
    let seqs: Vec<i64> = rows[1..]
        .iter()
        .map(|r| r[0].parse::<f64>().unwrap() as i64)
        .collect();
    assert_eq!(seqs, expected, "the filtered rows, newest first");
    assert!(rows[1..].iter().all(|r| r[2].contains("supervisor")));
    let text = format!("{rows:?}");
    assert!(
        text.contains("县林业局 → 县林业和草原局") && text.contains("关于做好审计测试工作的通知"),
        "{text}"
    );
    // The API gives the same workbook to a token; a supervisor may not read the trail at all.
    let r = app
        .client
        .get(app.url("/api/v1/audit.xlsx?actor=supervisor"))
        .bearer_auth(app.token("inspector"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .client
        .get(app.url("/api/v1/audit.xlsx"))
        .bearer_auth(app.token("supervisor"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// The inspector checks the chain from the page and reads the verdict in Chinese; the
/// county office, which the grant table does not let read the trail, cannot run it; a stored
/// change altered in the database is found.
async fn the_inspector_runs_the_integrity_check_from_the_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit_id, _) = audited_changes(&app).await;
    assert!(!jianfu_domain::policy::role_may(
        jianfu_core::Role::Supervisor,
        jianfu_domain::policy::Action::ViewAudit
    ));
    let c = app.browser_login("inspector").await;
    let page = app.page(&c, "/audit").await;
    assert!(page.contains("校验审计日志完整性"), "{page}");
    let r = c
        .post(app.url("/audit/verify"))
        .form(&[("csrf_token", csrf_of(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let done = r.text().await.unwrap();
    assert!(done.contains("校验结果：完整"), "{done}");
    let admin = app.browser_login("admin").await;
    let page = app.page(&admin, "/audit").await;
    let r = admin
        .post(app.url("/audit/verify"))
        .form(&[("csrf_token", csrf_of(&page))])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("校验结果：完整"));

    let office = app.browser_login("supervisor").await;
    let home = app.page(&office, "/").await;
    assert!(
        !home.contains("href=\"/audit\""),
        "no way to the trail: {home}"
    );
    let r = office.get(app.url("/audit")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = office
        .post(app.url("/audit/verify"))
        .form(&[("csrf_token", csrf_of(&home))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, _) = app
        .send("supervisor", "POST", "/api/v1/audit/verify", &json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, report) = app
        .send("inspector", "POST", "/api/v1/audit/verify", &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["intact"].as_bool(), report["verdict"].as_str()),
        (Some(true), Some("完整"))
    );
    // The stored change of the rename altered behind the platform's back: its digest, which
    // the chain signs, no longer matches.
    let seq = app
        .scalar(&format!(
            "SELECT MAX(seq) FROM audit_log WHERE entity = 'org_unit' AND entity_id = '{unit_id}'"
        ))
        .await;
    exec(
        &app,
        &format!("UPDATE audit_log SET after_json = REPLACE(after_json, '县林业和草原局', '县园林局') WHERE seq = {seq}"),
    )
    .await;
    let (_, report) = app
        .send("inspector", "POST", "/api/v1/audit/verify", &json!({}))
        .await;
    assert_eq!(report["intact"], false, "{report}");
    assert_eq!(report["verdict"], "发现问题");
    assert_eq!(report["broken_seq"], seq);
    assert!(
        report["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("第{seq}条")),
        "{report}"
    );
    let (code, out) = verify_cli(&app.db_url);
    assert_eq!(code, 1, "{out}");
}
