//! The glue between the model and the conversation engine, shared by `terraconverse
//! chat`/`intent`/`generate` and the language server, so both front ends use the
//! model the same way: the offline engine first, the model only to add to it, and
//! every candidate the model proposes handed back to the engine's validators.
//!
//! Only [`start`] is async. Answers are split into synchronous steps around the one
//! `.await` ([`LlmConversation::interpret_answer`]) so that the language server can
//! release its session lock while the model thinks, and the CLI can keep live AWS
//! checks (which run their own runtime) outside the model's runtime.

use crate::service::{IntentOutcome, LlmConversation, QuestionView};
use crate::Disabled;
use tc_conversation::{Command, Conversation, LiveChecks, QuestionKind, StartError, Turn};

/// A conversation started with the model's help.
#[derive(Debug)]
pub struct Started {
    pub conversation: Conversation,
    /// The engine's first turn; its first message says what the model added or why
    /// it was not used, when there is something to say.
    pub turn: Turn,
    /// What the model contributed; `None` when no model is configured.
    pub outcome: Option<IntentOutcome>,
}

/// Starts a conversation about `request`. Without a model this is exactly
/// [`Conversation::start`]. With one, the model's intent is merged into the offline
/// engine's (only additions that pass the knowledge base's checks), so a request the
/// offline engine could not read at all may still start a conversation; when the
/// model fails or adds nothing, the offline result stands and a line says why.
pub async fn start(llm: Option<&LlmConversation>, request: &str) -> Result<Started, StartError> {
    let offline_start = Conversation::start(request);
    let Some(llm) = llm else {
        return offline_start.map(|(conversation, turn)| Started { conversation, turn, outcome: None });
    };
    // An empty or oversized request is refused before anything is sent anywhere.
    if let Err(StartError::InvalidRequest(_)) = &offline_start {
        return offline_start.map(|(conversation, turn)| Started { conversation, turn, outcome: None });
    }
    let text = request.trim();
    llm.remember_user(text);
    let offline = tc_intent::understand(text);
    let outcome = llm.parse_intent(text, &offline).await;
    let improved = !outcome.added_components.is_empty() || !outcome.added_params.is_empty() || outcome.region_added;
    let merged = if improved {
        match tc_intent::resolve(&outcome.intent) {
            Ok(plan) if !plan.resources.is_empty() => Some(Conversation::from_plan(plan)),
            Ok(_) => None,
            Err(e) => {
                // The offline plan (if any) is still good; the model's additions are not.
                tracing::info!(target: "tc_llm", "the merged intent did not resolve ({e}); using the offline plan");
                None
            }
        }
    } else {
        None
    };
    let (conversation, mut turn) = match merged {
        Some(started) => started,
        None => offline_start?,
    };
    if let Some(line) = outcome.summary() {
        turn.messages.insert(0, format!("LLM: {line}"));
    }
    if let Some(q) = &turn.question {
        llm.remember_assistant(&q.text);
    }
    Ok(Started { conversation, turn, outcome: Some(outcome) })
}

/// Whether the model should be asked about `text`, an answer the engine just
/// `rejected`: only a value the user typed (not a command such as "back" or
/// "status"), only for the question still open, and never for a security
/// confirmation, which only the user's own yes may settle. Returns the question to
/// show the model.
pub fn wants_model(conversation: &Conversation, text: &str, rejected: &Turn) -> Option<QuestionView> {
    if rejected.rejection.is_none() || !matches!(tc_conversation::interpret(text), Command::Answer(_)) {
        return None;
    }
    let question = QuestionView::current(conversation)?;
    (!question.is_security_confirmation()).then_some(question)
}

/// Hands the model's `candidate` answer for `question_id` to the engine, validated
/// and warned about exactly like typed text. `None` when the engine refuses it too,
/// when another question is open by now, or when the candidate is not an answer of
/// the kind asked (a model must not be able to answer "cancel" or "accept all
/// defaults" on the user's behalf): the caller keeps the engine's own rejection.
pub fn apply_candidate(
    conversation: &mut Conversation,
    question_id: &str,
    text: &str,
    candidate: &str,
    live: &dyn LiveChecks,
) -> Option<Turn> {
    let question = conversation.current_question().filter(|q| q.id == question_id)?;
    let command = match question.kind {
        QuestionKind::Value => Command::Answer(candidate.to_string()),
        QuestionKind::YesNo | QuestionKind::Defaults => match tc_conversation::interpret(candidate) {
            Command::Confirm(yes) => Command::Confirm(yes),
            _ => return None,
        },
        QuestionKind::ConfirmInsecure => return None,
    };
    let mut turn = conversation.apply_with(command, live);
    if turn.rejection.is_some() {
        tracing::info!(target: "tc_llm", "the engine refused the model's reading of an answer");
        return None;
    }
    turn.messages.insert(0, format!("I read \"{}\" as \"{candidate}\".", shorten(text)));
    Some(turn)
}

/// The LLM line for status output: this conversation's counters, or why the model is off.
pub fn status_line(llm: Option<&LlmConversation>, off: Option<&Disabled>) -> String {
    match (llm, off) {
        (Some(c), _) => format!("{} ({})", c.stats(), c.service().describe()),
        (None, Some(off)) => off.to_string(),
        (None, None) => "LLM off; using the offline engine only".to_string(),
    }
}

/// A current-thread runtime for synchronous callers (the CLI) to run the model's
/// async calls on. One per process: the HTTP client's connection pool lives on it.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()
}

fn shorten(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(60).collect::<String>())
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tc_conversation::OfflineOnly;

    fn at_instance_type() -> Conversation {
        let (mut conv, _) = Conversation::start("an ec2 instance").unwrap();
        for _ in 0..100 {
            if conv.current_question().unwrap().id.ends_with(".instance_type") {
                return conv;
            }
            conv.apply(Command::Default);
        }
        panic!("no instance type question");
    }

    #[test]
    fn commands_are_never_taken_from_the_model() {
        // What a model talked into it might answer, and whether the engine may use it.
        let cases = [("t3.small", true), ("cancel", false), ("accept all defaults", false), ("t3.gigantic", false)];
        for (candidate, used) in cases {
            let mut conv = at_instance_type();
            let id = conv.current_question().unwrap().id;
            let turn = apply_candidate(&mut conv, &id, "the small one", candidate, &OfflineOnly);
            assert_eq!(turn.is_some(), used, "{candidate}: {turn:?}");
            assert_ne!(conv.state(), tc_conversation::State::Cancelled, "{candidate}");
            if used {
                assert!(turn.unwrap().messages[0].contains("as \"t3.small\""));
            } else {
                assert_eq!(conv.current_question().unwrap().id, id, "{candidate}: the question stays open");
            }
        }
    }

    #[test]
    fn only_rejected_typed_values_go_to_the_model() {
        let mut conv = at_instance_type();
        let rejected = conv.handle("the small one");
        assert!(rejected.rejection.is_some());
        assert!(wants_model(&conv, "the small one", &rejected).is_some());
        // A command is the user's, not a value to interpret; an accepted answer needs no help.
        assert!(wants_model(&conv, "back", &rejected).is_none());
        let accepted = conv.handle("t3.micro");
        assert!(wants_model(&conv, "t3.micro", &accepted).is_none());
        // Another question moved in: a candidate for the old one is not applied.
        assert!(apply_candidate(&mut conv, "web.instance_type_that_is_gone", "x", "t3.small", &OfflineOnly).is_none());
    }
}
