//! Counters of what the LLM did: calls, cache hits, failures by kind, retries,
//! tokens and latency. Kept for the whole service and for each conversation, and
//! shown in status so the user can see when and why the model was not used.

use crate::breaker::BreakerState;
use crate::error::LlmError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Uses of the model asked for (parse, interpret, phrase, explain), cache hits included.
    pub calls: u64,
    /// Calls that produced a usable JSON answer (from the server or the cache).
    pub successes: u64,
    /// Calls answered from the in-memory cache, without a request.
    pub cache_hits: u64,
    /// Calls that produced nothing usable; the offline engine's result stood.
    pub failures: u64,
    /// Failures by kind (`timeout`, `rate_limited`, `server_error`, `malformed`, …).
    pub failures_by_kind: BTreeMap<String, u64>,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    pub retries: u64,
    /// Answers that parsed but were rejected or trimmed by validation (unknown
    /// components or parameters, values not in the request, code in an explanation).
    pub rejected_outputs: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Wall time spent waiting for the model, retries and backoff included.
    pub total_latency_ms: u64,
    pub last_latency_ms: Option<u64>,
    pub last_error: Option<String>,
    pub breaker: BreakerState,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            calls: 0,
            successes: 0,
            cache_hits: 0,
            failures: 0,
            failures_by_kind: BTreeMap::new(),
            requests: 0,
            retries: 0,
            rejected_outputs: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
            total_latency_ms: 0,
            last_latency_ms: None,
            last_error: None,
            breaker: BreakerState::Closed,
        }
    }
}

/// What one call contributed to the counters; applied to the service's and the
/// conversation's stats alike.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    pub cache_hit: bool,
    pub requests: u64,
    pub retries: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub latency: Option<Duration>,
    pub error: Option<LlmError>,
}

impl Stats {
    pub(crate) fn apply(&mut self, r: &CallRecord) {
        self.calls += 1;
        self.requests += r.requests;
        self.retries += r.retries;
        self.prompt_tokens += r.prompt_tokens;
        self.completion_tokens += r.completion_tokens;
        if r.cache_hit {
            self.cache_hits += 1;
        }
        if let Some(latency) = r.latency {
            let ms = latency.as_millis() as u64;
            self.total_latency_ms += ms;
            self.last_latency_ms = Some(ms);
        }
        match &r.error {
            None => self.successes += 1,
            Some(e) => {
                self.failures += 1;
                *self.failures_by_kind.entry(e.kind().to_string()).or_default() += 1;
                self.last_error = Some(e.to_string());
            }
        }
    }

    /// Failures of one kind (0 when none happened).
    pub fn failures_of(&self, kind: &str) -> u64 {
        self.failures_by_kind.get(kind).copied().unwrap_or(0)
    }

    pub fn tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }

    /// Mean latency of calls that went to the server, in milliseconds.
    pub fn mean_latency_ms(&self) -> Option<u64> {
        let timed = self.calls - self.cache_hits - self.failures_of("breaker_open");
        (timed > 0).then(|| self.total_latency_ms / timed)
    }
}

/// One status line, e.g. `LLM: 4 calls (1 cached, 1 failed: timeout 1), 2 retries,
/// 1830 tokens (1500 in / 330 out), mean 420 ms, breaker closed`.
impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LLM: {} calls ({} cached, {} failed", self.calls, self.cache_hits, self.failures)?;
        if !self.failures_by_kind.is_empty() {
            let kinds: Vec<String> = self.failures_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
            write!(f, ": {}", kinds.join(", "))?;
        }
        write!(
            f,
            "), {} retries, {} rejected outputs, {} tokens ({} in / {} out)",
            self.retries,
            self.rejected_outputs,
            self.tokens(),
            self.prompt_tokens,
            self.completion_tokens
        )?;
        if let Some(mean) = self.mean_latency_ms() {
            write!(f, ", mean {mean} ms")?;
        }
        write!(f, ", breaker {}", self.breaker)?;
        if let Some(e) = &self.last_error {
            write!(f, "; last error: {e}")?;
        }
        Ok(())
    }
}
