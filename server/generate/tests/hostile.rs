//! The hostile-answer corpus (`tests/hostile/answers.jsonl`) in every string
//! parameter of every component, straight into the generator (bypassing the
//! conversation's validators, so the generator's own escaping is what is tested).
//! Every answer must come out as an inert string literal: the output parses, holds
//! the exact value, and passes the real `terraform validate` and `terraform fmt`.

#[path = "../../../tests/generate/support.rs"]
mod support;

use std::collections::BTreeMap;
use tc_generate::examples::StackBuilder;
use tc_knowledge::{knowledge, ParamType, Stack, Value};

/// `(name, value)` of every corpus entry.
fn corpus() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(support::repo_root().join("tests/hostile/answers.jsonl")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let name = v["name"].as_str().unwrap().to_string();
            let value = match v.get("value") {
                Some(s) => s.as_str().unwrap().to_string(),
                None => v["repeat"].as_str().unwrap().repeat(v["times"].as_u64().unwrap() as usize),
            };
            (name, value)
        })
        .collect()
}

/// One stack holding every component kind (dependencies shared where the knowledge
/// base allows), with `hostile` in every string and string-list parameter.
fn hostile_stack(hostile: &str) -> Stack {
    let kb = knowledge();
    let mut b = StackBuilder::new(kb, "eu-central-1");
    for id in kb.components.keys() {
        b.add(id, id, BTreeMap::new());
    }
    let mut stack = b.build();
    for res in &mut stack.resources {
        let comp = &kb.components[&res.component];
        for p in &comp.parameters {
            let v = match p.kind {
                ParamType::String => Value::from(hostile),
                ParamType::StringList => Value::from(vec![hostile]),
                _ => continue,
            };
            res.values.insert(p.id.clone(), v);
        }
    }
    stack
}

#[test]
fn corpus_has_at_least_fifty_entries_including_the_required_kinds() {
    let c = corpus();
    assert!(c.len() >= 50, "only {} hostile answers", c.len());
    let all: String = c.iter().map(|(_, v)| v.as_str()).collect();
    for needle in ["\"", "${file(\"/etc/passwd\")}", "%{ for x in y }", "EOT", "\n", "\u{7}", "\u{202E}", "🚀"] {
        assert!(all.contains(needle), "the corpus has no answer containing {needle:?}");
    }
    assert!(c.iter().any(|(_, v)| v.len() >= 100 * 1024), "the corpus has no 100 KB answer");
}

/// Every answer in every string parameter generates exactly the blocks a benign
/// answer does (nothing was injected), and the answer appears in the output only
/// as its escaped string literal.
#[test]
fn hostile_answers_are_escaped_in_every_string_parameter() {
    // An empty answer legitimately changes structure (an empty bucket name means
    // "let AWS choose"), so it is compared with an all-empty stack.
    let benign = tc_generate::generate(&hostile_stack("benign")).expect("the benign stack generates");
    let empty = tc_generate::generate(&hostile_stack("")).expect("the all-empty stack generates");
    for (name, value) in corpus() {
        let baseline = if value.is_empty() { &empty } else { &benign };
        let benign_addresses: Vec<&str> = baseline.blocks().map(|b| b.address.as_str()).collect();
        let generated = match tc_generate::generate(&hostile_stack(&value)) {
            Ok(g) => g,
            Err(e) => panic!("{name}: generation failed instead of escaping: {e}"),
        };
        let addresses: Vec<&str> = generated.blocks().map(|b| b.address.as_str()).collect();
        assert!(addresses == benign_addresses, "{name}: the answer changed which blocks exist");
        let vars = generated.files.iter().find(|f| f.path == "variables.tf").unwrap().content();
        let literal = tc_generate::escape::hcl_string(&value);
        assert!(vars.contains(&literal), "{name}: variables.tf does not carry the escaped answer {literal:.80}");
        // Every block parses on its own (generate() checks this too; this keeps the
        // test honest if that check is ever weakened).
        for b in generated.blocks() {
            hcl_edit::parser::parse_body(&b.text).unwrap_or_else(|e| panic!("{name}: {} does not parse: {e}", b.address));
        }
    }
}

/// Every hostile configuration passes the real Terraform validator and
/// formatter: every entry, since the point is that none of them can break out.
#[test]
fn hostile_configurations_pass_terraform_validate_and_fmt() {
    let parent = support::work_dir("hostile");
    for (name, value) in corpus() {
        let generated = tc_generate::generate(&hostile_stack(&value)).unwrap();
        support::write(&parent.join(&name), &generated.all_files());
    }
    let problems: Vec<String> = support::check_terraform(&parent);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Hostile resource names and keys become valid, distinct identifiers.
#[test]
fn hostile_names_are_sanitized_into_identifiers() {
    for (name, value) in corpus() {
        let mut stack = tc_generate::examples::example_stack(knowledge(), "ec2_instance");
        for r in &mut stack.resources {
            r.name = value.clone();
        }
        let generated = tc_generate::generate(&stack).unwrap_or_else(|e| panic!("{name}: {e}"));
        for b in generated.blocks() {
            // Terraform identifiers: a letter or `_`, then letters, digits, `_` and `-`.
            let valid = |p: &str| {
                p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            };
            for part in b.address.split('.') {
                assert!(valid(part), "{name}: address {:.120} has an invalid part", b.address);
            }
        }
    }
}
