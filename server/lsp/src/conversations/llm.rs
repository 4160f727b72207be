//! The optional LLM in the language server: the service built from the
//! `terraconverse.llm` settings (falling back to the environment, see docs/llm.md),
//! one model-side conversation per protocol conversation, and the three places the
//! model is used — reading the first request (`terraconverse/start`), reading an
//! answer the engine could not (`terraconverse/answer`), and the counters shown by
//! `terraconverse/status`. The session lock is never held while the model is asked:
//! the question is copied out, the lock released, the model awaited, and the
//! candidate handed to the engine in a normal turn, validated like typed text.

use crate::config::LlmSettingsValue;
use crate::conversations::flow;
use crate::protocol::TurnResult;
use crate::server::Server;
use crate::session::Session;
use serde_json::Value;
use std::collections::HashMap;
use tc_conversation::{Conversation, OfflineOnly, StartError, Turn};
use tc_llm::{assist, Disabled, LlmConversation, LlmService, LlmSettings};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::MessageType;

/// The service and the model's side of each conversation.
#[derive(Default)]
pub struct LlmState {
    /// The `llm` settings the service was built from; `None` before the first build.
    built_from: Option<Option<LlmSettingsValue>>,
    /// The service, or why it is off; `None` before the first build.
    service: Option<std::result::Result<LlmService, Disabled>>,
    /// Conversation id → its history and counters with the model.
    conversations: HashMap<String, LlmConversation>,
}

impl std::fmt::Debug for LlmState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmState")
            .field("service", &self.service)
            .field("conversations", &self.conversations.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Parses the `llm` settings object; the error says what is wrong with it.
pub fn parse_settings(value: &Value) -> std::result::Result<LlmSettings, String> {
    serde_json::from_value(value.clone()).map_err(|e| {
        format!(
            "ignoring the llm settings: {e}; expected an object with enabled, baseUrl, model, apiKey, \
             connectTimeoutMs, requestTimeoutMs, maxRetries (see docs/llm.md)"
        )
    })
}

/// Builds the service when the settings changed since the last build (or on first
/// use). Returns the line to show the user: which model is used, or — once per
/// process — why none is.
fn refresh(session: &mut Session) -> Option<String> {
    if session.llm.built_from.as_ref() == Some(&session.config.llm) {
        return None;
    }
    // The settings were checked when they arrived (config.rs): what is stored parses.
    let settings = session.config.llm.as_ref().and_then(|v| parse_settings(&v.0).ok()).unwrap_or_default();
    let built = LlmService::from_settings(&settings);
    let notice = match &built {
        Ok(service) => Some(service.describe()),
        Err(off) => off.notice_once(),
    };
    // Conversations started under the old settings talk to the new service from now on.
    session.llm.conversations.clear();
    session.llm.service = Some(built);
    session.llm.built_from = Some(session.config.llm.clone());
    notice
}

/// Shows a notice on stderr and in the client's log; never on stdout, which carries
/// only the protocol.
async fn show(server: &Server, notice: String) {
    eprintln!("{notice}");
    server.client.log_message(MessageType::INFO, notice).await;
}

/// Builds the service from the initial settings and says once whether a model is
/// used (called from `initialized`, when the client can receive log messages).
pub async fn announce(server: &Server) {
    let notice = refresh(&mut server.shared.lock());
    if let Some(n) = notice {
        show(server, n).await;
    }
}

/// The model's side of conversation `id`, created on first use (for example for a
/// conversation resumed after a restart); `None` when no model is configured.
fn conversation(session: &mut Session, id: &str) -> Option<LlmConversation> {
    let service = session.llm.service.as_ref()?.as_ref().ok()?.clone();
    Some(session.llm.conversations.entry(id.to_string()).or_insert_with(|| service.conversation()).clone())
}

/// Starts the engine on `request`, with the model's reading merged in when one is
/// configured. The model's side is returned for [`attach`] once the id exists.
pub async fn start(server: &Server, request: &str) -> std::result::Result<(Conversation, Turn, Option<LlmConversation>), StartError> {
    let (llm, notice) = {
        let mut session = server.shared.lock();
        let notice = refresh(&mut session);
        let llm = session.llm.service.as_ref().and_then(|s| s.as_ref().ok()).map(LlmService::conversation);
        (llm, notice)
    };
    if let Some(n) = notice {
        show(server, n).await;
    }
    let started = assist::start(llm.as_ref(), request).await?;
    Ok((started.conversation, started.turn, llm))
}

/// Keeps the model's side of a new conversation under its id.
pub fn attach(session: &mut Session, id: &str, llm: Option<LlmConversation>) {
    if let Some(llm) = llm {
        session.llm.conversations.insert(id.to_string(), llm);
    }
}

/// Typed text for conversation `id`. `Ok(None)` when the model has nothing to do
/// with it (no model, or the engine accepts the text, or it is a command or a
/// security confirmation, or the model found no value): the caller runs the
/// normal turn. Otherwise the model's candidate is handed to the engine in a turn
/// of its own; if the engine refuses it too, that turn is the engine's own
/// reading of the text, so the user sees the usual rejection.
pub async fn answer(server: &Server, id: &str, text: &str) -> Result<Option<TurnResult>> {
    let asked = {
        let mut session = server.shared.lock();
        if !session.conversations.entries.contains_key(id) {
            // The normal turn answers with the "no such conversation" error.
            return Ok(None);
        }
        let Some(llm) = conversation(&mut session, id) else { return Ok(None) };
        let entry = session.conversations.entries.get(id).ok_or_else(|| flow::unknown(id))?;
        llm.remember_user(text);
        // The text answers the question the user was shown. When that is not the
        // engine's (a question the server asks before the engine's own, such as
        // whether to reuse the folder's VPC), the model has nothing to add.
        let shown = entry.last_turn.as_ref().map(|t| t.question.as_ref().map(|q| q.id.clone()));
        if shown.is_some_and(|shown| shown != entry.conversation.current_question().map(|q| q.id)) {
            return Ok(None);
        }
        // A trial run on a copy: a rejected input changes nothing, and the real turn
        // happens in `flow::turn`, in order with the conversation's other turns.
        let mut trial = entry.conversation.clone();
        let turn = trial.handle(text);
        assist::wants_model(&trial, text, &turn).map(|question| (llm, question))
    };
    let Some((llm, question)) = asked else { return Ok(None) };
    let Some(candidate) = llm.interpret_answer(&question, text).await else { return Ok(None) };
    let text = text.to_string();
    let result = flow::turn(server, id, move |c| {
        assist::apply_candidate(c, &question.id, &text, &candidate, &OfflineOnly).unwrap_or_else(|| c.handle(&text))
    })
    .await?;
    Ok(Some(result))
}

/// Remembers the question asked after a turn, as context for the model's next call.
pub fn remember(server: &Server, id: &str, result: &TurnResult) {
    let Some(q) = &result.question else { return };
    let llm = conversation(&mut server.shared.lock(), id);
    if let Some(llm) = llm {
        llm.remember_assistant(&q.text);
    }
}

/// The LLM line of `terraconverse/status`: calls, failures by kind, retries,
/// rejected outputs, tokens, latency and the breaker, or why no model is used.
pub fn status_line(session: &mut Session, id: &str) -> String {
    let llm = conversation(session, id);
    let off = session.llm.service.as_ref().and_then(|s| s.as_ref().err());
    assist::status_line(llm.as_ref(), off)
}
