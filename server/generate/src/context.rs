//! Preparation of a Stack for rendering: components looked up, labels sanitized and
//! made unique, missing values filled from knowledge defaults and type-checked,
//! dependency references resolved to Terraform expressions, and one variable name
//! per parameter.

use crate::escape::identifier;
use crate::GenerateError;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use tc_knowledge::{Component, KnowledgeBase, ParamType, SecurityDecision, Stack, StackResource, Value};

/// A Stack resource ready to render.
pub struct Prepared<'a> {
    pub resources: Vec<PreparedResource<'a>>,
    pub region: String,
}

pub struct PreparedResource<'a> {
    pub key: String,
    pub component: &'a Component,
    /// Sanitized, unique Terraform label.
    pub label: String,
    pub count: u32,
    /// Every parameter's value: the Stack's, else the knowledge default.
    pub values: BTreeMap<String, Value>,
    pub refs: BTreeMap<String, RefCtx>,
    /// Parameter id → variable name (`web_instance_type`).
    pub vars: BTreeMap<String, String>,
    pub decisions: BTreeMap<String, SecurityDecision>,
    /// Whether the resource is only referenced (it exists in the workspace).
    pub existing: bool,
    /// Position in the Stack.
    pub position: usize,
    /// Resources whose references point at this one.
    pub dependents: Vec<DependentCtx>,
}

/// What a template knows about a resource that depends on it (an Elastic IP is
/// attached to the instance that asked for it).
#[derive(Debug, Clone, Serialize)]
pub struct DependentCtx {
    pub key: String,
    pub component: String,
    /// The role under which it refers to this resource.
    pub role: String,
    pub address: String,
    pub id: String,
    pub values: BTreeMap<String, Value>,
}

/// What a template knows about a resource it depends on.
#[derive(Debug, Clone, Serialize)]
pub struct RefCtx {
    pub key: String,
    pub component: String,
    pub label: String,
    /// Address of its main resource, e.g. `aws_vpc.main`.
    pub address: String,
    /// Expression for one id (`aws_subnet.app[0].id` when counted).
    pub id: String,
    /// Expression for the list of all its ids (`aws_subnet.app[*].id`).
    pub ids: String,
    /// Expression for one ARN.
    pub arn: String,
    pub count: u32,
    pub existing: bool,
    pub values: BTreeMap<String, Value>,
}

pub fn prepare<'a>(kb: &'a KnowledgeBase, stack: &Stack) -> Result<Prepared<'a>, GenerateError> {
    // First pass: components, labels and main addresses, so references can resolve
    // in any order.
    let mut taken: HashSet<String> = HashSet::new();
    let mut resources = Vec::with_capacity(stack.resources.len());
    let mut var_names: HashSet<String> = HashSet::new();
    for res in &stack.resources {
        let component = kb.components.get(&res.component).ok_or_else(|| GenerateError::UnknownComponent {
            resource: res.key.clone(),
            component: res.component.clone(),
        })?;
        let main_type = component.resource_types.first().cloned().unwrap_or_default();
        let mut label = identifier(&res.name);
        if !taken.insert(format!("{main_type}.{label}")) {
            // Two resources of one kind with one name: the unique key disambiguates.
            label = identifier(&res.key);
            if !taken.insert(format!("{main_type}.{label}")) {
                return Err(GenerateError::DuplicateAddress { address: format!("resource.{main_type}.{label}") });
            }
        }
        if let Some(addr) = &res.existing {
            if !valid_existing(addr) {
                return Err(GenerateError::InvalidExisting { resource: res.key.clone(), address: addr.clone() });
            }
        }
        let values = values_with_defaults(component, res)?;
        let key_ident = identifier(&res.key);
        let mut vars = BTreeMap::new();
        for p in &component.parameters {
            let mut name = format!("{key_ident}_{}", identifier(&p.id));
            while !var_names.insert(name.clone()) {
                name.push('_');
            }
            vars.insert(p.id.clone(), name);
        }
        let decisions = stack
            .decisions
            .iter()
            .filter(|d| d.resource == res.key)
            .map(|d| (d.parameter.clone(), d.clone()))
            .collect();
        resources.push(PreparedResource {
            key: res.key.clone(),
            component,
            label,
            count: res.count.max(1),
            values,
            refs: BTreeMap::new(),
            vars,
            decisions,
            existing: res.existing.is_some(),
            position: resources.len(),
            dependents: Vec::new(),
        });
    }

    // Second pass: references.
    let ref_ctxs: BTreeMap<String, RefCtx> = stack
        .resources
        .iter()
        .zip(&resources)
        .map(|(res, p)| (res.key.clone(), ref_ctx(res, p)))
        .collect();
    for (res, prepared) in stack.resources.iter().zip(resources.iter_mut()) {
        for (role, target) in &res.refs {
            let ctx = ref_ctxs.get(target).ok_or_else(|| GenerateError::MissingReference {
                resource: res.key.clone(),
                role: role.clone(),
                target: target.clone(),
            })?;
            prepared.refs.insert(role.clone(), ctx.clone());
        }
    }
    for res in &stack.resources {
        let me = &ref_ctxs[&res.key];
        for (role, target) in &res.refs {
            if let Some(t) = resources.iter_mut().find(|p| &p.key == target) {
                t.dependents.push(DependentCtx {
                    key: res.key.clone(),
                    component: me.component.clone(),
                    role: role.clone(),
                    address: me.address.clone(),
                    id: me.id.clone(),
                    values: me.values.clone(),
                });
            }
        }
    }
    // Every required dependency whose condition holds must be filled: a missing one
    // is the Stack's mistake, reported before any template runs.
    for p in resources.iter().filter(|p| !p.existing) {
        for dep in &p.component.dependencies {
            let role = dep.role.clone().unwrap_or_else(|| dep.component.clone());
            if dep.kind == tc_knowledge::DependencyKind::Required && p.component.matches(&dep.when, &p.values) && !p.refs.contains_key(&role) {
                return Err(GenerateError::MissingDependency {
                    resource: p.key.clone(),
                    message: format!(
                        "a {} needs a {} as its `{role}`, but the stack gives none; add one, or point `refs.{role}` at an existing resource",
                        p.component.name, dep.component
                    ),
                });
            }
        }
    }
    Ok(Prepared { resources, region: stack.region.clone() })
}

