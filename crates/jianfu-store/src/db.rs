//! The database handle: one type over the two pools (and the audit key it signs with), one query value, one transaction type.
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{FromRow, Postgres, Sqlite};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库地址无效：{0}（应为 sqlite://路径 或 postgres://主机/库名）")]
    BadUrl(String),
    #[error("无法连接数据库：{0}")]
    Connect(String),
    #[error("数据库迁移失败：{0}")]
    Migrate(String),
    #[error("唯一约束冲突：{message}")]
    Unique {
        message: String,
        /// The column whose value is taken, when the backend's error names it.
        field: Option<String>,
    },
    #[error("数据库错误：{0}")]
    Sql(#[from] sqlx::Error),
    #[error("审计记录无法签名：{0}")]
    Audit(String),
    #[error("写入线程出错：{0}")]
    Writer(String),
}

impl StoreError {
    fn from_sqlx(e: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Unique {
                    message: db.message().to_string(),
                    field: unique_field(db.as_ref()),
                };
            }
        }
        StoreError::Sql(e)
    }
}

impl From<StoreError> for jianfu_core::AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unique { field, .. } => jianfu_core::AppError::Conflict {
                code: "duplicate",
                message: "记录已存在，请勿重复提交".into(),
                field,
            },
            other => jianfu_core::AppError::internal(other),
        }
    }
}

/// The column of a unique violation (the first, for a key over several), on either backend.
fn unique_field(db: &dyn sqlx::error::DatabaseError) -> Option<String> {
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return pg
            .detail()
            .and_then(pg_key_column)
            .or_else(|| pg_constraint_column(pg.constraint()?, pg.table()?));
    }
    sqlite_unique_column(db.message())
}

/// SQLite: "UNIQUE constraint failed: org_units.code" → `code`.
fn sqlite_unique_column(message: &str) -> Option<String> {
    let columns = message.strip_prefix("UNIQUE constraint failed: ")?;
    let first = columns.split(',').next()?;
    let (_table, column) = first.trim().split_once('.')?;
    Some(column.to_string())
}

/// PostgreSQL's detail: "Key (code)=(139921-D16) already exists." → `code`.
fn pg_key_column(detail: &str) -> Option<String> {
    let columns = detail.strip_prefix("Key (")?.split_once(")=(")?.0;
    let first = columns.split(',').next()?.trim().trim_matches('"');
    (!first.is_empty()).then(|| first.to_string())
}

/// PostgreSQL's constraint name when there is no detail: `org_units_code_key` on table
/// `org_units` → `code` (the name PostgreSQL gives a UNIQUE column, and our migrations use).
fn pg_constraint_column(constraint: &str, table: &str) -> Option<String> {
    let column = constraint
        .strip_prefix(table)?
        .strip_prefix('_')?
        .strip_suffix("_key")?;
    (!column.is_empty()).then(|| column.to_string())
}

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I64(Option<i64>),
    F64(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::I64(v)
    }
}
impl From<Option<f64>> for Arg {
    fn from(v: Option<f64>) -> Self {
        Arg::F64(v)
    }
}
impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::F64(Some(v))
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}
impl From<Option<bool>> for Arg {
    fn from(v: Option<bool>) -> Self {
        Arg::Bool(v)
    }
}
impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(Some(v))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_string()))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_string))
    }
}

/// A query: SQL in the common dialect and its arguments.
#[derive(Debug, Clone)]
pub struct Q {
    pub sql: String,
    pub args: Vec<Arg>,
}

impl Q {
    pub fn new(sql: impl Into<String>) -> Q {
        Q {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    pub fn bind(mut self, v: impl Into<Arg>) -> Q {
        self.args.push(v.into());
        self
    }

    /// Appends SQL and returns the placeholder number for the next argument.
    pub fn push(&mut self, sql: &str) -> &mut Q {
        self.sql.push_str(sql);
        self
    }

    /// Appends an argument and returns its `$n` placeholder, for building queries piece by piece.
    pub fn arg(&mut self, v: impl Into<Arg>) -> String {
        self.args.push(v.into());
        format!("${}", self.args.len())
    }

    /// Appends `$a, $b, …` for the values (the inside of an `IN (…)`).
    pub fn push_list<T: Into<Arg>>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Q {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            let p = self.arg(v);
            self.sql.push_str(&p);
        }
        self
    }
}

macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(*v),
                Arg::F64(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_deref()),
                Arg::Bool(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.as_deref()),
            };
        }
        q
    }};
}

