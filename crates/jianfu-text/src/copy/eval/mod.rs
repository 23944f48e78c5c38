//! Evaluation with ground truth: a generated corpus ([`corpus`]) whose
//! copies are known char by char, and the scores of a [`CopyIndex`] on it.
//!
//! A pair of documents is *positive* when at least half of one of them
//! ([`POSITIVE_SHARE`]) is copied from the other, by the truth for the
//! truth and by the larger detected share for the detector. Precision and
//! recall are over unordered pairs; span scores are over normalised chars
//! (each stands for its original chars; punctuation and whitespace, which
//! normalise away, are not scored), summed over both sides of every pair
//! that is positive by the truth or by the detector.

mod generate;
mod phrases;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

pub use generate::{corpus, family, CopyKind, GeneratedDoc, Rng, FAMILY_STRIDE};

use super::normalize::{normalize, Normalized};
use super::{CopyIndex, CopyMatch, DocId, Span};

/// A pair is positive when this share of one of its documents is copied.
pub const POSITIVE_SHARE: f32 = 0.5;

/// A pair of documents that share copied text, by the ground truth.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TruthPair {
    pub a: DocId,
    pub b: DocId,
    /// Share of `a`'s normalised chars copied from `b`.
    pub share_a: f32,
    /// Share of `b`'s normalised chars copied from `a`.
    pub share_b: f32,
    /// The true copied spans (maximal runs), original char offsets.
    pub spans: Vec<Span>,
}

impl TruthPair {
    pub fn is_positive(&self) -> bool {
        self.share_a.max(self.share_b) >= POSITIVE_SHARE
    }
}

/// A document's normalised text and, for each normalised char, its origin
/// key (segment origin and offset in the segment), if any.
struct DocTruth {
    norm: Normalized,
    keys: Vec<Option<u64>>,
}

fn doc_truth(doc: &GeneratedDoc) -> DocTruth {
    let norm = normalize(&doc.text);
    let mut keys = Vec::with_capacity(norm.len());
    let mut current: Option<(usize, usize)> = None; // (segment index, first normalised char)
    for k in 0..norm.len() {
        let start = norm.char_origin(k).map_or(0, |o| o.0) as u32;
        let seg = doc.segments.partition_point(|s| s.2 <= start);
        let key = doc.segments.get(seg).filter(|s| s.1 <= start).map(|s| {
            let first = match current {
                Some((i, first)) if i == seg => first,
                _ => {
                    current = Some((seg, k));
                    k
                }
            };
            (s.0 << 12) | (k - first) as u64
        });
        keys.push(key);
    }
    DocTruth { norm, keys }
}

/// Masks of the truly copied normalised chars of `a` and of `b`, and the
/// true spans.
fn pair_truth(a: &DocTruth, b: &DocTruth) -> (Vec<bool>, Vec<bool>, Vec<Span>) {
    let in_b: HashMap<u64, usize> = b
        .keys
        .iter()
        .enumerate()
        .filter_map(|(j, k)| Some(((*k)?, j)))
        .collect();
    let mut mask_a = vec![false; a.keys.len()];
    let mut mask_b = vec![false; b.keys.len()];
    let mut spans = Vec::new();
    let mut run: Option<(usize, usize, usize)> = None; // (a start, b start, len)
    let close = |run: Option<(usize, usize, usize)>, spans: &mut Vec<Span>| {
        if let Some((i, j, len)) = run {
            let (Some(a0), Some(a1), Some(b0), Some(b1)) = (
                a.norm.char_origin(i),
                a.norm.char_origin(i + len - 1),
                b.norm.char_origin(j),
                b.norm.char_origin(j + len - 1),
            ) else {
                return;
            };
            spans.push(Span {
                a_start: a0.0,
                a_end: a1.1,
                b_start: b0.0,
                b_end: b1.1,
            });
        }
    };
    for (i, key) in a.keys.iter().enumerate() {
        let Some(&j) = key.and_then(|k| in_b.get(&k)) else {
            close(run.take(), &mut spans);
            continue;
        };
        mask_a[i] = true;
        mask_b[j] = true;
        run = match run {
            Some((ri, rj, len)) if ri + len == i && rj + len == j => Some((ri, rj, len + 1)),
            other => {
                close(other, &mut spans);
                Some((i, j, 1))
            }
        };
    }
    close(run, &mut spans);
    (mask_a, mask_b, spans)
}

