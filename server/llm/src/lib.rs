//! Optional LLM support for TerraConverse through any OpenAI-compatible chat
//! completions API (Groq by default; OpenAI, Ollama and llama.cpp by configuration).
//!
//! The model only ever improves on the offline engine: it reads the first request
//! into the same typed [`tc_intent::Intent`] (merged into the offline one and
//! checked against the knowledge base), proposes a value for a free-form answer
//! (which the conversation validates like a typed one), rephrases questions, and
//! explains security findings. It never writes Terraform that is used. Without a
//! key the service is simply off; with one, timeouts, retries, a circuit breaker
//! and JSON repair keep a bad provider from hurting the conversation.
//!
//! Entry points: [`LlmService::from_env`] / [`LlmService::from_settings`], then
//! [`LlmService::conversation`] and the async methods of [`LlmConversation`].
//! See `docs/llm.md`.

pub mod assist;
mod breaker;
mod cache;
mod client;
pub mod config;
pub mod context;
pub mod error;
pub mod merge;
mod prompts;
mod repair;
mod service;
pub mod stats;
#[cfg(feature = "testing")]
pub mod testing;

pub use breaker::BreakerState;
pub use config::{ApiKey, Disabled, LlmConfig, LlmSettings};
pub use error::LlmError;
pub use merge::Dropped;
pub use repair::parse_json_object;
pub use service::{looks_like_code, FindingView, IntentOutcome, LlmConversation, LlmService, QuestionView};
pub use stats::Stats;
