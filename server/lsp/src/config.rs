//! Server settings, read from `initializationOptions` and from
//! `workspace/didChangeConfiguration` (both either flat or under a `terraconverse`
//! key). Unknown keys are ignored; a wrong type keeps the previous value and is logged.
//! Documented in docs/configuration.md.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Level of `window/logMessage` output: error, warn, info, debug or trace.
    pub log_level: tracing::Level,
    /// Quiet time after the last keystroke before diagnostics are recomputed.
    pub debounce_ms: u64,
    /// Security rule diagnostics (tc_rules).
    pub rules: bool,
    /// Provider schema diagnostics (tc_schema).
    pub schema: bool,
    /// Reuse the VPC, subnets and security groups a workspace already defines.
    pub reuse_existing: bool,
    /// How long to wait for the client to report that an applied edit reached the buffer.
    pub edit_settle_ms: u64,
    /// The `llm` settings object as sent (checked to parse), for the LLM service
    /// (docs/llm.md); `None` leaves everything to the environment.
    pub llm: Option<LlmSettingsValue>,
}

/// The `llm` settings object as the editor sent it. Its `Debug` output is redacted
/// because it may hold an API key, and settings end up in debug logs.
#[derive(Clone, PartialEq)]
pub struct LlmSettingsValue(pub Value);

impl std::fmt::Debug for LlmSettingsValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LlmSettingsValue(<redacted>)")
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            log_level: tracing::Level::INFO,
            debounce_ms: 150,
            rules: true,
            schema: true,
            reuse_existing: true,
            edit_settle_ms: 2000,
            llm: None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    log_level: Option<String>,
    diagnostics: Option<RawDiagnostics>,
    reuse_existing: Option<bool>,
    edit_settle_ms: Option<u64>,
    llm: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDiagnostics {
    debounce_ms: Option<u64>,
    rules: Option<bool>,
    schema: Option<bool>,
}

impl Config {
    /// Applies settings from a JSON value; returns what was wrong with it, if anything.
    pub fn update(&mut self, value: &Value) -> Vec<String> {
        let value = value.get("terraconverse").unwrap_or(value);
        if value.is_null() {
            return Vec::new();
        }
        let raw: Raw = match serde_json::from_value(value.clone()) {
            Ok(raw) => raw,
            Err(e) => return vec![format!("ignoring settings: {e}")],
        };
        let mut problems = Vec::new();
        if let Some(level) = raw.log_level {
            match level.parse::<tracing::Level>() {
                Ok(l) => self.log_level = l,
                Err(_) => problems.push(format!(
                    "logLevel {level:?} is not one of error, warn, info, debug, trace; keeping {}",
                    self.log_level
                )),
            }
        }
        if let Some(d) = raw.diagnostics {
            if let Some(ms) = d.debounce_ms {
                self.debounce_ms = ms.min(5_000);
            }
            if let Some(r) = d.rules {
                self.rules = r;
            }
            if let Some(s) = d.schema {
                self.schema = s;
            }
        }
        if let Some(r) = raw.reuse_existing {
            self.reuse_existing = r;
        }
        if let Some(ms) = raw.edit_settle_ms {
            self.edit_settle_ms = ms.min(30_000);
        }
        if let Some(llm) = raw.llm {
            match crate::conversations::llm::parse_settings(&llm) {
                Ok(_) => self.llm = Some(llm).filter(|v| !v.is_null()).map(LlmSettingsValue),
                Err(e) => problems.push(e),
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_nested_or_flat_and_bad_values_reported() {
        let mut c = Config::default();
        assert!(c.update(&json!({"terraconverse": {"logLevel": "debug", "diagnostics": {"debounceMs": 0}}})).is_empty());
        assert_eq!(c.log_level, tracing::Level::DEBUG);
        assert_eq!(c.debounce_ms, 0);
        let problems = c.update(&json!({"logLevel": "loud", "reuseExisting": false}));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("loud"));
        assert_eq!(c.log_level, tracing::Level::DEBUG);
        assert!(!c.reuse_existing);
        assert_eq!(c.update(&json!({"diagnostics": 3})).len(), 1);
    }

    #[test]
    fn llm_settings_are_kept_only_when_they_parse() {
        let mut c = Config::default();
        let good = json!({"baseUrl": "http://127.0.0.1:9/v1", "model": "m", "requestTimeoutMs": 500});
        assert!(c.update(&json!({"terraconverse": {"llm": good.clone()}})).is_empty());
        assert_eq!(c.llm, Some(LlmSettingsValue(good.clone())));
        // A misspelt key is reported with the accepted ones, and the old settings stay.
        let problems = c.update(&json!({"llm": {"baseURL": "http://x/v1"}}));
        assert!(problems.len() == 1 && problems[0].contains("baseURL") && problems[0].contains("baseUrl"), "{problems:?}");
        assert_eq!(c.llm, Some(LlmSettingsValue(good)));
        c.update(&json!({"llm": {"apiKey": "sk-SECRET"}}));
        assert!(!format!("{c:?}").contains("SECRET"), "{c:?}");
    }
}
