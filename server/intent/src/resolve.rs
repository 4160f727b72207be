//! The dependency resolver: [`Intent`] → [`Plan`]. Required dependencies are added,
//! shared ones reused (one VPC for the web server and the database), recommended
//! ones marked to ask with default yes and optional ones with default no; parameter
//! demands of dependencies are applied (a DB subnet group needs subnets in two
//! AZs); resources come out in an order where dependencies come first, and a cycle
//! is reported as an error. Pure and deterministic.

use crate::plan::{Inclusion, Origin, Plan, PlannedResource};
use crate::types::Intent;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use tc_knowledge::{condition_holds, knowledge, DependencyKind, KnowledgeBase, Value};

/// The region a plan uses when the request names none (it is then asked).
pub const DEFAULT_REGION: &str = "us-east-1";

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// The intent names a component the knowledge base does not have.
    UnknownComponent(String),
    /// The dependencies form a cycle; the keys are listed in cycle order.
    Cycle(Vec<String>),
    /// Expanding dependencies did not terminate within the resource limit.
    TooManyResources(usize),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::UnknownComponent(c) => write!(f, "the knowledge base has no component `{c}`"),
            PlanError::Cycle(keys) => write!(f, "these resources depend on each other in a cycle: {}", keys.join(" → ")),
            PlanError::TooManyResources(n) => write!(f, "resolving dependencies produced more than {n} resources; the knowledge base probably has a dependency loop"),
        }
    }
}

impl std::error::Error for PlanError {}

const MAX_RESOURCES: usize = 300;

/// Resolves an intent against the embedded knowledge base.
pub fn resolve(intent: &Intent) -> Result<Plan, PlanError> {
    resolve_with(knowledge(), intent)
}

fn rank(i: Inclusion) -> u8 {
    match i {
        Inclusion::Yes => 3,
        Inclusion::AskDefaultYes => 2,
        Inclusion::AskDefaultNo => 1,
        Inclusion::No => 0,
    }
}

fn weaker(a: Inclusion, b: Inclusion) -> Inclusion {
    if rank(a) <= rank(b) {
        a
    } else {
        b
    }
}

/// Makes a string a valid Terraform identifier and plan key: lowercase letters,
/// digits and underscores, starting with a letter.
pub fn identifier(s: &str) -> String {
    let mut out: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "main".into()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("r_{out}")
    } else {
        out
    }
}

struct Builder<'a> {
    kb: &'a KnowledgeBase,
    rs: Vec<PlannedResource>,
    /// (dependent index, role) pairs that claimed a requested resource for a
    /// non-shared dependency, so one requested security group is not given to two owners.
    claimed: BTreeSet<usize>,
    requested: usize,
}

impl Builder<'_> {
    fn unique_key(&self, base: &str) -> String {
        let base = identifier(base);
        if !self.rs.iter().any(|r| r.key == base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|k| !self.rs.iter().any(|r| &r.key == k))
            .unwrap()
    }

    fn unique_name(&self, base: &str) -> String {
        let base = identifier(base);
        if !self.rs.iter().any(|r| r.name == base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|k| !self.rs.iter().any(|r| &r.name == k))
            .unwrap()
    }

    fn effective<'b>(&'b self, i: usize, param: &str) -> Option<&'b Value> {
        let r = &self.rs[i];
        self.kb
            .component(&r.component)
            .and_then(|c| c.effective(param, &r.params))
    }

    /// Whether resource `i` can fill a dependency demanding `params`: each demanded
    /// value is already there, or unset by the user and so can be set.
    fn compatible(&self, i: usize, params: &BTreeMap<String, Value>, settable: bool) -> bool {
        params.iter().all(|(k, v)| {
            let explicit = self.rs[i].params.get(k);
            match explicit {
                Some(e) => condition_holds(v, Some(e)),
                None => settable || condition_holds(v, self.effective(i, k)),
            }
        })
    }
}

