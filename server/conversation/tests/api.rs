//! The engine's API beyond free text: structured commands (the language
//! server's entry point), live AWS checks through the trait, non-interactive
//! completion with an answers map, and the partial stack that drives live
//! buffer edits.

mod support;

use std::collections::BTreeMap;
use tc_conversation::{Command, Conversation, LiveCheck, LiveChecks, QuestionKind, State};

fn web_db() -> Conversation {
    let plan = support::plan(Some("eu-central-1"), &[("ec2_instance", "web"), ("rds_instance", "db")]);
    Conversation::from_plan(plan).0
}

/// Answers every question with its default until `id` is the current question.
fn advance_to(conv: &mut Conversation, id: &str) {
    for _ in 0..60 {
        match conv.current_question() {
            Some(q) if q.id == id => return,
            Some(_) => {
                conv.apply(Command::Default);
            }
            None => break,
        }
    }
    panic!("never reached {id}");
}

#[test]
fn structured_commands_match_free_text() {
    let mut by_text = web_db();
    let mut by_cmd = web_db();
    let steps: Vec<(&str, Command)> = vec![
        ("yes", Command::Confirm(true)),
        ("", Command::Default),
        ("no", Command::Confirm(false)),
        ("change vpc.cidr_block to 10.3.0.0/16", Command::Change { target: "vpc.cidr_block".into(), value: "10.3.0.0/16".into() }),
        ("back", Command::Back),
        ("skip", Command::Skip),
        ("accept all defaults", Command::AcceptAllDefaults),
    ];
    for (text, cmd) in steps {
        let a = by_text.handle(text);
        let b = by_cmd.apply(cmd.clone());
        assert_eq!(a.question.map(|q| q.id), b.question.map(|q| q.id), "{text} / {cmd:?}");
        assert_eq!(a.rejection.is_some(), b.rejection.is_some(), "{text} / {cmd:?}");
    }
    assert_eq!(by_text.stack().unwrap(), by_cmd.stack().unwrap());
    let t = by_cmd.apply(Command::Answer("x".repeat(2_000_000)));
    assert!(t.rejection.unwrap().contains("limited to 4096"));
}

#[test]
fn cancel_ends_and_status_reports() {
    let mut conv = web_db();
    let t = conv.apply(Command::Status);
    assert!(t.messages[0].contains("Remaining: 26 question(s)"), "{}", t.messages[0]);
    let t = conv.apply(Command::Cancel);
    assert_eq!(t.state, State::Cancelled);
    assert!(conv.stack().is_err());
    assert!(conv.apply(Command::Confirm(true)).rejection.is_some());
    assert_eq!(conv.trail().last(), Some(&State::Cancelled));
}

/// A fake AWS that offers only t3 types and knows one AMI.
struct FakeAws;

impl LiveChecks for FakeAws {
    fn instance_type_offered(&self, region: &str, t: &str) -> LiveCheck {
        if t.starts_with("t3.") {
            LiveCheck::Passed
        } else {
            LiveCheck::Failed(format!("{t} is not offered in {region}."))
        }
    }
    fn image_exists(&self, _region: &str, ami: &str) -> LiveCheck {
        if ami == "ami-0123456789abcdef0" {
            LiveCheck::Passed
        } else {
            LiveCheck::Failed(format!("AMI {ami} does not exist."))
        }
    }
}

/// No credentials: every check is unavailable.
struct NoCredentials;

impl LiveChecks for NoCredentials {
    fn instance_type_offered(&self, _: &str, _: &str) -> LiveCheck {
        LiveCheck::Unavailable("no AWS credentials found".into())
    }
    fn image_exists(&self, _: &str, _: &str) -> LiveCheck {
        LiveCheck::Unavailable("no AWS credentials found".into())
    }
}

