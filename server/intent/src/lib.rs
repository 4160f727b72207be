//! Offline understanding of plain-language requests: text → typed [`Intent`]
//! (what the user asked for), then intent → resource [`Plan`] (what must exist,
//! with dependencies added and ordered). Pure and deterministic: no IO.

pub mod engine;
pub mod extract;
pub mod lexicon;
pub mod plan;
pub mod resolve;
pub mod text;
pub mod types;

pub use engine::{understand, understand_with};
pub use plan::*;
pub use resolve::{identifier, resolve, resolve_with, PlanError, DEFAULT_REGION};
pub use types::*;
