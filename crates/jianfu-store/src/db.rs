//! The database handle: one type over the two pools (and the audit key it signs with), one query value, one transaction type.
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{FromRow, Postgres, Sqlite};
use std::future::Future;
use std::pin::Pin;
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
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// Writes waiting for the writer (see [`Db::write`]).
        queue: tokio::sync::mpsc::Sender<Job>,
    },
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

    /// Runs a statement without arguments and without keeping it prepared (a bulk load's
    /// statements are each used once and may be megabytes long); returns the rows it affected.
    pub async fn execute_unprepared(&mut self, sql: &str) -> Result<u64, StoreError> {
        match self {
            Conn::SqlitePool(p) => sqlx::query::<Sqlite>(sql)
                .persistent(false)
                .execute(&*p)
                .await
                .map(|r| r.rows_affected()),
            Conn::SqliteTx(t) => sqlx::query::<Sqlite>(sql)
                .persistent(false)
                .execute(&mut **t)
                .await
                .map(|r| r.rows_affected()),
            Conn::PgPool(p) => sqlx::query::<Postgres>(sql)
                .persistent(false)
                .execute(&*p)
                .await
                .map(|r| r.rows_affected()),
            Conn::PgTx(t) => sqlx::query::<Postgres>(sql)
                .persistent(false)
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
        crate::audit::chain(&mut self, pending).await?;
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
        let (queue, queued) = tokio::sync::mpsc::channel(QUEUE);
        writer()
            .map_err(|e| StoreError::Connect(e.clone()))?
            .spawn(write_batches(write.clone(), queued));
        Ok(Db {
            pools: Pools::Sqlite { read, write, queue },
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

    /// Runs `work`, a write, in a transaction and commits it; `work` failing rolls it back.
    ///
    /// On SQLite one connection writes, and writes queue for it. They run on a thread of their
    /// own, whose runtime has no other work (on the request threads a writing task waited its
    /// turn behind other requests once per statement, and the writer sat idle meanwhile), and
    /// the writes waiting when the writer comes free share one transaction: each in a savepoint
    /// of its own (a failing write takes back only its own changes), their audit entries chained
    /// together, one commit reaching the disk for all. Each caller hears of its write only
    /// after that commit. On PostgreSQL, whose writes run side by side, `work` runs where it
    /// is, in a transaction of its own.
    pub async fn write<F, T, E>(&self, work: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> Work<'t, T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let queue = match &self.pools {
            Pools::Postgres(_) => {
                let mut tx = self.begin().await?;
                let done = work(&mut tx).await?;
                tx.commit().await?;
                return Ok(done);
            }
            Pools::Sqlite { queue, .. } => queue,
        };
        let (answer, answered) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job = Job {
            audit_key: self.audit_key.clone(),
            run: Box::new(move |tx: Result<Tx, StoreError>| {
                Box::pin(async move {
                    let mut tx = match tx {
                        Ok(tx) => tx,
                        Err(e) => {
                            let _ = answer.send(Err(E::from(e)));
                            return None;
                        }
                    };
                    let done = work(&mut tx).await;
                    let kept = done.is_ok();
                    let reply: Reply = Box::new(move |committed: Result<(), StoreError>| {
                        let _ = answer.send(match (done, committed) {
                            (Ok(v), Ok(())) => Ok(v),
                            (Ok(_), Err(e)) => Err(E::from(e)),
                            (Err(e), _) => Err(e),
                        });
                    });
                    Some((tx, kept, reply))
                })
            }),
        };
        queue
            .send(job)
            .await
            .map_err(|_| E::from(StoreError::Writer("写入队列已关闭".into())))?;
        answered
            .await
            .map_err(|_| E::from(StoreError::Writer("写入未完成即中断".into())))?
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
            Pools::Sqlite { read, write, .. } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(p) => p.close().await,
        }
    }
}

/// What a write does in its transaction (see [`Db::write`]).
pub type Work<'t, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 't>>;

/// How a queued write answers its caller, given how its batch's commit went.
type Reply = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// A write queued for SQLite's writer. Given the batch's transaction it runs in it and hands
/// it back with whether it kept its changes and how to answer once the batch has committed;
/// given the error that kept the batch from running, it answers with that.
struct Job {
    audit_key: Option<AuditKey>,
    run: Box<dyn FnOnce(Result<Tx, StoreError>) -> JobRun + Send>,
}

type JobRun = Pin<Box<dyn Future<Output = Option<(Tx, bool, Reply)>> + Send>>;

/// Writes waiting for the writer before the next ones wait (the queue answers back pressure).
const QUEUE: usize = 1024;
/// Writes sharing one transaction at most.
const BATCH: usize = 32;

/// The writer's loop for one database: takes the writes queued when it comes free (those
/// signed with the same audit key) and runs them as one batch. Ends when every handle on
/// the database is gone.
async fn write_batches(pool: SqlitePool, mut queue: tokio::sync::mpsc::Receiver<Job>) {
    let mut next: Option<Job> = None;
    loop {
        let first = match next.take() {
            Some(job) => job,
            None => match queue.recv().await {
                Some(job) => job,
                None => return,
            },
        };
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(job) if same_key(&job.audit_key, &batch[0].audit_key) => batch.push(job),
                Ok(job) => {
                    next = Some(job);
                    break;
                }
                Err(_) => break,
            }
        }
        write_batch(&pool, batch).await;
    }
}

