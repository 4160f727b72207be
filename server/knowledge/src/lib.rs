//! The AWS knowledge base: what TerraConverse knows about AWS, loaded from the
//! TOML files under `knowledge/` that are embedded into the binary at compile time.
//!
//! Everything here is data plus the types that describe it. No IO happens at run
//! time: `build.rs` embeds the files and `embedded` parses them once.

pub mod embedded;
pub mod model;
pub mod sdk;
pub mod stack;

pub use embedded::{file, knowledge};
pub use model::*;
#[cfg(feature = "aws")]
pub use sdk::instance_types_toml;
pub use stack::*;
