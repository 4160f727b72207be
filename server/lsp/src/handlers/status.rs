//! `terraconverse/status`: where a conversation is and what it has collected, and
//! what the LLM did (calls, failures by kind, retries, tokens, latency, breaker).

use crate::conversations::{flow, llm, view};
use crate::protocol::{ConversationParams, StatusResult};
use crate::server::Server;
use tower_lsp_server::jsonrpc::{Error, Result};

pub async fn run(server: &Server, params: ConversationParams) -> Result<StatusResult> {
    let id = params.conversation;
    let mut session = server.shared.lock();
    if !session.conversations.entries.contains_key(&id) {
        return Err(flow::unknown(&id));
    }
    let llm_line = llm::status_line(&mut session, &id);
    let entry = session.conversations.entries.get_mut(&id).ok_or_else(|| flow::unknown(&id))?;
    // Region, collected values, what remains and what is reused: conversations/view.rs.
    view::status(&id, entry, vec![llm_line]).ok_or_else(Error::internal_error)
}
