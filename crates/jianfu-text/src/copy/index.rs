//! The in-memory LSH index: `bands` hash tables of band keys, plus one
//! 8-bit MinHash sketch per document to rank and filter LSH candidates
//! before the (costly) alignment.
//!
//! Memory per document: `bands` table entries of 8 bytes at ≤ 70% load
//! (≈ 11–16 bytes each), `num_perm` sketch bytes, a 4-byte shingle count
//! and the 8-byte id — about 1.2 KB with the defaults (64 bands × 2 rows).

use rayon::prelude::*;

use super::align::{align, PreparedText};
use super::minhash::{signature, sketch_jaccard, Signature};
use super::shingle::{distinct_shingles, Boilerplate, DfCounter};
use super::{CopyConfig, CopyMatch, DocId};

/// An open-addressing multimap from a 32-bit band key to document indexes,
/// one `u64` per entry (`key << 32 | index`), linear probing.
#[derive(Debug, Clone)]
struct BandTable {
    slots: Vec<u64>,
    len: usize,
}

const EMPTY: u64 = u64::MAX;

impl BandTable {
    fn with_capacity(entries: usize) -> Self {
        let cap = (entries * 10 / 7 + 1).next_power_of_two().max(16);
        BandTable {
            slots: vec![EMPTY; cap],
            len: 0,
        }
    }

    fn insert(&mut self, key: u32, index: u32) {
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            self.grow();
        }
        self.place((u64::from(key) << 32) | u64::from(index));
        self.len += 1;
    }

    fn place(&mut self, entry: u64) {
        let mask = self.slots.len() - 1;
        let mut pos = (entry >> 32) as usize & mask;
        while self.slots[pos] != EMPTY {
            pos = (pos + 1) & mask;
        }
        self.slots[pos] = entry;
    }

    fn grow(&mut self) {
        let bigger = vec![EMPTY; (self.slots.len() * 2).max(16)];
        let old = std::mem::replace(&mut self.slots, bigger);
        for entry in old.into_iter().filter(|&e| e != EMPTY) {
            self.place(entry);
        }
    }

    fn for_each(&self, key: u32, mut f: impl FnMut(u32)) {
        let mask = self.slots.len() - 1;
        let mut pos = key as usize & mask;
        loop {
            let entry = self.slots[pos];
            if entry == EMPTY {
                return;
            }
            if (entry >> 32) as u32 == key {
                f(entry as u32);
            }
            pos = (pos + 1) & mask;
        }
    }
}

/// Copy-detection index over a corpus of documents (see the module docs
/// of [`crate::copy`]). It keeps no texts: [`CopyIndex::find_copies`] asks
/// the caller for the texts of the candidates it aligns.
#[derive(Debug, Clone)]
pub struct CopyIndex {
    cfg: CopyConfig,
    boilerplate: Boilerplate,
    bands: Vec<BandTable>,
    ids: Vec<DocId>,
    sketches: Vec<u8>,
    shingles: Vec<u32>,
}

impl CopyIndex {
    /// An empty index with a given boilerplate set (e.g. from
    /// [`CopyIndex::learn_boilerplate`] or [`Boilerplate::builtin`]).
    pub fn new(cfg: CopyConfig, boilerplate: Boilerplate) -> Self {
        let cfg = cfg.sanitized();
        CopyIndex {
            bands: (0..cfg.bands)
                .map(|_| BandTable::with_capacity(0))
                .collect(),
            cfg,
            boilerplate,
            ids: Vec::new(),
            sketches: Vec::new(),
            shingles: Vec::new(),
        }
    }

    /// Index a whole corpus: learn its boilerplate from a sample of
    /// [`CopyConfig::df_sample_docs`] documents spread evenly over it, then
    /// insert every document, computing signatures in parallel on rayon's
    /// current pool.
    pub fn build(cfg: CopyConfig, docs: &[(DocId, &str)]) -> Self {
        let cfg = cfg.sanitized();
        let boilerplate = Self::learn_boilerplate(&cfg, docs);
        let mut index = Self::new(cfg, boilerplate);
        index.reserve(docs.len());
        index.insert_batch(docs);
        index
    }

