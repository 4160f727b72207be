//! Types describing the knowledge base: component kinds, their parameters and dependencies.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A parameter value as collected from the user or from defaults. JSON values are
/// used because they serialize naturally into session files and template contexts.
pub type Value = serde_json::Value;

/// One kind of thing a user can ask for (an EC2 instance, an RDS database, an S3
/// bucket …). A component may produce several Terraform resources.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Stable identifier, e.g. `ec2_instance`. Also the file name in `knowledge/components/`.
    pub id: String,
    /// Human name, e.g. "EC2 instance".
    pub name: String,
    pub description: String,
    pub category: Category,
    /// Terraform resource types this component generates with its default answers.
    pub resource_types: Vec<String>,
    /// Data sources it reads with defaults (e.g. `aws_ami`).
    #[serde(default)]
    pub data_sources: Vec<String>,
    /// Template name under `templates/` (without `.tf.j2`).
    pub template: String,
    /// Service names, abbreviations and common misspellings that name this component.
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Phrases describing a purpose rather than a service ("store the images on my site").
    #[serde(default)]
    pub purposes: Vec<String>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    /// Human-readable list of the secure defaults the template applies.
    #[serde(default)]
    pub security_defaults: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Asked first: the region and provider settings.
    Global,
    Network,
    Security,
    Identity,
    Compute,
    Containers,
    Serverless,
    Database,
    Storage,
    Messaging,
    Edge,
    Monitoring,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Identifier unique within its component, e.g. `instance_type`.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ParamType,
    #[serde(default)]
    pub required: bool,
    /// The default answer; a parameter without one must be `required`.
    #[serde(default)]
    pub default: Option<Value>,
    /// Finite choices, offered as buttons.
    #[serde(default)]
    pub allowed: Vec<Value>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// Regular-expression-free format name checked by the validator (see `Format`).
    #[serde(default)]
    pub format: Option<Format>,
    pub question: String,
    /// One line saying why this matters.
    pub why: String,
    #[serde(default)]
    pub example: Option<String>,
    /// True when the default is safe to accept without asking individually: such
    /// parameters are grouped into one "use these defaults?" confirmation.
    #[serde(default)]
    pub safe_default: bool,
    /// Note shown with the question when choosing this costs money.
    #[serde(default)]
    pub cost_note: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    String,
    Integer,
    Bool,
    /// One of `allowed`.
    Enum,
    Cidr,
    /// A list of CIDR blocks.
    CidrList,
    StringList,
    Port,
    Region,
    InstanceType,
    DbInstanceClass,
}

/// Format checks the validator knows by name.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A name used as a Terraform label and `Name` tag.
    ResourceName,
    S3BucketName,
    RdsIdentifier,
    Arn,
    TagValue,
    AmiId,
    DomainName,
    Email,
    ScheduleExpression,
    FilePath,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// The component id depended on.
    pub component: String,
    pub kind: DependencyKind,
    /// Role name under which the template refers to it (e.g. `vpc`, `subnet`).
    #[serde(default)]
    pub role: Option<String>,
    /// One line saying why the dependency exists; shown when it is offered.
    pub why: String,
    /// Whether one instance may be shared by every component that needs it (one VPC for web and db).
    #[serde(default = "default_true")]
    pub shared: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DependencyKind {
    /// Added automatically.
    Required,
    /// Added unless the user says no (asked as yes/no).
    Recommended,
    /// Offered, off unless the user says yes.
    Optional,
}

/// An AWS region with the names people use for it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The whole knowledge base, indexed.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    pub components: BTreeMap<String, Component>,
    pub regions: Vec<Region>,
    pub instance_types: Vec<String>,
    pub db_instance_classes: Vec<String>,
}
