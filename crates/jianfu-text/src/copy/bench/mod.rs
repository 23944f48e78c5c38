//! Measurement of copy detection on a generated corpus: indexing
//! throughput, query latency, index memory and accuracy.
//! `cargo run --release -p jianfu-text --example copy_bench -- DOCS THREADS`.

use std::fmt;
use std::time::Instant;

use rayon::prelude::*;

use super::eval::{corpus, evaluate, EvalReport};
use super::{CopyConfig, CopyIndex, Signature};

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
    /// Seconds to compute all signatures (in parallel).
    pub signature_secs: f64,
    /// Seconds to insert all signatures into the LSH tables.
    pub insert_secs: f64,
    /// Documents indexed per second, boilerplate learning included.
    pub docs_per_sec: f64,
    /// Signature wall time per document per thread, in µs.
    pub signature_us_per_doc_per_thread: f64,
    /// Signature CPU time per document (all threads), in µs, where the
    /// platform tells it (Linux `/proc/self/stat`); robust against other
    /// processes sharing the cores.
    pub signature_cpu_us_per_doc: Option<f64>,
    pub query_p50_ms: f64,
    pub query_p99_ms: f64,
    /// Bytes of the index structures.
    pub index_bytes: usize,
    /// Indexing time for 10⁶ documents, extrapolated linearly.
    pub extrapolated_secs_for_1m: f64,
    /// Index bytes for 10⁶ documents, extrapolated linearly.
    pub extrapolated_bytes_for_1m: f64,
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

/// CPU seconds used by this process so far (user + system), from
/// `/proc/self/stat` in units of USER_HZ = 100 (fixed by the Linux ABI).
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn run_here(docs: usize, threads: usize) -> BenchReport {
    let cfg = CopyConfig::default();
    let t = Instant::now();
    let corpus = corpus(BENCH_SEED, docs);
    let generate_secs = secs(t);
    let pairs: Vec<(u64, &str)> = corpus.iter().map(|d| (d.id, d.text.as_str())).collect();
    let mean_chars =
        corpus.iter().map(|d| d.text.chars().count()).sum::<usize>() as f64 / docs.max(1) as f64;

    let t = Instant::now();
    let boilerplate = CopyIndex::learn_boilerplate(&cfg, &pairs);
    let boilerplate_secs = secs(t);
    let boilerplate_shingles = boilerplate.len();
    let mut index = CopyIndex::new(cfg, boilerplate);

    let (t, cpu) = (Instant::now(), cpu_secs());
    let sigs: Vec<Option<Signature>> = pairs
        .par_iter()
        .map(|(_, text)| index.signature(text))
        .collect();
    let signature_secs = secs(t);
    let signature_cpu = cpu.zip(cpu_secs()).map(|(a, b)| b - a);
    let t = Instant::now();
    index.reserve(pairs.len());
    for ((id, _), sig) in pairs.iter().zip(&sigs) {
        if let Some(sig) = sig {
            index.insert_signature(*id, sig);
        }
    }
    let insert_secs = secs(t);
    drop(sigs);

    let step = (docs / BENCH_QUERIES).max(1);
    let queries: Vec<usize> = (0..docs).step_by(step).take(BENCH_QUERIES).collect();
    let mut latencies: Vec<f64> = queries
        .iter()
        .map(|&q| {
            let t = Instant::now();
            let found = index.find_copies(&corpus[q].text, |id| {
                let i = corpus.partition_point(|d| d.id < id);
                corpus
                    .get(i)
                    .filter(|d| d.id == id)
                    .map(|d| d.text.as_str())
            });
            std::hint::black_box(found);
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

    let eval = evaluate(&index, &corpus, &queries);
    let index_secs = boilerplate_secs + signature_secs + insert_secs;
    let n = docs.max(1) as f64;
    BenchReport {
        docs,
        threads,
        mean_chars,
        generate_secs,
        boilerplate_secs,
        boilerplate_shingles,
        signature_secs,
        insert_secs,
        docs_per_sec: n / index_secs.max(1e-9),
        signature_us_per_doc_per_thread: signature_secs * 1e6 * threads as f64 / n,
        signature_cpu_us_per_doc: signature_cpu.map(|c| c * 1e6 / n),
        query_p50_ms: pct(0.5),
        query_p99_ms: pct(0.99),
        index_bytes: index.memory_bytes(),
        extrapolated_secs_for_1m: boilerplate_secs + (signature_secs + insert_secs) * 1e6 / n,
        extrapolated_bytes_for_1m: index.memory_bytes() as f64 * 1e6 / n,
        eval,
    }
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.eval;
        writeln!(
            f,
            "copy detection: {} docs (mean {:.0} chars), {} threads",
            self.docs, self.mean_chars, self.threads
        )?;
        writeln!(
            f,
            "  corpus generation      {:.2} s (not counted)",
            self.generate_secs
        )?;
        writeln!(
            f,
            "  boilerplate learning   {:.2} s ({} shingles)",
            self.boilerplate_secs, self.boilerplate_shingles
        )?;
        writeln!(
            f,
            "  signatures             {:.2} s ({:.1} µs/doc/thread)",
            self.signature_secs, self.signature_us_per_doc_per_thread
        )?;
        if let Some(cpu) = self.signature_cpu_us_per_doc {
            writeln!(f, "  signature CPU time     {cpu:.1} µs/doc")?;
        }
        writeln!(f, "  LSH inserts            {:.2} s", self.insert_secs)?;
        writeln!(
            f,
            "  indexing throughput    {:.0} docs/s",
            self.docs_per_sec
        )?;
        writeln!(
            f,
            "  query latency          p50 {:.2} ms, p99 {:.2} ms",
            self.query_p50_ms, self.query_p99_ms
        )?;
        writeln!(
            f,
            "  index memory           {:.1} MiB",
            self.index_bytes as f64 / 1048576.0
        )?;
        writeln!(
            f,
            "  10^6 docs, linear      {:.0} s, {:.2} GiB",
            self.extrapolated_secs_for_1m,
            self.extrapolated_bytes_for_1m / 1073741824.0
        )?;
        writeln!(
            f,
            "  pairs (≥50% copied)    precision {:.4}, recall {:.4} ({} true, {} predicted, {} correct; {} queries)",
            e.precision, e.recall, e.true_pairs, e.predicted_pairs, e.correct_pairs, e.queries
        )?;
        writeln!(
            f,
            "  spans (chars)          precision {:.4}, recall {:.4}, F1 {:.4}",
            e.span_precision, e.span_recall, e.span_f1
        )?;
        write!(f, "  max unrelated share    {:.3}", e.max_unrelated_share)
    }
}
