//! Copy detection against the Python tool datasketch, side by side in one
//! run: the Rust side exports the corpus, runs `bench/datasketch_compare.py`
//! on it, times itself on the same input and reports both times and their
//! ratio.
//!
//! Two comparisons, both one thread against one thread (datasketch has no
//! threads):
//! - **like for like**: both get the same shingle sets (those the Rust
//!   signatures are computed from: distinct, boilerplate removed), the same
//!   number of permutations and the same bands × rows, and build a
//!   queryable LSH index: datasketch with `MinHash.bulk` and an
//!   `insertion_session`, Rust with [`CopyIndex::insert_hashed_batch`];
//! - **whole pipeline**: both start from the raw texts. Rust normalises
//!   (with level words), shingles, learns and removes the boilerplate,
//!   signs and inserts ([`CopyIndex::build`]); Python folds width, case and
//!   punctuation with one `str.translate`, takes the set of 8-char
//!   shingles, hashes them with the built-in `hash`, and runs the same
//!   datasketch calls. Python does less work, which favours it.

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

use super::{load_average, table, BENCH_SEED};
use crate::copy::eval::corpus;
use crate::copy::export::{shingles_for_datasketch, write_shingle_sets, write_texts_jsonl};
use crate::copy::minhash::signature_of_hashes;
use crate::copy::{Boilerplate, CopyConfig, CopyIndex, DocId};

/// The Python script, embedded so the comparison runs from any binary.
pub const DATASKETCH_SCRIPT: &str = include_str!("../../../bench/datasketch_compare.py");

/// Timed runs of each Rust measurement; the median is reported.
const RUST_RUNS: usize = 3;

/// Queries timed on each side (LSH candidates only).
const QUERIES: usize = 1_000;

/// What [`datasketch_ratio`] measured. Times are wall seconds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RatioReport {
    pub docs: usize,
    pub num_perm: usize,
    pub bands: usize,
    pub rows: usize,
    pub shingle_len: usize,
    /// Mean size of the shingle sets given to both sides.
    pub mean_shingles: f64,
    pub datasketch_version: String,
    pub python_version: String,
    /// Like for like, datasketch: `MinHash.bulk` of every set.
    pub datasketch_minhash_secs: f64,
    /// Like for like, datasketch: `MinHashLSH` inserts in a session.
    pub datasketch_insert_secs: f64,
    /// Like for like, Rust, one thread (median of runs).
    pub rust_sets_secs: f64,
    /// Like for like, Rust on all of rayon's threads (median of runs).
    pub rust_sets_secs_all_threads: f64,
    pub threads: usize,
    /// datasketch time / Rust time, like for like, one thread each.
    pub sets_ratio: f64,
    /// Whole pipeline, Python: normalise, shingle and hash.
    pub python_shingle_secs: f64,
    /// Whole pipeline, Python: `MinHash.bulk`.
    pub python_minhash_secs: f64,
    /// Whole pipeline, Python: LSH inserts.
    pub python_insert_secs: f64,
    /// Whole pipeline, Rust, one thread, boilerplate learning included.
    pub rust_text_secs: f64,
    /// Whole pipeline, Rust on all of rayon's threads.
    pub rust_text_secs_all_threads: f64,
    /// Python time / Rust time, whole pipeline, one thread each.
    pub text_ratio: f64,
    /// Mean LSH query time from a signature, datasketch (`lsh.query`).
    pub datasketch_query_ms: f64,
    /// Mean LSH query time from a signature, Rust
    /// ([`CopyIndex::candidates_for`], which also ranks by sketch).
    pub rust_query_ms: f64,
    /// 1-minute load average before and after the run, where known.
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
}

