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

fn resolve(text: &str) -> Result<Plan, StartError> {
    let intent = tc_intent::understand(text);
    if intent.components.is_empty() {
        return Err(StartError::NoResources { request: text.to_string(), unknown_words: intent.unknown_words });
    }
    tc_intent::resolve(&intent).map_err(|e| StartError::Plan(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_without_resources_say_so() {
        for text in ["what's the weather in Paris tomorrow?", "asdf qwerty zxcv", "wie spät ist es"] {
            let err = plan(text).unwrap_err();
            assert!(err.to_string().starts_with("I found no AWS resources in that"), "{text}: {err}");
        }
        assert!(matches!(plan("   "), Err(StartError::InvalidRequest(_))));
        let huge = "a web server ".repeat(100_000);
        assert!(plan(&huge).unwrap_err().to_string().contains("at most 4096 characters"));
    }

    #[test]
    fn a_web_server_with_a_database_becomes_a_plan() {
        let plan = plan("a web server with a postgres database in Frankfurt").unwrap();
        assert_eq!(plan.region, "eu-central-1");
        let components: Vec<&str> = plan.resources.iter().map(|r| r.component.as_str()).collect();
        assert!(components.contains(&"ec2_instance") && components.contains(&"rds_instance"), "{components:?}");
    }
}
