//! `textDocument/didOpen`: the client now owns the text; diagnose it at once.

use crate::diagnostics;
use crate::document::TextDocument;
use crate::server::Server;
use std::time::Duration;
use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

pub async fn run(server: &Server, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let generation = {
        let mut session = server.shared.lock();
        if let Some(path) = item.uri.to_file_path() {
            session.overlays.remove(path.as_ref());
        }
        session.index.open(item.uri.clone(), TextDocument::new(&item.text, item.version, item.language_id));
        session.index.generation(&item.uri).unwrap_or(0)
    };
    server.shared.changed.notify_waiters();
    diagnostics::schedule(server.shared.clone(), server.client.clone(), item.uri, generation, Duration::ZERO);
}
