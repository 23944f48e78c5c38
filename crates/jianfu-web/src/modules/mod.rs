//! The manifests of the modules whose code still lives in the platform crates (documents,
//! meetings, document intelligence). Each moves, with its code, into `modules/<name>/`.
pub mod analysis;
pub mod documents;
pub mod meetings;

use crate::module::Module;

/// The modules built into this version, in the order of the navigation.
pub fn builtin() -> Vec<Module> {
    vec![documents::module(), meetings::module(), analysis::module()]
}
