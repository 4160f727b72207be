//! The conversation's answer-time warnings and `terraconverse check` speak the
//! same rule ids, end to end: for every warning that names a `tc_rules` rule, a
//! conversation where the user gives the insecure answer (and confirms it when
//! asked) is generated with `tc_generate`, and `tc_rules::check` over the
//! generated files reports that very rule; the same conversation with the
//! default answer generates code without it. Every confirmed warning, including
//! the conversation's own `TC-CONV-` rules that no check rule covers, leaves its
//! decision comment in the generated code.
//!
//! It lives with the CLI because only the binary's crate depends on both the
//! conversation and the generator (`tc_conversation` must not depend on
//! `tc_generate`).

use tc_conversation::{Conversation, QuestionKind, Turn};

/// One warning kind: a request, the insecure answer (a "change" command), the rule
/// id the conversation must warn with and `check` must report, and the resource
/// the finding must be on.
struct Case {
    request: &'static str,
    /// Answers before the insecure one (e.g. the ports, so the CIDR opens SSH).
    setup: &'static [&'static str],
    insecure: &'static str,
    rule: &'static str,
    /// Whether the warning holds the answer until the user confirms it.
    confirm: bool,
    resource_prefix: &'static str,
}

const CASES: &[Case] = &[
    Case {
        request: "a web server in Frankfurt",
        setup: &["change web_security_group.ingress_ports to 22, 443"],
        insecure: "change web_security_group.ingress_cidr_blocks to 0.0.0.0/0",
        rule: "TC-VPC-002",
        confirm: true,
        resource_prefix: "aws_vpc_security_group_ingress_rule.",
    },
    Case {
        request: "a web server in Frankfurt",
        setup: &["change web_security_group.ingress_ports to 3389"],
        insecure: "change web_security_group.ingress_cidr_blocks to 0.0.0.0/0",
        rule: "TC-VPC-003",
        confirm: true,
        resource_prefix: "aws_vpc_security_group_ingress_rule.",
    },
    Case {
        request: "a postgres database in Frankfurt",
        setup: &[],
        insecure: "change publicly accessible to yes",
        rule: "TC-RDS-002",
        confirm: true,
        resource_prefix: "aws_db_instance.",
    },
    Case {
        request: "a postgres database in Frankfurt",
        setup: &[],
        insecure: "change storage encrypted to no",
        rule: "TC-RDS-001",
        confirm: true,
        resource_prefix: "aws_db_instance.",
    },
    Case {
        request: "an s3 bucket in Frankfurt",
        setup: &[],
        insecure: "change block public access to no",
        rule: "TC-S3-004",
        confirm: true,
        resource_prefix: "aws_s3_bucket_public_access_block.",
    },
    // The conversation's own rules: no check rule covers these, so only the
    // warning and the decision comment are compared.
    Case {
        request: "an iam policy in Frankfurt",
        setup: &[],
        insecure: "change actions to *",
        rule: "TC-CONV-003",
        confirm: true,
        resource_prefix: "data.aws_iam_policy_document.",
    },
    Case {
        request: "a postgres database in Frankfurt",
        setup: &[],
        insecure: "change ingress cidr blocks to 0.0.0.0/0",
        rule: "TC-CONV-001",
        confirm: true,
        resource_prefix: "aws_vpc_security_group_ingress_rule.",
    },
    Case {
        request: "an aurora postgres cluster in Frankfurt",
        setup: &[],
        insecure: "change storage encrypted to no",
        rule: "TC-CONV-002",
        confirm: true,
        resource_prefix: "aws_rds_cluster.",
    },
    Case {
        request: "a web server in Frankfurt",
        setup: &[],
        insecure: "change associate public ip to yes",
        rule: "TC-EC2-004",
        confirm: false,
        resource_prefix: "aws_instance.",
    },
];

fn say(conv: &mut Conversation, input: &str) -> Turn {
    let turn = conv.handle(input);
    assert!(turn.rejection.is_none(), "\"{input}\" was refused: {:?}", turn.rejection);
    turn
}

