//! Every quick fix: applied to the file it was offered for, the finding goes away, the
//! file still parses, and every byte outside the edited ranges is unchanged. Fixes are
//! exercised on all fixtures (checkov's and ours) and on `tests/rules/quickfix/`, a
//! `terraform fmt`-clean file that must stay formatted after all its fixes are applied.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use tc_rules::{apply_edits, check, Finding, TextEdit};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn load(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().map(|x| x == "tf").unwrap_or(false))
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), fs::read_to_string(&p).unwrap()))
        .collect();
    v.sort();
    v
}

fn refs(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect()
}

/// Asserts `new` equals `old` outside the edits: the text between edits is identical.
fn assert_untouched_outside(old: &str, new: &str, edits: &[&TextEdit]) {
    let mut sorted: Vec<&TextEdit> = edits.to_vec();
    sorted.sort_by_key(|e| e.range.start);
    let (mut pos_old, mut pos_new) = (0, 0);
    for e in sorted {
        let keep = &old[pos_old..e.range.start];
        assert_eq!(&new[pos_new..pos_new + keep.len()], keep, "bytes before an edit changed");
        pos_new += keep.len();
        assert_eq!(&new[pos_new..pos_new + e.new_text.len()], e.new_text);
        pos_new += e.new_text.len();
        pos_old = e.range.end;
    }
    assert_eq!(&new[pos_new..], &old[pos_old..], "bytes after the last edit changed");
}

