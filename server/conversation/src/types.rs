//! The public data types of a conversation: states, commands, turns, questions,
//! warnings, and the errors and problems reported to callers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a conversation is. The order follows the product's state machine:
/// `Init → IntentParsing → DependencyAnalysis → ParameterCollection → Validation →
/// Generation → Complete`, with `Cancelled` reachable from any state.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
#[derive(Default)]
pub enum State {
    #[default]
    Init,
    IntentParsing,
    DependencyAnalysis,
    ParameterCollection,
    Validation,
    /// Every answer is collected and valid: the caller turns [`crate::Conversation::stack`]
    /// into files. The engine is pure, so it passes through this state in the same turn
    /// and reports `Complete`; the transition is still recorded in the history.
    Generation,
    Complete,
    Cancelled,
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            State::Init => "init",
            State::IntentParsing => "intent_parsing",
            State::DependencyAnalysis => "dependency_analysis",
            State::ParameterCollection => "parameter_collection",
            State::Validation => "validation",
            State::Generation => "generation",
            State::Complete => "complete",
            State::Cancelled => "cancelled",
        };
        f.write_str(s)
    }
}

/// A structured user action; free text is interpreted into one of these by
/// [`crate::Conversation::handle`], the language server sends them directly.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "command", content = "args", rename_all = "snake_case")]
pub enum Command {
    /// A value for the current question (validated like typed text).
    Answer(String),
    /// Take the current question's default.
    Default,
    /// Leave an optional parameter unset (required ones are refused).
    Skip,
    /// Undo the last answer and ask its question again.
    Back,
    /// Change any parameter, answered or not: `target` is a question id
    /// (`db.instance_class`), a parameter name (`instance type`) or `region`.
    Change { target: String, value: String },
    /// Take the default of every remaining question.
    AcceptAllDefaults,
    /// Yes or no to a yes/no, defaults or insecure-value confirmation question.
    Confirm(bool),
    Status,
    Help,
    Cancel,
}

/// What a question expects.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// A parameter value.
    Value,
    /// Whether to include a recommended or optional resource.
    YesNo,
    /// Whether to accept a group of safe defaults ("no" opens them up one by one).
    Defaults,
    /// Whether to keep an answer that a security rule flagged.
    ConfirmInsecure,
}

/// One question, with everything a front end needs to show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Question {
    /// Stable id: `region`, `<resource>.<parameter>` (`db.instance_class`),
    /// `include.<resource>`, `defaults.<resource>` or `confirm.<question id>`.
    pub id: String,
    pub text: String,
    /// The answer taken on "default", "ok" or an empty line, as the user would type it.
    pub default: Option<String>,
    /// One line saying why this matters.
    pub why: String,
    /// Finite choices, when there are few enough to show.
    pub choices: Vec<String>,
    pub example: Option<String>,
    /// (n, m): this is question n of about m, counting answered ones.
    pub progress: (usize, usize),
    pub kind: QuestionKind,
    pub cost_note: Option<String>,
}

/// A security warning raised by an answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Warning {
    /// Rule id: the `tc_rules` rule the generated code would trip (e.g.
    /// `TC-VPC-002`, as in the editor's diagnostics and `check`), or one of the
    /// conversation's own `TC-CONV-` rules (see docs/conversation.md).
    pub rule: String,
    /// The rule's title (from `tc_rules` for its rules).
    #[serde(default)]
    pub title: String,
    pub message: String,
    /// True when the answer is held until the user explicitly confirms it.
    pub needs_confirmation: bool,
}

/// The engine's reply to one input.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Turn {
    pub state: State,
    /// What happened, in order (acknowledgements, help text, status, summaries).
    pub messages: Vec<String>,
    /// The next question, or `None` when complete or cancelled.
    pub question: Option<Question>,
    pub warnings: Vec<Warning>,
    /// Set when the input was refused: what is wrong and how to fix it. The
    /// conversation is unchanged and `question` asks again.
    pub rejection: Option<String>,
    /// Resource keys whose values changed in this turn (drives live buffer edits).
    pub changed: Vec<String>,
    pub complete: bool,
}


/// Why a conversation could not start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartError {
    /// The request named no AWS resource the knowledge base knows.
    NoResources { request: String, unknown_words: Vec<String> },
    /// The request was empty or too long to be a request.
    InvalidRequest(String),
    /// The resolver could not build a plan (for example a dependency cycle).
    Plan(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::NoResources { request, unknown_words } => {
                let shown: String = request.chars().take(80).collect();
                write!(f, "I found no AWS resources in that (\"{shown}\"). ")?;
                if !unknown_words.is_empty() {
                    let words: Vec<&str> = unknown_words.iter().take(8).map(String::as_str).collect();
                    write!(f, "I did not recognise: {}. ", words.join(", "))?;
                }
                write!(f, "Try naming what you need, e.g. \"a web server with a postgres database in Frankfurt\" or \"an S3 bucket for backups\".")
            }
            StartError::InvalidRequest(why) => f.write_str(why),
            StartError::Plan(why) => write!(f, "I could not plan that request: {why}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Something still needed before generation can start.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Missing {
    /// The question id that collects it.
    pub id: String,
    /// Why it is missing (unanswered, or its value is no longer valid).
    pub reason: String,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.id, self.reason)
    }
}

/// A problem with a non-interactive run: an unknown question id, an invalid
/// answer, an insecure answer without confirmation, or a request with no resources.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Problem {
    /// The question id the problem is about (empty for the request itself).
    pub id: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.id.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.id, self.message)
        }
    }
}
