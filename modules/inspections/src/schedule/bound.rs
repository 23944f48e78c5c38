//! Lower bounds: the least total excess of any schedule, and the fewest moves of any schedule
//! as good as a proposal.
//!
//! Take an over-cap cell `c` of the planned schedule: load `L`, cap `C`, `P` visits pinned there
//! (they occupy its week whatever start their window allows; fixed visits are pinned). Every
//! schedule keeps an excess of at least `u_c = max(0, P − C)` there; their sum `U` is the
//! **excess floor**. Only the cell's unpinned visits (its members) can leave it, and a visit
//! that moves leaves each cell at most once.
//!
//! **Fewest moves for a total excess of at most `E`** (`fewest_moves`), the larger of two bounds:
//! - *packing*: a schedule `S` keeps `slack_c = excess_c(S) − u_c ≥ 0` at `c`, with
//!   `Σ slack ≤ E − U`, so at least `r_c − slack_c` members of `c` move, where `r_c = L −
//!   max(C, P)` is the cell's reducible excess. For any `y ≥ 0` with `Σ_{c ∋ v} y_c ≤ 1` for
//!   every visit (a fractional packing of cells, the dual of this covering problem),
//!   `moves ≥ Σ y_c (r_c − slack_c)`; the worst slack for the bound fills the cells of largest
//!   `y_c` first, up to `r_c` each, with `E − U` in all.
//! - *excess removed*: the schedule removes `D = E_planned − E` of excess, at most
//!   `min(r_c, movers)` at each cell, so the movers' counts `k_v` of cells with reducible excess
//!   add up to at least `D`: at least as many moves as it takes of the largest `k_v` to reach it.
//!
//! **Fewest moves for as much relief at every cell** (`relief_moves`): a schedule leaving each
//! planned over-cap cell at most as far over cap as the proposal (final load `F_c`) moves at least
//! `L − max(C, F_c)` of its members out, hence at least `Σ y_c (L − max(C, F_c))` visits.
//!
//! Two packings are tried for each and the better kept: `y_c = 1 / max_{v ∈ c} k_v` and zero,
//! each then raised greedily, cells of most weight first. Everything here is linear in the
//! planned over-cap cells' occupancy, plus sorting.

use std::cmp::Reverse;
use std::ops::Range;

use super::{Calendar, Unit};

/// The planned schedule's over-cap cells, from which the bounds are computed.
pub(super) struct Planned {
    cells: Vec<Cell>,
    /// The cells' unpinned visits, indexed by `Cell::members`.
    members: Vec<usize>,
    visits: usize,
    /// Total excess of the planned schedule.
    excess: u64,
}

struct Cell {
    /// Index in a load array (`Calendar::cell`).
    index: usize,
    load: u16,
    cap: u16,
    pinned: u16,
    members: Range<usize>,
}

impl Cell {
    fn reducible(&self) -> u16 {
        self.load - self.cap.max(self.pinned)
    }
}

impl Planned {
    pub(super) fn of(cal: &Calendar) -> Self {
        let load = cal.planned_load();
        let (mut cells, mut members, mut excess) = (Vec::new(), Vec::new(), 0);
        for u in 0..cal.units() as Unit {
            let cap = cal.cap(u);
            for w in 0..cal.weeks {
                let index = cal.cell(u, w);
                if load[index] <= cap {
                    continue;
                }
                excess += u64::from(load[index] - cap);
                let begin = members.len();
                let mut pinned = 0;
                for v in cal.visits_of(u) {
                    if cal.span(v, cal.visits[v].start).contains(&w) {
                        if cal.pinned(v, w) {
                            pinned += 1;
                        } else {
                            members.push(v);
                        }
                    }
                }
                cells.push(Cell {
                    index,
                    load: load[index],
                    cap,
                    pinned,
                    members: begin..members.len(),
                });
            }
        }
        Planned {
            cells,
            members,
            visits: cal.visits.len(),
            excess,
        }
    }

    /// No schedule has less total excess than this.
    pub(super) fn excess_floor(&self) -> u64 {
        let unavoidable = self.cells.iter().map(|c| c.pinned.saturating_sub(c.cap));
        unavoidable.map(u64::from).sum()
    }

