//! A small, independent LSP client for tests (feature `testing`): it frames JSON-RPC
//! itself, keeps buffers like an editor, applies `workspace/applyEdit` with the version
//! checks editors do (refusing edits computed for an older version), sends incremental
//! `didChange` for everything that changes a buffer, and records notifications.
//! It shares no code with the server's document handling on purpose.

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot, Notify};

#[derive(Debug, Clone)]
pub struct Buffer {
    pub text: String,
    pub version: i32,
}

/// Keystrokes the client types just before it handles the next `workspace/applyEdit`,
/// to simulate a user typing while the server computes an edit.
#[derive(Debug, Clone)]
pub struct Typing {
    pub path: PathBuf,
    pub line: u32,
    pub character: u32,
    pub text: String,
}

#[derive(Default)]
struct State {
    buffers: BTreeMap<PathBuf, Buffer>,
    /// Files edited by the server that are not open: kept unsaved, like an editor.
    unsaved: BTreeMap<PathBuf, String>,
    notifications: Vec<(String, Value)>,
    /// Everything the server sent, in arrival order: a method name for notifications
    /// and requests, `response:<id>` for responses.
    arrivals: Vec<String>,
    /// Every server → client request, in order (method, params).
    server_requests: Vec<(String, Value)>,
    pending: HashMap<u64, oneshot::Sender<Result<Value, Value>>>,
    type_on_next_apply: Vec<Typing>,
    /// When set, a file an edit creates (or edits while it is not open) is opened like
    /// an editor does — `didOpen` with the text before the edit, sent before the edit's
    /// response — and the `didChange` with the edit follows only this long after the
    /// response, so the server sees the response long before the buffer's text.
    open_late: Option<Duration>,
    refused: usize,
    next_id: u64,
}

#[derive(Clone)]
pub struct TestClient {
    state: Arc<Mutex<State>>,
    out: mpsc::UnboundedSender<Value>,
    arrived: Arc<Notify>,
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn path_of(uri: &str) -> PathBuf {
    PathBuf::from(uri.strip_prefix("file://").unwrap_or(uri))
}

/// Byte offset of an LSP (line, UTF-16 unit) position in `text`.
pub fn offset(text: &str, line: u32, character: u32) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units >= character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    end
}

/// The LSP position of a byte offset.
pub fn position(text: &str, byte: usize) -> (u32, u32) {
    let before = &text[..byte];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line as u32, before[line_start..].encode_utf16().count() as u32)
}

