//! The conversation engine: collects every parameter of a plan one question at a
//! time, validates each answer (type, format, constraints, relations between
//! resources, security), and hands a complete [`tc_knowledge::Stack`] to the
//! generator. Pure: no IO, no printing; a conversation is plain serializable data
//! that resumes exactly from a session file.
//!
//! See docs/conversation.md for the question ids, commands and rule ids.

mod engine;
mod formats;
mod input;
mod intake;
pub mod live;
mod network;
mod security;
mod types;
mod validate;

pub use engine::{display, Conversation, Step};
pub use input::{interpret, MAX_ANSWER_BYTES};
pub use live::{LiveCheck, LiveChecks, OfflineOnly};
pub use security::{possible_rules, RULES};
pub use types::*;

use std::collections::BTreeMap;
use tc_knowledge::Stack;

/// Runs a whole conversation without a user (`generate --answers`): the request,
/// then the given answers (question id → answer), defaults for everything else.
/// Every problem is reported, not just the first; nothing is returned half-done.
pub fn run_non_interactive(request: &str, answers: &BTreeMap<String, String>) -> Result<Stack, Vec<Problem>> {
    let (conv, _) = Conversation::start(request).map_err(|e| vec![Problem { id: String::new(), message: e.to_string() }])?;
    conv.complete_with(answers)
}
