//! The integration API: [`LlmService`] (one per process, cheap to clone) and
//! [`LlmConversation`] (one per conversation: its history, collected parameters
//! and counters). Every method improves on the offline engine and never replaces
//! it: on any failure it returns the offline result or `None`, and everything the
//! model says is checked before it is returned.

use crate::client::{lock, Client};
use crate::config::{Disabled, LlmConfig, LlmSettings};
use crate::context::{Context, Message, Role};
use crate::error::LlmError;
use crate::merge::{merge, Dropped};
use crate::prompts;
use crate::stats::Stats;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tc_intent::Intent;
use tc_knowledge::knowledge;

/// Longest question a model may phrase, in characters.
const MAX_QUESTION_CHARS: usize = 240;
/// Longest candidate answer, in characters.
const MAX_ANSWER_CHARS: usize = 200;
/// Longest explanation of a finding, in characters.
const MAX_EXPLANATION_CHARS: usize = 800;

/// The LLM service. Construct it once; clones share the HTTP client, cache,
/// circuit breaker and counters.
#[derive(Clone)]
pub struct LlmService {
    client: Arc<Client>,
}

impl std::fmt::Debug for LlmService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmService").field("config", self.client.config()).finish_non_exhaustive()
    }
}

impl LlmService {
    pub fn new(config: LlmConfig) -> Result<LlmService, Disabled> {
        let client = Client::new(config).map_err(Disabled::Invalid)?;
        Ok(LlmService { client: Arc::new(client) })
    }

    /// From the environment. `Err` is not a failure: it says why the service is off
    /// (normally "no key"), for the caller to show once.
    pub fn from_env() -> Result<LlmService, Disabled> {
        LlmService::new(LlmConfig::from_env()?)
    }

    /// From editor settings (LSP initialization options), falling back to the environment.
    pub fn from_settings(settings: &LlmSettings) -> Result<LlmService, Disabled> {
        LlmService::new(LlmConfig::from_settings(settings, |name| std::env::var(name).ok())?)
    }

    /// One line for status: model and endpoint, never the key.
    pub fn describe(&self) -> String {
        self.client.config().describe()
    }

    /// Counters over every conversation, with the breaker's current state.
    pub fn stats(&self) -> Stats {
        self.client.stats()
    }

    /// A new conversation with empty history and counters.
    pub fn conversation(&self) -> LlmConversation {
        LlmConversation {
            service: self.clone(),
            context: Arc::new(Mutex::new(Context::default())),
            stats: Arc::new(Mutex::new(Stats::default())),
        }
    }
}

/// The result of [`LlmConversation::parse_intent`]: the intent to plan from, and
/// what the model contributed or why it contributed nothing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IntentOutcome {
    /// The offline intent, plus whatever the model added that passed validation.
    pub intent: Intent,
    /// Component ids the model added.
    pub added_components: Vec<String>,
    /// `component.parameter` values the model added.
    pub added_params: Vec<String>,
    pub region_added: bool,
    /// What the model proposed that was not used, and why.
    pub dropped: Vec<Dropped>,
    /// Why the model's answer could not be used at all; the offline intent stands.
    pub error: Option<LlmError>,
}

impl IntentOutcome {
    /// The offline intent unchanged, with the reason.
    fn offline(offline: &Intent, error: LlmError) -> Self {
        IntentOutcome { intent: offline.clone(), error: Some(error), ..IntentOutcome::default() }
    }

    /// A line for the user, or `None` when the model changed nothing worth saying.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.added_components.is_empty() {
            parts.push(format!("the LLM also understood: {}", self.added_components.join(", ")));
        }
        if !self.added_params.is_empty() {
            parts.push(format!("values from the request: {}", self.added_params.join(", ")));
        }
        if self.region_added {
            parts.push(format!("region {}", self.intent.region.as_deref().unwrap_or("?")));
        }
        if !self.dropped.is_empty() {
            let d: Vec<String> = self.dropped.iter().map(|d| format!("{} ({})", d.what, d.why)).collect();
            parts.push(format!("ignored: {}", d.join("; ")));
        }
        if let Some(e) = &self.error {
            parts.push(format!("LLM not used: {e}"))
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The question being answered or phrased, as the conversation presents it.
/// `From<&tc_conversation::Question>` fills it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QuestionView {
    /// Question id, e.g. `web.instance_type`.
    pub id: String,
    pub text: String,
    pub why: String,
    pub default: Option<String>,
    pub choices: Vec<String>,
    pub example: Option<String>,
    /// Component id and parameter id when known, to show the model the value's type.
    pub parameter: Option<(String, String)>,
}

impl QuestionView {
    /// Whether this asks the user to confirm an insecure answer (`confirm.<id>`).
    pub fn is_security_confirmation(&self) -> bool {
        self.id.starts_with("confirm.")
    }

