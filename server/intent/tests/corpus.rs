//! Scores the offline engine on `../shared/corpora/nl-requests-dev.jsonl`: recall
//! and precision of the plan's `resource_types`, region and database-engine
//! accuracy. Prints the scores and every miss; fails below the targets (recall ≥
//! 0.95, precision ≥ 0.90, region and engine ≥ 95 %).

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora")
}

fn companions() -> BTreeSet<String> {
    let text = std::fs::read_to_string(shared().join("companion-resource-types.txt"))
        .expect("companion-resource-types.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether an engine value satisfies an expectation: a string, or `{"any_of": [...]}`.
fn engine_ok(expected: &Value, got: Option<&str>) -> bool {
    match expected {
        Value::String(s) => got == Some(s.as_str()),
        Value::Object(o) => o
            .get("any_of")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|x| x.as_str() == got)),
        _ => false,
    }
}

#[test]
fn dev_corpus_scores_meet_the_targets() {
    let kb = tc_knowledge::knowledge();
    let companions = companions();
    let text = std::fs::read_to_string(shared().join("nl-requests-dev.jsonl"))
        .expect("nl-requests-dev.jsonl");
    let (mut expected_total, mut hits, mut predicted_total, mut false_pos) =
        (0usize, 0usize, 0usize, 0usize);
    let (mut region_n, mut region_ok, mut engine_n, mut engine_ok_n) = (0, 0, 0, 0);
    let mut report = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let id = case["id"].as_str().unwrap();
        let request = case["request"].as_str().unwrap();
        let intent = tc_intent::understand(request);
        let plan = tc_intent::resolve(&intent).unwrap_or_else(|e| panic!("{id}: {e}"));
        let got: BTreeSet<String> = plan.resource_types(kb).into_iter().collect();
        let expected = strings(&case["expected_resource_types"]);
        let optional = strings(&case["optional_resource_types"]);
        let missing: Vec<_> = expected.difference(&got).cloned().collect();
        let extra: Vec<_> = got
            .iter()
            .filter(|t| {
                !expected.contains(*t) && !optional.contains(*t) && !companions.contains(*t)
            })
            .cloned()
            .collect();
        expected_total += expected.len();
        hits += expected.len() - missing.len();
        predicted_total += got.len();
        false_pos += extra.len();
        let kp = &case["key_parameters"];
        if let Some(region) = kp.get("region").and_then(Value::as_str) {
            region_n += 1;
            if intent.region.as_deref() == Some(region) {
                region_ok += 1;
            } else {
                report.push(format!(
                    "{id}: region {:?}, expected {region}",
                    intent.region
                ));
            }
        }
        if let Some(engine) = kp.get("engine") {
            engine_n += 1;
            let got_engine = intent
                .components
                .iter()
                .find_map(|c| {
                    c.params
                        .get("engine")
                        .and_then(Value::as_str)
                        .map(String::from)
                })
                .or_else(|| {
                    // A component asked for without an engine gets its default engine.
                    intent.components.iter().find_map(|c| {
                        kb.component(&c.component)?
                            .parameter("engine")?
                            .default
                            .as_ref()?
                            .as_str()
                            .map(String::from)
                    })
                });
            if engine_ok(engine, got_engine.as_deref()) {
                engine_ok_n += 1;
            } else {
                report.push(format!("{id}: engine {got_engine:?}, expected {engine}"));
            }
        }
        if !missing.is_empty() || !extra.is_empty() {
            report.push(format!(
                "{id}: missing {missing:?}, not expected {extra:?}  ← {request}"
            ));
        }
    }
    let recall = hits as f64 / expected_total as f64;
    let precision = (predicted_total - false_pos) as f64 / predicted_total as f64;
    let region_acc = region_ok as f64 / region_n.max(1) as f64;
    let engine_acc = engine_ok_n as f64 / engine_n.max(1) as f64;
    println!("dev corpus: recall {recall:.3} ({hits}/{expected_total}), precision {precision:.3} ({} of {predicted_total} types allowed), region {region_acc:.3} ({region_ok}/{region_n}), engine {engine_acc:.3} ({engine_ok_n}/{engine_n})", predicted_total - false_pos);
    for r in &report {
        println!("  {r}");
    }
    assert!(recall >= 0.95, "recall {recall:.3} < 0.95");
    assert!(precision >= 0.90, "precision {precision:.3} < 0.90");
    assert!(region_acc >= 0.95, "region accuracy {region_acc:.3} < 0.95");
    assert!(engine_acc >= 0.95, "engine accuracy {engine_acc:.3} < 0.95");
}