/// Runs the case's conversation (with or without the insecure answer) to the end
/// and returns the generated `.tf` files.
fn converse(case: &Case, insecure: bool) -> Vec<(String, String)> {
    let (mut conv, _) = Conversation::start(case.request).unwrap_or_else(|e| panic!("{}: {e}", case.request));
    for input in case.setup {
        say(&mut conv, input);
    }
    if insecure {
        let turn = say(&mut conv, case.insecure);
        let warned: Vec<&str> = turn.warnings.iter().map(|w| w.rule.as_str()).collect();
        assert!(warned.contains(&case.rule), "{}: warned {warned:?}, expected {}", case.insecure, case.rule);
        let w = turn.warnings.iter().find(|w| w.rule == case.rule).unwrap();
        match tc_rules::rule(case.rule) {
            Some(rule) => assert_eq!(w.title, rule.title, "the warning takes its title from tc_rules"),
            None => assert!(tc_conversation::RULES.iter().any(|(id, title)| *id == case.rule && *title == w.title), "{w:?}"),
        }
        assert_eq!(w.needs_confirmation, case.confirm);
        if case.confirm {
            let q = turn.question.expect("a confirmation question");
            assert_eq!(q.kind, QuestionKind::ConfirmInsecure, "{q:?}");
            assert!(q.text.contains(case.rule), "{}", q.text);
            say(&mut conv, "yes, for this test");
        }
    }
    let done = say(&mut conv, "accept all defaults");
    assert!(done.complete, "{}: not complete: {:?}", case.request, conv.stack().err());
    let stack = conv.stack().expect("complete");
    if insecure && case.confirm {
        assert!(stack.decisions.iter().any(|d| d.rule == case.rule), "{:?}", stack.decisions);
    }
    let generated = tc_generate::generate(&stack).unwrap_or_else(|e| panic!("{}: {e}", case.insecure));
    generated.files.iter().map(|f| (f.path.clone(), f.content())).collect()
}

fn findings(files: &[(String, String)]) -> Vec<tc_rules::Finding> {
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let report = tc_rules::check(&refs);
    assert!(report.parse_errors.is_empty(), "generated code does not parse: {:?}", report.parse_errors);
    report.findings
}

#[test]
fn each_confirmed_warning_is_the_finding_check_reports() {
    let mut failures = Vec::new();
    for case in CASES {
        let insecure = converse(case, true);
        let found = findings(&insecure);
        let comment = format!("# Security decision ({}):", case.rule);
        if case.confirm && !insecure.iter().any(|(_, text)| text.contains(&comment)) {
            failures.push(format!("{}: no `{comment}` comment in the generated code", case.insecure));
        }
        if tc_rules::rule(case.rule).is_none() {
            // A conversation-only rule: check has nothing to report, by definition.
            continue;
        }
        let hit = found.iter().find(|f| f.rule == case.rule && f.resource.starts_with(case.resource_prefix));
        match hit {
            None => failures.push(format!(
                "{}: check did not report {} on {}*; it reported {:?}",
                case.insecure,
                case.rule,
                case.resource_prefix,
                found.iter().map(|f| format!("{} {}", f.rule, f.resource)).collect::<Vec<_>>()
            )),
            Some(f) if case.confirm => {
                // The decision comment sits in the file of the finding.
                let text = &insecure.iter().find(|(p, _)| *p == f.file).unwrap().1;
                if !text.contains(&comment) {
                    failures.push(format!("{}: the `{comment}` comment is not in {}, the file of the finding", case.insecure, f.file));
                }
            }
            Some(_) => {}
        }
        let secure = findings(&converse(case, false));
        if let Some(f) = secure.iter().find(|f| f.rule == case.rule) {
            failures.push(format!("{}: with the default answer check still reports {} on {}", case.request, case.rule, f.resource));
        }
    }
    assert!(failures.is_empty(), "{} disagreement(s):\n  {}", failures.len(), failures.join("\n  "));
}

/// Every `tc_rules` rule an answer can raise, on any component of the knowledge
/// base, has a case above: a component that adds, say, an `encrypted` parameter
/// on an EBS volume needs its own end-to-end case.
#[test]
fn every_check_rule_a_warning_can_carry_has_a_case() {
    let covered: std::collections::BTreeSet<&str> = CASES.iter().map(|c| c.rule).collect();
    let mut missing = std::collections::BTreeSet::new();
    for c in tc_knowledge::knowledge().components.values() {
        for (id, _) in tc_conversation::possible_rules(c) {
            if tc_rules::rule(id).is_some() && !covered.contains(id) {
                missing.insert(format!("{id} (component {})", c.id));
            }
        }
    }
    assert!(missing.is_empty(), "warnings without an end-to-end case: {missing:?}");
}
