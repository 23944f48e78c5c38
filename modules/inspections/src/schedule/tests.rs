use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use super::*;

fn visit(id: u64, start: Week, window: (Week, Week), flexible: bool, targets: &[Unit]) -> Visit {
    Visit {
        id,
        start,
        weeks: 1,
        earliest: window.0,
        latest: window.1,
        flexible,
        targets: targets.to_vec(),
    }
}

fn calendar(units: usize, visits: Vec<Visit>) -> Calendar {
    Calendar::new(vec![DEFAULT_WEEKLY_CAP; units], visits).expect("valid calendar")
}

/// Loads per (unit, week) under the given starts, counted from scratch.
fn loads(cal: &Calendar, starts: &[Week]) -> Vec<Vec<u32>> {
    let mut load = vec![vec![0; cal.weeks()]; cal.units()];
    for (v, &s) in cal.visits().iter().zip(starts) {
        for &u in &v.targets {
            for w in s..s + v.weeks {
                load[u as usize][usize::from(w)] += 1;
            }
        }
    }
    load
}

fn excess(cal: &Calendar, starts: &[Week]) -> u64 {
    let load = loads(cal, starts);
    let mut excess = 0;
    for (u, row) in load.iter().enumerate() {
        let cap = u32::from(cal.cap(u as Unit));
        excess += row
            .iter()
            .map(|&l| u64::from(l.saturating_sub(cap)))
            .sum::<u64>();
    }
    excess
}

#[test]
fn a_calendar_under_cap_stays_as_planned() {
    let cal = calendar(
        2,
        vec![
            visit(1, 0, (0, 3), true, &[0, 1]),
            visit(2, 0, (0, 3), true, &[0]),
            visit(3, 1, (0, 3), true, &[1]),
        ],
    );
    let p = stagger(&cal);
    assert_eq!(p.move_count(), 0);
    assert!(p.conflicts.is_empty());
    assert_eq!(
        (p.before, p.after),
        (Overload::default(), Overload::default())
    );
    assert_eq!(p.lower_bound, 0);
}

#[test]
fn a_third_visit_in_a_week_moves_to_the_nearest_free_week() {
    let cal = calendar(
        1,
        vec![
            visit(1, 2, (2, 2), false, &[0]),
            visit(2, 2, (0, 5), true, &[0]),
            visit(3, 2, (0, 5), true, &[0]),
            visit(4, 3, (3, 3), false, &[0]),
            visit(5, 3, (3, 3), false, &[0]),
        ],
    );
    let p = stagger(&cal);
    // Week 3 is full: the nearest week with room is 1.
    assert_eq!(p.moves.len(), 1);
    assert_eq!((p.moves[0].from, p.moves[0].to), (2, 1));
    assert!(p.conflicts.is_empty());
    assert_eq!(
        p.before,
        Overload {
            cells: 1,
            excess: 1
        }
    );
    assert_eq!(p.lower_bound, 1);
}

#[test]
fn one_visit_on_many_crowded_units_moves_rather_than_many_on_one_each() {
    // Units 0..4 each host two single-unit visits in week 0 and one shared visit.
    let mut visits = vec![visit(100, 0, (0, 2), true, &[0, 1, 2, 3])];
    for u in 0..4 {
        visits.push(visit(u64::from(u) * 2, 0, (0, 2), true, &[u]));
        visits.push(visit(u64::from(u) * 2 + 1, 0, (0, 2), true, &[u]));
    }
    let p = stagger(&calendar(4, visits));
    assert_eq!(p.moves.iter().map(|m| m.id).collect::<Vec<_>>(), [100]);
    assert_eq!(p.lower_bound, 1);
}

#[test]
fn fixed_visits_over_cap_are_an_unavoidable_conflict() {
    let cal = calendar(
        1,
        vec![
            visit(1, 4, (0, 8), false, &[0]),
            visit(2, 4, (0, 8), false, &[0]),
            visit(3, 4, (0, 8), false, &[0]),
            visit(4, 4, (3, 5), true, &[0]),
        ],
    );
    let p = stagger(&cal);
    assert_eq!(p.moves.len(), 1, "the flexible visit still leaves");
    assert_eq!(
        p.after,
        Overload {
            cells: 1,
            excess: 1
        }
    );
    assert_eq!(p.excess_floor, 1);
    assert_eq!(p.conflicts.len(), 1);
    let c = &p.conflicts[0];
    assert_eq!((c.unit, c.week, c.load, c.cap), (0, 4, 3, 2));
    assert_eq!(
        (c.visits.as_slice(), c.kind),
        (&[1, 2, 3][..], ConflictKind::Unavoidable)
    );
}