fn share(mask: &[bool]) -> f32 {
    if mask.is_empty() {
        0.0
    } else {
        mask.iter().filter(|&&m| m).count() as f32 / mask.len() as f32
    }
}

/// Every pair of `docs` (one family, or any set) sharing copied text.
pub fn truth_pairs(docs: &[GeneratedDoc]) -> Vec<TruthPair> {
    let truths: Vec<DocTruth> = docs.iter().map(doc_truth).collect();
    let mut out = Vec::new();
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let (ma, mb, spans) = pair_truth(&truths[i], &truths[j]);
            if !spans.is_empty() {
                out.push(TruthPair {
                    a: docs[i].id,
                    b: docs[j].id,
                    share_a: share(&ma),
                    share_b: share(&mb),
                    spans,
                });
            }
        }
    }
    out
}

/// Scores of the detector on a generated corpus.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct EvalReport {
    pub queries: usize,
    pub true_pairs: usize,
    pub predicted_pairs: usize,
    pub correct_pairs: usize,
    pub precision: f64,
    pub recall: f64,
    pub span_precision: f64,
    pub span_recall: f64,
    pub span_f1: f64,
    /// The largest share reported between documents of different families.
    pub max_unrelated_share: f32,
    /// Some missed positive pairs `(a, b, true share a, true share b)`.
    pub missed: Vec<(DocId, DocId, f32, f32)>,
    /// Some wrongly predicted pairs `(query, source, share q, share s)`.
    pub false_alarms: Vec<(DocId, DocId, f32, f32)>,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// Score `index` (built over `docs`) by querying the documents at
/// positions `queries` of `docs`, in parallel. Pairs count when at least
/// one side is a query.
pub fn evaluate(index: &CopyIndex, docs: &[GeneratedDoc], queries: &[usize]) -> EvalReport {
    let by_id: HashMap<DocId, usize> = docs.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
    let fetch = |id: DocId| by_id.get(&id).map(|&i| docs[i].text.as_str());
    let results: Vec<(usize, Vec<CopyMatch>)> = queries
        .par_iter()
        .filter_map(|&q| docs.get(q).map(|d| (q, index.find_copies(&d.text, fetch))))
        .collect();

    let mut report = EvalReport {
        queries: results.len(),
        ..EvalReport::default()
    };
    // Predicted positive pairs, each with one oriented match (query, match).
    let mut predicted: HashMap<(DocId, DocId), (DocId, CopyMatch)> = HashMap::new();
    for (q, matches) in results {
        let query = &docs[q];
        for m in matches.into_iter().filter(|m| m.doc_id != query.id) {
            let best = m.share_of_query.max(m.share_of_source);
            let family_of_source = by_id.get(&m.doc_id).map(|&i| docs[i].family);
            if family_of_source != Some(query.family) {
                report.max_unrelated_share = report.max_unrelated_share.max(best);
            }
            if best >= POSITIVE_SHARE {
                let key = (query.id.min(m.doc_id), query.id.max(m.doc_id));
                predicted.entry(key).or_insert((query.id, m));
            }
        }
    }

    let query_ids: HashSet<DocId> = queries
        .iter()
        .filter_map(|&q| docs.get(q).map(|d| d.id))
        .collect();
    let mut families: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        families.entry(d.family).or_default().push(i);
    }
    let wanted: HashSet<u64> = queries
        .iter()
        .filter_map(|&q| docs.get(q).map(|d| d.family))
        .collect();
    let truth: Vec<TruthPair> = wanted
        .par_iter()
        .flat_map_iter(|f| {
            let members: Vec<GeneratedDoc> = families
                .get(f)
                .map(|m| m.iter().map(|&i| docs[i].clone()).collect())
                .unwrap_or_default();
            truth_pairs(&members)
        })
        .filter(|p| p.is_positive() && (query_ids.contains(&p.a) || query_ids.contains(&p.b)))
        .collect();
    let truth_keys: HashSet<(DocId, DocId)> =
        truth.iter().map(|p| (p.a.min(p.b), p.a.max(p.b))).collect();

    report.true_pairs = truth_keys.len();
    report.predicted_pairs = predicted.len();
    report.correct_pairs = predicted.keys().filter(|k| truth_keys.contains(k)).count();
    report.precision = ratio(report.correct_pairs, report.predicted_pairs);
    report.recall = ratio(report.correct_pairs, report.true_pairs);
    for p in &truth {
        let key = (p.a.min(p.b), p.a.max(p.b));
        if !predicted.contains_key(&key) && report.missed.len() < 10 {
            report.missed.push((p.a, p.b, p.share_a, p.share_b));
        }
    }
    for (key, (q, m)) in &predicted {
        if !truth_keys.contains(key) && report.false_alarms.len() < 10 {
            report
                .false_alarms
                .push((*q, m.doc_id, m.share_of_query, m.share_of_source));
        }
    }

    let all_pairs: HashSet<(DocId, DocId)> =
        truth_keys.iter().chain(predicted.keys()).copied().collect();
    let counts: Vec<[usize; 3]> = all_pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            let (da, db) = (&docs[*by_id.get(&a)?], &docs[*by_id.get(&b)?]);
            Some(span_counts(da, db, predicted.get(&(a, b))))
        })
        .collect();
    let [tp, fp, fn_] = counts.iter().fold([0; 3], |acc, c| {
        [acc[0] + c[0], acc[1] + c[1], acc[2] + c[2]]
    });
    report.span_precision = ratio(tp, tp + fp);
    report.span_recall = ratio(tp, tp + fn_);
    report.span_f1 = if tp == 0 {
        0.0
    } else {
        2.0 * report.span_precision * report.span_recall
            / (report.span_precision + report.span_recall)
    };
    report
}

