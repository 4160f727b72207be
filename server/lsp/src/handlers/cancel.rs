//! `terraconverse/cancel`: forget a conversation and its saved state (what it wrote stays).

use crate::conversations::flow;
use crate::protocol::{CancelResult, ConversationParams};
use crate::server::Server;
use tower_lsp_server::jsonrpc::Result;

pub async fn run(server: &Server, params: ConversationParams) -> Result<CancelResult> {
    let id = params.conversation;
    let entry = server.shared.lock().conversations.entries.remove(&id).ok_or_else(|| flow::unknown(&id))?;
    let file = entry.state_file();
    if let Err(e) = std::fs::remove_file(&file) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!("could not delete {}: {e}", file.display());
        }
    }
    tracing::info!("conversation {id} cancelled");
    Ok(CancelResult { conversation: id, cancelled: true })
}