fn ref_ctx(res: &StackResource, p: &PreparedResource) -> RefCtx {
    // Several existing resources of one kind stand in for one counted component (the
    // user's subnets in two zones for a database's subnet group): one id is the
    // first's, the list is all of them.
    let several: Vec<&str> = res.existing.as_deref().map(existing_addresses).unwrap_or_default();
    let (address, count) = match &res.existing {
        Some(_) if several.len() > 1 => (several[0].to_string(), several.len() as u32),
        Some(addr) => (addr.clone(), 1),
        None => (
            format!("{}.{}", p.component.resource_types.first().map(String::as_str).unwrap_or("unknown"), p.label),
            p.count,
        ),
    };
    // A template marked `{# tc:counted #}` always uses `count`, even for one copy.
    let counted = count > 1 || (res.existing.is_none() && crate::render::always_counted(&p.component.template));
    let (id, ids, arn) = if several.len() > 1 {
        let ids: Vec<String> = several.iter().map(|a| format!("{a}.id")).collect();
        (format!("{address}.id"), format!("[{}]", ids.join(", ")), format!("{address}.arn"))
    } else if counted {
        (format!("{address}[0].id"), format!("{address}[*].id"), format!("{address}[0].arn"))
    } else {
        (format!("{address}.id"), format!("[{address}.id]"), format!("{address}.arn"))
    };
    RefCtx {
        key: res.key.clone(),
        component: p.component.id.clone(),
        label: p.label.clone(),
        address,
        id,
        ids,
        arn,
        count,
        existing: res.existing.is_some(),
        values: p.values.clone(),
    }
}

/// The addresses of an `existing` value: one address, or several separated by commas.
fn existing_addresses(existing: &str) -> Vec<&str> {
    existing.split(',').map(str::trim).collect()
}

/// `type.name` (optionally `data.type.name`) where both parts are Terraform
/// identifiers: a letter or `_`, then letters, digits, `_` and `-`; or several such
/// addresses of one type separated by commas (`aws_subnet.a, aws_subnet.b`).
fn valid_existing(existing: &str) -> bool {
    let ident = |p: &str| {
        p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let one = |addr: &str| {
        let parts: Vec<&str> = addr.strip_prefix("data.").unwrap_or(addr).split('.').collect();
        parts.len() == 2 && parts.iter().all(|p| ident(p))
    };
    let addresses = existing_addresses(existing);
    let kind = |a: &str| a.rsplit_once('.').map(|(t, _)| t.to_string());
    addresses.iter().all(|a| one(a)) && addresses.iter().all(|a| kind(a) == kind(addresses[0]))
}

/// The resource's values with knowledge defaults for anything unset, each checked
/// against its parameter's type so that templates can rely on the shape.
fn values_with_defaults(component: &Component, res: &StackResource) -> Result<BTreeMap<String, Value>, GenerateError> {
    let mut out = BTreeMap::new();
    for p in &component.parameters {
        let v = res.values.get(&p.id).cloned().or_else(|| p.default.clone()).unwrap_or(Value::Null);
        let ok = match (p.kind, &v) {
            (_, Value::Null) => !p.required,
            (ParamType::Integer | ParamType::Port, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (ParamType::Bool, Value::Bool(_)) => true,
            (ParamType::CidrList | ParamType::StringList, Value::Array(items)) => items.iter().all(Value::is_string),
            (ParamType::PortList, Value::Array(items)) => items.iter().all(|i| i.as_u64().is_some_and(|n| n <= 65535)),
            (
                ParamType::String
                | ParamType::Enum
                | ParamType::Cidr
                | ParamType::Region
                | ParamType::InstanceType
                | ParamType::DbInstanceClass,
                Value::String(_),
            ) => true,
            (ParamType::Enum, Value::Number(_) | Value::Bool(_)) => true,
            _ => false,
        };
        if !ok {
            return Err(GenerateError::InvalidValue {
                resource: res.key.clone(),
                parameter: p.id.clone(),
                message: format!("expected a value of type {:?}, got {v}", p.kind),
            });
        }
        out.insert(p.id.clone(), v);
    }
    // Values for parameters the component does not declare are kept: a template may
    // read them, and the variables pass ignores them.
    for (k, v) in &res.values {
        out.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Ok(out)
}
