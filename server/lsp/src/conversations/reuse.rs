//! Existing code: VPCs, subnets and security groups the target folder already defines,
//! offered for reuse before the conversation's own questions ("add a postgres database"
//! next to an `aws_vpc.main` goes into that VPC unless the user says otherwise).
//!
//! [`gather`] reads the resources out of the folder's texts (pure: the caller hands the
//! texts over); a [`Dialog`] asks one question per reusable planned resource, each with a
//! default the user can decline, and finally sets `existing` on the plan so that the
//! generator references `aws_vpc.main.id`, `[aws_subnet.a.id, aws_subnet.b.id]`, … instead
//! of creating them again.

use hcl_edit::structure::Block;
use hcl_edit::Span;
use serde::{Deserialize, Serialize};
use tc_conversation::{Command, Conversation, Question, QuestionKind, Turn};
use tc_intent::Plan;

/// Every resource type that can stand in for a planned component.
pub const REUSABLE: &[&str] = &["aws_vpc", "aws_subnet", "aws_security_group"];

/// The question id prefix of reuse questions (`reuse.<plan key>`).
pub const QUESTION_PREFIX: &str = "reuse.";

/// A reusable resource the folder defines, with what its text says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    /// `aws_subnet.private_a`.
    pub address: String,
    /// The VPC it is in, when `vpc_id` references one of the folder's (`aws_vpc.main`).
    pub vpc: Option<String>,
    /// `map_public_ip_on_launch`, when set to a literal.
    pub public_ip: Option<bool>,
    /// The `availability_zone` (or `availability_zone_id`) expression as written.
    pub zone: Option<String>,
    /// Lower-case text that says what it is for: its label, `name`, `description`, `tags`.
    pub hints: String,
}

impl Existing {
    fn rtype(&self) -> &str {
        self.address.split('.').next().unwrap_or_default()
    }

    fn label(&self) -> &str {
        self.address.split('.').nth(1).unwrap_or_default()
    }

    /// `public` or `private`, from `map_public_ip_on_launch` first, then the words in
    /// its name and tags; `None` when nothing says.
    fn tier(&self) -> Option<&'static str> {
        if self.public_ip == Some(true) || self.hints.contains("public") {
            Some("public")
        } else if self.public_ip == Some(false)
            || ["private", "database", "db", "data", "isolated", "app"].iter().any(|w| has_word(&self.hints, w))
        {
            Some("private")
        } else {
            None
        }
    }
}

/// Whether `word` appears in `text` on its own (between non-alphanumeric characters).
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == word)
}

/// Every reusable resource defined in `texts` (the `.tf` files of one folder). Files
/// that do not parse are skipped (their diagnostics say why); resources with `count`
/// or `for_each` are left out, as a reference to them needs an index the user chooses.
pub fn gather<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<Existing> {
    let mut out = Vec::new();
    for text in texts {
        let Ok(body) = hcl_edit::parser::parse_body(text) else { continue };
        for block in body.blocks() {
            if let Some(e) = existing(text, block) {
                out.push(e);
            }
        }
    }
    out
}

fn existing(text: &str, block: &Block) -> Option<Existing> {
    let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
    let [rtype, name] = labels.as_slice() else { return None };
    if block.ident.as_str() != "resource" || !REUSABLE.contains(rtype) {
        return None;
    }
    let body = &block.body;
    if body.get_attribute("count").is_some() || body.get_attribute("for_each").is_some() {
        return None;
    }
    let raw = |key: &str| {
        body.get_attribute(key).and_then(|a| a.value.span()).and_then(|r| text.get(r)).map(|s| s.trim().to_string())
    };
    let vpc = raw("vpc_id")
        .and_then(|v| v.strip_suffix(".id").map(str::to_string))
        .filter(|v| v.starts_with("aws_vpc.") && v.matches('.').count() == 1);
    let public_ip = body.get_attribute("map_public_ip_on_launch").and_then(|a| a.value.as_bool());
    let zone = raw("availability_zone").or_else(|| raw("availability_zone_id"));
    let mut hints = name.to_lowercase();
    for key in ["name", "description", "tags"] {
        if let Some(v) = raw(key) {
            hints.push(' ');
            hints.push_str(&v.to_lowercase());
        }
    }
    Some(Existing { address: format!("{rtype}.{name}"), vpc, public_ip, zone, hints })
}

/// One way to reuse: what `existing` becomes (one address, or several of one type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub existing: String,
}

