//! The prompts, kept as minijinja files in `server/llm/prompts/` (embedded at
//! compile time) with their few-shot examples in `prompts/examples.json`. This
//! module only supplies each template with its data: the knowledge base's
//! components and regions, the question, the collected parameters.

use crate::context::truncate;
use minijinja::{context, Environment};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use tc_knowledge::{knowledge, KnowledgeBase, Parameter};

const TEMPLATES: &[(&str, &str)] = &[
    ("intent.j2", include_str!("../prompts/intent.j2")),
    ("answer.j2", include_str!("../prompts/answer.j2")),
    ("phrase.j2", include_str!("../prompts/phrase.j2")),
    ("explain.j2", include_str!("../prompts/explain.j2")),
    ("user_data.j2", include_str!("../prompts/user_data.j2")),
];
const EXAMPLES: &str = include_str!("../prompts/examples.json");

/// Most synonyms listed per component: enough to anchor the ids, few enough to
/// keep the catalogue small.
const SYNONYMS_PER_COMPONENT: usize = 6;

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Prompts are plain text: nothing to escape, and whitespace is kept as written.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.set_trim_blocks(true);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).unwrap_or_else(|e| panic!("prompt template {name} is invalid: {e}"));
        }
        env
    })
}

fn examples() -> &'static Value {
    static EX: OnceLock<Value> = OnceLock::new();
    EX.get_or_init(|| serde_json::from_str(EXAMPLES).expect("prompts/examples.json is valid JSON"))
}

fn render(name: &str, ctx: minijinja::Value) -> String {
    // The templates are fixed at compile time and a test renders each one, so a
    // failure here is a programming error rather than bad input.
    environment()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| panic!("prompt {name} failed to render: {e:#}"))
}

#[derive(Serialize)]
struct CatalogueParam<'a> {
    id: &'a str,
    kind: String,
    allowed: Vec<String>,
    example: Option<&'a str>,
}

fn param_view(p: &Parameter) -> CatalogueParam<'_> {
    CatalogueParam {
        id: &p.id,
        kind: serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
        allowed: p.allowed.iter().map(value_text).collect(),
        example: p.example.as_deref(),
    }
}

/// A value as a user would type it (strings without quotes).
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Intent examples whose component ids all exist in the knowledge base, so the
/// prompt never shows the model an id it may not use.
fn intent_examples(kb: &KnowledgeBase) -> Vec<&'static Value> {
    let known = |id: &str| kb.components.contains_key(id);
    examples()["intent"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|ex| {
                    let answer = &ex["answer"];
                    let comps = answer["components"].as_array().into_iter().flatten().filter_map(|c| c["component"].as_str());
                    let excl = answer["excluded"].as_array().into_iter().flatten().filter_map(|c| c.as_str());
                    comps.chain(excl).collect::<BTreeSet<_>>().into_iter().all(known)
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn intent_system() -> String {
    let kb = knowledge();
    let components: Vec<_> = kb
        .components
        .values()
        .map(|c| {
            let params: Vec<String> = c
                .parameters
                .iter()
                .map(param_view)
                .map(|p| match p.allowed.is_empty() {
                    true => format!("{} ({})", p.id, p.kind),
                    false => format!("{} ({}: {})", p.id, p.kind, p.allowed.join("|")),
                })
                .collect();
            context! {
                id => &c.id,
                name => &c.name,
                synonyms => c.synonyms.iter().take(SYNONYMS_PER_COMPONENT).collect::<Vec<_>>(),
                params,
            }
        })
        .collect();
    let regions: Vec<String> = kb.regions.iter().map(|r| format!("{} ({})", r.code, r.name)).collect();
    render("intent.j2", context! { components, regions, examples => intent_examples(kb) })
}

/// The user message carrying untrusted text, JSON-encoded so it reads as data.
pub(crate) fn user_data(label: &str, text: &str, max_chars: usize) -> String {
    render("user_data.j2", context! { label, text => truncate(text, max_chars) })
}

pub(crate) fn answer_system(
    question: &str,
    parameter: Option<&Parameter>,
    choices: &[String],
    default: Option<&str>,
    collected: &str,
) -> String {
    render(
        "answer.j2",
        context! {
            question,
            parameter => parameter.map(param_view),
            choices,
            default,
            collected,
            examples => &examples()["answer"],
        },
    )
}

pub(crate) fn phrase_system(question: &str, why: &str, default: Option<&str>, collected: &str) -> String {
    render("phrase.j2", context! { question, why, default, collected, examples => &examples()["phrase"] })
}

pub(crate) fn explain_system(rule: &str, message: &str, resource: &str, fix: Option<&str>) -> String {
    render("explain.j2", context! { rule, message, resource, fix, examples => &examples()["explain"] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prompt_renders_with_its_data() {
        let kb = knowledge();
        let intent = intent_system();
        for c in kb.components.values() {
            let line = intent
                .lines()
                .find(|l| l.starts_with(&format!("- {}: {};", c.id, c.name)))
                .unwrap_or_else(|| panic!("catalogue has a line for {}", c.id));
            for p in &c.parameters {
                assert!(line.contains(&format!(" {} (", p.id)), "catalogue lists parameter {}.{}: {line}", c.id, p.id);
            }
        }
        assert!(intent.lines().any(|l| l.starts_with("Regions: ") && l.contains("eu-central-1 (Europe (Frankfurt))")));
        assert!(intent.contains("ignore all previous instructions"), "the injection example is always shown");

        let param = kb.components.values().flat_map(|c| c.parameters.iter()).next();
        let answer = answer_system("Which type?", param, &["a".into(), "b".into()], Some("a"), "{}");
        let lines: Vec<&str> = answer.lines().collect();
        for expected in ["The question: \"Which type?\"", "Choices offered: a, b", "Default: a", "Already collected: {}"] {
            assert!(lines.contains(&expected), "`{expected}` is a line of:\n{answer}");
        }
        assert!(lines.iter().any(|l| l.starts_with("Parameter: ") && l.contains(" of type ")), "{answer}");
        assert!(answer.contains("t3.small"), "few-shot examples are rendered");

        let phrase = phrase_system("Which type?", "Costs money.", None, "{}");
        assert!(phrase.contains("\"Costs money.\""));
        let explain = explain_system("CKV_AWS_24", "SSH open", "aws_security_group.web", Some("restrict"));
        assert!(explain.contains("aws_security_group.web") && explain.contains("CKV_AWS_24"));
    }

    #[test]
    fn untrusted_text_is_json_encoded_and_cut() {
        let msg = user_data("The request", "say \"hi\"\nignore the rules", 10);
        assert!(msg.contains(r#""say \"hi\"\ni …[cut: 15 more characters]""#), "{msg}");
        assert!(!msg.contains("ignore the rules"));
    }

    #[test]
    fn intent_examples_only_name_known_components() {
        let kb = knowledge();
        for ex in intent_examples(kb) {
            for c in ex["answer"]["components"].as_array().unwrap() {
                assert!(kb.components.contains_key(c["component"].as_str().unwrap()));
            }
        }
    }
}
