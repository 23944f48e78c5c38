//! Copy-detection benchmark on a generated corpus, and the comparison with
//! the Python tool datasketch on the same corpus.
//!
//! `cargo run --release -p jianfu-text --example copy_bench -- DOCS [THREADS] [--datasketch | --only-datasketch] [--python PYTHON]`
//!
//! Prints [`bench::run`]'s report (indexing throughput, query latency,
//! memory, precision and recall against the ground truth); with
//! `--datasketch` also [`bench::datasketch_ratio`]'s (both tools on the
//! same shingle sets and on the same raw texts, one thread each), which
//! needs `pip install datasketch`; `--only-datasketch` skips the former.

use std::path::PathBuf;

use jianfu_text::copy::bench;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let python = args
        .iter()
        .position(|a| a == "--python")
        .and_then(|i| args.get(i + 1))
        .map_or_else(|| PathBuf::from("python3"), PathBuf::from);
    let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let docs = numbers.first().copied().unwrap_or(10_000);
    let threads = numbers.get(1).copied().unwrap_or(2);

    if !flag("--only-datasketch") {
        println!("{}", bench::run(docs, threads).render());
    }
    if flag("--datasketch") || flag("--only-datasketch") {
        match bench::datasketch_ratio(docs, &python) {
            Ok(report) => println!("{}", report.render()),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
}
