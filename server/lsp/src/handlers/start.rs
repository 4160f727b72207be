//! `terraconverse/start`: a new conversation about a request, written into a target
//! folder or file, reusing what the folder already defines. With an LLM configured,
//! the model's reading of the request is merged into the offline engine's first
//! (conversations/llm.rs), without holding the session lock.

use crate::conversations::{flow, llm, reuse, Entry, Target};
use crate::protocol::{StartParams, TurnResult};
use crate::server::Server;
use crate::session::{tf_files, Session};
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
    let reuse_existing = params.reuse_existing.unwrap_or(session.config.reuse_existing);
    let scope = params.scope.as_deref();
    let mut found = existing(&session, &target);
    if !reuse_existing {
        found.retain(|a| Some(a.as_str()) == scope);
    }

    let mut plan = conversation.plan().clone();
    let reused = reuse::apply(&mut plan, &found, scope);
    let (conversation, turn) = if reused.is_empty() {
        (conversation, turn)
    } else {
        let (c, mut t) = Conversation::from_plan(plan);
        t.messages.splice(0..0, reused);
        (c, t)
    };
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
        },
    );
    Ok((id, turn))
}

/// `type.name` of every reusable resource the target folder defines.
fn existing(session: &Session, target: &Target) -> Vec<String> {
    let mut out = Vec::new();
    for path in tf_files(session, &target.folder) {
        if let Some((text, _)) = session.text_of(&path) {
            out.extend(tc_edit::resources_of_types(&text, reuse::REUSABLE));
        }
    }
    out
}
