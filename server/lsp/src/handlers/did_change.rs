//! `textDocument/didChange`: applied to the document before the first `.await`, so two
//! changes handled concurrently can never interleave; diagnostics follow, debounced.

use crate::diagnostics;
use crate::server::Server;
use std::time::Duration;
use tower_lsp_server::ls_types::DidChangeTextDocumentParams;

pub async fn run(server: &Server, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let applied = {
        let mut session = server.shared.lock();
        let debounce = Duration::from_millis(session.config.debounce_ms);
        match session.index.get_for_change(&uri) {
            Some((doc, generation)) => {
                for change in &params.content_changes {
                    doc.apply_change(change);
                }
                doc.set_version(params.text_document.version);
                Some((generation, debounce))
            }
            None => None,
        }
    };
    let Some((generation, debounce)) = applied else {
        tracing::warn!("didChange for {} which is not open; ignored", uri.as_str());
        return;
    };
    server.shared.changed.notify_waiters();
    diagnostics::schedule(server.shared.clone(), server.client.clone(), uri, generation, debounce);
}
