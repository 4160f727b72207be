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
    /// The parameter a count in the request sets instead of copying the component
    /// ("three subnets" → `az_count = 3`, "two read replicas" → `replica_count = 2`).
    #[serde(default)]
    pub count_param: Option<String>,
    /// Components whose resources this component's template already creates (a
    /// Lambda function creates its own role and log group): asking for one of them
    /// together with this component asks for nothing more.
    #[serde(default)]
    pub includes: Vec<String>,
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
    /// Resource types generated in addition to `resource_types` when a condition on
    /// the component's answers (defaults applied) or on its filled dependency roles
    /// holds, e.g. a target-group attachment only when a target instance exists.
    #[serde(default)]
    pub conditional_resource_types: Vec<ConditionalTypes>,
    /// Parameters whose default or valid values depend on another parameter's value
    /// (an RDS port and engine version follow the engine).
    #[serde(default)]
    pub constraints: Vec<Constraint>,
}

/// Ties one parameter to another's value: for each value of `on`, the default of
/// `param` and the versions it may take. When `on` changes, a default that was
/// derived from it follows the new value and an answer that no longer fits is asked
/// again (see docs/conversation.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Constraint {
    /// The dependent parameter.
    pub param: String,
    /// The parameter it depends on.
    pub on: String,
    /// Value of `on` (as text, see [`Constraint::key`]) → default of `param`.
    #[serde(default)]
    pub defaults: BTreeMap<String, Value>,
    /// Value of `on` → the major versions `param` may take; a version matches its
    /// major and any minor after a dot ("16" allows "16" and "16.4"). A value of
    /// `on` without an entry allows anything, and an empty answer always fits.
    #[serde(default)]
    pub versions: BTreeMap<String, Vec<String>>,
    /// One line saying why the two are tied; shown when a value is asked again.
    pub why: String,
}

impl Constraint {
    /// The text a value of `on` is looked up by: strings as they are, other
    /// values in their JSON form (`3306`, `true`).
    pub fn key(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Whether `value` of `param` fits the value `on_value` of `on`: `Err` lists
    /// what would fit.
    pub fn fits(&self, on_value: &Value, value: &Value) -> Result<(), Vec<String>> {
        let Some(majors) = self.versions.get(&Constraint::key(on_value)) else { return Ok(()) };
        let v = Constraint::key(value);
        if v.is_empty() || value.is_null() || majors.iter().any(|m| v == *m || v.starts_with(&format!("{m}."))) {
            return Ok(());
        }
        Err(majors.clone())
    }
}

/// Extra resource types a component generates under a condition. Every condition
/// listed must hold (an empty condition always holds).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConditionalTypes {
    /// Parameter id → required value. The special string `"*"` means "set to anything
    /// but an empty string, empty list, `false` or `0`".
    #[serde(default)]
    pub when: BTreeMap<String, Value>,
    /// Dependency roles that must be filled by a generated resource.
    #[serde(default)]
    pub when_refs: Vec<String>,
    pub resource_types: Vec<String>,
}

/// Whether a parameter value satisfies a `when` condition value (see
/// [`ConditionalTypes::when`]): equal, or `"*"` and non-empty.
pub fn condition_holds(expected: &Value, actual: Option<&Value>) -> bool {
    if expected.as_str() == Some("*") {
        return match actual {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::Number(n)) => n.as_f64() != Some(0.0),
            Some(Value::Object(o)) => !o.is_empty(),
        };
    }
    match (expected, actual) {
        (Value::Number(a), Some(Value::Number(b))) => a.as_f64() == b.as_f64(),
        (e, Some(a)) => e == a,
        (_, None) => false,
    }
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
    /// Phrases that state this parameter inline in a request, with the value each
    /// one means ("multi-az" → true, "postgres" → "postgres"). Matched on word
    /// boundaries, case-insensitively; a negation before a boolean phrase flips it
    /// ("no public ip" → false).
    #[serde(default)]
    pub phrases: BTreeMap<String, Value>,
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
    /// A list of ports (1–65535).
    PortList,
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
    /// A security group (or rule) description: at most 255 characters of letters,
    /// digits, spaces and `._-:/()#,@[]+=&;{}!$*`, the only ones AWS accepts.
    SecurityGroupDescription,
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
    /// The dependency applies only when the dependent's answers (defaults applied)
    /// match every entry (same matching as [`ConditionalTypes::when`]).
    #[serde(default)]
    pub when: BTreeMap<String, Value>,
    /// Parameter values the depended-on resource must have, e.g. a NAT gateway needs a
    /// subnet with `tier = "public"`. A shared resource is reused only if it matches.
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    /// Numeric parameters the depended-on resource must have at least, e.g. a DB
    /// subnet group needs subnets in `az_count >= 2` availability zones. Applied by
    /// raising the value on the (possibly shared) resource.
    #[serde(default)]
    pub at_least: BTreeMap<String, i64>,
    /// Only link a resource of this kind that the plan already has; never add one
    /// just to offer it (a DNS record may point at a load balancer, but asking for a
    /// record should not offer a whole load balancer). Only for optional dependencies.
    #[serde(default)]
    pub link_only: bool,
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
    /// Size words ("cheap", "memory-optimized") → instance families and sizes.
    pub size_hints: Vec<SizeHint>,
}

impl KnowledgeBase {
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.get(id)
    }

    /// The region with this code, if it is a known commercial region.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }
}

impl Component {
    pub fn parameter(&self, id: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.id == id)
    }

    /// The value of a parameter given explicit answers, falling back to the default
    /// derived from a constraint, then to its own default.
    pub fn effective<'a>(
        &'a self,
        id: &str,
        answers: &'a BTreeMap<String, Value>,
    ) -> Option<&'a Value> {
        answers
            .get(id)
            .or_else(|| self.derived_default(id, answers))
            .or_else(|| self.parameter(id).and_then(|p| p.default.as_ref()))
    }

    /// The default of `id` that a constraint derives from the value of the parameter
    /// it depends on (answered, else that parameter's own default), if any.
    pub fn derived_default<'a>(&'a self, id: &str, answers: &'a BTreeMap<String, Value>) -> Option<&'a Value> {
        self.constraints.iter().filter(|c| c.param == id).find_map(|c| {
            let on = answers.get(&c.on).or_else(|| self.parameter(&c.on).and_then(|p| p.default.as_ref()))?;
            c.defaults.get(&Constraint::key(on))
        })
    }

    /// Whether every `when` entry holds for these answers (defaults applied).
    pub fn matches(
        &self,
        when: &BTreeMap<String, Value>,
        answers: &BTreeMap<String, Value>,
    ) -> bool {
        when.iter()
            .all(|(k, v)| condition_holds(v, self.effective(k, answers)))
    }
}

/// A size word and what it means for EC2 instance types and RDS instance classes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SizeHint {
    /// Stable id, e.g. `memory_optimized`.
    pub id: String,
    /// Words and phrases that express it ("memory-optimized", "lots of ram").
    pub phrases: Vec<String>,
    /// Instance families that fit, best first (e.g. `r7g`, `r6i`).
    pub families: Vec<String>,
    /// Suggested EC2 instance type.
    pub instance_type: String,
    /// Suggested RDS instance class.
    pub db_instance_class: String,
    /// Suggested ElastiCache node type, when the hint is about size.
    #[serde(default)]
    pub cache_node_type: Option<String>,
    /// Other parameter values the hint implies (e.g. "free tier" → `multi_az = false`).
    #[serde(default)]
    pub implies: BTreeMap<String, Value>,
    pub why: String,
}
