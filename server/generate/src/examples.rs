//! Example Stacks built straight from the knowledge base: one component kind with
//! its required and recommended dependencies wired, every value at its default.
//!
//! Used by the snapshot and end-to-end tests (one configuration per component kind),
//! the hostile-answer corpus and the benchmark. It deliberately does not use the
//! intent resolver: the generator's tests must not depend on how requests are
//! understood, only on the knowledge base.

use std::collections::BTreeMap;
use tc_knowledge::{DependencyKind, KnowledgeBase, Stack, StackResource, Value};

/// Builds Stacks by adding components and their dependencies.
pub struct StackBuilder<'a> {
    kb: &'a KnowledgeBase,
    stack: Stack,
    /// Include optional dependencies too (to exercise every template branch).
    with_optional: bool,
}

impl<'a> StackBuilder<'a> {
    pub fn new(kb: &'a KnowledgeBase, region: &str) -> Self {
        StackBuilder { kb, stack: Stack { region: region.into(), ..Stack::default() }, with_optional: false }
    }

    /// Also add every optional dependency of components added from now on.
    pub fn with_optional(mut self, yes: bool) -> Self {
        self.with_optional = yes;
        self
    }

    /// Adds `component` under `key` with `values` (defaults for the rest) and,
    /// first, the dependencies it needs. Returns the key used.
    pub fn add(&mut self, key: &str, component: &str, values: BTreeMap<String, Value>) -> String {
        self.add_inner(key, component, values, 0)
    }

    fn add_inner(&mut self, key: &str, component: &str, values: BTreeMap<String, Value>, depth: usize) -> String {
        let kb = self.kb;
        let comp = kb.components.get(component).unwrap_or_else(|| panic!("unknown component {component}"));
        let key = self.unique_key(key);
        let mut refs = BTreeMap::new();
        if depth < 6 {
            for dep in &comp.dependencies {
                let wanted = match dep.kind {
                    DependencyKind::Required | DependencyKind::Recommended => true,
                    DependencyKind::Optional => self.with_optional,
                };
                if !wanted || !comp.matches(&dep.when, &values) {
                    continue;
                }
                let role = dep.role.clone().unwrap_or_else(|| dep.component.clone());
                let reuse = if dep.shared {
                    self.stack.resources.iter().find(|r| {
                        r.component == dep.component
                            && dep.params.iter().all(|(k, v)| kb.components[&dep.component].effective(k, &r.values) == Some(v))
                    })
                } else {
                    None
                };
                let target = match reuse {
                    Some(r) => r.key.clone(),
                    None => {
                        let mut dep_values: BTreeMap<String, Value> = dep.params.clone();
                        for (k, min) in &dep.at_least {
                            dep_values.insert(k.clone(), Value::from(*min));
                        }
                        let dep_key = if dep.shared { role.clone() } else { format!("{key}_{role}") };
                        self.add_inner(&dep_key, &dep.component, dep_values, depth + 1)
                    }
                };
                // A shared resource reused with a numeric minimum is raised to it.
                if let Some(r) = self.stack.resources.iter_mut().find(|r| r.key == target) {
                    for (k, min) in &dep.at_least {
                        let cur = r.values.get(k).and_then(Value::as_i64).unwrap_or(0);
                        if cur < *min {
                            r.values.insert(k.clone(), Value::from(*min));
                        }
                    }
                }
                refs.insert(role, target);
            }
        }
        self.stack.resources.push(StackResource {
            key: key.clone(),
            component: component.into(),
            name: key.clone(),
            values,
            refs,
            count: 1,
            existing: None,
        });
        key
    }

    fn unique_key(&self, key: &str) -> String {
        let mut k = key.to_string();
        let mut n = 2;
        while self.stack.resources.iter().any(|r| r.key == k) {
            k = format!("{key}_{n}");
            n += 1;
        }
        k
    }

    /// How many resources the Stack has so far.
    pub fn len(&self) -> usize {
        self.stack.resources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stack.resources.is_empty()
    }

    pub fn build(self) -> Stack {
        self.stack
    }
}

/// A Stack with one `component` (key = the component id) and its required and
/// recommended dependencies, every value at its default.
pub fn example_stack(kb: &KnowledgeBase, component: &str) -> Stack {
    let mut b = StackBuilder::new(kb, "eu-central-1");
    b.add(component, component, BTreeMap::new());
    b.build()
}
