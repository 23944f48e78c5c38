//! Shared types of Jianfu: the error type, roles and actors, org levels, paging, time.
pub mod actor;
pub mod error;
pub mod labels;
pub mod level;
pub mod paging;
pub mod time;
pub mod validate;

pub use actor::{Actor, Role};
pub use error::{AppError, AppResult};
pub use level::Level;
pub use paging::{Page, Paged};
