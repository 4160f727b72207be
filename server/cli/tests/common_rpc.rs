//! A minimal, blocking LSP client over the stdio of a spawned `terraconverse lsp`,
//! shared by the stress test and the end-to-end benchmark. It is deliberately
//! independent of the server's own crates: it frames JSON-RPC by hand.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses, oldest first.
    pub notifications: Vec<Value>,
}

impl Client {
    /// Spawns the server binary with `lsp` and a quiet log level.
    pub fn spawn(binary: &str, cwd: &std::path::Path) -> Client {
        Client::spawn_with_stderr(binary, cwd, Stdio::null())
    }

    /// Like [`Client::spawn`], with the server's stderr (its log, and the message of
    /// any panic, even one the server catches) sent to `stderr`.
    pub fn spawn_with_stderr(binary: &str, cwd: &std::path::Path, stderr: impl Into<Stdio>) -> Client {
        let mut child = Command::new(binary)
            .arg("lsp")
            .current_dir(cwd)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("GROQ_API_KEY")
            .env_remove("TERRACONVERSE_LLM_API_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn terraconverse lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("server sent JSON");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, incoming: rx, next_id: 0, notifications: Vec::new() }
    }

    fn send(&mut self, value: &Value) {
        let body = serde_json::to_vec(value).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response (the whole message, with `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.wait_response(id, Duration::from_secs(60))
    }

    pub fn wait_response(&mut self, id: i64, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let msg = self.next_message(deadline).unwrap_or_else(|| panic!("no response to request {id} within {timeout:?}"));
            if msg.get("id").and_then(Value::as_i64) == Some(id) && msg.get("method").is_none() {
                return msg;
            }
            self.dispatch(msg);
        }
    }

    /// Waits for a notification whose method matches and which satisfies `pred`.
    pub fn wait_notification(&mut self, method: &str, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.notifications.iter().position(|n| n["method"] == method && pred(&n["params"])) {
            return Some(self.notifications.remove(i));
        }
        let deadline = Instant::now() + timeout;
        while let Some(msg) = self.next_message(deadline) {
            if msg["method"] == method && msg.get("id").is_none() && pred(&msg["params"]) {
                return Some(msg);
            }
            self.dispatch(msg);
        }
        None
    }

    /// Handles every message already received, without waiting: answers server-to-client
    /// requests and keeps notifications. Call it between sends when no response is
    /// awaited, so a server waiting on the client is never left waiting.
    pub fn pump(&mut self) {
        while let Ok(msg) = self.incoming.try_recv() {
            self.dispatch(msg);
        }
    }

    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        match self.incoming.recv_timeout(deadline - now) {
            Ok(v) => Some(v),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its stdout"),
        }
    }

    /// Server→client requests get a neutral answer; notifications are kept.
    fn dispatch(&mut self, msg: Value) {
        if msg.get("method").is_some() {
            if let Some(id) = msg.get("id").cloned() {
                let result = match msg["method"].as_str() {
                    Some("workspace/applyEdit") => json!({"applied": false}),
                    Some("workspace/configuration") => json!([]),
                    _ => Value::Null,
                };
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
            } else {
                self.notifications.push(msg);
                // Keep memory bounded when nobody reads diagnostics.
                if self.notifications.len() > 4096 {
                    self.notifications.drain(..2048);
                }
            }
        }
    }

    pub fn initialize(&mut self, root: &std::path::Path) -> Value {
        let uri = format!("file://{}", root.display());
        let resp = self.request(
            "initialize",
            json!({"processId": std::process::id(), "rootUri": uri, "capabilities": {"general": {"positionEncodings": ["utf-16"]}}, "workspaceFolders": [{"uri": uri, "name": "ws"}]}),
        );
        self.notify("initialized", json!({}));
        resp
    }

    pub fn shutdown(mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }

    /// Resident memory of the server process in KiB (Linux).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}
