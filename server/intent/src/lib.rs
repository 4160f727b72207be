//! Offline understanding of plain-language requests: text → typed [`Intent`]
//! (what the user asked for), then intent → resource [`Plan`] (what must exist,
//! with dependencies added and ordered). Pure and deterministic: no IO.

pub mod plan;
pub mod types;

pub use plan::*;
pub use types::*;
