//! The open documents, by URI, and what the server derived from each version
//! (syntax tree facts and findings), so requests like code actions do not re-parse.

use crate::document::TextDocument;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::Uri;

#[derive(Debug, Default)]
pub struct Index {
    docs: HashMap<Uri, Entry>,
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

    pub fn close(&mut self, uri: &Uri) -> Option<TextDocument> {
        self.docs.remove(uri).map(|e| e.doc)
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
