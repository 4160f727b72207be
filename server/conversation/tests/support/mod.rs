//! Test support: builds resource plans by hand from the knowledge base, so the
//! conversation is tested on plans whose keys the tests choose, independent of
//! how the intent engine names things.

use std::collections::BTreeMap;
use tc_intent::{Inclusion, Origin, Plan, PlannedResource};
use tc_knowledge::{knowledge, DependencyKind, Value};

/// Builds a plan for `requested` (component id, key) pairs the way the resolver
/// does: required dependencies added and shared by component, recommended ones
/// asked with default yes, optional ones asked with default no, dependency
/// parameters and minimums applied, dependencies ordered first.
pub fn plan(region: Option<&str>, requested: &[(&str, &str)]) -> Plan {
    let kb = knowledge();
    let mut rs: Vec<PlannedResource> = Vec::new();
    let mut queue = Vec::new();
    for (component, key) in requested {
        assert!(kb.component(component).is_some(), "unknown component {component}");
        rs.push(resource(key, component, Origin::Requested, Inclusion::Yes, BTreeMap::new()));
        queue.push(rs.len() - 1);
    }
    while let Some(i) = queue.pop() {
        let comp = kb.component(&rs[i].component).unwrap().clone();
        let expand_optional = rs[i].inclusion == Inclusion::Yes;
        for d in &comp.dependencies {
            if !d.when.is_empty() && !comp.matches(&d.when, &rs[i].params) {
                continue;
            }
            if d.kind != DependencyKind::Required && !expand_optional {
                continue;
            }
            let role = d.role.clone().unwrap_or_else(|| d.component.clone());
            let inclusion = match d.kind {
                DependencyKind::Required => Inclusion::Yes,
                DependencyKind::Recommended => Inclusion::AskDefaultYes,
                DependencyKind::Optional => Inclusion::AskDefaultNo,
            };
            let by = rs[i].key.clone();
            let origin = match d.kind {
                DependencyKind::Required => Origin::Required { by: by.clone() },
                DependencyKind::Recommended => Origin::Recommended { by: by.clone() },
                DependencyKind::Optional => Origin::Optional { by: by.clone() },
            };
            let reuse = if d.shared {
                rs.iter().position(|r| r.component == d.component && d.params.iter().all(|(k, v)| r.params.get(k) == Some(v)))
            } else {
                None
            };
            let target = match reuse {
                Some(t) => t,
                None => {
                    let key = if d.shared && !rs.iter().any(|r| r.key == d.component) {
                        d.component.clone()
                    } else {
                        format!("{by}_{role}")
                    };
                    rs.push(resource(&key, &d.component, origin, inclusion, d.params.clone()));
                    queue.push(rs.len() - 1);
                    rs.len() - 1
                }
            };
            for (param, min) in &d.at_least {
                let cur = rs[target].params.get(param).and_then(Value::as_i64);
                let default = kb.component(&d.component).unwrap().parameter(param).and_then(|p| p.default.as_ref()).and_then(Value::as_i64);
                if cur.or(default).is_none_or(|v| v < *min) {
                    rs[target].params.insert(param.clone(), Value::from(*min));
                }
            }
            let key = rs[target].key.clone();
            rs[i].refs.insert(role, key);
        }
    }
    // Dependencies first (depth-first post-order over refs).
    let mut order = Vec::new();
    let mut seen = vec![false; rs.len()];
    fn visit(i: usize, rs: &[PlannedResource], seen: &mut Vec<bool>, order: &mut Vec<usize>) {
        if seen[i] {
            return;
        }
        seen[i] = true;
        for k in rs[i].refs.values() {
            if let Some(j) = rs.iter().position(|r| &r.key == k) {
                visit(j, rs, seen, order);
            }
        }
        order.push(i);
    }
    for i in 0..rs.len() {
        visit(i, &rs, &mut seen, &mut order);
    }
    Plan {
        region: region.unwrap_or("us-east-1").to_string(),
        region_stated: region.is_some(),
        resources: order.into_iter().map(|i| rs[i].clone()).collect(),
        unknown_words: vec![],
    }
}

fn resource(key: &str, component: &str, origin: Origin, inclusion: Inclusion, params: BTreeMap<String, Value>) -> PlannedResource {
    PlannedResource {
        key: key.to_string(),
        component: component.to_string(),
        name: key.replace('-', "_"),
        count: 1,
        origin,
        inclusion,
        params,
        refs: BTreeMap::new(),
        existing: None,
    }
}