    /// No schedule with a total excess of at most `excess` moves fewer visits than this.
    pub(super) fn fewest_moves(&self, excess: u64) -> u64 {
        let weights: Vec<u16> = self.cells.iter().map(Cell::reducible).collect();
        let slack = excess.saturating_sub(self.excess_floor());
        let packing = self
            .packings(&weights)
            .into_iter()
            .map(|y| value(&y, &weights) - worst_slack(&y, &weights, slack))
            .fold(0.0, f64::max);
        whole(packing).max(self.removal_moves(&weights, self.excess.saturating_sub(excess)))
    }

    /// No schedule that leaves every cell at most as far over cap as `load` (a proposal's final
    /// loads) does moves fewer visits than this.
    pub(super) fn relief_moves(&self, load: &[u16]) -> u64 {
        let weights: Vec<u16> = self
            .cells
            .iter()
            .map(|c| c.load.saturating_sub(c.cap.max(load[c.index])))
            .collect();
        let packings = self.packings(&weights).into_iter();
        whole(packings.map(|y| value(&y, &weights)).fold(0.0, f64::max))
    }

    /// The fewest visits whose counts of weighted cells reach `removed`.
    fn removal_moves(&self, weights: &[u16], removed: u64) -> u64 {
        let mut counts = self.counts(weights);
        counts.sort_unstable_by_key(|&k| Reverse(k));
        let mut sum = 0;
        let reached = counts.iter().position(|&k| {
            sum += u64::from(k);
            sum >= removed
        });
        match (removed, reached) {
            (0, _) => 0,
            (_, Some(i)) => i as u64 + 1,
            (_, None) => counts.len() as u64,
        }
    }

    /// For each visit, the cells of positive weight it is a member of.
    fn counts(&self, weights: &[u16]) -> Vec<u32> {
        let mut counts = vec![0u32; self.visits];
        for (c, _) in self.cells.iter().zip(weights).filter(|(_, &w)| w > 0) {
            for &v in &self.members[c.members.clone()] {
                counts[v] += 1;
            }
        }
        counts
    }

    /// Two packings of the cells of positive weight (`y_c = 1 / max k_v`, and zero), each
    /// raised greedily, heaviest cells (then those of fewest members) first.
    fn packings(&self, weights: &[u16]) -> [Vec<f64>; 2] {
        let counts = self.counts(weights);
        let mut order: Vec<usize> = (0..self.cells.len()).filter(|&c| weights[c] > 0).collect();
        order.sort_by_key(|&c| (Reverse(weights[c]), self.cells[c].members.len()));
        let spread = (0..self.cells.len())
            .map(|c| match weights[c] {
                0 => 0.0,
                _ => {
                    let members = &self.members[self.cells[c].members.clone()];
                    let most = members.iter().map(|&v| counts[v]).max().unwrap_or(1);
                    1.0 / f64::from(most)
                }
            })
            .collect();
        [spread, vec![0.0; self.cells.len()]].map(|y| self.raise(y, &order))
    }

    /// Raises each cell of `order` in turn as far as its members' room allows.
    fn raise(&self, mut y: Vec<f64>, order: &[usize]) -> Vec<f64> {
        let mut used = vec![0.0f64; self.visits];
        for (c, &yc) in self.cells.iter().zip(&y) {
            for &v in &self.members[c.members.clone()] {
                used[v] += yc;
            }
        }
        for &c in order {
            let members = &self.members[self.cells[c].members.clone()];
            let room = members.iter().map(|&v| 1.0 - used[v]).fold(1.0, f64::min);
            if room > 0.0 {
                y[c] += room;
                for &v in members {
                    used[v] += room;
                }
            }
        }
        y
    }
}

fn value(y: &[f64], weights: &[u16]) -> f64 {
    y.iter().zip(weights).map(|(y, &w)| y * f64::from(w)).sum()
}

/// The most that `slack` units of excess, left at cells up to each one's weight, take off the
/// packing's value: the cells of largest `y` take it first.
fn worst_slack(y: &[f64], weights: &[u16], mut slack: u64) -> f64 {
    let mut cells: Vec<(f64, u16)> = y.iter().copied().zip(weights.iter().copied()).collect();
    cells.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut taken = 0.0;
    for (yc, w) in cells {
        let t = slack.min(u64::from(w));
        taken += yc * t as f64;
        slack -= t;
    }
    taken
}

/// A bound on whole moves from a fractional one, with room for the sums' rounding errors.
fn whole(value: f64) -> u64 {
    (value - 1e-6).ceil().max(0.0) as u64
}
