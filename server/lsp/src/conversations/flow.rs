//! One conversation turn end to end: run the engine (under the session lock), write the
//! configuration so far into the workspace with `workspace/applyEdit` (without the
//! lock), save the state, and tell the client what comes next.
//!
//! Writing is computed against the documents' current text and version. If the client
//! refuses the edit, or the buffer has changed by the time the edit arrives (a client
//! drops edits for a newer version), the next attempt recomputes against the new text;
//! text the server has not seen is never overwritten.

use super::{view, Entry};
use crate::document::TextDocument;
use crate::protocol::*;
use crate::server::Server;
use crate::session::{tf_files, Session, Shared};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use tc_conversation::{Conversation, Turn};
use tc_edit::{DesiredBlock, MergeInput, MergePlan};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    ConfigurationItem, CreateFile, CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

/// How many times an edit is recomputed when the buffer moved under it.
const ATTEMPTS: usize = 3;

pub fn unknown(id: &str) -> Error {
    Error::invalid_params(format!(
        "there is no conversation {id:?}; terraconverse/list shows the open ones, terraconverse/start begins a new one"
    ))
}

/// Runs one engine step on conversation `id`, then writes, saves and notifies. While
/// the conversation still asks whether to reuse the folder's resources, the engine
/// waits: the step is refused and the reuse question asked again (user input goes
/// through [`input`], which answers it).
pub async fn turn<F>(server: &Server, id: &str, step: F) -> Result<TurnResult>
where
    F: FnOnce(&mut Conversation) -> Turn,
{
    turn_entry(server, id, move |entry| {
        if let Some(dialog) = entry.reuse.as_ref().filter(|d| d.pending()) {
            let total = entry.conversation.current_question().map_or(0, |q| q.progress.1);
            return Turn {
                state: entry.conversation.state(),
                question: dialog.question(total),
                rejection: Some("First answer whether to reuse what the folder already defines.".into()),
                ..Default::default()
            };
        }
        step(&mut entry.conversation)
    })
    .await
}

/// What the user sent: a structured command (a button), or typed text.
pub enum Input {
    Command(tc_conversation::Command),
    Text(String),
}

/// One user input to conversation `id`: to its reuse question while one is asked,
/// else to the engine; then writes, saves and notifies.
pub async fn input(server: &Server, id: &str, input: Input) -> Result<TurnResult> {
    turn_entry(server, id, move |entry| {
        let (command, text) = match &input {
            Input::Command(c) => (c.clone(), None),
            Input::Text(t) => (tc_conversation::interpret(t), Some(t.as_str())),
        };
        super::reuse::step(&mut entry.conversation, entry.reuse.as_mut(), command, text)
    })
    .await
}

async fn turn_entry<F>(server: &Server, id: &str, step: F) -> Result<TurnResult>
where
    F: FnOnce(&mut Entry) -> Turn,
{
    let queue = {
        let session = server.shared.lock();
        session.conversations.entries.get(id).ok_or_else(|| unknown(id))?.turns.clone()
    };
    let _order = queue.lock().await;
    let turn = {
        let mut session = server.shared.lock();
        let entry = session.conversations.entries.get_mut(id).ok_or_else(|| unknown(id))?;
        let turn = step(entry);
        entry.last_turn = Some(turn.clone());
        turn
    };
    let edit = if turn.rejection.is_none() { Some(write(server, id).await) } else { None };
    finish(server, id, &turn, edit).await
}

