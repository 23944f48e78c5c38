//! Lower bounds: the least total excess of any schedule, and the least number of moves of any
//! schedule whose excess is at most a given one.
//!
//! For an over-cap cell `c` of the planned schedule with load `L`, cap `C` and `P` visits pinned
//! there (they occupy its week whatever their window allows; fixed visits are pinned), every
//! schedule keeps an excess of at least `u = max(0, P − C)` at `c`; the sum `U` of these is the
//! excess floor. A schedule `S` with excess `E(S)` leaves `slack_c = excess_c(S) − u_c ≥ 0` at
//! `c`, with `Σ slack ≤ E(S) − U`, so at least `r_c − slack_c` of the unpinned visits there
//! move, where `r_c = L − max(C, P)` is the cell's reducible excess.
//!
//! With `x_v = 1` for a moved visit, `Σ_{v ∈ c} x_v ≥ r_c − slack_c` for each cell. Any `y ≥ 0`
//! with `Σ_{c ∋ v} y_c ≤ 1` for every visit (a fractional packing of cells, the dual of this
//! covering problem) then gives `moves ≥ Σ y_c r_c − Σ y_c slack_c ≥ Σ y_c r_c − (E(S) − U)`
//! (each `y_c ≤ 1`). Two packings are computed and the better kept: `y_c = 1 / max_{v ∈ c} k_v`
//! (`k_v`: cells with reducible excess that `v` occupies) and zero, each then raised greedily,
//! cells with the most reducible excess first. Both are linear in the cells' occupancy.

use std::cmp::Reverse;
use std::ops::Range;

use super::Calendar;

/// A planned over-cap cell with reducible excess, and its unpinned visits in `members`.
struct Cell {
    reducible: u16,
    members: Range<usize>,
}

/// Returns the excess floor `U` and a lower bound on the moves of any schedule whose total
/// excess is at most `excess`.
pub(super) fn lower_bounds(cal: &Calendar, excess: u64) -> (u64, u64) {
    let (floor, cells, members) = reducible_cells(cal);
    let mut occupied = vec![0u32; cal.visits.len()];
    for &v in &members {
        occupied[v] += 1;
    }
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by_key(|&c| (Reverse(cells[c].reducible), cells[c].members.len()));
    let spread: Vec<f64> = cells
        .iter()
        .map(|c| {
            let most = members[c.members.clone()].iter().map(|&v| occupied[v]);
            1.0 / f64::from(most.max().unwrap_or(1))
        })
        .collect();
    let packings = [spread, vec![0.0; cells.len()]];
    let value = packings
        .into_iter()
        .map(|y| packing_value(&cells, &members, &order, y, cal.visits.len()))
        .fold(0.0, f64::max);
    // Moves are whole: round up, with room for the sums' rounding errors.
    let moves = (value - 1e-6).ceil().max(0.0) as u64;
    (floor, moves.saturating_sub(excess.saturating_sub(floor)))
}

/// The excess floor, the planned over-cap cells with reducible excess, and their unpinned
/// visits (the cells' `members` index it).
fn reducible_cells(cal: &Calendar) -> (u64, Vec<Cell>, Vec<usize>) {
    let load = cal.planned_load();
    let (mut floor, mut cells, mut members) = (0, Vec::new(), Vec::new());
    for u in 0..cal.units() as u32 {
        let cap = cal.cap(u);
        for w in 0..cal.weeks {
            let l = load[cal.cell(u, w)];
            if l <= cap {
                continue;
            }
            let begin = members.len();
            let mut pinned = 0u16;
            let here = cal
                .visits_of(u)
                .filter(|&v| cal.span(v, cal.visits[v].start).contains(&w));
            for v in here {
                if cal.pinned(v, w) {
                    pinned += 1;
                } else {
                    members.push(v);
                }
            }
            floor += u64::from(pinned.saturating_sub(cap));
            let reducible = l - cap.max(pinned);
            if reducible > 0 {
                cells.push(Cell {
                    reducible,
                    members: begin..members.len(),
                });
            } else {
                members.truncate(begin);
            }
        }
    }
    (floor, cells, members)
}

/// Raises the packing `y` greedily in `order` (each cell as far as its visits' room allows)
/// and returns `Σ y_c r_c`.
fn packing_value(
    cells: &[Cell],
    members: &[usize],
    order: &[usize],
    mut y: Vec<f64>,
    visits: usize,
) -> f64 {
    let mut used = vec![0.0f64; visits];
    for (c, &yc) in cells.iter().zip(&y) {
        for &v in &members[c.members.clone()] {
            used[v] += yc;
        }
    }
    for &c in order {
        let here = &members[cells[c].members.clone()];
        let room = here.iter().map(|&v| 1.0 - used[v]).fold(1.0, f64::min);
        if room > 0.0 {
            y[c] += room;
            for &v in here {
                used[v] += room;
            }
        }
    }
    cells
        .iter()
        .zip(&y)
        .map(|(c, yc)| f64::from(c.reducible) * yc)
        .sum()
}
