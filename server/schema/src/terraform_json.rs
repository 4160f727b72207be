//! Reads `terraform providers schema -json` output (format 1.x) into the schema model.

use crate::model::{AttributeSchema, BlockSchema, Nesting, NestedBlockSchema, Type};
use crate::store::{Schema, SchemaError, SchemaInfo};
use serde_json::Value;
use std::collections::BTreeMap;

/// Converts parsed `terraform providers schema -json` output. `version` is recorded
/// as the provider release, since Terraform's output does not carry it.
pub fn from_value(v: &Value, version: &str) -> Result<Schema, SchemaError> {
    let providers = v
        .get("provider_schemas")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            SchemaError::Invalid(
                "no `provider_schemas` object: expected `terraform providers schema -json` output".into(),
            )
        })?;
    let (address, p) = providers
        .iter()
        .find(|(k, _)| k.ends_with("hashicorp/aws") || k.as_str() == "aws")
        .ok_or(SchemaError::NoAwsProvider)?;
    let provider = p
        .get("provider")
        .and_then(|p| p.get("block"))
        .map(block)
        .unwrap_or_default();
    let entities = |key: &str| -> BTreeMap<String, BlockSchema> {
        p.get(key)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, s)| Some((k.clone(), block(s.get("block")?))))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Schema::from_parts(
        SchemaInfo {
            provider: address.clone(),
            version: version.to_string(),
            origin: "terraform providers schema -json".into(),
        },
        provider,
        entities("resource_schemas"),
        entities("data_source_schemas"),
    ))
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn block(v: &Value) -> BlockSchema {
    let mut b = BlockSchema {
        description: text(v, "description"),
        deprecated: flag(v, "deprecated"),
        ..Default::default()
    };
    if let Some(attrs) = v.get("attributes").and_then(Value::as_object) {
        for (name, a) in attrs {
            let ty = match (a.get("type"), a.get("nested_type")) {
                (Some(t), _) => Type::from_json(t),
                (None, Some(n)) => nested_type(n),
                (None, None) => Type::Any,
            };
            b.attributes.push(AttributeSchema {
                name: name.clone(),
                ty,
                required: flag(a, "required"),
                optional: flag(a, "optional"),
                computed: flag(a, "computed"),
                deprecated: flag(a, "deprecated"),
                sensitive: flag(a, "sensitive"),
                description: text(a, "description"),
            });
        }
    }
    if let Some(blocks) = v.get("block_types").and_then(Value::as_object) {
        for (name, nb) in blocks {
            let nesting = match nb.get("nesting_mode").and_then(Value::as_str) {
                Some("single") => Nesting::Single,
                Some("group") => Nesting::Group,
                Some("set") => Nesting::Set,
                Some("map") => Nesting::Map,
                _ => Nesting::List,
            };
            let num = |k: &str| nb.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
            b.blocks.push(NestedBlockSchema {
                name: name.clone(),
                nesting,
                min_items: num("min_items"),
                max_items: num("max_items"),
                block: nb.get("block").map(block).unwrap_or_default(),
            });
        }
    }
    b.normalize();
    b
}

/// A plugin-framework nested attribute type, reduced to the cty type it implies.
fn nested_type(n: &Value) -> Type {
    let fields = n
        .get("attributes")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, a)| {
                    let t = match (a.get("type"), a.get("nested_type")) {
                        (Some(t), _) => Type::from_json(t),
                        (None, Some(n)) => nested_type(n),
                        _ => Type::Any,
                    };
                    (k.clone(), t)
                })
                .collect()
        })
        .unwrap_or_default();
    let obj = Type::Object(fields);
    match n.get("nesting_mode").and_then(Value::as_str) {
        Some("list") => Type::List(Box::new(obj)),
        Some("set") => Type::Set(Box::new(obj)),
        Some("map") => Type::Map(Box::new(obj)),
        _ => obj,
    }
}