    /// The boilerplate of a corpus from the document frequency of its
    /// shingles, counted exactly on an even sample of it.
    pub fn learn_boilerplate(cfg: &CopyConfig, docs: &[(DocId, &str)]) -> Boilerplate {
        let step = docs.len().div_ceil(cfg.df_sample_docs.max(1)).max(1);
        let sample: Vec<&str> = docs.iter().step_by(step).map(|d| d.1).collect();
        let distinct: Vec<Vec<u64>> = sample
            .par_iter()
            .map(|t| distinct_shingles(cfg, t))
            .collect();
        let mut df = DfCounter::default();
        for d in &distinct {
            df.add_distinct(d);
        }
        df.finish(cfg)
    }

    /// Make room for `additional` more documents.
    pub fn reserve(&mut self, additional: usize) {
        let total = self.ids.len() + additional;
        for table in &mut self.bands {
            if table.slots.len() * 7 < total * 10 {
                let mut bigger = BandTable::with_capacity(total);
                for entry in table.slots.iter().copied().filter(|&e| e != EMPTY) {
                    bigger.place(entry);
                }
                bigger.len = table.len;
                *table = bigger;
            }
        }
        self.ids.reserve(additional);
        self.shingles.reserve(additional);
        self.sketches.reserve(additional * self.cfg.num_perm());
    }

    /// The configuration in use.
    pub fn config(&self) -> &CopyConfig {
        &self.cfg
    }