#[test]
fn visits_their_windows_pin_to_a_week_are_unavoidable_there() {
    // Two-week visits with windows [0, 1] occupy week 1 whatever their start.
    let long = |id, start| Visit {
        weeks: 2,
        ..visit(id, start, (0, 1), true, &[0])
    };
    let cal = calendar(1, vec![long(1, 0), long(2, 1), long(3, 0)]);
    let p = stagger(&cal);
    assert_eq!((p.after.excess, p.excess_floor), (1, 1));
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(p.conflicts[0].kind, ConflictKind::Unavoidable);
}

#[test]
fn a_conflict_without_room_is_reported_unresolved() {
    // Visit 3 could only move to week 1, which fixed visits already fill.
    let cal = calendar(
        1,
        vec![
            visit(1, 0, (0, 0), false, &[0]),
            visit(2, 0, (0, 0), false, &[0]),
            visit(3, 0, (0, 1), true, &[0]),
            visit(4, 1, (1, 1), false, &[0]),
            visit(5, 1, (1, 1), false, &[0]),
        ],
    );
    let p = stagger(&cal);
    assert_eq!(p.move_count(), 0);
    assert_eq!((p.after.excess, p.excess_floor, p.lower_bound), (1, 0, 0));
    assert_eq!(p.conflicts[0].kind, ConflictKind::Unresolved);
    assert_eq!(p.conflicts[0].visits, [1, 2, 3]);
}

#[test]
fn an_ejection_chain_makes_room() {
    // Unit 0 is over cap in week 0; visit 1 can only go to week 1, where unit 1 is full; visit 4
    // on unit 1 can leave week 1 for week 2.
    let cal = calendar(
        2,
        vec![
            visit(1, 0, (0, 1), true, &[0, 1]),
            visit(2, 0, (0, 0), false, &[0]),
            visit(3, 0, (0, 0), false, &[0]),
            visit(4, 1, (1, 2), true, &[1]),
            visit(5, 1, (1, 1), false, &[1]),
        ],
    );
    let p = stagger(&cal);
    assert!(p.conflicts.is_empty());
    let moved: Vec<(u64, Week)> = p.moves.iter().map(|m| (m.id, m.to)).collect();
    assert_eq!(moved, [(1, 1), (4, 2)]);
    assert_eq!(p.lower_bound, 1);
}

#[test]
fn calendars_refuse_what_they_cannot_schedule() {
    let caps = vec![2; 2];
    let bad = |v: Visit| Calendar::new(caps.clone(), vec![v]).err();
    assert_eq!(
        bad(Visit {
            weeks: 0,
            ..visit(7, 1, (0, 2), true, &[0])
        }),
        Some(CalendarError::NoDuration { id: 7 })
    );
    assert!(matches!(
        bad(visit(7, 3, (0, 2), true, &[0])),
        Some(CalendarError::OutsideWindow { id: 7, .. })
    ));
    assert_eq!(
        bad(visit(7, 1, (0, 2), true, &[2])),
        Some(CalendarError::UnknownUnit {
            id: 7,
            unit: 2,
            units: 2
        })
    );
    assert_eq!(
        bad(Visit {
            weeks: 2,
            ..visit(7, Week::MAX - 1, (0, Week::MAX - 1), true, &[0])
        }),
        Some(CalendarError::PastLastWeek { id: 7 })
    );
    // A fixed visit's window is not checked: it never moves.
    assert!(bad(visit(7, 3, (0, 2), false, &[0, 0, 1])).is_none());
}

/// The shape of generated calendars.
#[derive(Debug, Clone, Copy)]
struct Shape {
    units: usize,
    visits: usize,
    /// Planned starts in `0..weeks`.
    weeks: Week,
    /// A window reaches up to this many weeks before and after the planned start.
    reach: Week,
    targets: usize,
    /// At most this many visits are movable; later flexible ones are made fixed.
    movable: usize,
}