/// The user's answer to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "choice", content = "index")]
pub enum Choice {
    Reuse(usize),
    New,
}

/// A question: reuse something for one planned resource, or create it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The planned resource's key (`vpc`, `private_subnet`, …).
    pub key: String,
    pub text: String,
    pub why: String,
    pub candidates: Vec<Candidate>,
    /// `Reuse(i)` or `New`.
    pub default: Choice,
    #[serde(default)]
    pub choice: Option<Choice>,
}

impl Offer {
    fn yes_no(&self) -> bool {
        self.candidates.len() == 1
    }

    fn choices(&self) -> Vec<String> {
        if self.yes_no() {
            return vec!["yes".into(), "no".into()];
        }
        let mut c: Vec<String> = self.candidates.iter().map(|c| c.existing.clone()).collect();
        c.push("new".into());
        c
    }

    fn shown(&self, choice: Choice) -> String {
        match (choice, self.yes_no()) {
            (Choice::Reuse(_), true) => "yes".into(),
            (Choice::New, true) => "no".into(),
            (Choice::Reuse(i), false) => self.candidates[i].existing.clone(),
            (Choice::New, false) => "new".into(),
        }
    }

    /// What the user typed, as a choice; `Err` with how to answer.
    fn parse(&self, text: &str) -> Result<Choice, String> {
        let norm = text.trim().trim_end_matches(['.', '!']).to_lowercase();
        let bare = norm.trim_start_matches("use ").trim_start_matches("the ").trim();
        if matches!(bare, "new" | "a new one" | "new one" | "create" | "create one" | "create a new one" | "create new" | "none")
            || bare.starts_with("a new ")
            || bare.starts_with("new ")
        {
            return Ok(Choice::New);
        }
        for (i, c) in self.candidates.iter().enumerate() {
            let names: Vec<&str> = c.existing.split(',').map(str::trim).collect();
            let labels: Vec<&str> = names.iter().filter_map(|a| a.split('.').nth(1)).collect();
            if names.iter().any(|a| a.to_lowercase() == bare) || (names.len() == 1 && labels.iter().any(|l| l.to_lowercase() == bare)) {
                return Ok(Choice::Reuse(i));
            }
        }
        Err(if self.yes_no() {
            format!("Answer yes to use {}, or no to create a new one.", self.candidates[0].existing)
        } else {
            format!("Answer with one of: {}.", self.choices().join(", "))
        })
    }
}

/// The reuse questions of one conversation, asked before the engine's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dialog {
    /// The plan as the request made it, with only the scope's reuse applied (the
    /// offers' answers are applied by [`Dialog::applied`]).
    pub plan: Plan,
    pub found: Vec<Existing>,
    /// Offers made so far, in order; the last is the current question while unanswered.
    pub offers: Vec<Offer>,
    /// Reuses decided without asking (the resource the user started from).
    pub notes: Vec<String>,
}

/// What one input did to a dialog.
pub enum Step {
    /// Show this turn (a question of the dialog, or a rejection of the input).
    Ask(Turn),
    /// Every offer is answered: start the engine on this plan, with these messages first.
    Done { plan: Plan, messages: Vec<String>, accept_all: bool },
}

impl Dialog {
    /// The dialog for `plan` in a folder defining `found`. `scope` (the resource the
    /// user started from) is reused without asking; with `offer` false nothing else is.
    /// Returns the plan with the scope's reuse, and the dialog: `None` when there is
    /// nothing to ask or tell, one without a pending question when only the scope's
    /// reuse is to be told (its `applied` messages).
    pub fn new(mut plan: Plan, found: Vec<Existing>, scope: Option<&str>, offer: bool) -> (Plan, Option<Dialog>) {
        let mut notes = Vec::new();
        if let Some(scoped) = scope.and_then(|s| found.iter().find(|e| e.address == s)) {
            let rtype = scoped.rtype();
            // A subnet stands in with its siblings of the same tier in the same VPC when
            // together they span two zones (a database subnet group needs that).
            let mut existing = scoped.address.clone();
            if rtype == "aws_subnet" {
                let siblings: Vec<&Existing> = found
                    .iter()
                    .filter(|e| e.rtype() == "aws_subnet" && e.vpc == scoped.vpc && e.tier() == scoped.tier())
                    .collect();
                if siblings.len() > 1 && zones(&siblings) >= 2 {
                    existing = siblings.iter().map(|e| e.address.as_str()).collect::<Vec<_>>().join(", ");
                }
            }
            if let Some(res) = plan.resources.iter_mut().find(|r| r.existing.is_none() && main_type(&r.component) == Some(rtype)) {
                notes.push(format!("Using {existing}, which you started from, for the {}.", component_name(&res.component)));
                res.existing = Some(existing);
            }
            // What is inside a VPC of the folder goes with that VPC, not a new one.
            if let Some(vpc) = scoped.vpc.as_ref().filter(|v| found.iter().any(|e| &e.address == *v)) {
                if let Some(res) = plan.resources.iter_mut().find(|r| r.existing.is_none() && r.component == "vpc") {
                    notes.push(format!("Using {vpc}, the VPC of {}, instead of creating a new one.", scoped.address));
                    res.existing = Some(vpc.clone());
                }
            }
        }
        let mut dialog = Dialog { plan: plan.clone(), found, offers: Vec::new(), notes };
        if offer {
            if let Some(o) = dialog.next_offer() {
                dialog.offers.push(o);
                return (plan, Some(dialog));
            }
        }
        // Nothing to ask: the plan already carries the scope's reuse; the caller shows
        // the notes through `applied`.
        let notes = (!dialog.notes.is_empty()).then_some(dialog);
        (plan, notes)
    }

