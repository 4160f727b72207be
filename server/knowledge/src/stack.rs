//! The fully answered configuration handed to the generator: every resource of the
//! plan with every parameter value decided, plus the security decisions the user made.

use crate::model::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Stack {
    pub region: String,
    pub resources: Vec<StackResource>,
    /// Insecure choices the user explicitly confirmed; the generator writes each as a
    /// comment next to the code it affects and lists them in the stack's README.
    #[serde(default)]
    pub decisions: Vec<SecurityDecision>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StackResource {
    /// Unique key within the plan, e.g. `vpc`, `web_server`, `db`.
    pub key: String,
    /// Component id in the knowledge base.
    pub component: String,
    /// Terraform label (a valid identifier), e.g. `main`, `web`.
    pub name: String,
    /// Final value of every parameter of the component.
    pub values: BTreeMap<String, Value>,
    /// Dependency role → key of the resource that fills it.
    #[serde(default)]
    pub refs: BTreeMap<String, String>,
    /// How many copies (`count`), e.g. one subnet per availability zone.
    #[serde(default = "one")]
    pub count: u32,
    /// When the workspace already defines this resource (e.g. `aws_vpc.main`), its
    /// address: the generator references it instead of generating a new one. Several
    /// resources of one type stand in for a counted one as a comma-separated list
    /// (`aws_subnet.a, aws_subnet.b`: one id is the first's, the id list all of them).
    #[serde(default)]
    pub existing: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecurityDecision {
    /// Resource key and parameter the decision is about.
    pub resource: String,
    pub parameter: String,
    /// Rule id of the warning the user overrode (e.g. `TC-SG-001`).
    pub rule: String,
    pub warning: String,
    /// The user's own words when confirming.
    pub confirmed_by: String,
}
