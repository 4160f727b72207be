//! Merging generated blocks into existing files: which blocks to insert, which to
//! update in place (with the smallest edit), which to leave alone because the user
//! changed or deleted them, and which to remove because the configuration no longer
//! has them. Everything outside the edited ranges stays byte-identical.

use crate::blocks::{index_blocks, BlockInfo, SyntaxError};
use crate::diff::minimal_edit;
use crate::{fingerprint, TextEdit};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One block the configuration should contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredBlock {
    /// File (relative to the target folder) a new block goes into, e.g. `main.tf`.
    pub file: String,
    /// The block's text, `terraform fmt`-formatted at column 0, possibly with comments above it.
    pub text: String,
}

/// What a conversation wrote: block address → where and a fingerprint of its text.
/// Saved with the conversation so hand edits and deletions are noticed later.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub blocks: BTreeMap<String, LedgerEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub file: String,
    pub fingerprint: u64,
}

/// The user's decisions about conflicting blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    /// Blocks the user keeps as they are (or deleted): never written again.
    pub keep_mine: BTreeSet<String>,
    /// Blocks to write again even though the user changed or deleted them.
    pub regenerate: BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The conversation wrote the block and the user deleted it.
    Deleted,
    /// The conversation wrote the block and the user changed it.
    Modified,
    /// A block with this address exists and the conversation did not write it.
    NotOurs,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub address: String,
    pub kind: ConflictKind,
    /// File the block is (or was) in.
    pub file: String,
}

/// Edits for one file; `create` when the file does not exist yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdits {
    pub file: String,
    pub create: bool,
    /// Non-overlapping, sorted by position, against the text the plan was computed from.
    pub edits: Vec<TextEdit>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergePlan {
    pub files: Vec<FileEdits>,
    pub conflicts: Vec<Conflict>,
    /// The ledger once these edits are applied.
    pub ledger: Ledger,
    /// Blocks the conversation wrote that these edits delete.
    pub removed: Vec<String>,
}

impl MergePlan {
    pub fn is_empty(&self) -> bool {
        self.files.iter().all(|f| f.edits.is_empty() && !f.create)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("{file} cannot be parsed ({error}); fix the syntax error and answer again")]
    Syntax { file: String, error: SyntaxError },
    #[error("generated code for {file} is not a single HCL block ({reason}); this is a bug in TerraConverse")]
    Generated { file: String, reason: String },
}

/// Everything the merge looks at.
#[derive(Debug, Clone, Copy)]
pub struct MergeInput<'a> {
    /// Every existing `.tf` file of the target folder: path relative to it → current text.
    pub files: &'a BTreeMap<String, String>,
    pub desired: &'a [DesiredBlock],
    pub ledger: &'a Ledger,
    pub decisions: &'a Decisions,
    /// When the user targeted one file, every new block goes into it.
    pub single_file: Option<&'a str>,
}

/// Block addresses that configure rather than create: when the user already has one
/// (e.g. their own `provider "aws"`), theirs is kept without asking.
fn is_configuration(address: &str) -> bool {
    address == "terraform" || address.starts_with("provider.")
}

struct Found<'a> {
    file: &'a str,
    text: &'a str,
    info: BlockInfo,
}

