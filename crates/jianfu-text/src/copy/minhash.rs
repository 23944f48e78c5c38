//! MinHash signatures by one-permutation hashing (Li, Owen & Zhang 2012)
//! with optimal densification (Shrivastava 2017), and their LSH band keys.
//!
//! Each non-boilerplate shingle hash is used once: its top bits pick one of
//! `K = bands × rows` bins and its low 32 bits compete for that bin's
//! minimum. An empty bin (short documents) borrows the value of a non-empty
//! bin chosen by a probe sequence that depends only on the bin number, so
//! equal sets still get equal signatures. The cost is one pass over the
//! shingles plus `O(K)`, instead of `K` hash evaluations per shingle.

use std::cell::RefCell;

use super::normalize::normalize_chars;
use super::shingle::{fmix64, shingle_hashes, Boilerplate};
use super::CopyConfig;

/// The MinHash signature of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    mins: Vec<u32>,
    shingles: u32,
}

const BAND_SEED: u64 = 0x5151_f00d_c0ff_ee00;
const DENSIFY_SEED: u64 = 0x0dd5_eed5_1234_5678;

/// An empty bin while the minima are collected. A shingle whose low 32
/// bits are all ones looks empty too and gets a donor's value: harmless,
/// as it does so alike in every document containing it.
const EMPTY_BIN: u32 = u32::MAX;

impl Signature {
    /// The per-bin minima (`K` of them).
    pub fn mins(&self) -> &[u32] {
        &self.mins
    }

    /// Number of non-boilerplate shingles the signature was built from.
    pub fn shingle_count(&self) -> u32 {
        self.shingles
    }

    /// The 32-bit key of each LSH band, band `t` from bins `t·r .. t·r+r`.
    pub fn band_keys(&self, rows: usize) -> impl Iterator<Item = u32> + '_ {
        self.mins
            .chunks(rows.max(1))
            .enumerate()
            .map(|(t, band)| band_key(t, band))
    }

    /// One byte per bin (b-bit MinHash with b = 8), kept by the index to
    /// estimate the similarity of LSH candidates.
    pub fn sketch(&self) -> impl Iterator<Item = u8> + '_ {
        self.mins.iter().map(|&v| sketch_byte(v))
    }
}

/// The key of band `t` made of the bins `band`: the bins are packed two by
/// two into 64-bit words and mixed, so the default two rows cost one
/// `fmix64`.
#[inline]
pub(crate) fn band_key(t: usize, band: &[u32]) -> u32 {
    let mut h = BAND_SEED ^ (t as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for pair in band.chunks(2) {
        let low = u64::from(pair[0]);
        let high = pair.get(1).map_or(0, |&v| u64::from(v));
        h = fmix64(h ^ low ^ (high << 32));
    }
    (h >> 32) as u32
}

/// A bin's sketch byte: the low byte of its minimum, which is uniform
/// (the low bits of a shingle hash are) whatever the minimum's size.
#[inline]
pub(crate) fn sketch_byte(v: u32) -> u8 {
    v as u8
}

/// Estimated Jaccard similarity from two 8-bit sketches of equal length:
/// unequal bins never match, equal ones match by chance 1 time in 256.
pub fn sketch_jaccard(a: &[u8], b: &[u8]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count() as f32 / a.len() as f32;
    ((same - 1.0 / 256.0) / (1.0 - 1.0 / 256.0)).max(0.0)
}

/// Shingle-hash sets whose minima [`Scratch::hash_mins_each`] collects
/// together.
pub(crate) const LANES: usize = 4;

/// Reusable buffers for turning a text into its minima.
#[derive(Debug)]
pub(crate) struct Scratch {
    chars: Vec<char>,
    hashes: Vec<u64>,
    pub(crate) mins: Vec<u32>,
    lanes: [[u32; 128]; LANES],
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            chars: Vec::new(),
            hashes: Vec::new(),
            mins: Vec::new(),
            lanes: [[EMPTY_BIN; 128]; LANES],
        }
    }
}

impl Scratch {
    /// The minima of `text` into `self.mins`; returns the number of
    /// non-boilerplate shingles (0: no signature).
    pub(crate) fn text_mins(
        &mut self,
        cfg: &CopyConfig,
        boilerplate: &Boilerplate,
        text: &str,
    ) -> u32 {
        normalize_chars(text, &mut self.chars);
        shingle_hashes(&self.chars, cfg.shingle_len, &mut self.hashes);
        self.mins.resize(cfg.num_perm(), EMPTY_BIN);
        min_hash_into(boilerplate, &self.hashes, &mut self.mins)
    }

