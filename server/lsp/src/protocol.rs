//! The TerraConverse extensions to the Language Server Protocol, declared once.
//!
//! Every custom method name lives in [`REQUESTS`] or [`NOTIFICATIONS`] (and the one
//! client-side command in [`COMMANDS`]); the editor mirrors (TypeScript in
//! `editors/vscode`, Lua in `editors/neovim`) are checked against these lists by a test,
//! and `docs/lsp-extensions.md` describes each one. Field names are camelCase on the wire.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{notification::Notification, request::Request, Uri};

/// Every custom method starts with this prefix.
pub const PREFIX: &str = "terraconverse/";

/// Method names (client → server requests and server → client notifications).
pub mod method {
    pub const START: &str = "terraconverse/start";
    pub const ANSWER: &str = "terraconverse/answer";
    pub const BACK: &str = "terraconverse/back";
    pub const CHANGE: &str = "terraconverse/change";
    pub const STATUS: &str = "terraconverse/status";
    pub const CANCEL: &str = "terraconverse/cancel";
    pub const LIST: &str = "terraconverse/list";
    pub const RESOLVE: &str = "terraconverse/resolve";

    pub const QUESTION: &str = "terraconverse/question";
    pub const WARNINGS: &str = "terraconverse/warnings";
    pub const COMPLETE: &str = "terraconverse/complete";
    pub const CONFLICT: &str = "terraconverse/conflict";
}

/// Requests a client sends to the server.
pub const REQUESTS: &[&str] = &[
    method::START,
    method::ANSWER,
    method::BACK,
    method::CHANGE,
    method::STATUS,
    method::CANCEL,
    method::LIST,
    method::RESOLVE,
];

/// Notifications the server sends to the client.
pub const NOTIFICATIONS: &[&str] = &[
    method::QUESTION,
    method::WARNINGS,
    method::COMPLETE,
    method::CONFLICT,
];

/// The command of the "Generate resource conversationally" code action. It is run by
/// the editor (which asks the user for a request and then sends `terraconverse/start`
/// with the command's argument as `target`/`scope`), so the server does not register it.
pub const START_COMMAND: &str = "terraconverse.startConversation";
pub const COMMANDS: &[&str] = &[START_COMMAND];

// ----- Parameters and results -------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StartParams {
    /// The plain-language request, e.g. "add a postgres database".
    pub request: String,
    /// A workspace folder or a `.tf` file to write into. Defaults to the first
    /// workspace folder.
    #[serde(default)]
    pub target: Option<Uri>,
    /// An existing block the conversation is about, e.g. `aws_vpc.main` (set by the
    /// "Generate resource conversationally" code action on a resource block).
    #[serde(default)]
    pub scope: Option<String>,
    /// Whether resources the workspace already defines (VPC, subnets, security groups)
    /// are referenced instead of generated again. Default true.
    #[serde(default)]
    pub reuse_existing: Option<bool>,
}

/// Parameters that name only a conversation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConversationParams {
    pub conversation: String,
}

/// The shortcut buttons of a question, sent instead of free text.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum AnswerAction {
    /// Accept the question's default.
    Default,
    /// Skip an optional question.
    Skip,
    /// Accept the defaults of every remaining question.
    AcceptAllDefaults,
    /// Confirm a warning that needs confirmation.
    Confirm,
    /// Decline a warning that needs confirmation.
    Decline,
    /// Explain the current question.
    Help,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AnswerParams {
    pub conversation: String,
    /// Free text typed by the user (also understands "default", "skip", "back", …).
    #[serde(default)]
    pub text: Option<String>,
    /// A button; used when `text` is absent.
    #[serde(default)]
    pub action: Option<AnswerAction>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChangeParams {
    pub conversation: String,
    /// What to change: a parameter (`instance_type`, `db.instance_class`) or a resource key.
    pub target: String,
    pub value: String,
}

/// How to settle a block the user changed or deleted after the conversation wrote it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Resolution {
    /// Keep the user's version (or the deletion); the conversation stops writing that block.
    KeepMine,
    /// Write the conversation's version again.
    Regenerate,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResolveParams {
    pub conversation: String,
    /// Block address, e.g. `resource.aws_db_instance.main`.
    pub address: String,
    pub resolution: Resolution,
}

/// Progress through the conversation: question `current` of about `total`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub current: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct QuestionView {
    /// Stable id, e.g. `db.engine_version`.
    pub id: String,
    pub text: String,
    /// The default answer as the user would type it.
    pub default: Option<String>,
    /// One line: why this default.
    pub why: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
    pub example: Option<String>,
    pub progress: Progress,
    /// The kind of answer expected (`text`, `number`, `bool`, `choice`, …).
    pub kind: String,
    pub cost_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WarningView {
    /// Rule id, e.g. `TC-SG-001`.
    pub rule: String,
    pub message: String,
    /// The user must confirm (`confirm` action) before the answer is taken.
    pub needs_confirmation: bool,
}

/// What happened to the workspace after a turn.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EditOutcome {
    /// Whether the client applied the edit (false when there was nothing to write).
    pub applied: bool,
    /// Files the edit touched.
    #[serde(default)]
    pub files: Vec<Uri>,
    /// Why nothing was applied, when something should have been.
    #[serde(default)]
    pub failure: Option<String>,
}