/// Run datasketch (through `python`, e.g. `python3`) and the Rust detector
/// on the same generated corpus of `docs` documents and compare their
/// indexing speed. Needs Python 3 with `pip install datasketch`; writes
/// about 35 KB per document to a temporary directory, removed afterwards.
pub fn datasketch_ratio(docs: usize, python: &Path) -> Result<RatioReport, String> {
    check_python(python)?;
    let dir = std::env::temp_dir().join(format!("jianfu-copy-datasketch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let result = compare_in(&dir, docs.max(1), python);
    // Best effort: a leftover temporary directory is harmless.
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn check_python(python: &Path) -> Result<(), String> {
    let out = Command::new(python)
        .args(["-c", "import datasketch, numpy"])
        .output()
        .map_err(|e| {
            format!(
                "cannot run {} ({e}): install Python 3, then `pip install datasketch`",
                python.display()
            )
        })?;
    if out.status.success() {
        return Ok(());
    }
    let why = String::from_utf8_lossy(&out.stderr);
    Err(format!(
        "datasketch is not installed for {}: run `pip install datasketch` ({})",
        python.display(),
        why.lines().last().unwrap_or("import failed").trim()
    ))
}

/// The Python side's figures, from its `RESULT key=value …` line.
#[derive(Debug, Default)]
struct PythonFigures {
    datasketch: String,
    python: String,
    sets_minhash_secs: f64,
    sets_insert_secs: f64,
    query_ms: f64,
    text_shingle_secs: f64,
    text_minhash_secs: f64,
    text_insert_secs: f64,
}

fn parse_result(stdout: &str) -> Option<PythonFigures> {
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("RESULT "))?;
    let mut f = PythonFigures::default();
    for pair in line.split_whitespace() {
        let (key, value) = pair.split_once('=')?;
        let number = || value.parse::<f64>().ok();
        match key {
            "datasketch" => f.datasketch = value.to_string(),
            "python" => f.python = value.to_string(),
            "sets_minhash_secs" => f.sets_minhash_secs = number()?,
            "sets_insert_secs" => f.sets_insert_secs = number()?,
            "query_ms" => f.query_ms = number()?,
            "text_shingle_secs" => f.text_shingle_secs = number()?,
            "text_minhash_secs" => f.text_minhash_secs = number()?,
            "text_insert_secs" => f.text_insert_secs = number()?,
            _ => {}
        }
    }
    Some(f)
}

fn median_secs(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn write_file(
    path: &Path,
    write: impl FnOnce(BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), String> {
    std::fs::File::create(path)
        .and_then(|f| write(BufWriter::new(f)))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn compare_in(dir: &Path, docs: usize, python: &Path) -> Result<RatioReport, String> {
    let load_before = load_average();
    let cfg = CopyConfig::default();
    let corpus = corpus(BENCH_SEED, docs);
    let pairs: Vec<(DocId, &str)> = corpus.iter().map(|d| (d.id, d.text.as_str())).collect();
    let boilerplate = CopyIndex::learn_boilerplate(&cfg, &pairs);
    let sets: Vec<(DocId, Vec<u64>)> = pairs
        .par_iter()
        .map(|&(id, text)| (id, shingles_for_datasketch(&cfg, &boilerplate, text)))
        .collect();
    let mean_shingles = sets.iter().map(|s| s.1.len()).sum::<usize>() as f64 / docs as f64;

    let (sets_path, texts_path, script_path): (PathBuf, PathBuf, PathBuf) = (
        dir.join("sets.bin"),
        dir.join("texts.jsonl"),
        dir.join("datasketch_compare.py"),
    );
    write_file(&sets_path, |w| write_shingle_sets(&cfg, &sets, w))?;
    write_file(&texts_path, |w| write_texts_jsonl(&pairs, w))?;
    std::fs::write(&script_path, DATASKETCH_SCRIPT)
        .map_err(|e| format!("cannot write {}: {e}", script_path.display()))?;

    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| format!("cannot start a thread pool: {e}"))?;
    let index_sets = || {
        let mut index = CopyIndex::new(cfg.clone(), Boilerplate::none());
        index.insert_hashed_batch(&sets);
        index
    };
    let rust_sets_secs = one.install(|| {
        median_secs(RUST_RUNS, || {
            std::hint::black_box(index_sets());
        })
    });
    let rust_sets_secs_all_threads = median_secs(RUST_RUNS, || {
        std::hint::black_box(index_sets());
    });
    let rust_query_ms = rust_query_ms(&index_sets(), &sets);

    let out = Command::new(python)
        .arg(&script_path)
        .arg("--sets")
        .arg(&sets_path)
        .arg("--texts")
        .arg(&texts_path)
        .arg("--queries")
        .arg(QUERIES.to_string())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "datasketch_compare.py failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let py = parse_result(&stdout)
        .ok_or_else(|| format!("datasketch_compare.py printed no RESULT line: {stdout}"))?;

    let build = || std::hint::black_box(CopyIndex::build(cfg.clone(), &pairs));
    let rust_text_secs = one.install(|| median_secs(RUST_RUNS, || drop(build())));
    let rust_text_secs_all_threads = median_secs(RUST_RUNS, || drop(build()));

    let sets_python = py.sets_minhash_secs + py.sets_insert_secs;
    let text_python = py.text_shingle_secs + py.text_minhash_secs + py.text_insert_secs;
    Ok(RatioReport {
        docs,
        num_perm: cfg.num_perm(),
        bands: cfg.bands,
        rows: cfg.rows,
        shingle_len: cfg.shingle_len,
        mean_shingles,
        datasketch_version: py.datasketch,
        python_version: py.python,
        datasketch_minhash_secs: py.sets_minhash_secs,
        datasketch_insert_secs: py.sets_insert_secs,
        rust_sets_secs,
        rust_sets_secs_all_threads,
        threads: rayon::current_num_threads(),
        sets_ratio: sets_python / rust_sets_secs.max(1e-9),
        python_shingle_secs: py.text_shingle_secs,
        python_minhash_secs: py.text_minhash_secs,
        python_insert_secs: py.text_insert_secs,
        rust_text_secs,
        rust_text_secs_all_threads,
        text_ratio: text_python / rust_text_secs.max(1e-9),
        datasketch_query_ms: py.query_ms,
        rust_query_ms,
        load_before,
        load_after: load_average(),
    })
}

/// Mean time of an LSH query from a signature over the same sample of
/// documents as the Python side (every `len / QUERIES`-th).
fn rust_query_ms(index: &CopyIndex, sets: &[(DocId, Vec<u64>)]) -> f64 {
    let step = (sets.len() / QUERIES).max(1);
    let sigs: Vec<_> = sets
        .iter()
        .step_by(step)
        .take(QUERIES)
        .filter_map(|(_, s)| signature_of_hashes(index.config(), index.boilerplate(), s))
        .collect();
    let t = Instant::now();
    for sig in &sigs {
        std::hint::black_box(index.candidates_for(sig));
    }
    t.elapsed().as_secs_f64() * 1e3 / sigs.len().max(1) as f64
}

impl RatioReport {
    /// A readable table, labels in Chinese and English.
    pub fn render(&self) -> String {
        let n = self.docs as f64;
        let rate = |secs: f64| format!("{secs:.3} s, {:.0} docs/s", n / secs.max(1e-9));
        let sets_python = self.datasketch_minhash_secs + self.datasketch_insert_secs;
        let text_python =
            self.python_shingle_secs + self.python_minhash_secs + self.python_insert_secs;
        let mut rows: Vec<(&str, String)> = vec![
            (
                "参数 parameters",
                format!(
                    "{} docs, num_perm {}, bands × rows {} × {}, {}-char shingles ({:.0} per doc)",
                    self.docs,
                    self.num_perm,
                    self.bands,
                    self.rows,
                    self.shingle_len,
                    self.mean_shingles
                ),
            ),
            (
                "同一 shingle 集合 same shingle sets",
                "MinHash + LSH insert, one thread each".to_string(),
            ),
            (
                "  datasketch",
                format!(
                    "{} (MinHash.bulk {:.3} s + insertion_session {:.3} s; datasketch {}, Python {})",
                    rate(sets_python),
                    self.datasketch_minhash_secs,
                    self.datasketch_insert_secs,
                    self.datasketch_version,
                    self.python_version
                ),
            ),
            ("  Rust", rate(self.rust_sets_secs)),
            (
                "  倍数 ratio",
                format!("{:.0}× datasketch's throughput", self.sets_ratio),
            ),
            (
                "  Rust, all threads",
                format!("{} on {} threads", rate(self.rust_sets_secs_all_threads), self.threads),
            ),
            (
                "整条流水线 whole pipeline",
                "raw text to LSH index, one thread each".to_string(),
            ),
            (
                "  Python + datasketch",
                format!(
                    "{} (shingling {:.3} s + MinHash.bulk {:.3} s + insert {:.3} s)",
                    rate(text_python),
                    self.python_shingle_secs,
                    self.python_minhash_secs,
                    self.python_insert_secs
                ),
            ),
            (
                "  Rust",
                format!("{} (boilerplate learning included)", rate(self.rust_text_secs)),
            ),
            ("  倍数 ratio", format!("{:.0}×", self.text_ratio)),
            (
                "  Rust, all threads",
                format!(
                    "{} on {} threads",
                    rate(self.rust_text_secs_all_threads),
                    self.threads
                ),
            ),
            (
                "LSH 查询 LSH query",
                format!(
                    "datasketch {:.3} ms, Rust {:.3} ms (mean; candidates only)",
                    self.datasketch_query_ms, self.rust_query_ms
                ),
            ),
        ];
        if let (Some(a), Some(b)) = (self.load_before, self.load_after) {
            rows.push((
                "机器负载 load average",
                format!("{a:.2} before, {b:.2} after"),
            ));
        }
        table("复制检测 vs datasketch copy detection vs datasketch", &rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_line_parses() {
        let out = "x\nRESULT datasketch=2.0.0 python=3.11.7 docs=10 sets_minhash_secs=1.5 \
                   sets_insert_secs=0.5 query_ms=0.1\n";
        let f = parse_result(out).unwrap_or_default();
        assert_eq!(f.datasketch, "2.0.0");
        assert!((f.sets_minhash_secs - 1.5).abs() < 1e-12);
        assert!(parse_result("no result").is_none());
    }

    #[test]
    fn a_missing_python_names_the_fix() {
        let err = datasketch_ratio(10, Path::new("/nonexistent/python3"));
        assert!(err.is_err_and(|e| e.contains("pip install datasketch")));
    }
}
