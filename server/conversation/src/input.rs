//! Interpreting a free-text reply as a [`Command`]: control words (back, skip,
//! help, status, cancel, accept all defaults), yes/no, "change X to Y",
//! "actually make it Y", and otherwise an answer to the current question.

use crate::types::Command;

/// The longest answer accepted, in bytes. Real answers are short; anything longer
/// is a paste accident and is rejected before any parsing.
pub const MAX_ANSWER_BYTES: usize = 4096;

/// Normalizes for matching: lowercase, single spaces, no trailing punctuation.
fn norm(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.join(" ").trim_end_matches(['.', '!', '?']).trim().to_string()
}

fn one_of(s: &str, words: &[&str]) -> bool {
    words.contains(&s)
}

/// Words that accept what is offered: the default of a value question, "yes" to
/// a yes/no question.
pub fn is_acceptance(s: &str) -> bool {
    one_of(
        &norm(s),
        &["ok", "okay", "k", "fine", "sounds good", "looks good", "good", "great", "perfect", "that's fine", "thats fine", "go ahead", "alright", "all right"],
    )
}

/// A reply that starts with a plain yes or no followed by more words
/// ("yes, I know", "no — use my office range").
pub fn leading_yes_no(s: &str) -> Option<bool> {
    let first = s.trim().split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '!').next()?.to_lowercase();
    match first.as_str() {
        "yes" | "y" | "yep" | "yeah" | "sure" | "confirm" | "confirmed" => Some(true),
        "no" | "n" | "nope" => Some(false),
        _ => None,
    }
}

/// Interprets `input`. The engine decides what a command means for the current
/// question (e.g. `Confirm(true)` on a value question takes the default).
pub fn interpret(input: &str) -> Command {
    let n = norm(input);
    let s = n.as_str();
    if s.is_empty() {
        return Command::Default;
    }
    if s.contains("all default")
        || s.contains("defaults for the rest")
        || s.contains("defaults for everything")
        || s.contains("default for everything")
        || s.contains("defaults for all")
        || one_of(s, &["accept all", "use defaults", "just use defaults", "just use the defaults", "use the defaults", "whatever you recommend", "defaults"])
    {
        return Command::AcceptAllDefaults;
    }
    if one_of(s, &["default", "use default", "use the default", "keep default", "keep the default", "the default", "recommended", "as suggested", "your choice", "you choose"]) {
        return Command::Default;
    }
    if one_of(s, &["y", "yes", "yep", "yeah", "yes please", "sure", "confirm", "confirmed", "yes, keep it", "yes keep it", "keep it", "i confirm", "yes, i confirm", "do it", "include it", "add it"]) || is_acceptance(s) {
        return Command::Confirm(true);
    }
    if one_of(s, &["n", "no", "nope", "no thanks", "no, thanks", "don't", "do not", "not needed", "leave it out", "no, change it", "change it"]) {
        return Command::Confirm(false);
    }
    if one_of(s, &["skip", "skip it", "skip this", "skip this one", "pass", "leave it unset", "not set"]) {
        return Command::Skip;
    }
    if one_of(s, &["back", "go back", "previous", "undo", "oops", "oops, go back", "back please", "previous question"]) {
        return Command::Back;
    }
    if one_of(s, &["help", "?", "why", "why?", "explain", "what is this", "what does that mean", "what's this", "more info", "info"]) {
        return Command::Help;
    }
    if one_of(s, &["status", "progress", "where are we", "what's left", "whats left", "summary", "show status"]) {
        return Command::Status;
    }
    if one_of(s, &["cancel", "quit", "exit", "stop", "abort", "never mind", "nevermind", "forget it"]) {
        return Command::Cancel;
    }
    if let Some(cmd) = change(input) {
        return cmd;
    }
    Command::Answer(input.trim().to_string())
}

