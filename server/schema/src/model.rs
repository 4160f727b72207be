//! The schema model: blocks, attributes, nested blocks and Terraform value types,
//! shaped like `terraform providers schema -json` but trimmed to what validation,
//! completion and hover need.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A Terraform value type (the cty type system), as far as literals can be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `any` / dynamic: every value is accepted.
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    /// Parses Terraform's JSON type notation (`"string"`, `["list","string"]`,
    /// `["object",{"a":"number"}]`). Unknown notations become `Any`, so a newer
    /// Terraform type never causes a false diagnostic.
    pub fn from_json(v: &Value) -> Type {
        match v {
            Value::String(s) => match s.as_str() {
                "string" => Type::String,
                "number" => Type::Number,
                "bool" => Type::Bool,
                _ => Type::Any,
            },
            Value::Array(parts) => {
                let kind = parts.first().and_then(Value::as_str).unwrap_or("");
                let arg = parts.get(1);
                match (kind, arg) {
                    ("list", Some(e)) => Type::List(Box::new(Type::from_json(e))),
                    ("set", Some(e)) => Type::Set(Box::new(Type::from_json(e))),
                    ("map", Some(e)) => Type::Map(Box::new(Type::from_json(e))),
                    ("object", Some(Value::Object(fields))) => Type::Object(
                        fields
                            .iter()
                            .map(|(k, t)| (k.clone(), Type::from_json(t)))
                            .collect(),
                    ),
                    ("tuple", Some(Value::Array(items))) => {
                        Type::Tuple(items.iter().map(Type::from_json).collect())
                    }
                    _ => Type::Any,
                }
            }
            _ => Type::Any,
        }
    }

    /// The inverse of [`Type::from_json`].
    pub fn to_json(&self) -> Value {
        match self {
            Type::Any => Value::from("dynamic"),
            Type::String => Value::from("string"),
            Type::Number => Value::from("number"),
            Type::Bool => Value::from("bool"),
            Type::List(e) => Value::Array(vec!["list".into(), e.to_json()]),
            Type::Set(e) => Value::Array(vec!["set".into(), e.to_json()]),
            Type::Map(e) => Value::Array(vec!["map".into(), e.to_json()]),
            Type::Object(f) => Value::Array(vec![
                "object".into(),
                Value::Object(f.iter().map(|(k, t)| (k.clone(), t.to_json())).collect()),
            ]),
            Type::Tuple(items) => Value::Array(vec![
                "tuple".into(),
                Value::Array(items.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    /// True for a list or set whose elements are objects: Terraform also accepts
    /// such attributes written as repeated blocks ("attributes as blocks").
    pub fn is_collection_of_objects(&self) -> bool {
        matches!(self, Type::List(e) | Type::Set(e) if matches!(**e, Type::Object(_)))
    }
}

impl fmt::Display for Type {
    /// Terraform's own spelling: `list(string)`, `map(number)`, `object({...})`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::List(e) => write!(f, "list({e})"),
            Type::Set(e) => write!(f, "set({e})"),
            Type::Map(e) => write!(f, "map({e})"),
            Type::Object(fields) => {
                f.write_str("object({")?;
                for (i, (k, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {t}")?;
                }
                f.write_str("})")
            }
            Type::Tuple(items) => {
                f.write_str("tuple([")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}

impl Serialize for Type {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Type {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Type, D::Error> {
        Ok(Type::from_json(&Value::deserialize(d)?))
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One argument or exported attribute of a block.
///
/// Short serde names keep the embedded data small; the long names are the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeSchema {
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "t")]
    pub ty: Type,
    #[serde(rename = "r", default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(rename = "o", default, skip_serializing_if = "is_false")]
    pub optional: bool,
    #[serde(rename = "c", default, skip_serializing_if = "is_false")]
    pub computed: bool,
    #[serde(rename = "x", default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    #[serde(rename = "s", default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl AttributeSchema {
    /// Exported by the provider but never settable in configuration.
    pub fn is_computed_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }

    /// "required", "optional", "optional, computed" or "computed (read-only)".
    pub fn mode(&self) -> &'static str {
        match (self.required, self.optional, self.computed) {
            (true, _, _) => "required",
            (false, true, true) => "optional, computed",
            (false, true, false) => "optional",
            _ => "computed (read-only)",
        }
    }
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Nesting {
    Single,
    Group,
    List,
    Set,
    Map,
}

/// A nested block type inside a block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NestedBlockSchema {
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "m")]
    pub nesting: Nesting,
    /// Fewest blocks Terraform accepts (0 = optional).
    #[serde(rename = "lo", default, skip_serializing_if = "is_zero")]
    pub min_items: u32,
    /// Most blocks Terraform accepts (0 = unlimited).
    #[serde(rename = "hi", default, skip_serializing_if = "is_zero")]
    pub max_items: u32,
    #[serde(rename = "b")]
    pub block: BlockSchema,
}

impl NestedBlockSchema {
    /// The effective maximum: `single` blocks allow one even when max_items is unset.
    pub fn max(&self) -> Option<u32> {
        match (self.nesting, self.max_items) {
            (Nesting::Single | Nesting::Group, _) => Some(1),
            (_, 0) => None,
            (_, n) => Some(n),
        }
    }
}

/// The body of a resource, data source, provider or nested block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockSchema {
    /// Sorted by name.
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeSchema>,
    /// Sorted by name.
    #[serde(rename = "b", default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<NestedBlockSchema>,
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "x", default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// The contents are not known (a recursive type the source could not unroll):
    /// accept anything inside rather than flag what may be valid.
    #[serde(rename = "u", default, skip_serializing_if = "is_false")]
    pub unchecked: bool,
}

impl BlockSchema {
    pub fn attribute(&self, name: &str) -> Option<&AttributeSchema> {
        self.attributes
            .binary_search_by(|a| a.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.attributes[i])
    }

    pub fn block(&self, name: &str) -> Option<&NestedBlockSchema> {
        self.blocks
            .binary_search_by(|b| b.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.blocks[i])
    }

    /// Restores the sorted order the lookups rely on (recursively).
    pub fn normalize(&mut self) {
        self.attributes.sort_by(|a, b| a.name.cmp(&b.name));
        self.attributes.dedup_by(|a, b| a.name == b.name);
        self.blocks.sort_by(|a, b| a.name.cmp(&b.name));
        self.blocks.dedup_by(|a, b| a.name == b.name);
        for b in &mut self.blocks {
            b.block.normalize();
        }
    }

    /// Names a user may write in this block (settable attributes and block types).
    pub fn settable_names(&self) -> impl Iterator<Item = &str> {
        self.attributes
            .iter()
            .filter(|a| !a.is_computed_only())
            .map(|a| a.name.as_str())
            .chain(self.blocks.iter().map(|b| b.name.as_str()))
    }
}
