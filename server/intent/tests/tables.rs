//! Data-driven tests per layer: `tests/intent/engine.toml` (text → expected intent)
//! and `tests/intent/plan.toml` (intent → expected plan). Every failing case is
//! reported with what was expected and what came out.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tc_intent::{Inclusion, Intent, Plan, RequestedComponent};
use tc_knowledge::Value;

fn table(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/intent")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Deserialize)]
struct EngineFile {
    case: Vec<EngineCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EngineCase {
    text: String,
    #[serde(default)]
    region: Option<String>,
    components: Vec<ExpectedComponent>,
    #[serde(default)]
    excluded: Vec<String>,
    #[serde(default)]
    unknown: Vec<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct ExpectedComponent {
    id: String,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    params: BTreeMap<String, Value>,
}

impl ExpectedComponent {
    fn matches(&self, c: &RequestedComponent) -> bool {
        c.component == self.id
            && self.count.is_none_or(|n| {
                c.count == n || c.params.values().any(|v| v.as_u64() == Some(n as u64))
            })
            && self
                .role
                .as_ref()
                .is_none_or(|r| c.role.as_ref() == Some(r))
            && self.params.iter().all(|(k, v)| c.params.get(k) == Some(v))
    }
}

#[test]
fn engine_table() {
    let file: EngineFile = toml::from_str(&table("engine.toml")).expect("engine.toml parses");
    let mut failures = Vec::new();
    for case in &file.case {
        let intent = tc_intent::understand(&case.text);
        let mut problems = Vec::new();
        let mut left: Vec<&RequestedComponent> = intent.components.iter().collect();
        for e in &case.components {
            match left.iter().position(|c| e.matches(c)) {
                Some(i) => {
                    left.remove(i);
                }
                None => problems.push(format!("expected {e:?}")),
            }
        }
        for c in left {
            problems.push(format!(
                "unexpected {} {:?} {:?}",
                c.component, c.role, c.params
            ));
        }
        if let Some(r) = &case.region {
            let want = (!r.is_empty()).then_some(r.as_str());
            if intent.region.as_deref() != want {
                problems.push(format!("region {:?}, expected {want:?}", intent.region));
            }
        }
        for x in &case.excluded {
            if !intent.excluded.contains(x) {
                problems.push(format!("{x} not excluded ({:?})", intent.excluded));
            }
        }
        for u in &case.unknown {
            if !intent.unknown_words.contains(u) {
                problems.push(format!(
                    "{u:?} not reported as unknown ({:?})",
                    intent.unknown_words
                ));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{:?}\n      got {:?}\n      {}",
                case.text,
                intent
                    .components
                    .iter()
                    .map(|c| (&c.component, &c.role, &c.params))
                    .collect::<Vec<_>>(),
                problems.join("\n      ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} engine cases failed:\n  {}",
        failures.len(),
        file.case.len(),
        failures.join("\n  ")
    );
}

#[derive(Deserialize)]
struct PlanFile {
    case: Vec<PlanCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanCase {
    name: String,
    intent: Intent,
    #[serde(default)]
    count: BTreeMap<String, usize>,
    #[serde(default)]
    inclusion: BTreeMap<String, Inclusion>,
    #[serde(default)]
    refs: BTreeMap<String, String>,
    #[serde(default)]
    params: BTreeMap<String, Value>,
    #[serde(default)]
    before: Vec<(String, String)>,
    #[serde(default)]
    resource_types: Option<Vec<String>>,
}

fn check_plan(case: &PlanCase, plan: &Plan) -> Vec<String> {
    let kb = tc_knowledge::knowledge();
    let mut problems = Vec::new();
    let key = |k: &str| plan.resources.iter().find(|r| r.key == k);
    for (component, n) in &case.count {
        let got = plan
            .resources
            .iter()
            .filter(|r| &r.component == component)
            .count();
        if got != *n {
            problems.push(format!("{got} × {component}, expected {n}"));
        }
    }
    for (k, inc) in &case.inclusion {
        match key(k) {
            Some(r) if r.inclusion == *inc => {}
            Some(r) => problems.push(format!("{k} inclusion {:?}, expected {inc:?}", r.inclusion)),
            None => problems.push(format!("no resource {k}")),
        }
    }
    for (at, target) in &case.refs {
        let (k, role) = at.split_once('.').unwrap();
        match key(k).map(|r| r.refs.get(role)) {
            Some(Some(t)) if t == target => {}
            Some(got) => problems.push(format!("{at} → {got:?}, expected {target}")),
            None => problems.push(format!("no resource {k}")),
        }
    }
    for (at, v) in &case.params {
        let (k, p) = at.split_once('.').unwrap();
        match key(k).map(|r| r.params.get(p)) {
            Some(Some(got)) if got == v => {}
            Some(got) => problems.push(format!("{at} = {got:?}, expected {v}")),
            None => problems.push(format!("no resource {k}")),
        }
    }
    let pos = |k: &str| plan.resources.iter().position(|r| r.key == k);
    for (a, b) in &case.before {
        match (pos(a), pos(b)) {
            (Some(x), Some(y)) if x < y => {}
            _ => problems.push(format!("{a} should come before {b}")),
        }
    }
    if let Some(types) = &case.resource_types {
        let got = plan.resource_types(kb);
        if &got != types {
            problems.push(format!("resource_types {got:?}"));
        }
    }
    // Every plan must have unique keys and valid Terraform labels.
    let mut keys: Vec<&str> = plan.resources.iter().map(|r| r.key.as_str()).collect();
    keys.sort();
    keys.dedup();
    if keys.len() != plan.resources.len() {
        problems.push("duplicate keys".into());
    }
    for r in &plan.resources {
        if tc_intent::identifier(&r.name) != r.name || tc_intent::identifier(&r.key) != r.key {
            problems.push(format!("{} / {} is not a valid identifier", r.key, r.name));
        }
    }
    problems
}

#[test]
fn plan_table() {
    let file: PlanFile = toml::from_str(&table("plan.toml")).expect("plan.toml parses");
    let mut failures = Vec::new();
    for case in &file.case {
        let plan =
            tc_intent::resolve(&case.intent).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let problems = check_plan(case, &plan);
        if !problems.is_empty() {
            let listing: Vec<String> = plan
                .resources
                .iter()
                .map(|r| format!("{}:{}:{:?}:{:?}", r.key, r.component, r.inclusion, r.refs))
                .collect();
            failures.push(format!(
                "{}\n      {}\n      plan: {}",
                case.name,
                problems.join("\n      "),
                listing.join(" | ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} plan cases failed:\n  {}",
        failures.len(),
        file.case.len(),
        failures.join("\n  ")
    );
}

/// Resolving twice gives the same plan: keys are stable across turns.
#[test]
fn plans_are_deterministic() {
    let intent = tc_intent::understand("two web servers behind a load balancer with a postgres database and a redis cache in frankfurt");
    assert_eq!(
        tc_intent::resolve(&intent).unwrap(),
        tc_intent::resolve(&intent).unwrap()
    );
}

/// Odd input never panics and never invents resources; malformed addresses are
/// reported back instead of being silently dropped.
#[test]
fn odd_input_is_handled() {
    for text in [
        "",
        "   ",
        "!!!???",
        "at",
        "every",
        "port",
        "called",
        "no",
        "NOT",
        "a a a a",
        "\u{1F680}",
        "über straße",
    ] {
        let intent = tc_intent::understand(text);
        assert!(intent.is_empty(), "{text:?} gave {:?}", intent.components);
    }
    let intent = tc_intent::understand("a vpc 10.0.0.0/33");
    assert!(
        intent.unknown_words.contains(&"10.0.0.0/33".to_string()),
        "{:?}",
        intent.unknown_words
    );
    assert!(!intent.components[0].params.contains_key("cidr_block"));
    let long = "ec2 ".repeat(2000);
    assert_eq!(tc_intent::understand(&long).components.len(), 1);
}
