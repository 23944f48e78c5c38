//! The in-memory LSH index: `bands` hash tables of band keys, plus one
//! 8-bit MinHash sketch per document to rank and filter LSH candidates
//! before the (costly) alignment.
//!
//! Memory per document: `bands` table entries of 8 bytes at load 0.8
//! (10 bytes each), `num_perm` sketch bytes, a 4-byte shingle count and the
//! 8-byte id — about 780 bytes with the defaults (64 bands × 2 rows).
//!
//! Bulk inserts ([`CopyIndex::insert_batch`],
//! [`CopyIndex::insert_hashed_batch`]) fingerprint blocks of documents in
//! parallel, then insert them band by band, bucketed by key, so that each
//! band table is swept front to back while it is in cache.

use rayon::prelude::*;

use super::align::{align, PreparedText};
use super::minhash::{band_key, signature, sketch_byte, sketch_jaccard, Scratch, Signature, LANES};
use super::shingle::{distinct_shingles, Boilerplate, DfCounter};
use super::{CopyConfig, CopyMatch, DocId};

/// Documents fingerprinted together before their sequential inserts: big
/// enough that one band table at a time takes a block's inserts while it
/// is in cache, small enough to bound the memory of the fingerprints.
const BLOCK_DOCS: usize = 16_384;

/// Documents per parallel task within a block.
const TASK_DOCS: usize = 256;

/// Fingerprints a task's documents with the scratch buffers given,
/// pushing those with something to index.
trait Sign<D>: Fn(&mut Scratch, &[D], &mut Fingerprints) + Sync {}

impl<D, F: Fn(&mut Scratch, &[D], &mut Fingerprints) + Sync> Sign<D> for F {}

/// An open-addressing multimap from a 32-bit band key to document indexes,
/// one `u64` per entry (`key << 32 | index + 1`, so that an all-zero slot
/// is empty and a new table is the operating system's zeroed pages),
/// linear probing at a load of at most 0.8. The table has exactly the
/// slots that load needs (a key's home slot is its multiply-shift range
/// reduction), not a power of two: less memory to fault in and to keep.
#[derive(Debug, Clone, Default)]
struct BandTable {
    slots: Vec<u64>,
    len: usize,
}

const EMPTY: u64 = 0;

impl BandTable {
    fn slots_for(entries: usize) -> usize {
        (entries.saturating_mul(5) / 4 + 1).max(16)
    }

    /// Room for `entries` entries in all without growing.
    fn reserve(&mut self, entries: usize) {
        if self.slots.len() < Self::slots_for(entries) {
            self.rehash(Self::slots_for(entries));
        }
    }

    fn rehash(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; slots]);
        for entry in old.into_iter().filter(|&e| e != EMPTY) {
            place(&mut self.slots, entry);
        }
    }

    /// Add document `index` (< u32::MAX) under `key`.
    fn insert(&mut self, key: u32, index: u32) {
        self.extend(&[entry(key, index)]);
    }

    /// Add entries made by [`entry`]. Sorted by key, they fill the table
    /// front to back, each insert near the previous one in cache.
    fn extend(&mut self, entries: &[u64]) {
        let len = self.len + entries.len();
        if self.slots.len() < Self::slots_for(len) {
            self.rehash(Self::slots_for(len.saturating_mul(2)));
        }
        for &e in entries {
            place(&mut self.slots, e);
        }
        self.len = len;
    }

    fn for_each(&self, key: u32, mut f: impl FnMut(u32)) {
        let n = self.slots.len();
        let mut pos = home(key, n);
        while let Some(&entry) = self.slots.get(pos) {
            if entry == EMPTY {
                return;
            }
            if (entry >> 32) as u32 == key {
                f((entry as u32).wrapping_sub(1));
            }
            pos += 1;
            if pos == n {
                pos = 0;
            }
        }
    }
}

/// The table entry of document `index` (< u32::MAX) under `key`.
#[inline]
fn entry(key: u32, index: u32) -> u64 {
    (u64::from(key) << 32) | u64::from(index + 1)
}

