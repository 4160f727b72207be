//! The broken configurations in tests/schema/broken/ (one directory per case, each
//! line with a known error annotated `# expect: Kind[, Kind]`):
//! 1. our diagnostics are exactly the annotated ones (line and kind), and
//! 2. every schema error real `terraform validate` reports for them (through
//!    ../shared/tools/tf-validate, all cases batched as modules of one root) is among
//!    ours, by line and kind.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use tc_schema::{check, embedded, DiagnosticKind};

type Finding = (String, usize, DiagnosticKind);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cases() -> Vec<PathBuf> {
    let dir = repo().join("tests/schema/broken");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn tf_files(case: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    files
}

fn kind_from_name(name: &str) -> DiagnosticKind {
    use DiagnosticKind::*;
    match name {
        "UnknownResourceType" => UnknownResourceType,
        "UnknownDataSourceType" => UnknownDataSourceType,
        "UnknownArgument" => UnknownArgument,
        "UnknownBlock" => UnknownBlock,
        "MissingRequiredArgument" => MissingRequiredArgument,
        "MissingRequiredBlock" => MissingRequiredBlock,
        "TooFewBlocks" => TooFewBlocks,
        "TooManyBlocks" => TooManyBlocks,
        "WrongType" => WrongType,
        "ComputedOnly" => ComputedOnly,
        "Deprecated" => Deprecated,
        "UnknownAttributeReference" => UnknownAttributeReference,
        other => panic!("unknown kind {other:?} in an `# expect:` annotation"),
    }
}

/// Terraform's diagnostic summary → our kind; `None` for errors outside the schema.
fn kind_from_terraform(summary: &str) -> Option<DiagnosticKind> {
    use DiagnosticKind::*;
    Some(match summary {
        "Invalid resource type" => UnknownResourceType,
        "Invalid data source" => UnknownDataSourceType,
        "Unsupported argument" => UnknownArgument,
        "Unsupported block type" => UnknownBlock,
        "Missing required argument" => MissingRequiredArgument,
        "Incorrect attribute value type" => WrongType,
        "Unsupported attribute" => UnknownAttributeReference,
        s if s.starts_with("Insufficient ") && s.ends_with(" blocks") => MissingRequiredBlock,
        s if s.starts_with("Too many ") && s.ends_with(" blocks") => TooManyBlocks,
        _ => return None,
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn ours_and_expected() -> (BTreeSet<Finding>, BTreeSet<Finding>) {
    let schema = embedded();
    let mut ours = BTreeSet::new();
    let mut expected = BTreeSet::new();
    for case in cases() {
        let case_name = case.file_name().unwrap().to_string_lossy().to_string();
        for file in tf_files(&case) {
            let rel = format!("{case_name}/{}", file.file_name().unwrap().to_string_lossy());
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(
                hcl_edit::parser::parse_body(&text).is_ok(),
                "{rel} must be valid HCL: the cases test the schema, not the parser"
            );
            for d in check(schema, &text) {
                ours.insert((rel.clone(), line_of(&text, d.span.start), d.kind));
            }
            for (i, line) in text.lines().enumerate() {
                if let Some(list) = line.split("# expect:").nth(1) {
                    for k in list.split(',') {
                        expected.insert((rel.clone(), i + 1, kind_from_name(k.trim())));
                    }
                }
            }
        }
    }
    (ours, expected)
}

#[test]
fn there_are_at_least_thirty_cases_each_with_an_error() {
    let (_, expected) = ours_and_expected();
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            expected.iter().any(|(f, _, _)| f.starts_with(&format!("{name}/"))),
            "{name} has no `# expect:` annotation"
        );
    }
}

#[test]
fn our_diagnostics_are_exactly_the_annotated_errors() {
    let (ours, expected) = ours_and_expected();
    let missed: Vec<_> = expected.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&expected).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "annotated but not found: {missed:#?}\nfound but not annotated: {extra:#?}"
    );
}

#[test]
fn every_schema_error_terraform_reports_is_ours_too() {
    // One root module calling every case as a child module: one `terraform
    // validate` run (about 5 s) instead of one per case.
    let root = std::env::temp_dir().join(format!("tc-schema-broken-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let mut main_tf = String::new();
    for (i, case) in cases().iter().enumerate() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let dest = root.join(&name);
        std::fs::create_dir_all(&dest).unwrap();
        for file in tf_files(case) {
            std::fs::copy(&file, dest.join(file.file_name().unwrap())).unwrap();
        }
        main_tf.push_str(&format!("module \"case{i}\" {{\n  source = \"./{name}\"\n}}\n"));
    }
    std::fs::write(root.join("main.tf"), main_tf).unwrap();

    let tool = repo().join("../shared/tools/tf-validate/tf-validate");
    let out = Command::new(&tool)
        .arg(&root)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    let _ = std::fs::remove_dir_all(&root);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "tf-validate must find the cases invalid (exit 1); stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (ours, _) = ours_and_expected();
    let mut terraform = BTreeSet::new();
    for line in stdout.lines() {
        // FILE:LINE:COL: SEVERITY: SUMMARY: DETAIL
        let mut parts = line.splitn(6, ':');
        let (Some(file), Some(lno), Some(_col), Some(sev), Some(summary)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            panic!("unexpected tf-validate line: {line}");
        };
        if sev.trim() != "error" {
            continue;
        }
        let kind = kind_from_terraform(summary.trim())
            .unwrap_or_else(|| panic!("a case has an error outside the schema: {line}"));
        terraform.insert((file.to_string(), lno.parse::<usize>().unwrap(), kind));
    }
    assert!(terraform.len() >= 30, "terraform found only {} errors", terraform.len());
    let missed: Vec<_> = terraform.difference(&ours).collect();
    assert!(missed.is_empty(), "terraform reports these, we do not: {missed:#?}");
}