fn same_key(a: &Option<AuditKey>, b: &Option<AuditKey>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.0 == b.0,
        (None, None) => true,
        _ => false,
    }
}

/// Runs a batch of writes in one transaction, each in a savepoint of its own when there are
/// several, commits once and answers each write.
async fn write_batch(pool: &SqlitePool, batch: Vec<Job>) {
    let audit_key = batch[0].audit_key.clone();
    let mut jobs = batch.into_iter();
    let mut tx = match pool.begin().await {
        Ok(t) => Tx {
            conn: Conn::SqliteTx(t),
            audit_key,
            audit: Vec::new(),
        },
        Err(e) => return refuse(jobs, &StoreError::from_sqlx(e).to_string()).await,
    };
    let alone = jobs.len() == 1;
    let (mut replies, mut kept_any) = (Vec::<Reply>::new(), false);
    while let Some(job) = jobs.next() {
        if !alone {
            if let Err(e) = tx.execute(&Q::new("SAVEPOINT jianfu_write")).await {
                let e = e.to_string();
                return broken(replies, std::iter::once(job).chain(jobs), &e).await;
            }
        }
        let mark = tx.audit.len();
        // A task of its own, so that a write that panics takes down its batch, not the writer.
        let (back, kept, reply) = match tokio::spawn((job.run)(Ok(tx))).await {
            Ok(Some(done)) => done,
            Ok(None) | Err(_) => {
                return broken(replies, jobs, "同批的另一写入意外中断").await;
            }
        };
        tx = back;
        replies.push(reply);
        kept_any |= kept;
        if !kept {
            tx.audit.truncate(mark);
        }
        if !alone {
            let end = if kept {
                tx.execute(&Q::new("RELEASE jianfu_write")).await
            } else {
                match tx.execute(&Q::new("ROLLBACK TO jianfu_write")).await {
                    Ok(_) => tx.execute(&Q::new("RELEASE jianfu_write")).await,
                    Err(e) => Err(e),
                }
            };
            if let Err(e) = end {
                let e = e.to_string();
                return broken(replies, jobs, &e).await;
            }
        }
    }
    // Nothing kept: dropping the transaction rolls it back.
    let committed = if kept_any { tx.commit().await } else { Ok(()) };
    match committed {
        Ok(()) => replies.into_iter().for_each(|r| r(Ok(()))),
        Err(e) => {
            let e = e.to_string();
            replies
                .into_iter()
                .for_each(|r| r(Err(StoreError::Writer(format!("提交失败：{e}")))));
        }
    }
}

/// The batch's transaction failed (and rolls back as it is dropped): the writes that ran are
/// told so, and those still waiting get the error instead of running.
async fn broken(replies: Vec<Reply>, waiting: impl IntoIterator<Item = Job>, why: &str) {
    for r in replies {
        r(Err(StoreError::Writer(format!("同批写入失败：{why}"))));
    }
    refuse(waiting, why).await;
}

async fn refuse(jobs: impl IntoIterator<Item = Job>, why: &str) {
    for job in jobs {
        let _ = (job.run)(Err(StoreError::Writer(why.to_string()))).await;
    }
}