    /// The conversation's current question, with the component and parameter it
    /// asks about (looked up in the plan by the question id `<resource key>.<parameter>`).
    pub fn current(conversation: &tc_conversation::Conversation) -> Option<QuestionView> {
        let q = conversation.current_question()?;
        let parameter = q.id.split_once('.').and_then(|(key, param)| {
            let r = conversation.plan().resources.iter().find(|r| r.key == key)?;
            Some((r.component.clone(), param.to_string()))
        });
        Some(QuestionView { parameter, ..QuestionView::from(&q) })
    }
}

impl From<&tc_conversation::Question> for QuestionView {
    fn from(q: &tc_conversation::Question) -> Self {
        QuestionView {
            id: q.id.clone(),
            text: q.text.clone(),
            why: q.why.clone(),
            default: q.default.clone(),
            choices: q.choices.clone(),
            example: q.example.clone(),
            parameter: None,
        }
    }
}

/// A security finding to explain.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingView {
    /// Rule id, e.g. `CKV_AWS_24` or `TC-SG-001`.
    pub rule: String,
    pub message: String,
    /// Resource address, e.g. `aws_security_group.web`.
    pub resource: String,
    /// What the quick fix changes, in words.
    pub fix: Option<String>,
}

/// One conversation's view of the service: its recent history, the parameters
/// collected so far and its own counters. Clones share them. No lock is held
/// across an `.await`, so it can live in the language server's state.
#[derive(Clone)]
pub struct LlmConversation {
    service: LlmService,
    context: Arc<Mutex<Context>>,
    stats: Arc<Mutex<Stats>>,
}

impl LlmConversation {
    /// Records what the user typed (for context in later calls).
    pub fn remember_user(&self, text: &str) {
        lock(&self.context).push(Role::User, text);
    }

    /// Records what TerraConverse said or asked.
    pub fn remember_assistant(&self, text: &str) {
        lock(&self.context).push(Role::Assistant, text);
    }

    /// Replaces the collected parameters (`resource.parameter` → value).
    pub fn set_collected(&self, collected: BTreeMap<String, Value>) {
        lock(&self.context).set_collected(collected);
    }

    /// This conversation's counters, with the service's breaker state.
    pub fn stats(&self) -> Stats {
        let mut s = lock(&self.stats).clone();
        s.breaker = self.service.client.stats().breaker;
        s
    }

    pub fn service(&self) -> &LlmService {
        &self.service
    }

    /// Reads `text` (the first request) with the model and merges the result into
    /// the offline engine's `offline` intent. The merge only adds what passes the
    /// knowledge base's checks, so recall never drops below the offline engine's.
    pub async fn parse_intent(&self, text: &str, offline: &Intent) -> IntentOutcome {
        let messages = [
            Message::new(Role::System, intent_system_prompt()),
            Message::new(Role::User, prompts::user_data("The request", text, self.max_input())),
        ];
        let json = match self.ask(&messages).await {
            Ok(json) => json,
            Err(e) => return IntentOutcome::offline(offline, e),
        };
        let merged = merge(knowledge(), text, offline, &json);
        self.note_rejected(merged.dropped.len() as u64);
        if !merged.dropped.is_empty() {
            tracing::info!(target: "tc_llm", dropped = merged.dropped.len(), "parts of the model's intent failed validation");
        }
        IntentOutcome {
            intent: merged.intent,
            added_components: merged.added_components,
            added_params: merged.added_params,
            region_added: merged.region_added,
            dropped: merged.dropped,
            error: None,
        }
    }