    /// Whether a reuse question is waiting for its answer.
    pub fn pending(&self) -> bool {
        self.offers.last().is_some_and(|o| o.choice.is_none())
    }

    /// The current reuse question, if one is waiting.
    pub fn question(&self, engine_total: usize) -> Option<Question> {
        let o = self.offers.last().filter(|o| o.choice.is_none())?;
        Some(Question {
            id: format!("{QUESTION_PREFIX}{}", o.key),
            text: o.text.clone(),
            default: Some(o.shown(o.default)),
            why: o.why.clone(),
            choices: o.choices(),
            example: None,
            progress: (self.offers.len(), self.offers.len() + engine_total),
            kind: if o.yes_no() { QuestionKind::YesNo } else { QuestionKind::Value },
            cost_note: None,
        })
    }

    /// How many reuse questions were asked (to number the engine's questions after them).
    pub fn asked(&self) -> usize {
        self.offers.len()
    }

    /// Handles one input to the current reuse question.
    pub fn handle(&mut self, command: Command, text: Option<&str>, engine_total: usize) -> Step {
        let Some(offer) = self.offers.last().filter(|o| o.choice.is_none()).cloned() else {
            return self.finish(false);
        };
        let typed = text.map(|t| offer.parse(t));
        let choice = match (typed, command) {
            (Some(Ok(choice)), _) => choice,
            (_, Command::Default) => offer.default,
            (_, Command::Confirm(true)) if offer.yes_no() => Choice::Reuse(0),
            (_, Command::Confirm(true)) => offer.default,
            (_, Command::Confirm(false)) => Choice::New,
            (_, Command::AcceptAllDefaults) => {
                self.take(offer.default);
                while let Some(next) = self.next_offer() {
                    let default = next.default;
                    self.offers.push(next);
                    self.take(default);
                }
                return self.finish(true);
            }
            (_, Command::Back) => {
                if self.offers.len() < 2 {
                    return self.ask(engine_total, vec![], Some("This is the first question; there is nothing to go back to.".into()));
                }
                self.offers.pop();
                if let Some(prev) = self.offers.last_mut() {
                    prev.choice = None;
                }
                return self.ask(engine_total, vec![], None);
            }
            (_, Command::Help) => return self.ask(engine_total, vec![offer.why.clone()], None),
            (_, Command::Skip) => {
                return self.ask(engine_total, vec![], Some("This question cannot be skipped; answer it to go on (the default is fine).".into()))
            }
            (_, Command::Change { .. }) => {
                return self.ask(
                    engine_total,
                    vec![],
                    Some("Answer whether to reuse what the folder defines first; the other answers can be changed after that.".into()),
                )
            }
            (Some(Err(why)), _) => return self.ask(engine_total, vec![], Some(why)),
            (None, _) => return self.ask(engine_total, vec![], Some(offer.parse("").unwrap_err())),
        };
        self.take(choice);
        match self.next_offer() {
            Some(next) => {
                self.offers.push(next);
                self.ask(engine_total, vec![], None)
            }
            None => self.finish(false),
        }
    }

    /// Reopens the last answered offer (`back` from the engine's first question).
    pub fn reopen(&mut self) -> bool {
        match self.offers.last_mut() {
            Some(o) if o.choice.is_some() => {
                o.choice = None;
                true
            }
            _ => false,
        }
    }

