//! `textDocument/didClose`: forget the text and clear its diagnostics.

use crate::server::Server;
use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

pub async fn run(server: &Server, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    {
        let mut session = server.shared.lock();
        session.index.close(&uri);
        session.published.remove(&uri);
    }
    server.shared.changed.notify_waiters();
    server.client.publish_diagnostics(uri, Vec::new(), None).await;
}
