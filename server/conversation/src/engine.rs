//! The conversation state machine: which question comes next, what an answer
//! does to the collected configuration, and when everything is complete.
//!
//! The conversation stores only data (the plan, the answers, the security
//! decisions and an undo history), so it serializes to a session file and resumes
//! exactly. Everything else (the question sequence, effective values, progress)
//! is derived from that data on demand, which keeps the state impossible to
//! corrupt: a rejected answer simply changes nothing.

use crate::input::{self, MAX_ANSWER_BYTES};
use crate::live::{LiveCheck, LiveChecks, OfflineOnly};
use crate::network::{self, SubnetSpec};
use crate::security;
use crate::types::*;
use crate::validate::{self, Ctx};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use tc_intent::{Inclusion, Origin, Plan};
use tc_knowledge::{
    knowledge, Category, Component, Constraint, DependencyKind, Format, KnowledgeBase, ParamType, Parameter, SecurityDecision, Stack,
    StackResource,
};

const REGION: &str = "region";
const DEFAULT_REGION: &str = "us-east-1";

/// A conversation about one request. Pure data: see the module documentation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Conversation {
    /// The user's first message (empty when started from a plan).
    request: String,
    plan: Plan,
    state: State,
    /// Every state entered, in order.
    trail: Vec<State>,
    /// Question id → answer: `region`, `<key>.<param>` (null = skipped),
    /// `include.<key>` and `defaults.<key>` (booleans).
    answers: BTreeMap<String, Value>,
    /// Parameter answers that came with the request (never asked).
    stated: BTreeSet<String>,
    /// Safe-default parameters that must be asked one by one because a change
    /// elsewhere made their value invalid.
    reask: BTreeSet<String>,
    /// An answer held until the user confirms a security warning.
    pending: Option<Pending>,
    decisions: Vec<SecurityDecision>,
    /// Answers that are a default the user accepted ("default", "accept all
    /// defaults"), not a value they typed: when a parameter they depend on
    /// changes (a knowledge-base constraint), they follow its new default.
    #[serde(default)]
    defaulted: BTreeSet<String>,
    /// One entry per input that changed something, for `back` and replay.
    history: Vec<Step>,
    #[serde(skip)]
    cache: ViewCache,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Pending {
    /// The question id of the held answer.
    id: String,
    value: Value,
    warnings: Vec<Warning>,
    /// (rule, resource key, parameter) of each decision a confirmation records.
    records: Vec<(String, String, String)>,
}

/// What the conversation looked like before an input, so `back` can restore it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Snapshot {
    answers: BTreeMap<String, Value>,
    pending: Option<Pending>,
    stated: BTreeSet<String>,
    reask: BTreeSet<String>,
    decisions: Vec<SecurityDecision>,
    #[serde(default)]
    defaulted: BTreeSet<String>,
}

/// One input that changed the conversation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Step {
    /// The input as typed (or a structured command's text form).
    pub input: String,
    before: Snapshot,
}

/// A memo of the derived question sequence. It is not part of the
/// conversation's data (not saved, not compared) and is dropped by `touch`
/// whenever the answers, the stated values or the re-ask set change.
#[derive(Default)]
struct ViewCache(std::sync::OnceLock<View>);

impl Clone for ViewCache {
    fn clone(&self) -> Self {
        ViewCache::default()
    }
}

impl PartialEq for ViewCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ViewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ViewCache")
    }
}

/// A place in the question sequence.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Region,
    /// Whether to include a recommended or optional resource (by plan index).
    Include(usize),
    /// The safe defaults of a resource, as parameter indexes.
    Defaults(usize, Vec<usize>),
    /// One parameter: (resource index, parameter index).
    Param(usize, usize),
}

/// The question sequence derived from the current answers.
#[derive(Clone)]
struct View {
    active: Vec<bool>,
    slots: Vec<Slot>,
    /// Whether each slot is answered.
    answered: Vec<bool>,
    /// Index of the first unanswered slot.
    current: Option<usize>,
}

/// A relation between resources that a set of values breaks.
#[derive(Debug, Clone, PartialEq)]
struct CrossError {
    /// The parameter at fault, as a question id.
    id: String,
    message: String,
    /// Subnet layout problems caused by a VPC range are fixed by re-asking the
    /// subnet, not by refusing the VPC answer.
    layout: bool,
}

fn kb() -> &'static KnowledgeBase {
    knowledge()
}

/// Category order of the question sequence: region, network, security groups,
/// identity, compute, then data stores and the rest.
fn category_rank(c: Category) -> u8 {
    match c {
        Category::Global => 0,
        Category::Network => 1,
        Category::Security => 2,
        Category::Identity => 3,
        Category::Compute => 4,
        Category::Containers => 5,
        Category::Serverless => 6,
        Category::Database => 7,
        Category::Storage => 8,
        Category::Messaging => 9,
        Category::Edge => 10,
        Category::Monitoring => 11,
    }
}