/// The writer thread's runtime (see [`Db::write`]), started with the first SQLite database:
/// one thread for the process, which runs until the process ends.
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

    async fn scratch() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
            .await
            .unwrap();
        db.raw_script("CREATE TABLE t (n BIGINT)").await.unwrap();
        (dir, db)
    }

    /// Holds the writer until `release` is sent: the writes sent meanwhile queue for it.
    async fn hold_writer(
        db: &Db,
    ) -> (
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ) {
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let (running, runs) = tokio::sync::oneshot::channel::<()>();
        let db = db.clone();
        let held = tokio::spawn(async move {
            db.write(move |_tx| {
                Box::pin(async move {
                    let _ = running.send(());
                    let _ = released.await;
                    Ok::<_, StoreError>(())
                })
            })
            .await
            .unwrap()
        });
        runs.await.unwrap();
        (release, held)
    }

    async fn queued(db: &Db, n: usize) {
        let Pools::Sqlite { queue, .. } = &db.pools else {
            unreachable!()
        };
        while QUEUE - queue.capacity() < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn rows(db: &Db) -> Vec<i64> {
        db.fetch_all::<(i64,)>(&Q::new("SELECT n FROM t ORDER BY n"))
            .await
            .unwrap()
            .into_iter()
            .map(|(n,)| n)
            .collect()
    }

    /// What a test write does after storing its row.
    #[derive(Clone, Copy)]
    enum Then {
        Keep,
        /// Stores a second row, then is refused, as a write that finds a conflict late.
        Refuse,
        Panic,
    }

    /// Writes `0..n` queued for the writer, each storing its number and then doing `then(i)`.
    fn queue_writes(
        db: &Db,
        n: i64,
        then: fn(i64) -> Then,
    ) -> Vec<tokio::task::JoinHandle<Result<i64, StoreError>>> {
        (0..n)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.write(move |tx| {
                        Box::pin(async move {
                            tx.execute(&Q::new("INSERT INTO t (n) VALUES ($1)").bind(i))
                                .await?;
                            match then(i) {
                                Then::Keep => Ok(i),
                                Then::Refuse => {
                                    tx.execute(&Q::new("INSERT INTO t (n) VALUES ($1)").bind(-i))
                                        .await?;
                                    Err(StoreError::Writer(format!("refused {i}")))
                                }
                                Then::Panic => panic!("a bug in write {i}"),
                            }
                        })
                    })
                    .await
                })
            })
            .collect()
    }

    /// Writes queued together share one transaction: each keeps or loses only its own rows,
    /// however far it got, and each caller hears of its own outcome.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writes_keep_or_lose_only_their_own() {
        let (_dir, db) = scratch().await;
        let (release, held) = hold_writer(&db).await;
        let writes = queue_writes(&db, 20, |i| match i % 3 {
            0 => Then::Refuse,
            _ => Then::Keep,
        });
        queued(&db, 20).await;
        release.send(()).unwrap();
        held.await.unwrap();
        for (i, w) in writes.into_iter().enumerate() {
            match w.await.unwrap() {
                Ok(n) => assert!(n == i as i64 && i % 3 != 0, "write {i} answered {n}"),
                Err(e) => assert!(
                    i % 3 == 0 && e.to_string().contains(&format!("refused {i}")),
                    "write {i}: {e}"
                ),
            }
        }
        let kept: Vec<i64> = (0..20).filter(|i| i % 3 != 0).collect();
        assert_eq!(rows(&db).await, kept);
    }

    /// A write that panics fails the writes of its batch (none of them is stored, each is told)
    /// and the writer goes on with the next.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_that_panics_fails_its_batch_not_the_writer() {
        let (_dir, db) = scratch().await;
        let (release, held) = hold_writer(&db).await;
        let writes = queue_writes(&db, 6, |i| match i {
            3 => Then::Panic,
            _ => Then::Keep,
        });
        queued(&db, 6).await;
        release.send(()).unwrap();
        held.await.unwrap();
        for w in writes {
            assert!(w.await.unwrap().is_err());
        }
        assert_eq!(rows(&db).await, Vec::<i64>::new());
        let after = db
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute(&Q::new("INSERT INTO t (n) VALUES (7)")).await?;
                    Ok::<_, StoreError>(())
                })
            })
            .await;
        assert!(after.is_ok(), "{after:?}");
        assert_eq!(rows(&db).await, vec![7]);
    }
}
