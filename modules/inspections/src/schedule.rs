//! 错峰: staggering sizeable visits so that no grassroots unit hosts more of them in a week than
//! its cap (SPEC module 5: "on-site visits capped … per grassroots unit per week, default 2
//! sizeable a week").
//!
//! Greedy spreading (visits on the most over-cap cells first, each to the nearest start that
//! overloads no cell), then repair by single moves and short ejection chains, then moving back
//! every visit whose move is no longer needed. See the tests for the guarantees checked.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;

mod bound;
mod province;
#[cfg(test)]
mod tests;

pub use province::{bench, bench_report, province_instance, BenchReport};

/// A week of the planning period, counted from 0.
pub type Week = u16;

/// A grassroots unit as the scheduler sees it: a dense index `0..units` (the caller maps org-unit
/// ids to indexes and back).
pub type Unit = u32;

/// The weekly cap of sizeable visits per grassroots unit when the region sets none.
pub const DEFAULT_WEEKLY_CAP: u16 = 2;

/// A sizeable inspection, check, assessment or research visit (督查检查考核、调研) as the
/// scheduler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// The caller's id, given back in moves and conflicts.
    pub id: u64,
    /// Planned start week.
    pub start: Week,
    /// Duration in weeks (at least 1): the visit occupies weeks `[start, start + weeks)`.
    pub weeks: u16,
    /// Earliest start week the visit may move to.
    pub earliest: Week,
    /// Latest start week the visit may move to.
    pub latest: Week,
    /// Whether the visit may move at all. A fixed visit (already announced, or unannounced
    /// 四不两直) never moves; its window is ignored.
    pub flexible: bool,
    /// The units it lands on; it counts once per unit and week it occupies.
    pub targets: Vec<Unit>,
}

/// Why a calendar cannot be built from the given visits and caps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("visit {id} lasts zero weeks")]
    NoDuration { id: u64 },
    #[error("visit {id}: its planned start {start} is outside its window [{earliest}, {latest}]")]
    OutsideWindow {
        id: u64,
        start: Week,
        earliest: Week,
        latest: Week,
    },
    #[error("visit {id} would end after week {}", Week::MAX)]
    PastLastWeek { id: u64 },
    #[error("visit {id} targets unit {unit}, but caps are given for {units} units")]
    UnknownUnit { id: u64, unit: Unit, units: usize },
    #[error("more than {} visits target unit {unit}", u16::MAX)]
    CrowdedUnit { unit: Unit },
    #[error("more than {} visits", u32::MAX)]
    TooManyVisits,
}

/// The visits to schedule and the units' weekly caps, checked once: windows hold their planned
/// starts, targets name known units (each once), weeks and loads fit their integer types.
#[derive(Debug, Clone)]
pub struct Calendar {
    caps: Vec<u16>,
    visits: Vec<Visit>,
    /// Weeks any schedule can touch: the largest `latest + weeks`.
    weeks: usize,
    /// The visits targeting unit `u` are `unit_visits[unit_start[u]..unit_start[u + 1]]`.
    unit_start: Vec<u32>,
    unit_visits: Vec<u32>,
}

impl Calendar {
    /// Checks the visits against the caps (`caps[u]` is unit `u`'s weekly cap; see
    /// [`DEFAULT_WEEKLY_CAP`]). Targets are made a set; a fixed visit's window becomes its
    /// planned start.
    pub fn new(caps: Vec<u16>, mut visits: Vec<Visit>) -> Result<Self, CalendarError> {
        if u32::try_from(visits.len()).is_err() {
            return Err(CalendarError::TooManyVisits);
        }
        let mut counts = vec![0u32; caps.len() + 1];
        let mut weeks = 0;
        for v in &mut visits {
            check_visit(v, caps.len())?;
            weeks = weeks.max(usize::from(v.latest) + usize::from(v.weeks));
            for &u in &v.targets {
                counts[u as usize + 1] += 1;
            }
        }
        if let Some(u) = counts.iter().position(|&c| c > u32::from(u16::MAX)) {
            return Err(CalendarError::CrowdedUnit {
                unit: u as Unit - 1,
            });
        }
        for u in 1..counts.len() {
            counts[u] += counts[u - 1];
        }
        let mut fill = counts.clone();
        let mut unit_visits = vec![0u32; counts[caps.len()] as usize];
        for (i, v) in visits.iter().enumerate() {
            for &u in &v.targets {
                unit_visits[fill[u as usize] as usize] = i as u32;
                fill[u as usize] += 1;
            }
        }
        Ok(Calendar {
            caps,
            visits,
            weeks,
            unit_start: counts,
            unit_visits,
        })
    }

