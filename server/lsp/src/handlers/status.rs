//! `terraconverse/status`: where a conversation is and what it has collected, and
//! what the LLM did (calls, failures by kind, retries, tokens, latency, breaker).

use crate::conversations::{flow, llm, view};
use crate::protocol::{ConversationParams, StatusResult};
use crate::server::Server;
use tc_conversation::Command;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

pub async fn run(server: &Server, params: ConversationParams) -> Result<StatusResult> {
    let id = params.conversation;
    let mut session = server.shared.lock();
    if !session.conversations.entries.contains_key(&id) {
        return Err(flow::unknown(&id));
    }
    let llm_line = llm::status_line(&mut session, &id);
    let entry = session.conversations.entries.get_mut(&id).ok_or_else(|| flow::unknown(&id))?;
    let mut turn = entry.conversation.apply(Command::Status);
    turn.messages.push(llm_line);
    let stack = entry.conversation.partial_stack();
    let parameters = stack
        .resources
        .iter()
        .flat_map(|r| {
            r.values.iter().map(move |(k, v)| format!("{}.{} = {}", r.key, k, tc_conversation::display(v)))
        })
        .collect();
    let target = Uri::from_file_path(entry.target.path())
        .ok_or_else(|| Error::internal_error())?;
    Ok(StatusResult { turn: view::turn(&id, &turn, Vec::new(), None), request: entry.request.clone(), target, parameters })
}
