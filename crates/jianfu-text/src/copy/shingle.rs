//! Character shingles of a normalised text, hashed to 64 bits, and the
//! boilerplate (公文套话) filter built from their document frequency.
//!
//! Hashing is a rolling cyclic-polynomial hash (Buzhash) over per-char
//! 64-bit mixes, finished with MurmurHash3's `fmix64`: a handful of
//! instructions per character, whatever the shingle length.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::normalize::normalize_chars;
use super::CopyConfig;

/// MurmurHash3's 64-bit finaliser: a fast, well-mixing bijection.
#[inline]
pub(crate) fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// A hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PremixedHasher(u64);

impl Hasher for PremixedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = fmix64(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type Premixed = BuildHasherDefault<PremixedHasher>;

/// A cheap per-char mix (the shingle hash is finished by `fmix64`).
#[inline]
fn char_mix(c: char) -> u64 {
    let x = (u64::from(c) ^ 0x2545_f491_4f6c_dd1d).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^ (x >> 29)
}

/// Hashes of every `n`-char shingle of `chars`, in text order (so position
/// `i` of the result is the shingle starting at normalised char `i`).
pub fn shingle_hashes(chars: &[char], n: usize, out: &mut Vec<u64>) {
    out.clear();
    let n = n.clamp(1, 64);
    if chars.len() < n {
        return;
    }
    let mut h = 0u64;
    for &c in &chars[..n] {
        h = h.rotate_left(1) ^ char_mix(c);
    }
    out.push(fmix64(h));
    // `extend` from a zip of slices knows its length: no capacity check
    // per hash.
    let rot = n as u32;
    out.extend(chars.iter().zip(&chars[n..]).map(|(&gone, &new)| {
        h = h.rotate_left(1) ^ char_mix(gone).rotate_left(rot) ^ char_mix(new);
        fmix64(h)
    }));
}

/// Common slogans of official documents, always treated as boilerplate
/// whatever the corpus (the corpus's own frequent shingles are added by
/// [`DfCounter`]).
pub const BUILTIN_BOILERPLATE: &[&str] = &[
    "深入学习贯彻习近平新时代中国特色社会主义思想",
    "以习近平新时代中国特色社会主义思想为指导",
    "全面贯彻落实党的二十大和二十届历次全会精神",
    "深入贯彻落实党的二十大精神",
    "坚决贯彻落实党中央决策部署",
    "增强四个意识坚定四个自信做到两个维护",
    "深刻领悟两个确立的决定性意义",
    "高度重视精心组织",
    "切实抓好落实",
    "加强组织领导压实工作责任",
    "认真贯彻落实",
    "确保各项工作落到实处",
    "以钉钉子精神抓好落实",
    "坚持以人民为中心的发展思想",
    "统筹发展和安全",
    "推动高质量发展",
];

/// The set of boilerplate shingle hashes, as a blocked Bloom filter (two
/// bits in one 64-bit word per hash, 16 bits per entry): one cached memory
/// read per lookup. About 1.5% of ordinary shingles test positive too;
/// they are skipped alike in every document and query, which only
/// subsamples the shingles that take part in matching.
#[derive(Debug, Clone)]
pub struct Boilerplate {
    words: Vec<u64>,
    entries: usize,
}

impl Boilerplate {
    /// Only the built-in slogans of [`BUILTIN_BOILERPLATE`].
    pub fn builtin(cfg: &CopyConfig) -> Self {
        Self::from_hashes(&builtin_hashes(cfg))
    }

    /// Nothing is boilerplate.
    pub fn none() -> Self {
        Self::from_hashes(&[])
    }

    fn from_hashes(hashes: &[u64]) -> Self {
        let words = (hashes.len() / 4).next_power_of_two().max(64);
        let mut b = Boilerplate {
            words: vec![0; words],
            entries: hashes.len(),
        };
        for &h in hashes {
            let (w, bits) = b.locate(h);
            b.words[w] |= bits;
        }
        b
    }

    #[inline]
    fn locate(&self, h: u64) -> (usize, u64) {
        let word = (h >> 32) as usize & (self.words.len() - 1);
        let bits = (1u64 << (h & 63)) | (1u64 << ((h >> 6) & 63));
        (word, bits)
    }

    /// Whether shingle hash `h` is boilerplate.
    #[inline]
    pub fn contains(&self, h: u64) -> bool {
        if self.entries == 0 {
            return false;
        }
        let (w, bits) = self.locate(h);
        self.words[w] & bits == bits
    }

    /// Number of boilerplate shingle hashes put in.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether no shingle is boilerplate.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Bytes held by the filter.
    pub fn memory_bytes(&self) -> usize {
        self.words.len() * 8
    }
}

fn builtin_hashes(cfg: &CopyConfig) -> Vec<u64> {
    let (mut chars, mut hashes, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for phrase in BUILTIN_BOILERPLATE {
        normalize_chars(phrase, &mut chars);
        shingle_hashes(&chars, cfg.shingle_len, &mut hashes);
        all.extend_from_slice(&hashes);
    }
    all
}

/// Document frequency of shingle hashes, exact, over the documents given
/// to it (the whole corpus when small, a uniform sample when large: see
/// [`CopyConfig::df_sample_docs`]). Like MOSS, a shingle found in more than
/// `max(boilerplate_min_df, boilerplate_df_share × documents)` documents is
/// boilerplate. Counters merge, so samples can be counted in parallel.
#[derive(Debug, Clone, Default)]
pub struct DfCounter {
    counts: HashMap<u64, u32, Premixed>,
    docs: u32,
}

impl DfCounter {
    /// Count the distinct shingles of one document.
    pub fn add(&mut self, cfg: &CopyConfig, text: &str) {
        self.add_distinct(&distinct_shingles(cfg, text));
    }

    /// Count a document given as its distinct shingle hashes.
    pub fn add_distinct(&mut self, distinct: &[u64]) {
        for &h in distinct {
            *self.counts.entry(h).or_insert(0) += 1;
        }
        self.docs = self.docs.saturating_add(1);
    }

    /// Add another counter's counts.
    pub fn merge(&mut self, other: DfCounter) {
        for (h, n) in other.counts {
            let slot = self.counts.entry(h).or_insert(0);
            *slot = slot.saturating_add(n);
        }
        self.docs = self.docs.saturating_add(other.docs);
    }

    /// Number of documents counted.
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// The boilerplate set: frequent shingles plus the built-in slogans.
    pub fn finish(&self, cfg: &CopyConfig) -> Boilerplate {
        let threshold = cfg
            .boilerplate_min_df
            .max((cfg.boilerplate_df_share * self.docs as f32) as u32);
        let mut hashes = builtin_hashes(cfg);
        hashes.extend(
            self.counts
                .iter()
                .filter(|(_, &n)| n > threshold)
                .map(|(&h, _)| h),
        );
        Boilerplate::from_hashes(&hashes)
    }
}

/// The sorted distinct shingle hashes of `text`.
pub fn distinct_shingles(cfg: &CopyConfig, text: &str) -> Vec<u64> {
    let (mut chars, mut hashes) = (Vec::new(), Vec::new());
    normalize_chars(text, &mut chars);
    shingle_hashes(&chars, cfg.shingle_len, &mut hashes);
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_hash_equals_direct_hash() {
        let chars: Vec<char> = "深入推进基层减负工作走深走实".chars().collect();
        let mut all = Vec::new();
        shingle_hashes(&chars, 5, &mut all);
        for (i, h) in all.iter().enumerate() {
            let mut one = Vec::new();
            shingle_hashes(&chars[i..i + 5], 5, &mut one);
            assert_eq!(one, vec![*h]);
        }
        assert_eq!(all.len(), chars.len() - 4);
    }

    #[test]
    fn frequent_shingles_become_boilerplate() {
        let cfg = CopyConfig {
            boilerplate_min_df: 2,
            ..CopyConfig::default()
        };
        let mut df = DfCounter::default();
        for i in 0..5 {
            df.add(&cfg, &format!("各单位要统筹推进安全生产大检查第{i}项任务"));
        }
        let b = df.finish(&cfg);
        let mut h = Vec::new();
        shingle_hashes(
            &"各单位要统筹推进安全生产".chars().collect::<Vec<_>>(),
            cfg.shingle_len,
            &mut h,
        );
        assert!(h.iter().all(|&x| b.contains(x)));
        shingle_hashes(
            &"大检查第3项任务".chars().collect::<Vec<_>>(),
            cfg.shingle_len,
            &mut h,
        );
        assert!(h.iter().all(|&x| !b.contains(x)));
    }
}
