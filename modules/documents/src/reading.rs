//! 审读: how a document's text gets read. The documents ledger does not read texts itself; a
//! module that does (document intelligence) installs a [`Reader`] from its manifest's `init`.
//! The reader hears of every write, and is asked what it found for the ledger's rows and for
//! the panel on a document's page. Without a reader the ledger works, and shows nothing read.
use jianfu_core::{Actor, AppResult};
use jianfu_store::{Conn, Tx};
use jianfu_web::AppState;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

/// A future a reader returns.
pub type Reading<'a, T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send + 'a>>;

/// What reading found in one document, for its row in the ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Demands on grassroots units found in the text.
    pub burden_count: i64,
    /// Share of the text copied from the earlier document it copies most, 0..1.
    pub copy_share: Option<f64>,
    /// The kind of that copy (copied_from_upper|reissued|forwarded), when known.
    pub copy_class: Option<String>,
    /// The 审读 cell of the row, in Chinese.
    pub note: String,
}

/// What was found, by document id.
pub type Summaries = HashMap<i64, Summary>;

/// The reader of document texts.
pub struct Reader {
    /// A document was recorded or replaced (in this transaction): read it, again if need be.
    pub written: for<'a> fn(&'a mut Tx, i64, &'a str) -> Reading<'a, ()>,
    /// What was found in these documents; those not read yet are missing.
    pub summaries: for<'a> fn(&'a mut Conn, &'a [i64]) -> Reading<'a, Summaries>,
    /// The panel on a document's page (HTML), for this user.
    pub panel: fn(AppState, Actor, i64) -> Reading<'static, String>,
    /// Whether the document waits to be read (again): the rules that read its text have not
    /// judged it yet, so its page must not say it breaks none.
    pub unread: for<'a> fn(&'a mut Conn, i64) -> Reading<'a, bool>,
}

/// What a document's page says while its text waits to be read.
pub const UNREAD_NOTE: &str =
    "正文分析中：文中向基层提出的要求、照抄照搬等情况分析完成后再作判断，请稍后刷新。";

static READER: OnceLock<&'static Reader> = OnceLock::new();

/// Makes `reader` the one that reads documents (a second, other reader is ignored).
pub fn install(reader: &'static Reader) {
    let _ = READER.set(reader);
}

/// The installed reader, if a module that reads documents runs.
pub fn reader() -> Option<&'static Reader> {
    READER.get().copied()
}