    fn take(&mut self, choice: Choice) {
        if let Some(o) = self.offers.last_mut() {
            o.choice = Some(choice);
        }
    }

    fn ask(&self, engine_total: usize, messages: Vec<String>, rejection: Option<String>) -> Step {
        Step::Ask(Turn {
            state: tc_conversation::State::ParameterCollection,
            messages,
            question: self.question(engine_total),
            rejection,
            ..Default::default()
        })
    }

    /// The plan with every answered reuse applied, and one message per decision.
    fn finish(&self, accept_all: bool) -> Step {
        let (plan, messages) = self.applied();
        Step::Done { plan, messages, accept_all }
    }

    /// The plan with the answered offers applied.
    pub fn applied(&self) -> (Plan, Vec<String>) {
        let mut plan = self.plan.clone();
        let mut messages = self.notes.clone();
        for o in &self.offers {
            let Some(res) = plan.resources.iter_mut().find(|r| r.key == o.key) else { continue };
            let name = component_name(&res.component);
            match o.choice {
                Some(Choice::Reuse(i)) => {
                    let existing = o.candidates[i].existing.clone();
                    messages.push(format!("Using the existing {existing} for the {name} instead of creating a new one."));
                    res.existing = Some(existing);
                }
                Some(Choice::New) => messages.push(format!("Creating a new {name}, as you asked.")),
                None => {}
            }
        }
        (plan, messages)
    }

    /// The VPC the resource `key` will be in: the existing one reused for its `vpc`
    /// reference, `None` when that VPC is new (or it has none).
    fn vpc_of(&self, key: &str) -> Option<String> {
        let (plan, _) = self.applied();
        let res = plan.resources.iter().find(|r| r.key == key)?;
        let vpc_key = res.refs.get("vpc")?;
        plan.resources.iter().find(|r| &r.key == vpc_key)?.existing.clone()
    }

    /// The next reusable planned resource with something to reuse, as an offer.
    fn next_offer(&self) -> Option<Offer> {
        let (plan, _) = self.applied();
        // The network first: which subnets and groups can be offered depends on the VPC.
        let order = ["vpc", "subnet", "security_group"];
        let mut candidates: Vec<&tc_intent::PlannedResource> =
            plan.resources.iter().filter(|r| order.contains(&r.component.as_str())).collect();
        candidates.sort_by_key(|r| order.iter().position(|c| *c == r.component));
        for res in candidates {
            if res.existing.is_some() || self.offers.iter().any(|o| o.key == res.key) {
                continue;
            }
            let for_what = dependents(&plan, &res.key);
            let offer = match res.component.as_str() {
                "vpc" if res.count <= 1 => self.vpc_offer(&res.key, &for_what),
                "subnet" => {
                    let tier = res.params.get("tier").and_then(|v| v.as_str()).unwrap_or("private");
                    self.vpc_of(&res.key).and_then(|vpc| self.subnet_offer(&res.key, &vpc, tier, &for_what))
                }
                "security_group" => self.vpc_of(&res.key).and_then(|vpc| self.security_group_offer(&res.key, &vpc, &for_what)),
                _ => None,
            };
            if offer.is_some() {
                return offer;
            }
        }
        None
    }

    fn vpc_offer(&self, key: &str, for_what: &str) -> Option<Offer> {
        let vpcs: Vec<&Existing> = self.found.iter().filter(|e| e.rtype() == "aws_vpc").collect();
        match vpcs.as_slice() {
            [] => None,
            [one] => Some(Offer {
                key: key.into(),
                text: format!("This folder already defines {}. Put the {for_what} in it instead of creating a new VPC?", one.address),
                why: "Reusing your network keeps everything in one VPC; a second VPC could not reach the first without peering.".into(),
                candidates: vec![Candidate { existing: one.address.clone() }],
                default: Choice::Reuse(0),
                choice: None,
            }),
            several => {
                let preferred = several.iter().position(|e| e.label() == "main" || has_word(&e.hints, "main")).unwrap_or(0);
                Some(Offer {
                    key: key.into(),
                    text: format!(
                        "This folder defines {} VPCs. Which one should the {for_what} go into (or \"new\" for a new VPC)?",
                        several.len()
                    ),
                    why: format!(
                        "Reusing a network keeps related resources together; {} is suggested because it is {}.",
                        several[preferred].address,
                        if preferred == 0 && several[0].label() != "main" { "the first one defined" } else { "the main one" }
                    ),
                    candidates: several.iter().map(|e| Candidate { existing: e.address.clone() }).collect(),
                    default: Choice::Reuse(preferred),
                    choice: None,
                })
            }
        }
    }

