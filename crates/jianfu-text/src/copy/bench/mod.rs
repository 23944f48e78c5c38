//! Measurement of copy detection on a generated corpus: indexing
//! throughput, query latency, memory and accuracy ([`run`]), and the speed
//! against the Python tool datasketch on the same data in the same run
//! ([`datasketch_ratio`]).
//! `cargo run --release -p jianfu-text --example copy_bench -- DOCS THREADS [--datasketch]`.

mod datasketch;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::Instant;

use rayon::prelude::*;

pub use datasketch::{datasketch_ratio, RatioReport, DATASKETCH_SCRIPT};

use super::eval::{evaluate, family, EvalReport, GeneratedDoc, FAMILY_STRIDE};
use super::{Boilerplate, CopyConfig, CopyIndex, DocId};

/// The seed of the benchmark corpus.
pub const BENCH_SEED: u64 = 20_240_521;

/// Queries timed and evaluated (spread evenly over the corpus).
pub const BENCH_QUERIES: usize = 1_000;

/// What [`run`] measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchReport {
    pub docs: usize,
    pub threads: usize,
    pub mean_chars: f64,
    /// Seconds to generate the corpus (not part of indexing).
    pub generate_secs: f64,
    /// Seconds to learn the boilerplate from the DF sample.
    pub boilerplate_secs: f64,
    pub boilerplate_shingles: usize,
    /// Seconds to fingerprint and insert every document
    /// ([`CopyIndex::insert_batch`]).
    pub insert_secs: f64,
    /// CPU seconds of the process during `insert_secs` (all threads), where
    /// the platform tells it (Linux); robust against other processes
    /// sharing the cores.
    pub insert_cpu_secs: Option<f64>,
    /// Documents indexed per second, boilerplate learning included.
    pub docs_per_sec: f64,
    pub query_p50_ms: f64,
    pub query_p99_ms: f64,
    /// Bytes of the index structures.
    pub index_bytes: usize,
    /// Peak resident memory of the process (one streamed block of corpus
    /// texts included), where the platform tells it (Linux).
    pub peak_rss_bytes: Option<u64>,
    /// Indexing time for 10⁶ documents, extrapolated linearly.
    pub extrapolated_secs_for_1m: f64,
    /// Index bytes for 10⁶ documents, extrapolated linearly.
    pub extrapolated_bytes_for_1m: f64,
    /// Load average (1 min) of the machine when the run ended, where the
    /// platform tells it: other work on the cores slows every figure.
    pub load_average: Option<f64>,
    pub eval: EvalReport,
}

/// Generate `docs` documents, index them on `threads` threads, time
/// [`BENCH_QUERIES`] queries one at a time, and score them.
pub fn run(docs: usize, threads: usize) -> BenchReport {
    let threads = threads.max(1);
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(|| run_here(docs, threads)),
        Err(_) => run_here(docs, rayon::current_num_threads()),
    }
}

fn secs(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

/// CPU seconds used so far by the live threads of this process (rayon's
/// workers included), from each thread's `schedstat` (nanoseconds on the
/// CPU), on Linux.
pub(crate) fn cpu_secs() -> Option<f64> {
    let mut ns = 0.0;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        ns += stat.split_whitespace().next()?.parse::<f64>().ok()?;
    }
    Some(ns / 1e9)
}

/// The 1-minute load average, on Linux.
pub(crate) fn load_average() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/loadavg").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Peak resident memory of this process, on Linux.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Documents generated, indexed and dropped together: the corpus is
/// streamed, so 10⁶ documents (about 10 GB of text) need no more memory
/// than one block plus the index.
pub const STREAM_BLOCK: usize = 50_000;

/// The next whole families of the benchmark corpus from `next_family` on,
/// at least `want` documents, cut at `limit` documents: the same documents,
/// in the same order, as [`corpus`] gives.
fn next_block(next_family: &mut u64, want: usize, limit: usize) -> Vec<GeneratedDoc> {
    let mut out: Vec<GeneratedDoc> = Vec::new();
    while out.len() < want {
        // About 2.4 documents per family.
        let batch = ((want - out.len()) / 2).max(1) as u64;
        let families: Vec<Vec<GeneratedDoc>> = (*next_family..*next_family + batch)
            .into_par_iter()
            .map(|f| family(BENCH_SEED, f))
            .collect();
        *next_family += batch;
        out.extend(families.into_iter().flatten());
    }
    out.truncate(limit);
    out
}

/// A document of the benchmark corpus by id, generated again.
fn regenerate(id: DocId) -> Option<GeneratedDoc> {
    family(BENCH_SEED, id / FAMILY_STRIDE)
        .into_iter()
        .find(|d| d.id == id)
}