    pub fn units(&self) -> usize {
        self.caps.len()
    }

    /// The number of weeks any schedule can touch (weeks `0..weeks()`).
    pub fn weeks(&self) -> usize {
        self.weeks
    }

    pub fn visits(&self) -> &[Visit] {
        &self.visits
    }

    pub fn cap(&self, unit: Unit) -> u16 {
        self.caps[unit as usize]
    }

    /// Weeks the visit occupies when it starts at `start`.
    fn span(&self, v: usize, start: Week) -> Range<usize> {
        let start = usize::from(start);
        start..start + usize::from(self.visits[v].weeks)
    }

    /// Whether the visit may move at all (flexible, with more than one start in its window).
    fn movable(&self, v: usize) -> bool {
        let visit = &self.visits[v];
        visit.flexible && visit.earliest < visit.latest
    }

    /// Whether the visit occupies week `w` whatever start its window allows.
    fn pinned(&self, v: usize, w: usize) -> bool {
        let visit = &self.visits[v];
        usize::from(visit.latest) <= w && w < usize::from(visit.earliest) + usize::from(visit.weeks)
    }

    fn visits_of(&self, u: Unit) -> impl Iterator<Item = usize> + '_ {
        let range = self.unit_start[u as usize] as usize..self.unit_start[u as usize + 1] as usize;
        self.unit_visits[range].iter().map(|&v| v as usize)
    }

    /// Index of the (unit, week) cell in a load array.
    fn cell(&self, u: Unit, w: usize) -> usize {
        u as usize * self.weeks + w
    }

    /// Loads per (unit, week) cell under the planned starts.
    fn planned_load(&self) -> Vec<u16> {
        let mut load = vec![0u16; self.units() * self.weeks];
        for (v, visit) in self.visits.iter().enumerate() {
            for &u in &visit.targets {
                for w in self.span(v, visit.start) {
                    load[self.cell(u, w)] += 1;
                }
            }
        }
        load
    }
}

fn check_visit(v: &mut Visit, units: usize) -> Result<(), CalendarError> {
    let id = v.id;
    if v.weeks == 0 {
        return Err(CalendarError::NoDuration { id });
    }
    if !v.flexible {
        (v.earliest, v.latest) = (v.start, v.start);
    }
    if !(v.earliest <= v.start && v.start <= v.latest) {
        return Err(CalendarError::OutsideWindow {
            id,
            start: v.start,
            earliest: v.earliest,
            latest: v.latest,
        });
    }
    if v.latest.checked_add(v.weeks).is_none() {
        return Err(CalendarError::PastLastWeek { id });
    }
    v.targets.sort_unstable();
    v.targets.dedup();
    match v.targets.iter().find(|&&u| u as usize >= units) {
        Some(&unit) => Err(CalendarError::UnknownUnit { id, unit, units }),
        None => Ok(()),
    }
}

/// The proposal: which visits move where, what stays over cap, and how far the number of moves
/// can be from the least possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaggerProposal {
    /// Visits that start in another week than planned, in calendar order.
    pub moves: Vec<Move>,
    /// (unit, week) cells still over cap in the proposal, by unit and week.
    pub conflicts: Vec<Conflict>,
    /// Overload of the planned schedule.
    pub before: Overload,
    /// Overload of the proposal.
    pub after: Overload,
    /// No schedule has less total excess than this: visits that occupy a week whatever their
    /// window allows (fixed ones among them) already exceed the cap there by this much in all.
    pub excess_floor: u64,
    /// No schedule whose total excess is at most `after.excess` moves fewer visits than this.
    pub lower_bound: u64,
}

impl StaggerProposal {
    pub fn move_count(&self) -> usize {
        self.moves.len()
    }

    /// The start week of every visit of `calendar` (in its order) under this proposal.
    pub fn starts(&self, calendar: &Calendar) -> Vec<Week> {
        let mut starts: Vec<Week> = calendar.visits.iter().map(|v| v.start).collect();
        for m in &self.moves {
            starts[m.visit] = m.to;
        }
        starts
    }
}

/// A visit moved out of its planned week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// The visit's index in the calendar.
    pub visit: usize,
    pub id: u64,
    pub from: Week,
    pub to: Week,
}

/// How far a schedule is over the caps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overload {
    /// (unit, week) cells over cap.
    pub cells: u64,
    /// Total excess: the sum over cells of load minus cap, where positive.
    pub excess: u64,
}

