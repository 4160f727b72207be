//! Why a call to the model produced nothing usable. Every variant leads to the
//! same outcome for the user (the offline engine's answer stands); the variants
//! exist so status output and tests can say what happened.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    #[error("the model did not answer within {0:?}")]
    Timeout(Duration),
    #[error("could not reach the model's server: {0}")]
    Connect(String),
    #[error("the model's server answered HTTP {status}{}{}", retry_after_note(*.retry_after), http_hint(*.status, .message))]
    Http { status: u16, retry_after: Option<Duration>, message: Option<String> },
    #[error("the answer was cut off ({0})")]
    Truncated(String),
    #[error("the answer was not the JSON asked for: {0}")]
    Malformed(String),
    #[error("the model declined to answer ({0})")]
    Refused(String),
    #[error("the LLM is paused after repeated failures (circuit breaker open)")]
    BreakerOpen,
}

fn retry_after_note(d: Option<Duration>) -> String {
    match d {
        Some(d) if d < Duration::from_secs(1) => format!(" (retry after {} ms)", d.as_millis()),
        Some(d) => format!(" (retry after {:.1} s)", d.as_secs_f64()),
        None => String::new(),
    }
}

/// What to check for the statuses a configuration mistake causes, plus the
/// server's own message when it gave one.
fn http_hint(status: u16, message: &Option<String>) -> String {
    let hint = match status {
        401 | 403 => ": the API key was refused; check GROQ_API_KEY or TERRACONVERSE_LLM_API_KEY",
        404 => ": check TERRACONVERSE_LLM_BASE_URL (it must end in the version path, e.g. /v1) and TERRACONVERSE_LLM_MODEL (hosted models get retired)",
        _ => "",
    };
    match message {
        Some(m) => format!("{hint} ({m})"),
        None => hint.to_string(),
    }
}

impl LlmError {
    /// 429 and 5xx are worth retrying; other client errors (bad key, bad model
    /// name, bad request) will fail the same way again.
    pub fn is_retryable(&self) -> bool {
        matches!(self, LlmError::Http { status, .. } if *status == 429 || (500..=599).contains(status))
    }

    /// Short stable name used in counters and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            LlmError::Timeout(_) => "timeout",
            LlmError::Connect(_) => "connect",
            LlmError::Http { status: 429, .. } => "rate_limited",
            LlmError::Http { status, .. } if *status >= 500 => "server_error",
            LlmError::Http { .. } => "client_error",
            LlmError::Truncated(_) => "truncated",
            LlmError::Malformed(_) => "malformed",
            LlmError::Refused(_) => "refused",
            LlmError::BreakerOpen => "breaker_open",
        }
    }
}

/// Serialized as `{"kind": "timeout", "message": "…"}` for JSON status output.
impl serde::Serialize for LlmError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("LlmError", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}