/// Resolves an intent against a given knowledge base.
pub fn resolve_with(kb: &KnowledgeBase, intent: &Intent) -> Result<Plan, PlanError> {
    let mut b = Builder {
        kb,
        rs: Vec::new(),
        claimed: BTreeSet::new(),
        requested: 0,
    };
    for rc in &intent.components {
        let comp = kb
            .component(&rc.component)
            .ok_or_else(|| PlanError::UnknownComponent(rc.component.clone()))?;
        let tier = rc.params.get("tier").and_then(Value::as_str);
        let key_base = match (&rc.role, tier) {
            (Some(role), _) => role.clone(),
            (None, Some(t)) => format!("{t}_{}", comp.id),
            (None, None) => comp.id.clone(),
        };
        let mut params = rc.params.clone();
        // "3 AZs" applies to every subnet whose count was not stated separately.
        if let (Some(az), Some(cp)) = (intent.az_count, comp.count_param.as_deref()) {
            if cp == "az_count" {
                params.entry(cp.to_string()).or_insert(Value::from(az));
            }
        }
        let key = b.unique_key(&key_base);
        let name = b.unique_name(rc.role.as_deref().or(tier).unwrap_or("main"));
        b.rs.push(PlannedResource {
            key,
            component: comp.id.clone(),
            name,
            count: rc.count.max(1),
            origin: Origin::Requested,
            inclusion: Inclusion::Yes,
            params,
            refs: BTreeMap::new(),
            existing: None,
        });
    }
    b.requested = b.rs.len();

    let mut i = 0;
    while i < b.rs.len() {
        if b.rs.len() > MAX_RESOURCES {
            return Err(PlanError::TooManyResources(MAX_RESOURCES));
        }
        expand(&mut b, intent, i)?;
        i += 1;
    }

    let order = topological(&b.rs)?;
    let resources = order.into_iter().map(|i| b.rs[i].clone()).collect();
    Ok(Plan {
        region: intent
            .region
            .clone()
            .unwrap_or_else(|| DEFAULT_REGION.to_string()),
        region_stated: intent.region.is_some(),
        resources,
        unknown_words: intent.unknown_words.clone(),
    })
}

/// Adds or links every dependency of resource `i` that applies to its answers.
fn expand(b: &mut Builder, intent: &Intent, i: usize) -> Result<(), PlanError> {
    let comp =
        b.kb.component(&b.rs[i].component)
            .ok_or_else(|| PlanError::UnknownComponent(b.rs[i].component.clone()))?
            .clone();
    let owner_inclusion = b.rs[i].inclusion;
    for d in &comp.dependencies {
        if !comp.matches(&d.when, &b.rs[i].params) {
            continue;
        }
        // Only resources that will exist pull in recommended and optional extras;
        // an offered extra brings only what it strictly needs.
        if d.kind != DependencyKind::Required && owner_inclusion != Inclusion::Yes {
            continue;
        }
        let role = d.role.clone().unwrap_or_else(|| d.component.clone());
        if b.rs[i].refs.contains_key(&role) {
            continue;
        }
        let kind_inclusion = match d.kind {
            DependencyKind::Required => Inclusion::Yes,
            DependencyKind::Recommended => Inclusion::AskDefaultYes,
            DependencyKind::Optional => Inclusion::AskDefaultNo,
        };
        let mut inclusion = weaker(kind_inclusion, owner_inclusion);
        let excluded = intent.excluded.contains(&d.component);
        if excluded && d.kind != DependencyKind::Required {
            inclusion = Inclusion::No;
        }
        let already: BTreeSet<usize> = b.rs[i]
            .refs
            .values()
            .filter_map(|k| b.rs.iter().position(|r| &r.key == k))
            .collect();
        // First choice: something the user asked for. A shared dependency takes any
        // matching one; a dedicated one takes one no other resource has claimed.
        let requested = (0..b.requested).find(|&j| {
            j != i
                && b.rs[j].component == d.component
                && !already.contains(&j)
                && (d.shared || !b.claimed.contains(&j))
                && b.compatible(j, &d.params, true)
        });
        // Then, for shared dependencies, anything already planned that matches.
        let reuse = requested.or_else(|| {
            if !d.shared {
                return None;
            }
            (b.requested..b.rs.len()).find(|&j| {
                j != i
                    && b.rs[j].component == d.component
                    && !already.contains(&j)
                    && b.compatible(j, &d.params, false)
            })
        });
        if reuse.is_none() && d.link_only {
            continue;
        }
        let target = match reuse {
            Some(j) => {
                if !d.shared {
                    b.claimed.insert(j);
                }
                if rank(inclusion) > rank(b.rs[j].inclusion)
                    && !(excluded && d.kind != DependencyKind::Required)
                {
                    b.rs[j].inclusion = inclusion;
                }
                for (k, v) in &d.params {
                    if !b.rs[j].params.contains_key(k) && v.as_str() != Some("*") {
                        b.rs[j].params.insert(k.clone(), v.clone());
                    }
                }
                j
            }
            None => {
                let by = b.rs[i].key.clone();
                let origin = match d.kind {
                    DependencyKind::Required => Origin::Required { by: by.clone() },
                    DependencyKind::Recommended => Origin::Recommended { by: by.clone() },
                    DependencyKind::Optional => Origin::Optional { by: by.clone() },
                };
                // A shared resource is named after what it is (and its tier), not after
                // the role one dependent gives it: `vpc`, `private_subnet`, `kms_key`.
                let dep =
                    b.kb.component(&d.component)
                        .ok_or_else(|| PlanError::UnknownComponent(d.component.clone()))?;
                let tier = d
                    .params
                    .get("tier")
                    .or_else(|| dep.parameter("tier").and_then(|p| p.default.as_ref()))
                    .and_then(Value::as_str)
                    .map(String::from);
                let (key_base, name_base) = if d.shared {
                    let base = match &tier {
                        Some(t) => format!("{t}_{}", d.component),
                        None => d.component.clone(),
                    };
                    (base, tier.clone().unwrap_or_else(|| "main".to_string()))
                } else {
                    (format!("{by}_{role}"), b.rs[i].name.clone())
                };
                let key = b.unique_key(&key_base);
                let name = b.unique_name(&name_base);
                let mut params = d.params.clone();
                if let (Some(az), true) = (intent.az_count, d.component == "subnet") {
                    params.entry("az_count".into()).or_insert(Value::from(az));
                }
                b.rs.push(PlannedResource {
                    key,
                    component: d.component.clone(),
                    name,
                    count: 1,
                    origin,
                    inclusion,
                    params,
                    refs: BTreeMap::new(),
                    existing: None,
                });
                b.rs.len() - 1
            }
        };
        for (param, min) in &d.at_least {
            let cur = b.effective(target, param).and_then(Value::as_i64);
            if cur.is_none_or(|v| v < *min) {
                b.rs[target].params.insert(param.clone(), Value::from(*min));
            }
        }
        let key = b.rs[target].key.clone();
        b.rs[i].refs.insert(role, key);
    }
    Ok(())
}

