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
        self.mins.chunks(rows.max(1)).enumerate().map(|(t, band)| {
            let mut h = BAND_SEED ^ t as u64;
            for &v in band {
                h = fmix64(h ^ u64::from(v));
            }
            (h >> 32) as u32
        })
    }

    /// One byte per bin (b-bit MinHash with b = 8), kept by the index to
    /// estimate the similarity of LSH candidates.
    pub fn sketch(&self) -> impl Iterator<Item = u8> + '_ {
        self.mins.iter().map(|&v| fmix64(u64::from(v)) as u8)
    }
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

thread_local! {
    static SCRATCH: RefCell<(Vec<char>, Vec<u64>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// The signature of `text`, or `None` when it has no non-boilerplate
/// shingle. A pure function (scratch buffers are thread-local), so callers
/// may compute signatures in parallel, e.g. with rayon's `par_iter`.
pub fn signature(cfg: &CopyConfig, boilerplate: &Boilerplate, text: &str) -> Option<Signature> {
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        let (chars, hashes) = &mut *s;
        normalize_chars(text, chars);
        shingle_hashes(chars, cfg.shingle_len, hashes);
        signature_of_hashes(cfg, boilerplate, hashes)
    })
}

/// The signature of a document given as its shingle hashes.
pub fn signature_of_hashes(
    cfg: &CopyConfig,
    boilerplate: &Boilerplate,
    hashes: &[u64],
) -> Option<Signature> {
    let k = cfg.num_perm();
    let mut mins = vec![u64::MAX; k];
    let mut shingles = 0u32;
    for &h in hashes {
        if boilerplate.contains(h) {
            continue;
        }
        shingles = shingles.saturating_add(1);
        let bin = (((h >> 32) * k as u64) >> 32) as usize;
        let v = h & 0xffff_ffff;
        if v < mins[bin] {
            mins[bin] = v;
        }
    }
    if shingles == 0 {
        return None;
    }
    densify(&mut mins);
    Some(Signature {
        mins: mins.into_iter().map(|v| v as u32).collect(),
        shingles,
    })
}

/// Fill empty bins (`u64::MAX`) from non-empty ones; at least one bin must
/// be non-empty.
fn densify(mins: &mut [u64]) {
    if !mins.contains(&u64::MAX) {
        return;
    }
    let k = mins.len() as u64;
    let original = mins.to_vec();
    let first_full = original
        .iter()
        .copied()
        .find(|&v| v != u64::MAX)
        .unwrap_or(0);
    for (i, slot) in mins.iter_mut().enumerate() {
        if *slot != u64::MAX {
            continue;
        }
        let donor = (0..64 * k)
            .map(|attempt| {
                let r = fmix64(DENSIFY_SEED ^ ((i as u64) << 32) ^ attempt);
                original[(((r >> 32) * k) >> 32) as usize]
            })
            .find(|&v| v != u64::MAX);
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
    fn only_boilerplate_gives_no_signature() {
        let cfg = CopyConfig::default();
        let b = Boilerplate::builtin(&cfg);
        assert!(signature(&cfg, &b, "深入学习贯彻习近平新时代中国特色社会主义思想").is_none());
        assert!(signature(&cfg, &b, "短").is_none());
    }
}