/// Calendars of `shape`, with caps of 1 or 2.
fn calendars(shape: Shape) -> impl Strategy<Value = Calendar> {
    (1..=shape.units)
        .prop_flat_map(move |units| {
            let visit = (
                0..shape.weeks,
                1u16..=2,
                0..=shape.reach,
                0..=shape.reach,
                prop::bool::weighted(0.8),
                prop::collection::vec(0..units as Unit, 1..=shape.targets),
            );
            (
                prop::collection::vec(1u16..=2, units),
                prop::collection::vec(visit, 1..=shape.visits),
            )
        })
        .prop_map(move |(caps, raw)| {
            let mut movable = 0;
            let visits = raw.into_iter().enumerate().map(
                |(id, (start, weeks, before, after, flexible, targets))| {
                    let (earliest, latest) = (start.saturating_sub(before), start + after);
                    let flexible = flexible && (earliest == latest || movable < shape.movable);
                    movable += usize::from(flexible && earliest < latest);
                    Visit {
                        id: id as u64,
                        start,
                        weeks,
                        earliest,
                        latest,
                        flexible,
                        targets,
                    }
                },
            );
            Calendar::new(caps, visits.collect()).expect("generated calendars are valid")
        })
}

const MEDIUM: Shape = Shape {
    units: 12,
    visits: 40,
    weeks: 10,
    reach: 4,
    targets: 5,
    movable: usize::MAX,
};

/// Small enough for exhaustive search: at most 7 movable visits of at most 4 starts each.
const SMALL: Shape = Shape {
    units: 4,
    visits: 10,
    weeks: 5,
    reach: 2,
    targets: 3,
    movable: 7,
};

/// Denser: fewer units and weeks for as many visits.
const DENSE: Shape = Shape {
    units: 3,
    visits: 12,
    weeks: 4,
    reach: 2,
    targets: 3,
    movable: 7,
};

/// Checks guarantees (a)–(c) of the module documentation on one calendar.
fn check_guarantees(cal: &Calendar, p: &StaggerProposal) -> Result<(), TestCaseError> {
    let starts = p.starts(cal);
    // (a) Windows are kept; fixed visits stay.
    for (visit, &s) in cal.visits().iter().zip(&starts) {
        prop_assert!(
            visit.earliest <= s && s <= visit.latest,
            "visit {} left its window",
            visit.id
        );
        prop_assert!(
            visit.flexible || s == visit.start,
            "fixed visit {} moved",
            visit.id
        );
    }
    for m in &p.moves {
        prop_assert_eq!(
            (m.id, m.from),
            (cal.visits()[m.visit].id, cal.visits()[m.visit].start)
        );
        prop_assert_ne!(m.from, m.to);
    }
    // (b) Every cell over cap is reported, and every report is true.
    let load = loads(cal, &starts);
    let mut over = Vec::new();
    for (u, row) in load.iter().enumerate() {
        for (w, &l) in row.iter().enumerate() {
            if l > u32::from(cal.cap(u as Unit)) {
                over.push((u as Unit, w as Week, l as u16));
            }
        }
    }
    let reported: Vec<(Unit, Week, u16)> = p
        .conflicts
        .iter()
        .map(|c| (c.unit, c.week, c.load))
        .collect();
    prop_assert_eq!(reported, over);
    for c in &p.conflicts {
        prop_assert_eq!(c.cap, cal.cap(c.unit));
        let w = c.week;
        let there: Vec<&Visit> = cal
            .visits()
            .iter()
            .zip(&starts)
            .filter(|(v, &s)| v.targets.contains(&c.unit) && s <= w && w < s + v.weeks)
            .map(|(v, _)| v)
            .collect();
        let mut ids: Vec<u64> = there.iter().map(|v| v.id).collect();
        ids.sort_unstable();
        prop_assert_eq!(&c.visits, &ids);
        // Unavoidable exactly when the visits pinned to the week alone exceed the cap.
        let pinned = there
            .iter()
            .filter(|v| v.latest <= w && w < v.earliest + v.weeks);
        let unavoidable = pinned.count() > usize::from(c.cap);
        prop_assert_eq!(c.kind == ConflictKind::Unavoidable, unavoidable);
    }
    let after = excess(cal, &starts);
    prop_assert_eq!(p.after.excess, after);
    prop_assert_eq!(
        p.before.excess,
        excess(
            cal,
            &cal.visits().iter().map(|v| v.start).collect::<Vec<_>>()
        )
    );
    prop_assert!(p.excess_floor <= after && after <= p.before.excess);
    // (c) Each moved visit, moved back alone, raises the total excess.
    for m in &p.moves {
        let mut back = starts.clone();
        back[m.visit] = m.from;
        prop_assert!(excess(cal, &back) > after, "visit {} could move back", m.id);
    }
    Ok(())
}