/// A row type that decodes from either backend.
pub trait DbRow:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> DbRow for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// The database. SQLite keeps one writer connection (SQLite serialises writers anyway;
/// one connection avoids busy errors inside the process) beside a pool of readers.
#[derive(Clone, Debug)]
pub struct Db {
    pools: Pools,
    /// The key the audit trail's entries are signed with (see [`AuditKey`]); none until the
    /// process configures one, and then a write that records an audit entry is refused.
    audit_key: Option<AuditKey>,
}

#[derive(Clone, Debug)]
enum Pools {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// The secret the audit trail is keyed with (HMAC-SHA256 in the domain). It comes from the
/// process's configuration, never from the database, and rides on the handle so that every
/// transaction that records an entry can sign it. Its bytes never appear in `Debug`.
#[derive(Clone)]
pub struct AuditKey(std::sync::Arc<[u8]>);

impl AuditKey {
    pub fn new(bytes: impl Into<Vec<u8>>) -> AuditKey {
        AuditKey(bytes.into().into())
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

/// Runs one sqlx call on whichever of the four executors a connection holds.
macro_rules! on_conn {
    ($conn:expr, $q:expr, |$query:ident| $sqlite:expr, |$pquery:ident| $pg:expr, $call:ident) => {
        match $conn {
            Conn::SqlitePool(p) => {
                let $query = bind_args!($sqlite, &$q.args);
                $query.$call(&*p).await
            }
            Conn::SqliteTx(t) => {
                let $query = bind_args!($sqlite, &$q.args);
                $query.$call(&mut **t).await
            }
            Conn::PgPool(p) => {
                let $pquery = bind_args!($pg, &$q.args);
                $pquery.$call(&*p).await
            }
            Conn::PgTx(t) => {
                let $pquery = bind_args!($pg, &$q.args);
                $pquery.$call(&mut **t).await
            }
        }
        .map_err(StoreError::from_sqlx)
    };
}

/// A connection to run queries on: a pool (reads) or an open transaction (writes).
pub enum Conn {
    SqlitePool(SqlitePool),
    SqliteTx(sqlx::Transaction<'static, Sqlite>),
    PgPool(PgPool),
    PgTx(sqlx::Transaction<'static, Postgres>),
}

impl Conn {
    pub async fn fetch_all<T: DbRow>(&mut self, q: &Q) -> Result<Vec<T>, StoreError> {
        on_conn!(
            self,
            q,
            |a| sqlx::query_as::<Sqlite, T>(&q.sql),
            |b| sqlx::query_as::<Postgres, T>(&q.sql),
            fetch_all
        )
    }

    pub async fn fetch_optional<T: DbRow>(&mut self, q: &Q) -> Result<Option<T>, StoreError> {
        on_conn!(
            self,
            q,
            |a| sqlx::query_as::<Sqlite, T>(&q.sql),
            |b| sqlx::query_as::<Postgres, T>(&q.sql),
            fetch_optional
        )
    }

    pub async fn fetch_one<T: DbRow>(&mut self, q: &Q) -> Result<T, StoreError> {
        on_conn!(
            self,
            q,
            |a| sqlx::query_as::<Sqlite, T>(&q.sql),
            |b| sqlx::query_as::<Postgres, T>(&q.sql),
            fetch_one
        )
    }

    /// Runs a statement and returns the number of rows it affected.
    pub async fn execute(&mut self, q: &Q) -> Result<u64, StoreError> {
        match self {
            Conn::SqlitePool(p) => bind_args!(sqlx::query::<Sqlite>(&q.sql), &q.args)
                .execute(&*p)
                .await
                .map(|r| r.rows_affected()),
            Conn::SqliteTx(t) => bind_args!(sqlx::query::<Sqlite>(&q.sql), &q.args)
                .execute(&mut **t)
                .await
                .map(|r| r.rows_affected()),
            Conn::PgPool(p) => bind_args!(sqlx::query::<Postgres>(&q.sql), &q.args)
                .execute(&*p)
                .await
                .map(|r| r.rows_affected()),
            Conn::PgTx(t) => bind_args!(sqlx::query::<Postgres>(&q.sql), &q.args)
                .execute(&mut **t)
                .await
                .map(|r| r.rows_affected()),
        }
        .map_err(StoreError::from_sqlx)
    }

    /// One page of a listing and the total count. `from_where` appends the FROM and WHERE
    /// clauses; it runs once for the count and once for the rows, so both see the same filter.
    pub async fn page<T: DbRow>(
        &mut self,
        cols: &str,
        from_where: impl Fn(&mut Q),
        order_by: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<T>, i64), StoreError> {
        let mut count = Q::new("SELECT COUNT(*)");
        from_where(&mut count);
        let total = self.scalar(&count).await?;
        let mut q = Q::new(format!("SELECT {cols}"));
        from_where(&mut q);
        let l = q.arg(limit);
        let o = q.arg(offset);
        q.push(&format!(" ORDER BY {order_by} LIMIT {l} OFFSET {o}"));
        Ok((self.fetch_all(&q).await?, total))
    }

    /// PostgreSQL's COPY … FROM STDIN with the data given (bulk loads); `None` on SQLite,
    /// which the caller answers with multi-row INSERTs.
    pub async fn pg_copy_in(
        &mut self,
        statement: &str,
        data: Vec<u8>,
    ) -> Result<Option<u64>, StoreError> {
        let rows = match self {
            Conn::PgTx(t) => {
                let mut copy = t.copy_in_raw(statement).await?;
                copy.send(data).await?;
                copy.finish().await?
            }
            Conn::PgPool(p) => {
                let mut conn = p.acquire().await?;
                let mut copy = conn.copy_in_raw(statement).await?;
                copy.send(data).await?;
                copy.finish().await?
            }
            Conn::SqlitePool(_) | Conn::SqliteTx(_) => return Ok(None),
        };
        Ok(Some(rows))
    }

    /// A single integer, e.g. `SELECT COUNT(*)` or `INSERT … RETURNING id`.
    pub async fn scalar(&mut self, q: &Q) -> Result<i64, StoreError> {
        let (v,): (i64,) = self.fetch_one(q).await?;
        Ok(v)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Conn::SqlitePool(_) | Conn::SqliteTx(_) => Backend::Sqlite,
            Conn::PgPool(_) | Conn::PgTx(_) => Backend::Postgres,
        }
    }
}

/// A write transaction; dropped without [`Tx::commit`] it rolls back.
pub struct Tx {
    conn: Conn,
    audit_key: Option<AuditKey>,
    /// Audit entries recorded in this transaction, chained and stored at commit.
    audit: Vec<crate::audit::PendingEntry>,
}

impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.conn
    }
}
impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

impl Tx {
    /// The key of the handle this transaction was begun on.
    pub fn audit_key(&self) -> Option<&AuditKey> {
        self.audit_key.as_ref()
    }

