//! `initialize` and `initialized`: capabilities both ways, settings from
//! `initializationOptions`, workspace folders, and resuming saved conversations.

use crate::server::Server;
use crate::session::ClientCaps;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub async fn run(server: &Server, params: InitializeParams) -> Result<InitializeResult> {
    let problems = {
        let mut session = server.shared.lock();
        session.caps = ClientCaps::from(&params.capabilities);
        let mut folders: Vec<_> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path()) {
                folders.push(root.into_owned());
            }
        }
        session.folders = folders;
        let problems = params.initialization_options.as_ref().map(|o| session.config.update(o)).unwrap_or_default();
        server.log_level.set(session.config.log_level);
        problems
    };
    for p in problems {
        tracing::warn!("{p}");
    }
    Ok(InitializeResult {
        server_info: Some(ServerInfo { name: "terraconverse".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
        capabilities: ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            })),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec!["\"".into(), "=".into(), " ".into()]),
                ..Default::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR]),
                ..Default::default()
            })),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: None,
                }),
                file_operations: None,
            }),
            ..Default::default()
        },
        offset_encoding: None,
    })
}

pub async fn initialized(server: &Server) {
    crate::conversations::llm::announce(server).await;
    let (resumed, problems) = {
        let mut session = server.shared.lock();
        let folders = session.folders.clone();
        session.conversations.resume(&folders)
    };
    for p in problems {
        tracing::warn!("{p}");
    }
    if resumed > 0 {
        tracing::info!("resumed {resumed} conversation(s) from .terraconverse/");
    }
}
