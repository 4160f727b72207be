//! The HTTP side: one call to an OpenAI-compatible `/chat/completions` endpoint in
//! JSON mode, with timeouts, retries (429 and 5xx only, exponential backoff with
//! jitter, honouring `retry-after`), the circuit breaker, the answer cache and the
//! counters. Returns the model's answer as a JSON object or says why there is none.

use crate::breaker::Breaker;
use crate::cache::{Cache, CachedAnswer};
use crate::config::LlmConfig;
use crate::context::Message;
use crate::error::LlmError;
use crate::repair::parse_json_object;
use crate::stats::{CallRecord, Stats};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The request body. `response_format: json_object` is JSON mode, supported by
/// Groq, OpenAI, Ollama and llama.cpp's server.
#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [Message],
    temperature: f32,
    max_tokens: u32,
    response_format: ResponseFormat,
    stream: bool,
}

#[derive(Serialize)]
struct ResponseFormat {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Deserialize)]
struct Completion {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    message: Option<ChoiceMessage>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}

#[derive(Deserialize, Default)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

/// A successful answer from the server (not the cache).
struct Answer {
    json: Value,
    usage: Usage,
}

pub(crate) struct Client {
    config: LlmConfig,
    http: reqwest::Client,
    breaker: Mutex<Breaker>,
    cache: Mutex<Cache>,
    stats: Mutex<Stats>,
    jitter: RandomState,
}

impl Client {
    pub fn new(config: LlmConfig) -> Result<Client, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("terraconverse/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("could not set up the HTTP client: {e}"))?;
        Ok(Client {
            breaker: Mutex::new(Breaker::new(config.breaker_threshold, config.breaker_cooldown)),
            cache: Mutex::new(Cache::new(config.cache_capacity)),
            stats: Mutex::new(Stats::default()),
            jitter: RandomState::new(),
            http,
            config,
        })
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    pub fn stats(&self) -> Stats {
        let mut s = lock(&self.stats).clone();
        s.breaker = lock(&self.breaker).state();
        s
    }

    pub fn note_rejected(&self, count: u64) {
        lock(&self.stats).rejected_outputs += count;
    }

    /// Asks the model and returns its answer as a JSON object. `conversation`
    /// receives the same counters as the service.
    pub async fn complete_json(&self, messages: &[Message], conversation: Option<&Mutex<Stats>>) -> Result<Value, LlmError> {
        let started = Instant::now();
        let body = ChatRequest {
            model: &self.config.model,
            messages,
            temperature: 0.0,
            max_tokens: self.config.max_output_tokens,
            response_format: ResponseFormat { kind: "json_object" },
            stream: false,
        };
        // Serializing plain strings and numbers cannot fail.
        let body = serde_json::to_string(&body).expect("chat request serializes");
        let mut record = CallRecord::default();
        let result = self.complete_uncounted(&body, &mut record).await;
        if !record.cache_hit && !matches!(result, Err(LlmError::BreakerOpen)) {
            record.latency = Some(started.elapsed());
        }
        record.error = result.as_ref().err().cloned();
        lock(&self.stats).apply(&record);
        if let Some(conv) = conversation {
            lock(conv).apply(&record);
        }
        result
    }

    async fn complete_uncounted(&self, body: &str, record: &mut CallRecord) -> Result<Value, LlmError> {
        if let Some(hit) = lock(&self.cache).get(body) {
            record.cache_hit = true;
            tracing::debug!(target: "tc_llm", "answered from cache");
            return Ok(hit.json);
        }
        if !lock(&self.breaker).allow() {
            tracing::debug!(target: "tc_llm", "circuit breaker open: not calling the model");
            return Err(LlmError::BreakerOpen);
        }
        let mut pending = Pending { breaker: &self.breaker, settled: false };
        let mut attempt = 0u32;
        let result = loop {
            record.requests += 1;
            match self.send_once(body).await {
                Ok(answer) => break Ok(answer),
                Err(e) if e.is_retryable() && attempt < self.config.max_retries => {
                    let delay = match &e {
                        LlmError::Http { retry_after: Some(wait), .. } => *wait,
                        _ => self.backoff(attempt),
                    };
                    if delay > self.config.max_backoff {
                        tracing::warn!(target: "tc_llm", error = %e, "the server asks to wait {delay:?}, longer than allowed; giving up");
                        break Err(e);
                    }
                    tracing::info!(target: "tc_llm", error = %e, attempt, "retrying in {delay:?}");
                    attempt += 1;
                    record.retries += 1;
                    tokio::time::sleep(delay).await;
                }
                Err(e) => break Err(e),
            }
        };
        pending.settled = true;
        match result {
            Ok(answer) => {
                lock(&self.breaker).record_success();
                record.prompt_tokens = answer.usage.prompt_tokens;
                record.completion_tokens = answer.usage.completion_tokens;
                lock(&self.cache).insert(body.to_string(), CachedAnswer { json: answer.json.clone() });
                Ok(answer.json)
            }
            Err(e) => {
                lock(&self.breaker).record_failure();
                tracing::warn!(target: "tc_llm", error = %e, "LLM call failed; the offline engine's result stands");
                Err(e)
            }
        }
    }

    /// Exponential backoff with "equal jitter": half the delay is fixed, half random,
    /// so clients that failed together do not retry together.
    fn backoff(&self, attempt: u32) -> Duration {
        let full = self.config.backoff_base.saturating_mul(1u32 << attempt.min(16)).min(self.config.max_backoff);
        let half = full / 2;
        let random = self.jitter.hash_one((Instant::now(), attempt)) % (half.as_micros() as u64 + 1);
        half + Duration::from_micros(random)
    }

    async fn send_once(&self, body: &str) -> Result<Answer, LlmError> {
        let mut request = self
            .http
            .post(self.config.endpoint())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(key) = &self.config.api_key {
            // `bearer_auth` marks the header value as sensitive, so it is redacted in
            // reqwest's and hyper's own debug output.
            request = request.bearer_auth(key.expose());
        }
        tracing::debug!(target: "tc_llm", url = %self.config.endpoint(), model = %self.config.model, bytes = body.len(), "calling the model");
        let response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(|e| self.transport_error(e))?;
        tracing::debug!(target: "tc_llm", status = status.as_u16(), bytes = bytes.len(), "model answered");
        if !status.is_success() {
            return Err(LlmError::Http { status: status.as_u16(), retry_after, message: server_message(status.as_u16(), &bytes) });
        }
        let completion: Completion = serde_json::from_slice(&bytes)
            .map_err(|e| LlmError::Malformed(format!("the server's response is not chat-completion JSON ({e})")))?;
        let usage = completion.usage.unwrap_or_default();
        let choice = completion
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| LlmError::Malformed("the response has no choices".to_string()))?;
        match choice.finish_reason.as_deref() {
            None => return Err(LlmError::Truncated("the response has no finish_reason".to_string())),
            Some("length") => return Err(LlmError::Truncated("the model hit its token limit".to_string())),
            Some("content_filter") => return Err(LlmError::Refused("content filter".to_string())),
            Some(_) => {}
        }
        let message = choice.message.ok_or_else(|| LlmError::Malformed("the choice has no message".to_string()))?;
        if let Some(refusal) = message.refusal.filter(|r| !r.is_empty()) {
            return Err(LlmError::Refused(crate::context::truncate(&refusal, 120)));
        }
        let content = message.content.unwrap_or_default();
        let json = parse_json_object(&content).map_err(LlmError::Malformed)?;
        Ok(Answer { json, usage })
    }

