//! Full-text search benchmark on a generated ledger.
//!
//! `cargo run --release -p jianfu-search --example search_bench -- [DOCS]`
//! (default 100000).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let docs: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let report = jianfu_search::bench::run(docs);
    println!("{}", report.render());
    Ok(())
}
