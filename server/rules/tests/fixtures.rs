//! Agreement with checkov's own fixtures (`../shared/corpora/checkov-fixtures/`) and with
//! our fixtures for the checks that have none there (`tests/rules/`). Every labelled
//! resource is compared pass/fail; agreement must be at least 95 % and every disagreement
//! must be explained in `docs/rules-disagreements.md`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The `.tf` files directly in `dir`, as (file name, text).
fn tf_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().map(|x| x == "tf").unwrap_or(false))
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// Resources our engine fails for `check_id` in the fixture folder, named the ways the
/// fixture labels may name them: `type.name`, `file::type.name`, and with a module prefix
/// when the folder calls a local module (`module.m["k"].type.name`).
fn failing(dir: &Path, check_id: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let files = tf_files(dir);
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let report = tc_rules::check(&refs);
    assert!(report.parse_errors.is_empty(), "{}: {:?}", dir.display(), report.parse_errors);
    for f in report.findings.iter().filter(|f| f.checkov_id == check_id) {
        out.insert(f.resource.clone());
        out.insert(format!("{}::{}", f.file, f.resource));
    }
    // Local module calls: check the module's directory with the call's inputs.
    for sub in fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()) {
        let sub_files = tf_files(&sub);
        let sub_refs: Vec<(&str, &str)> = sub_files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let name = sub.file_name().unwrap().to_string_lossy().to_string();
        for call in module_calls(&refs, &name) {
            for f in tc_rules::check(&sub_refs).findings.iter().filter(|f| f.checkov_id == check_id) {
                out.insert(format!("{call}.{}", f.resource));
            }
        }
    }
    out
}

/// `module.<name>["key"]` addresses of calls whose source is `./<dir>`.
fn module_calls(files: &[(&str, &str)], dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, text) in files {
        let Ok(body) = hcl_edit::parser::parse_body(text) else { continue };
        for b in body.blocks().filter(|b| b.ident.value().as_str() == "module") {
            let src = b.body.get_attribute("source").and_then(|a| a.value.as_str().map(str::to_string));
            if src.as_deref().map(|s| s.trim_start_matches("./") == dir).unwrap_or(false) {
                let name = b.labels[0].as_str();
                let keys: Vec<String> = b
                    .body
                    .get_attribute("for_each")
                    .and_then(|a| a.value.as_array().map(|arr| arr.iter().filter_map(|e| e.as_str().map(str::to_string)).collect()))
                    .unwrap_or_default();
                if keys.is_empty() {
                    out.push(format!("module.{name}"));
                }
                for k in keys {
                    out.push(format!("module.{name}[\"{k}\"]"));
                }
            }
        }
    }
    out
}

struct Outcome {
    total: usize,
    agree: usize,
    disagreements: Vec<String>,
}

fn run_folder_set(root: &Path) -> Outcome {
    let mut o = Outcome { total: 0, agree: 0, disagreements: Vec::new() };
    let mut dirs: Vec<PathBuf> = fs::read_dir(root).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("expected.json").exists()).collect();
    dirs.sort();
    for dir in dirs {
        let exp: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
        let check_id = exp["check_id"].as_str().unwrap();
        assert!(tc_rules::rule(check_id).is_some(), "no rule for {check_id}");
        let ours = failing(&dir, check_id);
        for (key, should_fail) in [("passing_resources", false), ("failing_resources", true)] {
            for label in exp[key].as_array().unwrap() {
                let label = label.as_str().unwrap();
                o.total += 1;
                if ours.contains(label) == should_fail {
                    o.agree += 1;
                } else {
                    let dir_name = dir.file_name().unwrap().to_string_lossy();
                    o.disagreements.push(format!(
                        "{check_id} {label} (expected {}, {dir_name})",
                        if should_fail { "FAIL" } else { "PASS" }
                    ));
                }
            }
        }
    }
    o
}

fn assert_documented(disagreements: &[String]) {
    let doc = fs::read_to_string(repo().join("docs/rules-disagreements.md")).unwrap_or_default();
    let missing: Vec<&String> = disagreements
        .iter()
        .filter(|d| {
            let mut it = d.split_whitespace();
            let (id, label) = (it.next().unwrap(), it.next().unwrap());
            !doc.lines().any(|l| l.contains(id) && l.contains(&format!("`{label}`")))
        })
        .collect();
    assert!(missing.is_empty(), "disagreements not listed in docs/rules-disagreements.md:\n{}", missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"));
}

#[test]
fn checkov_fixtures_agree() {
    let root = repo().join("../shared/corpora/checkov-fixtures");
    let o = run_folder_set(&root);
    let ratio = o.agree as f64 / o.total as f64;
    eprintln!("shared fixtures: {}/{} agree ({:.3})", o.agree, o.total, ratio);
    for d in &o.disagreements {
        eprintln!("  {d}");
    }
    assert!(o.total >= 300, "expected the full fixture set, found {} labelled resources", o.total);
    assert!(ratio >= 0.95, "agreement {ratio:.3} below 0.95");
    assert_documented(&o.disagreements);
}

#[test]
fn own_fixtures_agree() {
    let root = repo().join("tests/rules");
    let o = run_folder_set(&root);
    eprintln!("own fixtures: {}/{} agree", o.agree, o.total);
    for d in &o.disagreements {
        eprintln!("  {d}");
    }
    assert!(o.total > 0);
    assert_documented(&o.disagreements);
    assert!(o.agree as f64 / o.total as f64 >= 0.95);
}

/// Every check in the CSV has a rule, and each check without shared fixtures has ours.
#[test]
fn every_check_has_a_rule_and_fixtures() {
    let csv = fs::read_to_string(repo().join("../shared/corpora/security-checks.csv")).unwrap();
    let mut missing = Vec::new();
    for line in csv.lines().skip(1) {
        let id = line.split(',').next().unwrap();
        let rule = tc_rules::rule(id).unwrap_or_else(|| panic!("no rule for {id}"));
        assert!(rule.docs.contains("## Why"), "{} docs incomplete", rule.id);
        if line.ends_with(",no") {
            let has = fs::read_dir(repo().join("tests/rules"))
                .unwrap()
                .filter_map(|e| e.ok())
                .any(|e| e.file_name().to_string_lossy().starts_with(&format!("{id}__")));
            if !has {
                missing.push(id.to_string());
            }
        }
    }
    assert_eq!(tc_rules::rules().len(), 68);
    assert!(missing.is_empty(), "checks without our fixtures: {missing:?}");
}
