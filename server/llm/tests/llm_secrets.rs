//! The API key never reaches a log line, an error message, a status line or any
//! serialized state — checked with every tracing event captured at TRACE level
//! (including reqwest's and hyper's own logging) across successful and failing calls.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tc_intent::Intent;
use tc_llm::testing::{MockApi, Reply};
use tc_llm::{ApiKey, FindingView, LlmConfig, LlmService, QuestionView};

const KEY: &str = "gsk_SECRET_4f9c2a7e1b_never_log_me";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_api_key_is_never_logged_or_stored() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Global, so events from every task and from the `log` crate (reqwest) are seen.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("first subscriber in this test binary");

    let api = MockApi::scripted(vec![
        Reply::status(401),
        Reply::rate_limited("0.01"),
        Reply::json(serde_json::json!({"components": [{"component": "ec2_instance"}], "region": null, "excluded": []})),
        Reply::Hang,
    ])
    .await;
    let config = LlmConfig {
        base_url: api.base_url(),
        api_key: Some(ApiKey::new(KEY)),
        request_timeout: Duration::from_millis(200),
        backoff_base: Duration::from_millis(5),
        ..LlmConfig::default()
    };
    let service = LlmService::new(config.clone()).unwrap();
    let conv = service.conversation();
    let offline = Intent::default();
    let failed = conv.parse_intent("a server", &offline).await; // 401
    let merged = conv.parse_intent("a server please", &offline).await; // 429 then good
    let answer = conv.interpret_answer(&QuestionView { text: "Which size?".into(), ..Default::default() }, "big").await; // hang
    let explained = conv.explain_finding(&FindingView::default()).await; // hang again
    assert!(failed.error.is_some() && merged.error.is_none() && answer.is_none() && explained.is_none());
    assert!(api.requests().iter().all(|r| r.header("authorization") == Some(&format!("Bearer {KEY}"))), "the key was sent");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("calling the model") && logs.contains("retrying"), "the calls were logged:\n{logs}");
    assert!(!logs.contains(KEY), "the key leaked into the logs:\n{logs}");

    let mut outputs = vec![
        format!("{service:?}"),
        format!("{config:?}"),
        service.describe(),
        service.stats().to_string(),
        serde_json::to_string(&service.stats()).unwrap(),
        conv.stats().to_string(),
        serde_json::to_string(&failed).unwrap(),
        serde_json::to_string(&merged).unwrap(),
        failed.summary().unwrap(),
    ];
    outputs.extend(failed.error.iter().map(|e| e.to_string()));
    for out in outputs {
        assert!(!out.contains(KEY), "the key leaked: {out}");
    }
}
