//! Indexing and query benchmark on a synthetic ledger:
//! `cargo run --release -p jianfu-search --example search_bench -- 100000`.

mod corpus;

use std::path::Path;
use std::time::{Duration, Instant};

use corpus::{Rng, Unit, CARRIERS, KINDS, TOPICS, YEARS};

use crate::{SearchIndex, SearchQuery};

const CORPUS_SEED: u64 = 0x6A69_616E_6675; // "jianfu"
const QUERY_SEED: u64 = 0x7365_6172_6368; // "search"
/// Documents per `upsert` call, i.e. per commit, as a rebuild would do it.
const BATCH: usize = 10_000;
const QUERIES: usize = 600;
const PAGE: usize = 10;

/// What one run measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub docs: usize,
    pub body_chars_mean: f64,
    pub index_time: Duration,
    pub index_bytes: u64,
    pub segments: usize,
    pub queries: usize,
    pub filtered_queries: usize,
    pub mean_total: f64,
    pub latencies_ms: Percentiles,
    /// Peak resident memory of the process (VmHWM), if readable.
    pub peak_rss_bytes: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl BenchReport {
    pub fn docs_per_sec(&self) -> f64 {
        self.docs as f64 / self.index_time.as_secs_f64().max(f64::EPSILON)
    }

    pub fn render(&self) -> String {
        const MB: f64 = 1024.0 * 1024.0;
        let l = &self.latencies_ms;
        let rss = self.peak_rss_bytes.map_or("无法读取".to_string(), |b| {
            format!("{:.0} MB", b as f64 / MB)
        });
        format!(
            "全文检索基准（jianfu-search）\n\
             文档数：{}（正文平均 {:.0} 字）\n\
             建索引：{:.1} 秒，{:.0} 篇/秒（每 {BATCH} 篇提交一次）\n\
             索引大小：{:.1} MB，{} 个段\n\
             查询：{} 次（带筛选 {} 次，每页 {PAGE} 条，含摘要），平均命中 {:.0} 篇\n\
             查询耗时：p50 {:.2} ms，p95 {:.2} ms，p99 {:.2} ms，最大 {:.2} ms\n\
             峰值内存（VmHWM）：{rss}",
            self.docs,
            self.body_chars_mean,
            self.index_time.as_secs_f64(),
            self.docs_per_sec(),
            self.index_bytes as f64 / MB,
            self.segments,
            self.queries,
            self.filtered_queries,
            self.mean_total,
            l.p50,
            l.p95,
            l.p99,
            l.max,
        )
    }
}

/// Indexes `docs` generated documents into a temporary directory, then runs
/// [`QUERIES`] mixed queries against it.
///
/// # Panics
/// When the temporary directory or the index cannot be created or written:
/// this is a benchmark, not a service.
pub fn run(docs: usize) -> BenchReport {
    let dir = tempfile::tempdir().expect("无法创建临时目录");
    let index = SearchIndex::open_in_dir(dir.path()).expect("无法创建检索索引");
    let units = corpus::units();

    let mut rng = Rng::new(CORPUS_SEED);
    let mut index_time = Duration::ZERO;
    let mut body_chars = 0usize;
    let mut next_id = 1i64;
    while (next_id as usize) <= docs {
        let batch_len = BATCH.min(docs + 1 - next_id as usize);
        let batch: Vec<_> = (0..batch_len)
            .map(|i| corpus::document(&mut rng, next_id + i as i64, &units))
            .collect();
        body_chars += batch.iter().map(|d| d.body.chars().count()).sum::<usize>();
        let started = Instant::now();
        index.upsert(&batch).expect("写入检索索引失败");
        index_time += started.elapsed();
        next_id += batch_len as i64;
    }

    let mut rng = Rng::new(QUERY_SEED);
    let queries: Vec<SearchQuery> = (0..QUERIES).map(|_| query(&mut rng, &units)).collect();
    let mut latencies = Vec::with_capacity(queries.len());
    let mut totals = 0usize;
    for q in &queries {
        let started = Instant::now();
        let results = index.search(q).expect("检索失败");
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        totals += results.total;
    }

    BenchReport {
        docs,
        body_chars_mean: body_chars as f64 / docs.max(1) as f64,
        index_time,
        index_bytes: dir_size(dir.path()),
        segments: index.segment_count(),
        queries: queries.len(),
        filtered_queries: queries.iter().filter(|q| has_filter(q)).count(),
        mean_total: totals as f64 / queries.len() as f64,
        latencies_ms: percentiles(&mut latencies),
        peak_rss_bytes: peak_rss_bytes(),
    }
}