/// A (unit, week) cell the proposal leaves over cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub unit: Unit,
    pub week: Week,
    pub load: u16,
    pub cap: u16,
    /// Ids of the visits there, ascending.
    pub visits: Vec<u64>,
    pub kind: ConflictKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// No schedule frees it: the visits that occupy this week whatever their window allows
    /// (fixed ones among them) already exceed the cap.
    Unavoidable,
    /// The scheduler found no way to free it without overloading another cell more.
    Unresolved,
}

/// Proposes a staggered schedule for the calendar: see the module documentation for what it
/// guarantees and how.
pub fn stagger(calendar: &Calendar) -> StaggerProposal {
    let mut solver = Solver::new(calendar);
    let before = solver.overload();
    solver.spread();
    for _ in 0..MAX_ROUNDS {
        let repaired = solver.repair();
        let returned = solver.move_back();
        if !repaired && !returned {
            break;
        }
    }
    let after = solver.overload();
    let (excess_floor, lower_bound) = bound::lower_bounds(calendar, after.excess);
    StaggerProposal {
        moves: solver.moves(),
        conflicts: solver.conflicts(),
        before,
        after,
        excess_floor,
        lower_bound,
    }
}

/// Rounds of repair and move-back; each round that changes something lowers the total excess,
/// or keeps it and lowers the moves, so the loop ends anyway; the cap bounds its time.
const MAX_ROUNDS: usize = 16;

/// The most cells a visit's move may overload and an ejection chain then clear.
const MAX_EJECTIONS: u32 = 3;

/// What a move of one visit does to the total excess.
#[derive(Debug, Clone, Copy, Default)]
struct Delta {
    /// Cells it enters that are at or over cap.
    added: u32,
    /// Cells it leaves that are over cap.
    removed: u32,
}

/// Which moves `best_move` may return: only those that overload no cell more (`Clean`), or any
/// that lowers the total excess (`Gain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Allow {
    Clean,
    Gain,
}

struct Solver<'c> {
    cal: &'c Calendar,
    start: Vec<Week>,
    /// Visits per (unit, week) cell, `Calendar::cell` indexed.
    load: Vec<u16>,
    /// Total excess of `load` over the caps.
    excess: u64,
    /// Bumped by every change the repair commits; `failed[v] == epoch` means nothing relieves
    /// an overload by moving `v` in the current state.
    epoch: u64,
    failed: Vec<u64>,
}

impl<'c> Solver<'c> {
    fn new(cal: &'c Calendar) -> Self {
        let load = cal.planned_load();
        let mut solver = Solver {
            cal,
            start: cal.visits.iter().map(|v| v.start).collect(),
            load,
            excess: 0,
            epoch: 0,
            failed: vec![u64::MAX; cal.visits.len()],
        };
        solver.excess = solver.overload().excess;
        solver
    }

    fn over(&self, u: Unit, w: usize) -> bool {
        self.load[self.cal.cell(u, w)] > self.cal.caps[u as usize]
    }

    fn overload(&self) -> Overload {
        let mut o = Overload::default();
        for u in 0..self.cal.units() {
            let cap = self.cal.caps[u];
            let row = &self.load[u * self.cal.weeks..(u + 1) * self.cal.weeks];
            for &l in row.iter().filter(|&&l| l > cap) {
                o.cells += 1;
                o.excess += u64::from(l - cap);
            }
        }
        o
    }

    /// Over-cap cells, by unit and week.
    fn overloaded_cells(&self) -> Vec<(Unit, usize)> {
        let weeks = self.cal.weeks;
        (0..self.cal.units() as Unit)
            .flat_map(|u| (0..weeks).map(move |w| (u, w)))
            .filter(|&(u, w)| self.over(u, w))
            .collect()
    }

