//! Conversions from the engine's types to the wire types of [`crate::protocol`].

use crate::protocol::{
    ConflictKind as WireConflictKind, ConflictParams, EditOutcome, Progress, QuestionView, TurnResult, WarningView,
};
use tc_conversation::{Question, QuestionKind, State, Turn, Warning};
use tc_edit::{Conflict, ConflictKind};
use tower_lsp_server::ls_types::Uri;

pub fn question(q: &Question) -> QuestionView {
    QuestionView {
        id: q.id.clone(),
        text: q.text.clone(),
        default: q.default.clone(),
        why: Some(q.why.clone()).filter(|w| !w.is_empty()),
        choices: q.choices.clone(),
        example: q.example.clone(),
        progress: Progress { current: q.progress.0 as u32, total: q.progress.1 as u32 },
        kind: match q.kind {
            QuestionKind::Value => "value",
            QuestionKind::YesNo => "yesNo",
            QuestionKind::Defaults => "defaults",
            QuestionKind::ConfirmInsecure => "confirmInsecure",
        }
        .to_string(),
        cost_note: q.cost_note.clone(),
    }
}

pub fn warning(w: &Warning) -> WarningView {
    WarningView { rule: w.rule.clone(), message: w.message.clone(), needs_confirmation: w.needs_confirmation }
}

pub fn conflict(conversation: &str, c: &Conflict, uri: Uri) -> ConflictParams {
    let name = c.address.strip_prefix("resource.").unwrap_or(&c.address);
    let (kind, message) = match c.kind {
        ConflictKind::Deleted => (
            WireConflictKind::Deleted,
            format!("You deleted {name}, which this conversation wrote. Keep it deleted (keepMine) or write it again (regenerate)?"),
        ),
        ConflictKind::Modified => (
            WireConflictKind::Modified,
            format!("You changed {name} by hand. Keep your version (keepMine) or replace it with the conversation's (regenerate)?"),
        ),
        ConflictKind::NotOurs => (
            WireConflictKind::NotOurs,
            format!("{name} already exists and was not written by this conversation. Keep it (keepMine) or replace it (regenerate)?"),
        ),
    };
    ConflictParams { conversation: conversation.to_string(), address: c.address.clone(), kind, file: uri, message }
}

pub fn turn(conversation: &str, t: &Turn, conflicts: Vec<ConflictParams>, edit: Option<EditOutcome>) -> TurnResult {
    TurnResult {
        conversation: conversation.to_string(),
        messages: t.messages.clone(),
        question: t.question.as_ref().map(question),
        warnings: t.warnings.iter().map(warning).collect(),
        rejection: t.rejection.clone(),
        complete: t.complete || t.state == State::Complete,
        cancelled: t.state == State::Cancelled,
        conflicts,
        edit,
    }
}
