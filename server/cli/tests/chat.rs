//! `terraconverse chat` driven like a user would from a script: answers piped on
//! stdin, files written with `--out`, sessions saved and resumed with
//! `--session`, an interrupted chat leaving nothing behind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_terraconverse"));
    // The AWS SDK's credential chain must never call the instance-metadata address.
    c.env("AWS_EC2_METADATA_DISABLED", "true").env("NO_COLOR", "1");
    c
}

fn chat(args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .arg("chat")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("terraconverse runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tc-chat-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn all_tf(dir: &Path) -> String {
    let mut s = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "tf") {
            s.push_str(&std::fs::read_to_string(&p).unwrap());
        }
    }
    s
}

#[test]
fn a_scripted_session_writes_the_configuration() {
    let dir = tmp("scripted");
    let out = dir.join("stack");
    let script = "a web server with a postgres database in Frankfurt\n\
                  10.0.0.0/33\n\
                  accept all defaults\n";
    let o = chat(&["--out", out.to_str().unwrap()], script);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    // Piped input is echoed, the bad answer was refused, the files were written.
    assert!(t.contains("> 10.0.0.0/33"), "{t}");
    assert!(t.contains("Not accepted"), "{t}");
    assert!(t.contains("Wrote"), "{t}");
    assert!(!t.contains("\x1b["), "no colours when piped: {t}");
    let tf = all_tf(&out);
    assert!(tf.contains("resource \"aws_instance\""), "{tf}");
    assert!(tf.contains("resource \"aws_db_instance\""), "{tf}");
    assert!(tf.contains("eu-central-1") || std::fs::read_to_string(out.join("variables.tf")).unwrap_or_default().contains("eu-central-1"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_out_the_stack_is_printed_as_json() {
    let o = chat(&["a postgres database"], "accept all defaults\n");
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    // Only stdout: stderr may hold the one-time "LLM off" notice.
    let out = String::from_utf8_lossy(&o.stdout);
    let json_start = out.find("{\n").expect("JSON printed");
    let stack: serde_json::Value = serde_json::from_str(out[json_start..].trim_end()).unwrap_or_else(|e| panic!("{e}: {t}"));
    assert!(stack["resources"].as_array().unwrap().iter().any(|r| r["component"] == "rds_instance"), "{stack}");
}

#[test]
fn a_session_is_saved_and_resumed() {
    let dir = tmp("session");
    let session = dir.join("chat.json");
    let out = dir.join("stack");
    let args = ["--session", session.to_str().unwrap(), "--out", out.to_str().unwrap()];
    // Input ends after two answers: the session is kept and the exit code says so.
    let o = chat(&args, "a web server in Ireland\nyes\nyes\n");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("--session"), "{t}");
    assert!(!out.exists(), "nothing is written before the end");
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&session).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    // The second run resumes where the first stopped.
    let o = chat(&args, "accept all defaults\n");
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("Resuming"), "{t}");
    assert!(all_tf(&out).contains("aws_instance"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_requests_and_folders_fail_clearly() {
    let o = chat(&[], "what's the weather in Paris tomorrow?\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("I found no AWS resources in that"), "{}", text(&o));

    let dir = tmp("nonempty");
    std::fs::write(dir.join("main.tf"), "# mine\n").unwrap();
    let o = chat(&["a vpc", "--out", dir.to_str().unwrap()], "accept all defaults\n");
    assert!(!o.status.success());
    assert!(text(&o).contains("is not empty"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(dir.join("main.tf")).unwrap(), "# mine\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cancel_writes_nothing() {
    let dir = tmp("cancel");
    let out = dir.join("stack");
    let o = chat(&["a web server", "--out", out.to_str().unwrap()], "yes\ncancel\n");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("Cancelled"));
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_interrupted_chat_leaves_no_partial_files() {
    let dir = tmp("interrupt");
    let out = dir.join("stack");
    let session = dir.join("s.json");
    let mut child = bin()
        .args(["chat", "a web server with a postgres database", "--out", out.to_str().unwrap(), "--session", session.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"yes\n").unwrap();
    stdin.flush().unwrap();
    // Wait until the answer is saved, then interrupt as Ctrl-C would.
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let saved = std::fs::read_to_string(&session).unwrap_or_default();
        if saved.contains("\"history\": [\n") && !saved.contains("\"history\": []") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let code = child.wait().unwrap();
    assert!(!code.success());
    drop(stdin);
    assert!(!out.exists(), "no output folder after an interruption");
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n != "s.json")
        .collect();
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");
    // The session file is whole and resumable.
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&session).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}