    /// The minima of a shingle hash set into `self.mins`, as
    /// [`Scratch::text_mins`].
    pub(crate) fn hash_mins(
        &mut self,
        cfg: &CopyConfig,
        boilerplate: &Boilerplate,
        hashes: &[u64],
    ) -> u32 {
        self.mins.resize(cfg.num_perm(), EMPTY_BIN);
        min_hash_into(boilerplate, hashes, &mut self.mins)
    }

    /// The minima of each of `sets` (at most [`LANES`]), passed to
    /// `each(i, minima, shingle count)` in order. Without boilerplate and
    /// with the default 128 bins, [`LANES`] sets are read in lockstep, so
    /// that the memory reads of one overlap those of the others: a third
    /// faster than one after the other when the sets come from memory.
    pub(crate) fn hash_mins_each(
        &mut self,
        cfg: &CopyConfig,
        boilerplate: &Boilerplate,
        sets: &[&[u64]],
        mut each: impl FnMut(usize, &[u32], u32),
    ) {
        match <[&[u64]; LANES]>::try_from(sets) {
            Ok(lanes) if boilerplate.is_empty() && cfg.num_perm() == 128 => {
                collect_mins_128_lanes(lanes, &mut self.lanes);
                for (i, (mins, set)) in self.lanes.iter_mut().zip(lanes).enumerate() {
                    let shingles = u32::try_from(set.len()).unwrap_or(u32::MAX);
                    if shingles > 0 {
                        densify(mins);
                    }
                    each(i, mins, shingles);
                }
            }
            _ => {
                for (i, set) in sets.iter().enumerate() {
                    let shingles = self.hash_mins(cfg, boilerplate, set);
                    each(i, &self.mins, shingles);
                }
            }
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The signature of `text`, or `None` when it has no non-boilerplate
/// shingle. A pure function (scratch buffers are thread-local), so callers
/// may compute signatures in parallel, e.g. with rayon's `par_iter`.
pub fn signature(cfg: &CopyConfig, boilerplate: &Boilerplate, text: &str) -> Option<Signature> {
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        let shingles = s.text_mins(cfg, boilerplate, text);
        (shingles > 0).then(|| Signature {
            mins: s.mins.clone(),
            shingles,
        })
    })
}

/// The signature of a document given as its shingle hashes.
pub fn signature_of_hashes(
    cfg: &CopyConfig,
    boilerplate: &Boilerplate,
    hashes: &[u64],
) -> Option<Signature> {
    let mut mins = vec![EMPTY_BIN; cfg.num_perm()];
    let shingles = min_hash_into(boilerplate, hashes, &mut mins);
    (shingles > 0).then_some(Signature { mins, shingles })
}

/// One-permutation MinHash of `hashes` into `mins` (its length is the
/// number of bins `K`), densified; returns the number of non-boilerplate
/// shingles, and leaves `mins` undefined when that is 0.
pub(crate) fn min_hash_into(boilerplate: &Boilerplate, hashes: &[u64], mins: &mut [u32]) -> u32 {
    mins.fill(EMPTY_BIN);
    let shingles = if boilerplate.is_empty() {
        match <&mut [u32; 128]>::try_from(&mut *mins) {
            Ok(mins) => collect_mins_128(hashes, mins),
            Err(_) => collect_mins(hashes, mins),
        }
        u32::try_from(hashes.len()).unwrap_or(u32::MAX)
    } else {
        collect_mins_filtered(boilerplate, hashes, mins)
    };
    if shingles > 0 {
        densify(mins);
    }
    shingles
}

/// The bin of shingle hash `h` among `k`: its top 32 bits scaled to `k`
/// (the low 32 bits are the value competing in the bin).
#[inline(always)]
fn bin_of(h: u64, k: u64) -> usize {
    (((h >> 32) * k) >> 32) as usize
}

/// [`collect_mins`] for the default 128 bins, where the bin is just the
/// top 7 bits and needs no bounds check.
fn collect_mins_128(hashes: &[u64], mins: &mut [u32; 128]) {
    for &h in hashes {
        let bin = (h >> 57) as usize; // == bin_of(h, 128)
        mins[bin] = mins[bin].min(h as u32);
    }
}

/// [`collect_mins_128`] of [`LANES`] sets in lockstep.
fn collect_mins_128_lanes(sets: [&[u64]; LANES], mins: &mut [[u32; 128]; LANES]) {
    for lane in mins.iter_mut() {
        lane.fill(EMPTY_BIN);
    }
    let common = sets.iter().map(|s| s.len()).min().unwrap_or(0);
    let heads = sets.map(|s| &s[..common]);
    for i in 0..common {
        for (lane, head) in mins.iter_mut().zip(&heads) {
            let h = head[i];
            let bin = (h >> 57) as usize;
            lane[bin] = lane[bin].min(h as u32);
        }
    }
    for (lane, set) in mins.iter_mut().zip(sets) {
        collect_mins_128(&set[common..], lane);
    }
}

fn collect_mins(hashes: &[u64], mins: &mut [u32]) {
    let k = mins.len() as u64;
    for &h in hashes {
        if let Some(m) = mins.get_mut(bin_of(h, k)) {
            *m = (*m).min(h as u32);
        }
    }
}

/// [`collect_mins`] skipping boilerplate, without a branch on it: a
/// boilerplate shingle competes with the empty value, which never wins.
fn collect_mins_filtered(boilerplate: &Boilerplate, hashes: &[u64], mins: &mut [u32]) -> u32 {
    let k = mins.len() as u64;
    let mut kept = 0u32;
    for &h in hashes {
        let skip = boilerplate.contains(h);
        kept += u32::from(!skip);
        let v = if skip { EMPTY_BIN } else { h as u32 };
        if let Some(m) = mins.get_mut(bin_of(h, k)) {
            *m = (*m).min(v);
        }
    }
    kept
}

/// Fill empty bins from non-empty ones, each by a probe sequence that
/// depends only on its bin number; at least one bin must be non-empty.
fn densify(mins: &mut [u32]) {
    if !mins.contains(&EMPTY_BIN) {
        return;
    }
    let k = mins.len() as u64;
    let original = mins.to_vec();
    let first_full = original
        .iter()
        .copied()
        .find(|&v| v != EMPTY_BIN)
        .unwrap_or(0);
    for (i, slot) in mins.iter_mut().enumerate() {
        if *slot != EMPTY_BIN {
            continue;
        }
        let donor = (0..64 * k)
            .map(|attempt| {
                let r = fmix64(DENSIFY_SEED ^ ((i as u64) << 32) ^ attempt);
                original[bin_of(r, k)]
            })
            .find(|&v| v != EMPTY_BIN);
        *slot = donor.unwrap_or(first_full);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(text: &str) -> Signature {
        let cfg = CopyConfig::default();
        signature(&cfg, &Boilerplate::none(), text).expect("text has shingles")
    }

    #[test]
    fn equal_texts_equal_signatures_and_bands() {
        let a = sig("关于进一步规范督查检查考核工作的通知，各单位要认真执行");
        let b = sig("关于进一步规范督查检查考核工作的通知。各单位要认真执行！");
        assert_eq!(a, b);
        assert_eq!(a.band_keys(2).count(), 64);
        assert!(a.mins().iter().all(|&v| v != u32::MAX) || a.shingle_count() > 0);
    }

    #[test]
    fn sketch_estimates_similarity() {
        let text: String = (0..400)
            .map(|i| char::from_u32(0x4e00 + (i * 37 % 5000) as u32).unwrap_or('一'))
            .collect();
        let half: String = text.chars().take(200).collect();
        let a: Vec<u8> = sig(&text).sketch().collect();
        let b: Vec<u8> = sig(&half).sketch().collect();
        let j = sketch_jaccard(&a, &b);
        assert!((0.3..0.75).contains(&j), "{j}");
        assert!((sketch_jaccard(&a, &a) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn lanes_equal_one_at_a_time() {
        let cfg = CopyConfig::default();
        let mut rng = crate::copy::eval::Rng::new(5);
        let sets: Vec<Vec<u64>> = [0, 1, 40, 700, 3000, 5]
            .iter()
            .map(|&n| (0..n).map(|_| rng.next_u64()).collect())
            .collect();
        for group in sets.windows(LANES) {
            let refs: Vec<&[u64]> = group.iter().map(Vec::as_slice).collect();
            let mut got = Vec::new();
            let mut scratch = Scratch::default();
            scratch.hash_mins_each(&cfg, &Boilerplate::none(), &refs, |_, mins, n| {
                got.push((n > 0).then(|| (mins.to_vec(), n)));
            });
            let want: Vec<_> = group
                .iter()
                .map(|set| {
                    signature_of_hashes(&cfg, &Boilerplate::none(), set)
                        .map(|s| (s.mins().to_vec(), s.shingle_count()))
                })
                .collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn only_boilerplate_gives_no_signature() {
        let cfg = CopyConfig::default();
        let b = Boilerplate::builtin(&cfg);
        assert!(signature(&cfg, &b, "深入学习贯彻习近平新时代中国特色社会主义思想").is_none());
        assert!(signature(&cfg, &b, "短").is_none());
    }
}
