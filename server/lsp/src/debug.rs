//! Debug methods outside the documented protocol: the two that exist only in test
//! builds (feature `testing`) to exercise robustness — a handler that panics and one
//! that takes long enough to cancel — and a read-only view of a document's text that
//! stress tests use to prove the server's copy never drifts from the client's.

use crate::server::Server;
use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

/// `{ uri }` → `{ text, version }` of an open document. Read-only, so it is safe in
/// release builds; it is not part of the editor protocol (`protocol.rs`).
pub const DOCUMENT_TEXT: &str = "$/terraconverse/debug/documentText";

#[derive(Debug, Deserialize)]
pub struct DocumentTextParams {
    pub uri: Uri,
}

#[derive(Debug, Serialize)]
pub struct DocumentText {
    pub text: String,
    pub version: i32,
}

pub const PANIC: &str = "$/terraconverse/testPanic";
pub const SLEEP: &str = "$/terraconverse/testSleep";

impl Server {
    #[cfg(feature = "testing")]
    pub async fn test_panic(&self) -> Result<()> {
        // Held across the panic on purpose: the session must stay usable afterwards.
        let _session = self.shared.lock();
        panic!("deliberate test panic");
    }

    pub async fn debug_document_text(&self, params: DocumentTextParams) -> Result<DocumentText> {
        let session = self.shared.lock();
        match session.index.get(&params.uri) {
            Some(doc) => Ok(DocumentText { text: doc.text(), version: doc.version() }),
            None => Err(Error::invalid_params(format!("{} is not open", params.uri.as_str()))),
        }
    }

    #[cfg(feature = "testing")]
    pub async fn test_sleep(&self) -> Result<()> {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        Ok(())
    }
}