#[test]
fn live_checks_reject_or_mark_offline() {
    let mut conv = web_db();
    advance_to(&mut conv, "web.instance_type");
    let before = conv.clone();
    let t = conv.handle_with("m5.large", &FakeAws);
    assert_eq!(t.rejection.as_deref(), Some("m5.large is not offered in eu-central-1."));
    assert_eq!(conv, before, "a failed live check changes nothing");
    let t = conv.handle_with("t3.small", &FakeAws);
    assert!(t.rejection.is_none());
    assert!(t.messages.iter().any(|m| m.contains("confirmed with AWS in eu-central-1")), "{:?}", t.messages);

    let t = conv.handle_with("change web.ami_id to ami-00000000000000000", &FakeAws);
    assert!(t.rejection.unwrap().contains("does not exist"));
    let t = conv.handle_with("change web.ami_id to ami-0123456789abcdef0", &FakeAws);
    assert!(t.rejection.is_none(), "{t:?}");

    let mut offline = web_db();
    advance_to(&mut offline, "web.instance_type");
    let t = offline.handle_with("t3.small", &NoCredentials);
    assert!(t.rejection.is_none());
    assert!(t.messages.iter().any(|m| m.contains("checked offline only (no AWS credentials found)")), "{:?}", t.messages);
}

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn non_interactive_completion_takes_answers_and_defaults() {
    let stack = web_db()
        .complete_with(&answers(&[("web.instance_type", "t3.small"), ("include.key_pair", "no"), ("db.allocated_storage", "50")]))
        .unwrap();
    let web = stack.resources.iter().find(|r| r.key == "web").unwrap();
    assert_eq!(web.values["instance_type"], "t3.small");
    assert!(!web.refs.contains_key("key_pair"), "declined resources are not referenced");
    assert!(stack.resources.iter().all(|r| r.key != "key_pair"));
    let db = stack.resources.iter().find(|r| r.key == "db").unwrap();
    assert_eq!(db.values["allocated_storage"], 50);
    assert_eq!(db.values["storage_encrypted"], true);
}

#[test]
fn non_interactive_reports_every_problem() {
    let problems = web_db()
        .complete_with(&answers(&[
            ("web.instance_typo", "t3.small"),
            ("db.allocated_storage", "5"),
            ("vpc.cidr_block", "10.0.0.0/33"),
            ("include.key_pair", "maybe"),
        ]))
        .unwrap_err();
    let ids: Vec<&str> = problems.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["web.instance_typo", "include.key_pair", "vpc.cidr_block", "db.allocated_storage"], "{problems:#?}");
    assert!(problems[0].message.contains("Did you mean `web.instance_type`"), "{}", problems[0].message);
    assert!(problems[2].message.contains("/33 is too long"), "{}", problems[2].message);
    assert!(problems[3].message.contains("from 20 to 65536"), "{}", problems[3].message);
}

#[test]
fn non_interactive_insecure_answers_need_confirmation() {
    let insecure = [("web_security_group.ingress_ports", "22"), ("web_security_group.ingress_cidr_blocks", "0.0.0.0/0")];
    let problems = web_db().complete_with(&answers(&insecure)).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].message.contains("TC-VPC-002"));
    assert!(problems[0].message.contains("confirm.web_security_group.ingress_cidr_blocks"), "{}", problems[0].message);

    let mut confirmed = answers(&insecure);
    confirmed.insert("confirm.web_security_group.ingress_cidr_blocks".into(), "yes".into());
    let stack = web_db().complete_with(&confirmed).unwrap();
    assert_eq!(stack.decisions.len(), 1);
    assert_eq!(stack.decisions[0].rule, "TC-VPC-002");
    assert!(stack.decisions[0].confirmed_by.contains("answers file"));
}

#[test]
fn the_partial_stack_grows_with_the_answers_and_never_flickers() {
    let mut conv = web_db();
    assert!(conv.partial_stack().resources.is_empty());
    let mut seen = 0;
    let mut steps = 0;
    while let Some(q) = conv.current_question() {
        let before: Vec<String> = conv.partial_stack().resources.into_iter().map(|r| r.key).collect();
        let t = conv.apply(if q.kind == QuestionKind::YesNo { Command::Confirm(true) } else { Command::Default });
        let after: Vec<String> = conv.partial_stack().resources.into_iter().map(|r| r.key).collect();
        assert!(before.iter().all(|k| after.contains(k)), "{before:?} → {after:?}");
        for k in after.iter().filter(|k| !before.contains(k)) {
            assert!(t.changed.contains(k), "{k} appeared but is not in changed {:?}", t.changed);
        }
        seen = after.len();
        steps += 1;
        assert!(steps < 100);
    }
    assert_eq!(seen, conv.stack().unwrap().resources.len());
    // Changing the VPC range later reports only the VPC as changed.
    let t = conv.handle("change vpc cidr to 10.9.0.0/16");
    assert_eq!(t.changed, ["vpc"]);
    assert!(t.complete);
}