/// The best schedules by exhaustive search over the starts of the movable visits.
struct Optimum {
    /// `by_excess[e]`: the fewest moves of a schedule with total excess `e` (`u32::MAX`: none).
    by_excess: Vec<u32>,
    /// The fewest moves of a schedule that leaves every cell at most as far over cap as the
    /// proposal does.
    relieving: u32,
}

impl Optimum {
    /// The least total excess of any schedule.
    fn least_excess(&self) -> u64 {
        self.by_excess
            .iter()
            .position(|&m| m != u32::MAX)
            .unwrap_or(0) as u64
    }

    /// The fewest moves of a schedule with the least total excess.
    fn moves(&self) -> u32 {
        self.by_excess[self.least_excess() as usize]
    }

    /// The fewest moves of a schedule with a total excess of at most `excess`.
    fn moves_within(&self, excess: u64) -> u32 {
        let within = &self.by_excess[..=excess as usize];
        within.iter().copied().min().unwrap_or(u32::MAX)
    }
}

fn exhaustive(cal: &Calendar, proposal: &StaggerProposal) -> Optimum {
    struct Search<'c> {
        cal: &'c Calendar,
        movable: Vec<usize>,
        load: Vec<Vec<u32>>,
        excess: u64,
        /// The proposal's excess per cell.
        proposed: Vec<Vec<u32>>,
        best: Optimum,
    }
    impl Search<'_> {
        fn shift(&mut self, v: usize, start: Week, add: bool) {
            let visit = &self.cal.visits()[v];
            for &u in &visit.targets {
                let cap = u32::from(self.cal.cap(u));
                for w in start..start + visit.weeks {
                    let l = &mut self.load[u as usize][usize::from(w)];
                    if add {
                        self.excess += u64::from(*l >= cap);
                        *l += 1;
                    } else {
                        self.excess -= u64::from(*l > cap);
                        *l -= 1;
                    }
                }
            }
        }
        fn relieves(&self) -> bool {
            self.load
                .iter()
                .zip(&self.proposed)
                .enumerate()
                .all(|(u, (row, proposed))| {
                    let cap = u32::from(self.cal.cap(u as Unit));
                    row.iter()
                        .zip(proposed)
                        .all(|(&l, &p)| l.saturating_sub(cap) <= p)
                })
        }
        fn go(&mut self, k: usize, moves: u32) {
            let Some(&v) = self.movable.get(k) else {
                let e = self.excess as usize;
                self.best.by_excess[e] = self.best.by_excess[e].min(moves);
                if moves < self.best.relieving && self.relieves() {
                    self.best.relieving = moves;
                }
                return;
            };
            let visit = &self.cal.visits()[v];
            let (planned, window) = (visit.start, visit.earliest..=visit.latest);
            for s in window {
                if s != planned {
                    self.shift(v, planned, false);
                    self.shift(v, s, true);
                }
                self.go(k + 1, moves + u32::from(s != planned));
                if s != planned {
                    self.shift(v, s, false);
                    self.shift(v, planned, true);
                }
            }
        }
    }
    let planned: Vec<Week> = cal.visits().iter().map(|v| v.start).collect();
    let proposed = loads(cal, &proposal.starts(cal));
    let proposed = proposed
        .iter()
        .enumerate()
        .map(|(u, row)| {
            let cap = u32::from(cal.cap(u as Unit));
            row.iter().map(|&l| l.saturating_sub(cap)).collect()
        })
        .collect();
    // No schedule's excess passes the visits' total occupancy.
    let occupancy = cal
        .visits()
        .iter()
        .map(|v| v.targets.len() * usize::from(v.weeks));
    let mut search = Search {
        cal,
        movable: (0..cal.visits().len())
            .filter(|&v| cal.movable(v))
            .collect(),
        load: loads(cal, &planned),
        excess: excess(cal, &planned),
        proposed,
        best: Optimum {
            by_excess: vec![u32::MAX; occupancy.sum::<usize>() + 1],
            relieving: u32::MAX,
        },
    };
    search.go(0, 0);
    search.best
}