    /// Visits occupying the (unit, week) cell now.
    fn occupants(&self, u: Unit, w: usize) -> impl Iterator<Item = usize> + '_ {
        self.cal
            .visits_of(u)
            .filter(move |&v| self.cal.span(v, self.start[v]).contains(&w))
    }

    /// Over-cap cells the visit occupies now.
    fn score(&self, v: usize) -> u32 {
        let span = self.cal.span(v, self.start[v]);
        let mut score = 0;
        for &u in &self.cal.visits[v].targets {
            score += span.clone().filter(|&w| self.over(u, w)).count() as u32;
        }
        score
    }

    fn delta(&self, v: usize, to: Week) -> Delta {
        let (old, new) = (self.cal.span(v, self.start[v]), self.cal.span(v, to));
        let mut d = Delta::default();
        for &u in &self.cal.visits[v].targets {
            let cap = self.cal.caps[u as usize];
            let row = &self.load[self.cal.cell(u, 0)..self.cal.cell(u, self.cal.weeks)];
            for w in new.clone().filter(|w| !old.contains(w)) {
                d.added += u32::from(row[w] >= cap);
            }
            for w in old.clone().filter(|w| !new.contains(w)) {
                d.removed += u32::from(row[w] > cap);
            }
        }
        d
    }

    /// Moves the visit to start in week `to`, keeping loads and excess exact (so that moving it
    /// back undoes the move).
    fn apply(&mut self, v: usize, to: Week) {
        let (old, new) = (self.cal.span(v, self.start[v]), self.cal.span(v, to));
        for &u in &self.cal.visits[v].targets {
            let cap = self.cal.caps[u as usize];
            let base = self.cal.cell(u, 0);
            for w in old.clone().filter(|w| !new.contains(w)) {
                let l = &mut self.load[base + w];
                self.excess -= u64::from(*l > cap);
                *l -= 1;
            }
            for w in new.clone().filter(|w| !old.contains(w)) {
                let l = &mut self.load[base + w];
                self.excess += u64::from(*l >= cap);
                *l += 1;
            }
        }
        self.start[v] = to;
    }

    /// The best start for the visit among those its window allows that lower the total excess
    /// (and, with `Allow::Clean`, overload no cell more), leaving week `leave` if given: fewest
    /// cells overloaded more, then most relieved, then the planned week, then the nearest to it.
    fn best_move(&self, v: usize, allow: Allow, leave: Option<usize>) -> Option<Week> {
        let visit = &self.cal.visits[v];
        (visit.earliest..=visit.latest)
            .filter(|&to| {
                to != self.start[v] && !leave.is_some_and(|w| self.cal.span(v, to).contains(&w))
            })
            .map(|to| (self.delta(v, to), to))
            .filter(|(d, _)| d.removed > d.added && (allow == Allow::Gain || d.added == 0))
            .min_by_key(|&(d, to)| {
                let planned = visit.start;
                let nearest = (to != planned, to.abs_diff(planned), to);
                (d.added, Reverse(d.removed), nearest)
            })
            .map(|(_, to)| to)
    }

    /// Phase 1: visits on the most over-cap cells first (then those with the fewest starts to
    /// choose from) move to the nearest start that overloads no cell.
    fn spread(&mut self) {
        let mut heap = BinaryHeap::new();
        for v in (0..self.cal.visits.len()).filter(|&v| self.cal.movable(v)) {
            let score = self.score(v);
            if score > 0 {
                heap.push((score, Reverse(self.starts_allowed(v)), Reverse(v)));
            }
        }
        while let Some((key, starts, Reverse(v))) = heap.pop() {
            let score = self.score(v);
            if score == 0 {
                continue;
            }
            if score != key {
                heap.push((score, starts, Reverse(v)));
                continue;
            }
            if let Some(to) = self.best_move(v, Allow::Clean, None) {
                self.apply(v, to);
            }
        }
    }

    fn starts_allowed(&self, v: usize) -> u16 {
        let visit = &self.cal.visits[v];
        visit.latest - visit.earliest + 1
    }

    /// Phase 2: relieve every cell still over cap, in rounds until a round relieves nothing.
    /// Returns whether the total excess went down.
    fn repair(&mut self) -> bool {
        let before = self.excess;
        for _ in 0..MAX_ROUNDS {
            let mut relieved = false;
            for (u, w) in self.overloaded_cells() {
                while self.over(u, w) && self.relieve(u, w) {
                    relieved = true;
                }
            }
            if !relieved {
                break;
            }
        }
        self.excess < before
    }

    /// Lowers the total excess by moving a visit out of the over-cap cell: a move that overloads
    /// no cell more, else an ejection chain, else a move that overloads fewer cells than it
    /// relieves. Visits on the cell are tried most-overloaded first.
    fn relieve(&mut self, u: Unit, w: usize) -> bool {
        let mut tried: Vec<usize> = self
            .occupants(u, w)
            .filter(|&v| self.cal.movable(v) && self.failed[v] != self.epoch)
            .collect();
        tried.sort_by_key(|&v| (Reverse(self.score(v)), self.starts_allowed(v), v));
        let relieved = self.relieve_by(&tried, Allow::Clean)
            || tried.iter().any(|&v| self.eject(v))
            || self.relieve_by(&tried, Allow::Gain);
        if relieved {
            self.epoch += 1;
        } else {
            for v in tried {
                self.failed[v] = self.epoch;
            }
        }
        relieved
    }

    fn relieve_by(&mut self, visits: &[usize], allow: Allow) -> bool {
        let found = visits
            .iter()
            .find_map(|&v| self.best_move(v, allow, None).map(|to| (v, to)));
        found.inspect(|&(v, to)| self.apply(v, to)).is_some()
    }

    /// An ejection chain: moves the visit to a start where it overloads at most
    /// `MAX_EJECTIONS` cells, then clears each of those by moving another visit out of it with
    /// a move that overloads no cell more. Kept only if the total excess went down.
    fn eject(&mut self, v: usize) -> bool {
        let visit = &self.cal.visits[v];
        let from = self.start[v];
        let mut starts: Vec<Week> = (visit.earliest..=visit.latest)
            .filter(|&s| s != from)
            .collect();
        starts.sort_by_key(|&s| (s != visit.start, s.abs_diff(visit.start), s));
        let before = self.excess;
        for to in starts {
            let d = self.delta(v, to);
            if d.removed == 0 || d.added == 0 || d.added > MAX_EJECTIONS {
                continue;
            }
            let entered = self.entered_full(v, to);
            let mut log = vec![(v, from)];
            self.apply(v, to);
            if self.clear(&entered, v, &mut log) && self.excess < before {
                return true;
            }
            for &(moved, start) in log.iter().rev() {
                self.apply(moved, start);
            }
        }
        false
    }

    /// Cells the visit would enter, moving to `to`, that are already at or over cap.
    fn entered_full(&self, v: usize, to: Week) -> Vec<(Unit, usize)> {
        let (old, new) = (self.cal.span(v, self.start[v]), self.cal.span(v, to));
        let mut cells = Vec::new();
        for &u in &self.cal.visits[v].targets {
            let cap = self.cal.caps[u as usize];
            for w in new.clone().filter(|w| !old.contains(w)) {
                if self.load[self.cal.cell(u, w)] >= cap {
                    cells.push((u, w));
                }
            }
        }
        cells
    }

    /// Moves one visit other than `v` out of each cell still over cap, each with a move that
    /// overloads no cell more; logs the moves for undoing.
    fn clear(&mut self, cells: &[(Unit, usize)], v: usize, log: &mut Vec<(usize, Week)>) -> bool {
        for &(u, w) in cells {
            if !self.over(u, w) {
                continue;
            }
            let found = self
                .occupants(u, w)
                .filter(|&j| j != v && self.cal.movable(j))
                .find_map(|j| self.best_move(j, Allow::Clean, Some(w)).map(|to| (j, to)));
            let Some((j, to)) = found else {
                return false;
            };
            log.push((j, self.start[j]));
            self.apply(j, to);
        }
        true
    }

    /// Phase 3: moves visits back to their planned start wherever that does not raise the total
    /// excess, until none can. Returns whether any moved back.
    fn move_back(&mut self) -> bool {
        let mut any = false;
        loop {
            let mut returned = false;
            for v in 0..self.cal.visits.len() {
                let planned = self.cal.visits[v].start;
                if self.start[v] != planned {
                    let d = self.delta(v, planned);
                    if d.added <= d.removed {
                        self.apply(v, planned);
                        returned = true;
                    }
                }
            }
            if !returned {
                return any;
            }
            any = true;
        }
    }

    fn moves(&self) -> Vec<Move> {
        let visits = self.cal.visits.iter().zip(&self.start).enumerate();
        visits
            .filter(|(_, (visit, &to))| visit.start != to)
            .map(|(v, (visit, &to))| Move {
                visit: v,
                id: visit.id,
                from: visit.start,
                to,
            })
            .collect()
    }

    fn conflicts(&self) -> Vec<Conflict> {
        let conflict = |(u, w): (Unit, usize)| {
            let mut visits: Vec<u64> = self
                .occupants(u, w)
                .map(|v| self.cal.visits[v].id)
                .collect();
            visits.sort_unstable();
            let cap = self.cal.caps[u as usize];
            let pinned = self
                .occupants(u, w)
                .filter(|&v| self.cal.pinned(v, w))
                .count();
            Conflict {
                unit: u,
                week: w as Week,
                load: self.load[self.cal.cell(u, w)],
                cap,
                visits,
                kind: if pinned > usize::from(cap) {
                    ConflictKind::Unavoidable
                } else {
                    ConflictKind::Unresolved
                },
            }
        };
        self.overloaded_cells().into_iter().map(conflict).collect()
    }
}
