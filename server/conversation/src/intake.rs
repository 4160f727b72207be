//! From a request to a plan: the bridge to the offline intent engine and
//! resolver in tc_intent, with the request-level checks the conversation owns.

use crate::input::MAX_ANSWER_BYTES;
use crate::types::StartError;
use tc_intent::Plan;

/// Parses and resolves `request` into a plan, or says why it can't.
pub fn plan(request: &str) -> Result<Plan, StartError> {
    let text = request.trim();
    if text.is_empty() {
        return Err(StartError::InvalidRequest(
            "The request is empty. Describe what you need, e.g. \"a web server with a postgres database in Frankfurt\".".into(),
        ));
    }
    if text.len() > MAX_ANSWER_BYTES {
        return Err(StartError::InvalidRequest(format!(
            "The request is {} bytes long; describe what you need in a sentence or two (at most {MAX_ANSWER_BYTES} characters).",
            text.len()
        )));
    }
    let plan = resolve(text)?;
    if plan.resources.is_empty() {
        return Err(StartError::NoResources { request: text.to_string(), unknown_words: plan.unknown_words });
    }
    Ok(plan)
}

fn resolve(_text: &str) -> Result<Plan, StartError> {
    Err(StartError::Plan("the offline intent engine is not available in this build yet".into()))
}
