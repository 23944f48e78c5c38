//! `cargo run --release -p jianfu-inspections --example bench_schedule [units] [visits] [seed]`:
//! what `jianfu bench schedule` prints, until the CLI calls `jianfu_inspections::schedule::bench`.

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>());
    let mut next = |default| args.next().and_then(Result::ok).unwrap_or(default);
    let (units, visits, seed) = (next(25_000), next(50_000), next(2026));
    print!(
        "{}",
        jianfu_inspections::schedule::bench(units as usize, visits as usize, seed)
    );
}
