//! The manifests of the modules whose code still lives in the platform crates (documents,
//! document intelligence). Each moves, with its code, into `modules/<name>/` as meetings has.
pub mod analysis;
pub mod documents;
