//! `terraconverse/start`: a new conversation about a request, written into a target
//! folder or file, reusing what the folder already defines. With an LLM configured,
//! the model's reading of the request is merged into the offline engine's first
//! (conversations/llm.rs), without holding the session lock.

use crate::conversations::{flow, llm, reuse, Entry, Target};
use crate::protocol::{StartParams, TurnResult};
use crate::server::Server;
use tc_conversation::Conversation;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::NumberOrString;

pub async fn run(server: &Server, params: StartParams) -> Result<TurnResult> {
    // Understanding a request may take a while once a model is configured: report it.
    let wants_progress = server.shared.lock().caps.work_done_progress;
    let progress = if wants_progress {
        let token = NumberOrString::String(format!("terraconverse/start/{}", params.request.len()));
        match server.client.create_work_done_progress(token.clone()).await {
            Ok(()) => Some(
                server.client.progress(token, "TerraConverse").with_message("Understanding the request").begin().await,
            ),
            Err(_) => None,
        }
    } else {
        None
    };
    let started = match target(server, &params) {
        Ok(target) => match llm::start(server, &params.request).await {
            Ok((conversation, turn, model)) => begin(server, &params, target, conversation, turn, model),
            Err(e) => Err(Error::invalid_params(e.to_string())),
        },
        Err(e) => Err(e),
    };
    let result = match started {
        Ok((id, turn)) => {
            let edit = flow::write(server, &id).await;
            flow::finish(server, &id, &turn, Some(edit)).await
        }
        Err(e) => Err(e),
    };
    if let Some(p) = progress {
        p.finish_with_message(if result.is_ok() { "Ready" } else { "Could not start" }).await;
    }
    result
}

/// The folder or file to write into, checked before anything else is done.
fn target(server: &Server, params: &StartParams) -> Result<Target> {
    let session = server.shared.lock();
    let target = match &params.target {
        Some(uri) => Target::from_path(&uri.to_file_path().ok_or_else(|| {
            Error::invalid_params(format!("target {} is not a file:// URI of a folder or .tf file", uri.as_str()))
        })?),
        None => Target::from_path(session.folders.first().ok_or_else(|| {
            Error::invalid_params("no workspace folder is open; pass `target` (a folder or .tf file URI)")
        })?),
    };
    if !target.folder.is_dir() {
        return Err(Error::invalid_params(format!("target folder {} does not exist", target.folder.display())));
    }
    Ok(target)
}

/// Everything synchronous once the request is understood: reuse, the new entry.
fn begin(
    server: &Server,
    params: &StartParams,
    target: Target,
    conversation: Conversation,
    turn: tc_conversation::Turn,
    model: Option<tc_llm::LlmConversation>,
) -> Result<(String, tc_conversation::Turn)> {
    let mut session = server.shared.lock();
    // Reusable resources of the folder are offered first (conversations/reuse.rs).
    let reuse_existing = params.reuse_existing.unwrap_or(session.config.reuse_existing);
    let (conversation, turn, reuse) =
        reuse::begin(&session, &target, conversation, turn, params.scope.as_deref(), reuse_existing);
    let id = session.conversations.next_id();
    llm::attach(&mut session, &id, model);
    tracing::info!("conversation {id} started: {:?} into {}", params.request, target.path().display());
    session.conversations.entries.insert(
        id.clone(),
        Entry {
            id: id.clone(),
            request: params.request.trim().to_string(),
            target,
            conversation,
            ledger: Default::default(),
            decisions: Default::default(),
            conflicts: Vec::new(),
            files: Default::default(),
            last_turn: Some(turn.clone()),
            turns: Default::default(),
            reuse,
        },
    );
    Ok((id, turn))
}