/// How a value is shown and typed back ("yes", "10.0.0.0/16", "80, 443").
pub fn display(v: &Value) -> String {
    match v {
        Value::Null => "(unset)".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The region question, shaped like a knowledge-base parameter so it goes
/// through the same validation. Built through serde so fields the knowledge
/// model adds later keep their defaults.
fn region_param(default: &str) -> Parameter {
    serde_json::from_value(json!({
        "id": REGION,
        "type": ParamType::Region,
        "required": true,
        "default": default,
        "question": "Which AWS region should this go in?",
        "why": "The region decides where your data lives, latency to your users and which data-protection laws apply.",
        "example": "eu-central-1 (or a city, e.g. Frankfurt)",
    }))
    .expect("the region parameter is well-formed")
}

impl Conversation {
    // ----- construction -------------------------------------------------------

    /// Starts from a plain-language request (the offline intent engine and resolver).
    pub fn start(request: &str) -> Result<(Conversation, Turn), StartError> {
        let plan = crate::intake::plan(request)?;
        let (mut conv, turn) = Conversation::from_plan(plan);
        conv.request = request.trim().to_string();
        Ok((conv, turn))
    }

    /// Starts from a plan built elsewhere (an LLM-merged intent, or a plan that
    /// reuses resources the workspace already defines).
    pub fn from_plan(mut plan: Plan) -> (Conversation, Turn) {
        let mut turn = Turn::default();
        let before = plan.resources.len();
        plan.resources.retain(|r| kb().component(&r.component).is_some());
        if plan.resources.len() < before {
            turn.messages.push(format!(
                "{} planned resource(s) name components I don't know and were left out.",
                before - plan.resources.len()
            ));
        }
        if plan.region.is_empty() {
            plan.region = DEFAULT_REGION.into();
        }
        let mut conv = Conversation {
            request: String::new(),
            plan,
            state: State::Init,
            trail: vec![State::Init],
            answers: BTreeMap::new(),
            stated: BTreeSet::new(),
            reask: BTreeSet::new(),
            pending: None,
            decisions: Vec::new(),
            defaulted: BTreeSet::new(),
            history: Vec::new(),
            cache: ViewCache::default(),
        };
        conv.enter(State::IntentParsing);
        conv.enter(State::DependencyAnalysis);
        conv.load_stated(&mut turn);
        turn.messages.insert(0, conv.plan_summary());
        conv.enter(State::ParameterCollection);
        conv.advance(&mut turn);
        conv.fill_turn(&mut turn, &BTreeMap::new());
        turn.changed.clear();
        (conv, turn)
    }

    /// Takes values the request stated (and the resolver derived) as answers,
    /// validating each: an invalid one is reported and asked instead.
    fn load_stated(&mut self, turn: &mut Turn) {
        if self.plan.region_stated {
            let region = self.plan.region.clone();
            match validate::parse_value(&self.ctx_for(None, &BTreeMap::new()), &region_param(DEFAULT_REGION), &region) {
                Ok(v) => {
                    self.answers.insert(REGION.into(), v);
                    self.stated.insert(REGION.into());
                    self.touch();
                }
                Err(e) => turn.messages.push(format!("Your request named the region \"{region}\", but: {e}")),
            }
        }
        for i in 0..self.plan.resources.len() {
            let r = self.plan.resources[i].clone();
            let comp = self.comp(i);
            for (pid, value) in &r.params {
                let Some(p) = comp.parameter(pid) else { continue };
                let qid = format!("{}.{}", r.key, pid);
                let raw = display(value);
                let values = self.values(i);
                match validate::parse_value(&self.ctx_for(Some(comp), &values), p, &raw) {
                    Ok(v) => {
                        self.answers.insert(qid.clone(), v);
                        self.stated.insert(qid);
                        self.touch();
                    }
                    Err(e) => turn.messages.push(format!("Your request said \"{raw}\" for {qid}, but: {e} I'll ask for it.")),
                }
            }
        }
    }

    fn plan_summary(&self) -> String {
        let active = self.active_with(None);
        let mut lines = Vec::new();
        for i in self.order() {
            let r = &self.plan.resources[i];
            let comp = self.comp(i);
            let why = match (&r.origin, r.inclusion) {
                (_, Inclusion::AskDefaultYes) => " (recommended; I'll ask)".to_string(),
                (_, Inclusion::AskDefaultNo) => " (optional; I'll ask)".to_string(),
                (Origin::Requested, _) => String::new(),
                (Origin::Required { by }, _) => format!(" (needed by {by})"),
                (Origin::Recommended { by }, _) | (Origin::Optional { by }, _) => format!(" (for {by})"),
            };
            if r.existing.is_some() {
                lines.push(format!("  - {} {}: reusing {}", comp.name, r.key, r.existing.as_deref().unwrap_or("")));
            } else if active[i] || matches!(r.inclusion, Inclusion::AskDefaultNo) {
                let count = if r.count > 1 { format!(" ×{}", r.count) } else { String::new() };
                lines.push(format!("  - {} {}{count}{why}", comp.name, r.key));
            }
        }
        let mut s = format!("Here is what I'll set up:\n{}", lines.join("\n"));
        if !self.plan.unknown_words.is_empty() {
            s.push_str(&format!("\n(I did not use these words: {}.)", self.plan.unknown_words.join(", ")));
        }
        s
    }

    // ----- public API ---------------------------------------------------------

    pub fn state(&self) -> State {
        self.state
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn request(&self) -> &str {
        &self.request
    }

    /// Every state entered so far, in order.
    pub fn trail(&self) -> &[State] {
        &self.trail
    }

    /// The inputs that changed the conversation, oldest first.
    pub fn inputs(&self) -> Vec<&str> {
        self.history.iter().map(|s| s.input.as_str()).collect()
    }

    /// The security decisions confirmed so far.
    pub fn decisions(&self) -> &[SecurityDecision] {
        &self.decisions
    }

    /// Handles one line of free text with no live AWS checks.
    pub fn handle(&mut self, input: &str) -> Turn {
        self.handle_with(input, &OfflineOnly)
    }

    /// Handles one line of free text, running live AWS checks through `live`.
    pub fn handle_with(&mut self, input: &str, live: &dyn LiveChecks) -> Turn {
        if input.len() > MAX_ANSWER_BYTES {
            return self.reject(format!(
                "That answer is {} bytes long; answers are limited to {MAX_ANSWER_BYTES} characters. Nothing was changed: type just the value{}.",
                input.len(),
                self.current_question().and_then(|q| q.example.or(q.default)).map(|e| format!(", e.g. \"{e}\"")).unwrap_or_default()
            ));
        }
        let mut cmd = input::interpret(input);
        let kind = self.current_question().map(|q| q.kind);
        // "yes, I know, it's a demo" confirms; "no, use my office range" declines.
        if matches!(cmd, Command::Answer(_)) && matches!(kind, Some(QuestionKind::YesNo | QuestionKind::Defaults | QuestionKind::ConfirmInsecure)) {
            if let Some(b) = input::leading_yes_no(input) {
                cmd = Command::Confirm(b);
            }
        }
        // "ok" on a value question means "the default", not "yes".
        if cmd == Command::Confirm(true) && kind == Some(QuestionKind::Value) && input::is_acceptance(input) {
            cmd = Command::Default;
        }
        self.run(cmd, input.trim(), live)
    }

    /// Applies a structured command (the language server's entry point).
    pub fn apply(&mut self, cmd: Command) -> Turn {
        self.apply_with(cmd, &OfflineOnly)
    }

    pub fn apply_with(&mut self, cmd: Command, live: &dyn LiveChecks) -> Turn {
        let words = match &cmd {
            Command::Answer(s) => {
                if s.len() > MAX_ANSWER_BYTES {
                    return self.reject(format!("That answer is {} bytes long; answers are limited to {MAX_ANSWER_BYTES} characters. Nothing was changed.", s.len()));
                }
                s.clone()
            }
            Command::Change { target, value } => {
                if value.len() > MAX_ANSWER_BYTES || target.len() > MAX_ANSWER_BYTES {
                    return self.reject(format!("That value is too long; answers are limited to {MAX_ANSWER_BYTES} characters. Nothing was changed."));
                }
                format!("change {target} to {value}")
            }
            Command::Confirm(true) => "yes".into(),
            Command::Confirm(false) => "no".into(),
            other => format!("{other:?}").to_lowercase(),
        };
        self.run(cmd, &words, live)
    }

    /// The question the user should answer next.
    pub fn current_question(&self) -> Option<Question> {
        if matches!(self.state, State::Cancelled | State::Complete) {
            return None;
        }
        let view = self.view();
        if let Some(p) = &self.pending {
            return Some(self.confirm_question(p, &view));
        }
        let idx = view.current?;
        Some(self.question_for(&view, idx))
    }

    /// The resources reached so far, with answered values and defaults for the
    /// rest: what the editor shows while the conversation goes on.
    pub fn partial_stack(&self) -> Stack {
        // A resource is reached once one of its questions is answered (or when it
        // has none to ask); it stays reached when an earlier question is re-asked,
        // so the editor never sees blocks disappear and come back.
        let view = self.view();
        let mut has_slot = vec![false; self.plan.resources.len()];
        let mut answered = vec![false; self.plan.resources.len()];
        for (n, s) in view.slots.iter().enumerate() {
            if let Some(i) = slot_resource(s) {
                has_slot[i] = true;
                answered[i] |= view.answered[n];
            }
        }
        self.build_stack(&view, |i| answered[i] || !has_slot[i])
    }

    /// The complete configuration, or everything still missing.
    pub fn stack(&self) -> Result<Stack, Vec<Missing>> {
        if self.state == State::Cancelled {
            return Err(vec![Missing { id: String::new(), reason: "the conversation was cancelled".into() }]);
        }
        let view = self.view();
        let mut missing = Vec::new();
        if let Some(p) = &self.pending {
            missing.push(Missing {
                id: format!("confirm.{}", p.id),
                reason: format!("{} = {} needs your confirmation: {}", p.id, display(&p.value), p.warnings.iter().map(|w| w.rule.as_str()).collect::<Vec<_>>().join(", ")),
            });
        }
        for (n, _) in view.slots.iter().enumerate() {
            if view.answered[n] {
                continue;
            }
            let q = self.question_for(&view, n);
            let reason = match &q.default {
                Some(d) if q.kind == QuestionKind::Value => format!("not answered yet (default: {})", if d.is_empty() { "empty" } else { d }),
                Some(d) => format!("not answered yet ({}; default: {d})", q.text.lines().next().unwrap_or("")),
                None => "required and has no default: an answer is needed".into(),
            };
            missing.push(Missing { id: q.id, reason });
        }
        for e in self.cross_errors(&view.active, None) {
            missing.push(Missing { id: e.id, reason: e.message });
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(self.build_stack(&view, |_| true))
    }

    // ----- the machine ----------------------------------------------------------

    fn enter(&mut self, s: State) {
        if self.state != s {
            self.state = s;
            self.trail.push(s);
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            answers: self.answers.clone(),
            pending: self.pending.clone(),
            stated: self.stated.clone(),
            reask: self.reask.clone(),
            decisions: self.decisions.clone(),
            defaulted: self.defaulted.clone(),
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.answers = s.answers;
        self.pending = s.pending;
        self.stated = s.stated;
        self.reask = s.reask;
        self.decisions = s.decisions;
        self.defaulted = s.defaulted;
        self.touch();
    }

    fn reject(&self, message: String) -> Turn {
        let mut turn = Turn { rejection: Some(message), ..Turn::default() };
        turn.question = self.current_question();
        turn.state = self.state;
        turn.complete = self.state == State::Complete;
        turn
    }

    fn run(&mut self, cmd: Command, words: &str, live: &dyn LiveChecks) -> Turn {
        let mut turn = Turn::default();
        if self.state == State::Cancelled {
            return self.reject("This conversation was cancelled. Start a new one with your request.".into());
        }
        let before_values = self.all_values();
        let before = self.snapshot();
        // A rejected input changes nothing: what it may have touched is restored
        // (the history only changes on success).
        let saved = (before.clone(), self.state, self.trail.len());
        // `back` restores an earlier snapshot; it is not itself a step to undo.
        let is_back = cmd == Command::Back;
        match cmd {
            Command::Status => turn.messages.push(self.status()),
            Command::Help => turn.messages.push(self.help()),
            Command::Cancel => {
                self.pending = None;
                self.enter(State::Cancelled);
                turn.messages.push("Cancelled. Nothing was generated and no files were written.".into());
            }
            Command::Back => self.back(&mut turn),
            Command::AcceptAllDefaults => self.accept_all(&mut turn, live),
            Command::Change { target, value } => self.change(&target, &value, words, &mut turn, live),
            other => self.answer_current(other, words, &mut turn, live),
        }
        if turn.rejection.is_some() {
            self.restore(saved.0);
            self.state = saved.1;
            self.trail.truncate(saved.2);
            turn.messages.clear();
            turn.warnings.clear();
            self.fill_turn(&mut turn, &before_values);
            return turn;
        }
        // Status, help and the like on a complete conversation change nothing and
        // need no re-validation.
        if self.state != State::Cancelled && (self.snapshot() != before || self.state != State::Complete) {
            self.advance(&mut turn);
        }
        let after = self.snapshot();
        if after != before && !is_back {
            self.history.push(Step { input: words.to_string(), before });
        }
        self.fill_turn(&mut turn, &before_values);
        turn
    }

    fn fill_turn(&self, turn: &mut Turn, before_values: &BTreeMap<String, BTreeMap<String, Value>>) {
        let after = self.all_values();
        let mut changed: Vec<String> = after
            .iter()
            .filter(|(k, v)| before_values.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .chain(before_values.keys().filter(|k| !after.contains_key(*k)).cloned())
            .collect();
        changed.sort();
        changed.dedup();
        turn.changed = changed;
        turn.state = self.state;
        turn.complete = self.state == State::Complete;
        turn.question = self.current_question();
        if let Some(p) = &self.pending {
            for w in &p.warnings {
                if !turn.warnings.contains(w) {
                    turn.warnings.push(w.clone());
                }
            }
        }
    }

    /// Moves to validation and completion when nothing is left to ask, and back
    /// to collection when something is.
    fn advance(&mut self, turn: &mut Turn) {
        if self.state == State::Cancelled {
            return;
        }
        let view = self.view();
        if self.pending.is_some() || view.current.is_some() {
            self.enter(State::ParameterCollection);
            return;
        }
        let was_complete = self.state == State::Complete;
        self.enter(State::Validation);
        // Relations between resources, checked as a whole.
        let errors = self.cross_errors(&view.active, None);
        if !errors.is_empty() {
            for e in &errors {
                self.answers.remove(&e.id);
                self.stated.remove(&e.id);
                self.reask.insert(e.id.clone());
                self.touch();
                turn.messages.push(format!("{} {}: I'll ask for it again.", e.id, e.message));
            }
            self.enter(State::ParameterCollection);
            return;
        }
        // Insecure values that were never confirmed (e.g. stated in the request).
        for i in 0..self.plan.resources.len() {
            if !view.active[i] || self.plan.resources[i].existing.is_some() {
                continue;
            }
            let values = self.values(i);
            let key = self.plan.resources[i].key.clone();
            let findings = security::check(self.comp(i), &values, &self.implied_ports(i, &view.active));
            let open: Vec<&security::Finding> = findings.iter().filter(|f| f.needs_confirmation && !self.is_decided(&key, f)).collect();
            if let Some(f) = open.first() {
                let param = f.params.first().cloned().unwrap_or_default();
                let id = format!("{key}.{param}");
                let value = values.get(&param).cloned().unwrap_or(Value::Null);
                let warnings: Vec<Warning> = open.iter().map(|f| warning(f)).collect();
                let records = open.iter().map(|f| (f.rule.to_string(), key.clone(), f.params.first().cloned().unwrap_or_default())).collect();
                self.answers.remove(&id);
                self.touch();
                self.pending = Some(Pending { id, value, warnings, records });
                self.enter(State::ParameterCollection);
                return;
            }
        }
        // Decisions about values that are no longer insecure are dropped.
        let still: Vec<SecurityDecision> = self
            .decisions
            .iter()
            .filter(|d| {
                let Some(i) = self.index_of(&d.resource) else { return false };
                view.active[i] && security::check(self.comp(i), &self.values(i), &self.implied_ports(i, &view.active)).iter().any(|f| f.rule == d.rule)
            })
            .cloned()
            .collect();
        self.decisions = still;
        self.enter(State::Generation);
        self.enter(State::Complete);
        if !was_complete {
            let n = view.active.iter().enumerate().filter(|(i, a)| **a && self.plan.resources[*i].existing.is_none()).count();
            turn.messages.push(format!(
                "All set: {n} resources in {}. Everything is validated and ready to generate.{}",
                self.region(),
                if self.decisions.is_empty() { String::new() } else { format!(" {} security decision(s) are recorded in the code.", self.decisions.len()) }
            ));
        } else {
            turn.messages.push("Updated; the configuration is still complete and valid.".into());
        }
    }

    /// Whether the user already confirmed this rule on this resource, about any of
    /// the parameters causing it: confirming 0.0.0.0/0 covers a later answer to
    /// the ports of the same open group.
    fn is_decided(&self, key: &str, f: &security::Finding) -> bool {
        self.decisions.iter().any(|d| d.resource == key && d.rule == f.rule && f.params.contains(&d.parameter))
    }

    // ----- commands -------------------------------------------------------------

    fn answer_current(&mut self, cmd: Command, words: &str, turn: &mut Turn, live: &dyn LiveChecks) {
        if let Some(p) = self.pending.clone() {
            match cmd {
                Command::Confirm(true) => {
                    let confirmed_by = format!("the user, who answered \"{}\" when warned", validate::short(words));
                    self.confirm_pending(&confirmed_by, turn);
                }
                Command::Answer(raw) => {
                    self.pending = None;
                    self.submit(&p.id, &raw, turn, live);
                }
                _ => {
                    self.pending = None;
                    turn.messages.push(format!("OK, not using {} for {}. Let's choose another value.", display(&p.value), p.id));
                }
            }
            return;
        }
        let view = self.view();
        let Some(idx) = view.current else {
            // Complete: a bare value ("no multi-az", "t3.small") is a correction.
            if let Command::Answer(raw) = cmd {
                return self.change("", &raw, words, turn, live);
            }
            turn.messages.push(
                "Everything is collected. You can still change an answer (e.g. \"change instance type to t3.small\"), or type \"status\".".into(),
            );
            return;
        };
        let slot = view.slots[idx].clone();
        let qid = self.slot_id(&slot);
        match slot {
            Slot::Region | Slot::Param(..) => {
                let param = self.param_of(&qid).expect("value slot has a parameter");
                match cmd {
                    Command::Answer(raw) => {
                        self.submit(&qid, &raw, turn, live);
                    }
                    Command::Confirm(b) if param.kind == ParamType::Bool => {
                        self.submit(&qid, if b { "yes" } else { "no" }, turn, live);
                    }
                    Command::Default | Command::Confirm(true) => self.take_default(&qid, turn, live),
                    Command::Confirm(false) => {
                        turn.rejection = Some(format!(
                            "\"{}\" is not a value for this question. Type a value{}, \"default\" to keep the default, or \"help\".",
                            validate::short(words),
                            param.example.as_ref().map(|e| format!(" (e.g. {e})")).unwrap_or_default()
                        ))
                    }
                    Command::Skip => {
                        if param.required {
                            let d = self.effective_default(&qid).map(|d| format!(" or \"default\" to use {}", display(&d))).unwrap_or_default();
                            turn.rejection = Some(format!("{qid} is required, so it can't be skipped. Type a value{d}."));
                        } else {
                            // An optional setting keeps its default (the template's
                            // safe choice) or, without one, stays unset.
                            let v = self.effective_default(&qid).unwrap_or(Value::Null);
                            turn.messages.push(if v.is_null() {
                                format!("Skipped {qid}: it stays unset.")
                            } else {
                                format!("Skipped {qid}: keeping the default {}.", display(&v))
                            });
                            self.set(&qid, v);
                        }
                    }
                    _ => {}
                }
            }
            Slot::Include(i) => {
                let key = self.plan.resources[i].key.clone();
                let default = self.plan.resources[i].inclusion == Inclusion::AskDefaultYes;
                let choice = match cmd {
                    Command::Confirm(b) => Some(b),
                    Command::Default => Some(default),
                    Command::Skip => Some(false),
                    Command::Answer(raw) => validate::parse_bool(&raw),
                    _ => None,
                };
                match choice {
                    Some(b) => {
                        self.set(&format!("include.{key}"), Value::Bool(b));
                        let name = &self.comp(i).name;
                        turn.messages.push(if b { format!("Adding the {name} ({key}).") } else { format!("No {name} ({key}).") });
                    }
                    None => turn.rejection = Some(format!("\"{}\" is not a yes or no. Answer \"yes\" to add it or \"no\" to leave it out.", validate::short(words))),
                }
            }
            Slot::Defaults(i, _) => {
                let key = self.plan.resources[i].key.clone();
                match cmd {
                    Command::Confirm(true) | Command::Default | Command::Skip => {
                        self.set(&format!("defaults.{key}"), Value::Bool(true));
                        turn.messages.push(format!("Using the safe defaults for {key}."));
                    }
                    Command::Confirm(false) => {
                        self.set(&format!("defaults.{key}"), Value::Bool(false));
                        turn.messages.push(format!("OK, let's go through the {key} settings one by one."));
                    }
                    _ => {
                        turn.rejection = Some(format!(
                            "\"{}\" doesn't answer this. Say \"yes\" to use these defaults, \"no\" to go through them one by one, or \"change <setting> to <value>\" for one of them.",
                            validate::short(words)
                        ))
                    }
                }
            }
        }
    }

    /// Commits the held answer and records a security decision for each warning.
    fn confirm_pending(&mut self, confirmed_by: &str, turn: &mut Turn) {
        let Some(p) = self.pending.take() else { return };
        for (rule, resource, parameter) in &p.records {
            let warning = p.warnings.iter().find(|w| &w.rule == rule).map(|w| w.message.clone()).unwrap_or_default();
            self.decisions.retain(|d| !(d.resource == *resource && d.parameter == *parameter && d.rule == *rule));
            self.decisions.push(SecurityDecision {
                resource: resource.clone(),
                parameter: parameter.clone(),
                rule: rule.clone(),
                warning,
                confirmed_by: confirmed_by.to_string(),
            });
        }
        self.reask.remove(&p.id);
        self.set(&p.id, p.value.clone());
        turn.messages.push(format!(
            "Kept {} = {}. Your decision ({}) is recorded and the generated code will say so.",
            p.id,
            display(&p.value),
            p.warnings.iter().map(|w| w.rule.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }

    /// Finishes the conversation without a user: `answers` (question id →
    /// answer) first, defaults for the rest. Every problem is reported.
    pub fn complete_with(mut self, answers: &BTreeMap<String, String>) -> Result<Stack, Vec<Problem>> {
        let live = OfflineOnly;
        let mut problems = Vec::new();
        let problem = |id: &str, message: String| Problem { id: id.to_string(), message };
        let mut known: Vec<String> = vec![REGION.to_string()];
        for (i, r) in self.plan.resources.iter().enumerate() {
            if r.existing.is_some() {
                continue;
            }
            if matches!(r.inclusion, Inclusion::AskDefaultYes | Inclusion::AskDefaultNo) {
                known.push(format!("include.{}", r.key));
            }
            known.push(format!("defaults.{}", r.key));
            known.extend(self.comp(i).parameters.iter().map(|p| format!("{}.{}", r.key, p.id)));
        }
        for id in answers.keys() {
            let base = id.strip_prefix("confirm.").unwrap_or(id);
            if !known.iter().any(|k| k == base) {
                let close = known.iter().min_by_key(|k| strsim::levenshtein(k, base)).filter(|k| strsim::levenshtein(k, base) <= 4);
                let hint = close.map(|c| format!(" Did you mean `{c}`?")).unwrap_or_default();
                problems.push(problem(id, format!("There is no question `{id}` for this request.{hint} Known ids: {}.", known.join(", "))));
            }
        }
        // Inclusions first: they decide which resources (and questions) exist.
        for (id, raw) in answers.iter().filter(|(k, _)| k.starts_with("include.") || k.starts_with("defaults.")) {
            match validate::parse_bool(raw) {
                Some(b) if id.starts_with("include.") => self.set(id, Value::Bool(b)),
                Some(_) => {}
                None => problems.push(problem(id, format!("\"{}\" is not yes or no.", validate::short(raw)))),
            }
        }
        let view = self.view();
        for (id, raw) in answers.iter().filter(|(k, _)| k.contains('.') && !k.starts_with("include.") && !k.starts_with("defaults.") && !k.starts_with("confirm.")) {
            if let Some(i) = self.resource_of(id) {
                if !view.active[i] {
                    problems.push(problem(id, format!("{} is not part of this configuration (it was declined or is not needed), so {id} can't be set.", self.plan.resources[i].key)));
                }
            }
            let _ = raw;
        }
        for qid in self.value_slots(&view) {
            let Some(raw) = answers.get(&qid) else { continue };
            let mut t = Turn::default();
            self.pending = None;
            if self.submit(&qid, raw, &mut t, &live) {
                continue;
            }
            if let Some(r) = t.rejection {
                problems.push(problem(&qid, format!("\"{}\": {r}", validate::short(raw))));
            } else if let Some(p) = &self.pending {
                let confirm = format!("confirm.{qid}");
                if answers.get(&confirm).and_then(|c| validate::parse_bool(c)) == Some(true) {
                    self.confirm_pending(&format!("the answers file ({confirm} = yes)"), &mut t);
                } else {
                    let rules: Vec<String> = p.warnings.iter().map(|w| format!("{} {}", w.rule, w.message)).collect();
                    problems.push(problem(&qid, format!("\"{}\" is insecure: {} To keep it anyway, add `{confirm} = \"yes\"` to the answers; otherwise choose another value.", validate::short(raw), rules.join(" "))));
                    self.pending = None;
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut t = Turn::default();
        // Bounded: each round either completes, confirms one held value, or stops.
        for _ in 0..100 {
            self.accept_all(&mut t, &live);
            self.advance(&mut t);
            let Some(p) = self.pending.clone() else { break };
            let confirm = format!("confirm.{}", p.id);
            if answers.get(&confirm).and_then(|c| validate::parse_bool(c)) == Some(true) {
                self.confirm_pending(&format!("the answers file ({confirm} = yes)"), &mut t);
            } else {
                let rules: Vec<String> = p.warnings.iter().map(|w| format!("{} {}", w.rule, w.message)).collect();
                return Err(vec![problem(&p.id, format!("{} = {} is insecure: {} To keep it anyway, add `{confirm} = \"yes\"` to the answers.", p.id, display(&p.value), rules.join(" ")))]);
            }
        }
        if let Some(q) = self.current_question() {
            let ex = q.example.map(|e| format!(", e.g. {} = \"{e}\"", q.id)).unwrap_or_default();
            return Err(vec![problem(&q.id, format!("This needs an answer (it has no default): add it to the answers{ex}."))]);
        }
        self.stack().map_err(|m| m.into_iter().map(|m| problem(&m.id, m.reason)).collect())
    }

    /// Validates `raw` for question `qid` and commits it, or holds it for a
    /// security confirmation, or rejects it (changing nothing).
    fn submit(&mut self, qid: &str, raw: &str, turn: &mut Turn, live: &dyn LiveChecks) -> bool {
        let Some(param) = self.param_of(qid) else {
            turn.rejection = Some(format!("There is no setting called {qid}."));
            return false;
        };
        let res = self.resource_of(qid);
        let comp = res.map(|i| self.comp(i));
        let values = res.map(|i| self.values(i)).unwrap_or_default();
        let value = match validate::parse_value(&self.ctx_for(comp, &values), &param, raw) {
            Ok(v) => v,
            Err(e) => {
                turn.rejection = Some(e);
                return false;
            }
        };
        self.commit_checked(qid, value, turn, live)
    }

    /// The cross-resource, live and security layers for a parsed value.
    fn commit_checked(&mut self, qid: &str, value: Value, turn: &mut Turn, live: &dyn LiveChecks) -> bool {
        let param = self.param_of(qid).expect("checked by caller");
        let view = self.view();
        // Relations: only problems this value introduces count.
        let old = self.cross_errors(&view.active, None);
        let new: Vec<CrossError> =
            self.cross_errors(&view.active, Some((qid, &value))).into_iter().filter(|e| e.id == qid || !old.contains(e)).collect();
        let is_vpc_range = self.resource_of(qid).is_some_and(|i| self.comp(i).id == "vpc") && param.kind == ParamType::Cidr;
        let (reask, refuse): (Vec<CrossError>, Vec<CrossError>) = new.into_iter().partition(|e| e.layout && is_vpc_range);
        if let Some(e) = refuse.first() {
            turn.rejection = Some(e.message.clone());
            return false;
        }
        // Live AWS checks.
        let region = if qid == REGION { value.as_str().unwrap_or_default().to_string() } else { self.region() };
        let live_result = match (param.kind, param.format, value.as_str()) {
            (ParamType::InstanceType, _, Some(t)) => Some((t.to_string(), live.instance_type_offered(&region, t))),
            (_, Some(Format::AmiId), Some(ami)) if !ami.is_empty() => Some((ami.to_string(), live.image_exists(&region, ami))),
            _ => None,
        };
        match live_result {
            Some((_, LiveCheck::Failed(why))) => {
                turn.rejection = Some(why);
                return false;
            }
            Some((v, LiveCheck::Unavailable(why))) => turn.messages.push(format!("{v}: checked offline only ({why}).")),
            Some((v, LiveCheck::Passed)) => turn.messages.push(format!("{v}: confirmed with AWS in {region}.")),
            _ => {}
        }
        // Security.
        if let Some(i) = self.resource_of(qid) {
            let key = self.plan.resources[i].key.clone();
            let pid = &qid[key.len() + 1..];
            let mut values = self.values(i);
            values.insert(pid.to_string(), value.clone());
            let findings = security::check(self.comp(i), &values, &self.implied_ports(i, &view.active));
            let relevant: Vec<&security::Finding> = findings.iter().filter(|f| f.params.iter().any(|p| p == pid)).collect();
            let confirm: Vec<&&security::Finding> = relevant.iter().filter(|f| f.needs_confirmation && !self.is_decided(&key, f)).collect();
            for f in relevant.iter().filter(|f| !f.needs_confirmation) {
                turn.warnings.push(warning(f));
            }
            if !confirm.is_empty() {
                let warnings: Vec<Warning> = confirm.iter().map(|f| warning(f)).collect();
                let records = confirm.iter().map(|f| (f.rule.to_string(), key.clone(), f.params.first().cloned().unwrap_or_default())).collect();
                turn.warnings.extend(warnings.iter().cloned());
                self.pending = Some(Pending { id: qid.to_string(), value, warnings, records });
                return false;
            }
            // A secure value retires decisions about this parameter.
            self.decisions.retain(|d| !(d.resource == key && d.parameter == pid && !rule_fires(&findings, &d.rule)));
        }
        self.reask.remove(qid);
        self.defaulted.remove(qid);
        let before = self.resource_of(qid).map(|i| (i, self.values(i)));
        self.set(qid, value.clone());
        turn.messages.push(format!("{qid} = {}", display(&value)));
        if let Some((i, before)) = before {
            self.recheck_dependents(i, &qid[self.plan.resources[i].key.len() + 1..], &before, turn);
        }
        // Dependants: subnets whose layout the new VPC range breaks are asked again.
        for e in reask {
            self.answers.remove(&e.id);
            self.stated.remove(&e.id);
            self.reask.insert(e.id.clone());
            self.touch();
            turn.messages.push(format!("With the new range, {}: {} I'll ask for it again.", e.id, e.message));
        }
        true
    }

    /// After parameter `on` of resource `i` changed (its values were `before`),
    /// re-checks every parameter a knowledge-base constraint ties to it: a default
    /// derived from it follows the new value, an answer that was a default moves
    /// to the new default, and a value the user gave that no longer fits is asked
    /// again with a message saying why. Each change is said in the turn.
    fn recheck_dependents(&mut self, i: usize, on: &str, before: &BTreeMap<String, Value>, turn: &mut Turn) {
        let comp = self.comp(i);
        if !comp.constraints.iter().any(|c| c.on == on) {
            return;
        }
        let after = self.values(i);
        let (Some(old_on), Some(new_on)) = (before.get(on), after.get(on)) else { return };
        if old_on == new_on {
            return;
        }
        let key = self.plan.resources[i].key.clone();
        for c in comp.constraints.iter().filter(|c| c.on == on) {
            let qid = format!("{key}.{}", c.param);
            let derived = c.defaults.get(&Constraint::key(new_on));
            let Some(answer) = self.answers.get(&qid).cloned() else {
                // Not answered: the value is derived, and values() already follows.
                if let (Some(old), Some(new)) = (before.get(&c.param), after.get(&c.param)) {
                    if old != new {
                        turn.messages.push(format!("{qid} follows {key}.{on}: {} → {}.", display(old), display(new)));
                    }
                }
                continue;
            };
            let fits = c.fits(new_on, &answer);
            if self.defaulted.contains(&qid) && !self.stated.contains(&qid) {
                // A default the user accepted, not a choice: it moves with the new value.
                if let Some(new) = derived.cloned().or_else(|| fits.is_ok().then(|| answer.clone())) {
                    if new != answer {
                        turn.messages.push(format!("{qid} follows {key}.{on}: {} → {}.", display(&answer), display(&new)));
                        self.set(&qid, new);
                    }
                    continue;
                }
            }
            match fits {
                Err(allowed) => {
                    self.answers.remove(&qid);
                    self.stated.remove(&qid);
                    self.defaulted.remove(&qid);
                    self.reask.insert(qid.clone());
                    self.touch();
                    turn.messages.push(format!(
                        "{qid} = {} does not fit {key}.{on} = {}: {} supports {}. {} I'll ask for it again.",
                        display(&answer),
                        display(new_on),
                        display(new_on),
                        allowed.join(", "),
                        c.why
                    ));
                }
                Ok(()) => {
                    if let Some(d) = derived.filter(|d| **d != answer) {
                        turn.messages.push(format!(
                            "{qid} stays {} as you chose ({} usually uses {}; say \"change {qid} to {}\" to follow it).",
                            display(&answer),
                            display(new_on),
                            display(d),
                            display(d)
                        ));
                    }
                }
            }
        }
    }

    fn take_default(&mut self, qid: &str, turn: &mut Turn, live: &dyn LiveChecks) {
        match self.effective_default(qid) {
            Some(v) => {
                if self.commit_checked(qid, v, turn, live) {
                    self.defaulted.insert(qid.to_string());
                }
            }
            None => {
                let ex = self.param_of(qid).and_then(|p| p.example).map(|e| format!(", e.g. \"{e}\"")).unwrap_or_default();
                turn.rejection = Some(format!("{qid} has no default: please type a value{ex}."));
            }
        }
    }

    fn effective_default(&self, qid: &str) -> Option<Value> {
        if qid == REGION {
            return Some(json!(self.plan.region));
        }
        let i = self.resource_of(qid)?;
        let p = self.param_of(qid)?;
        let comp = self.comp(i);
        // The resource's values are only needed when a constraint derives this default.
        let derived = if comp.constraints.iter().any(|c| c.param == p.id) { comp.derived_default(&p.id, &self.values(i)).cloned() } else { None };
        derived
            .or_else(|| p.default.clone())
            .or(if p.required { None } else { Some(Value::Null) })
            .filter(|_| comp.parameter(&p.id).is_some())
    }

    fn set(&mut self, qid: &str, v: Value) {
        self.answers.insert(qid.to_string(), v);
        self.touch();
    }

    fn back(&mut self, turn: &mut Turn) {
        if let Some(p) = &self.pending {
            turn.messages.push(format!("Dropped the unconfirmed {} = {}.", p.id, display(&p.value)));
        }
        match self.history.pop() {
            Some(step) => {
                self.restore(step.before);
                if self.state == State::Complete {
                    self.enter(State::ParameterCollection);
                }
                turn.messages.push(format!("Undid \"{}\".", validate::short(&step.input)));
            }
            None => turn.rejection = Some("There is nothing to go back to yet: this is the first question.".into()),
        }
    }

    fn accept_all(&mut self, turn: &mut Turn, live: &dyn LiveChecks) {
        if let Some(p) = self.pending.take() {
            turn.messages.push(format!("Not keeping the unconfirmed {} = {}; using the default instead.", p.id, display(&p.value)));
        }
        let mut used = 0;
        // Bounded by the number of questions; each round answers one.
        for _ in 0..10_000 {
            let view = self.view();
            let Some(idx) = view.current else { break };
            let slot = view.slots[idx].clone();
            let qid = self.slot_id(&slot);
            match slot {
                Slot::Region | Slot::Param(..) => match self.effective_default(&qid) {
                    Some(v) => {
                        let mut t = Turn::default();
                        let ok = self.commit_checked(&qid, v, &mut t, live);
                        if ok {
                            self.defaulted.insert(qid.clone());
                        } else {
                            turn.warnings.extend(t.warnings);
                            if let Some(r) = t.rejection {
                                turn.messages.push(format!("The default for {qid} does not fit: {r}"));
                            }
                            break;
                        }
                        used += 1;
                    }
                    None => {
                        turn.messages.push(format!("{qid} has no default, so I need your answer."));
                        break;
                    }
                },
                Slot::Include(i) => {
                    let b = self.plan.resources[i].inclusion == Inclusion::AskDefaultYes;
                    self.set(&qid, Value::Bool(b));
                    used += 1;
                }
                Slot::Defaults(..) => {
                    self.set(&qid, Value::Bool(true));
                    used += 1;
                }
            }
        }
        turn.messages.insert(0, format!("Used the defaults for {used} remaining question(s)."));
    }

    fn change(&mut self, target: &str, value: &str, words: &str, turn: &mut Turn, live: &dyn LiveChecks) {
        let view = self.view();
        let (qid, raw) = if target.trim().is_empty() {
            match self.infer_target(value, &view) {
                Some(found) => found,
                None => {
                    // Not a correction after all: an answer to the current question.
                    if self.pending.is_some() || view.current.is_some() {
                        return self.answer_current(Command::Answer(words.to_string()), words, turn, live);
                    }
                    turn.rejection = Some(format!(
                        "I couldn't tell which setting \"{}\" is for. Name it, e.g. \"change instance type to t3.small\" (type \"status\" to see the settings).",
                        validate::short(value)
                    ));
                    return;
                }
            }
        } else {
            match self.resolve_target(target, &view) {
                Ok(q) => (q, value.to_string()),
                Err(e) => {
                    turn.rejection = Some(e);
                    return;
                }
            }
        };
        if let Some(key) = qid.strip_prefix("include.") {
            match validate::parse_bool(&raw) {
                Some(b) => {
                    self.set(&qid, Value::Bool(b));
                    turn.messages.push(format!("{} {key}.", if b { "Adding" } else { "Leaving out" }));
                }
                None => turn.rejection = Some(format!("Say \"change include.{key} to yes\" or \"… to no\".")),
            }
            return;
        }
        if let Some(p) = &self.pending {
            if p.id != qid {
                turn.messages.push(format!("(The unconfirmed {} = {} is still waiting for your yes or no.)", p.id, display(&p.value)));
            } else {
                self.pending = None;
            }
        }
        let previous = self.answers.get(&qid).cloned();
        if self.submit(&qid, &raw, turn, live) {
            if let (Some(prev), Some(now)) = (previous, self.answers.get(&qid)) {
                // The acknowledgement of the value, not what followed from it
                // (dependents re-checked after it).
                let ack = format!("{qid} = {}", display(now));
                if let Some(last) = turn.messages.iter_mut().rev().find(|m| **m == ack) {
                    *last = if prev == *now {
                        format!("{qid} is already {}.", display(now))
                    } else {
                        format!("Changed {qid} from {} to {}.", display(&prev), display(now))
                    };
                }
            }
        }
    }

    /// Finds the setting a bare value is meant for ("actually make it t3.small",
    /// "make it multi-AZ"): the current question, then the latest answers, then a
    /// phrase or a value only one setting accepts.
    fn infer_target(&self, value: &str, view: &View) -> Option<(String, String)> {
        let mut candidates: Vec<String> = Vec::new();
        if let Some(idx) = view.current {
            if let Slot::Region | Slot::Param(..) = view.slots[idx] {
                candidates.push(self.slot_id(&view.slots[idx]));
            }
        }
        for step in self.history.iter().rev().take(5) {
            for (k, v) in &self.answers {
                if step.before.answers.get(k) != Some(v) && !candidates.contains(k) && self.param_of(k).is_some() {
                    candidates.push(k.clone());
                }
            }
        }
        let current = view.current.map(|c| self.slot_id(&view.slots[c]));
        let names_db = value.trim().to_lowercase().starts_with("db");
        let fits = |qid: &str, specific_only: bool| -> bool {
            let Some(p) = self.param_of(qid) else { return false };
            // "t3.small" could be an RDS class too ("db.t3.small"): only when the
            // question asks for one or the value says "db".
            if p.kind == ParamType::DbInstanceClass && !names_db && current.as_deref() != Some(qid) {
                return false;
            }
            if matches!(p.kind, ParamType::String | ParamType::StringList | ParamType::Bool) {
                return false;
            }
            if specific_only && matches!(p.kind, ParamType::Integer | ParamType::Port | ParamType::PortList) {
                return false;
            }
            let i = self.resource_of(qid);
            let values = i.map(|i| self.values(i)).unwrap_or_default();
            validate::parse_value(&self.ctx_for(i.map(|i| self.comp(i)), &values), &p, value).is_ok()
        };
        // Phrases from the knowledge base ("multi-az" → multi_az = true), with
        // negation, come first: they name their setting explicitly.
        let lower = value.trim().to_lowercase();
        let (negated, phrase) = ["no ", "not ", "without ", "disable ", "turn off "]
            .iter()
            .find_map(|n| lower.strip_prefix(n).map(|rest| (true, rest.to_string())))
            .unwrap_or((false, lower.clone()));
        let mut hits: Vec<(String, String)> = Vec::new();
        for i in 0..self.plan.resources.len() {
            if !view.active[i] {
                continue;
            }
            for p in &self.comp(i).parameters {
                for (ph, v) in &p.phrases {
                    if ph.to_lowercase() == phrase {
                        let v = match (v, negated) {
                            (Value::Bool(b), true) => Value::Bool(!b),
                            (v, _) => v.clone(),
                        };
                        hits.push((format!("{}.{}", self.plan.resources[i].key, p.id), display(&v)));
                    }
                }
            }
        }
        hits.dedup();
        if hits.len() == 1 {
            return hits.pop();
        }
        if let Some(q) = candidates.iter().find(|q| fits(q, false)) {
            return Some((q.clone(), value.to_string()));
        }
        let all: Vec<String> = self.value_slots(view);
        let fitting: Vec<&String> = all.iter().filter(|q| fits(q, true)).collect();
        if fitting.len() == 1 {
            return Some((fitting[0].clone(), value.to_string()));
        }
        None
    }

    /// Every value question id of the active resources, in sequence order.
    fn value_slots(&self, view: &View) -> Vec<String> {
        let mut out = vec![REGION.to_string()];
        for i in self.order() {
            if !view.active[i] || self.plan.resources[i].existing.is_some() {
                continue;
            }
            for p in &self.comp(i).parameters {
                out.push(format!("{}.{}", self.plan.resources[i].key, p.id));
            }
        }
        out
    }

    /// Resolves a named setting ("instance type", "vpc cidr", "db.instance_class").
    fn resolve_target(&self, target: &str, view: &View) -> Result<String, String> {
        let t = target.trim().to_lowercase();
        let mut ids = self.value_slots(view);
        for (i, r) in self.plan.resources.iter().enumerate() {
            if matches!(r.inclusion, Inclusion::AskDefaultYes | Inclusion::AskDefaultNo) && view.active.get(i).is_some() {
                ids.push(format!("include.{}", r.key));
            }
        }
        if let Some(id) = ids.iter().find(|id| **id == t) {
            return Ok(id.clone());
        }
        let tokens: Vec<String> = t
            .split([' ', '_', '.', '-'])
            .filter(|w| !w.is_empty() && !matches!(*w, "the" | "of" | "for" | "my" | "a" | "an" | "its"))
            .map(|w| w.to_string())
            .collect();
        if tokens.is_empty() {
            return Err("Say which setting to change, e.g. \"change instance type to t3.small\".".into());
        }
        let mut scored: Vec<(usize, String)> = Vec::new();
        for id in &ids {
            let (res_words, param_words): (Vec<String>, Vec<String>) = match id.split_once('.') {
                Some((res, param)) => {
                    let mut rw: Vec<String> = res.split('_').map(str::to_string).collect();
                    if let Some(i) = self.index_of(res) {
                        let c = self.comp(i);
                        rw.extend(c.id.split('_').map(str::to_string));
                        rw.extend(c.name.to_lowercase().split(' ').map(str::to_string));
                    }
                    (rw, param.split('_').map(str::to_string).collect())
                }
                None => (vec![], id.split('_').map(str::to_string).collect()),
            };
            let all_known = tokens.iter().all(|w| param_words.contains(w) || res_words.contains(w) || (w == "cidr" && param_words.iter().any(|p| p == "cidr")));
            let touches_param = tokens.iter().any(|w| param_words.contains(w));
            if all_known && touches_param {
                let extra = param_words.iter().filter(|p| !tokens.contains(p)).count();
                scored.push((extra, id.clone()));
            }
        }
        scored.sort();
        match scored.as_slice() {
            [] => Err(format!(
                "I don't know a setting called \"{}\". Type \"status\" to see the settings and their names (e.g. {}).",
                validate::short(target),
                ids.iter().skip(1).take(3).cloned().collect::<Vec<_>>().join(", ")
            )),
            [(best, id), rest @ ..] if rest.first().is_none_or(|(s, _)| s > best) => Ok(id.clone()),
            [(best, _), ..] => {
                let tied: Vec<&str> = scored.iter().filter(|(s, _)| s == best).map(|(_, id)| id.as_str()).collect();
                Err(format!("\"{}\" could mean {}. Say which, e.g. \"change {} to …\".", validate::short(target), tied.join(" or "), tied[0]))
            }
        }
    }

    fn status(&self) -> String {
        let view = self.view();
        let mut lines = vec![format!("State: {}.", self.state)];
        let mut collected = Vec::new();
        let mut remaining = Vec::new();
        for (n, slot) in view.slots.iter().enumerate() {
            let id = self.slot_id(slot);
            if view.answered[n] {
                match slot {
                    Slot::Defaults(i, ps) => {
                        let values = self.values(*i);
                        let shown: Vec<String> = ps.iter().map(|p| {
                            let pid = &self.comp(*i).parameters[*p].id;
                            format!("{pid} = {}", display(values.get(pid).unwrap_or(&Value::Null)))
                        }).collect();
                        collected.push(format!("  {id}: {}", shown.join(", ")));
                    }
                    _ => collected.push(format!("  {id} = {}", display(self.answers.get(&id).unwrap_or(&Value::Null)))),
                }
            } else {
                remaining.push(self.question_for(&view, n).id);
            }
        }
        for id in &self.stated {
            let active = self.resource_of(id).is_none_or(|i| view.active[i]);
            if active {
                collected.push(format!("  {id} = {} (from the request)", display(self.answers.get(id).unwrap_or(&Value::Null))));
            }
        }
        if collected.is_empty() {
            lines.push("Nothing collected yet.".into());
        } else {
            lines.push(format!("Collected:\n{}", collected.join("\n")));
        }
        if let Some(p) = &self.pending {
            lines.push(format!("Waiting for your confirmation of {} = {}.", p.id, display(&p.value)));
        }
        if remaining.is_empty() {
            lines.push("Remaining: nothing.".into());
        } else {
            lines.push(format!("Remaining: {} question(s): {}.", remaining.len(), remaining.join(", ")));
        }
        if !self.decisions.is_empty() {
            let d: Vec<String> = self.decisions.iter().map(|d| format!("{} on {}.{}", d.rule, d.resource, d.parameter)).collect();
            lines.push(format!("Security decisions: {}.", d.join(", ")));
        }
        lines.join("\n")
    }

    fn help(&self) -> String {
        let mut s = String::new();
        if let Some(q) = self.current_question() {
            s.push_str(&format!("Why: {}\n", q.why));
            if let Some(d) = &q.default {
                s.push_str(&format!("Default: {}\n", if d.is_empty() { "(empty)" } else { d }));
            }
            if !q.choices.is_empty() {
                s.push_str(&format!("Choices: {}\n", q.choices.join(", ")));
            }
            if let Some(e) = &q.example {
                s.push_str(&format!("Example: {e}\n"));
            }
            if let Some(c) = &q.cost_note {
                s.push_str(&format!("Cost: {c}\n"));
            }
        }
        s.push_str("You can answer with a value, or: \"default\" (or an empty line), \"skip\" (optional settings only), \"back\", \"change <setting> to <value>\", \"status\", \"accept all defaults\", \"cancel\".");
        s
    }

    // ----- questions ------------------------------------------------------------

    fn question_for(&self, view: &View, idx: usize) -> Question {
        let slot = &view.slots[idx];
        let id = self.slot_id(slot);
        let progress = (idx + 1, view.slots.len());
        let yes_no = vec!["yes".to_string(), "no".to_string()];
        match slot {
            Slot::Region | Slot::Param(..) => {
                let p = self.param_of(&id).expect("value slot has a parameter");
                let mut text = p.question.clone();
                if let Slot::Param(i, _) = slot {
                    let comp = self.comp(*i);
                    let same = (0..self.plan.resources.len()).filter(|j| view.active[*j] && self.plan.resources[*j].component == comp.id).count();
                    if same > 1 {
                        text = format!("[{}] {text}", self.plan.resources[*i].key);
                    }
                }
                let choices = match p.kind {
                    ParamType::Enum => p.allowed.iter().map(display).collect(),
                    ParamType::Bool => yes_no,
                    _ => vec![],
                };
                Question {
                    id: id.clone(),
                    text,
                    default: self.effective_default(&id).filter(|v| !v.is_null()).map(|v| display(&v)),
                    why: p.why.clone(),
                    choices,
                    example: p.example.clone(),
                    progress,
                    kind: QuestionKind::Value,
                    cost_note: p.cost_note.clone(),
                }
            }
            Slot::Include(i) => {
                let r = &self.plan.resources[*i];
                let comp = self.comp(*i);
                let by = match &r.origin {
                    Origin::Required { by } | Origin::Recommended { by } | Origin::Optional { by } => Some(by.clone()),
                    Origin::Requested => None,
                };
                let why = by
                    .as_ref()
                    .and_then(|b| self.index_of(b))
                    .and_then(|j| self.comp(j).dependencies.iter().find(|d| d.component == comp.id).map(|d| d.why.clone()))
                    .unwrap_or_else(|| comp.description.clone());
                let kind = if r.inclusion == Inclusion::AskDefaultYes { "recommended" } else { "optional" };
                let for_whom = by.map(|b| format!(" for {b}")).unwrap_or_default();
                Question {
                    id,
                    text: format!("Add {} {}{for_whom} ({kind})?", article(&comp.name), comp.name),
                    default: Some(if r.inclusion == Inclusion::AskDefaultYes { "yes" } else { "no" }.into()),
                    why,
                    choices: yes_no,
                    example: None,
                    progress,
                    kind: QuestionKind::YesNo,
                    cost_note: comp.parameters.iter().find_map(|p| p.cost_note.clone()),
                }
            }
            Slot::Defaults(i, ps) => {
                let comp = self.comp(*i);
                let values = self.values(*i);
                let key = &self.plan.resources[*i].key;
                let lines: Vec<String> = ps
                    .iter()
                    .map(|p| {
                        let p = &comp.parameters[*p];
                        let v = values.get(&p.id).map(display).unwrap_or_default();
                        format!("  {} = {}", p.id, if v.is_empty() { "(empty)".into() } else { v })
                    })
                    .collect();
                let costs: Vec<String> = ps.iter().filter_map(|p| comp.parameters[*p].cost_note.clone()).collect();
                Question {
                    id,
                    text: format!("Use these safe defaults for the {} ({key})?\n{}", comp.name, lines.join("\n")),
                    default: Some("yes".into()),
                    why: "Each is the secure, usual choice; answer \"no\" to go through them one by one.".into(),
                    choices: yes_no,
                    example: None,
                    progress,
                    kind: QuestionKind::Defaults,
                    cost_note: if costs.is_empty() { None } else { Some(costs.join(" ")) },
                }
            }
        }
    }

    fn confirm_question(&self, p: &Pending, view: &View) -> Question {
        let n = view.current.map(|c| c + 1).unwrap_or(view.slots.len());
        // The rule id and title are the ones the editor and `terraconverse check` show.
        let msgs: Vec<String> = p.warnings.iter().map(|w| format!("[{} {}] {}", w.rule, w.title, w.message)).collect();
        Question {
            id: format!("confirm.{}", p.id),
            text: format!(
                "{}\nKeep {} = {} anyway? Answer \"yes\" to keep it (your decision is recorded in the code), \"no\" to choose another value.",
                msgs.join("\n"),
                p.id,
                display(&p.value)
            ),
            default: Some("no".into()),
            why: "Security rules flag this value; an explicit confirmation makes the risk a recorded decision, not an accident.".into(),
            choices: vec!["yes".into(), "no".into()],
            example: None,
            progress: (n, view.slots.len()),
            kind: QuestionKind::ConfirmInsecure,
            cost_note: None,
        }
    }

    // ----- derived data -----------------------------------------------------------

    fn comp(&self, i: usize) -> &'static Component {
        kb().component(&self.plan.resources[i].component).expect("components are checked in from_plan")
    }

    fn index_of(&self, key: &str) -> Option<usize> {
        self.plan.resources.iter().position(|r| r.key == key)
    }

    fn ctx_for<'a>(&self, comp: Option<&'a Component>, values: &'a BTreeMap<String, Value>) -> Ctx<'a> {
        static NONE: std::sync::OnceLock<Component> = std::sync::OnceLock::new();
        let comp = comp.unwrap_or_else(|| {
            NONE.get_or_init(|| {
                serde_json::from_value(json!({
                    "id": "provider", "name": "provider", "description": "", "category": Category::Global,
                    "resource_types": [], "template": ""
                }))
                .expect("the provider pseudo-component is well-formed")
            })
        });
        Ctx { kb: kb(), component: comp, values }
    }

    /// The resource a question id belongs to.
    fn resource_of(&self, qid: &str) -> Option<usize> {
        let (key, _) = qid.split_once('.')?;
        self.index_of(key)
    }

    fn param_of(&self, qid: &str) -> Option<Parameter> {
        if qid == REGION {
            return Some(region_param(&self.plan.region));
        }
        let (key, pid) = qid.split_once('.')?;
        let i = self.index_of(key)?;
        self.comp(i).parameter(pid).cloned()
    }

    fn region(&self) -> String {
        self.answers.get(REGION).and_then(Value::as_str).unwrap_or(&self.plan.region).to_string()
    }

    /// A resource's value for every parameter: the answer, else the default.
    fn values(&self, i: usize) -> BTreeMap<String, Value> {
        let key = &self.plan.resources[i].key;
        let mut qid = String::with_capacity(64);
        let mut out = BTreeMap::new();
        for p in &self.comp(i).parameters {
            qid.clear();
            qid.push_str(key);
            qid.push('.');
            qid.push_str(&p.id);
            let v = self.answers.get(&qid).or(p.default.as_ref()).cloned().unwrap_or(Value::Null);
            out.insert(p.id.clone(), v);
        }
        // Defaults a constraint derives from another value (the port of the chosen
        // engine) replace the static ones where nothing was answered.
        for c in &self.comp(i).constraints {
            if self.answers.contains_key(&format!("{key}.{}", c.param)) {
                continue;
            }
            if let Some(d) = out.get(&c.on).and_then(|on| c.defaults.get(&Constraint::key(on))) {
                out.insert(c.param.clone(), d.clone());
            }
        }
        out
    }

    /// Resource key → values of the partial stack, plus `region`: compared before
    /// and after a turn to report what changed (values, or resources that
    /// appeared or disappeared), which drives live buffer edits.
    fn all_values(&self) -> BTreeMap<String, BTreeMap<String, Value>> {
        let mut out: BTreeMap<String, BTreeMap<String, Value>> =
            self.partial_stack().resources.into_iter().map(|r| (r.key, r.values)).collect();
        out.insert(REGION.into(), [(REGION.to_string(), json!(self.region()))].into());
        out
    }

    fn included(&self, i: usize, force: Option<(usize, bool)>) -> bool {
        if let Some((j, b)) = force {
            if j == i {
                return b;
            }
        }
        let r = &self.plan.resources[i];
        let answered = self.answers.get(&format!("include.{}", r.key)).and_then(Value::as_bool);
        match r.inclusion {
            Inclusion::Yes => true,
            Inclusion::No => false,
            Inclusion::AskDefaultYes => answered.unwrap_or(true),
            Inclusion::AskDefaultNo => answered.unwrap_or(false),
        }
    }

    /// For each resource, the resources that need it (refer to it, or brought
    /// it into the plan), as indexes: computed once and reused for every
    /// activity computation of a turn.
    fn needed_by(&self) -> Vec<Vec<usize>> {
        let rs = &self.plan.resources;
        let index: BTreeMap<&str, usize> = rs.iter().enumerate().map(|(i, r)| (r.key.as_str(), i)).collect();
        let mut out = vec![Vec::new(); rs.len()];
        for (j, r) in rs.iter().enumerate() {
            for k in r.refs.values() {
                if let Some(&i) = index.get(k.as_str()) {
                    out[i].push(j);
                }
            }
        }
        for (i, r) in rs.iter().enumerate() {
            if let Origin::Required { by } | Origin::Recommended { by } | Origin::Optional { by } = &r.origin {
                if let Some(&j) = index.get(by.as_str()) {
                    out[i].push(j);
                }
            }
        }
        out
    }

    /// Which resources will be generated: included, and either requested or
    /// needed by another active resource (declining an optional resource also
    /// drops what only it needed).
    fn active_with(&self, force: Option<(usize, bool)>) -> Vec<bool> {
        self.active_in(&self.needed_by(), force)
    }

    fn active_in(&self, needed_by: &[Vec<usize>], force: Option<(usize, bool)>) -> Vec<bool> {
        self.active_from(needed_by, &self.included_all(), force)
    }

    /// Every resource's inclusion under the current answers.
    fn included_all(&self) -> Vec<bool> {
        (0..self.plan.resources.len()).map(|i| self.included(i, None)).collect()
    }

    fn active_from(&self, needed_by: &[Vec<usize>], base: &[bool], force: Option<(usize, bool)>) -> Vec<bool> {
        let rs = &self.plan.resources;
        let n = rs.len();
        let mut included = base.to_vec();
        if let Some((x, b)) = force {
            included[x] = b;
        }
        let mut active = vec![false; n];
        loop {
            let mut grew = false;
            for i in 0..n {
                if active[i] || !included[i] {
                    continue;
                }
                if matches!(rs[i].origin, Origin::Requested) || needed_by[i].iter().any(|&j| active[j]) {
                    active[i] = true;
                    grew = true;
                }
            }
            if !grew {
                return active;
            }
        }
    }

    /// Resources in question order: by category (network before security before
    /// compute before data stores), never before what they depend on.
    fn order(&self) -> Vec<usize> {
        let rs = &self.plan.resources;
        let n = rs.len();
        let mut rank: Vec<Option<u8>> = vec![None; n];
        fn rank_of(c: &Conversation, i: usize, rank: &mut Vec<Option<u8>>, depth: usize) -> u8 {
            if let Some(r) = rank[i] {
                return r;
            }
            let mut r = category_rank(c.comp(i).category);
            // A recommended or optional resource is offered in the phase of the
            // resource that wants it ("an Elastic IP for web" with the compute
            // questions); security resources keep their own phase.
            let res = &c.plan.resources[i];
            if matches!(res.inclusion, Inclusion::AskDefaultYes | Inclusion::AskDefaultNo) && c.comp(i).category != Category::Security {
                if let Origin::Recommended { by } | Origin::Optional { by } | Origin::Required { by } = &res.origin {
                    if let Some(j) = c.index_of(by) {
                        r = r.max(category_rank(c.comp(j).category));
                    }
                }
            }
            if depth < 64 {
                for k in c.plan.resources[i].refs.values() {
                    if let Some(j) = c.index_of(k) {
                        if j != i {
                            r = r.max(rank_of(c, j, rank, depth + 1));
                        }
                    }
                }
            }
            rank[i] = Some(r);
            r
        }
        for i in 0..n {
            rank_of(self, i, &mut rank, 0);
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|i| (rank[*i], *i));
        order
    }

    /// Drops the memoized question sequence after a change to what it derives from.
    fn touch(&mut self) {
        self.cache = ViewCache::default();
    }

    fn view(&self) -> View {
        self.cache.0.get_or_init(|| self.compute_view()).clone()
    }

    fn compute_view(&self) -> View {
        let rs = &self.plan.resources;
        let needed_by = self.needed_by();
        let base = self.included_all();
        let active = self.active_from(&needed_by, &base, None);
        let order = self.order();
        // Recommended/optional resources and what only they need: their yes/no
        // question comes before any question about those dependencies.
        let askable: Vec<usize> = (0..rs.len()).filter(|i| matches!(rs[*i].inclusion, Inclusion::AskDefaultYes | Inclusion::AskDefaultNo)).collect();
        // (resource, what only it needs, whether its requester is generated).
        let mut exclusive: Vec<(usize, Vec<bool>, bool)> = Vec::new();
        for &x in &askable {
            let with = self.active_from(&needed_by, &base, Some((x, true)));
            let without = self.active_from(&needed_by, &base, Some((x, false)));
            let only = with.iter().zip(&without).map(|(a, b)| *a && !b).collect();
            exclusive.push((x, only, with[x]));
        }
        let mut slots = Vec::new();
        if !self.stated.contains(REGION) {
            slots.push(Slot::Region);
        }
        let mut emitted_include = vec![false; rs.len()];
        for &i in &order {
            // A yes/no question applies only when the requester itself is generated.
            for (x, only, askable_now) in &exclusive {
                if !emitted_include[*x] && only[i] && *askable_now {
                    emitted_include[*x] = true;
                    slots.push(Slot::Include(*x));
                }
            }
            if !active[i] || rs[i].existing.is_some() {
                continue;
            }
            let key = &rs[i].key;
            let comp = self.comp(i);
            let opened = self.answers.get(&format!("defaults.{key}")) == Some(&Value::Bool(false));
            let mut safe = Vec::new();
            let mut qid = String::with_capacity(64);
            for (pi, p) in comp.parameters.iter().enumerate() {
                qid.clear();
                qid.push_str(key);
                qid.push('.');
                qid.push_str(&p.id);
                if self.stated.contains(&qid) {
                    continue;
                }
                let groupable = p.safe_default && p.default.is_some() && !opened && !self.reask.contains(&qid) && !self.answers.contains_key(&qid);
                if groupable {
                    safe.push(pi);
                } else {
                    slots.push(Slot::Param(i, pi));
                }
            }
            if !safe.is_empty() {
                slots.push(Slot::Defaults(i, safe));
            }
        }
        let answered: Vec<bool> = slots.iter().map(|s| self.slot_answered(s)).collect();
        let current = answered.iter().position(|a| !a);
        View { active, slots, answered, current }
    }

    fn slot_id(&self, slot: &Slot) -> String {
        match slot {
            Slot::Region => REGION.into(),
            Slot::Include(i) => format!("include.{}", self.plan.resources[*i].key),
            Slot::Defaults(i, _) => format!("defaults.{}", self.plan.resources[*i].key),
            Slot::Param(i, p) => format!("{}.{}", self.plan.resources[*i].key, self.comp(*i).parameters[*p].id),
        }
    }

    fn slot_answered(&self, slot: &Slot) -> bool {
        let id = self.slot_id(slot);
        match slot {
            Slot::Defaults(..) => self.answers.get(&id) == Some(&Value::Bool(true)),
            _ => self.answers.contains_key(&id),
        }
    }

    /// Ports a resource opens without naming them: a database's port on the
    /// security group it uses.
    fn implied_ports(&self, i: usize, active: &[bool]) -> Vec<i64> {
        let key = &self.plan.resources[i].key;
        let mut out = Vec::new();
        for (j, r) in self.plan.resources.iter().enumerate() {
            if !active[j] || !r.refs.values().any(|k| k == key) {
                continue;
            }
            let c = self.comp(j);
            if c.category == Category::Database {
                let v = self.values(j);
                if let Some(p) = v.get("port").and_then(Value::as_i64) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Problems between resources under the current values, or with one value
    /// replaced by a candidate.
    fn cross_errors(&self, active: &[bool], candidate: Option<(&str, &Value)>) -> Vec<CrossError> {
        let rs = &self.plan.resources;
        // Every active resource's values once, with the candidate applied.
        let all: Vec<BTreeMap<String, Value>> = (0..rs.len())
            .map(|i| {
                if !active[i] {
                    return BTreeMap::new();
                }
                let mut v = self.values(i);
                if let Some((qid, val)) = candidate {
                    if let Some(pid) = qid.strip_prefix(rs[i].key.as_str()).and_then(|r| r.strip_prefix('.')) {
                        v.insert(pid.to_string(), val.clone());
                    }
                }
                v
            })
            .collect();
        let values_of = |i: usize| -> &BTreeMap<String, Value> { &all[i] };
        let mut errors = Vec::new();
        // Subnet layout inside each generated VPC.
        let subnets: Vec<usize> = (0..rs.len()).filter(|i| active[*i] && rs[*i].component == "subnet").collect();
        for (v, vpc) in rs.iter().enumerate() {
            if !active[v] || vpc.component != "vpc" || vpc.existing.is_some() {
                continue;
            }
            let Some(range) = values_of(v).get("cidr_block").and_then(Value::as_str).and_then(validate::parse_v4) else { continue };
            let specs: Vec<SubnetSpec> = subnets
                .iter()
                .enumerate()
                .filter(|(_, s)| rs[**s].refs.get("vpc") == Some(&vpc.key))
                .map(|(ordinal, s)| {
                    let sv = values_of(*s);
                    SubnetSpec {
                        key: rs[*s].key.clone(),
                        ordinal: ordinal as u32,
                        newbits: sv.get("cidr_newbits").and_then(Value::as_u64).unwrap_or(8).min(32) as u8,
                        az_count: sv.get("az_count").and_then(Value::as_u64).unwrap_or(1) as u32,
                    }
                })
                .collect();
            if let Err((key, message)) = network::check_layout(range, &specs) {
                errors.push(CrossError { id: format!("{key}.cidr_newbits"), message, layout: true });
            }
        }
        for (j, r) in rs.iter().enumerate() {
            if !active[j] {
                continue;
            }
            let comp = self.comp(j);
            let mine = values_of(j);
            for d in &comp.dependencies {
                let role = d.role.clone().unwrap_or_else(|| d.component.clone());
                let target = r.refs.get(&role).and_then(|k| self.index_of(k)).filter(|t| active[*t]);
                // Minimums a dependency needs from what it uses (RDS needs subnets in two zones).
                if let Some(t) = target {
                    let tv = values_of(t);
                    for (param, min) in &d.at_least {
                        if let Some(n) = tv.get(param).and_then(Value::as_i64) {
                            if n < *min {
                                errors.push(CrossError {
                                    id: format!("{}.{param}", rs[t].key),
                                    message: format!("{}.{param} must be at least {min} because {} needs it: {}", rs[t].key, r.key, d.why),
                                    layout: false,
                                });
                            }
                        }
                    }
                }
                // A value that makes a required dependency necessary which the plan lacks.
                if d.kind == DependencyKind::Required && !d.when.is_empty() && target.is_none() && comp.matches(&d.when, mine) {
                    let (param, v) = d.when.iter().next().expect("non-empty");
                    errors.push(CrossError {
                        id: format!("{}.{param}", r.key),
                        message: format!(
                            "{} {} with {param} = {} needs a {} ({}), which this configuration doesn't include. Keep the previous value, or start a new request that asks for it.",
                            comp.name,
                            r.key,
                            display(v),
                            d.component,
                            d.why
                        ),
                        layout: false,
                    });
                }
            }
        }
        errors
    }

    fn build_stack(&self, view: &View, include: impl Fn(usize) -> bool) -> Stack {
        let rs = &self.plan.resources;
        let mut resources = Vec::new();
        for (i, r) in rs.iter().enumerate() {
            if !view.active[i] || !include(i) {
                continue;
            }
            let refs = r.refs.iter().filter(|(_, k)| self.index_of(k).is_some_and(|j| view.active[j])).map(|(a, b)| (a.clone(), b.clone())).collect();
            resources.push(StackResource {
                key: r.key.clone(),
                component: r.component.clone(),
                name: r.name.clone(),
                values: self.values(i),
                refs,
                count: r.count,
                existing: r.existing.clone(),
            });
        }
        Stack { region: self.region(), resources, decisions: self.decisions.clone() }
    }
}

/// "a" or "an" before a component name (by its first letter's sound, roughly).
fn article(name: &str) -> &'static str {
    let first = name.chars().next().unwrap_or('x').to_ascii_uppercase();
    // Initialisms read letter by letter: "an EC2", "an S3", "an RDS", "an IAM".
    let initialism = name.split(' ').next().is_some_and(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    if initialism {
        if "AEFHILMNORSX".contains(first) { "an" } else { "a" }
    } else if "AEIOU".contains(first) {
        "an"
    } else {
        "a"
    }
}

fn slot_resource(s: &Slot) -> Option<usize> {
    match s {
        Slot::Region => None,
        Slot::Include(i) | Slot::Defaults(i, _) | Slot::Param(i, _) => Some(*i),
    }
}

fn warning(f: &security::Finding) -> Warning {
    Warning { rule: f.rule.to_string(), title: f.title.to_string(), message: f.message.clone(), needs_confirmation: f.needs_confirmation }
}

fn rule_fires(findings: &[security::Finding], rule: &str) -> bool {
    findings.iter().any(|f| f.rule == rule)
}
