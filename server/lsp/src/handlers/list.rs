//! `terraconverse/list`: every conversation, including those resumed from disk.

use crate::protocol::{ConversationSummary, ListResult, Progress};
use crate::server::Server;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::Uri;

pub async fn run(server: &Server) -> Result<ListResult> {
    let session = server.shared.lock();
    let conversations = session
        .conversations
        .entries
        .values()
        .filter_map(|e| {
            let question = e.conversation.current_question();
            Some(ConversationSummary {
                conversation: e.id.clone(),
                request: e.request.clone(),
                target: Uri::from_file_path(e.target.path())?,
                complete: question.is_none(),
                progress: question.map(|q| Progress { current: q.progress.0 as u32, total: q.progress.1 as u32 }),
            })
        })
        .collect();
    Ok(ListResult { conversations })
}