/// Plans the edits that make the files contain the desired blocks.
pub fn plan(input: MergeInput<'_>) -> Result<MergePlan, MergeError> {
    // Index every file once: address → first place it is defined.
    let mut found: BTreeMap<String, Found<'_>> = BTreeMap::new();
    for (file, text) in input.files {
        let blocks = index_blocks(text).map_err(|error| MergeError::Syntax { file: file.clone(), error })?;
        for info in blocks {
            found.entry(info.address.clone()).or_insert(Found { file, text, info });
        }
    }

    let mut edits: BTreeMap<String, Vec<TextEdit>> = BTreeMap::new();
    let mut inserts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut conflicts = Vec::new();
    let mut ledger = Ledger::default();
    let mut wanted = BTreeSet::new();
    let mut removed = Vec::new();

    for desired in input.desired {
        let core = block_core(&desired.text).map_err(|reason| MergeError::Generated {
            file: desired.file.clone(),
            reason,
        })?;
        let address = core.address.clone();
        wanted.insert(address.clone());
        let new_print = fingerprint(&core.text);
        let recorded = input.ledger.blocks.get(&address);
        let keep_mine = input.decisions.keep_mine.contains(&address);
        let regenerate = input.decisions.regenerate.contains(&address);
        let file_for_new = input.single_file.unwrap_or(&desired.file).to_string();

        match found.get(&address) {
            None => {
                if keep_mine {
                    continue;
                }
                if let (Some(entry), false) = (recorded, regenerate) {
                    conflicts.push(Conflict { address, kind: ConflictKind::Deleted, file: entry.file.clone() });
                    continue;
                }
                inserts.entry(file_for_new.clone()).or_default().push(desired.text.clone());
                ledger.blocks.insert(address, LedgerEntry { file: file_for_new, fingerprint: new_print });
            }
            Some(at) => {
                let current = &at.text[at.info.span.clone()];
                let ours = match recorded {
                    Some(entry) => fingerprint(current) == entry.fingerprint,
                    None => false,
                };
                if keep_mine || (recorded.is_none() && is_configuration(&address) && !regenerate) {
                    continue;
                }
                if !ours && !regenerate {
                    let kind = if recorded.is_some() { ConflictKind::Modified } else { ConflictKind::NotOurs };
                    conflicts.push(Conflict { address, kind, file: at.file.to_string() });
                    continue;
                }
                if let Some(edit) = minimal_edit(current, &core.text) {
                    let start = at.info.span.start;
                    edits.entry(at.file.to_string()).or_default().push(TextEdit {
                        range: start + edit.range.start..start + edit.range.end,
                        new_text: edit.new_text,
                    });
                }
                ledger.blocks.insert(address, LedgerEntry { file: at.file.to_string(), fingerprint: new_print });
            }
        }
    }

    // Blocks the conversation wrote that the configuration no longer has: removed when
    // untouched, otherwise left to the user.
    for (address, entry) in &input.ledger.blocks {
        if wanted.contains(address) {
            continue;
        }
        if let Some(at) = found.get(address) {
            if fingerprint(&at.text[at.info.span.clone()]) == entry.fingerprint {
                edits.entry(at.file.to_string()).or_default().push(removal(at.text, &at.info));
                removed.push(address.clone());
            }
        }
    }

    let mut files = Vec::new();
    let all_files: BTreeSet<String> = edits.keys().chain(inserts.keys()).cloned().collect();
    for file in all_files {
        let existing = input.files.get(&file);
        let mut file_edits = edits.remove(&file).unwrap_or_default();
        if let Some(blocks) = inserts.remove(&file) {
            let text = existing.map(String::as_str).unwrap_or("");
            file_edits.push(append(text, &blocks));
        }
        file_edits.sort_by_key(|e| (e.range.start, e.range.end));
        // Removals of adjacent blocks can both claim the blank line between them:
        // overlapping deletions become one, so the edits stay disjoint as LSP requires.
        let mut disjoint: Vec<TextEdit> = Vec::with_capacity(file_edits.len());
        for e in file_edits {
            match disjoint.last_mut() {
                Some(prev) if e.range.start < prev.range.end && prev.new_text.is_empty() && e.new_text.is_empty() => {
                    prev.range.end = prev.range.end.max(e.range.end);
                }
                _ => disjoint.push(e),
            }
        }
        files.push(FileEdits { file, create: existing.is_none(), edits: disjoint });
    }
    Ok(MergePlan { files, conflicts, ledger, removed })
}

/// The single block of a generated text: its address and its text from the identifier
/// to the closing brace (comments above it are written on insertion only).
struct Core {
    address: String,
    text: String,
}

fn block_core(text: &str) -> Result<Core, String> {
    let blocks = index_blocks(text).map_err(|e| e.to_string())?;
    match blocks.as_slice() {
        [one] => Ok(Core { address: one.address.clone(), text: text[one.span.clone()].to_string() }),
        other => Err(format!("{} blocks", other.len())),
    }
}

/// An edit appending blocks at the end of `text`, separated from what is there by one
/// blank line, each block ending with a newline.
fn append(text: &str, blocks: &[String]) -> TextEdit {
    let mut out = String::new();
    if !text.is_empty() {
        if !text.ends_with('\n') {
            out.push('\n');
        }
        if !text.ends_with("\n\n") {
            out.push('\n');
        }
    }
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(block.trim_end_matches('\n'));
        out.push('\n');
    }
    TextEdit { range: text.len()..text.len(), new_text: out }
}

/// An edit deleting a block together with the rest of its last line and one blank
/// line before it, so no gap of two blank lines is left behind.
fn removal(text: &str, info: &BlockInfo) -> TextEdit {
    let line_start = text[..info.span.start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let mut start = if text[line_start..info.span.start].trim().is_empty() { line_start } else { info.span.start };
    let mut end = text[info.span.end..].find('\n').map(|i| info.span.end + i + 1).unwrap_or(text.len());
    if text[..start].ends_with("\n\n") {
        start -= 1;
    } else if text[end..].starts_with('\n') {
        end += 1;
    }
    TextEdit { range: start..end, new_text: String::new() }
}

/// The ledger after a plan's edits were sent, judged by the files as they are now:
/// a planned block counts as written only if it is there with the planned text, so an
/// edit the client dropped is neither mistaken for a user's deletion nor forgotten.
/// Entries of blocks in conflict are kept until the user decides.
pub fn settle(old: &Ledger, plan: &MergePlan, files: &BTreeMap<String, String>) -> Ledger {
    let mut present: BTreeMap<String, u64> = BTreeMap::new();
    for text in files.values() {
        if let Ok(blocks) = index_blocks(text) {
            for b in blocks {
                present.entry(b.address.clone()).or_insert_with(|| fingerprint(&text[b.span.clone()]));
            }
        }
    }
    let mut out = old.clone();
    for (address, entry) in &plan.ledger.blocks {
        if present.get(address) == Some(&entry.fingerprint) {
            out.blocks.insert(address.clone(), entry.clone());
        }
    }
    for address in &plan.removed {
        if !present.contains_key(address) {
            out.blocks.remove(address);
        }
    }
    out
}