    fn subnet_offer(&self, key: &str, vpc: &str, tier: &str, for_what: &str) -> Option<Offer> {
        let in_vpc: Vec<&Existing> =
            self.found.iter().filter(|e| e.rtype() == "aws_subnet" && e.vpc.as_deref() == Some(vpc)).collect();
        // Subnets that say they are of the tier, else (for private use) those that say
        // nothing; never a public subnet for a private tier or the other way round.
        let mut chosen: Vec<&Existing> = in_vpc.iter().copied().filter(|e| e.tier() == Some(tier)).collect();
        if tier == "private" && zones(&chosen) < 2 {
            chosen = in_vpc.iter().copied().filter(|e| e.tier() != Some("public")).collect();
        }
        // Spread over at least two zones, like the subnets the conversation would create
        // (a database subnet group refuses fewer).
        if zones(&chosen) < 2 {
            return None;
        }
        let list: Vec<&str> = chosen.iter().map(|e| e.address.as_str()).collect();
        Some(Offer {
            key: key.into(),
            text: format!(
                "{vpc} already has {tier} subnets in {} availability zones ({}). Use them for the {for_what} instead of creating new ones?",
                zones(&chosen),
                list.join(", ")
            ),
            why: format!(
                "They are in the VPC you chose and spread over at least two zones, which is what the {for_what} needs."
            ),
            candidates: vec![Candidate { existing: list.join(", ") }],
            default: Choice::Reuse(0),
            choice: None,
        })
    }

    fn security_group_offer(&self, key: &str, vpc: &str, for_what: &str) -> Option<Offer> {
        let groups: Vec<&Existing> =
            self.found.iter().filter(|e| e.rtype() == "aws_security_group" && e.vpc.as_deref() == Some(vpc)).collect();
        if groups.is_empty() {
            return None;
        }
        // A group is only the default when its name says it is for the same kind of
        // thing; otherwise a group of its own, with exactly the rules it needs, is safer.
        let words = purpose_words(for_what);
        let fitting = groups.iter().position(|g| words.iter().any(|w| has_word(&g.hints, w)));
        let default = fitting.map_or(Choice::New, Choice::Reuse);
        let why = match fitting {
            Some(i) => format!("{} looks like it is meant for this, so its rules apply to the {for_what} too.", groups[i].address),
            None => format!(
                "A security group of its own lets the {for_what} accept exactly the traffic it needs; the existing ones look like they are for something else."
            ),
        };
        let text = match groups.as_slice() {
            [one] => format!("{vpc} has the security group {}. Use it for the {for_what} instead of creating one?", one.address),
            several => format!(
                "{vpc} has {} security groups. Which one should the {for_what} use (or \"new\" for one of its own)?",
                several.len()
            ),
        };
        Some(Offer {
            key: key.into(),
            text,
            why,
            candidates: groups.iter().map(|g| Candidate { existing: g.address.clone() }).collect(),
            default,
            choice: None,
        })
    }
}

/// How many distinct availability zones the subnets name (unnamed zones do not count).
fn zones(subnets: &[&Existing]) -> usize {
    let mut z: Vec<&str> = subnets.iter().filter_map(|e| e.zone.as_deref()).collect();
    z.sort();
    z.dedup();
    z.len()
}

fn main_type(component: &str) -> Option<&'static str> {
    tc_knowledge::knowledge().component(component)?.resource_types.first().map(String::as_str)
}

fn component_name(component: &str) -> String {
    tc_knowledge::knowledge().component(component).map_or_else(|| component.to_string(), |c| c.name.clone())
}

/// What the resource `key` is for, as words: the names of the planned resources that
/// reference it ("PostgreSQL database"), else its own component's name.
fn dependents(plan: &Plan, key: &str) -> String {
    let mut names: Vec<String> = plan
        .resources
        .iter()
        .filter(|r| r.refs.values().any(|k| k == key))
        .filter(|r| !matches!(r.component.as_str(), "subnet" | "security_group" | "internet_gateway" | "route_table"))
        .map(|r| component_name(&r.component))
        .collect();
    names.dedup();
    match names.len() {
        0 => "new resources".into(),
        _ => names.join(" and "),
    }
}

