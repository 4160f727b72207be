//! Per-component tests of the generator over the real knowledge base: every
//! component has a template, generates exactly its knowledge `resource_types` with
//! default answers, and renders as the committed snapshot; and every component's
//! example configuration passes the real `terraform validate`, `terraform fmt` and
//! checkov (from `../shared`).

#[path = "../../../tests/generate/support.rs"]
mod support;

use std::collections::BTreeSet;
use std::collections::BTreeMap;
use tc_generate::examples::{example_stack, StackBuilder};
use tc_knowledge::{knowledge, Component, Stack};

fn components() -> Vec<&'static Component> {
    knowledge().components.values().collect()
}

/// Resource types the knowledge base says a component generates in this stack:
/// its `resource_types` plus every conditional set whose condition holds.
fn expected_types(c: &Component, stack: &Stack, key: &str) -> BTreeSet<String> {
    let res = stack.resources.iter().find(|r| r.key == key).unwrap();
    let mut types: BTreeSet<String> = c.resource_types.iter().cloned().collect();
    for cond in &c.conditional_resource_types {
        let refs_ok = cond.when_refs.iter().all(|role| res.refs.contains_key(role));
        if refs_ok && c.matches(&cond.when, &res.values) {
            types.extend(cond.resource_types.iter().cloned());
        }
    }
    types
}

#[test]
fn every_component_has_a_template() {
    let names: BTreeSet<&str> = tc_generate::template_names().collect();
    let missing: Vec<String> = components()
        .iter()
        .filter(|c| !names.contains(c.template.as_str()))
        .map(|c| format!("{} (templates/{}.tf.j2)", c.id, c.template))
        .collect();
    assert!(missing.is_empty(), "components without a template: {missing:?}");
}

#[test]
fn generated_resource_types_equal_knowledge_resource_types() {
    let mut problems = Vec::new();
    for c in components() {
        let stack = example_stack(knowledge(), &c.id);
        let generated = match tc_generate::generate(&stack) {
            Ok(g) => g,
            Err(e) => {
                problems.push(format!("{}: {e}", c.id));
                continue;
            }
        };
        let types: BTreeSet<String> = generated
            .blocks()
            .filter(|b| b.resource_key.as_deref() == Some(c.id.as_str()))
            .filter_map(|b| b.address.strip_prefix("resource."))
            .map(|a| a.split('.').next().unwrap().to_string())
            .collect();
        let data: BTreeSet<String> = generated
            .blocks()
            .filter(|b| b.resource_key.as_deref() == Some(c.id.as_str()))
            .filter_map(|b| b.address.strip_prefix("data."))
            .map(|a| a.split('.').next().unwrap().to_string())
            .collect();
        let expected = expected_types(c, &stack, &c.id);
        if types != expected {
            problems.push(format!("{}: generates {types:?}, knowledge says {expected:?}", c.id));
        }
        let unknown_data: Vec<&String> = data.iter().filter(|d| !c.data_sources.contains(d)).collect();
        if !unknown_data.is_empty() {
            problems.push(format!("{}: reads data sources {unknown_data:?} not listed in its data_sources", c.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn snapshots_of_every_component_kind() {
    for c in components() {
        let stack = example_stack(knowledge(), &c.id);
        let generated = tc_generate::generate(&stack).unwrap_or_else(|e| panic!("{}: {e}", c.id));
        let mut text = String::new();
        for (path, content) in generated.all_files() {
            if path == "README.md" || path == "terraform.tfvars.example" {
                continue;
            }
            text.push_str(&format!("# ===== {path} =====\n{content}\n"));
        }
        insta::assert_snapshot!(format!("component_{}", c.id), text);
    }
}

/// Every check a template leaves off is documented with its reason in docs/generator.md.
#[test]
fn deliberately_off_checks_are_documented() {
    let docs = std::fs::read_to_string(support::repo_root().join("docs/generator.md")).unwrap();
    let table = docs.split("## Checks deliberately left off").nth(1).expect("docs/generator.md has the section");
    for c in components() {
        let stack = example_stack(knowledge(), &c.id);
        for off in tc_generate::generate(&stack).unwrap().deliberately_off {
            assert!(table.contains(&off.check), "{} leaves {} off but docs/generator.md does not list it", c.id, off.check);
            assert!(!off.reason.is_empty() && !off.how.is_empty(), "{}: {} has no reason or answer", c.id, off.check);
        }
    }
}

/// The generated configuration of every component kind is valid Terraform, formatted,
/// and passes every in-scope checkov check that is not deliberately off.
#[test]
fn every_component_passes_terraform_and_checkov() {
    let parent = support::work_dir("components");
    for c in components() {
        let stack = example_stack(knowledge(), &c.id);
        let generated = tc_generate::generate(&stack).unwrap_or_else(|e| panic!("{}: {e}", c.id));
        support::write(&parent.join(&c.id), &generated.all_files());
    }
    let problems = support::check_all(&parent);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Answers that turn deliberately-off checks on (each named in the check's "Turn it
/// on" text): component → parameter values.
fn enabling_answers(component: &str) -> BTreeMap<String, tc_knowledge::Value> {
    let pairs: &[(&str, &str, serde_json::Value)] = &[
        ("rds_instance", "multi_az", serde_json::json!(true)),
        ("s3_bucket", "sse_algorithm", serde_json::json!("aws:kms")),
        ("lambda_function", "reserved_concurrency", serde_json::json!(5)),
    ];
    pairs.iter().filter(|(c, _, _)| *c == component).map(|(_, p, v)| (p.to_string(), v.clone())).collect()
}

/// Checks that no answer can turn on yet (documented as such in docs/generator.md).
const NO_QUESTION_YET: &[&str] = &["CKV_AWS_144", "CKV_AWS_31", "CKV2_AWS_5", "CKV_AWS_260"];

/// A component with every optional dependency accepted, the enabling answers given,
/// and (for a bucket) the logging, lifecycle and trigger components that refer to it.
fn all_options_stack(id: &str) -> Stack {
    let mut b = StackBuilder::new(knowledge(), "eu-central-1").with_optional(true);
    b.add(id, id, enabling_answers(id));
    if id == "s3_bucket" {
        for extra in ["s3_logging", "s3_lifecycle", "s3_lambda_trigger"] {
            b.add(extra, extra, BTreeMap::new());
        }
    }
    b.build()
}

/// Every deliberately-off check is satisfiable through an answer: with the options
/// accepted, only the checks without a question yet stay off, and the configuration
/// still passes the real tools.
#[test]
fn every_off_check_is_satisfiable_through_an_answer() {
    let parent = support::work_dir("components-all-options");
    let mut problems = Vec::new();
    for c in components() {
        let stack = all_options_stack(&c.id);
        // Components without options or enabling answers are already covered by
        // `every_component_passes_terraform_and_checkov`.
        if stack == example_stack(knowledge(), &c.id) {
            continue;
        }
        let generated = match tc_generate::generate(&stack) {
            Ok(g) => g,
            Err(e) => {
                problems.push(format!("{}: {e}", c.id));
                continue;
            }
        };
        // Only the resource under test (key = component id) has had every option
        // accepted; its dependencies (a log bucket, a function's role) are at their
        // defaults and may keep their own checks off.
        for off in &generated.deliberately_off {
            if off.resource_key == c.id && !NO_QUESTION_YET.contains(&off.check.as_str()) {
                problems.push(format!("{}: {} stays off although every option was accepted", c.id, off.check));
            }
        }
        support::write(&parent.join(&c.id), &generated.all_files());
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let problems = support::check_all(&parent);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
