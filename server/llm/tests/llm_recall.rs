//! With a scripted model that answers every request of
//! `../shared/corpora/nl-requests-dev.jsonl` with a fixed intent (mostly sensible,
//! with the mistakes real models make), the merged intent never plans fewer of the
//! expected resource types than the offline engine alone.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use tc_intent::{resolve, understand, Intent};
use tc_knowledge::knowledge;
use tc_llm::testing::{MockApi, Reply};
use tc_llm::{ApiKey, LlmConfig, LlmService};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Request {
    id: String,
    text: String,
    expected: Vec<String>,
}

fn corpus() -> Vec<Request> {
    let path = repo().join("../shared/corpora/nl-requests-dev.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Request {
                id: v["id"].as_str().unwrap().to_string(),
                text: v["request"].as_str().unwrap().to_string(),
                expected: v["expected_resource_types"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect(),
            }
        })
        .collect()
}

/// Share of the expected resource types that the intent's plan generates.
fn recall(intent: &Intent, expected: &[String]) -> f64 {
    let plan = resolve(intent).unwrap_or_else(|e| panic!("the intent does not resolve: {e}"));
    let types = plan.resource_types(knowledge());
    let found = expected.iter().filter(|t| types.contains(t)).count();
    found as f64 / expected.len() as f64
}

#[tokio::test]
async fn merged_intents_never_lower_recall() {
    let fixture: BTreeMap<String, Value> =
        serde_json::from_str(include_str!("fixtures/scripted-intents.json")).expect("fixture is JSON");
    let requests = corpus();
    assert_eq!(requests.len(), 20, "the dev corpus has 20 requests");
    let by_text: Vec<(String, Value)> = requests
        .iter()
        .map(|r| (serde_json::to_string(&r.text).unwrap(), fixture.get(&r.id).cloned().unwrap_or_else(|| panic!("no scripted answer for {}", r.id))))
        .collect();
    // The scripted model finds the request in the user message, JSON-encoded as sent.
    let api = MockApi::start(move |_, req| {
        let user = req.message("user").unwrap_or_default();
        match by_text.iter().find(|(t, _)| user.contains(t.as_str())) {
            Some((_, answer)) => Reply::json(answer.clone()),
            None => Reply::status(400),
        }
    })
    .await;
    let service = LlmService::new(LlmConfig {
        base_url: api.base_url(),
        api_key: Some(ApiKey::new("test")),
        request_timeout: Duration::from_secs(2),
        ..LlmConfig::default()
    })
    .unwrap();

    let (mut offline_sum, mut merged_sum) = (0.0, 0.0);
    let mut dropped = BTreeMap::new();
    let mut lines = Vec::new();
    for r in &requests {
        let offline = understand(&r.text);
        let conv = service.conversation();
        let out = conv.parse_intent(&r.text, &offline).await;
        assert!(out.error.is_none(), "{}: {:?}", r.id, out.error);
        let (before, after) = (recall(&offline, &r.expected), recall(&out.intent, &r.expected));
        lines.push(format!("{} offline {before:.2} merged {after:.2} added {:?}", r.id, out.added_components));
        assert!(after >= before, "{}: recall fell from {before:.2} to {after:.2} ({:?})", r.id, out.summary());
        offline_sum += before;
        merged_sum += after;
        dropped.insert(r.id.clone(), out.dropped.iter().map(|d| d.what.clone()).collect::<Vec<_>>());
    }
    let n = requests.len() as f64;
    println!("{}\nmean recall: offline {:.3}, merged {:.3}", lines.join("\n"), offline_sum / n, merged_sum / n);

    // The fixture's deliberate mistakes were caught.
    let expect_dropped = [
        ("nl-011", "component \"dynamodb_global_table\""),
        ("nl-022", "component \"secretsmanager\""),
        ("nl-030", "exclusion of \"subnet\""),
        ("nl-040", "security_group.ingress_cidr_blocks = [\"0.0.0.0/0\"]"),
        ("nl-040", "exclusion of \"rds_instance\""),
        ("nl-048", "s3_bucket.auto_delete_everything = true"),
        ("nl-060", "lambda_function.memory_size = 4096"),
        ("nl-060", "exclusion of \"iam_role\""),
    ];
    for (id, what) in expect_dropped {
        assert!(dropped[id].iter().any(|d| d == what), "{id}: expected {what} to be dropped, got {:?}", dropped[id]);
    }
    assert_eq!(service.stats().failures, 0);
}
