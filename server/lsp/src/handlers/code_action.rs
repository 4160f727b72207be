//! `textDocument/codeAction`: "Generate resource conversationally" anywhere in a `.tf`
//! file (scoped to the resource block under the cursor), and the security rules'
//! quick fixes for the diagnostics in range.

use crate::diagnostics::analyse;
use crate::protocol::START_COMMAND;
use crate::server::Server;
use serde_json::json;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub async fn run(server: &Server, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    if !uri.as_str().ends_with(".tf") {
        return Ok(None);
    }
    let session = server.shared.lock();
    let Some(doc) = session.index.get(&uri) else { return Ok(None) };
    // The blocks of this version were indexed when it was diagnosed; re-index only if
    // the diagnostics run has not caught up yet.
    let fresh;
    let published = match session.published.get(&uri) {
        Some(p) if p.version == doc.version() => p,
        _ => {
            fresh = analyse(doc, &uri, &session.config);
            &fresh
        }
    };
    let offset = doc.position_to_byte(params.range.start);
    let scope = tc_edit::block_at(&published.blocks, offset)
        .filter(|b| b.ident == "resource" && b.labels.len() == 2)
        .map(|b| b.terraform_address());
    let title = match &scope {
        Some(address) => format!("Generate resource conversationally (with {address})"),
        None => "Generate resource conversationally".to_string(),
    };
    let mut actions: Vec<CodeActionOrCommand> = published
        .fixes_in(doc, params.range, &uri)
        .into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect();
    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
        title: title.clone(),
        kind: Some(CodeActionKind::REFACTOR),
        command: Some(Command {
            title,
            command: START_COMMAND.to_string(),
            arguments: Some(vec![json!({ "target": uri.as_str(), "scope": scope })]),
        }),
        ..Default::default()
    }));
    Ok(Some(actions))
}
