//! Alignment of a candidate pair: the maximal common spans of two
//! normalised texts, found from shingle seeds and extended greedily.
//!
//! Every non-boilerplate shingle of the query that also occurs in the source
//! (at most [`MAX_SEED_REPEAT`] times there) is a seed on the diagonal
//! `source position − query position`; each seed not already inside a run
//! of its diagonal is extended left and right while the normalised chars
//! agree. Extension crosses boilerplate freely — a slogan inside a copied
//! paragraph was copied too — but a run must contain a seed, so slogans
//! alone never make a span. Runs of at least `min_span` chars are then
//! chosen longest first without overlapping on the query side, in any
//! order on either side (reordered paragraphs). A run whose informative
//! core (first to last non-boilerplate shingle) is short is trimmed to that
//! core, so a shared slogan next to a chance match does not grow it into a
//! span; a long core is a copied passage and keeps its boilerplate edges.

use std::collections::HashMap;

use super::normalize::{normalize, Normalized};
use super::shingle::{shingle_hashes, Boilerplate, Premixed};
use super::CopyConfig;

/// A shingle occurring more often than this in the source is too repetitive
/// to seed an alignment.
pub const MAX_SEED_REPEAT: usize = 8;

/// A text ready for alignment: normalised with its offset map, and its
/// shingle hashes by position.
#[derive(Debug, Clone)]
pub struct PreparedText {
    norm: Normalized,
    hashes: Vec<u64>,
}

impl PreparedText {
    /// Normalise and shingle `text`.
    pub fn new(cfg: &CopyConfig, text: &str) -> Self {
        let norm = normalize(text);
        let mut hashes = Vec::new();
        shingle_hashes(norm.chars(), cfg.shingle_len, &mut hashes);
        PreparedText { norm, hashes }
    }

    /// The normalised text and its offset map.
    pub fn normalized(&self) -> &Normalized {
        &self.norm
    }

    /// Shingle hashes by normalised position.
    pub fn hashes(&self) -> &[u64] {
        &self.hashes
    }
}

/// A copied span: `[a_start, a_end)` in the query and `[b_start, b_end)`
/// in the source, in chars of the ORIGINAL texts. Both normalise to the
/// same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Span {
    pub a_start: usize,
    pub a_end: usize,
    pub b_start: usize,
    pub b_end: usize,
}

/// The spans common to a query and a source, and the shares they cover.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Alignment {
    /// Sorted by `a_start`.
    pub spans: Vec<Span>,
    /// Share of the query's normalised chars covered by spans.
    pub share_of_query: f32,
    /// Share of the source's normalised chars covered by spans.
    pub share_of_source: f32,
}

/// A run of equal normalised chars: query `[q, q + len)`, source `[s, s + len)`.
#[derive(Debug, Clone, Copy)]
struct Run {
    q: usize,
    s: usize,
    len: usize,
}

/// Align `query` against `source`.
pub fn align(
    cfg: &CopyConfig,
    boilerplate: &Boilerplate,
    query: &PreparedText,
    source: &PreparedText,
) -> Alignment {
    let runs = seed_and_extend(cfg, boilerplate, query, source);
    let picked = pick_non_overlapping(runs, query.norm.len(), cfg.min_span.max(1));
    let (qn, sn) = (&query.norm, &source.norm);
    let mut source_cover = vec![false; sn.len()];
    let mut covered_q = 0usize;
    let mut spans = Vec::with_capacity(picked.len());
    for run in picked {
        let Some(run) = snap_to_groups(run, qn, sn) else {
            continue;
        };
        let (Some((a_start, a_end)), Some((b_start, b_end))) = (
            qn.original_range(run.q, run.q + run.len),
            sn.original_range(run.s, run.s + run.len),
        ) else {
            continue;
        };
        covered_q += run.len;
        source_cover[run.s..run.s + run.len]
            .iter_mut()
            .for_each(|c| *c = true);
        spans.push(Span {
            a_start,
            a_end,
            b_start,
            b_end,
        });
    }
    spans.sort_unstable_by_key(|s| (s.a_start, s.b_start));
    let covered_s = source_cover.iter().filter(|&&c| c).count();
    Alignment {
        spans,
        share_of_query: share(covered_q, qn.len()),
        share_of_source: share(covered_s, sn.len()),
    }
}

fn share(part: usize, whole: usize) -> f32 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64) as f32
    }
}

