//! Suppression comments: `# terraconverse:ignore TC-… reason` on or above a resource and
//! checkov's `#checkov:skip=CKV_…:reason` silence exactly the named rule on exactly that
//! resource.

const BODY: &str = "resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"eu-central-1a\"\n  size              = 10\n}\n";

fn reported(text: &str, rule: &str) -> bool {
    tc_rules::check_module(&[("main.tf", text)]).iter().any(|f| f.rule == rule)
}

#[test]
fn suppression_comments() {
    let inside = BODY.replace("  size", "  # terraconverse:ignore TC-EBS-001 scratch volume, no data\n  size");
    let checkov_inside = BODY.replace("  size", "  #checkov:skip=CKV_AWS_3:scratch volume\n  size");
    // (text, rule, expected to be reported)
    let cases: Vec<(String, &str, bool)> = vec![
        (BODY.to_string(), "TC-EBS-001", true),
        (format!("# terraconverse:ignore TC-EBS-001 scratch volume, no data\n{BODY}"), "TC-EBS-001", false),
        // A comment block above: the marker may be on any of its lines.
        (format!("# Scratch space.\n# terraconverse:ignore TC-EBS-001 no data\n{BODY}"), "TC-EBS-001", false),
        (inside, "TC-EBS-001", false),
        (checkov_inside, "TC-EBS-001", false),
        // checkov ID in our comment, and our ID in checkov's comment, both work.
        (format!("# terraconverse:ignore CKV_AWS_3 scratch\n{BODY}"), "TC-EBS-001", false),
        // Only the named rule is silenced.
        (format!("# terraconverse:ignore TC-EBS-001 scratch\n{BODY}"), "TC-EBS-002", true),
        // A blank line between comment and resource ends the association.
        (format!("# terraconverse:ignore TC-EBS-001 scratch\n\n{BODY}"), "TC-EBS-001", true),
        // The marker inside a string is not a comment.
        (BODY.replace("eu-central-1a", "terraconverse:ignore TC-EBS-001"), "TC-EBS-001", true),
        // It applies to its own resource only.
        (format!("# terraconverse:ignore TC-EBS-001 scratch\n{BODY}\n{}", BODY.replace("\"v\"", "\"w\"")), "TC-EBS-001", true),
    ];
    for (text, rule, expected) in &cases {
        assert_eq!(reported(text, rule), *expected, "{rule} on:\n{text}");
    }
}
