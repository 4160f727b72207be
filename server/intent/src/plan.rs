//! The resource plan: every component instance to create or reuse, with its
//! dependencies wired and in an order where dependencies come first.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tc_knowledge::Value;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    /// Region code; the default region when the request stated none.
    pub region: String,
    /// Whether the request stated the region (otherwise it is asked).
    pub region_stated: bool,
    /// Component instances in topological order (dependencies first).
    pub resources: Vec<PlannedResource>,
    #[serde(default)]
    pub unknown_words: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlannedResource {
    /// Unique key within the plan (`vpc`, `web_server`, `db`), stable across turns.
    pub key: String,
    /// Component id in the knowledge base.
    pub component: String,
    /// Terraform label for its main resource (a valid identifier).
    pub name: String,
    #[serde(default = "one")]
    pub count: u32,
    pub origin: Origin,
    pub inclusion: Inclusion,
    /// Parameter values already known from the request.
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    /// Dependency role → key of the planned resource that fills it.
    #[serde(default)]
    pub refs: BTreeMap<String, String>,
    /// When the workspace already defines this (e.g. `aws_vpc.main`), its address:
    /// the resource is referenced, not generated. Several resources of one type can
    /// stand in for a counted one, separated by commas (`aws_subnet.a, aws_subnet.b`).
    #[serde(default)]
    pub existing: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// The user asked for it.
    Requested,
    /// Added because `by` (a resource key) depends on it.
    Required {
        by: String,
    },
    Recommended {
        by: String,
    },
    Optional {
        by: String,
    },
}

/// Whether the resource will be generated.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Inclusion {
    /// Generated (requested, required, or a recommended/optional one accepted).
    Yes,
    /// Recommended: generated unless the user declines (asked yes/no, default yes).
    AskDefaultYes,
    /// Optional: generated only if the user accepts (asked yes/no, default no).
    AskDefaultNo,
    /// Declined or excluded.
    No,
}

impl Inclusion {
    /// Whether the resource is generated when every default is accepted.
    pub fn with_defaults(self) -> bool {
        matches!(self, Inclusion::Yes | Inclusion::AskDefaultYes)
    }
}