/// Saves the conversation, sends the notifications of `turn` and builds the result.
pub async fn finish(server: &Server, id: &str, turn: &Turn, edit: Option<EditOutcome>) -> Result<TurnResult> {
    let (saved, conflicts, asked) = {
        let session = server.shared.lock();
        let entry = session.conversations.entries.get(id).ok_or_else(|| unknown(id))?;
        let asked = entry.reuse.as_ref().filter(|d| !d.pending()).map_or(0, |d| d.asked());
        let conflicts: Vec<ConflictParams> = entry
            .conflicts
            .iter()
            .filter_map(|c| Uri::from_file_path(entry.target.folder.join(&c.file)).map(|u| view::conflict(id, c, u)))
            .collect();
        (serde_json::to_string_pretty(entry).map(|json| (entry.state_file(), json)), conflicts, asked)
    };
    match saved {
        Ok((path, json)) => {
            if let Err(e) = super::save(&path, &json) {
                tracing::error!("could not save conversation {id} to {}: {e}", path.display());
            }
        }
        Err(e) => tracing::error!("could not serialize conversation {id}: {e}"),
    }
    let mut result = view::turn(id, turn, conflicts, edit);
    view::after_reuse(&mut result, asked);
    notify(server, &result).await;
    Ok(result)
}

/// Sends the notifications of a turn, then makes sure they are on the wire before the
/// request's response: the transport interleaves notifications and responses in no
/// fixed order, but a client answers a request only after reading everything sent
/// before it, so the response waits for the client's answer to a
/// `workspace/configuration` request (section `terraconverse`; the answer is not
/// used). It is asked of every client: Neovim 0.7 answers it without declaring it, and
/// a client that does not know it still answers with an error, which fences as well.
/// A client that never answers costs `editSettleMs` once per turn, and the response
/// carries the same data as the notifications anyway.
async fn notify(server: &Server, result: &TurnResult) {
    send_notifications(server, result).await;
    let patience = Duration::from_millis(server.shared.lock().config.edit_settle_ms);
    let items = vec![ConfigurationItem { scope_uri: None, section: Some("terraconverse".into()) }];
    match tokio::time::timeout(patience, server.client.configuration(items)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::debug!("workspace/configuration answered with an error ({}); still a fence", e.message),
        Err(_) => tracing::warn!("the client did not answer workspace/configuration; notifications may trail the response"),
    }
}

async fn send_notifications(server: &Server, result: &TurnResult) {
    let client = &server.client;
    if !result.warnings.is_empty() {
        client
            .send_notification::<WarningsNotification>(WarningsParams {
                conversation: result.conversation.clone(),
                warnings: result.warnings.clone(),
            })
            .await;
    }
    for c in &result.conflicts {
        client.send_notification::<ConflictNotification>(c.clone()).await;
    }
    if let Some(q) = &result.question {
        client
            .send_notification::<QuestionNotification>(QuestionParams {
                conversation: result.conversation.clone(),
                question: q.clone(),
                messages: result.messages.clone(),
            })
            .await;
    } else if result.complete {
        let files = {
            let session = server.shared.lock();
            session
                .conversations
                .entries
                .get(&result.conversation)
                .map(|e| e.files.iter().filter_map(|f| Uri::from_file_path(e.target.folder.join(f))).collect())
                .unwrap_or_default()
        };
        client
            .send_notification::<CompleteNotification>(CompleteParams {
                conversation: result.conversation.clone(),
                messages: result.messages.clone(),
                files,
            })
            .await;
    }
}

/// An edit ready to send, and what to check once the client has applied it.
struct Prepared {
    plan: MergePlan,
    edit: WorkspaceEdit,
    uris: Vec<Uri>,
    /// Open documents edited, with the version the edit was computed against.
    awaited: Vec<(Uri, i32)>,
    /// What files the client has not opened to us look like once the edit is applied.
    unopened: Vec<(PathBuf, String)>,
    folder: PathBuf,
}