    /// Records an audit entry of this transaction. It takes its place in the chain (its number,
    /// the hash before it, its own keyed hash) at [`Tx::commit`], just before the commit: the
    /// chain's head row is locked only that long, not for the whole write (on PostgreSQL
    /// concurrent writers would otherwise queue behind it from their first audit entry on).
    pub fn defer_audit(&mut self, entry: crate::audit::PendingEntry) {
        self.audit.push(entry);
    }

    pub async fn commit(mut self) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.audit);
        for p in pending {
            crate::audit::chain(&mut self, p).await?;
        }
        match self.conn {
            Conn::SqliteTx(t) => t.commit().await?,
            Conn::PgTx(t) => t.commit().await?,
            Conn::SqlitePool(_) | Conn::PgPool(_) => {}
        }
        Ok(())
    }
}

impl Db {
    /// Connects by URL: `sqlite://path` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(format!("{url}（{e}）")))?;
            Self::connect_postgres(opts).await
        } else {
            Err(StoreError::BadUrl(url.to_string()))
        }
    }

    /// PostgreSQL with explicit options (tests use them to pin a private schema).
    pub async fn connect_postgres(opts: PgConnectOptions) -> Result<Db, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        Ok(Db {
            pools: Pools::Postgres(pool),
            audit_key: None,
        })
    }

    async fn connect_sqlite(url: &str) -> Result<Db, StoreError> {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() || path == ":memory:" {
            return Err(StoreError::BadUrl(format!("{url}（请指定数据库文件路径）")));
        }
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Connect(format!("无法创建目录{}：{e}", dir.display()))
                })?;
            }
        }
        // WAL lets readers run beside the writer; synchronous=FULL makes every commit reach
        // the disk before it is acknowledged, so an acknowledged write survives a power cut,
        // not only a killed process (see README, "Durability").
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-65536");
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts.read_only(false))
            .await
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        Ok(Db {
            pools: Pools::Sqlite { read, write },
            audit_key: None,
        })
    }

    /// The same database, its audit entries signed with `key`.
    pub fn with_audit_key(self, key: AuditKey) -> Db {
        Db {
            audit_key: Some(key),
            ..self
        }
    }

    pub fn audit_key(&self) -> Option<&AuditKey> {
        self.audit_key.as_ref()
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection for reads (cheap: pools are reference-counted).
    pub fn reader(&self) -> Conn {
        match &self.pools {
            Pools::Sqlite { read, .. } => Conn::SqlitePool(read.clone()),
            Pools::Postgres(p) => Conn::PgPool(p.clone()),
        }
    }

    /// Runs `work`, a write that begins and commits its own transaction, where it holds the
    /// writer for the shortest time. SQLite has one writer connection, held from `begin` to
    /// commit, and each statement hands its result back to the writing task: on a busy server
    /// that task waited behind every other request's for a turn on the runtime's threads, once
    /// per statement, and the writer sat idle meanwhile. So on SQLite writes run on a thread of
    /// their own whose runtime has no other work. On PostgreSQL, whose connections' I/O the main
    /// runtime drives and whose writes run side by side, `work` runs where it is.
    pub async fn write<F, T, E>(&self, work: F) -> Result<T, E>
    where
        F: std::future::Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        if self.backend() == Backend::Postgres {
            return work.await;
        }
        match writer() {
            Ok(handle) => handle
                .spawn(work)
                .await
                .map_err(|e| E::from(StoreError::Writer(e.to_string())))?,
            Err(e) => Err(E::from(StoreError::Writer(e.clone()))),
        }
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let conn = match &self.pools {
            Pools::Sqlite { write, .. } => Conn::SqliteTx(write.begin().await?),
            Pools::Postgres(p) => Conn::PgTx(p.begin().await?),
        };
        Ok(Tx {
            conn,
            audit_key: self.audit_key.clone(),
            audit: Vec::new(),
        })
    }

    // Convenience reads straight on the handle.
    pub async fn fetch_all<T: DbRow>(&self, q: &Q) -> Result<Vec<T>, StoreError> {
        self.reader().fetch_all(q).await
    }
    pub async fn fetch_optional<T: DbRow>(&self, q: &Q) -> Result<Option<T>, StoreError> {
        self.reader().fetch_optional(q).await
    }
    pub async fn fetch_one<T: DbRow>(&self, q: &Q) -> Result<T, StoreError> {
        self.reader().fetch_one(q).await
    }
    pub async fn scalar(&self, q: &Q) -> Result<i64, StoreError> {
        self.reader().scalar(q).await
    }

    /// Runs a script of several statements without arguments (migrations, maintenance).
    pub async fn raw_script(&self, sql: &str) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { write, .. } => sqlx::raw_sql(sql).execute(write).await.map(|_| ()),
            Pools::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        }
        .map_err(StoreError::from_sqlx)
    }

    /// A consistent copy of a live SQLite database (`VACUUM INTO`); PostgreSQL has pg_dump.
    pub async fn backup_sqlite(&self, to: &std::path::Path) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { write, .. } => {
                sqlx::query("VACUUM INTO $1")
                    .bind(to.to_string_lossy().to_string())
                    .execute(write)
                    .await?;
                Ok(())
            }
            Pools::Postgres(_) => Err(StoreError::BadUrl(
                "PostgreSQL 数据库请使用 pg_dump 备份".into(),
            )),
        }
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(p) => p.close().await,
        }
    }
}

