//! `terraconverse/status`: where a conversation is and what it has collected.

use crate::conversations::{flow, view};
use crate::protocol::{ConversationParams, StatusResult};
use crate::server::Server;
use tc_conversation::Command;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

pub async fn run(server: &Server, params: ConversationParams) -> Result<StatusResult> {
    let id = params.conversation;
    let mut session = server.shared.lock();
    let entry = session.conversations.entries.get_mut(&id).ok_or_else(|| flow::unknown(&id))?;
    let turn = entry.conversation.apply(Command::Status);
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
