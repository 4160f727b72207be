//! The server's state behind one mutex: open documents, settings, workspace folders,
//! client capabilities, conversations and published diagnostics. Handlers lock it,
//! do synchronous work, and unlock before any `.await`.

use crate::config::Config;
use crate::conversations::Conversations;
use crate::diagnostics::Published;
use crate::index::Index;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;
use tower_lsp_server::ls_types::{ClientCapabilities, ResourceOperationKind, Uri};

#[derive(Debug, Default)]
pub struct Session {
    pub index: Index,
    pub config: Config,
    pub folders: Vec<PathBuf>,
    pub caps: ClientCaps,
    pub conversations: Conversations,
    /// Text the server wrote into files the client has not opened to it: what those
    /// files look like in the editor, whether saved or not.
    pub overlays: HashMap<PathBuf, String>,
    pub published: HashMap<Uri, Published>,
    /// The optional LLM service and the model's side of each conversation.
    pub llm: crate::conversations::llm::LlmState,
}

/// What the client can do, from `initialize`.
#[derive(Debug, Clone, Default)]
pub struct ClientCaps {
    pub document_changes: bool,
    pub create_files: bool,
    pub work_done_progress: bool,
}

impl ClientCaps {
    pub fn from(caps: &ClientCapabilities) -> Self {
        let ws_edit = caps.workspace.as_ref().and_then(|w| w.workspace_edit.as_ref());
        let create_files = ws_edit
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create));
        ClientCaps {
            // Resource operations only exist inside `documentChanges`, so a client that
            // declares them handles it (Neovim 0.7 declares only the operations).
            document_changes: ws_edit.and_then(|e| e.document_changes).unwrap_or(false) || create_files,
            create_files,
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
        }
    }
}

/// The shared handle: the state, and a signal raised whenever a document changes
/// (conversations wait on it for their edits to come back from the client).
#[derive(Debug, Clone, Default)]
pub struct Shared {
    state: Arc<Mutex<Session>>,
    pub changed: Arc<Notify>,
}

impl Shared {
    /// Locks the session. A panic in another handler while it held the lock does not
    /// make the state unusable: every mutation keeps the state consistent on its own.
    pub fn lock(&self) -> MutexGuard<'_, Session> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Session {
    /// The current text of a file: the open document, else what the server wrote into
    /// it, else the disk. `None` when it exists nowhere.
    pub fn text_of(&self, path: &Path) -> Option<(String, Option<i32>)> {
        if let Some((_, doc)) = self.index.by_path(path) {
            return Some((doc.text(), Some(doc.version())));
        }
        if let Some(text) = self.overlays.get(path) {
            return Some((text.clone(), None));
        }
        std::fs::read_to_string(path).ok().map(|t| (t, None))
    }

    /// The workspace folder containing `path`, else the first folder.
    pub fn folder_of(&self, path: &Path) -> Option<&Path> {
        self.folders.iter().find(|f| path.starts_with(f)).or(self.folders.first()).map(PathBuf::as_path)
    }
}

/// Every `.tf` file directly in `folder` (Terraform modules are one directory), as
/// file names, including open documents and files the server wrote that are not saved yet.
pub fn tf_files(session: &Session, folder: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    for uri in session.index.uris() {
        if let Some(p) = uri.to_file_path() {
            if p.parent() == Some(folder) && p.extension().is_some_and(|e| e == "tf") {
                out.push(p.into_owned());
            }
        }
    }
    out.extend(session.overlays.keys().filter(|p| p.parent() == Some(folder)).cloned());
    out.sort();
    out.dedup();
    out
}
