//! The AWS provider schema embedded in the binary, and what it powers without
//! `terraform init`: schema diagnostics, completion and hover over Terraform text.
//!
//! Start with [`embedded()`] (or [`Schema::load_path`] / [`Schema::from_bytes`] for a
//! workspace's own `terraform providers schema -json` output), then call
//! [`check`], [`complete`] or [`hover`] with the file's text. See docs/schema.md.

pub mod check;
pub mod complete;
pub mod hover;
pub mod jsii;
pub mod locate;
pub mod model;
pub mod store;
pub mod terraform_json;

pub use check::{check, check_body, did_you_mean, Diagnostic, DiagnosticKind, Severity};
pub use complete::{complete, CompletionItem, CompletionKind};
pub use hover::{hover, registry_url, Hover};
pub use model::{AttributeSchema, BlockSchema, Nesting, NestedBlockSchema, Type};
pub use store::{embedded, embedded_bytes, EntityKind, Schema, SchemaError, SchemaInfo, WORKSPACE_SCHEMA_FILES};