/// Applies the fix of `finding` and checks the four properties; returns the fixed files.
fn apply_and_verify(files: &[(String, String)], finding: &Finding) -> Vec<(String, String)> {
    let fix = finding.fix.as_ref().unwrap();
    assert!(!fix.edits.is_empty(), "{}: empty fix", finding.rule);
    let mut out = Vec::new();
    for (path, text) in files {
        let mine: Vec<&TextEdit> = fix.edits.iter().filter(|e| &e.file == path).collect();
        if mine.is_empty() {
            out.push((path.clone(), text.clone()));
            continue;
        }
        let new = apply_edits(text, path, &fix.edits).unwrap_or_else(|| panic!("{}: overlapping edits", finding.rule));
        assert_untouched_outside(text, &new, &mine);
        out.push((path.clone(), new));
    }
    assert!(fix.edits.iter().all(|e| files.iter().any(|(p, _)| p == &e.file)), "edit for an unknown file");
    let report = check(&refs(&out));
    assert!(report.parse_errors.is_empty(), "{} fix '{}' broke the syntax: {:?}\n{}", finding.rule, fix.title, report.parse_errors, out.iter().map(|(_, t)| t.as_str()).collect::<String>());
    assert!(
        !report.findings.iter().any(|f| f.rule == finding.rule && f.resource == finding.resource && f.file == finding.file),
        "{} on {} still reported after its fix '{}'",
        finding.rule,
        finding.resource,
        fix.title
    );
    out
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for root in [repo().join("../shared/corpora/checkov-fixtures"), repo().join("tests/rules")] {
        for e in fs::read_dir(root).unwrap().filter_map(|e| e.ok()) {
            if e.path().is_dir() {
                dirs.push(e.path());
            }
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn every_fix_on_every_fixture_removes_its_finding() {
    let mut fixed_rules = BTreeSet::new();
    let mut count = 0;
    for dir in fixture_dirs() {
        let files = load(&dir);
        for f in check(&refs(&files)).findings.iter().filter(|f| f.fix.is_some()) {
            apply_and_verify(&files, f);
            fixed_rules.insert(f.rule);
            count += 1;
        }
    }
    eprintln!("{count} fixes verified for {} rules", fixed_rules.len());
    let missing: Vec<&str> = tc_rules::rules().iter().filter(|r| r.has_fix && !fixed_rules.contains(r.id)).map(|r| r.id).collect();
    assert!(missing.is_empty(), "rules declaring a quick fix that no fixture exercised: {missing:?}");
}

/// Applies fixes one at a time (re-checking after each) until none is left.
fn fix_all(mut files: Vec<(String, String)>) -> (Vec<(String, String)>, usize) {
    let mut applied = 0;
    loop {
        let report = check(&refs(&files));
        let Some(f) = report.findings.iter().find(|f| f.fix.is_some()) else { break };
        files = apply_and_verify(&files, f);
        applied += 1;
        assert!(applied < 200, "fixes do not converge");
    }
    (files, applied)
}

/// Exact output of fixes on small inputs: indentation from context, `=` aligned like
/// `terraform fmt`, blocks inserted before the closing brace.
#[test]
fn fix_text_is_formatted_like_terraform_fmt() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "TC-RDS-001",
            "resource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n  multi_az = true\n}\n",
            "resource \"aws_db_instance\" \"db\" {\n  engine            = \"postgres\"\n  multi_az          = true\n  storage_encrypted = true\n}\n",
        ),
        (
            "TC-KMS-001",
            "resource \"aws_kms_key\" \"k\" {\n    description = \"x\"\n}\n",
            "resource \"aws_kms_key\" \"k\" {\n    description         = \"x\"\n    enable_key_rotation = true\n}\n",
        ),
        (
            "TC-EC2-001",
            "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\"\n\n  root_block_device {\n    encrypted = true\n  }\n}\n",
            "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\"\n\n  root_block_device {\n    encrypted = true\n  }\n\n  metadata_options {\n    http_tokens = \"required\"\n  }\n}\n",
        ),
        (
            "TC-EC2-001",
            "resource \"aws_instance\" \"web\" {\n  metadata_options {\n    http_tokens = \"optional\"\n  }\n}\n",
            "resource \"aws_instance\" \"web\" {\n  metadata_options {\n    http_tokens = \"required\"\n  }\n}\n",
        ),
        (
            "TC-EBS-001",
            "resource \"aws_ebs_volume\" \"v\" {}\n",
            "resource \"aws_ebs_volume\" \"v\" {\n  encrypted = true\n}\n",
        ),
        (
            "TC-VPC-002",
            "resource \"aws_security_group_rule\" \"ssh\" {\n  type        = \"ingress\"\n  from_port   = 22\n  to_port     = 22\n  protocol    = \"tcp\"\n  cidr_blocks = [\"0.0.0.0/0\"] # temporary\n}\n",
            "resource \"aws_security_group_rule\" \"ssh\" {\n  type        = \"ingress\"\n  from_port   = 22\n  to_port     = 22\n  protocol    = \"tcp\"\n  cidr_blocks = [\"203.0.113.0/24\"] # temporary\n}\n",
        ),
    ];
    for (rule, input, expected) in cases {
        let files = vec![("main.tf".to_string(), input.to_string())];
        let report = check(&refs(&files));
        let f = report.findings.iter().find(|f| f.rule == *rule).unwrap_or_else(|| panic!("{rule} not reported on:\n{input}"));
        let out = apply_and_verify(&files, f);
        assert_eq!(out[0].1, *expected, "{rule} fix output");
    }
}

/// A formatted configuration with many fixable findings stays `terraform fmt`-clean after
/// all fixes (checked with the real `terraform fmt` through tf-fmt-check).
#[test]
fn fixed_configuration_passes_terraform_fmt() {
    let dir = repo().join("tests/rules/quickfix");
    let files = load(&dir);
    let (fixed, applied) = fix_all(files);
    assert!(applied >= 15, "only {applied} fixes applied");
    let tmp = std::env::temp_dir().join(format!("tc_rules_fmt_{}", std::process::id()));
    fs::create_dir_all(&tmp).unwrap();
    for (p, t) in &fixed {
        fs::write(tmp.join(p), t).unwrap();
    }
    let tool = repo().join("../shared/tools/tf-validate/tf-fmt-check");
    let out = std::process::Command::new(&tool).arg(&tmp).output().expect("run tf-fmt-check");
    let _ = fs::remove_dir_all(&tmp);
    assert!(out.status.success(), "terraform fmt disagrees after {applied} fixes:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