/// The writer thread's runtime (see [`Db::write`]), started with the first write: one
/// thread for the process, which runs until the process ends.
fn writer() -> Result<&'static tokio::runtime::Handle, &'static String> {
    static WRITER: std::sync::OnceLock<Result<tokio::runtime::Handle, String>> =
        std::sync::OnceLock::new();
    WRITER
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("jianfu-writer".into())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .map_err(|e| e.to_string())?;
            Ok(handle)
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_column_of_a_sqlite_unique_violation() {
        assert_eq!(
            sqlite_unique_column("UNIQUE constraint failed: org_units.code"),
            Some("code".into())
        );
        assert_eq!(
            sqlite_unique_column(
                "UNIQUE constraint failed: warnings.rule_id, warnings.subject_key"
            ),
            Some("rule_id".into())
        );
        assert_eq!(sqlite_unique_column("duplicate key"), None);
    }

    #[test]
    fn reads_the_column_of_a_postgres_unique_violation() {
        assert_eq!(
            pg_key_column("Key (code)=(139921-D16) already exists."),
            Some("code".into())
        );
        assert_eq!(
            pg_key_column("Key (rule_id, subject_key)=(doc.length, d:1) already exists."),
            Some("rule_id".into())
        );
        assert_eq!(
            pg_key_column(r#"Key ("Code")=(x) already exists."#),
            Some("Code".into())
        );
        assert_eq!(pg_key_column("Failing row contains (1, x)."), None);
        assert_eq!(
            pg_constraint_column("org_units_code_key", "org_units"),
            Some("code".into())
        );
        assert_eq!(
            pg_constraint_column("users_username_key", "users"),
            Some("username".into())
        );
        assert_eq!(pg_constraint_column("warnings_live_key", "org_units"), None);
        assert_eq!(pg_constraint_column("org_units_pkey", "org_units"), None);
    }
}