/// Orders resources so that every resource comes after those it refers to, keeping
/// the plan order among independent ones (Kahn's algorithm, smallest index first).
fn topological(rs: &[PlannedResource]) -> Result<Vec<usize>, PlanError> {
    let index: BTreeMap<&str, usize> = rs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.as_str(), i))
        .collect();
    let deps: Vec<BTreeSet<usize>> = rs
        .iter()
        .map(|r| {
            r.refs
                .values()
                .filter_map(|k| index.get(k.as_str()).copied())
                .collect()
        })
        .collect();
    let mut indegree: Vec<usize> = deps.iter().map(BTreeSet::len).collect();
    let mut ready: BTreeSet<usize> = (0..rs.len()).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(rs.len());
    while let Some(&i) = ready.iter().next() {
        ready.remove(&i);
        order.push(i);
        for (j, d) in deps.iter().enumerate() {
            if d.contains(&i) {
                indegree[j] -= 1;
                if indegree[j] == 0 {
                    ready.insert(j);
                }
            }
        }
    }
    if order.len() == rs.len() {
        return Ok(order);
    }
    // Report one cycle: walk unresolved dependencies until a key repeats.
    let left: BTreeSet<usize> = (0..rs.len()).filter(|i| !order.contains(i)).collect();
    let mut path = vec![*left.iter().next().unwrap()];
    loop {
        let cur = *path.last().unwrap();
        let next = *deps[cur].iter().find(|d| left.contains(d)).unwrap();
        if let Some(pos) = path.iter().position(|&p| p == next) {
            let mut keys: Vec<String> = path[pos..].iter().map(|&p| rs[p].key.clone()).collect();
            keys.push(rs[next].key.clone());
            return Err(PlanError::Cycle(keys));
        }
        path.push(next);
    }
}

impl Plan {
    /// The resources generated when every default is accepted.
    pub fn generated(&self) -> impl Iterator<Item = &PlannedResource> {
        self.resources
            .iter()
            .filter(|r| r.inclusion.with_defaults() && r.existing.is_none())
    }

