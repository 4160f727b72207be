//! Reads the jsii assembly (`.jsii`) of PyPI's `cdktn-provider-aws` into the schema
//! model.
//!
//! What the assembly tells, and how:
//! - each resource / data source / provider is a class whose base is
//!   `cdktn.TerraformResource` / `cdktn.TerraformDataSource` / `cdktn.TerraformProvider`;
//!   its Terraform type name is the label of the registry link in the class docs;
//! - the settable arguments are the properties of its `…Config` interface: the
//!   Terraform name is the `#anchor` of the registry link in each property's docs,
//!   `optional` marks optional arguments (absent = required), and a docs summary of
//!   exactly `"<name> block."` marks a nested block;
//! - a nested block typed as a single struct allows one block (max_items 1), a
//!   struct array any number; a required block needs at least one;
//! - computed-only attributes are getters of the class (or of the block's
//!   `…OutputReference` class) that have no config property; their Terraform
//!   name is the snake_case of the getter name.
//!
//! What it cannot tell: argument deprecation, optional+computed (shown as optional),
//! set vs list nesting, and min/max items other than 0/1. See docs/schema.md.

use crate::model::{AttributeSchema, BlockSchema, Nesting, NestedBlockSchema, Type};
use crate::store::{Schema, SchemaError, SchemaInfo};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// Converts a parsed jsii assembly. `origin` describes the package it came from.
pub fn from_assembly(asm: &Value, origin: &str) -> Result<Schema, SchemaError> {
    let types = asm
        .get("types")
        .and_then(Value::as_object)
        .ok_or_else(|| SchemaError::Invalid("no `types` in the jsii assembly".into()))?;
    let conv = Converter {
        types,
        stack: Default::default(),
    };
    let mut version = None;
    let mut provider = None;
    let mut resources = BTreeMap::new();
    let mut data_sources = BTreeMap::new();
    for (fqn, t) in types {
        let base = t.get("base").and_then(Value::as_str).unwrap_or("");
        let kind = match base {
            "cdktn.TerraformResource" => 'r',
            "cdktn.TerraformDataSource" => 'd',
            "cdktn.TerraformProvider" => 'p',
            _ => continue,
        };
        let summary = t
            .pointer("/docs/summary")
            .and_then(Value::as_str)
            .unwrap_or("");
        if version.is_none() {
            version = provider_version(summary);
        }
        // Usually `<Class>Config`, but cdktn renames it on clashes (`…ConfigA`).
        let config_fqn = t
            .pointer("/initializer/parameters")
            .and_then(Value::as_array)
            .and_then(|ps| ps.iter().find(|p| p.get("name").and_then(Value::as_str) == Some("config")))
            .and_then(|p| p.pointer("/type/fqn"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{fqn}Config"));
        let mut block = conv.struct_block(&config_fqn, Some(fqn));
        block.description = None;
        if kind == 'p' {
            provider = Some(block);
            continue;
        }
        let Some(name) = link_label(summary) else {
            return Err(SchemaError::Invalid(format!(
                "class {fqn} has no registry link naming its Terraform type"
            )));
        };
        if kind == 'r' {
            resources.insert(name, block);
        } else {
            data_sources.insert(name, block);
        }
    }
    if resources.is_empty() {
        return Err(SchemaError::Invalid(
            "the jsii assembly holds no Terraform resources: is this cdktn-provider-aws?".into(),
        ));
    }
    Ok(Schema::from_parts(
        SchemaInfo {
            provider: "registry.terraform.io/hashicorp/aws".into(),
            version: version.unwrap_or_else(|| "unknown".into()),
            origin: origin.into(),
        },
        provider.unwrap_or_default(),
        resources,
        data_sources,
    ))
}

/// `…/providers/hashicorp/aws/6.69.1/docs/…` → `6.69.1`.
fn provider_version(doc: &str) -> Option<String> {
    let rest = &doc[doc.find("/hashicorp/aws/")? + "/hashicorp/aws/".len()..];
    let v = &rest[..rest.find('/')?];
    (!v.is_empty()).then(|| v.to_string())
}

/// `Represents a {@link URL aws_instance}.` → `aws_instance`.
fn link_label(doc: &str) -> Option<String> {
    let link = &doc[doc.find("{@link ")? + 7..];
    let link = &link[..link.find('}')?];
    let label = link.split_whitespace().nth(1)?;
    Some(label.to_string())
}

/// `{@link https://…/instance#ami Instance#ami}` → `ami`.
fn link_anchor(doc: &str) -> Option<String> {
    let link = &doc[doc.find("{@link ")? + 7..];
    let url = link.split_whitespace().next()?;
    let anchor = &url[url.find('#')? + 1..];
    (!anchor.is_empty()).then(|| anchor.to_string())
}

/// `ipv6CidrBlock` → `ipv6_cidr_block`.
fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Real descriptions only: the generated "Docs at Terraform Registry" line says nothing.
fn description(docs: &Value) -> Option<String> {
    let summary = docs.get("summary").and_then(Value::as_str)?;
    if summary.starts_with("Docs at Terraform Registry") || summary.ends_with(" block.") {
        return None;
    }
    let mut text = summary.to_string();
    if let Some(remarks) = docs.get("remarks").and_then(Value::as_str) {
        let remarks = match remarks.find("Docs at Terraform Registry") {
            Some(i) => remarks[..i].trim(),
            None => remarks.trim(),
        };
        if !remarks.is_empty() {
            text.push(' ');
            text.push_str(remarks);
        }
    }
    // Long prose is kept short: hover shows the gist and links to the registry.
    const LIMIT: usize = 400;
    if text.len() > LIMIT {
        let mut cut = LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    Some(text)
}

struct Converter<'a> {
    types: &'a Map<String, Value>,
    /// Struct types being expanded right now. cdktn collapses some deeply nested
    /// schemas (WAFv2 rule statements) into self-referencing types; a type met again
    /// inside itself becomes an unchecked block or an `any` value instead of looping.
    stack: std::cell::RefCell<Vec<String>>,
}

impl Converter<'_> {
    fn enter(&self, fqn: &str) -> bool {
        let mut s = self.stack.borrow_mut();
        if s.iter().any(|f| f == fqn) {
            return false;
        }
        s.push(fqn.to_string());
        true
    }
    fn leave(&self) {
        self.stack.borrow_mut().pop();
    }
}

/// The meaningful part of a jsii type reference (unions with `IResolvable` dropped).
enum Shape<'a> {
    Primitive(&'a str),
    Struct(&'a str),
    Array(&'a Value),
    Map(&'a Value),
    Other,
}

fn shape(t: &Value) -> Shape<'_> {
    if let Some(p) = t.get("primitive").and_then(Value::as_str) {
        return Shape::Primitive(p);
    }
    if let Some(f) = t.get("fqn").and_then(Value::as_str) {
        return Shape::Struct(f);
    }
    if let Some(c) = t.get("collection") {
        let elem = &c["elementtype"];
        return match c.get("kind").and_then(Value::as_str) {
            Some("array") => Shape::Array(elem),
            Some("map") => Shape::Map(elem),
            _ => Shape::Other,
        };
    }
    if let Some(members) = t.pointer("/union/types").and_then(Value::as_array) {
        let real: Vec<&Value> = members
            .iter()
            .filter(|m| m.get("fqn").and_then(Value::as_str) != Some("cdktn.IResolvable"))
            .collect();
        if real.len() == 1 {
            return shape(real[0]);
        }
    }
    Shape::Other
}

impl Converter<'_> {
    fn props(&self, fqn: &str) -> &[Value] {
        self.types
            .get(fqn)
            .and_then(|t| t.get("properties"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn is_datatype(&self, fqn: &str) -> bool {
        self.types
            .get(fqn)
            .and_then(|t| t.get("datatype"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// The cty type of a settable argument.
    fn value_type(&self, t: &Value) -> Type {
        match shape(t) {
            Shape::Primitive("string") => Type::String,
            Shape::Primitive("number") => Type::Number,
            Shape::Primitive("boolean") => Type::Bool,
            Shape::Primitive(_) => Type::Any,
            Shape::Array(e) => Type::List(Box::new(self.value_type(e))),
            Shape::Map(e) => Type::Map(Box::new(self.value_type(e))),
            Shape::Struct(f) if self.is_datatype(f) && !self.enter(f) => Type::Any,
            Shape::Struct(f) if self.is_datatype(f) => {
                let t = Type::Object(
                self.props(f)
                    .iter()
                    .filter_map(|p| {
                        let camel = p.get("name")?.as_str()?;
                        let name = p
                            .get("docs")
                            .and_then(|d| {
                                d.get("summary")
                                    .and_then(Value::as_str)
                                    .and_then(link_anchor)
                                    .or_else(|| d.get("remarks").and_then(Value::as_str).and_then(link_anchor))
                            })
                            .unwrap_or_else(|| snake_case(camel));
                        Some((name, self.value_type(&p["type"])))
                    })
                    .collect(),
                );
                self.leave();
                t
            }
            // cdktn's typed maps for computed values.
            Shape::Struct("cdktn.StringMap") => Type::Map(Box::new(Type::String)),
            Shape::Struct("cdktn.NumberMap") => Type::Map(Box::new(Type::Number)),
            Shape::Struct("cdktn.BooleanMap") => Type::Map(Box::new(Type::Bool)),
            Shape::Struct("cdktn.StringMapList") => {
                Type::List(Box::new(Type::Map(Box::new(Type::String))))
            }
            _ => Type::Any,
        }
    }

    /// Builds the block for a config/struct interface; `output_class` (the resource
    /// class or the block's `…OutputReference`) supplies computed-only attributes.
    fn struct_block(&self, struct_fqn: &str, output_class: Option<&str>) -> BlockSchema {
        let mut block = BlockSchema::default();
        if !self.enter(struct_fqn) {
            block.unchecked = true;
            return block;
        }
        let mut camel_names = HashSet::new();
        for p in self.props(struct_fqn) {
            let Some(camel) = p.get("name").and_then(Value::as_str) else {
                continue;
            };
            camel_names.insert(camel.to_string());
            let docs = p.get("docs").cloned().unwrap_or(Value::Null);
            let anchor = ["summary", "remarks"]
                .iter()
                .find_map(|k| docs.get(*k).and_then(Value::as_str).and_then(link_anchor));
            let name = anchor.unwrap_or_else(|| snake_case(camel));
            let optional = p.get("optional").and_then(Value::as_bool).unwrap_or(false);
            let summary = docs.get("summary").and_then(Value::as_str).unwrap_or("");
            let is_block = summary == format!("{name} block.");
            if is_block {
                let (elem, single) = match shape(&p["type"]) {
                    Shape::Struct(f) => (f.to_string(), true),
                    Shape::Array(e) => match shape(e) {
                        Shape::Struct(f) => (f.to_string(), false),
                        _ => (String::new(), false),
                    },
                    _ => (String::new(), false),
                };
                if elem.is_empty() {
                    // cdktn types some very deep blocks (QuickSight `definition`) as
                    // `any`: the block exists, its contents are unknown.
                    block.blocks.push(NestedBlockSchema {
                        name,
                        nesting: Nesting::List,
                        min_items: u32::from(!optional),
                        max_items: 0,
                        block: BlockSchema {
                            unchecked: true,
                            ..Default::default()
                        },
                    });
                    continue;
                }
                let out = format!("{elem}OutputReference");
                let inner = self.struct_block(&elem, Some(&out));
                block.blocks.push(NestedBlockSchema {
                    name,
                    nesting: Nesting::List,
                    min_items: u32::from(!optional),
                    max_items: u32::from(single),
                    block: inner,
                });
            } else {
                block.attributes.push(AttributeSchema {
                    name,
                    ty: self.value_type(&p["type"]),
                    required: !optional,
                    optional,
                    computed: false,
                    deprecated: false,
                    sensitive: false,
                    description: description(&docs),
                });
            }
        }
        if let Some(class) = output_class {
            for p in self.props(class) {
                if p.get("static").and_then(Value::as_bool).unwrap_or(false) {
                    continue;
                }
                let Some(camel) = p.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let is_input_getter = camel
                    .strip_suffix("Input")
                    .is_some_and(|base| camel_names.contains(base));
                // `internalValue` is cdktn plumbing on every OutputReference, and
                // deprecated getters are cdktn's own compatibility shims.
                let cdktn_own = camel == "internalValue"
                    || p.pointer("/docs/stability").and_then(Value::as_str) == Some("deprecated");
                if is_input_getter || cdktn_own || camel_names.contains(camel) {
                    continue;
                }
                block.attributes.push(AttributeSchema {
                    name: snake_case(camel),
                    ty: self.value_type(&p["type"]),
                    required: false,
                    optional: false,
                    computed: true,
                    deprecated: false,
                    sensitive: false,
                    description: None,
                });
            }
        }
        self.leave();
        block.normalize();
        block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_from_registry_links() {
        let doc = "Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/aws/6.69.1/docs/resources/instance#get_password_data Instance#get_password_data}.";
        assert_eq!(link_anchor(doc).as_deref(), Some("get_password_data"));
        assert_eq!(provider_version(doc).as_deref(), Some("6.69.1"));
        let class = "Represents a {@link https://registry.terraform.io/providers/hashicorp/aws/6.69.1/docs/resources/instance aws_instance}.";
        assert_eq!(link_label(class).as_deref(), Some("aws_instance"));
        assert_eq!(snake_case("ipv6CidrBlock"), "ipv6_cidr_block");
    }
}
