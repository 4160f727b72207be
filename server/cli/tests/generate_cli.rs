//! End-to-end tests of `terraconverse generate`: every request of
//! `../shared/corpora/nl-requests-dev.jsonl` with `--defaults` passes the real
//! `terraform validate`, `terraform fmt` and checkov (except checks the stack's
//! README lists as deliberately off); bad input exits non-zero with a clear
//! message and writes nothing; hostile answers are rejected or escaped.

#[path = "../../../tests/generate/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn terraconverse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terraconverse"))
        .args(args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn requests() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(support::shared().join("corpora/nl-requests-dev.jsonl")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), v["request"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn every_corpus_request_generates_valid_secure_terraform() {
    let parent = support::work_dir("cli-corpus");
    let mut failures = Vec::new();
    for (id, request) in requests() {
        let out = parent.join(&id);
        let o = terraconverse(&["generate", &request, "--defaults", "--out", out.to_str().unwrap()]);
        if !o.status.success() {
            failures.push(format!("{id} ({request}): exit {:?}: {}", o.status.code(), stderr(&o)));
            continue;
        }
        for f in ["versions.tf", "providers.tf", "variables.tf", "README.md", "terraform.tfvars.example"] {
            assert!(out.join(f).is_file(), "{id}: {f} missing");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let problems = support::check_all(&parent);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

fn assert_nothing_written(out: &Path) {
    assert!(!out.exists(), "{} was created although generation failed", out.display());
    let parent = out.parent().unwrap();
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            assert!(!name.contains(".terraconverse-"), "a temporary folder {name} was left behind");
        }
    }
}

#[test]
fn bad_input_exits_nonzero_with_a_clear_message_and_writes_nothing() {
    let parent = support::work_dir("cli-errors");
    let answers_bad_region = parent.join("bad-region.toml");
    std::fs::write(&answers_bad_region, "region = \"mars-north-1\"\n").unwrap();
    let answers_not_toml = parent.join("broken.toml");
    std::fs::write(&answers_not_toml, "this is = = not toml").unwrap();
    let table: Vec<(&str, Vec<&str>, &str)> = vec![
        ("no_resources", vec!["generate", "make me a sandwich please", "--defaults"], "no AWS resource"),
        ("bad_region_flag", vec!["generate", "an s3 bucket", "--defaults", "--region", "mars-north-1"], "region"),
        ("bad_region_file", vec!["generate", "an s3 bucket", "--defaults", "--answers", answers_bad_region.to_str().unwrap()], "region"),
        ("broken_answers", vec!["generate", "an s3 bucket", "--defaults", "--answers", answers_not_toml.to_str().unwrap()], "TOML"),
        ("missing_answers", vec!["generate", "an s3 bucket", "--defaults", "--answers", "/nonexistent/answers.toml"], "cannot read"),
        ("no_defaults_flag", vec!["generate", "an s3 bucket"], "--defaults"),
    ];
    for (name, mut args, expected) in table {
        let out = parent.join(format!("out-{name}"));
        args.push("--out");
        let out_s = out.to_str().unwrap().to_string();
        args.push(&out_s);
        let o = terraconverse(&args);
        assert!(!o.status.success(), "{name}: exited 0");
        let err = stderr(&o);
        assert!(err.to_lowercase().contains(&expected.to_lowercase()), "{name}: message {err:?} does not mention {expected:?}");
        assert_nothing_written(&out);
    }
}

#[test]
fn answers_files_in_toml_and_json_are_applied() {
    let parent = support::work_dir("cli-answers");
    let toml_file = parent.join("answers.toml");
    std::fs::write(&toml_file, "region = \"eu-west-1\"\n").unwrap();
    let json_file = parent.join("answers.json");
    std::fs::write(&json_file, "{\"region\": \"ap-southeast-2\"}").unwrap();
    for (file, region) in [(&toml_file, "eu-west-1"), (&json_file, "ap-southeast-2")] {
        let out = parent.join(format!("out-{region}"));
        let o = terraconverse(&["generate", "an s3 bucket", "--defaults", "--answers", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let vars = std::fs::read_to_string(out.join("variables.tf")).unwrap();
        assert!(vars.contains(&format!("\"{region}\"")), "region {region} not applied:\n{vars}");
    }
}

#[test]
fn a_non_empty_out_folder_is_refused_without_force() {
    let parent = support::work_dir("cli-nonempty");
    let out = parent.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("main.tf"), "# mine\n").unwrap();
    let o = terraconverse(&["generate", "an s3 bucket", "--defaults", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("main.tf")).unwrap(), "# mine\n", "the user's file was touched");
    let o = terraconverse(&["generate", "an s3 bucket", "--defaults", "--force", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("storage.tf").is_file());
}

/// The hostile corpus as answers to every string question of a realistic request,
/// through the conversation's validators: each answer set is either rejected with a
/// message per problem, or generates a configuration that passes `terraform validate`.
#[test]
fn hostile_answers_are_rejected_or_escaped() {
    let corpus = std::fs::read_to_string(support::repo_root().join("tests/hostile/answers.jsonl")).unwrap();
    let request = "a web server with a postgres database and an s3 bucket";
    let base = tc_conversation::run_non_interactive(request, &BTreeMap::new()).expect("the request generates with defaults");
    let kb = tc_knowledge::knowledge();
    let mut string_questions = Vec::new();
    for r in &base.resources {
        for p in &kb.components[&r.component].parameters {
            if matches!(p.kind, tc_knowledge::ParamType::String) {
                string_questions.push(format!("{}.{}", r.key, p.id));
            }
        }
    }
    assert!(!string_questions.is_empty(), "the request has no string questions to attack");
    let parent = support::work_dir("cli-hostile");
    let (mut rejected, mut escaped) = (0, 0);
    for (index, line) in corpus.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let name = v["name"].as_str().unwrap();
        let value = match v.get("value") {
            Some(s) => s.as_str().unwrap().to_string(),
            None => v["repeat"].as_str().unwrap().repeat(v["times"].as_u64().unwrap() as usize),
        };
        for q in &string_questions {
            let answers = BTreeMap::from([(q.clone(), value.clone())]);
            match tc_conversation::run_non_interactive(request, &answers) {
                Err(problems) => {
                    assert!(!problems.is_empty() && problems.iter().all(|p| p.message.len() > 10), "{name} in {q}: rejected without a clear message: {problems:?}");
                    rejected += 1;
                }
                Ok(stack) => {
                    let generated = tc_generate::generate(&stack).unwrap_or_else(|e| panic!("{name} in {q}: accepted but does not generate: {e}"));
                    escaped += 1;
                    // Every hostile answer is validated by Terraform in
                    // server/generate/tests/hostile.rs; here every fifth entry's last
                    // accepted configuration is, to keep CI time reasonable.
                    if index % 5 == 0 {
                        support::write(&parent.join(name), &generated.all_files());
                    }
                }
            }
        }
    }
    println!("hostile answers: {rejected} rejected, {escaped} accepted and escaped");
    // Free-text questions (names, descriptions) accept most text, so some answers
    // must have gone all the way through; otherwise the ids were not recognised.
    assert!(escaped > 0, "no hostile answer was accepted: are {string_questions:?} real question ids?");
    if parent.read_dir().unwrap().next().is_some() {
        let problems = support::check_terraform(&parent);
        assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    }
}
