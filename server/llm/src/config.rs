//! Configuration of the LLM service: where the OpenAI-compatible API is, which
//! model to ask, the API key, and the limits that keep a slow or failing provider
//! from slowing the conversation down. Read from the environment or from the
//! language server's initialization options.

use serde::Deserialize;
use std::fmt;
use std::time::Duration;

/// Groq's OpenAI-compatible endpoint; the client appends `/chat/completions`.
pub const DEFAULT_BASE_URL: &str = "https://api.groq.com/openai/v1";
/// The default model. Hosted models get retired, so this is only a starting point:
/// `TERRACONVERSE_LLM_MODEL` or the `model` setting overrides it.
pub const DEFAULT_MODEL: &str = "llama-3.3-70b-versatile";

/// Environment variables read by [`LlmConfig::from_env`], in order of precedence for the key.
pub const ENV_API_KEY: &str = "TERRACONVERSE_LLM_API_KEY";
pub const ENV_GROQ_API_KEY: &str = "GROQ_API_KEY";
pub const ENV_BASE_URL: &str = "TERRACONVERSE_LLM_BASE_URL";
pub const ENV_MODEL: &str = "TERRACONVERSE_LLM_MODEL";
/// Time allowed for one request, in milliseconds (the `requestTimeoutMs` setting wins).
pub const ENV_TIMEOUT_MS: &str = "TERRACONVERSE_LLM_TIMEOUT_MS";
/// Set to `0`, `off` or `false` to keep the LLM off even when a key is present.
pub const ENV_ENABLED: &str = "TERRACONVERSE_LLM";

/// An API key. It is deliberately neither `Serialize` nor `Display`, and its `Debug`
/// output is redacted, so it cannot end up in logs, session files or status lines
/// by accident. The only way to read it is [`ApiKey::expose`], used once when the
/// request header is built.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The secret itself. Only the HTTP client calls this, to build the
    /// `Authorization` header, which it marks as sensitive.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Everything the service needs to talk to a provider.
#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// Base URL including the version path, e.g. `https://api.groq.com/openai/v1`.
    pub base_url: String,
    pub model: String,
    /// `None` for local servers (Ollama, llama.cpp) that need no key.
    pub api_key: Option<ApiKey>,
    /// Time allowed to open the TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Time allowed for one whole request, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Retries after the first attempt, only on 429 and 5xx.
    pub max_retries: u32,
    /// First backoff delay; doubled on each retry, with jitter.
    pub backoff_base: Duration,
    /// Upper bound for one backoff delay and for an honoured `retry-after`. A server
    /// asking to wait longer than this is treated as a failure instead: the user
    /// should not sit waiting for a rate limit when the offline engine can answer.
    pub max_backoff: Duration,
    /// Consecutive failed calls that open the circuit breaker.
    pub breaker_threshold: u32,
    /// How long the breaker stays open before one trial call is let through.
    pub breaker_cooldown: Duration,
    /// Longest user text sent to the model, in characters; longer input is cut.
    pub max_input_chars: usize,
    /// Upper bound for the model's answer, in tokens.
    pub max_output_tokens: u32,
    /// Number of distinct calls whose answers are kept in memory.
    pub cache_capacity: usize,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            model: DEFAULT_MODEL.to_string(),
            api_key: None,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            max_retries: 2,
            backoff_base: Duration::from_millis(300),
            max_backoff: Duration::from_secs(8),
            breaker_threshold: 3,
            breaker_cooldown: Duration::from_secs(60),
            max_input_chars: 4000,
            max_output_tokens: 1024,
            cache_capacity: 256,
        }
    }
}

/// Why the service stays off. Shown once to the user; never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disabled {
    /// No key and no explicit base URL: the normal offline case.
    NoKey,
    /// `TERRACONVERSE_LLM=off` (or `enabled = false` in the settings).
    TurnedOff,
    /// The configuration is unusable; the text says what is wrong and how to fix it.
    Invalid(String),
}

impl fmt::Display for Disabled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Disabled::NoKey => write!(
                f,
                "LLM off: no {ENV_GROQ_API_KEY} or {ENV_API_KEY} set; using the offline engine only"
            ),
            Disabled::TurnedOff => {
                write!(f, "LLM off (turned off by {ENV_ENABLED} or the llm.enabled setting); using the offline engine only")
            }
            Disabled::Invalid(why) => write!(f, "LLM off: {why}; using the offline engine only"),
        }
    }
}

