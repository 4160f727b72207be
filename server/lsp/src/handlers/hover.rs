//! `textDocument/hover`: a security rule's documentation on its finding, else the
//! provider schema's description of the resource type or argument under the cursor.

use crate::server::Server;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub async fn run(server: &Server, params: HoverParams) -> Result<Option<Hover>> {
    let pos = params.text_document_position_params;
    let session = server.shared.lock();
    let Some(doc) = session.index.get(&pos.text_document.uri) else { return Ok(None) };
    let offset = doc.position_to_byte(pos.position);
    let published = session.published.get(&pos.text_document.uri).filter(|p| p.version == doc.version());
    if let Some(hover) = published.and_then(|p| p.rule_hover(doc, offset)) {
        return Ok(Some(hover));
    }
    Ok(crate::schema::hover(doc, offset))
}
