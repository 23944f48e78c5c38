//! Copy-detection benchmark on a generated corpus.
//!
//! `cargo run --release -p jianfu-text --example copy_bench -- DOCS THREADS [--export FILE.jsonl]`
//!
//! With `--export`, the corpus's non-boilerplate shingles are also written
//! as JSON lines for `bench/datasketch_compare.py`, and the time Rust takes
//! for the same work as datasketch (signatures from those shingle sets plus
//! LSH inserts) is printed.

use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use jianfu_text::copy::{bench, eval, export, minhash, CopyConfig, CopyIndex};
use rayon::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let docs: usize = args
        .first()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10_000);
    let threads: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(2);
    let export_to = args
        .iter()
        .position(|a| a == "--export")
        .and_then(|i| args.get(i + 1));

    let report = bench::run(docs, threads);
    println!("{report}");

    if let Some(path) = export_to {
        let cfg = CopyConfig::default();
        let corpus = eval::corpus(bench::BENCH_SEED, docs);
        let pairs: Vec<(u64, &str)> = corpus.iter().map(|d| (d.id, d.text.as_str())).collect();
        let boilerplate = CopyIndex::learn_boilerplate(&cfg, &pairs);
        export::write_datasketch_jsonl(
            &cfg,
            &boilerplate,
            &pairs,
            BufWriter::new(File::create(path)?),
        )?;
        let sets: Vec<Vec<u64>> = pairs
            .iter()
            .map(|(_, t)| export::shingles_for_datasketch(&cfg, &boilerplate, t))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
        let t = Instant::now();
        let mut index = CopyIndex::new(cfg.clone(), jianfu_text::copy::Boilerplate::none());
        pool.install(|| {
            let sigs: Vec<_> = sets
                .par_iter()
                .map(|s| minhash::signature_of_hashes(&cfg, index.boilerplate(), s))
                .collect();
            for ((id, _), sig) in pairs.iter().zip(&sigs) {
                if let Some(sig) = sig {
                    index.insert_signature(*id, sig);
                }
            }
        });
        let secs = t.elapsed().as_secs_f64();
        println!(
            "exported {} docs to {path}; same work as datasketch (signatures from shingle sets + LSH insert, 1 thread): {:.3} s, {:.0} docs/s",
            docs,
            secs,
            docs as f64 / secs
        );
    }
    Ok(())
}
