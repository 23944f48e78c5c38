//! Copy detection (照抄照搬、上下一般粗、以文件落实文件、改头换面): find the
//! documents of a corpus that a new document copies, with the copied spans
//! side by side and the share copied.
//!
//! The pipeline:
//! 1. [`normalize`]: width, case, punctuation and whitespace are erased and
//!    administrative level words unified (`全市`≡`全县`), with a map back
//!    to the original characters;
//! 2. [`shingle`]: hashed character `n`-grams of the normalised text; the
//!    corpus's frequent ones and a table of common slogans are
//!    [`Boilerplate`] (公文套话) and take no part in matching, like MOSS;
//! 3. [`minhash`]: one-permutation MinHash signatures, banded into the LSH
//!    tables of a [`CopyIndex`], with an 8-bit sketch per document to rank
//!    the candidates;
//! 4. [`align`]: each candidate is aligned with the query on the
//!    normalised texts; the result is a [`CopyMatch`] with [`Span`]s in
//!    original char offsets and the share of each document covered;
//! 5. [`classify`]: the caller, who knows issuers, levels and dates, turns a
//!    match into a [`MatchClass`].
//!
//! [`eval`] generates a corpus with known copies and scores the detector
//! against it; [`bench::run`] measures speed, memory and accuracy, and
//! [`bench::datasketch_ratio`] the speed against the Python tool
//! datasketch on the same data.

pub mod align;
pub mod bench;
pub mod classify;
pub mod eval;
pub mod export;
mod index;
pub mod minhash;
pub mod normalize;
pub mod shingle;

pub use align::{align, Alignment, PreparedText, Span};
pub use classify::{classify, DocMeta, MatchClass};
pub use export::{shingles_for_datasketch, write_shingle_sets, write_texts_jsonl};
pub use index::CopyIndex;
pub use minhash::{signature, Signature};
pub use normalize::{normalize, Normalized};
pub use shingle::{Boilerplate, DfCounter};

/// The caller's identifier of a document.
pub type DocId = u64;

/// Parameters of copy detection. The defaults suit documents of a few
/// thousand characters.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyConfig {
    /// Shingle length in normalised chars (an 8-char shingle is about one
    /// phrase of an official document). 3–64.
    pub shingle_len: usize,
    /// LSH bands; the signature has `bands × rows` bins.
    pub bands: usize,
    /// Rows per band. With 64 × 2 a pair with Jaccard similarity 0.2 (half
    /// of one document inside another twice as long) is a candidate with
    /// probability 0.93, one with 0.3 with probability 0.997.
    pub rows: usize,
    /// Shortest copied span reported, in normalised chars.
    pub min_span: usize,
    /// A shingle in more than `max(boilerplate_min_df,
    /// boilerplate_df_share × documents)` documents is boilerplate.
    pub boilerplate_min_df: u32,
    /// See `boilerplate_min_df`.
    pub boilerplate_df_share: f32,
    /// Document frequencies are counted on at most this many documents,
    /// spread evenly over the corpus (exactly, in a hash map).
    pub df_sample_docs: usize,
    /// LSH candidates whose estimated containment is below this are
    /// dropped before alignment.
    pub min_candidate_containment: f32,
    /// At most this many candidates are aligned per query.
    pub max_candidates: usize,
    /// Matches whose larger share is below this are not reported.
    pub min_share: f32,
}

impl Default for CopyConfig {
    fn default() -> Self {
        CopyConfig {
            shingle_len: 8,
            bands: 64,
            rows: 2,
            min_span: 30,
            boilerplate_min_df: 20,
            boilerplate_df_share: 0.01,
            df_sample_docs: 5_000,
            min_candidate_containment: 0.15,
            max_candidates: 64,
            min_share: 0.1,
        }
    }
}

impl CopyConfig {
    /// Number of MinHash bins (`bands × rows`).
    pub fn num_perm(&self) -> usize {
        self.bands * self.rows
    }

    /// The same configuration with every field in its valid range.
    pub fn sanitized(mut self) -> Self {
        self.shingle_len = self.shingle_len.clamp(3, 64);
        self.bands = self.bands.clamp(1, 1024);
        self.rows = self.rows.clamp(1, 64);
        self.min_span = self.min_span.max(self.shingle_len);
        self.max_candidates = self.max_candidates.max(1);
        self
    }
}

/// One indexed document that shares text with the query.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CopyMatch {
    pub doc_id: DocId,
    /// Share of the query's normalised chars covered by `spans`.
    pub share_of_query: f32,
    /// Share of the source's normalised chars covered by `spans`.
    pub share_of_source: f32,
    /// Sorted by position in the query.
    pub spans: Vec<Span>,
}

/// Highest share of the query first, then of the source, then by id.
fn sort_matches(matches: &mut [CopyMatch]) {
    matches.sort_by(|a, b| {
        b.share_of_query
            .total_cmp(&a.share_of_query)
            .then(b.share_of_source.total_cmp(&a.share_of_source))
            .then(a.doc_id.cmp(&b.doc_id))
    });
}

/// Align two texts directly, without an index (e.g. a document against
/// the one its title cites).
pub fn compare(
    cfg: &CopyConfig,
    boilerplate: &Boilerplate,
    query: &str,
    source: &str,
) -> Alignment {
    let cfg = cfg.clone().sanitized();
    align(
        &cfg,
        boilerplate,
        &PreparedText::new(&cfg, query),
        &PreparedText::new(&cfg, source),
    )
}