fn run_here(docs: usize, threads: usize) -> BenchReport {
    let cfg = CopyConfig::default();
    let step = (docs / BENCH_QUERIES).max(1);
    let query_positions: Vec<usize> = (0..docs).step_by(step).take(BENCH_QUERIES).collect();

    // Stream the corpus: generate a block, index it, keep only the
    // families of the queries (their truth needs every member).
    let (mut generate_secs, mut boilerplate_secs, mut insert_secs) = (0.0, 0.0, 0.0);
    let mut insert_cpu_secs = Some(0.0);
    let (mut generated, mut next_family, mut total_chars) = (0, 0u64, 0usize);
    let mut kept: Vec<GeneratedDoc> = Vec::new();
    let mut query_ids: Vec<DocId> = Vec::new();
    let mut index: Option<CopyIndex> = None;
    while generated < docs {
        let t = Instant::now();
        let want = STREAM_BLOCK.min(docs - generated);
        let block = next_block(&mut next_family, want, docs - generated);
        generate_secs += secs(t);
        total_chars += block
            .par_iter()
            .map(|d| d.text.chars().count())
            .sum::<usize>();
        let pairs: Vec<(DocId, &str)> = block.iter().map(|d| (d.id, d.text.as_str())).collect();

        let index = index.get_or_insert_with(|| {
            // Learned from the first block (the whole corpus when it is
            // small); generated families are alike all along.
            let t = Instant::now();
            let boilerplate = CopyIndex::learn_boilerplate(&cfg, &pairs);
            boilerplate_secs = secs(t);
            let mut index = CopyIndex::new(cfg.clone(), boilerplate);
            index.reserve(docs);
            index
        });
        let (t, cpu) = (Instant::now(), cpu_secs());
        index.insert_batch(&pairs);
        insert_secs += secs(t);
        insert_cpu_secs = insert_cpu_secs
            .zip(cpu.zip(cpu_secs()))
            .map(|(sum, (a, b))| sum + b - a);

        let end = generated + block.len();
        let in_block = query_positions
            .iter()
            .filter(|&&q| (generated..end).contains(&q))
            .map(|&q| &block[q - generated]);
        let families: HashSet<u64> = in_block
            .map(|d| {
                query_ids.push(d.id);
                d.family
            })
            .collect();
        kept.extend(block.into_iter().filter(|d| families.contains(&d.family)));
        generated = end;
    }
    let index = index.unwrap_or_else(|| CopyIndex::new(cfg, Boilerplate::none()));

    // Candidates outside the kept families (false alarms, if any) are
    // generated again, before the timed queries.
    let mut texts: HashMap<DocId, GeneratedDoc> = kept.into_iter().map(|d| (d.id, d)).collect();
    let mut missing: Vec<DocId> = Vec::new();
    for id in &query_ids {
        if let Some(query) = texts.get(id) {
            let fetch = |c: DocId| {
                let known = texts.get(&c).map(|d| d.text.as_str());
                if known.is_none() {
                    missing.push(c);
                }
                known
            };
            index.find_copies(&query.text, fetch);
        }
    }
    for id in missing {
        if let Some(doc) = regenerate(id) {
            texts.insert(id, doc);
        }
    }

    let fetch = |id: DocId| texts.get(&id).map(|d| d.text.as_str());
    let mut latencies: Vec<f64> = query_ids
        .iter()
        .filter_map(|id| texts.get(id))
        .map(|query| {
            let t = Instant::now();
            std::hint::black_box(index.find_copies(&query.text, fetch));
            secs(t) * 1e3
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };

    let mut all: Vec<GeneratedDoc> = texts.into_values().collect();
    all.sort_by_key(|d| d.id);
    let queries: Vec<usize> = query_ids
        .iter()
        .filter_map(|id| all.binary_search_by_key(id, |d| d.id).ok())
        .collect();
    let eval = evaluate(&index, &all, &queries);
    let index_secs = boilerplate_secs + insert_secs;
    let n = docs.max(1) as f64;
    BenchReport {
        docs,
        threads,
        mean_chars: total_chars as f64 / n,
        generate_secs,
        boilerplate_secs,
        boilerplate_shingles: index.boilerplate().len(),
        insert_secs,
        insert_cpu_secs,
        docs_per_sec: n / index_secs.max(1e-9),
        query_p50_ms: pct(0.5),
        query_p99_ms: pct(0.99),
        index_bytes: index.memory_bytes(),
        peak_rss_bytes: peak_rss_bytes(),
        extrapolated_secs_for_1m: boilerplate_secs + insert_secs * 1e6 / n,
        extrapolated_bytes_for_1m: index.memory_bytes() as f64 * 1e6 / n,
        load_average: load_average(),
        eval,
    }
}

const MIB: f64 = 1024.0 * 1024.0;
const GIB: f64 = 1024.0 * MIB;

impl BenchReport {
    /// A readable table, labels in Chinese and English.
    pub fn render(&self) -> String {
        let e = &self.eval;
        let n = self.docs.max(1) as f64;
        let mut rows: Vec<(&str, String)> = vec![
            (
                "语料 corpus",
                format!(
                    "{} docs, mean {:.0} chars, generated in {:.2} s (not counted)",
                    self.docs, self.mean_chars, self.generate_secs
                ),
            ),
            (
                "套话学习 boilerplate learning",
                format!(
                    "{:.2} s ({} shingles)",
                    self.boilerplate_secs, self.boilerplate_shingles
                ),
            ),
        ];
        let cpu = self.insert_cpu_secs.map_or(String::new(), |c| {
            format!(", CPU {:.2} s = {:.1} µs/doc", c, c * 1e6 / n)
        });
        rows.push((
            "签名入库 sign + insert",
            format!("{:.2} s on {} threads{cpu}", self.insert_secs, self.threads),
        ));
        rows.push((
            "索引吞吐 indexing throughput",
            format!("{:.0} docs/s", self.docs_per_sec),
        ));
        rows.push((
            "查询延迟 query latency",
            format!(
                "p50 {:.2} ms, p99 {:.2} ms (candidates + alignment)",
                self.query_p50_ms, self.query_p99_ms
            ),
        ));
        rows.push((
            "索引内存 index memory",
            format!("{:.1} MiB", self.index_bytes as f64 / MIB),
        ));
        if let Some(rss) = self.peak_rss_bytes {
            rows.push((
                "峰值内存 peak RSS",
                format!(
                    "{:.2} GiB (with a block of {} corpus texts)",
                    rss as f64 / GIB,
                    STREAM_BLOCK.min(self.docs)
                ),
            ));
        }
        rows.push((
            "百万文档外推 10^6 docs, linear",
            format!(
                "{:.0} s, {:.2} GiB index",
                self.extrapolated_secs_for_1m,
                self.extrapolated_bytes_for_1m / GIB
            ),
        ));
        rows.push((
            "文档对 pairs (≥50% copied)",
            format!(
                "precision {:.4}, recall {:.4} ({} true, {} predicted, {} correct; {} queries)",
                e.precision, e.recall, e.true_pairs, e.predicted_pairs, e.correct_pairs, e.queries
            ),
        ));
        rows.push((
            "片段 spans (chars)",
            format!(
                "precision {:.4}, recall {:.4}, F1 {:.4}",
                e.span_precision, e.span_recall, e.span_f1
            ),
        ));
        rows.push((
            "无关文档 unrelated docs",
            format!("max share reported {:.3}", e.max_unrelated_share),
        ));
        if let Some(load) = self.load_average {
            rows.push(("机器负载 load average", format!("{load:.2} (1 min)")));
        }
        table("复制检测基准 copy-detection benchmark", &rows)
    }
}

/// Rows `label  value` under a title, labels padded to one width (CJK
/// chars counted as two columns).
pub(crate) fn table(title: &str, rows: &[(&str, String)]) -> String {
    let width = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    let w = rows.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let mut out = format!("{title}\n");
    for (label, value) in rows {
        let pad = " ".repeat(w - width(label));
        out.push_str(&format!("  {label}{pad}  {value}\n"));
    }
    out
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render().trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_run_scores_every_query() {
        let report = run(120, 1);
        assert_eq!(report.eval.queries, 120);
        assert!(report.eval.recall > 0.9 && report.eval.precision > 0.9);
        assert!(report.render().contains("precision"));
        assert_eq!(run(0, 1).eval.queries, 0);
    }

    #[test]
    fn blocks_are_the_corpus() {
        let mut next_family = 0;
        let mut streamed = Vec::new();
        while streamed.len() < 70 {
            let left = 70 - streamed.len();
            streamed.extend(next_block(&mut next_family, left.min(25), left));
        }
        let whole = crate::copy::eval::corpus(BENCH_SEED, 70);
        let ids = |docs: &[GeneratedDoc]| docs.iter().map(|d| d.id).collect::<Vec<_>>();
        assert_eq!(ids(&streamed), ids(&whole));
    }
}