impl TestClient {
    /// Connects to a server reading `read` and writing `write`.
    pub fn spawn<R, W>(read: R, write: W) -> TestClient
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (out, mut rx) = mpsc::unbounded_channel::<Value>();
        let client = TestClient { state: Default::default(), out, arrived: Default::default() };
        tokio::spawn(async move {
            let mut write = write;
            while let Some(msg) = rx.recv().await {
                let body = msg.to_string();
                let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
                if write.write_all(frame.as_bytes()).await.is_err() || write.flush().await.is_err() {
                    break;
                }
            }
        });
        let reader = client.clone();
        tokio::spawn(async move {
            let mut read = BufReader::new(read);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 {
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
                let Some(length) = length else { return };
                let mut body = vec![0; length];
                if read.read_exact(&mut body).await.is_err() {
                    return;
                }
                let msg: Value = serde_json::from_slice(&body).expect("the server sent invalid JSON");
                reader.dispatch(msg);
            }
        });
        client
    }

    fn dispatch(&self, msg: Value) {
        let method = msg.get("method").and_then(Value::as_str).map(str::to_string);
        let arrival = match (&method, msg.get("id")) {
            (Some(m), _) => m.clone(),
            (None, id) => format!("response:{}", id.cloned().unwrap_or(Value::Null)),
        };
        self.state.lock().unwrap().arrivals.push(arrival);
        match (method, msg.get("id").cloned()) {
            (Some(method), Some(id)) => {
                let params = msg.get("params").cloned().unwrap_or(Value::Null);
                self.state.lock().unwrap().server_requests.push((method.clone(), params.clone()));
                let (result, late) = match method.as_str() {
                    "workspace/applyEdit" => self.apply_edit(&params["edit"]),
                    // No settings of its own: the defaults for every item asked.
                    "workspace/configuration" => {
                        let items = params["items"].as_array().map_or(0, Vec::len);
                        (Value::Array(vec![Value::Null; items]), Vec::new())
                    }
                    _ => (Value::Null, Vec::new()),
                };
                let _ = self.out.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
                let delay = self.state.lock().unwrap().open_late;
                if let (Some(delay), false) = (delay, late.is_empty()) {
                    let out = self.out.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        for m in late {
                            let _ = out.send(m);
                        }
                    });
                }
            }
            (Some(method), None) => {
                let params = msg.get("params").cloned().unwrap_or(Value::Null);
                self.state.lock().unwrap().notifications.push((method, params));
                self.arrived.notify_waiters();
            }
            (None, Some(id)) => {
                let sender = self.state.lock().unwrap().pending.remove(&id.as_u64().unwrap_or(0));
                if let Some(sender) = sender {
                    let result = match msg.get("error") {
                        Some(e) => Err(e.clone()),
                        None => Ok(msg.get("result").cloned().unwrap_or(Value::Null)),
                    };
                    let _ = sender.send(result);
                }
            }
            (None, None) => {}
        }
    }

    /// Sends a request and waits (at most 60 s) for its response.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, Value> {
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut s = self.state.lock().unwrap();
            s.next_id += 1;
            let id = s.next_id;
            s.pending.insert(id, tx);
            id
        };
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.out.send(msg).expect("server connection closed");
        tokio::time::timeout(Duration::from_secs(60), rx)
            .await
            .unwrap_or_else(|_| panic!("no response to {method} within 60 s"))
            .expect("server connection closed")
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.out.send(json!({"jsonrpc": "2.0", "method": method, "params": params})).expect("server connection closed");
    }

    /// The id the next request will get (for `$/cancelRequest` tests).
    pub fn next_request_id(&self) -> u64 {
        self.state.lock().unwrap().next_id + 1
    }

    /// `initialize` + `initialized` as an editor with versioned edits and file creation.
    pub async fn initialize(&self, root: &Path, options: Value) -> Value {
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": uri(root),
                    "workspaceFolders": [{"uri": uri(root), "name": "ws"}],
                    "initializationOptions": options,
                    "capabilities": {
                        "workspace": {"applyEdit": true, "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}, "configuration": true},
                        "window": {"workDoneProgress": true},
                        "textDocument": {"synchronization": {"dynamicRegistration": false}}
                    }
                }),
            )
            .await
            .expect("initialize failed");
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&self, path: &Path) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        self.state.lock().unwrap().buffers.insert(path.to_path_buf(), Buffer { text: text.clone(), version: 1 });
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "terraform", "version": 1, "text": text}}),
        );
    }

    pub fn close(&self, path: &Path) {
        self.state.lock().unwrap().buffers.remove(path);
        self.notify("textDocument/didClose", json!({"textDocument": {"uri": uri(path)}}));
    }

    /// Types `text` at a position of an open buffer (an incremental `didChange`).
    pub fn type_text(&self, path: &Path, line: u32, character: u32, text: &str) {
        let mut s = self.state.lock().unwrap();
        let msg = Self::type_locked(&mut s, path, line, character, character, text);
        drop(s);
        self.out.send(msg).expect("server connection closed");
    }

    /// Replaces `[start, end)` characters of one line of an open buffer.
    pub fn replace_on_line(&self, path: &Path, line: u32, start: u32, end: u32, text: &str) {
        let mut s = self.state.lock().unwrap();
        let msg = Self::type_locked(&mut s, path, line, start, end, text);
        drop(s);
        self.out.send(msg).expect("server connection closed");
    }

    fn type_locked(s: &mut State, path: &Path, line: u32, start: u32, end: u32, text: &str) -> Value {
        let buf = s.buffers.get_mut(path).expect("typing into a buffer that is not open");
        let a = offset(&buf.text, line, start);
        let b = offset(&buf.text, line, end);
        buf.text.replace_range(a..b, text);
        buf.version += 1;
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri(path), "version": buf.version},
            "contentChanges": [{"range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}, "text": text}]
        }})
    }

    pub fn type_on_next_apply(&self, typing: Typing) {
        self.state.lock().unwrap().type_on_next_apply.push(typing);
    }

    /// Opens every file an edit creates or touches while closed, reporting the edit's
    /// `didChange` only `late` after answering the edit (see `State::open_late`).
    pub fn open_files_late(&self, late: Duration) {
        self.state.lock().unwrap().open_late = Some(late);
    }

    /// Applies a workspace edit like an editor: all or nothing, refusing edits computed
    /// for another version of an open buffer. Returns the response and the
    /// notifications to send late (with `open_files_late`).
    fn apply_edit(&self, edit: &Value) -> (Value, Vec<Value>) {
        let mut s = self.state.lock().unwrap();
        for t in std::mem::take(&mut s.type_on_next_apply) {
            let msg = Self::type_locked(&mut s, &t.path, t.line, t.character, t.character, &t.text);
            let _ = self.out.send(msg);
        }
        let ops: Vec<Value> = match (edit.get("documentChanges"), edit.get("changes")) {
            (Some(Value::Array(ops)), _) => ops.clone(),
            (_, Some(Value::Object(map))) => map
                .iter()
                .map(|(u, edits)| json!({"textDocument": {"uri": u, "version": null}, "edits": edits}))
                .collect(),
            _ => return (json!({"applied": false, "failureReason": "no changes"}), Vec::new()),
        };
        // Check every versioned edit first.
        for op in &ops {
            if let Some(v) = op["textDocument"]["version"].as_i64() {
                let path = path_of(op["textDocument"]["uri"].as_str().unwrap_or_default());
                let current = s.buffers.get(&path).map(|b| b.version as i64);
                if current != Some(v) {
                    s.refused += 1;
                    let why = format!("{} is at version {current:?}, the edit is for {v}", path.display());
                    return (json!({"applied": false, "failureReason": why}), Vec::new());
                }
            }
        }
        let mut messages = Vec::new();
        let mut late = Vec::new();
        for op in &ops {
            if op.get("kind").and_then(Value::as_str) == Some("create") {
                let path = path_of(op["uri"].as_str().unwrap_or_default());
                if !path.exists() && !s.buffers.contains_key(&path) {
                    s.unsaved.entry(path).or_default();
                }
                continue;
            }
            let path = path_of(op["textDocument"]["uri"].as_str().unwrap_or_default());
            if s.open_late.is_some() && !s.buffers.contains_key(&path) {
                // Opened as it was before the edit; the edit itself arrives late.
                let before = s.unsaved.remove(&path).or_else(|| std::fs::read_to_string(&path).ok()).unwrap_or_default();
                s.buffers.insert(path.clone(), Buffer { text: before.clone(), version: 1 });
                messages.push(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                    "textDocument": {"uri": uri(&path), "languageId": "terraform", "version": 1, "text": before}
                }}));
            }
            let mut edits: Vec<(usize, usize, String, Value)> = Vec::new();
            let current = match s.buffers.get(&path) {
                Some(b) => b.text.clone(),
                None => s.unsaved.get(&path).cloned().or_else(|| std::fs::read_to_string(&path).ok()).unwrap_or_default(),
            };
            for e in op["edits"].as_array().into_iter().flatten() {
                let r = &e["range"];
                let a = offset(&current, r["start"]["line"].as_u64().unwrap() as u32, r["start"]["character"].as_u64().unwrap() as u32);
                let b = offset(&current, r["end"]["line"].as_u64().unwrap() as u32, r["end"]["character"].as_u64().unwrap() as u32);
                edits.push((a, b, e["newText"].as_str().unwrap_or_default().to_string(), r.clone()));
            }
            // From the end backwards, so each edit's range is still valid when applied
            // and when sent as an incremental change.
            edits.sort_by_key(|e| std::cmp::Reverse(e.0));
            let mut text = current;
            let mut changes = Vec::new();
            for (a, b, new, range) in edits {
                text.replace_range(a..b, &new);
                changes.push(json!({"range": range, "text": new}));
            }
            match s.buffers.get_mut(&path) {
                Some(buf) => {
                    let opened_now = buf.version == 1 && s.open_late.is_some() && messages.iter().any(|m| {
                        m["method"] == "textDocument/didOpen" && m["params"]["textDocument"]["uri"] == uri(&path).as_str()
                    });
                    let buf = s.buffers.get_mut(&path).unwrap();
                    buf.text = text;
                    buf.version += 1;
                    let change = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                        "textDocument": {"uri": uri(&path), "version": buf.version}, "contentChanges": changes
                    }});
                    if opened_now {
                        late.push(change);
                    } else {
                        messages.push(change);
                    }
                }
                None => {
                    s.unsaved.insert(path, text);
                }
            }
        }
        drop(s);
        for m in messages {
            let _ = self.out.send(m);
        }
        (json!({"applied": true}), late)
    }

    /// What the user sees for a file: the buffer, else the unsaved edit, else the disk.
    pub fn text(&self, path: &Path) -> Option<String> {
        let s = self.state.lock().unwrap();
        s.buffers
            .get(path)
            .map(|b| b.text.clone())
            .or_else(|| s.unsaved.get(path).cloned())
            .or_else(|| std::fs::read_to_string(path).ok())
    }

    /// Files the server edited that are not open and not saved yet.
    pub fn unsaved_paths(&self) -> Vec<PathBuf> {
        self.state.lock().unwrap().unsaved.keys().cloned().collect()
    }

    pub fn version(&self, path: &Path) -> Option<i32> {
        self.state.lock().unwrap().buffers.get(path).map(|b| b.version)
    }

    /// Writes every buffer and unsaved file to disk (`:wa`).
    pub fn save_all(&self) {
        let mut s = self.state.lock().unwrap();
        for (path, b) in &s.buffers {
            std::fs::write(path, &b.text).unwrap();
        }
        for (path, text) in std::mem::take(&mut s.unsaved) {
            std::fs::write(&path, text).unwrap();
        }
    }

    pub fn refused_edits(&self) -> usize {
        self.state.lock().unwrap().refused
    }

    /// Forgets the notifications received so far (long benchmark runs).
    pub fn clear_notifications(&self) {
        self.state.lock().unwrap().notifications.clear();
    }

    pub fn notifications(&self) -> Vec<(String, Value)> {
        self.state.lock().unwrap().notifications.clone()
    }

    /// Everything received so far, in order (see `State::arrivals`).
    pub fn arrivals(&self) -> Vec<String> {
        self.state.lock().unwrap().arrivals.clone()
    }

    pub fn server_requests(&self) -> Vec<(String, Value)> {
        self.state.lock().unwrap().server_requests.clone()
    }

    /// Waits (at most `secs`) for a notification matching `pred` that arrived after the
    /// first `skip` notifications.
    pub async fn wait_for(&self, skip: usize, secs: u64, pred: impl Fn(&str, &Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let notified = self.arrived.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some((_, p)) =
                self.state.lock().unwrap().notifications.iter().skip(skip).find(|(m, p)| pred(m, p))
            {
                return p.clone();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let seen: Vec<String> = self.notifications().into_iter().map(|(m, _)| m).collect();
                panic!("no matching notification within {secs} s; got {seen:?}");
            }
        }
    }

    /// Diagnostics published for `path` with at least `version`.
    pub async fn diagnostics(&self, path: &Path, version: i32) -> Vec<Value> {
        let u = uri(path);
        let p = self
            .wait_for(0, 20, |m, p| {
                m == "textDocument/publishDiagnostics"
                    && p["uri"] == u
                    && p["version"].as_i64().is_some_and(|v| v >= version as i64)
            })
            .await;
        p["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    pub async fn shutdown(&self) {
        self.request("shutdown", Value::Null).await.expect("shutdown failed");
        self.notify("exit", Value::Null);
    }
}