/// Words in a security group's name or tags that say it is for `what` (the most
/// specific kind first: an "RDS instance" is a database, not a server).
fn purpose_words(what: &str) -> &'static [&'static str] {
    let what = what.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| what.contains(w));
    if has(&["database", "rds", "aurora", "postgres", "mysql", "redshift"]) {
        &["db", "database", "rds", "postgres", "postgresql", "mysql", "sql", "aurora"]
    } else if has(&["cache", "redis", "elasticache"]) {
        &["cache", "redis", "elasticache"]
    } else if has(&["web", "instance", "server", "load balancer"]) {
        &["web", "http", "https", "app", "alb", "lb"]
    } else {
        &[]
    }
}

/// Starts the reuse dialog of a new conversation in `target`: its questions come first
/// when the folder defines something to reuse. Returns the conversation and first turn
/// to show (the first reuse question, or the engine's turn with the reuse notes) and the
/// dialog to keep.
pub fn begin(
    session: &crate::session::Session,
    target: &super::Target,
    conversation: Conversation,
    turn: Turn,
    scope: Option<&str>,
    offer: bool,
) -> (Conversation, Turn, Option<Dialog>) {
    let texts: Vec<String> = crate::session::tf_files(session, &target.folder)
        .iter()
        .filter_map(|p| session.text_of(p).map(|(t, _)| t))
        .collect();
    let found = gather(texts.iter().map(String::as_str));
    let (plan, dialog) = Dialog::new(conversation.plan().clone(), found, scope, offer);
    match dialog {
        None => (conversation, turn, None),
        Some(d) if d.pending() => {
            // The engine waits, on the plan as requested, until the reuse is decided.
            let total = conversation.current_question().map_or(0, |q| q.progress.1);
            // The engine's plan summary would list what may be reused as new: it comes
            // once the reuse is decided.
            let note = "This folder already defines resources the request needs; first, whether to reuse them.".to_string();
            let first = Turn { state: turn.state, question: d.question(total), messages: vec![note], ..Default::default() };
            (conversation, first, Some(d))
        }
        Some(d) => {
            let (conversation, mut turn) = Conversation::from_plan(plan);
            turn.messages.splice(0..0, d.applied().1);
            (conversation, turn, None)
        }
    }
}

/// One input to a conversation whose reuse dialog may still be asking: the dialog
/// takes it while it asks; once every offer is answered the engine starts on the plan
/// with the reuses applied. `back` from the engine's first question reopens the last
/// reuse question. Everything else goes to the engine.
pub fn step(conversation: &mut Conversation, dialog: Option<&mut Dialog>, command: Command, text: Option<&str>) -> Turn {
    let total = |c: &Conversation| c.current_question().map_or(0, |q| q.progress.1);
    let Some(dialog) = dialog else { return engine(conversation, command, text) };
    if !dialog.pending() {
        if command == Command::Back && conversation.inputs().is_empty() && dialog.reopen() {
            *conversation = Conversation::from_plan(dialog.plan.clone()).0;
            return Turn {
                state: conversation.state(),
                question: dialog.question(total(conversation)),
                messages: vec!["Back to whether to reuse what the folder defines; nothing else is written until you answer.".into()],
                ..Default::default()
            };
        }
        return engine(conversation, command, text);
    }
    match command {
        // Cancelling and asking where things are work as everywhere else.
        Command::Cancel => {
            dialog.offers.clear();
            return conversation.apply(Command::Cancel);
        }
        Command::Status => {
            let mut turn = conversation.apply(Command::Status);
            turn.question = dialog.question(total(conversation));
            return turn;
        }
        _ => {}
    }
    match dialog.handle(command, text, total(conversation)) {
        Step::Ask(turn) => turn,
        Step::Done { plan, messages, accept_all } => {
            let (mut fresh, mut turn) = Conversation::from_plan(plan);
            if accept_all {
                // The engine's own questions take their defaults too; its plan summary
                // comes before what accepting them said.
                let mut rest = fresh.apply(Command::AcceptAllDefaults);
                turn.messages.append(&mut rest.messages);
                rest.messages = std::mem::take(&mut turn.messages);
                turn = rest;
            }
            turn.messages.splice(0..0, messages);
            *conversation = fresh;
            turn
        }
    }
}