    /// The boilerplate set in use.
    pub fn boilerplate(&self) -> &Boilerplate {
        &self.boilerplate
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The signature of `text` under this index's configuration and
    /// boilerplate (pure; see [`signature`]).
    pub fn signature(&self, text: &str) -> Option<Signature> {
        signature(&self.cfg, &self.boilerplate, text)
    }

    /// Index one document. Returns `false` when it has nothing to index
    /// (empty, or only boilerplate) or the index is full (2³² − 1 docs).
    pub fn insert(&mut self, id: DocId, text: &str) -> bool {
        match self.signature(text) {
            Some(sig) => self.insert_signature(id, &sig),
            None => false,
        }
    }

    /// Index many documents, signatures computed in parallel. Returns how
    /// many were indexed.
    pub fn insert_batch(&mut self, docs: &[(DocId, &str)]) -> usize {
        let sigs: Vec<Option<Signature>> =
            docs.par_iter().map(|(_, t)| self.signature(t)).collect();
        self.reserve(docs.len());
        let mut indexed = 0;
        for ((id, _), sig) in docs.iter().zip(&sigs) {
            if let Some(sig) = sig {
                indexed += usize::from(self.insert_signature(*id, sig));
            }
        }
        indexed
    }

    /// Index a document by its precomputed signature (which must come from
    /// the same configuration and boilerplate).
    pub fn insert_signature(&mut self, id: DocId, sig: &Signature) -> bool {
        let Ok(index) = u32::try_from(self.ids.len()) else {
            return false;
        };
        if index == u32::MAX || sig.mins().len() != self.cfg.num_perm() {
            return false;
        }
        for (table, key) in self.bands.iter_mut().zip(sig.band_keys(self.cfg.rows)) {
            table.insert(key, index);
        }
        self.ids.push(id);
        self.shingles.push(sig.shingle_count());
        self.sketches.extend(sig.sketch());
        true
    }

    /// Documents that may share a large part with `text`, most similar
    /// first (see [`CopyIndex::candidates_for`]).
    pub fn candidates(&self, text: &str) -> Vec<DocId> {
        self.signature(text)
            .map(|s| self.candidates_for(&s).into_iter().map(|c| c.0).collect())
            .unwrap_or_default()
    }

    /// LSH candidates of a signature with their estimated containment
    /// `max(|A∩B|/|A|, |A∩B|/|B|)` (from the 8-bit sketches and shingle
    /// counts), keeping those at or above
    /// [`CopyConfig::min_candidate_containment`], highest first, at most
    /// [`CopyConfig::max_candidates`].
    pub fn candidates_for(&self, sig: &Signature) -> Vec<(DocId, f32)> {
        let mut hits: Vec<u32> = Vec::new();
        for (table, key) in self.bands.iter().zip(sig.band_keys(self.cfg.rows)) {
            table.for_each(key, |i| hits.push(i));
        }
        hits.sort_unstable();
        hits.dedup();
        let k = self.cfg.num_perm();
        let query_sketch: Vec<u8> = sig.sketch().collect();
        let q = sig.shingle_count() as f32;
        let mut out: Vec<(DocId, f32)> = hits
            .into_iter()
            .filter_map(|i| {
                let i = i as usize;
                let sketch = self.sketches.get(i * k..(i + 1) * k)?;
                let j = sketch_jaccard(&query_sketch, sketch);
                let s = *self.shingles.get(i)? as f32;
                let common = j * (q + s) / (1.0 + j);
                let containment = (common / q.min(s).max(1.0)).min(1.0);
                (containment >= self.cfg.min_candidate_containment)
                    .then(|| (self.ids[i], containment))
            })
            .collect();
        out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(self.cfg.max_candidates);
        out
    }

    /// Copies between `text` and the indexed documents: candidates from
    /// the index, each aligned against its text as `fetch` returns it
    /// (`None`: skipped). Matches whose larger share reaches
    /// [`CopyConfig::min_share`], highest share of the query first.
    pub fn find_copies<T: AsRef<str>>(
        &self,
        text: &str,
        mut fetch: impl FnMut(DocId) -> Option<T>,
    ) -> Vec<CopyMatch> {
        let Some(sig) = self.signature(text) else {
            return Vec::new();
        };
        let query = PreparedText::new(&self.cfg, text);
        let mut matches: Vec<CopyMatch> = self
            .candidates_for(&sig)
            .into_iter()
            .filter_map(|(id, _)| {
                let source = fetch(id)?;
                let m = self.compare(id, &query, source.as_ref());
                (m.share_of_query.max(m.share_of_source) >= self.cfg.min_share).then_some(m)
            })
            .collect();
        super::sort_matches(&mut matches);
        matches
    }

    /// Align a prepared query against one source text.
    pub fn compare(&self, id: DocId, query: &PreparedText, source: &str) -> CopyMatch {
        let al = align(
            &self.cfg,
            &self.boilerplate,
            query,
            &PreparedText::new(&self.cfg, source),
        );
        CopyMatch {
            doc_id: id,
            share_of_query: al.share_of_query,
            share_of_source: al.share_of_source,
            spans: al.spans,
        }
    }

    /// Bytes held by the index structures (tables, sketches, counts, ids,
    /// boilerplate set).
    pub fn memory_bytes(&self) -> usize {
        self.bands
            .iter()
            .map(|t| t.slots.capacity() * 8)
            .sum::<usize>()
            + self.ids.capacity() * 8
            + self.shingles.capacity() * 4
            + self.sketches.capacity()
            + self.boilerplate.memory_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_table_is_a_multimap() {
        let mut t = BandTable::with_capacity(0);
        for i in 0..1000u32 {
            t.insert(i % 7, i);
        }
        let mut got = Vec::new();
        t.for_each(3, |i| got.push(i));
        got.sort_unstable();
        assert_eq!(got, (0..1000).filter(|i| i % 7 == 3).collect::<Vec<_>>());
        let mut none = Vec::new();
        t.for_each(99, |i| none.push(i));
        assert!(none.is_empty());
    }
}