/// The answer to every conversation request: the state after the turn.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TurnResult {
    pub conversation: String,
    /// Lines to show in the transcript (acknowledgements, explanations, summaries).
    #[serde(default)]
    pub messages: Vec<String>,
    /// The next question, absent once the conversation is complete or cancelled.
    pub question: Option<QuestionView>,
    #[serde(default)]
    pub warnings: Vec<WarningView>,
    /// Why the last answer was not accepted (the question stays the same).
    pub rejection: Option<String>,
    pub complete: bool,
    pub cancelled: bool,
    /// Blocks the user changed or deleted and that wait for `terraconverse/resolve`.
    #[serde(default)]
    pub conflicts: Vec<ConflictParams>,
    pub edit: Option<EditOutcome>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StatusResult {
    #[serde(flatten)]
    pub turn: TurnResult,
    pub request: String,
    pub target: Uri,
    /// The AWS region the configuration is for (the default until it is answered;
    /// then `region` is no longer in `remaining`).
    pub region: String,
    /// Values collected so far, one line per parameter (`db.engine = postgres`).
    pub parameters: Vec<String>,
    /// What is still to be answered, in the order it will be asked.
    #[serde(default)]
    pub remaining: Vec<RemainingView>,
    /// Resources of the folder the conversation references instead of creating,
    /// one line per planned resource (`vpc = aws_vpc.main`).
    #[serde(default)]
    pub reused: Vec<String>,
}

/// A question still to be answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RemainingView {
    /// The question id (`region`, `db.instance_class`, `reuse.vpc`).
    pub id: String,
    /// Why it is still open, with its default.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    pub conversation: String,
    pub request: String,
    pub target: Uri,
    pub complete: bool,
    pub progress: Option<Progress>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ListResult {
    pub conversations: Vec<ConversationSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CancelResult {
    pub conversation: String,
    pub cancelled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct QuestionParams {
    pub conversation: String,
    pub question: QuestionView,
    #[serde(default)]
    pub messages: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WarningsParams {
    pub conversation: String,
    pub warnings: Vec<WarningView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CompleteParams {
    pub conversation: String,
    #[serde(default)]
    pub messages: Vec<String>,
    /// Every file the conversation wrote into.
    pub files: Vec<Uri>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ConflictKind {
    /// The user deleted a block the conversation wrote.
    Deleted,
    /// The user edited a block the conversation wrote.
    Modified,
    /// A block of the same address already exists and the conversation did not write it.
    NotOurs,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConflictParams {
    pub conversation: String,
    pub address: String,
    pub kind: ConflictKind,
    pub file: Uri,
    /// The question to show, e.g. "You deleted aws_db_instance.main. Keep it deleted or write it again?"
    pub message: String,
}

// ----- Typed request/notification markers, for the server and tests -----------------

macro_rules! request {
    ($name:ident, $method:expr, $params:ty, $result:ty) => {
        #[derive(Debug)]
        pub enum $name {}
        impl Request for $name {
            type Params = $params;
            type Result = $result;
            const METHOD: &'static str = $method;
        }
    };
}

macro_rules! notification {
    ($name:ident, $method:expr, $params:ty) => {
        #[derive(Debug)]
        pub enum $name {}
        impl Notification for $name {
            type Params = $params;
            const METHOD: &'static str = $method;
        }
    };
}

request!(Start, method::START, StartParams, TurnResult);
request!(Answer, method::ANSWER, AnswerParams, TurnResult);
request!(Back, method::BACK, ConversationParams, TurnResult);
request!(Change, method::CHANGE, ChangeParams, TurnResult);
request!(Status, method::STATUS, ConversationParams, StatusResult);
request!(Cancel, method::CANCEL, ConversationParams, CancelResult);
request!(List, method::LIST, (), ListResult);
request!(Resolve, method::RESOLVE, ResolveParams, TurnResult);

notification!(QuestionNotification, method::QUESTION, QuestionParams);
notification!(WarningsNotification, method::WARNINGS, WarningsParams);
notification!(CompleteNotification, method::COMPLETE, CompleteParams);
notification!(ConflictNotification, method::CONFLICT, ConflictParams);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_has_the_prefix_and_is_listed_once() {
        let mut all: Vec<&str> = REQUESTS.iter().chain(NOTIFICATIONS).copied().collect();
        assert!(all.iter().all(|m| m.starts_with(PREFIX)), "{all:?}");
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a method is listed twice");
    }

    #[test]
    fn the_documentation_describes_every_method() {
        let doc = include_str!("../../../docs/lsp-extensions.md");
        for m in REQUESTS.iter().chain(NOTIFICATIONS).chain(COMMANDS) {
            assert!(doc.contains(&format!("`{m}`")), "docs/lsp-extensions.md does not describe {m}");
        }
    }
}
