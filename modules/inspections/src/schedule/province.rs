//! A generated province-sized year of sizeable visits, and the benchmark that staggers it
//! (`jianfu bench schedule`).

use std::fmt;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::index;
use rand::{Rng, SeedableRng};

use super::DEFAULT_WEEKLY_CAP;
use super::{stagger, Calendar, ConflictKind, StaggerProposal, Unit, Visit, Week};

/// Weeks of the generated year; every visit ends within it.
const YEAR: u16 = 52;
/// Grassroots units per township on average (25,000 units in about 1,500 townships).
const UNITS_PER_TOWNSHIP: usize = 17;
/// Townships per county (about 120 counties in a province).
const TOWNSHIPS_PER_COUNTY: usize = 12;

/// A province's year: `units` grassroots units in townships of about 17 (the township and its
/// villages), about 12 townships to a county, all capped at [`DEFAULT_WEEKLY_CAP`]; `visits`
/// visits of a county's departments, each on a township and its villages (60%) or on 5–40 units
/// of one county, lasting 1 (70%) or 2 weeks, with windows of 2–8 starts around the planned one,
/// 20% fixed; planned starts cluster after the Spring Festival, at mid-year and most in the last
/// month. Without units there are no visits.
pub fn province_instance(seed: u64, units: usize, visits: usize) -> Calendar {
    let mut rng = StdRng::seed_from_u64(seed);
    let townships = townships(&mut rng, units);
    let counties: Vec<&[Township]> = townships.chunks(TOWNSHIPS_PER_COUNTY).collect();
    let weights = week_weights();
    let total: f64 = weights.iter().sum();
    let visits = if counties.is_empty() { 0 } else { visits };
    let visits = (0..visits as u64)
        .map(|id| {
            let county = counties[rng.gen_range(0..counties.len())];
            let targets = targets(&mut rng, county);
            planned(&mut rng, id, targets, &weights, total)
        })
        .collect();
    let caps = vec![DEFAULT_WEEKLY_CAP; units];
    match Calendar::new(caps, visits) {
        Ok(calendar) => calendar,
        Err(e) => unreachable!("generated calendars are valid: {e}"),
    }
}

/// A township's units: the township itself first, then its villages.
type Township = std::ops::Range<Unit>;

fn townships(rng: &mut StdRng, units: usize) -> Vec<Township> {
    let mut townships = Vec::new();
    let mut next = 0;
    while next < units {
        let size = rng.gen_range(UNITS_PER_TOWNSHIP / 2..=UNITS_PER_TOWNSHIP * 3 / 2);
        let end = (next + size).min(units);
        townships.push(next as Unit..end as Unit);
        next = end;
    }
    townships
}

fn targets(rng: &mut StdRng, county: &[Township]) -> Vec<Unit> {
    if rng.gen_bool(0.6) {
        let township = county[rng.gen_range(0..county.len())].clone();
        if rng.gen_bool(0.5) {
            return township.collect();
        }
        // The township and a share of its villages.
        let share = rng.gen_range(0.5..1.0);
        let mut units = vec![township.start];
        units.extend((township.start + 1..township.end).filter(|_| rng.gen_bool(share)));
        return units;
    }
    let (first, end) = (county[0].start, county[county.len() - 1].end);
    let size = (end - first) as usize;
    let amount = rng.gen_range(5..=40).min(size);
    index::sample(rng, size, amount)
        .into_iter()
        .map(|i| first + i as Unit)
        .collect()
}

/// Relative weight of a planned start in each week of the year.
fn week_weights() -> Vec<f64> {
    (0..YEAR)
        .map(|w| match w {
            0..=5 => 0.6,   // New Year and the Spring Festival
            8..=10 => 1.5,  // work starts after the festival
            24..=26 => 1.5, // mid-year checks
            47.. => 2.0,    // year-end assessments
            _ => 1.0,
        })
        .collect()
}

fn planned(rng: &mut StdRng, id: u64, targets: Vec<Unit>, weights: &[f64], total: f64) -> Visit {
    let weeks = if rng.gen_bool(0.7) { 1 } else { 2 };
    let last = YEAR - weeks;
    let mut pick = rng.gen_range(0.0..total);
    let mut start = 0;
    while start < last && pick >= weights[usize::from(start)] {
        pick -= weights[usize::from(start)];
        start += 1;
    }
    let starts: Week = rng.gen_range(2..=8);
    let earliest = start.saturating_sub(rng.gen_range(0..starts));
    let latest = (earliest + starts - 1).min(last);
    Visit {
        id,
        start,
        weeks,
        earliest,
        latest,
        flexible: rng.gen_bool(0.8),
        targets,
    }
}

/// What the benchmark measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub units: usize,
    pub visits: usize,
    pub flexible: usize,
    /// Occupied (unit, week) pairs summed over the visits: the size of the input.
    pub occupancy: usize,
    pub solve: Duration,
    pub proposal: StaggerProposal,
}

/// Staggers the calendar and times it.
pub fn bench_report(calendar: &Calendar) -> BenchReport {
    let t = Instant::now();
    let proposal = stagger(calendar);
    let solve = t.elapsed();
    let visits = calendar.visits();
    BenchReport {
        units: calendar.units(),
        visits: visits.len(),
        flexible: visits.iter().filter(|v| v.flexible).count(),
        occupancy: visits
            .iter()
            .map(|v| v.targets.len() * usize::from(v.weeks))
            .sum(),
        solve,
        proposal,
    }
}

/// `jianfu bench schedule`: generates a province's year and staggers it; returns the printout.
pub fn bench(units: usize, visits: usize, seed: u64) -> String {
    let t = Instant::now();
    let calendar = province_instance(seed, units, visits);
    let generated = t.elapsed();
    format!(
        "{}  生成：{:.2} 秒\n",
        bench_report(&calendar),
        generated.as_secs_f64()
    )
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.proposal;
        let unavoidable = p
            .conflicts
            .iter()
            .filter(|c| c.kind == ConflictKind::Unavoidable)
            .count();
        writeln!(
            f,
            "错峰排程基准：{} 个基层单位，{} 项较大规模督查检查（可调整 {} 项），占用单位周 {}",
            self.units, self.visits, self.flexible, self.occupancy
        )?;
        writeln!(f, "  求解：{:.2} 秒", self.solve.as_secs_f64())?;
        writeln!(
            f,
            "  超限单位周：调整前 {}（超出 {} 次），调整后 {}（超出 {} 次；任何排程至少超出 {} 次）",
            p.before.cells, p.before.excess, p.after.cells, p.after.excess, p.excess_floor
        )?;
        writeln!(
            f,
            "  未能消除的冲突：{} 个单位周，其中 {} 个因无法移出的事项本身超限",
            p.conflicts.len(),
            unavoidable
        )?;
        let moves = p.move_count() as u64;
        writeln!(f, "  调整事项：{moves} 项")?;
        let gap = |bound: u64| match bound {
            0 => format!("{bound}"),
            _ => format!(
                "{bound}，差距 {}（{:.2} 倍）",
                moves.saturating_sub(bound),
                moves as f64 / bound as f64
            ),
        };
        writeln!(
            f,
            "    所需调整下界（总超出不高于本方案的任何排程）：{}",
            gap(p.lower_bound)
        )?;
        writeln!(
            f,
            "    所需调整下界（每个单位周超出都不高于本方案的任何排程）：{}",
            gap(p.relief_lower_bound)
        )
    }
}
