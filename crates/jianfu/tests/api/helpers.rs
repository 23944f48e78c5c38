use jianfu_store::{migrate, Db};
use rand::Rng;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per backend for a story `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => { $crate::both_backends!(backends: $($name),*); };
    ($group:ident: $($name:ident),* $(,)?) => { mod $group { use super::*; $crate::both_backends!(@inner $($name),*); } };
    (@inner $($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::helpers::Backend::Sqlite).await }
            )*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::helpers::Backend::Postgres).await }
            )*
        }
    };
}

pub const DEMO_ACCOUNTS: [&str; 6] = [
    "admin",
    "supervisor",
    "filer",
    "township",
    "village",
    "inspector",
];

pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// A URL the `jianfu` binary can open for the same database.
    pub db_url: String,
    pub client: reqwest::Client,
    tokens: HashMap<String, String>,
    _dir: Option<tempfile::TempDir>,
}

fn postgres_base() -> String {
    std::env::var("JIANFU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh, migrated database with the demo region, and its URL.
pub async fn fresh_database(backend: Backend) -> (Db, String, Option<tempfile::TempDir>) {
    let (url, dir) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            (
                format!("sqlite://{}/jianfu.db", dir.path().display()),
                Some(dir),
            )
        }
        Backend::Postgres => {
            let schema = format!("t_{}", rand::thread_rng().gen::<u64>());
            let admin = Db::connect(&postgres_base()).await.expect(
                "PostgreSQL must be reachable for the tests (set JIANFU_TEST_POSTGRES); see README",
            );
            admin
                .raw_script(&format!("CREATE SCHEMA {schema}"))
                .await
                .expect("create schema");
            admin.close().await;
            let sep = if postgres_base().contains('?') {
                '&'
            } else {
                '?'
            };
            (
                format!(
                    "{}{sep}options=-c%20search_path%3D{schema}",
                    postgres_base()
                ),
                None,
            )
        }
    };
    jianfu::install().expect("modules");
    let db = Db::connect(&url)
        .await
        .expect("connect")
        .with_audit_key(audit_key());
    migrate::run(&db).await.expect("migrate");
    jianfu_demo::ensure_region(&db).await.expect("demo region");
    (db, url, dir)
}

/// The key the tests' databases sign their audit trail with. It rides on each database handle,
/// and the `jianfu` commands a test runs get it in their own environment ([`jianfu_command`]),
/// so no test sets a variable of this process.
pub const AUDIT_KEY: &str = "jianfu-tests-audit-key-0123456789abcdef";

pub fn audit_key() -> jianfu_store::AuditKey {
    jianfu_store::AuditKey::new(AUDIT_KEY.as_bytes())
}

/// The `jianfu` binary as the tests run it against their databases: with the tests' audit key
/// and none of the caller's configuration.
pub fn jianfu_command() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_jianfu"));
    c.env("JIANFU_AUDIT_KEY", AUDIT_KEY)
        .env_remove("JIANFU_AUDIT_KEY_FILE")
        .env_remove("JIANFU_DATABASE_URL")
        .env_remove("JIANFU_LISTEN");
    c
}

/// How the tests' apps parse uploads: in the worker process the `jianfu` binary runs as
/// `jianfu parse-worker`, as the server does (this test binary is not `jianfu`).
pub fn parse_config() -> jianfu_parse::ParseConfig {
    jianfu_parse::ParseConfig::with_worker(env!("CARGO_BIN_EXE_jianfu"))
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// An app whose state the test adjusts first (its parse queue, its limits …).
pub async fn spawn_app_with(
    backend: Backend,
    configure: impl FnOnce(&mut jianfu_web::AppState),
) -> TestApp {
    let (db, db_url, dir) = fresh_database(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let mut state = jianfu_web::AppState::new(db.clone());
    state.parser = jianfu_parse::Parser::new(parse_config());
    configure(&mut state);
    tokio::spawn(async move { jianfu_web::serve(listener, state).await });
    let mut tokens = HashMap::new();
    for name in DEMO_ACCOUNTS
        .iter()
        .chain(&["filer_edu", "city_supervisor"])
    {
        let t = jianfu_domain::auth::issue_token(&db, name, "test")
            .await
            .expect("token");
        tokens.insert(name.to_string(), t);
    }
    let client = reqwest::Client::builder()
        // A fresh connection per request: a server that refuses an oversized body closes the
        // connection, and a pooled one would make the next request fail.
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        base,
        db,
        db_url,
        client,
        tokens,
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn token(&self, user: &str) -> &str {
        self.tokens
            .get(user)
            .map(String::as_str)
            .expect("demo user has a token")
    }

    pub async fn get(&self, user: &str, path: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(self.token(user))
            .send()
            .await
            .expect("request");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(
        &self,
        user: &str,
        method: &str,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let r = self
            .client
            .request(m, self.url(path))
            .bearer_auth(self.token(user))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send_raw(
        &self,
        user: &str,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let r = self
            .client
            .request(m, self.url(path))
            .bearer_auth(self.token(user))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The id of the demo unit with this exact name.
    pub async fn unit_id(&self, name: &str) -> i64 {
        let (status, body) = self
            .get(
                "admin",
                &format!("/api/v1/org-units?q={}&per_page=200", urlencode(name)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|u| u["name"] == name))
            .and_then(|u| u["id"].as_i64())
            .unwrap_or_else(|| panic!("unit {name} not found"))
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        let (_, body) = self
            .get("admin", &format!("/api/v1/users?q={username}"))
            .await;
        body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|u| u["username"] == username))
            .and_then(|u| u["id"].as_i64())
            .unwrap_or_else(|| panic!("user {username} not found"))
    }

    /// A browser-like client with a cookie jar, signed in through the login form.
    /// A page's HTML as a signed-in browser client gets it.
    pub async fn page(&self, c: &reqwest::Client, path: &str) -> String {
        c.get(self.url(path))
            .send()
            .await
            .expect("page request")
            .text()
            .await
            .expect("page body")
    }

    /// Uploads `bytes` as the `file` field of a multipart form to an API route.
    pub async fn upload(
        &self,
        user: &str,
        path: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(self.token(user))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .expect("upload");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn browser_login(&self, username: &str) -> reqwest::Client {
        let c = reqwest::Client::builder()
            // A fresh connection per request: a server that refuses an oversized body closes the
            // connection, and a pooled one would make the next request fail.
            .pool_max_idle_per_host(0)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let r = c
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", jianfu_demo::DEMO_PASSWORD),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "login of {username} failed"
        );
        c
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        self.db
            .scalar(&jianfu_store::Q::new(sql))
            .await
            .expect("query")
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Asserts the SPEC §5 error body and returns it.
pub fn assert_error(body: &Value, code: &str, field: Option<&str>) {
    let e = &body["error"];
    assert_eq!(e["code"], code, "unexpected error body {body}");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
        "message not Chinese: {body}"
    );
    if let Some(f) = field {
        assert_eq!(e["field"], f, "unexpected field in {body}");
    }
}

/// The CSRF token embedded in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let i = html.find(marker).expect("page carries a CSRF token") + marker.len();
    html[i..i + 64].to_string()
}

/// Whether a warning of the API names the record `(channel, id)` among its records.
pub fn names_record(warning: &Value, channel: &str, id: i64) -> bool {
    let records = warning["records"].as_array().expect("records is an array");
    records
        .iter()
        .any(|r| r["channel"] == channel && r["id"].as_i64() == Some(id))
}

/// An application `filer` makes (`body` as `POST /api/v1/approvals` takes it) and the
/// supervisor approves; its id, for an item to cite.
pub async fn approved(app: &TestApp, filer: &str, body: &Value) -> i64 {
    let (status, a) = app.send(filer, "POST", "/api/v1/approvals", body).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().expect("approval id");
    let decision = serde_json::json!({"decision": "approve"});
    let path = format!("/api/v1/approvals/{id}/decision");
    let (status, a) = app.send("supervisor", "POST", &path, &decision).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    id
}

/// The open warnings a user sees, with an extra query (`&rule=…`).
pub async fn open_warnings(app: &TestApp, user: &str, query: &str) -> Vec<Value> {
    let (status, body) = app
        .get(
            user,
            &format!("/api/v1/warnings?status=open&per_page=200&{query}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().cloned().unwrap_or_default()
}
