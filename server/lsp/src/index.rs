//! The open documents, by URI, and what the server derived from each version
//! (syntax tree facts and findings), so requests like code actions do not re-parse.
//! Also the parse cache of each module (folder) with open documents, which diagnostics
//! runs share so that only edited blocks are parsed again.

use crate::document::TextDocument;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tower_lsp_server::ls_types::Uri;

/// The parsed blocks of one module, shared by the diagnostics runs of its documents.
pub type ModuleCache = Arc<Mutex<tc_rules::ParseCache>>;

#[derive(Default)]
pub struct Index {
    docs: HashMap<Uri, Entry>,
    /// By folder (`None`: the documents without a file path share one).
    caches: HashMap<Option<PathBuf>, ModuleCache>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("docs", &self.docs).field("module_caches", &self.caches.len()).finish()
    }
}

#[derive(Debug)]
struct Entry {
    doc: TextDocument,
    path: Option<PathBuf>,
    /// Bumped by every change; a debounced diagnostics run only publishes if it is
    /// still the latest when it wakes up.
    generation: u64,
}

impl Index {
    pub fn open(&mut self, uri: Uri, doc: TextDocument) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let generation = self.docs.get(&uri).map_or(0, |e| e.generation + 1);
        self.docs.insert(uri, Entry { doc, path, generation });
    }

    /// Forgets a document; the module's parse cache goes with the last open document
    /// of its folder.
    pub fn close(&mut self, uri: &Uri) -> Option<TextDocument> {
        let entry = self.docs.remove(uri)?;
        let folder = entry.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
        if !self.docs.values().any(|e| e.path.as_deref().and_then(Path::parent) == folder.as_deref()) {
            self.caches.remove(&folder);
        }
        Some(entry.doc)
    }

    /// The parse cache of the module (folder) of `uri`, created on first use.
    pub fn cache_for(&mut self, uri: &Uri) -> ModuleCache {
        let folder = self.docs.get(uri).and_then(|e| e.path.as_deref()).and_then(Path::parent).map(Path::to_path_buf);
        self.caches.entry(folder).or_default().clone()
    }

    pub fn get(&self, uri: &Uri) -> Option<&TextDocument> {
        self.docs.get(uri).map(|e| &e.doc)
    }

    /// The document for a change, with its generation bumped.
    pub fn get_for_change(&mut self, uri: &Uri) -> Option<(&mut TextDocument, u64)> {
        self.docs.get_mut(uri).map(|e| {
            e.generation += 1;
            (&mut e.doc, e.generation)
        })
    }

    pub fn generation(&self, uri: &Uri) -> Option<u64> {
        self.docs.get(uri).map(|e| e.generation)
    }

    /// The open document of a file path, if any.
    pub fn by_path(&self, path: &Path) -> Option<(&Uri, &TextDocument)> {
        self.docs.iter().find(|(_, e)| e.path.as_deref() == Some(path)).map(|(u, e)| (u, &e.doc))
    }

    pub fn uris(&self) -> impl Iterator<Item = &Uri> {
        self.docs.keys()
    }
}
