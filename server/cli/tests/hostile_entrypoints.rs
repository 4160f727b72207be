//! The hostile-answer corpus (`tests/hostile/answers.jsonl`: quotes, `${file(...)}`,
//! `%{ for }`, heredoc markers, newlines, control characters, RTL, emoji, 100 KB …)
//! through every entry point of the real binary: a piped `terraconverse chat`,
//! `terraconverse generate --answers`, answers sent over `terraconverse lsp`, and
//! `terraconverse check` on files holding the strings.
//!
//! Every answer must be refused with a message saying what is wrong (and, where it
//! offers an example, an example that is itself accepted), or be taken and come out
//! as an inert string literal that reads back as exactly what was typed; nothing may
//! panic; everything written must pass the real `terraform validate` and
//! `terraform fmt`. Validation is batched: every distinct output folder becomes a
//! module of one root, so each test calls `tf-validate` once.

use hcl_edit::structure::Body;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tc_lsp::testing::{uri, TestClient};

const BIN: &str = env!("CARGO_BIN_EXE_terraconverse");

/// docs/conversation.md: "Answers over 4096 bytes (a 1 MB paste) are refused before
/// any parsing." Every entry point must keep that promise.
const MAX_ANSWER_BYTES: usize = 4096;

/// A request with one free-text question (the description, where most hostile
/// strings are legitimate text and must come out escaped) and one formatted question
/// (the name, where most must be refused).
const REQUEST: &str = "a security group in Frankfurt";
const DESCRIPTION: &str = "security_group.description";
const NAME: &str = "security_group.name";
const QUESTIONS: [&str; 2] = [NAME, DESCRIPTION];

/// The defaults the knowledge base gives those two questions.
fn default_of(question: &str) -> &'static str {
    match question {
        NAME => "main",
        DESCRIPTION => "Managed by TerraConverse",
        _ => unreachable!(),
    }
}

/// The Terraform variable a question's answer is written to (`<key>_<param>`).
fn variable_of(question: &str) -> String {
    question.replace('.', "_")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn shared_tool(name: &str) -> PathBuf {
    repo_root().join("../shared/tools").join(name)
}

/// A fresh folder under the target dir (kept after a failure for inspection).
fn work_dir(name: &str) -> PathBuf {
    let dir = repo_root().join("target/tc-hostile-entrypoints").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `(name, value)` of every corpus entry.
fn corpus() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo_root().join("tests/hostile/answers.jsonl")).unwrap();
    let entries: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let value = match v.get("value") {
                Some(s) => s.as_str().unwrap().to_string(),
                None => v["repeat"].as_str().unwrap().repeat(v["times"].as_u64().unwrap() as usize),
            };
            (v["name"].as_str().unwrap().to_string(), value)
        })
        .collect();
    assert!(entries.len() >= 50, "the hostile corpus has only {} entries", entries.len());
    entries
}

fn text(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A crash is exit code 101 or a panic message, whatever else the process printed.
fn assert_no_panic(o: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code() != Some(101) && !stderr.contains("panicked"), "{what}: the binary panicked:\n{stderr}");
    assert!(o.status.code().is_some(), "{what}: the binary was killed by a signal: {:?}", o.status);
}

/// Control characters a program prints reach the user's terminal: an answer must
/// not be able to recolour it, ring its bell or move its cursor.
fn assert_terminal_safe(s: &str, what: &str) {
    if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\n' && *c != '\t') {
        let at = s.find(c).unwrap();
        let around: String = s[at.saturating_sub(60)..].chars().take(120).collect();
        panic!("{what}: printed the raw control character {c:?} to the terminal: {around:?}");
    }
}

/// What an entry point did with one answer.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Rejected(String),
    Accepted,
}

/// A refusal must say what is wrong in words. With `examples`, the refusal is of a
/// value (an answers file, where no command words apply) and an example it offers
/// (`e.g. "x"`) must be one the same question accepts; they are collected for that check.
fn check_rejection(message: &str, what: &str, examples: Option<&mut BTreeSet<(String, String)>>, question: &str) {
    assert!(message.trim().len() >= 20, "{what}: the refusal {message:?} does not say what is wrong");
    let Some(examples) = examples else { return };
    for part in message.split("e.g. \"").skip(1) {
        if let Some(end) = part.find("\".") .or_else(|| part.rfind('"')) {
            examples.insert((question.to_string(), part[..end].to_string()));
        }
    }
}

