//! The live AWS checks of `terraconverse chat` (feature `aws-live`) without
//! credentials: the answer is taken with "checked offline only", the conversation
//! goes on to completion, and nothing hangs. No traffic leaves the machine: the
//! instance-metadata lookup is disabled, every `AWS_*` variable is removed and
//! `HOME` points at an empty folder, so the credential chain finds nothing to try.
#![cfg(feature = "aws-live")]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Upper bound for the whole chat. It is a hang guard, not a speed target: the
/// client's own limits (2 s for credentials, 4 s per operation) are far below it.
const HANG_GUARD: Duration = Duration::from_secs(30);

#[test]
fn without_credentials_the_answer_is_checked_offline_only_and_the_chat_completes() {
    let home = std::env::temp_dir().join(format!("tc-aws-live-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_terraconverse"));
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    // No LLM either: the test is about the live checks, and sends nothing anywhere.
    cmd.env_remove("GROQ_API_KEY").env_remove("TERRACONVERSE_LLM_API_KEY");
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .args(["chat", "a web server in Frankfurt"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("terraconverse runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"change instance type to t3.small\nchange ami to ami-0123456789abcdef0\naccept all defaults\n")
        .unwrap();
    // Wait on another thread so a hang fails the test instead of blocking it forever.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(HANG_GUARD) {
        Ok(out) => out.unwrap(),
        Err(_) => panic!("terraconverse chat did not finish within {HANG_GUARD:?}: a live check hangs"),
    };
    let elapsed = started.elapsed();
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    eprintln!("chat with two live checks and no credentials took {elapsed:?}");

    assert!(out.status.success(), "the conversation must not fail without credentials:\n{text}");
    assert!(
        text.contains("t3.small: checked offline only (no AWS credentials found)"),
        "the instance type answer says it was checked offline only:\n{text}"
    );
    assert!(
        text.contains("ami-0123456789abcdef0: checked offline only (no AWS credentials found)"),
        "the AMI answer says it was checked offline only:\n{text}"
    );
    // The values were taken, and the conversation went on to the end.
    assert!(text.contains("web.instance_type = t3.small"), "{text}");
    assert!(text.contains("web.ami_id = ami-0123456789abcdef0"), "{text}");
    assert!(text.contains("All set"), "{text}");
    assert!(text.contains("\"instance_type\": \"t3.small\""), "the stack holds the answer:\n{text}");
    let _ = std::fs::remove_dir_all(&home);
}