/// The home slot of `key` among `n`: increasing with the key.
#[inline]
fn home(key: u32, n: usize) -> usize {
    ((u64::from(key) * n as u64) >> 32) as usize
}

/// Put `entry` in the first empty slot from its key's home; `slots` must
/// have one.
#[inline]
fn place(slots: &mut [u64], entry: u64) {
    let n = slots.len();
    let mut pos = home((entry >> 32) as u32, n);
    while let Some(slot) = slots.get_mut(pos) {
        if *slot == EMPTY {
            *slot = entry;
            return;
        }
        pos += 1;
        if pos == n {
            pos = 0;
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
    store: Store,
}

/// What the index keeps per document: its band keys in the band tables,
/// its sketch, shingle count and id, all by insertion index.
#[derive(Debug, Clone, Default)]
struct Store {
    bands: Vec<BandTable>,
    ids: Vec<DocId>,
    sketches: Vec<u8>,
    shingles: Vec<u32>,
}

/// Band keys, sketches, shingle counts and ids of up to `stride`
/// documents fingerprinted off the index, in parallel. The keys are
/// band-major (`keys[t * stride + i]`), so the inserts into band table `t`
/// read them in order.
#[derive(Debug, Default)]
struct Fingerprints {
    stride: usize,
    keys: Vec<u32>,
    sketches: Vec<u8>,
    shingles: Vec<u32>,
    ids: Vec<DocId>,
}

impl Fingerprints {
    fn new(stride: usize, cfg: &CopyConfig) -> Self {
        Fingerprints {
            stride,
            keys: vec![0; stride * cfg.bands],
            sketches: Vec::with_capacity(stride * cfg.num_perm()),
            shingles: Vec::with_capacity(stride),
            ids: Vec::with_capacity(stride),
        }
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    /// The band keys of band `t`, one per document.
    fn band(&self, t: usize) -> &[u32] {
        let start = t * self.stride;
        self.keys.get(start..start + self.len()).unwrap_or_default()
    }

    /// Add a document (at most `stride` of them).
    fn push(&mut self, cfg: &CopyConfig, id: DocId, mins: &[u32], shingles: u32) {
        let i = self.len();
        for (t, band) in mins.chunks(cfg.rows).enumerate() {
            if let Some(slot) = self.keys.get_mut(t * self.stride + i) {
                *slot = band_key(t, band);
            }
        }
        self.sketches.extend(mins.iter().map(|&v| sketch_byte(v)));
        self.shingles.push(shingles);
        self.ids.push(id);
    }

    /// Fingerprint `docs` in parallel tasks, each calling `sign` on its
    /// share, which pushes the documents that have something to index.
    fn of<D: Sync>(
        cfg: &CopyConfig,
        docs: &[D],
        sign: &(impl Sign<D> + ?Sized),
    ) -> Vec<Fingerprints> {
        docs.par_chunks(TASK_DOCS)
            .map(|task| {
                let mut out = Fingerprints::new(task.len(), cfg);
                sign(&mut Scratch::default(), task, &mut out);
                out
            })
            .collect()
    }
}

impl Store {
    fn new(bands: usize) -> Self {
        Store {
            bands: (0..bands).map(|_| BandTable::default()).collect(),
            ..Store::default()
        }
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    fn reserve(&mut self, additional: usize, num_perm: usize) {
        let total = self.ids.len() + additional;
        for table in &mut self.bands {
            table.reserve(total);
        }
        self.ids.reserve(additional);
        self.shingles.reserve(additional);
        self.sketches.reserve(additional * num_perm);
    }

    /// Room for one more document: the index of the next one, or `None`
    /// when full (2³² − 1 documents).
    fn next_index(&self) -> Option<u32> {
        u32::try_from(self.ids.len()).ok().filter(|&i| i < u32::MAX)
    }

    /// Insert fingerprinted documents band by band, so each band table
    /// takes all of them while it is in cache. Returns how many were
    /// inserted (all, unless the index fills up).
    fn insert(&mut self, batch: &[Fingerprints], num_perm: usize) -> usize {
        let base = self.ids.len();
        let room = (u32::MAX as usize - 1).saturating_sub(base);
        let wanted: usize = batch.iter().map(Fingerprints::len).sum();
        let count = wanted.min(room);
        self.reserve(count, num_perm);
        // (fingerprints, how many of them to insert, index of the first).
        let mut parts = Vec::with_capacity(batch.len());
        let mut next = base;
        for f in batch {
            let n = f.len().min(base + count - next);
            parts.push((f, n, next as u32)); // < u32::MAX by `room`
            next += n;
        }
        let mut sorted = Vec::new();
        for (t, table) in self.bands.iter_mut().enumerate() {
            let keys = parts.iter().map(|&(f, n, first)| {
                let keys = f.band(t).get(..n).unwrap_or_default();
                (keys, first)
            });
            bucket_by_key(keys, &mut sorted);
            table.extend(&sorted);
        }
        for &(f, n, _) in &parts {
            self.ids.extend_from_slice(&f.ids[..n]);
            self.shingles.extend_from_slice(&f.shingles[..n]);
            self.sketches.extend_from_slice(&f.sketches[..n * num_perm]);
        }
        count
    }
}

impl CopyIndex {
    /// An empty index with a given boilerplate set (e.g. from
    /// [`CopyIndex::learn_boilerplate`] or [`Boilerplate::builtin`]).
    pub fn new(cfg: CopyConfig, boilerplate: Boilerplate) -> Self {
        let cfg = cfg.sanitized();
        CopyIndex {
            store: Store::new(cfg.bands),
            cfg,
            boilerplate,
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
        self.store.reserve(additional, self.cfg.num_perm());
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
        self.store.len()
    }

    /// Whether no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.store.len() == 0
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

    /// Index many documents, fingerprinted in parallel on rayon's current
    /// pool while the previous block is inserted. Returns how many were
    /// indexed (not those with nothing to index).
    pub fn insert_batch(&mut self, docs: &[(DocId, &str)]) -> usize {
        let (cfg, boilerplate) = (&self.cfg, &self.boilerplate);
        pipeline(&mut self.store, cfg, docs, &|scratch, task, out| {
            for &(id, text) in task {
                let shingles = scratch.text_mins(cfg, boilerplate, text);
                if shingles > 0 {
                    out.push(cfg, id, &scratch.mins, shingles);
                }
            }
        })
    }

    /// Index many documents given as their shingle hashes (e.g. from
    /// [`crate::copy::shingle::shingle_hashes`], or an outside tool's), as
    /// [`CopyIndex::insert_batch`]; boilerplate hashes are skipped.
    pub fn insert_hashed_batch<H: AsRef<[u64]> + Sync>(&mut self, docs: &[(DocId, H)]) -> usize {
        let (cfg, boilerplate) = (&self.cfg, &self.boilerplate);
        pipeline(&mut self.store, cfg, docs, &|scratch, task, out| {
            for group in task.chunks(LANES) {
                let mut sets: [&[u64]; LANES] = [&[]; LANES];
                for (set, (_, hashes)) in sets.iter_mut().zip(group) {
                    *set = hashes.as_ref();
                }
                let sets = &sets[..group.len()];
                scratch.hash_mins_each(cfg, boilerplate, sets, |i, mins, shingles| {
                    if shingles > 0 {
                        out.push(cfg, group[i].0, mins, shingles);
                    }
                });
            }
        })
    }

    /// Index a document by its precomputed signature (which must come from
    /// the same configuration and boilerplate).
    pub fn insert_signature(&mut self, id: DocId, sig: &Signature) -> bool {
        let Some(index) = self.store.next_index() else {
            return false;
        };
        if sig.mins().len() != self.cfg.num_perm() {
            return false;
        }
        let store = &mut self.store;
        for (table, key) in store.bands.iter_mut().zip(sig.band_keys(self.cfg.rows)) {
            table.insert(key, index);
        }
        store.ids.push(id);
        store.shingles.push(sig.shingle_count());
        store.sketches.extend(sig.sketch());
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
        let store = &self.store;
        for (table, key) in store.bands.iter().zip(sig.band_keys(self.cfg.rows)) {
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
                let sketch = store.sketches.get(i * k..(i + 1) * k)?;
                let j = sketch_jaccard(&query_sketch, sketch);
                let s = *store.shingles.get(i)? as f32;
                let common = j * (q + s) / (1.0 + j);
                let containment = (common / q.min(s).max(1.0)).min(1.0);
                (containment >= self.cfg.min_candidate_containment)
                    .then(|| (store.ids[i], containment))
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
        let store = &self.store;
        store
            .bands
            .iter()
            .map(|t| t.slots.capacity() * 8)
            .sum::<usize>()
            + store.ids.capacity() * 8
            + store.shingles.capacity() * 4
            + store.sketches.capacity()
            + self.boilerplate.memory_bytes()
    }
}

/// The entries of documents `first, first + 1, …` under `keys`, for each
/// `(keys, first)`, into `out`, ordered by the top byte of the key (a
/// counting sort): inserted in that order, they sweep a band table from
/// front to back instead of jumping all over it, which at 10⁵ documents
/// and more is the difference between cache hits and misses.
fn bucket_by_key<'a>(parts: impl Iterator<Item = (&'a [u32], u32)> + Clone, out: &mut Vec<u64>) {
    let mut starts = [0usize; 257];
    for (keys, _) in parts.clone() {
        for &key in keys {
            starts[(key >> 24) as usize + 1] += 1;
        }
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    out.clear();
    out.resize(starts[256], 0);
    for (keys, first) in parts {
        for (index, &key) in (first..).zip(keys) {
            let at = &mut starts[(key >> 24) as usize];
            if let Some(slot) = out.get_mut(*at) {
                *slot = entry(key, index);
            }
            *at += 1;
        }
    }
}

/// Fingerprint `docs` block by block in parallel and insert each block
/// while the next one is fingerprinted. Returns how many were inserted.
fn pipeline<D: Sync>(
    store: &mut Store,
    cfg: &CopyConfig,
    docs: &[D],
    sign: &impl Sign<D>,
) -> usize {
    let num_perm = cfg.num_perm();
    store.reserve(docs.len(), num_perm);
    let mut inserted = 0;
    let mut pending: Vec<Fingerprints> = Vec::new();
    for block in docs.chunks(BLOCK_DOCS) {
        let (done, next) = rayon::join(
            || store.insert(&pending, num_perm),
            || Fingerprints::of(cfg, block, sign),
        );
        inserted += done;
        pending = next;
    }
    inserted + store.insert(&pending, num_perm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_and_one_by_one_build_the_same_index() {
        let docs = crate::copy::eval::corpus(3, 300);
        let pairs: Vec<(DocId, &str)> = docs.iter().map(|d| (d.id, d.text.as_str())).collect();
        let cfg = CopyConfig::default();
        let boilerplate = CopyIndex::learn_boilerplate(&cfg, &pairs);
        let mut batch = CopyIndex::new(cfg.clone(), boilerplate.clone());
        assert_eq!(batch.insert_batch(&pairs), pairs.len());
        let mut single = CopyIndex::new(cfg, boilerplate);
        for (id, text) in &pairs {
            assert!(single.insert(*id, text));
        }
        assert_eq!(batch.len(), single.len());
        for (_, text) in pairs.iter().step_by(7) {
            let Some(sig) = batch.signature(text) else {
                continue;
            };
            let found = batch.candidates_for(&sig);
            assert_eq!(found, single.candidates_for(&sig));
            assert!(!found.is_empty(), "a document finds itself");
        }
    }

    #[test]
    fn band_table_is_a_multimap() {
        let mut t = BandTable::default();
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