/// Writes the conversation's configuration so far into the workspace.
pub async fn write(server: &Server, id: &str) -> EditOutcome {
    let (settle, deciding) = {
        let session = server.shared.lock();
        let deciding = session.conversations.entries.get(id).and_then(|e| e.reuse.as_ref()).is_some_and(|d| d.pending());
        (Duration::from_millis(session.config.edit_settle_ms), deciding)
    };
    // Nothing is written while the conversation asks what to reuse: what it would write
    // depends on the answer.
    if deciding {
        return EditOutcome::default();
    }
    let mut outcome = EditOutcome::default();
    let mut clean = false;
    for _ in 0..ATTEMPTS {
        let folder = server.shared.lock().conversations.entries.get(id).map(|e| e.target.folder.clone());
        if let Some(folder) = folder {
            catch_up(&server.shared, &folder, settle).await;
        }
        let prepared = {
            let mut session = server.shared.lock();
            let prepared = prepare(&session, id);
            if let (Ok(p), Some(entry)) = (&prepared, session.conversations.entries.get_mut(id)) {
                entry.conflicts = p.plan.conflicts.clone();
            }
            prepared
        };
        let prepared = match prepared {
            Ok(p) => p,
            Err(message) => {
                outcome.failure = Some(message);
                return outcome;
            }
        };
        if prepared.plan.is_empty() {
            clean = true;
            break;
        }
        match server.client.apply_edit(prepared.edit.clone()).await {
            Ok(response) if response.applied => {
                outcome.applied = true;
                outcome.failure = None;
                for uri in &prepared.uris {
                    if !outcome.files.contains(uri) {
                        outcome.files.push(uri.clone());
                    }
                }
                {
                    let mut session = server.shared.lock();
                    for (path, text) in &prepared.unopened {
                        if session.index.by_path(path).is_none() {
                            session.overlays.insert(path.clone(), text.clone());
                        }
                        session.conversations.written.insert(path.clone(), text.clone());
                    }
                }
                wait_for_versions(&server.shared, &prepared.awaited, settle).await;
                let mut session = server.shared.lock();
                // Files that were not open are judged by what was written into them:
                // the client may have opened one since and reported only part of it yet.
                let mut files = texts(&session, &prepared.folder);
                for (path, text) in &prepared.unopened {
                    if let Some(name) = path.file_name() {
                        files.insert(name.to_string_lossy().into_owned(), text.clone());
                    }
                }
                if let Some(entry) = session.conversations.entries.get_mut(id) {
                    entry.ledger = tc_edit::settle(&entry.ledger, &prepared.plan, &files);
                    entry.files.extend(prepared.plan.files.iter().map(|f| f.file.clone()));
                }
            }
            Ok(response) => {
                let why = response.failure_reason.unwrap_or_else(|| "the editor did not apply it".into());
                tracing::info!("edit for conversation {id} refused ({why}); recomputing against the current text");
                outcome.failure = Some(format!("The editor refused the edit: {why}."));
                // A refusal usually means the buffer is newer than the edit: wait for its
                // didChange so the next attempt sees the text the client has.
                wait_for_versions(&server.shared, &prepared.awaited, settle).await;
            }
            Err(e) => {
                outcome.failure = Some(format!("The editor could not apply the edit: {}.", e.message));
                return outcome;
            }
        }
    }
    if !clean && outcome.failure.is_none() {
        outcome.failure = Some("The files kept changing while the edit was applied; answer again to retry.".into());
    }
    outcome
}

/// Waits until every awaited document has a newer version than the edit was computed
/// against (the client's `didChange` for the edit), is closed, or `timeout` passes.
async fn wait_for_versions(shared: &Shared, awaited: &[(Uri, i32)], timeout: Duration) {
    if awaited.is_empty() {
        return;
    }
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = shared.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let done = {
            let session = shared.lock();
            awaited.iter().all(|(uri, v)| session.index.get(uri).is_none_or(|d| d.version() > *v))
        };
        if done || tokio::time::timeout_at(deadline, notified).await.is_err() {
            return;
        }
    }
}

