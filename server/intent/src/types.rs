//! The typed intent extracted from a request.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tc_knowledge::Value;

/// What a request asks for, before dependencies are worked out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Intent {
    /// Components the user named or described, in the order they appear.
    pub components: Vec<RequestedComponent>,
    /// Region code when the request states one (by code, name or city).
    pub region: Option<String>,
    /// Further regions the request names, in order ("replicated between N. Virginia
    /// and Oregon" → `us-west-2` here, `us-east-1` in `region`).
    #[serde(default)]
    pub extra_regions: Vec<String>,
    /// Component ids the user explicitly excluded ("no NAT", "without a key pair").
    #[serde(default)]
    pub excluded: Vec<String>,
    /// Words the engine did not understand (shown back to the user).
    #[serde(default)]
    pub unknown_words: Vec<String>,
    /// Number of availability zones the request states ("3 AZs").
    #[serde(default)]
    pub az_count: Option<u32>,
    /// The first size word of the request (`free_tier`, `memory_optimized` …), see
    /// `knowledge/size_hints.toml`.
    #[serde(default)]
    pub size_hint: Option<String>,
}

impl Intent {
    /// Whether the request named any AWS resource at all. When it did not, callers
    /// say "I found no AWS resources in that" instead of guessing.
    pub fn is_empty(&self) -> bool {
        self.components.is_empty()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequestedComponent {
    /// Component id in the knowledge base.
    pub component: String,
    /// How many ("two web servers" → 2).
    #[serde(default = "one")]
    pub count: u32,
    /// Role such as `web`, `db`, `cache`, `bastion`; used for naming.
    #[serde(default)]
    pub role: Option<String>,
    /// Parameter values stated inline ("10.1.0.0/16", "multi-AZ", "postgres").
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    /// The words that led to this component (for explanations and debugging).
    #[serde(default)]
    pub matched: String,
}

fn one() -> u32 {
    1
}
