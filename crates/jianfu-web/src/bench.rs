//! What a module offers `jianfu bench ledger`: the platform generates each item's skeleton (who
//! issued it, when, to whom, how many grassroots units it reaches) and loads the burden spine; the
//! module of the item's channel turns the skeleton into its own row (a document's characters, a
//! meeting's minutes), bulk-loads its rows, and times one write through its own save path.
use crate::module::BoxFuture;
use chrono::NaiveDate;
use jianfu_core::AppResult;
use jianfu_store::{Db, StoreError, Tx};
use rand::rngs::StdRng;

/// A module's part in the ledger benchmark.
pub struct Bench {
    /// Its share of the generated items, relative to the other modules' weights.
    pub weight: u32,
    /// Its item table (`id`, `title`), whose indexes a fresh load drops and rebuilds; the
    /// burden ledger takes the titles of the items behind its figures from it.
    pub table: &'static str,
    /// A new loader for one county's items.
    pub loader: fn() -> Box<dyn BenchLoader>,
    /// One write through the module's save path (validate, store, spine, audit, the rules the
    /// write can change, commit), timed by the benchmark; none when the module has no such write.
    pub write: Option<WriteFn>,
    /// The same write as a client sends it to the API (`jianfu bench writes`).
    pub http: Option<HttpWriteFn>,
}

/// See [`Bench::http`].
pub type HttpWriteFn = fn(&BenchWrite) -> HttpWrite;

/// A write through the JSON API: the route and the body a filer's client posts.
pub struct HttpWrite {
    pub path: &'static str,
    pub body: serde_json::Value,
}

/// See [`Bench::write`].
pub type WriteFn = for<'a> fn(&'a Db, BenchWrite) -> BoxFuture<'a, AppResult<()>>;

/// One generated item: what the spine holds of it.
pub struct BenchItem {
    pub id: i64,
    pub region_id: i64,
    pub issuer_id: i64,
    pub on_date: NaiveDate,
    /// The level it is sent to under its target unit (`township`, `village`), or `""` for the
    /// unit itself.
    pub target_level: &'static str,
    /// The grassroots units it reaches.
    pub reach: i64,
}

/// Builds one county's rows of a module.
pub trait BenchLoader: Send {
    /// Takes one item into the module's rows and returns its measure (characters, minutes, …).
    fn add(&mut self, item: &BenchItem, rng: &mut StdRng) -> i64;
    /// Bulk-loads the rows taken so far.
    fn load<'a>(
        &'a mut self,
        tx: &'a mut Tx,
        now: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// One single write of the benchmark: the `index`-th, by a department of a county, sent to the
/// county's townships.
pub struct BenchWrite {
    pub index: usize,
    pub region_id: i64,
    pub issuer_id: i64,
    pub on_date: NaiveDate,
}