    fn transport_error(&self, e: reqwest::Error) -> LlmError {
        if e.is_timeout() {
            LlmError::Timeout(self.config.request_timeout)
        } else if e.is_connect() {
            LlmError::Connect(without_url(&e))
        } else if e.is_body() || e.is_decode() {
            LlmError::Truncated(format!("the response body ended early: {}", without_url(&e)))
        } else {
            LlmError::Connect(without_url(&e))
        }
    }
}

/// Frees the breaker's trial slot if the call's future is dropped before it settles.
struct Pending<'a> {
    breaker: &'a Mutex<Breaker>,
    settled: bool,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.settled {
            lock(self.breaker).abandon();
        }
    }
}

/// The error text without the URL, which is already in the configuration and
/// would only make status lines long.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(&format!(" ({url})"), "").replace(url.as_str(), "<endpoint>");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The `error.message` of an OpenAI-style error body, shortened. Not for 401 and
/// 403: some providers quote part of the refused key there.
fn server_message(status: u16, body: &[u8]) -> Option<String> {
    if status == 401 || status == 403 {
        return None;
    }
    let v: Value = serde_json::from_slice(body).ok()?;
    let m = v.pointer("/error/message").and_then(Value::as_str).or_else(|| v.get("error").and_then(Value::as_str))?;
    Some(crate::context::truncate(m.trim(), 160)).filter(|m| !m.is_empty())
}

/// `retry-after-ms` (OpenAI) or `retry-after` in seconds (Groq and HTTP). The
/// HTTP-date form is ignored: the normal backoff applies then.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(ms.max(0.0) / 1000.0));
    }
    get("retry-after").and_then(|v| v.parse::<f64>().ok()).filter(|s| s.is_finite()).map(|s| Duration::from_secs_f64(s.max(0.0)))
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: the
/// counters and cache stay usable, and none of them can be left inconsistent.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn retry_after_headers() {
        type Headers<'a> = &'a [(&'a str, &'a str)];
        let cases: &[(Headers, Option<u64>)] = &[
            (&[], None),
            (&[("retry-after", "2")], Some(2000)),
            (&[("retry-after", "0.25")], Some(250)),
            (&[("retry-after-ms", "40"), ("retry-after", "9")], Some(40)),
            (&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], None),
        ];
        for (headers, want) in cases {
            let mut map = HeaderMap::new();
            for (k, v) in *headers {
                map.insert(*k, HeaderValue::from_static(v));
            }
            assert_eq!(retry_after(&map).map(|d| d.as_millis() as u64), *want, "{headers:?}");
        }
    }

    #[test]
    fn backoff_grows_and_stays_within_bounds() {
        let config = LlmConfig {
            backoff_base: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
            ..LlmConfig::default()
        };
        let client = Client::new(config).unwrap();
        for _ in 0..50 {
            for (attempt, full) in [(0u32, 100u64), (1, 200), (2, 400), (3, 700), (10, 700)] {
                let d = client.backoff(attempt).as_millis() as u64;
                assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d} ms not in [{}, {full}]", full / 2);
            }
        }
    }

    #[test]
    fn an_https_client_builds_with_the_ring_provider() {
        let config = LlmConfig { base_url: "https://api.groq.com/openai/v1".into(), ..LlmConfig::default() };
        assert!(Client::new(config).is_ok());
    }
}
