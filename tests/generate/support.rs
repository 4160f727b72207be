//! Shared by the generator's end-to-end tests (`server/generate/tests/` and
//! `server/cli/tests/generate*.rs`): locating `../shared`, writing generated
//! configurations, and running the real Terraform validator, formatter check and
//! checkov over them.
//!
//! Every configuration folder is checked with `tf-validate` and `checkov-scan`
//! (one call per folder, two at a time) and `tf-fmt-check` (once, recursively, over
//! the parent). A checkov failure is accepted only when the folder's own README
//! lists that check as deliberately left off.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// `../shared` beside the repository.
pub fn shared() -> PathBuf {
    repo_root().join("../shared")
}

/// A fresh, empty folder for this test's configurations, under the target dir.
pub fn work_dir(name: &str) -> PathBuf {
    let dir = repo_root().join("target").join("tc-generate-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes every file of `generated` into `dir`.
pub fn write(dir: &Path, files: &[(String, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (path, content) in files {
        std::fs::write(dir.join(path), content).unwrap();
    }
}

/// The check ids of `security-checks.csv`.
pub fn in_scope_checks() -> Vec<String> {
    let text = std::fs::read_to_string(shared().join("corpora/security-checks.csv")).unwrap();
    text.lines().skip(1).filter_map(|l| l.split(',').next()).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// The checks a generated README lists under "Checks deliberately left off".
pub fn readme_off_checks(dir: &Path) -> BTreeSet<String> {
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    let Some(section) = readme.split("## Checks deliberately left off").nth(1) else { return BTreeSet::new() };
    let section = section.split("\n## ").next().unwrap_or("");
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|id| id.starts_with("CKV"))
        .map(String::from)
        .collect()
}

fn run(cmd: &mut Command) -> (bool, String) {
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    let out = cmd.output().unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn sub_dirs(parent: &Path) -> Vec<PathBuf> {
    let mut d: Vec<PathBuf> = std::fs::read_dir(parent).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    d.sort();
    assert!(!d.is_empty(), "no configurations were written to {}", parent.display());
    d
}

/// Runs the three tools over every sub-folder of `parent` and returns one message
/// per problem (empty when everything passed).
pub fn check_all(parent: &Path) -> Vec<String> {
    let mut problems = check_terraform(parent);
    problems.extend(check_checkov(parent));
    problems
}

/// `tf-fmt-check` and `tf-validate` only.
pub fn check_terraform(parent: &Path) -> Vec<String> {
    let tools = shared().join("tools");
    let mut problems = Vec::new();
    let dirs = sub_dirs(parent);

    let (ok, text) = run(Command::new(tools.join("tf-validate/tf-fmt-check")).arg(parent));
    if !ok {
        problems.push(format!("tf-fmt-check failed:\n{text}"));
    }

    // tf-validate takes one module; run two at a time (the machine has two cores).
    let validate = tools.join("tf-validate/tf-validate");
    for chunk in dirs.chunks(2) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|d| {
                let d = d.clone();
                let validate = validate.clone();
                std::thread::spawn(move || {
                    let (ok, text) = run(Command::new(&validate).arg(&d));
                    (d, ok, text)
                })
            })
            .collect();
        for h in handles {
            let (d, ok, text) = h.join().unwrap();
            if !ok {
                problems.push(format!("tf-validate {}:\n{text}", d.display()));
            }
        }
    }

    problems
}

/// `checkov-scan` on every folder with every in-scope check (two at a time; one
/// scan over the parent would merge resources of equal address across folders); a
/// failure counts unless the folder's README lists the check as deliberately off.
pub fn check_checkov(parent: &Path) -> Vec<String> {
    let scan = shared().join("tools/checkov-scan/checkov-scan");
    let ids = in_scope_checks().join(",");
    let mut problems = Vec::new();
    for chunk in sub_dirs(parent).chunks(2) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|d| {
                let (d, scan, ids) = (d.clone(), scan.clone(), ids.clone());
                std::thread::spawn(move || {
                    let (_, text) = run(Command::new(&scan).arg(&d).arg(&ids));
                    (d, text)
                })
            })
            .collect();
        for h in handles {
            let (d, text) = h.join().unwrap();
            let folder = d.file_name().unwrap().to_string_lossy().to_string();
            if !text.contains("checkov: ") {
                problems.push(format!("checkov-scan did not run on {folder}:\n{text}"));
                continue;
            }
            let allowed = readme_off_checks(&d);
            for line in text.lines().filter(|l| l.starts_with("CKV")) {
                let id = line.split_whitespace().next().unwrap_or("");
                if !allowed.contains(id) {
                    problems.push(format!("checkov {folder}: {line} (not listed as deliberately off in its README.md)"));
                }
            }
        }
    }
    problems
}