/// (d) The factor stated in the module documentation: with the least excess, at most
/// `2 × optimum + 1` moves.
fn within_factor(moves: usize, optimum: u32) -> bool {
    moves <= 2 * optimum as usize + 1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn proposals_keep_windows_report_overloads_and_move_nothing_needlessly(
        cal in calendars(MEDIUM),
    ) {
        let p = stagger(&cal);
        check_guarantees(&cal, &p)?;
    }

    #[test]
    fn small_proposals_are_near_the_exhaustive_optimum(cal in calendars(SMALL)) {
        let p = stagger(&cal);
        check_guarantees(&cal, &p)?;
        let best = exhaustive(&cal, &p);
        prop_assert!(p.excess_floor <= best.least_excess());
        if p.after.excess == best.least_excess() {
            prop_assert!(
                within_factor(p.move_count(), best.moves()),
                "moves {} against the optimum {}: {:?}",
                p.move_count(),
                best.moves(),
                p
            );
        }
        // (e) The bounds hold for every schedule they speak of.
        prop_assert!(p.lower_bound <= u64::from(best.moves_within(p.after.excess)));
        prop_assert!(p.lower_bound <= u64::from(best.moves()));
        prop_assert!(p.relief_lower_bound <= u64::from(best.relieving));
    }

    #[test]
    fn the_same_calendar_gets_the_same_proposal(cal in calendars(MEDIUM)) {
        prop_assert_eq!(stagger(&cal), stagger(&cal));
    }
}

/// What the proposals achieved against exhaustive search over many calendars of one shape.
#[derive(Debug, Default)]
struct Tally {
    calendars: usize,
    /// Calendars some schedule brings under cap everywhere, and those the proposal does.
    resolvable: usize,
    resolved: usize,
    /// Proposals with the least total excess, and those among them with the fewest moves.
    least_excess: usize,
    fewest_moves: usize,
    /// The most moves past the optimum, the largest ratio to it, and the proposals past the
    /// stated factor.
    most_extra: usize,
    worst_ratio: f64,
    beyond_factor: usize,
    /// Proposals whose lower bound equals the fewest moves for their excess.
    tight_bound: usize,
}

fn tally(shape: Shape, calendars_tried: usize) -> Tally {
    let mut runner = TestRunner::deterministic();
    let strategy = calendars(shape);
    let mut t = Tally::default();
    for _ in 0..calendars_tried {
        let cal = strategy
            .new_tree(&mut runner)
            .expect("a calendar")
            .current();
        let p = stagger(&cal);
        let best = exhaustive(&cal, &p);
        t.calendars += 1;
        t.tight_bound += usize::from(p.lower_bound == u64::from(best.moves_within(p.after.excess)));
        if best.least_excess() == 0 {
            t.resolvable += 1;
            t.resolved += usize::from(p.after.excess == 0);
        }
        if p.after.excess == best.least_excess() {
            let (moves, optimum) = (p.move_count(), best.moves() as usize);
            t.least_excess += 1;
            t.fewest_moves += usize::from(moves == optimum);
            t.most_extra = t.most_extra.max(moves - optimum);
            t.beyond_factor += usize::from(!within_factor(moves, best.moves()));
            if optimum > 0 {
                t.worst_ratio = t.worst_ratio.max(moves as f64 / optimum as f64);
            }
        }
    }
    eprintln!("{shape:?}: {t:?}");
    t
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

/// (d) Measured over 3,000 calendars of each shape (see the module documentation); asserted
/// with a margin.
#[test]
fn proposals_are_mostly_optimal_against_exhaustive_search() {
    for shape in [SMALL, DENSE] {
        let t = tally(shape, 3000);
        assert!(share(t.resolved, t.resolvable) >= 0.99, "{t:?}");
        assert!(share(t.least_excess, t.calendars) >= 0.98, "{t:?}");
        assert!(share(t.fewest_moves, t.least_excess) >= 0.95, "{t:?}");
        assert_eq!(t.beyond_factor, 0, "{t:?}");
    }
}

#[test]
fn a_small_province_is_staggered_within_the_guarantees() {
    let cal = province_instance(7, 600, 1200);
    assert_eq!((cal.units(), cal.visits().len()), (600, 1200));
    let report = bench_report(&cal);
    let p = &report.proposal;
    check_guarantees(&cal, p).expect("guarantees hold");
    assert!(p.after.excess < p.before.excess && p.move_count() > 0);
    assert!(p.lower_bound as usize <= p.move_count());
    assert!(p.relief_lower_bound as usize <= p.move_count());
    let printed = report.to_string();
    assert!(
        printed.contains("600 个基层单位") && printed.contains("调整事项"),
        "{printed}"
    );
}

#[test]
fn an_empty_province_has_nothing_to_stagger() {
    let printed = bench(0, 10, 1);
    assert!(printed.contains("0 个基层单位，0 项"), "{printed}");
}