/// `[true positive, false positive, false negative]` normalised chars of
/// the detected spans of one pair against its truth, both sides.
fn span_counts(
    a: &GeneratedDoc,
    b: &GeneratedDoc,
    found: Option<&(DocId, CopyMatch)>,
) -> [usize; 3] {
    let (ta, tb) = (doc_truth(a), doc_truth(b));
    let (truth_a, truth_b, _) = pair_truth(&ta, &tb);
    let mut det_a = vec![false; truth_a.len()];
    let mut det_b = vec![false; truth_b.len()];
    if let Some((query, m)) = found {
        for s in &m.spans {
            // Orient the span: `a_*` belongs to the query.
            let (sa, sb) = if *query == a.id {
                ((s.a_start, s.a_end), (s.b_start, s.b_end))
            } else {
                ((s.b_start, s.b_end), (s.a_start, s.a_end))
            };
            mark(&ta.norm, sa, &mut det_a);
            mark(&tb.norm, sb, &mut det_b);
        }
    }
    let mut c = [0; 3];
    for (t, d) in truth_a.iter().zip(&det_a).chain(truth_b.iter().zip(&det_b)) {
        match (t, d) {
            (true, true) => c[0] += 1,
            (false, true) => c[1] += 1,
            (true, false) => c[2] += 1,
            (false, false) => {}
        }
    }
    c
}

fn mark(norm: &Normalized, (start, end): (usize, usize), mask: &mut [bool]) {
    let (from, to) = norm.normalized_range(start, end);
    mask.iter_mut().take(to).skip(from).for_each(|m| *m = true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_realistic() {
        let a = family(7, 3);
        let b = family(7, 3);
        assert_eq!(a.len(), b.len());
        assert!(a.iter().zip(&b).all(|(x, y)| x.text == y.text));
        let root = &a[0];
        let len = root.text.chars().count();
        assert!((2500..4200).contains(&len), "{len}");
        assert!(root.text.contains("通知"));
    }

    #[test]
    fn truth_of_a_unit_swap_copy_is_nearly_all() {
        let docs = corpus(11, 200);
        let family_with_swap = docs
            .iter()
            .find(|d| d.kind == CopyKind::UnitSwap)
            .map(|d| d.family);
        let Some(f) = family_with_swap else { return };
        let members: Vec<GeneratedDoc> = docs.iter().filter(|d| d.family == f).cloned().collect();
        let pairs = truth_pairs(&members);
        let swap_id = members
            .iter()
            .find(|d| d.kind == CopyKind::UnitSwap)
            .map(|d| d.id);
        let p = pairs
            .iter()
            .find(|p| p.a == f * FAMILY_STRIDE && Some(p.b) == swap_id);
        let Some(p) = p else {
            panic!("no truth pair for the unit-swap copy")
        };
        assert!(
            p.share_a > 0.9 && p.share_b > 0.9,
            "{} {}",
            p.share_a,
            p.share_b
        );
    }
}