/// "change X to Y", "set X to Y", "X = Y", "actually make it Y", "make it Y".
/// The target is empty when the user did not name it ("make it t3.small"): the
/// engine then finds the parameter the value fits.
fn change(input: &str) -> Option<Command> {
    let trimmed = input.trim();
    let lower = trimmed.to_lowercase();
    // Strip lead-ins that signal a correction; byte offsets match because the
    // lead-ins are ASCII.
    let mut rest = trimmed;
    let mut lower_rest = lower.as_str();
    let mut corrected = false;
    for lead in ["actually,", "actually", "oh,", "wait,", "wait", "sorry,", "hmm,"] {
        if lower_rest.starts_with(lead) && lower_rest[lead.len()..].starts_with([' ', ',']) {
            rest = rest[lead.len()..].trim_start_matches([' ', ',']);
            lower_rest = lower_rest[lead.len()..].trim_start_matches([' ', ',']);
            corrected = true;
        }
    }
    for verb in ["change ", "set ", "update ", "switch "] {
        if let Some(body) = lower_rest.strip_prefix(verb) {
            if let Some(at) = body.rfind(" to ") {
                let off = verb.len();
                let target = rest[off..off + at].trim();
                let value = rest[off + at + 4..].trim();
                let target = target.trim_start_matches("the ").trim_end_matches(" of").to_string();
                if !target.is_empty() && !value.is_empty() {
                    return Some(Command::Change { target, value: value.to_string() });
                }
            }
        }
    }
    for lead in ["make it ", "make that ", "change it to ", "use ", "let's use ", "lets use ", "switch to ", "go with ", "i meant "] {
        if lower_rest.starts_with(lead) && (corrected || lead.starts_with("make") || lead.starts_with("change") || lead == "i meant ") {
            let value = rest[lead.len()..].trim();
            if !value.is_empty() {
                return Some(Command::Change { target: String::new(), value: value.to_string() });
            }
        }
    }
    if corrected && !rest.is_empty() {
        return Some(Command::Change { target: String::new(), value: rest.to_string() });
    }
    if let Some((target, value)) = trimmed.split_once('=') {
        let (target, value) = (target.trim(), value.trim());
        if !target.is_empty() && !value.is_empty() && !target.contains(' ') {
            return Some(Command::Change { target: target.to_string(), value: value.to_string() });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(t: &str, v: &str) -> Command {
        Command::Change { target: t.into(), value: v.into() }
    }

    #[test]
    fn free_text_becomes_commands() {
        let cases: Vec<(&str, Command)> = vec![
            ("", Command::Default),
            ("   ", Command::Default),
            ("default", Command::Default),
            ("yes", Command::Confirm(true)),
            ("OK!", Command::Confirm(true)),
            ("no", Command::Confirm(false)),
            ("skip", Command::Skip),
            ("go back", Command::Back),
            ("Why?", Command::Help),
            ("status", Command::Status),
            ("cancel", Command::Cancel),
            ("accept all defaults", Command::AcceptAllDefaults),
            ("just use the defaults for everything", Command::AcceptAllDefaults),
            ("change instance type to t3.small", change("instance type", "t3.small")),
            ("Change the VPC CIDR to 10.1.0.0/16", change("VPC CIDR", "10.1.0.0/16")),
            ("set db.instance_class to db.t3.small", change("db.instance_class", "db.t3.small")),
            ("actually make it t3.small", change("", "t3.small")),
            ("Actually, t3.small", change("", "t3.small")),
            ("make it multi-AZ", change("", "multi-AZ")),
            ("db.allocated_storage = 50", change("db.allocated_storage", "50")),
            ("t3 small please", Command::Answer("t3 small please".into())),
            ("use 10.1.0.0/16", Command::Answer("use 10.1.0.0/16".into())),
            ("10.0.0.0/16", Command::Answer("10.0.0.0/16".into())),
        ];
        for (input, want) in cases {
            assert_eq!(interpret(input), want, "{input:?}");
        }
    }
}
