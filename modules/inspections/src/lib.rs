//! 督查检查考核、调研: the inspections and visits module (SPEC module 5, issue 12).
//!
//! For now this crate holds only the pure scheduling core, [`schedule`]: given the sizeable
//! visits planned on grassroots units, their windows and the units' weekly caps, it proposes a
//! staggered schedule (错峰) and says which overloads cannot be resolved. The rest of the module —
//! the model parsed at the edge, the store, the rules, the API and the pages, the demo seed and its
//! part in the benchmarks, its manifest — comes later, laid out as `modules/meetings/` is.

pub mod schedule;