fn seed_and_extend(
    cfg: &CopyConfig,
    boilerplate: &Boilerplate,
    query: &PreparedText,
    source: &PreparedText,
) -> Vec<Run> {
    let (q, s) = (query.norm.chars(), source.norm.chars());
    let mut index: Vec<(u64, u32)> = source
        .hashes
        .iter()
        .enumerate()
        .filter(|(_, &h)| !boilerplate.contains(h))
        .map(|(j, &h)| (h, j as u32))
        .collect();
    index.sort_unstable();
    let mut diagonal_end: HashMap<isize, usize, Premixed> = HashMap::default();
    let mut runs = Vec::new();
    for (i, &h) in query.hashes.iter().enumerate() {
        if boilerplate.contains(h) {
            continue;
        }
        let lo = index.partition_point(|e| e.0 < h);
        let hi = lo + index[lo..].partition_point(|e| e.0 == h);
        if hi - lo > MAX_SEED_REPEAT {
            continue;
        }
        for &(_, j) in &index[lo..hi] {
            let j = j as usize;
            let diagonal = j as isize - i as isize;
            if diagonal_end.get(&diagonal).is_some_and(|&end| i < end) {
                continue;
            }
            let (mut a, mut b) = (i, j);
            while a > 0 && b > 0 && q[a - 1] == s[b - 1] {
                a -= 1;
                b -= 1;
            }
            let mut e = i;
            while e < q.len() && e + j - i < s.len() && q[e] == s[e + j - i] {
                e += 1;
            }
            diagonal_end.insert(diagonal, e.max(i + 1));
            match informative_core(&query.hashes, boilerplate, a, e, cfg.shingle_len) {
                Some((from, to)) if to - from >= 2 * cfg.min_span => runs.push(Run {
                    q: a,
                    s: b,
                    len: e - a,
                }),
                Some((from, to)) if to - from >= cfg.min_span => runs.push(Run {
                    q: from,
                    s: b + (from - a),
                    len: to - from,
                }),
                _ => {}
            }
        }
    }
    runs
}

/// The part of the equal run `[start, end)` from its first to its last
/// non-boilerplate shingle: boilerplate inside a copied passage belongs to
/// it, boilerplate trailing at its ends may be shared by chance.
fn informative_core(
    hashes: &[u64],
    boilerplate: &Boilerplate,
    start: usize,
    end: usize,
    n: usize,
) -> Option<(usize, usize)> {
    let last_shingle = end.checked_sub(n)?;
    let informative = |p: &usize| hashes.get(*p).is_some_and(|&h| !boilerplate.contains(h));
    let first = (start..=last_shingle).find(informative)?;
    let last = (first..=last_shingle).rev().find(informative)?;
    Some((first, last + n))
}

/// Longest runs first; later runs keep only their pieces not yet covered
/// on the query side, if long enough.
fn pick_non_overlapping(mut runs: Vec<Run>, query_len: usize, min_span: usize) -> Vec<Run> {
    runs.sort_unstable_by(|x, y| y.len.cmp(&x.len).then(x.q.cmp(&y.q)).then(x.s.cmp(&y.s)));
    let mut covered = vec![false; query_len];
    let mut picked = Vec::new();
    for run in runs {
        let mut p = run.q;
        let end = run.q + run.len;
        while p < end {
            if covered[p] {
                p += 1;
                continue;
            }
            let start = p;
            while p < end && !covered[p] {
                p += 1;
            }
            if p - start >= min_span {
                covered[start..p].iter_mut().for_each(|c| *c = true);
                picked.push(Run {
                    q: start,
                    s: run.s + (start - run.q),
                    len: p - start,
                });
            }
        }
    }
    picked
}

/// Shrink a run until both ends lie on group boundaries on both sides.
fn snap_to_groups(mut run: Run, qn: &Normalized, sn: &Normalized) -> Option<Run> {
    while run.len > 0 && !(qn.is_boundary(run.q) && sn.is_boundary(run.s)) {
        run.q += 1;
        run.s += 1;
        run.len -= 1;
    }
    while run.len > 0 && !(qn.is_boundary(run.q + run.len) && sn.is_boundary(run.s + run.len)) {
        run.len -= 1;
    }
    (run.len > 0).then_some(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(a: &str, b: &str) -> Alignment {
        let cfg = CopyConfig {
            min_span: 8,
            ..CopyConfig::default()
        };
        align(
            &cfg,
            &Boilerplate::none(),
            &PreparedText::new(&cfg, a),
            &PreparedText::new(&cfg, b),
        )
    }

    fn slice(s: &str, from: usize, to: usize) -> String {
        s.chars().skip(from).take(to - from).collect()
    }

    #[test]
    fn reordered_paragraphs_and_swapped_units() {
        let p1 = "全市各级各部门要严格控制发文数量，不得以文件落实文件。";
        let p2 = "市委办公室每季度通报一次督查检查考核计划执行情况。";
        let a = format!("{p1}\n{p2}");
        let b = format!(
            "前言一段新的话语在这里出现。{}\n{}",
            p2.replace("市委", "县委"),
            p1.replace("全市", "全县")
        );
        let al = run(&a, &b);
        assert_eq!(al.spans.len(), 2, "{al:?}");
        assert!(al.share_of_query > 0.99, "{al:?}");
        for sp in &al.spans {
            let (x, y) = (
                slice(&a, sp.a_start, sp.a_end),
                slice(&b, sp.b_start, sp.b_end),
            );
            assert_eq!(normalize(&x).chars(), normalize(&y).chars(), "{x} / {y}");
        }
    }

    #[test]
    fn nothing_in_common() {
        let al = run(
            "关于开展安全生产大检查的通知要求",
            "乡村振兴重点帮扶县名单公布如下",
        );
        assert!(al.spans.is_empty());
        assert_eq!(al.share_of_query, 0.0);
    }
}
