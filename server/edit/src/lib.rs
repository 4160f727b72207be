//! Format-preserving edit planning: given the current text of a folder's `.tf` files
//! and the blocks a configuration should contain, compute the byte-range edits that
//! insert new blocks, update existing ones in place with the smallest change, and leave
//! every comment, blank line and unrelated block byte-identical. Pure: no IO.

pub mod blocks;
pub mod diff;
pub mod merge;

pub use blocks::{block_at, index_blocks, syntax_error, BlockInfo, SyntaxError};
pub use merge::{
    plan, settle, Conflict, ConflictKind, Decisions, DesiredBlock, FileEdits, Ledger, LedgerEntry, MergeError, MergeInput,
    MergePlan,
};

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Replace `range` (bytes of the text the edit was computed against) with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

/// Applies non-overlapping edits (in any order) to `text`.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in sorted {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.new_text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A fingerprint of a block's text that ignores how whitespace is laid out, so
/// re-formatting a block (`terraform fmt`) is not mistaken for a hand edit while any
/// change of a token or comment is noticed. FNV-1a, stable across builds because it is
/// saved with conversations.
pub fn fingerprint(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut pending_space = false;
    for b in text.bytes() {
        if b.is_ascii_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            hash = (hash ^ u64::from(b' ')).wrapping_mul(0x0100_0000_01b3);
            pending_space = false;
        }
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Resources of the given Terraform types defined in `text`, as `type.name` addresses.
pub fn resources_of_types(text: &str, types: &[&str]) -> Vec<String> {
    index_blocks(text)
        .map(|blocks| {
            blocks
                .iter()
                .filter(|b| b.ident == "resource" && b.labels.len() == 2 && types.contains(&b.labels[0].as_str()))
                .map(BlockInfo::terraform_address)
                .collect()
        })
        .unwrap_or_default()
}