/// The default of `variable "<name>"` in the `.tf` files of `dir`, read back by an
/// HCL parser independent of the generator. A template (an interpolation or a
/// directive that survived escaping) is an error, so is a missing variable.
fn variable_default(dir: &Path, name: &str) -> Result<String, String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let body: Body = hcl_edit::parser::parse_body(&text).map_err(|e| format!("{} does not parse: {e}", path.display()))?;
        let found = body.get_blocks("variable").find(|b| b.has_exact_labels(&[name]));
        if let Some(block) = found {
            let default = block.body.get_attribute("default").ok_or_else(|| format!("variable {name} has no default"))?;
            return match default.value.as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(format!("the default of variable {name} is not a plain string literal: {}", default.value)),
            };
        }
    }
    Err(format!("no variable {name} in {}", dir.display()))
}

/// Hash of a folder's `.tf` files, to validate each distinct configuration once.
fn tf_hash(dir: &Path) -> u64 {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    let mut h = DefaultHasher::new();
    files.hash(&mut h);
    h.finish()
}

/// Keeps `dir` as a module of the root if its configuration is new; removes it otherwise.
fn keep_if_distinct(dir: &Path, seen: &mut HashMap<u64, PathBuf>) {
    match seen.entry(tf_hash(dir)) {
        std::collections::hash_map::Entry::Occupied(_) => std::fs::remove_dir_all(dir).unwrap(),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(dir.to_path_buf());
        }
    }
}

/// Makes every sub-folder of `root` a module of it and runs the real `terraform
/// validate` once and `terraform fmt -check` once over everything. Returns one
/// message per problem.
fn validate_as_modules(root: &Path) -> Vec<String> {
    let mut modules: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    modules.sort();
    assert!(!modules.is_empty(), "nothing was written to {}", root.display());
    // Terraform starts one provider process per provider configuration, and the
    // schema-only provider takes seconds to start: a module whose `providers.tf` is
    // identical to one already kept uses the root's default provider instead (the
    // answers under test never reach providers.tf; each distinct one is still validated).
    let mut provider_files = BTreeSet::new();
    for m in &modules {
        let path = root.join(m).join("providers.tf");
        if let Ok(content) = std::fs::read_to_string(&path) {
            if !provider_files.insert(content) {
                std::fs::remove_file(&path).unwrap();
            }
        }
    }
    let main: Vec<String> = modules.iter().map(|m| format!("module \"{m}\" {{\n  source = \"./{m}\"\n}}\n")).collect();
    std::fs::write(root.join("main.tf"), main.join("\n")).unwrap();
    let mut problems = Vec::new();
    for tool in ["tf-validate/tf-validate", "tf-validate/tf-fmt-check"] {
        let out = Command::new(shared_tool(tool)).arg(root).env("AWS_EC2_METADATA_DISABLED", "true").output().expect("../shared tools are missing");
        if !out.status.success() {
            problems.push(format!("{tool} {} ({} modules) failed:\n{}", root.display(), modules.len(), text(&out)));
        }
    }
    problems
}

// ----- chat ---------------------------------------------------------------------------

/// Pipes a session into `terraconverse chat --out DIR`: the request, safe VPC
/// defaults, default ports and sources, "no" to go through the group's settings one
/// by one, then `answer` to `question`, then "accept all defaults".
fn chat(out: &Path, question: &str, answer: &str) -> Output {
    let before = if question == NAME { "" } else { "\n" };
    let script = format!("{REQUEST}\nyes\n\n\nno\n{before}{answer}\naccept all defaults\n");
    let mut child = Command::new(BIN)
        .args(["chat", "--out"])
        .arg(out)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("terraconverse runs");
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The transcript between the echo of the `n`th scripted answer (`> …`) and the next.
fn after_echo(transcript: &str, n: usize) -> Option<&str> {
    let starts: Vec<usize> = transcript.match_indices("\n> ").map(|(i, _)| i + 1).collect();
    let start = *starts.get(n)?;
    let end = starts.get(n + 1).copied().unwrap_or(transcript.len());
    Some(&transcript[start..end])
}

// ----- generate -----------------------------------------------------------------------

fn generate(dir: &Path, out: &Path, question: &str, answer: &str) -> Output {
    let file = dir.join(format!("{}.answers.json", out.file_name().unwrap().to_string_lossy()));
    std::fs::write(&file, serde_json::to_string(&json!({ question: answer })).unwrap()).unwrap();
    Command::new(BIN)
        .args(["generate", REQUEST, "--defaults", "--answers"])
        .arg(&file)
        .arg("--out")
        .arg(out)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("terraconverse runs")
}

fn assert_nothing_written(out: &Path, what: &str) {
    assert!(!out.exists(), "{what}: {} was created although generation failed", out.display());
    for e in std::fs::read_dir(out.parent().unwrap()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.contains(".terraconverse-"), "{what}: a temporary folder {name} was left behind");
    }
}

