//! The `jianfu` command line as an operator uses it.
use crate::both_backends;
use crate::helpers::{fresh_database, spawn_app, Backend};

both_backends!(token_prints_only_the_token, migrate_is_idempotent);

fn jianfu(args: &[&str]) -> (i32, String, String) {
    let out = crate::helpers::jianfu_command()
        .args(args)
        .output()
        .expect("run jianfu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

async fn token_prints_only_the_token(backend: Backend) {
    let app = spawn_app(backend).await;
    for user in [
        "admin",
        "supervisor",
        "filer",
        "township",
        "village",
        "inspector",
    ] {
        let (code, out, _) = jianfu(&["token", "--user", user, "--database", &app.db_url]);
        assert_eq!(code, 0);
        let token = out.trim_end_matches('\n');
        assert!(
            token.starts_with("jf_")
                && !token.contains(char::is_whitespace)
                && out.lines().count() == 1,
            "{out:?}"
        );
        let r = app
            .client
            .get(app.url("/api/v1/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let me: serde_json::Value = r.json().await.unwrap();
        assert_eq!(me["username"], user);
    }
    let (code, out, err) = jianfu(&["token", "--user", "nobody", "--database", &app.db_url]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("用户“nobody”不存在"), "{err}");
}

async fn migrate_is_idempotent(backend: Backend) {
    let (_db, url, _dir) = fresh_database(backend).await;
    let (code, out, err) = jianfu(&["migrate", "--database", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("本次执行0项"), "{out}");
}

#[test]
fn bad_flags_and_unreachable_databases_get_chinese_errors() {
    let (code, _, err) = jianfu(&["serve", "--no-such-flag"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("未知参数") && err.contains("--no-such-flag"),
        "{err}"
    );
    let (code, _, err) = jianfu(&["frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("未知命令"), "{err}");
    let (code, _, err) = jianfu(&["token"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("缺少必需参数") && err.contains("--user"),
        "{err}"
    );
    let (code, _, err) = jianfu(&[
        "migrate",
        "--database",
        "postgres://nobody@127.0.0.1:1/none",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("无法连接数据库"), "{err}");
    let (code, _, err) = jianfu(&["migrate", "--database", "mysql://localhost/x"]);
    assert_eq!(code, 2);
    assert!(err.contains("数据库地址无效"), "{err}");
    let (code, out, _) = jianfu(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("基层减负在线监管平台"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_copies_a_live_sqlite_database() {
    let app = spawn_app(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.db");
    let (code, out, err) = jianfu(&[
        "backup",
        "--to",
        target.to_str().unwrap(),
        "--database",
        &app.db_url,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已备份"));
    let copy = jianfu_store::Db::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    let q = jianfu_store::Q::new("SELECT COUNT(*) FROM org_units");
    assert_eq!(
        copy.scalar(&q).await.unwrap(),
        app.db.scalar(&q).await.unwrap()
    );
    let (code, out, _) = jianfu(&[
        "audit",
        "verify",
        "--database",
        &format!("sqlite://{}", target.display()),
    ]);
    assert_eq!(code, 0, "the copy's audit trail is intact: {out}");
    let (code, _, err) = jianfu(&[
        "backup",
        "--to",
        target.to_str().unwrap(),
        "--database",
        &app.db_url,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("已存在"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_region_is_created_once() {
    let (db, _url, _dir) = fresh_database(Backend::Sqlite).await;
    let q = jianfu_store::Q::new("SELECT COUNT(*) FROM org_units");
    let units = db.scalar(&q).await.unwrap();
    let again = jianfu_web::module::seed_demo(&db).await.unwrap();
    assert!(!again.created);
    assert_eq!(db.scalar(&q).await.unwrap(), units);
    let villages = db
        .scalar(&jianfu_store::Q::new(
            "SELECT COUNT(*) FROM org_units WHERE level = 'village'",
        ))
        .await
        .unwrap();
    let depts = db
        .scalar(&jianfu_store::Q::new(
            "SELECT COUNT(*) FROM org_units WHERE level = 'department'",
        ))
        .await
        .unwrap();
    assert!(
        (140..=160).contains(&villages) && depts >= 30,
        "{villages} villages, {depts} departments"
    );
    let names: Vec<&str> = again.logins.iter().map(|l| l.username).collect();
    for spec_account in [
        "admin",
        "supervisor",
        "filer",
        "township",
        "village",
        "inspector",
    ] {
        assert!(names.contains(&spec_account));
    }
}

both_backends!(bench: bench_ledger_loads_evaluates_and_queries, bench_writes_serves_concurrent_clients);

/// `jianfu bench writes`: the server takes writes from concurrent API clients while a reader
/// asks for ledgers; every write it counts is stored, in the module's table and the spine.
async fn bench_writes_serves_concurrent_clients(backend: Backend) {
    let (db, url, _dir) = fresh_database(backend).await;
    let (code, out, err) = jianfu(&[
        "bench",
        "writes",
        "--items",
        "2000",
        "--writers",
        "3",
        "--seconds",
        "3",
        "--database",
        &url,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let written: i64 = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("写入 "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of writes: {out}"));
    assert!(
        written > 0 && out.contains("失败 0 条") && out.contains("p99"),
        "{out}"
    );
    let q = |sql: &str| jianfu_store::Q::new(sql.to_string());
    let stored = db
        .scalar(&q("SELECT COUNT(*) FROM burden_items"))
        .await
        .unwrap();
    assert_eq!(stored, 2000 + written, "{out}");
    let (code, _, err) = jianfu(&["bench", "writes", "--writers", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("客户端数"), "{err}");
}

async fn bench_ledger_loads_evaluates_and_queries(backend: Backend) {
    let (db, url, _dir) = fresh_database(backend).await;
    let (code, out, err) = jianfu(&[
        "bench",
        "ledger",
        "--items",
        "3000",
        "--queries",
        "10",
        "--database",
        &url,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("装载：3000 条")
            && out.contains("全量规则评估")
            && out.contains("p95")
            && out.contains("单条发文写入（20 次"),
        "{out}"
    );
    let q = |sql: &str| jianfu_store::Q::new(sql.to_string());
    let items = db
        .scalar(&q("SELECT COUNT(*) FROM documents"))
        .await
        .unwrap()
        + db.scalar(&q("SELECT COUNT(*) FROM meetings"))
            .await
            .unwrap()
        + db.scalar(&q("SELECT COUNT(*) FROM inspections"))
            .await
            .unwrap();
    // The bulk load's 3,000 items (documents, meetings, inspections) and the 20 documents written
    // one by one, each in the spine.
    assert_eq!(items, 3020);
    for spine in ["burden_items", "burden_targets"] {
        let n = db
            .scalar(&q(&format!("SELECT COUNT(*) FROM {spine}")))
            .await
            .unwrap();
        assert_eq!(n, 3020, "{spine}");
    }
    assert!(
        db.scalar(&q("SELECT COUNT(*) FROM warnings"))
            .await
            .unwrap()
            > 0
    );
    // The indexes dropped for the bulk load are back, under their migrated names.
    let names = "('documents_region_date_idx', 'documents_issuer_date_idx', 'documents_upper_idx', \
                 'meetings_region_date_idx', 'meetings_organizer_date_idx', 'burden_targets_unit_idx')";
    let indexes = match backend {
        Backend::Sqlite => {
            format!("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN {names}")
        }
        Backend::Postgres => format!("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN {names}"),
    };
    assert_eq!(db.scalar(&q(&indexes)).await.unwrap(), 6);
    // A second run refuses a database that already holds a ledger.
    let (code, _, err) = jianfu(&["bench", "ledger", "--items", "10", "--database", &url]);
    assert_eq!(code, 2);
    assert!(err.contains("需要一个空数据库"), "{err}");
}

/// Reads a figure that follows `label` in the output, e.g. "micro … 0.946".
fn figures_after(out: &str, label: &str) -> Vec<f64> {
    out.lines()
        .find(|l| l.trim_start().starts_with(label))
        .map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.parse::<f64>().ok())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn analysis_eval_prints_precision_and_recall() {
    let (code, out, err) = jianfu(&["analysis", "eval"]);
    assert_eq!(code, 0, "{out}{err}");
    // micro: dev P, dev R, TP, FP, FN, test P, test R, …
    let micro = figures_after(&out, "micro");
    assert!(micro.len() >= 7, "{out}");
    assert!(micro[5] >= 0.9 && micro[6] >= 0.85, "test split: {out}");
    // A lexicon extension that does not parse is refused with a Chinese message.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("extra.toml");
    std::fs::write(&bad, "[[cue]]\nkind = \"不存在的类别\"\n").unwrap();
    let (code, _, err) = jianfu(&["analysis", "eval", "--extend", bad.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(
        err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{err}"
    );
}

#[test]
fn bench_copy_and_search_report_their_figures() {
    let (code, out, err) = jianfu(&["bench", "copy", "--docs", "400", "--threads", "1"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.to_lowercase().contains("precision") || out.contains("准确率"),
        "{out}"
    );
    let (code, out, err) = jianfu(&["bench", "search", "--docs", "300"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("p95"), "{out}");
    let (code, _, err) = jianfu(&["bench", "copy", "--docs", "0"]);
    assert_ne!(code, 0, "{err}");
}

both_backends!(durability: an_acknowledged_write_survives_kill_9);

/// `jianfu serve` on `database`, on a free local port, until the returned child is killed.
async fn serve(database: &str, search: &std::path::Path) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = crate::helpers::jianfu_command()
        .args(["serve", "--listen", &listen, "--database", database])
        .arg("--search-dir")
        .arg(search)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start jianfu serve");
    let base = format!("http://{listen}");
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(r) = client.get(format!("{base}/login")).send().await {
            if r.status().is_success() {
                return (child, base);
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("jianfu serve did not come up on {listen}");
}

/// Eight clients file documents through the API while the server is killed with SIGKILL; after
/// a restart every document the server acknowledged (201 with its id) is there, as filed. On
/// SQLite the acknowledged writes include ones that shared a commit with others.
async fn an_acknowledged_write_survives_kill_9(backend: Backend) {
    let (db, url, _dir) = fresh_database(backend).await;
    let search = tempfile::tempdir().expect("search dir");
    let token = jianfu_domain::auth::issue_token(&db, "supervisor", "test")
        .await
        .expect("token");
    let unit = |name: &str| {
        jianfu_store::Q::new("SELECT id FROM org_units WHERE name = $1").bind(name.to_string())
    };
    let county = db.scalar(&unit("示例县")).await.unwrap();
    let agri = db.scalar(&unit("县农业农村局")).await.unwrap();
    let (mut server, base) = serve(&url, search.path()).await;

    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(i64, String)>::new()));
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (base, token, acknowledged) = (base.clone(), token.clone(), acknowledged.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for n in 0..10_000 {
                    let title = format!("关于做好断电测试第{c}-{n}项工作的通知");
                    let body = serde_json::json!({"issuer_id": agri, "title": title,
                        "kind": "通知", "carrier": "formal",
                        "issued_on": jianfu_core::time::today().to_string(),
                        "targets": [{"unit_id": county, "level": "township"}],
                        "body": "请各乡镇认真抓好贯彻落实。".repeat(20)});
                    let sent = client
                        .post(format!("{base}/api/v1/documents"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    let Ok(r) = sent else { return };
                    if r.status() != reqwest::StatusCode::CREATED {
                        return;
                    }
                    let Ok(v) = r.json::<serde_json::Value>().await else {
                        return;
                    };
                    let id = v["id"].as_i64().expect("id");
                    acknowledged.lock().unwrap().push((id, title));
                }
            })
        })
        .collect();
    // Killed while the clients are still writing.
    while acknowledged.lock().unwrap().len() < 60 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    for c in clients {
        c.await.expect("client");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let (mut server, base) = serve(&url, search.path()).await;
    let client = reqwest::Client::new();
    for (id, title) in &acknowledged {
        let r = client
            .get(format!("{base}/api/v1/documents/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("read back");
        assert_eq!(r.status(), reqwest::StatusCode::OK, "document {id} lost");
        let d: serde_json::Value = r.json().await.unwrap();
        assert_eq!(d["title"], title.as_str());
    }
    let items = db
        .scalar(&jianfu_store::Q::new(
            "SELECT COUNT(*) FROM burden_items b JOIN documents d ON d.id = b.item_id \
             WHERE b.channel = 'documents' AND d.title LIKE '关于做好断电测试%'",
        ))
        .await
        .unwrap();
    assert!(
        items >= acknowledged.len() as i64,
        "{items} ledger rows for {} acknowledged documents",
        acknowledged.len()
    );
    server.kill().expect("stop");
    let _ = server.wait();
}