    /// Asks the model what value a free-form answer the offline engine could not
    /// read gives for `question`. The result is only a candidate: feed it to the
    /// conversation (`Conversation::handle`), which validates it and raises security
    /// warnings exactly as for a typed answer. `None` when the model found no value,
    /// failed, or answered with something that is not a one-line value.
    pub async fn interpret_answer(&self, question: &QuestionView, text: &str) -> Option<String> {
        if question.is_security_confirmation() {
            // Keeping an insecure value takes the user's own explicit yes; a model's
            // reading of ambiguous words never counts as one.
            tracing::debug!(target: "tc_llm", "not interpreting a security confirmation");
            return None;
        }
        let kb = knowledge();
        let parameter = question
            .parameter
            .as_ref()
            .and_then(|(c, p)| kb.components.get(c).and_then(|c| c.parameters.iter().find(|x| &x.id == p)));
        let (history, collected) = self.context_snapshot();
        let system = prompts::answer_system(
            &question.text,
            parameter,
            &question.choices,
            question.default.as_deref(),
            &collected,
        );
        let mut messages = vec![Message::new(Role::System, system)];
        messages.extend(history);
        messages.push(Message::new(Role::User, prompts::user_data("The user's answer", text, self.max_input())));
        let json = self.ask(&messages).await.ok()?;
        let candidate = match json.get("answer") {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Null) | None => return None,
            Some(other) => return self.reject(format!("answer is not a single value: {other}")),
        };
        if candidate.is_empty() || candidate.eq_ignore_ascii_case(text.trim()) {
            return None;
        }
        if let Err(why) = one_line(&candidate, MAX_ANSWER_CHARS) {
            return self.reject(format!("candidate answer {why}"));
        }
        Some(candidate)
    }

    /// Rephrases `question` to fit the conversation so far. `None` keeps the
    /// original wording (on failure, or when the model's text is not one plain question).
    pub async fn phrase_question(&self, question: &QuestionView) -> Option<String> {
        let (history, collected) = self.context_snapshot();
        let system = prompts::phrase_system(&question.text, &question.why, question.default.as_deref(), &collected);
        let mut messages = vec![Message::new(Role::System, system)];
        messages.extend(history);
        messages.push(Message::new(Role::User, "Rephrase the question.".to_string()));
        let json = self.ask(&messages).await.ok()?;
        let text = json.get("question").and_then(Value::as_str)?.trim().to_string();
        if let Err(why) = one_line(&text, MAX_QUESTION_CHARS) {
            return self.reject(format!("phrased question {why}"));
        }
        if !text.ends_with('?') {
            return self.reject("phrased question is not a question".to_string());
        }
        Some(text)
    }

    /// Explains a security finding in plain words. `None` on failure or when the
    /// model's text contains code (a fix is applied by TerraConverse, never by the model).
    pub async fn explain_finding(&self, finding: &FindingView) -> Option<String> {
        let system = prompts::explain_system(&finding.rule, &finding.message, &finding.resource, finding.fix.as_deref());
        let messages = [Message::new(Role::System, system), Message::new(Role::User, "Explain the finding.".to_string())];
        let json = self.ask(&messages).await.ok()?;
        let text = json.get("explanation").and_then(Value::as_str)?.trim().to_string();
        if text.is_empty() || text.chars().count() > MAX_EXPLANATION_CHARS {
            return self.reject("explanation is empty or too long".to_string());
        }
        if looks_like_code(&text) {
            return self.reject("explanation contains code".to_string());
        }
        Some(text)
    }

    async fn ask(&self, messages: &[Message]) -> Result<Value, LlmError> {
        self.service.client.complete_json(messages, Some(&self.stats)).await
    }

    fn max_input(&self) -> usize {
        self.service.client.config().max_input_chars
    }

    fn context_snapshot(&self) -> (Vec<Message>, String) {
        let ctx = lock(&self.context);
        (ctx.history().cloned().collect(), ctx.collected_json())
    }

    fn note_rejected(&self, n: u64) {
        if n > 0 {
            self.service.client.note_rejected(n);
            lock(&self.stats).rejected_outputs += n;
        }
    }

    fn reject<T>(&self, why: String) -> Option<T> {
        tracing::info!(target: "tc_llm", "model output rejected: {why}");
        self.note_rejected(1);
        None
    }
}

fn intent_system_prompt() -> String {
    static PROMPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PROMPT.get_or_init(prompts::intent_system).clone()
}

/// A single line of plain text within `max` characters.
fn one_line(text: &str, max: usize) -> Result<(), String> {
    if text.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("spans several lines".to_string());
    }
    if looks_like_code(text) {
        return Err("contains code".to_string());
    }
    Ok(())
}

/// Whether text contains Terraform/HCL or other code. Model-written code is never
/// used, so such output is discarded rather than shown.
pub fn looks_like_code(text: &str) -> bool {
    const MARKERS: &[&str] = &["```", "${", "<<EOF", "<<-EOF", "= {", "= ["];
    const BLOCKS: &[&str] = &["resource \"", "data \"", "module \"", "provider \"", "variable \"", "output \"", "terraform {", "locals {"];
    let lower = text.to_ascii_lowercase();
    MARKERS.iter().any(|m| lower.contains(m))
        || BLOCKS.iter().any(|b| lower.contains(b))
        || text.lines().any(|l| {
            let t = l.trim();
            t.ends_with('{') || t == "}"
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_recognised_and_prose_is_not() {
        let code = [
            "resource \"aws_security_group\" \"x\" {",
            "Use this:\n```hcl\ncidr_blocks = [\"0.0.0.0/0\"]\n```",
            "ingress = { from_port = 22 }",
            "name = \"${var.x}\"",
            "cidr_blocks = [\"10.0.0.0/8\"]",
        ];
        for c in code {
            assert!(looks_like_code(c), "{c}");
        }
        let prose = [
            "Anyone on the internet can reach port 22; restrict it to your office network.",
            "t3.small",
            "10.0.0.0/16",
            "Which instance type should your web server use?",
        ];
        for p in prose {
            assert!(!looks_like_code(p), "{p}");
        }
    }
}