impl Disabled {
    /// The notice the first time it is asked for in this process, `None` after:
    /// "offline engine only" is said once, however many conversations start.
    pub fn notice_once(&self) -> Option<String> {
        static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        (!SAID.swap(true, std::sync::atomic::Ordering::Relaxed)).then(|| self.to_string())
    }
}

/// Settings as the editors send them (LSP initialization options or workspace
/// configuration under `terraconverse.llm`). Every field is optional; unset fields
/// fall back to the environment and then to the defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LlmSettings {
    pub enabled: Option<bool>,
    pub base_url: Option<String>,
    pub model: Option<String>,
    /// Accepted for editors that store it in settings; the environment is preferred.
    pub api_key: Option<ApiKey>,
    pub connect_timeout_ms: Option<u64>,
    pub request_timeout_ms: Option<u64>,
    pub max_retries: Option<u32>,
}

impl LlmConfig {
    /// Reads the process environment. `Err` explains why the service stays off.
    pub fn from_env() -> Result<LlmConfig, Disabled> {
        Self::from_settings(&LlmSettings::default(), |name| std::env::var(name).ok())
    }

    /// Combines editor settings with an environment lookup (a function so tests
    /// need not touch the real environment). Settings win over the environment.
    pub fn from_settings(
        settings: &LlmSettings,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<LlmConfig, Disabled> {
        let env = |name: &str| env(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let enabled = match settings.enabled {
            Some(e) => e,
            None => !matches!(
                env(ENV_ENABLED).map(|v| v.to_ascii_lowercase()).as_deref(),
                Some("0" | "off" | "false" | "no")
            ),
        };
        if !enabled {
            return Err(Disabled::TurnedOff);
        }
        let api_key = settings
            .api_key
            .clone()
            .filter(|k| !k.expose().trim().is_empty())
            .or_else(|| env(ENV_API_KEY).map(ApiKey))
            .or_else(|| env(ENV_GROQ_API_KEY).map(ApiKey));
        let explicit_url = settings.base_url.clone().or_else(|| env(ENV_BASE_URL));
        // A local server (Ollama, llama.cpp) needs no key, so an explicitly configured
        // base URL is enough to turn the service on; Groq's default URL is not.
        if api_key.is_none() && explicit_url.is_none() {
            return Err(Disabled::NoKey);
        }
        let base_url = explicit_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let base_url = validate_base_url(&base_url)?;
        let model = settings.model.clone().or_else(|| env(ENV_MODEL)).unwrap_or_else(|| DEFAULT_MODEL.to_string());
        let mut config = LlmConfig { base_url, model, api_key, ..LlmConfig::default() };
        if let Some(ms) = settings.connect_timeout_ms {
            config.connect_timeout = Duration::from_millis(ms.max(1));
        }
        let env_timeout = match env(ENV_TIMEOUT_MS) {
            Some(raw) => Some(raw.parse::<u64>().map_err(|_| {
                Disabled::Invalid(format!("{ENV_TIMEOUT_MS} `{raw}` is not a number of milliseconds, e.g. 20000"))
            })?),
            None => None,
        };
        if let Some(ms) = settings.request_timeout_ms.or(env_timeout) {
            config.request_timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(n) = settings.max_retries {
            config.max_retries = n.min(10);
        }
        Ok(config)
    }

    /// The full endpoint URL.
    pub fn endpoint(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }

    /// One line for status output: provider and model, never the key.
    pub fn describe(&self) -> String {
        let auth = if self.api_key.is_some() { "with API key" } else { "without API key" };
        format!("LLM on: model {} at {} ({auth})", self.model, self.base_url)
    }
}

/// Checks the base URL and removes a trailing slash (and a mistakenly included
/// `/chat/completions`) so that appending the endpoint path gives one clean URL.
fn validate_base_url(raw: &str) -> Result<String, Disabled> {
    let mut url = raw.trim().trim_end_matches('/').to_string();
    if let Some(stripped) = url.strip_suffix("/chat/completions") {
        url = stripped.to_string();
    }
    let ok_scheme = url.starts_with("https://") || url.starts_with("http://");
    let has_host = url.split("://").nth(1).is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if !ok_scheme || !has_host || reqwest::Url::parse(&url).is_err() {
        return Err(Disabled::Invalid(format!(
            "{ENV_BASE_URL} `{raw}` is not an http(s) URL; set it to the API's base URL including the \
             version path, e.g. {DEFAULT_BASE_URL} or http://localhost:11434/v1"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn environment_decides_whether_the_service_is_on() {
        // (variables, expected base URL or the reason it is off)
        type Vars<'a> = Vec<(&'a str, &'a str)>;
        let cases: Vec<(Vars, Result<&str, Disabled>)> = vec![
            (vec![], Err(Disabled::NoKey)),
            (vec![(ENV_GROQ_API_KEY, "  ")], Err(Disabled::NoKey)),
            (vec![(ENV_GROQ_API_KEY, "gsk_x")], Ok(DEFAULT_BASE_URL)),
            (vec![(ENV_API_KEY, "sk-x"), (ENV_BASE_URL, "https://api.openai.com/v1/")], Ok("https://api.openai.com/v1")),
            (vec![(ENV_BASE_URL, "http://localhost:11434/v1")], Ok("http://localhost:11434/v1")),
            (vec![(ENV_BASE_URL, "http://127.0.0.1:8080/v1/chat/completions")], Ok("http://127.0.0.1:8080/v1")),
            (vec![(ENV_GROQ_API_KEY, "gsk_x"), (ENV_ENABLED, "off")], Err(Disabled::TurnedOff)),
            (
                vec![(ENV_GROQ_API_KEY, "gsk_x"), (ENV_TIMEOUT_MS, "soon")],
                Err(Disabled::Invalid("TERRACONVERSE_LLM_TIMEOUT_MS `soon` is not a number of milliseconds, e.g. 20000".into())),
            ),
        ];
        for (vars, expected) in cases {
            let got = LlmConfig::from_settings(&LlmSettings::default(), lookup(&vars));
            match (got, expected) {
                (Ok(c), Ok(url)) => assert_eq!(c.base_url, url, "{vars:?}"),
                (Err(e), Err(want)) => assert_eq!(e, want, "{vars:?}"),
                (got, want) => panic!("{vars:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_offline_notice_is_said_once() {
        let first = Disabled::NoKey.notice_once();
        assert_eq!(first.as_deref(), Some("LLM off: no GROQ_API_KEY or TERRACONVERSE_LLM_API_KEY set; using the offline engine only"));
        assert_eq!(Disabled::NoKey.notice_once(), None);
        assert_eq!(Disabled::TurnedOff.notice_once(), None);
    }

    #[test]
    fn a_bad_base_url_says_how_to_fix_it() {
        let err = LlmConfig::from_settings(&LlmSettings::default(), lookup(&[(ENV_BASE_URL, "localhost:11434")]))
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("not an http(s) URL") && text.contains("http://localhost:11434/v1"), "{text}");
    }

    #[test]
    fn settings_override_environment_and_the_key_key_priority_is_explicit() {
        let env = lookup(&[(ENV_GROQ_API_KEY, "groq"), (ENV_API_KEY, "generic"), (ENV_MODEL, "env-model")]);
        let c = LlmConfig::from_settings(&LlmSettings::default(), &env).unwrap();
        assert_eq!(c.api_key, Some(ApiKey::new("generic")));
        assert_eq!(c.model, "env-model");
        let c = LlmConfig::from_settings(&LlmSettings::default(), lookup(&[(ENV_GROQ_API_KEY, "g"), (ENV_TIMEOUT_MS, "750")])).unwrap();
        assert_eq!(c.request_timeout, Duration::from_millis(750));
        let settings: LlmSettings =
            serde_json::from_value(serde_json::json!({"model": "qwen2.5", "requestTimeoutMs": 1500})).unwrap();
        let c = LlmConfig::from_settings(&settings, &env).unwrap();
        assert_eq!(c.model, "qwen2.5");
        assert_eq!(c.request_timeout, Duration::from_millis(1500));
    }

    #[test]
    fn the_key_never_shows_in_debug_or_status_output() {
        let c = LlmConfig::from_settings(&LlmSettings::default(), lookup(&[(ENV_GROQ_API_KEY, "gsk_SECRET123")])).unwrap();
        assert!(!format!("{c:?}").contains("SECRET123"));
        assert!(!c.describe().contains("SECRET123"));
        let settings: LlmSettings = serde_json::from_value(serde_json::json!({"apiKey": "sk-SECRET456"})).unwrap();
        assert!(!format!("{settings:?}").contains("SECRET456"));
    }
}