    /// The sorted, distinct Terraform resource types the plan generates with default
    /// answers: each generated component's `resource_types`, plus its conditional
    /// types whose conditions hold on its answers (defaults applied) and whose
    /// dependency roles are filled by generated resources.
    pub fn resource_types(&self, kb: &KnowledgeBase) -> Vec<String> {
        self.collect(kb, |c| c.resource_types.clone(), true)
    }

    /// The sorted, distinct data sources the generated components read.
    pub fn data_sources(&self, kb: &KnowledgeBase) -> Vec<String> {
        self.collect(kb, |c| c.data_sources.clone(), false)
    }

    fn collect(
        &self,
        kb: &KnowledgeBase,
        base: impl Fn(&tc_knowledge::Component) -> Vec<String>,
        conditional: bool,
    ) -> Vec<String> {
        let generated: BTreeSet<&str> = self.generated().map(|r| r.key.as_str()).collect();
        let mut out = BTreeSet::new();
        for r in self.generated() {
            let Some(c) = kb.component(&r.component) else {
                continue;
            };
            out.extend(base(c));
            if !conditional {
                continue;
            }
            for ct in &c.conditional_resource_types {
                let refs_ok = ct.when_refs.iter().all(|role| {
                    r.refs
                        .get(role)
                        .is_some_and(|k| generated.contains(k.as_str()))
                });
                if refs_ok && c.matches(&ct.when, &r.params) {
                    out.extend(ct.resource_types.iter().cloned());
                }
            }
        }
        out.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::RequestedComponent;

    fn component(id: &str, needs: &str, shared: bool) -> String {
        format!(
            "id = \"{id}\"\nname = \"{id}\"\ndescription = \"test\"\ncategory = \"network\"\nresource_types = [\"aws_{id}\"]\ntemplate = \"{id}\"\nsynonyms = [\"{id}\"]\n\n[[dependencies]]\ncomponent = \"{needs}\"\nkind = \"required\"\nrole = \"{needs}\"\nshared = {shared}\nwhy = \"test\"\n"
        )
    }

    fn intent(ids: &[&str]) -> Intent {
        Intent {
            components: ids
                .iter()
                .map(|c| RequestedComponent {
                    component: c.to_string(),
                    count: 1,
                    role: None,
                    params: BTreeMap::new(),
                    matched: c.to_string(),
                })
                .collect(),
            ..Intent::default()
        }
    }

    #[test]
    fn a_dependency_cycle_is_reported_not_looped() {
        let (a, b) = (
            component("alpha", "beta", true),
            component("beta", "alpha", true),
        );
        let kb = tc_knowledge::embedded::parse(&[
            ("components/alpha.toml", &a),
            ("components/beta.toml", &b),
        ])
        .unwrap();
        match resolve_with(&kb, &intent(&["alpha"])) {
            Err(PlanError::Cycle(keys)) => {
                assert_eq!(
                    keys.first(),
                    keys.last(),
                    "a cycle starts and ends with the same key: {keys:?}"
                );
                assert!(
                    keys.contains(&"alpha".to_string()) && keys.contains(&"beta".to_string()),
                    "{keys:?}"
                );
            }
            other => panic!("expected a cycle error, got {other:?}"),
        }
    }

    #[test]
    fn an_endless_chain_of_dedicated_dependencies_stops_with_an_error() {
        let (a, b) = (
            component("alpha", "beta", false),
            component("beta", "alpha", false),
        );
        let kb = tc_knowledge::embedded::parse(&[
            ("components/alpha.toml", &a),
            ("components/beta.toml", &b),
        ])
        .unwrap();
        assert!(matches!(
            resolve_with(&kb, &intent(&["alpha"])),
            Err(PlanError::TooManyResources(_)) | Err(PlanError::Cycle(_))
        ));
    }

    #[test]
    fn unknown_components_are_an_error() {
        let kb = tc_knowledge::knowledge();
        assert_eq!(
            resolve_with(kb, &intent(&["warp_drive"])),
            Err(PlanError::UnknownComponent("warp_drive".into()))
        );
    }

    #[test]
    fn identifiers_are_valid_terraform_labels() {
        for (input, want) in [
            ("web-server", "web_server"),
            ("3tier", "r_3tier"),
            ("", "main"),
            ("Orders API", "orders_api"),
            ("__x__", "x"),
        ] {
            assert_eq!(identifier(input), want);
        }
    }
}
