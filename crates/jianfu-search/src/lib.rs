//! Full-text search of the document ledger (SPEC §3 (d)): Chinese segmented
//! with jieba, indexed with tantivy, filtered by the reader's scope.
//!
//! The index is a derived copy of the database: the domain upserts a
//! document whenever it is stored and deletes it when it is removed, and can
//! rebuild everything with [`SearchIndex::clear`] and [`SearchIndex::upsert`].
//! Every call is synchronous; the web layer runs them on `spawn_blocking`.
//!
//! Query semantics:
//! - the text is segmented like the documents; a hit must contain every
//!   word (function words such as "的" aside) in its title, 发文字号, issuer
//!   name or body; title matches weigh three times as much as body matches,
//!   and words standing together as in the query score higher;
//! - the text is never parsed as query syntax, so quotes, colons,
//!   parentheses, `AND`, `+` and `-` are ordinary characters;
//! - text with no word in it (punctuation only) finds nothing;
//! - empty (or blank) text with at least one filter lists the filtered
//!   documents, newest 成文日期 first; empty text without filters finds nothing.

mod analyzer;
pub mod bench;
mod error;
mod highlight;
mod index;
mod query;
mod schema;

use serde::{Deserialize, Serialize};

pub use error::SearchError;
pub use index::SearchIndex;

/// A ledger document as the index sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedDoc {
    pub id: i64,
    pub title: String,
    /// 发文字号
    pub doc_number: String,
    pub body: String,
    pub issuer_id: i64,
    pub issuer_name: String,
    /// The issuer and all its ancestor unit ids, for scope filtering.
    pub issuer_path: Vec<i64>,
    pub year: i32,
    /// "formal", "white_header", "letter", "memo", "oa", …
    pub carrier: String,
    /// 文种, e.g. "通知"
    pub kind: String,
    /// 成文日期, YYYY-MM-DD
    pub issued_on: String,
}

/// What to look for; `None` filters are not applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    /// Only documents whose issuer is this unit or one of its descendants…
    pub scope_root: Option<i64>,
    /// …or that are one of these (documents sent to the viewer from outside its scope).
    pub also_ids: Vec<i64>,
    /// Only documents of exactly this issuer.
    pub issuer: Option<i64>,
    pub year: Option<i32>,
    pub carrier: Option<String>,
    pub kind: Option<String>,
    pub offset: usize,
    /// Hits per page, at most [`MAX_LIMIT`]; 0 counts without hits.
    pub limit: usize,
}

/// Hits per page are capped so that one request cannot render thousands of
/// snippets.
pub const MAX_LIMIT: usize = 100;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Every matching document, not only this page.
    pub total: usize,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: i64,
    /// Relevance; 0 when listing without query text.
    pub score: f32,
    /// The title, HTML-escaped, with `<mark>…</mark>` around matched words.
    pub title_html: String,
    /// About 120 characters of the body around the matched words,
    /// HTML-escaped, with `<mark>…</mark>`; `…` where the body was cut.
    pub snippet_html: String,
}