const GENERIC_WORDS: &[&str] = &[
    "台账",
    "督导",
    "考核",
    "通报",
    "值班",
    "培训",
    "宣传",
    "整改",
    "隐患",
    "责任",
    "应急",
    "检查",
    "报送",
    "领导小组",
    "典型案例",
    "经费保障",
    "追责问责",
    "明查暗访",
];

/// One to three words from the notices' vocabulary, with filters half the
/// time and a later page one time in ten; a few filter-only listings.
fn query(rng: &mut Rng, units: &[Unit]) -> SearchQuery {
    let word = |rng: &mut Rng| -> &'static str {
        let topic = rng.pick(TOPICS);
        match rng.below(3) {
            0 => topic.name,
            1 => rng.word(topic.keywords),
            _ => rng.word(GENERIC_WORDS),
        }
    };
    let count = match rng.below(10) {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    let words: Vec<&str> = (0..count).map(|_| word(rng)).collect();
    let separator = if rng.chance(0.3) { "" } else { " " };
    let mut q = SearchQuery {
        text: words.join(separator),
        limit: PAGE,
        ..SearchQuery::default()
    };
    if rng.chance(0.1) {
        q.offset = PAGE * rng.range(1, 5);
    }
    let listing = rng.chance(0.05);
    if listing {
        q.text.clear();
    }
    if listing || rng.chance(0.5) {
        for _ in 0..rng.range(1, 2) {
            match rng.below(5) {
                0 => {
                    q.year = Some(rng.range(*YEARS.start() as usize, *YEARS.end() as usize) as i32)
                }
                1 => q.scope_root = Some(rng.pick(units).path[2]),
                2 => q.issuer = Some(rng.pick(units).id),
                3 => q.carrier = Some(rng.pick(CARRIERS).to_string()),
                _ => q.kind = Some(rng.pick(KINDS).to_string()),
            }
        }
    }
    q
}

fn has_filter(q: &SearchQuery) -> bool {
    q.scope_root.is_some()
        || q.issuer.is_some()
        || q.year.is_some()
        || q.carrier.is_some()
        || q.kind.is_some()
}

fn percentiles(samples: &mut [f64]) -> Percentiles {
    if samples.is_empty() {
        return Percentiles::default();
    }
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    Percentiles {
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: at(1.0),
    }
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.metadata().ok())
        .filter(|meta| meta.is_file())
        .map(|meta| meta.len())
        .sum()
}

/// VmHWM from /proc/self/status (Linux only).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_deterministic_and_realistic() {
        let units = corpus::units();
        let a = corpus::document(&mut Rng::new(7), 1, &units);
        let b = corpus::document(&mut Rng::new(7), 1, &units);
        assert_eq!(a, b);
        let chars = a.body.chars().count();
        assert!((1_500..3_400).contains(&chars), "{chars} characters");
        assert!(a.title.starts_with("关于"));
    }

    #[test]
    fn a_small_run_reports_figures() {
        let report = run(300);
        assert_eq!(report.docs, 300);
        assert_eq!(report.queries, QUERIES);
        assert!(report.index_bytes > 0);
        assert!(report.mean_total > 0.0);
        assert!(report.render().contains("p95"));
    }
}
