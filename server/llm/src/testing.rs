//! A scriptable stand-in for an OpenAI-compatible server, for tests: it listens on
//! 127.0.0.1 on a free port, records every request, and answers each one as a
//! script says — a completion, an HTTP error with `retry-after`, a hang, a body cut
//! short, raw bytes. Used by this crate's tests and available to the CLI's and
//! language server's integration tests so they can run a conversation "with an
//! LLM" without any network.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete HTTP response.
    Http { status: u16, headers: Vec<(String, String)>, body: String },
    /// Headers promising `declared_length` bytes, then `body` (shorter), then the
    /// connection closes: a body cut off in transit.
    CutShort { body: String, declared_length: usize },
    /// Accept the request and never answer (until the server is dropped).
    Hang,
}

impl Reply {
    /// A chat completion whose message content is `content`, with `finish_reason: stop`
    /// and a usage block of 100 prompt and 20 completion tokens.
    pub fn content(content: &str) -> Reply {
        Reply::completion(json!({
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
        }))
    }

    /// A chat completion whose content is `value` serialized as JSON.
    pub fn json(value: Value) -> Reply {
        Reply::content(&value.to_string())
    }

    /// A completion without `finish_reason`: the stream ended early.
    pub fn without_finish_reason(content: &str) -> Reply {
        Reply::completion(json!({
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        }))
    }

    /// A 200 response with an arbitrary JSON body.
    pub fn completion(body: Value) -> Reply {
        Reply::Http { status: 200, headers: vec![], body: body.to_string() }
    }

    /// An error status with an OpenAI-style error body.
    pub fn status(status: u16) -> Reply {
        Reply::Http {
            status,
            headers: vec![],
            body: json!({"error": {"message": format!("test error {status}"), "type": "test"}}).to_string(),
        }
    }

    /// 429 with a `retry-after` header (seconds, may be fractional).
    pub fn rate_limited(retry_after: &str) -> Reply {
        Reply::Http {
            status: 429,
            headers: vec![("retry-after".into(), retry_after.into())],
            body: json!({"error": {"message": "rate limit reached", "type": "rate_limit"}}).to_string(),
        }
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON (`Null` when it was not JSON).
    pub body: Value,
    /// When it arrived, to check backoff delays.
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The content of the last message with `role` in a chat request.
    pub fn message(&self, role: &str) -> Option<&str> {
        self.body["messages"].as_array()?.iter().rev().find(|m| m["role"] == role)?["content"].as_str()
    }
}

type Handler = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

/// The running server; stops when dropped.
pub struct MockApi {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl MockApi {
    /// Answers request `n` (counting from 0) with `script[n]`, repeating the last
    /// reply once the script runs out.
    pub async fn scripted(script: Vec<Reply>) -> MockApi {
        assert!(!script.is_empty(), "a script needs at least one reply");
        MockApi::start(move |n, _| script[n.min(script.len() - 1)].clone()).await
    }

    /// Answers each request with `handler(n, request)`.
    pub async fn start(handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static) -> MockApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a port on 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            // Dropping a JoinSet aborts its tasks, so stopping this loop (when the
            // MockApi is dropped) also ends connections left hanging.
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                while connections.try_join_next().is_some() {}
                connections.spawn(serve(stream, handler.clone(), recorded.clone()));
            }
        });
        MockApi { port, requests, task }
    }

    /// The base URL to configure, e.g. `http://127.0.0.1:40123/v1`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn request_count(&self) -> usize {
        self.requests.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

impl Drop for MockApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, recorded: Arc<Mutex<Vec<Recorded>>>) {
    let Some(request) = read_request(&mut stream).await else { return };
    let n = {
        let mut all = recorded.lock().unwrap_or_else(|p| p.into_inner());
        all.push(request.clone());
        all.len() - 1
    };
    let reply = handler(n, &request);
    let bytes = match reply {
        Reply::Hang => {
            // Longer than any client timeout; dropping the MockApi ends it.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        }
        Reply::Http { status, headers, body } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                reason(status),
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            format!("{head}\r\n{body}")
        }
        Reply::CutShort { body, declared_length } => format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared_length}\r\nconnection: close\r\n\r\n{body}"
        ),
    };
    let _ = stream.write_all(bytes.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        let httparse::Status::Complete(head_len) = req.parse(&buf).ok()? else { continue };
        let headers: Vec<(String, String)> = req
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
            .collect();
        let length: usize =
            headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.trim().parse().ok()).unwrap_or(0);
        let (method, path) = (req.method.unwrap_or_default().to_string(), req.path.unwrap_or_default().to_string());
        while buf.len() < head_len + length {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = serde_json::from_slice(&buf[head_len..head_len + length]).unwrap_or(Value::Null);
        return Some(Recorded { method, path, headers, body, at: Instant::now() });
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