/// Waits until every file of `folder` the server wrote while it was not open is either
/// still not open (the server's record is what the client has) or open with the text
/// written (the client's `didOpen`/`didChange` for that edit have been handled), at
/// most `timeout`. After that the open document is taken as it is: the user has typed
/// into it, and its version guards the next edit.
async fn catch_up(shared: &Shared, folder: &std::path::Path, timeout: Duration) {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = shared.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let behind = {
            let mut session = shared.lock();
            let session = &mut *session;
            let index = &session.index;
            session.conversations.written.retain(|path, text| match index.by_path(path) {
                Some((_, doc)) => doc.text() != *text,
                None => true,
            });
            session
                .conversations
                .written
                .keys()
                .filter(|p| p.parent() == Some(folder))
                .any(|p| session.index.by_path(p).is_some())
        };
        if !behind {
            return;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            let mut session = shared.lock();
            let session = &mut *session;
            let index = &session.index;
            session.conversations.written.retain(|p, _| p.parent() != Some(folder) || index.by_path(p).is_none());
            tracing::warn!("an opened file still differs from what was written into it; using the editor's text");
            return;
        }
    }
}

/// The current text of every `.tf` file of `folder`, by file name.
fn texts(session: &Session, folder: &std::path::Path) -> BTreeMap<String, String> {
    tf_files(session, folder)
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            session.text_of(&p).map(|(t, _)| (name, t))
        })
        .collect()
}

fn prepare(session: &Session, id: &str) -> std::result::Result<Prepared, String> {
    let entry: &Entry = session.conversations.entries.get(id).ok_or_else(|| unknown(id).message.into_owned())?;
    let stack = entry.conversation.partial_stack();
    let desired: Vec<DesiredBlock> = if stack.resources.is_empty() {
        Vec::new()
    } else {
        let generated = tc_generate::generate(&stack)
            .map_err(|e| format!("The configuration could not be generated: {e}. This is a bug in TerraConverse."))?;
        generated
            .files
            .iter()
            .flat_map(|f| f.blocks.iter().map(|b| DesiredBlock { file: f.path.clone(), text: b.text.clone() }))
            .collect()
    };
    let folder = entry.target.folder.clone();
    let files = texts(session, &folder);
    let plan = tc_edit::plan(MergeInput {
        files: &files,
        desired: &desired,
        ledger: &entry.ledger,
        decisions: &entry.decisions,
        single_file: entry.target.file.as_deref(),
    })
    .map_err(|e| format!("Nothing was written: {e}."))?;

    let mut opened = Vec::new();
    let mut others = Vec::new();
    let mut changes: std::collections::HashMap<Uri, Vec<TextEdit>> = Default::default();
    let (mut uris, mut awaited, mut unopened) = (Vec::new(), Vec::new(), Vec::new());
    for fe in &plan.files {
        let path = folder.join(&fe.file);
        let text = files.get(&fe.file).map(String::as_str).unwrap_or("");
        let scratch;
        let (uri, version, doc) = match session.index.by_path(&path) {
            Some((uri, doc)) => (uri.clone(), Some(doc.version()), doc),
            None => {
                scratch = TextDocument::new(text, 0, "terraform");
                let uri = Uri::from_file_path(&path).ok_or_else(|| format!("{} is not a valid file path", path.display()))?;
                (uri, None, &scratch)
            }
        };
        let edits: Vec<TextEdit> = fe
            .edits
            .iter()
            .map(|e| TextEdit { range: doc.byte_range_to_lsp(e.range.clone()), new_text: e.new_text.clone() })
            .collect();
        match version {
            Some(v) => awaited.push((uri.clone(), v)),
            None => unopened.push((path.clone(), tc_edit::apply_edits(text, &fe.edits))),
        }
        uris.push(uri.clone());
        if fe.create && session.caps.create_files {
            others.push(DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) }),
                annotation_id: None,
            })));
        }
        changes.insert(uri.clone(), edits.clone());
        let op = DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        });
        // Versioned edits first: some clients check the version of the first edit only.
        if version.is_some() {
            opened.push(op);
        } else {
            others.push(op);
        }
    }
    let edit = if session.caps.document_changes {
        opened.extend(others);
        WorkspaceEdit { document_changes: Some(DocumentChanges::Operations(opened)), ..Default::default() }
    } else {
        WorkspaceEdit { changes: Some(changes), ..Default::default() }
    };
    Ok(Prepared { plan, edit, uris, awaited, unopened, folder })
}
