//! Overhead TerraConverse adds around a model call: repairing and validating the
//! answer, merging it into the offline intent, and a call answered from the cache
//! (the floor of every repeated call). The model's own latency is not ours to measure.

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::time::Duration;
use tc_intent::{Intent, RequestedComponent};
use tc_knowledge::knowledge;
use tc_llm::testing::{MockApi, Reply};
use tc_llm::{merge::merge, parse_json_object, ApiKey, LlmConfig, LlmService};

const REQUEST: &str = "a web server with a postgres database in frankfurt, db should have 50 GB, no NAT gateway";

fn proposal() -> serde_json::Value {
    json!({
        "components": [
            {"component": "ec2_instance", "count": 2, "role": "web", "params": {"instance_type": "t3.small"}, "matched": "web server"},
            {"component": "rds_instance", "role": "db", "params": {"engine": "postgres", "allocated_storage": 50, "multi_az": true}, "matched": "postgres database"},
            {"component": "aws_magic", "params": {}},
        ],
        "region": "eu-central-1",
        "excluded": ["nat_gateway"]
    })
}

fn benches(c: &mut Criterion) {
    let offline = Intent {
        components: vec![RequestedComponent {
            component: "ec2_instance".into(),
            count: 1,
            role: Some("web".into()),
            params: Default::default(),
            matched: "web server".into(),
        }],
        ..Intent::default()
    };
    let fenced = format!("```json\n{}\n```", proposal().to_string().replacen(']', ",]", 1));
    c.bench_function("repair_fenced_answer", |b| b.iter(|| parse_json_object(&fenced).unwrap()));
    let p = proposal();
    c.bench_function("validate_and_merge_intent", |b| b.iter(|| merge(knowledge(), REQUEST, &offline, &p)));

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let api = rt.block_on(MockApi::scripted(vec![Reply::json(proposal())]));
    let service = LlmService::new(LlmConfig {
        base_url: api.base_url(),
        api_key: Some(ApiKey::new("bench")),
        request_timeout: Duration::from_secs(2),
        ..LlmConfig::default()
    })
    .unwrap();
    let conv = service.conversation();
    rt.block_on(conv.parse_intent(REQUEST, &offline));
    c.bench_function("parse_intent_cache_hit", |b| b.iter(|| rt.block_on(conv.parse_intent(REQUEST, &offline))));
    c.bench_function("parse_intent_local_http_round_trip", |b| {
        let mut n = 0u64;
        b.iter(|| {
            n += 1;
            rt.block_on(conv.parse_intent(&format!("{REQUEST} {n}"), &offline))
        })
    });
}

criterion_group! {
    name = llm;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    targets = benches
}
criterion_main!(llm);