/// chat and generate, every corpus answer in both questions; then every distinct
/// configuration written through the real Terraform.
#[test]
fn chat_and_generate_refuse_or_escape_every_hostile_answer() {
    let root = work_dir("chat-generate");
    let scratch = work_dir("chat-generate-answers");
    let mut seen = HashMap::new();
    let mut examples = BTreeSet::new();
    let mut tally: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let started = std::time::Instant::now();
    for (i, (name, value)) in corpus().iter().enumerate() {
        for question in QUESTIONS {
            let short = question.rsplit('.').next().unwrap();

            // chat: a terminal user can only type one line; the rest of a multi-line
            // answer arrives as the next answers, which must not break the session.
            let typed = value.split('\n').next().unwrap().trim_end_matches('\r');
            let what = format!("chat, {name} as {question}");
            let out = root.join(format!("chat_{short}_{i:02}"));
            let o = chat(&out, question, value);
            assert_no_panic(&o, &what);
            let transcript = String::from_utf8_lossy(&o.stdout).to_string();
            assert_terminal_safe(&text(&o), &what);
            assert_eq!(o.status.code(), Some(0), "{what}: the session did not complete:\n{}", text(&o));
            let echo = if question == NAME { 4 } else { 5 };
            let reaction = after_echo(&transcript, echo).unwrap_or_else(|| panic!("{what}: no reaction to the answer:\n{transcript}"));
            let verdict = match reaction.lines().find_map(|l| l.strip_prefix("Not accepted: ")) {
                Some(message) => Verdict::Rejected(message.to_string()),
                None if reaction.contains(&format!("{question} = ")) => Verdict::Accepted,
                None => panic!("{what}: neither refused nor acknowledged:\n{reaction}"),
            };
            let stored = variable_default(&out, &variable_of(question)).unwrap_or_else(|e| panic!("{what}: {e}"));
            match &verdict {
                Verdict::Rejected(message) => {
                    // A typed line may be read as a command ("a = b"), whose help
                    // shows command examples, so examples are checked for generate only.
                    check_rejection(message, &what, None, question);
                    if !value.contains('\n') {
                        assert_eq!(stored, default_of(question), "{what}: a refused answer changed the configuration");
                    }
                }
                Verdict::Accepted => {
                    let expected = if typed.trim().is_empty() { default_of(question) } else { typed.trim() };
                    assert_eq!(stored, expected, "{what}: the configuration does not hold what was typed");
                }
            }
            if typed.len() > MAX_ANSWER_BYTES {
                assert!(matches!(&verdict, Verdict::Rejected(m) if m.contains(&MAX_ANSWER_BYTES.to_string())), "{what}: a {} byte answer was not refused for its length: {verdict:?}", typed.len());
            }
            let t = tally.entry(("chat", short)).or_default();
            if verdict == Verdict::Accepted { t.1 += 1 } else { t.0 += 1 }
            keep_if_distinct(&out, &mut seen);

            // generate: the whole value, newlines and all, from a JSON answers file.
            let what = format!("generate, {name} as {question}");
            let out = root.join(format!("generate_{short}_{i:02}"));
            let o = generate(&scratch, &out, question, value);
            assert_no_panic(&o, &what);
            assert_terminal_safe(&text(&o), &what);
            let t = tally.entry(("generate", short)).or_default();
            if o.status.success() {
                let stored = variable_default(&out, &variable_of(question)).unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(stored, value.trim(), "{what}: the configuration does not hold the answer");
                assert!(value.len() <= MAX_ANSWER_BYTES, "{what}: a {} byte answer was accepted", value.len());
                t.1 += 1;
                keep_if_distinct(&out, &mut seen);
            } else {
                let err = String::from_utf8_lossy(&o.stderr).to_string();
                assert_eq!(o.status.code(), Some(1), "{what}: {err}");
                assert!(err.contains("nothing was written") && err.contains(question), "{what}: the message does not say which answer is wrong: {err}");
                let message = err.split(&format!("{question}: ")).nth(1).unwrap_or(&err);
                check_rejection(message, &what, Some(&mut examples), question);
                if value.len() > MAX_ANSWER_BYTES {
                    assert!(err.contains(&MAX_ANSWER_BYTES.to_string()), "{what}: a {} byte answer was not refused for its length: {err}", value.len());
                }
                assert_nothing_written(&out, &what);
                t.0 += 1;
            }
        }
    }
    println!("refused / accepted: {tally:?} in {:?}", started.elapsed());
    // Both kinds of question must have been exercised both ways, or the test proves little.
    for entry_point in ["chat", "generate"] {
        assert!(tally[&(entry_point, "name")].0 > 0 && tally[&(entry_point, "description")].1 > 0, "{entry_point}: {tally:?}");
    }

    // An example a refusal offers must be accepted by the same question.
    for (n, (question, example)) in examples.iter().enumerate() {
        let out = scratch.join(format!("example_{n}"));
        let o = generate(&scratch, &out, question, example);
        assert!(o.status.success(), "a refusal offered the example {example:?} for {question}, which is itself refused:\n{}", text(&o));
    }

    let started = std::time::Instant::now();
    let problems = validate_as_modules(&root);
    println!("validated {} distinct configurations in {:?}", seen.len(), started.elapsed());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

// ----- LSP ----------------------------------------------------------------------------

/// Answers the current conversation's questions with their defaults ("no" to the
/// group's safe-defaults question, to reach its settings) until `question` is asked.
async fn answer_until(client: &TestClient, id: &str, mut turn: Value, question: &str, what: &str) -> Value {
    for _ in 0..30 {
        let asked = turn["question"]["id"].as_str().unwrap_or_else(|| panic!("{what}: the conversation ended before {question}: {turn}"));
        if asked == question {
            return turn;
        }
        let params = if asked == "defaults.security_group" {
            json!({"conversation": id, "text": "no"})
        } else {
            json!({"conversation": id, "action": "default"})
        };
        turn = client.request("terraconverse/answer", params).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(turn["rejection"].is_null(), "{what}: a default was refused: {turn}");
    }
    panic!("{what}: {question} was never asked");
}

/// Sends `answer` to `question` over the protocol; a refusal must leave the question
/// open and a valid answer afterwards must be taken. Returns what was stored.
async fn hostile_answer(client: &TestClient, id: &str, turn: Value, question: &str, answer: &str, valid: &str, what: &str) -> (Verdict, String) {
    answer_until(client, id, turn, question, what).await;
    let turn = match client.request("terraconverse/answer", json!({"conversation": id, "text": answer})).await {
        Ok(t) => t,
        Err(e) => panic!("{what}: the server answered with an error instead of a turn: {e}"),
    };
    match turn["rejection"].as_str() {
        Some(message) => {
            assert_eq!(turn["question"]["id"], question, "{what}: a refusal moved on: {turn}");
            let retry = client.request("terraconverse/answer", json!({"conversation": id, "text": valid})).await.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(retry["rejection"].is_null() && retry["question"]["id"] != question, "{what}: after a refusal, the valid answer {valid:?} was not taken: {retry}");
            (Verdict::Rejected(message.to_string()), valid.to_string())
        }
        None => {
            assert!(turn["question"]["id"] != question, "{what}: accepted but the question is asked again: {turn}");
            let stored = if answer.trim().is_empty() { default_of(question) } else { answer.trim() };
            (Verdict::Accepted, stored.to_string())
        }
    }
}

/// Every corpus answer sent over `terraconverse lsp` to both questions of one
/// conversation per entry (and as a request of its own): the server always answers
/// with a turn, never an internal error, keeps going, and writes valid Terraform.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lsp_conversations_survive_every_hostile_answer() {
    let root = work_dir("lsp");
    let log = root.join("server.log");
    let workspace = root.join("ws");
    std::fs::create_dir_all(&workspace).unwrap();
    let mut child = tokio::process::Command::new(BIN)
        .arg("lsp")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // The test client applies `workspace/applyEdit` as an editor does (buffers,
    // versions, created files) and saves on request.
    let client = TestClient::spawn(child.stdout.take().unwrap(), child.stdin.take().unwrap());
    client.initialize(&workspace, json!({})).await;
    let started = std::time::Instant::now();
    let mut seen = HashMap::new();
    let (mut refused, mut accepted) = (0, 0);
    for (i, (name, value)) in corpus().iter().enumerate() {
        // The hostile string as a request: a conversation or a clear InvalidParams.
        let what = format!("lsp, {name} as the request");
        let scratch = root.join(format!("request_{i:02}"));
        std::fs::create_dir_all(&scratch).unwrap();
        match client.request("terraconverse/start", json!({"request": value, "target": uri(&scratch)})).await {
            Ok(turn) => {
                let id = turn["conversation"].as_str().unwrap_or_else(|| panic!("{what}: {turn}"));
                client.request("terraconverse/cancel", json!({"conversation": id})).await.unwrap_or_else(|e| panic!("{what}: {e}"));
            }
            Err(e) => {
                assert_eq!(e["code"], -32602, "{what}: not an InvalidParams error: {e}");
                assert!(e["message"].as_str().unwrap_or("").len() >= 20, "{what}: unclear error {e}");
            }
        }

        let what = format!("lsp, {name}");
        let folder = workspace.join(format!("lsp_{i:02}"));
        std::fs::create_dir_all(&folder).unwrap();
        let turn = client
            .request("terraconverse/start", json!({"request": REQUEST, "target": uri(&folder)}))
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let id = turn["conversation"].as_str().unwrap().to_string();
        let mut expected = BTreeMap::new();
        let (verdict, stored) = hostile_answer(&client, &id, turn, NAME, value, "web-sg", &format!("{what} as {NAME}")).await;
        expected.insert(NAME, stored);
        let mut verdicts = vec![(NAME, verdict)];
        let status = client.request("terraconverse/status", json!({"conversation": id})).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        let (verdict, stored) = hostile_answer(&client, &id, status, DESCRIPTION, value, "Allows HTTPS from the VPC", &format!("{what} as {DESCRIPTION}")).await;
        expected.insert(DESCRIPTION, stored);
        verdicts.push((DESCRIPTION, verdict));
        for (question, verdict) in &verdicts {
            match verdict {
                Verdict::Rejected(message) => {
                    check_rejection(message, &format!("{what} as {question}"), None, question);
                    refused += 1;
                }
                Verdict::Accepted => {
                    assert!(value.len() <= MAX_ANSWER_BYTES, "{what} as {question}: a {} byte answer was accepted", value.len());
                    accepted += 1;
                }
            }
        }
        let done = client
            .request("terraconverse/answer", json!({"conversation": id, "action": "acceptAllDefaults"}))
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(done["complete"], true, "{what}: the conversation did not complete: {done}");
        assert!(done["edit"]["failure"].is_null(), "{what}: the last edit failed: {done}");
        client.save_all();
        for (question, value) in &expected {
            let stored = variable_default(&folder, &variable_of(question)).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(&stored, value, "{what}: the workspace does not hold the answer to {question}");
        }
    }
    println!("lsp: {refused} refused, {accepted} accepted in {:?}", started.elapsed());
    assert!(refused > 0 && accepted > 0, "lsp: {refused} refused, {accepted} accepted");
    // The server is still the same process, and nothing panicked inside it.
    assert!(child.try_wait().unwrap().is_none(), "the server exited");
    client.shutdown().await;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait()).await;
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!log_text.contains("panicked"), "the server panicked:\n{log_text}");

    // Validate the distinct workspaces (the conversation state under
    // .terraconverse/ is not Terraform and is ignored by both tools).
    let modules = root.join("modules");
    std::fs::create_dir_all(&modules).unwrap();
    for entry in std::fs::read_dir(&workspace).unwrap() {
        let dir = entry.unwrap().path();
        let copy = modules.join(dir.file_name().unwrap());
        std::fs::create_dir_all(&copy).unwrap();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "tf") {
                std::fs::copy(&f, copy.join(f.file_name().unwrap())).unwrap();
            }
        }
        keep_if_distinct(&copy, &mut seen);
    }
    let started = std::time::Instant::now();
    let problems = validate_as_modules(&modules);
    println!("validated {} distinct workspaces in {:?}", seen.len(), started.elapsed());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

