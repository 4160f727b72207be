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
            let engine = e.conversation.current_question();
            // A conversation still asking what to reuse shows that question's place.
            let total = engine.as_ref().map_or(0, |q| q.progress.1);
            let (question, asked) = match e.reuse.as_ref() {
                Some(d) if d.pending() => (d.question(total), 0),
                Some(d) => (engine, d.asked()),
                None => (engine, 0),
            };
            Some(ConversationSummary {
                conversation: e.id.clone(),
                request: e.request.clone(),
                target: Uri::from_file_path(e.target.path())?,
                complete: question.is_none(),
                progress: question
                    .map(|q| Progress { current: (q.progress.0 + asked) as u32, total: (q.progress.1 + asked) as u32 }),
            })
        })
        .collect();
    Ok(ListResult { conversations })
}
