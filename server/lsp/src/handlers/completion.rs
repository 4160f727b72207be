//! `textDocument/completion`: resource types, arguments, blocks and known values from
//! the embedded provider schema.

use crate::server::Server;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub async fn run(server: &Server, params: CompletionParams) -> Result<Option<CompletionResponse>> {
    let pos = params.text_document_position;
    let session = server.shared.lock();
    let Some(doc) = session.index.get(&pos.text_document.uri) else { return Ok(None) };
    let offset = doc.position_to_byte(pos.position);
    Ok(crate::schema::completion(doc, offset).map(CompletionResponse::Array))
}
