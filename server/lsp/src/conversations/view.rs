//! Conversions from the engine's types to the wire types of [`crate::protocol`].

use crate::protocol::{
    ConflictKind as WireConflictKind, ConflictParams, EditOutcome, Progress, QuestionView, RemainingView, StatusResult,
    TurnResult, WarningView,
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

/// Numbers the engine's questions after the `asked` reuse questions that came first,
/// so progress reads "question 4 of about 12" across both.
pub fn after_reuse(result: &mut TurnResult, asked: usize) {
    if let Some(q) = result.question.as_mut().filter(|q| !q.id.starts_with(super::reuse::QUESTION_PREFIX)) {
        q.progress.current += asked as u32;
        q.progress.total += asked as u32;
    }
}

/// `terraconverse/status` of one conversation: its current turn (with `messages`
/// appended), the region, the values collected, what remains and what is reused.
pub fn status(id: &str, entry: &mut super::Entry, messages: Vec<String>) -> Option<StatusResult> {
    let kb = tc_knowledge::knowledge();
    let deciding = entry.reuse.as_ref().filter(|d| d.pending());
    let total = entry.conversation.current_question().map_or(0, |q| q.progress.1);
    let mut turn = entry.conversation.apply(tc_conversation::Command::Status);
    let mut remaining: Vec<RemainingView> = Vec::new();
    if let Some(q) = deciding.and_then(|d| d.question(total)) {
        turn.question = Some(q.clone());
        remaining.push(RemainingView { id: q.id, reason: format!("not answered yet (default: {})", q.default.unwrap_or_default()) });
    }
    if let Err(missing) = entry.conversation.stack() {
        remaining.extend(missing.into_iter().filter(|m| !m.id.is_empty()).map(|m| RemainingView { id: m.id, reason: m.reason }));
    }
    turn.messages.extend(messages);
    let open = |id: &str| remaining.iter().any(|r| r.id == id);
    let stack = entry.conversation.partial_stack();
    let mut parameters = Vec::new();
    for r in stack.resources.iter().filter(|r| r.existing.is_none()) {
        // A pending group of safe defaults holds the values still at their default.
        let group_open = open(&format!("defaults.{}", r.key)) || open(&format!("include.{}", r.key));
        let component = kb.component(&r.component);
        for (k, v) in &r.values {
            let default = component.and_then(|c| c.parameter(k)).and_then(|p| p.default.as_ref());
            if open(&format!("{}.{k}", r.key)) || (group_open && default == Some(v)) {
                continue;
            }
            parameters.push(format!("{}.{} = {}", r.key, k, tc_conversation::display(v)));
        }
    }
    // Values the request stated for resources the conversation has not reached yet.
    for r in entry.conversation.plan().resources.iter().filter(|r| r.existing.is_none()) {
        if stack.resources.iter().any(|s| s.key == r.key) {
            continue;
        }
        for (k, v) in &r.params {
            if !open(&format!("{}.{k}", r.key)) {
                parameters.push(format!("{}.{} = {}", r.key, k, tc_conversation::display(v)));
            }
        }
    }
    let plan = match entry.reuse.as_ref() {
        Some(d) => d.applied().0,
        None => entry.conversation.plan().clone(),
    };
    let reused = plan.resources.iter().filter_map(|r| r.existing.as_ref().map(|e| format!("{} = {e}", r.key))).collect();
    let asked = entry.reuse.as_ref().filter(|d| !d.pending()).map_or(0, |d| d.asked());
    let mut result = turn_result(id, &turn);
    after_reuse(&mut result, asked);
    Some(StatusResult {
        turn: result,
        request: entry.request.clone(),
        target: Uri::from_file_path(entry.target.path())?,
        region: stack.region,
        parameters,
        remaining,
        reused,
    })
}

fn turn_result(id: &str, t: &Turn) -> TurnResult {
    turn(id, t, Vec::new(), None)
}
