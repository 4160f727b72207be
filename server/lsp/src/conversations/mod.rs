//! The conversations of a server: each one's engine state, target, what it wrote
//! (its ledger), the user's conflict decisions, and saving/resuming all of it under
//! `<folder>/.terraconverse/conversations/<id>.json`.

pub mod flow;
pub mod llm;
pub mod reuse;
pub mod view;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tc_conversation::{Conversation, Turn};
use tc_edit::{Conflict, Decisions, Ledger};

/// Where a conversation writes: a folder (a Terraform module), and optionally the one
/// file every new block goes into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub folder: PathBuf,
    pub file: Option<String>,
}

impl Target {
    /// From a path to a folder or a `.tf` file.
    pub fn from_path(path: &Path) -> Self {
        if path.extension().is_some_and(|e| e == "tf") {
            Target {
                folder: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                file: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            }
        } else {
            Target { folder: path.to_path_buf(), file: None }
        }
    }

    pub fn path(&self) -> PathBuf {
        match &self.file {
            Some(f) => self.folder.join(f),
            None => self.folder.clone(),
        }
    }
}

/// One conversation and everything needed to resume it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub request: String,
    pub target: Target,
    pub conversation: Conversation,
    #[serde(default)]
    pub ledger: Ledger,
    #[serde(default)]
    pub decisions: Decisions,
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    /// Files written into, relative to the folder.
    #[serde(default)]
    pub files: BTreeSet<String>,
    /// The last turn, so status and resumed editors can show the current question.
    #[serde(default)]
    pub last_turn: Option<Turn>,
    /// Orders the turns of this conversation: a turn computes and applies its edit
    /// before the next one starts. Guards no data (the session mutex does that).
    #[serde(skip)]
    pub turns: Arc<tokio::sync::Mutex<()>>,
    /// The questions about reusing the folder's VPC, subnets and security groups,
    /// asked before the engine's own (and reopened by `back` from its first).
    #[serde(default)]
    pub reuse: Option<reuse::Dialog>,
}

impl Entry {
    pub fn state_file(&self) -> PathBuf {
        state_dir(&self.target.folder).join(format!("{}.json", self.id))
    }
}

pub fn state_dir(folder: &Path) -> PathBuf {
    folder.join(".terraconverse").join("conversations")
}

#[derive(Debug, Default)]
pub struct Conversations {
    pub entries: BTreeMap<String, Entry>,
    counter: u64,
    /// What the server wrote into files that were not open to it (created, or edited
    /// on disk), by path, until the client's `didOpen`/`didChange` show the same text.
    /// An editor opens a file an edit created and reports its text in notifications
    /// the server may handle after the edit's response; until they arrive, the open
    /// document lags behind what the client has, and no edit may be computed against it.
    pub written: std::collections::HashMap<PathBuf, String>,
}

impl Conversations {
    /// A new id, unique across restarts (time-based) and within this run (counter).
    pub fn next_id(&mut self) -> String {
        self.counter += 1;
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        loop {
            let id = format!("c{millis:x}{:02}", self.counter);
            if !self.entries.contains_key(&id) {
                return id;
            }
            self.counter += 1;
        }
    }

    /// Loads every saved conversation of the given folders; returns how many, and a
    /// message for each state file that could not be read.
    pub fn resume(&mut self, folders: &[PathBuf]) -> (usize, Vec<String>) {
        let mut problems = Vec::new();
        let mut n = 0;
        for folder in folders {
            let mut stack = vec![folder.clone()];
            // The workspace folder and its direct sub-folders (each may be a module).
            if let Ok(read) = std::fs::read_dir(folder) {
                stack.extend(read.flatten().map(|e| e.path()).filter(|p| p.is_dir() && !is_hidden(p)));
            }
            for dir in stack {
                let Ok(files) = std::fs::read_dir(state_dir(&dir)) else { continue };
                for file in files.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")) {
                    match std::fs::read_to_string(&file).map_err(|e| e.to_string()).and_then(|t| {
                        serde_json::from_str::<Entry>(&t).map_err(|e| e.to_string())
                    }) {
                        Ok(entry) => {
                            if !self.entries.contains_key(&entry.id) {
                                self.entries.insert(entry.id.clone(), entry);
                                n += 1;
                            }
                        }
                        Err(e) => problems.push(format!(
                            "could not resume the conversation saved in {}: {e}; delete the file to silence this",
                            file.display()
                        )),
                    }
                }
            }
        }
        (n, problems)
    }
}

fn is_hidden(p: &Path) -> bool {
    p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// Writes a conversation's state file (atomically: a temporary file, then a rename).
pub fn save(path: &Path, json: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path)
}