fn engine(conversation: &mut Conversation, command: Command, text: Option<&str>) -> Turn {
    match text {
        Some(t) => conversation.handle(t),
        None => conversation.apply(command),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NETWORK: &str = r#"
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public_a" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.0.0/24"
  availability_zone       = "eu-central-1a"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.10.0/24"
  availability_zone = "eu-central-1a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.11.0/24"
  availability_zone = "eu-central-1b"
  tags = {
    Name = "private-b"
  }
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.main.id
}
"#;

    fn plan(request: &str) -> Plan {
        tc_conversation::Conversation::start(request).unwrap().0.plan().clone()
    }

    fn existing_of(plan: &Plan, component: &str) -> Option<String> {
        plan.resources.iter().find(|r| r.component == component).and_then(|r| r.existing.clone())
    }

    /// Answers every offer with `answers` in turn (text), returning the final plan and
    /// the question ids asked.
    fn run(plan: Plan, found: Vec<Existing>, answers: &[&str]) -> (Plan, Vec<String>) {
        let (plan, dialog) = Dialog::new(plan, found, None, true);
        let Some(mut dialog) = dialog else { return (plan, Vec::new()) };
        let mut asked = vec![dialog.question(10).unwrap().id];
        for a in answers {
            match dialog.handle(tc_conversation::interpret(a), Some(a), 10) {
                Step::Ask(turn) => {
                    assert!(turn.rejection.is_none(), "{a:?} refused: {:?}", turn.rejection);
                    asked.push(turn.question.unwrap().id);
                }
                Step::Done { plan, .. } => return (plan, asked),
            }
        }
        panic!("the dialog did not finish after {answers:?}; asked {asked:?}");
    }

    #[test]
    fn gather_reads_what_each_resource_says_about_itself() {
        let found = gather([NETWORK]);
        let by = |a: &str| found.iter().find(|e| e.address == a).unwrap().clone();
        assert_eq!(found.len(), 5);
        assert_eq!(by("aws_subnet.public_a").tier(), Some("public"));
        assert_eq!(by("aws_subnet.private_a").tier(), Some("private"));
        assert_eq!(by("aws_subnet.private_b").zone.as_deref(), Some("\"eu-central-1b\""));
        assert_eq!(by("aws_subnet.private_b").vpc.as_deref(), Some("aws_vpc.main"));
        assert_eq!(by("aws_vpc.main").vpc, None);
        // Counted resources and files that do not parse are left out.
        assert!(gather(["resource \"aws_subnet\" \"x\" {\n  count = 2\n}\n", "resource {"]).is_empty());
    }

    #[test]
    fn a_database_reuses_the_vpc_and_its_private_subnets_by_default() {
        let (plan, asked) = run(plan("add a postgres database"), gather([NETWORK]), &["", "", ""]);
        assert_eq!(asked, ["reuse.vpc", "reuse.private_subnet", "reuse.rds_instance_security_group"]);
        assert_eq!(existing_of(&plan, "vpc").as_deref(), Some("aws_vpc.main"));
        assert_eq!(existing_of(&plan, "subnet").as_deref(), Some("aws_subnet.private_a, aws_subnet.private_b"));
        // The web group is not meant for a database: the default is a group of its own.
        assert_eq!(existing_of(&plan, "security_group"), None);
    }

    #[test]
    fn declining_the_vpc_asks_nothing_about_what_is_inside_it() {
        let (plan, asked) = run(plan("add a postgres database"), gather([NETWORK]), &["no"]);
        assert_eq!(asked, ["reuse.vpc"]);
        assert!(plan.resources.iter().all(|r| r.existing.is_none()));
    }

    #[test]
    fn a_fitting_security_group_is_the_default_and_can_be_declined() {
        let text = format!("{NETWORK}\nresource \"aws_security_group\" \"db\" {{\n  name   = \"postgres\"\n  vpc_id = aws_vpc.main.id\n}}\n");
        let (plan, _) = run(plan("add a postgres database"), gather([text.as_str()]), &["yes", "yes", "default"]);
        assert_eq!(existing_of(&plan, "security_group").as_deref(), Some("aws_security_group.db"));
        let (plan, _) = run(plan_db(), gather([text.as_str()]), &["yes", "no", "new"]);
        assert_eq!(existing_of(&plan, "security_group"), None);
        assert_eq!(existing_of(&plan, "subnet"), None);
    }

    fn plan_db() -> Plan {
        plan("add a postgres database")
    }

    #[test]
    fn several_vpcs_are_a_choice_with_the_main_one_as_default() {
        let text = "resource \"aws_vpc\" \"shared\" {\n  cidr_block = \"10.1.0.0/16\"\n}\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
        let (_, dialog) = Dialog::new(plan_db(), gather([text]), None, true);
        let q = dialog.unwrap().question(5).unwrap();
        assert_eq!(q.kind, QuestionKind::Value);
        assert_eq!(q.choices, ["aws_vpc.shared", "aws_vpc.main", "new"]);
        assert_eq!(q.default.as_deref(), Some("aws_vpc.main"));
        let (plan, _) = run(plan_db(), gather([text]), &["shared"]);
        assert_eq!(existing_of(&plan, "vpc").as_deref(), Some("aws_vpc.shared"));
        let (plan, _) = run(plan_db(), gather([text]), &["new"]);
        assert_eq!(existing_of(&plan, "vpc"), None);
    }

    #[test]
    fn subnets_in_one_zone_or_public_ones_are_not_offered_for_a_database() {
        let one_zone = NETWORK.replace("eu-central-1b", "eu-central-1a");
        let (plan, asked) = run(plan_db(), gather([one_zone.as_str()]), &["yes", "no"]);
        assert_eq!(asked, ["reuse.vpc", "reuse.rds_instance_security_group"]);
        assert_eq!(existing_of(&plan, "subnet"), None);
    }

    #[test]
    fn unclear_answers_are_refused_with_how_to_answer_and_back_returns() {
        let (_, dialog) = Dialog::new(plan_db(), gather([NETWORK]), None, true);
        let mut dialog = dialog.unwrap();
        let Step::Ask(turn) = dialog.handle(tc_conversation::interpret("purple"), Some("purple"), 3) else { panic!() };
        assert!(turn.rejection.unwrap().contains("yes to use aws_vpc.main"));
        let Step::Ask(turn) = dialog.handle(Command::Back, None, 3) else { panic!() };
        assert!(turn.rejection.is_some(), "back from the first question");
        let Step::Ask(turn) = dialog.handle(Command::Default, None, 3) else { panic!() };
        assert_eq!(turn.question.unwrap().id, "reuse.private_subnet");
        let Step::Ask(turn) = dialog.handle(Command::Back, None, 3) else { panic!() };
        assert_eq!(turn.question.unwrap().id, "reuse.vpc");
        let Step::Done { plan, accept_all, .. } = dialog.handle(Command::AcceptAllDefaults, None, 3) else { panic!() };
        assert!(accept_all);
        assert_eq!(existing_of(&plan, "vpc").as_deref(), Some("aws_vpc.main"));
    }

    #[test]
    fn status_and_cancel_work_while_a_reuse_question_is_open() {
        let (conversation, _) = tc_conversation::Conversation::start("add a postgres database").unwrap();
        let (_, dialog) = Dialog::new(conversation.plan().clone(), gather([NETWORK]), None, true);
        let (mut conversation, mut dialog) = (conversation, dialog.unwrap());
        let turn = step(&mut conversation, Some(&mut dialog), Command::Status, Some("status"));
        assert_eq!(turn.question.unwrap().id, "reuse.vpc");
        assert!(turn.rejection.is_none() && !turn.messages.is_empty());
        let turn = step(&mut conversation, Some(&mut dialog), Command::Cancel, Some("cancel"));
        assert_eq!(turn.state, tc_conversation::State::Cancelled);
        assert!(turn.question.is_none() && !dialog.pending());
    }

    #[test]
    fn a_scoped_subnet_brings_its_siblings_and_its_vpc() {
        let (plan, dialog) = Dialog::new(plan_db(), gather([NETWORK]), Some("aws_subnet.private_b"), true);
        assert_eq!(existing_of(&plan, "subnet").as_deref(), Some("aws_subnet.private_a, aws_subnet.private_b"));
        assert_eq!(existing_of(&plan, "vpc").as_deref(), Some("aws_vpc.main"));
        // Only the security group is left to ask about.
        let dialog = dialog.unwrap();
        assert_eq!(dialog.question(3).unwrap().id, "reuse.rds_instance_security_group");
        assert_eq!(dialog.applied().1.len(), 2, "{:?}", dialog.applied().1);
    }

    #[test]
    fn the_scope_is_reused_without_asking_and_nothing_is_offered_when_reuse_is_off() {
        let (plan, dialog) = Dialog::new(plan_db(), gather([NETWORK]), Some("aws_vpc.main"), false);
        let dialog = dialog.expect("the scope note");
        assert!(!dialog.pending());
        assert_eq!(existing_of(&plan, "vpc").as_deref(), Some("aws_vpc.main"));
        let (plan, dialog) = Dialog::new(plan_db(), gather([NETWORK]), None, false);
        assert!(dialog.is_none());
        assert!(plan.resources.iter().all(|r| r.existing.is_none()));
    }
}