// ----- check --------------------------------------------------------------------------

/// The files whose syntax the real Terraform rejects, from one `terraform fmt` run
/// over `dir` (its errors name each file: `  on FILE line N`).
fn terraform_syntax_errors(dir: &Path) -> BTreeSet<String> {
    let out = Command::new(shared_tool("tf-validate/tf-fmt-check")).arg(dir).output().expect("../shared tools are missing");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let files: BTreeSet<String> = stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("on "))
        .filter_map(|l| l.split(" line ").next())
        .map(|p| Path::new(p).file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(out.status.code() == Some(2), !files.is_empty(), "could not read terraform fmt's errors:\n{stderr}");
    files
}

/// Each corpus string in three `.tf` files: escaped inside string values (legal
/// HCL), raw inside quotes and a comment, and raw inside quotes only (legal or not,
/// as Terraform decides).
/// `check` never panics; a file Terraform parses gets its findings (exit 1), a file
/// it rejects gets a parse error naming file and line (exit 2, as documented).
#[test]
fn check_reports_findings_or_a_clear_parse_error_for_every_hostile_file() {
    let dir = work_dir("check");
    let mut files = Vec::new();
    for (i, (name, value)) in corpus().iter().enumerate() {
        let literal = tc_generate::escape::hcl_string(value);
        let escaped = format!(
            "# Hostile corpus entry {name}, escaped.\nresource \"aws_s3_bucket\" \"escaped_{i}\" {{\n  bucket = {literal}\n\n  tags = {{\n    Note = {literal}\n  }}\n}}\n"
        );
        let raw = format!("# {value}\nresource \"aws_s3_bucket\" \"raw_{i}\" {{\n  bucket = \"{value}\"\n}}\n");
        // Only inside the quotes, so a line break cannot hide behind the comment's.
        let quoted = format!("resource \"aws_s3_bucket\" \"quoted_{i}\" {{\n  bucket = \"{value}\"\n}}\n");
        for (kind, content) in [("escaped", escaped), ("raw", raw), ("quoted", quoted)] {
            let file = format!("{i:02}_{kind}.tf");
            std::fs::write(dir.join(&file), content).unwrap();
            files.push((format!("{name} ({kind})"), file, format!("aws_s3_bucket.{kind}_{i}")));
        }
    }
    let broken = terraform_syntax_errors(&dir);
    let (mut parsed, mut refused) = (0, 0);
    for (what, file, address) in &files {
        let o = Command::new(BIN).arg("check").arg(dir.join(file)).env("AWS_EC2_METADATA_DISABLED", "true").output().unwrap();
        let what = format!("check, {what}");
        assert_no_panic(&o, &what);
        let (stdout, stderr) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        if file.ends_with("_escaped.tf") {
            assert!(!broken.contains(file), "{what}: the escaped file is not valid HCL for Terraform");
        }
        if broken.contains(file) {
            assert_eq!(o.status.code(), Some(2), "{what}: Terraform cannot parse this file, but check did not report it (exit {:?}):\n{stdout}{stderr}", o.status.code());
            assert!(stderr.contains(&format!("{file}:")) && stderr.contains("syntax error"), "{what}: the parse error does not name the file and say what to fix: {stderr}");
            refused += 1;
        } else {
            assert_eq!(o.status.code(), Some(1), "{what}: Terraform parses this file, check should report the bucket's findings:\n{stdout}{stderr}");
            assert!(stdout.contains(address.as_str()), "{what}: no finding names {address}:\n{stdout}");
            parsed += 1;
        }
    }
    println!("check: {parsed} files parsed with findings, {refused} refused as broken");
    assert!(parsed > 0 && refused > 0, "check: {parsed} parsed, {refused} refused");
}
