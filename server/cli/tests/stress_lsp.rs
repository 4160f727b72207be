//! LSP stress test (issue 10): 10,000 incremental edits at random UTF-16 positions on
//! the 39.7k-line corpus file, sent through the real `terraconverse lsp` over stdio,
//! with hover, completion and code-action requests interleaved. The server's copy of
//! the text must equal the client's at checkpoints and at the end, every request must
//! be answered, and resident memory must stay flat while the edits go on.
//!
//! Edits are batched (several `contentChanges` per `didChange`, each relative to the
//! text left by the previous one, as the protocol specifies) so the run takes minutes,
//! not the better part of an hour, while every one of the 10,000 edits is still
//! applied by the server one by one.

#[path = "common_rpc.rs"]
mod common_rpc;

use common_rpc::Client;
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const EDITS: usize = 10_000;
const EDITS_PER_MESSAGE: usize = 10;
/// One request after every this many `didChange` messages.
const REQUEST_EVERY: usize = 4;
/// Server text compared with the client's after every this many messages.
const CHECK_EVERY: usize = 250;

/// A small deterministic generator (xorshift64*), so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Byte offsets where LSP lines start: after `\n`, after `\r\n`, and after a lone `\r`
/// (the protocol's three line breaks), looking only at `text[from..to]`.
fn line_starts_in(text: &[u8], from: usize, to: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    for i in from..to.min(text.len()) {
        match text[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if text.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
    }
    starts
}

/// The client's model of the document: the text and its line starts, kept up to date
/// incrementally, with positions computed in UTF-16 code units independently of the
/// server's rope.
struct Model {
    text: String,
    /// Start byte of every line; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl Model {
    fn new(text: String) -> Self {
        let mut starts = vec![0];
        starts.extend(line_starts_in(text.as_bytes(), 0, text.len()));
        Model { text, starts }
    }

    /// The content of line `line` without its line break: (start byte, content).
    fn line(&self, line: usize) -> (usize, &str) {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(self.text.len());
        (start, self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// A random position on line `line`, on a character boundary: (utf16 column, byte).
    fn position_on(&self, rng: &mut Rng, line: usize) -> (usize, usize) {
        let (start, content) = self.line(line);
        let boundaries: Vec<usize> = content.char_indices().map(|(i, _)| i).chain([content.len()]).collect();
        let byte = boundaries[rng.below(boundaries.len())];
        let col: usize = content[..byte].chars().map(char::len_utf16).sum();
        (col, start + byte)
    }

    /// Replaces `from..to` with `insert` and updates the line starts: a line start at
    /// `p` depends on the bytes at `p - 1` and `p` only, so only starts in
    /// `from..=to + 1` can change; the later ones move by the length difference.
    fn replace(&mut self, from: usize, to: usize, insert: &str) {
        self.text.replace_range(from..to, insert);
        let delta = insert.len() as isize - (to - from) as isize;
        let first = self.starts.partition_point(|&s| s < from.max(1));
        let last = self.starts.partition_point(|&s| s <= to + 1);
        for s in &mut self.starts[last..] {
            *s = (*s as isize + delta) as usize;
        }
        let fresh = line_starts_in(self.text.as_bytes(), from.saturating_sub(1), from + insert.len() + 1);
        let fresh: Vec<usize> = fresh.into_iter().filter(|&s| s >= from.max(1) && s <= from + insert.len() + 1).collect();
        self.starts.splice(first..last, fresh);
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The model keeps exactly the line starts a full scan finds, through inserts and
/// deletions of line breaks of every kind.
#[test]
fn the_client_model_tracks_line_starts_incrementally() {
    let mut model = Model::new("a\r\nbb\ncc\rdd\n".to_string());
    let mut rng = Rng(7);
    let inserts = ["", "x", "\n", "\r\n", "\r", "é😀", "q\nr\r\ns"];
    for _ in 0..2_000 {
        let line = rng.below(model.starts.len());
        let (_, from) = model.position_on(&mut rng, line);
        let line2 = (line + rng.below(3)).min(model.starts.len() - 1);
        let (_, to) = model.position_on(&mut rng, line2);
        let (from, to) = (from.min(to), from.max(to));
        model.replace(from, to, inserts[rng.below(inserts.len())]);
        assert_eq!(model.starts, Model::new(model.text.clone()).starts, "after editing {from}..{to} of {:?}", model.text);
    }
}

/// Asks the server for its copy of the document and compares it with the model.
fn assert_same_text(client: &mut Client, uri: &str, model: &Model, version: usize, when: &str) {
    let response = client.request("$/terraconverse/debug/documentText", json!({"uri": uri}));
    let result = &response["result"];
    let server_text = result["text"].as_str().unwrap_or_else(|| panic!("debug request failed {when}: {response}"));
    assert_eq!(result["version"], json!(version), "{when}: the server has not applied every change");
    if server_text != model.text {
        let at = server_text.bytes().zip(model.text.bytes()).position(|(a, b)| a != b).unwrap_or(server_text.len().min(model.text.len()));
        let show = |t: &str| t.get(at.saturating_sub(40)..(at + 40).min(t.len())).unwrap_or("").to_string();
        panic!(
            "{when}: the server's text differs from the client's at byte {at} (server {} bytes, client {} bytes)\nserver: {:?}\nclient: {:?}",
            server_text.len(),
            model.text.len(),
            show(server_text),
            show(&model.text)
        );
    }
}

#[test]
fn ten_thousand_random_edits_keep_server_and_client_text_identical() {
    let file = repo_root().join("../shared/corpora/terraform-aws-modules/_large/all_modules_concat.tf");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{} is needed for this test: {e}", file.display()));
    assert!(text.lines().count() > 39_000, "expected the 39.7k-line file, got {} lines", text.lines().count());

    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("large.tf");
    std::fs::write(&path, &text).unwrap();
    let uri = format!("file://{}", path.display());

    let started = Instant::now();
    // The server's stderr goes to a file: a panic anywhere, even in a task whose
    // panic the server survives, prints "panicked" there.
    let log_path = work.path().join("server-stderr.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut client = Client::spawn_with_stderr(env!("CARGO_BIN_EXE_terraconverse"), work.path(), log);
    client.initialize(work.path());
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}}));
    let mut model = Model::new(text);
    // The first diagnostics of the whole file are the server's steady state.
    client.wait_notification("textDocument/publishDiagnostics", Duration::from_secs(300), |p| p["uri"] == uri.as_str());
    let rss_start = client.rss_kib();

    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    // Typing, pasting and deleting, with multi-byte characters (2, 3 and 4 bytes; the
    // emoji is two UTF-16 units) and both kinds of line break.
    let inserts = ["x", " ", "é", "😀", "\n", "  tags = {}\n", "# 注释\n", "\"", "{", "}", "${", "\r\n", "resource \"aws_s3_bucket\" \"b\" {\n}\n"];
    let messages = EDITS / EDITS_PER_MESSAGE;
    let mut version = 1;
    let mut answered = 0;
    let mut rss_middle = 0;
    for m in 0..messages {
        let mut changes = Vec::with_capacity(EDITS_PER_MESSAGE);
        for _ in 0..EDITS_PER_MESSAGE {
            let l1 = rng.below(model.starts.len());
            let (c1, b1) = model.position_on(&mut rng, l1);
            // Mostly short edits: an insertion, or a deletion within three lines.
            let (l2, c2, b2) = if rng.below(3) == 0 {
                (l1, c1, b1)
            } else {
                let l2 = (l1 + rng.below(3).min(rng.below(3))).min(model.starts.len() - 1);
                let (c2, b2) = model.position_on(&mut rng, l2);
                if b2 >= b1 { (l2, c2, b2) } else { (l1, c1, b1) }
            };
            let insert = if rng.below(2) == 0 { inserts[rng.below(inserts.len())] } else { "" };
            model.replace(b1, b2, insert);
            changes.push(json!({"range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}, "text": insert}));
        }
        version += 1;
        client.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}));
        // Server notifications are read by the client's reader thread all along; this
        // also answers any server-to-client request without waiting.
        client.pump();

        if m % REQUEST_EVERY == 0 {
            let line = rng.below(model.starts.len());
            let (col, _) = model.position_on(&mut rng, line);
            let pos = json!({"line": line, "character": col});
            let (method, params) = match (m / REQUEST_EVERY) % 3 {
                0 => ("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": pos})),
                1 => ("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": pos})),
                _ => ("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}})),
            };
            let response = client.request(method, params);
            assert!(response.get("error").is_none(), "{method} failed after {} edits: {response}", (m + 1) * EDITS_PER_MESSAGE);
            answered += 1;
        }
        if (m + 1) % CHECK_EVERY == 0 {
            assert_same_text(&mut client, &uri, &model, version, &format!("after {} edits", (m + 1) * EDITS_PER_MESSAGE));
        }
        if m + 1 == messages / 2 {
            rss_middle = client.rss_kib();
        }
    }
    assert_same_text(&mut client, &uri, &model, EDITS / EDITS_PER_MESSAGE + 1, "at the end");
    // Diagnostics of the final text still arrive: the server is alive and caught up.
    let last = client.wait_notification("textDocument/publishDiagnostics", Duration::from_secs(300), |p| {
        p["uri"] == uri.as_str() && p["version"] == json!(version)
    });
    assert!(last.is_some(), "no diagnostics for the final version {version}");
    let rss_end = client.rss_kib();
    let elapsed = started.elapsed();
    eprintln!(
        "stress_lsp: {EDITS} edits in {messages} didChange messages, {answered} requests answered, {:.1} s; VmRSS start {} MiB, middle {} MiB, end {} MiB",
        elapsed.as_secs_f64(),
        rss_start / 1024,
        rss_middle / 1024,
        rss_end / 1024
    );
    assert!(rss_start > 0 && rss_middle > 0 && rss_end > 0, "could not read the server's VmRSS");
    // Flat: the second half of the edits must not grow memory beyond allocator noise.
    // Growth proportional to the edit count (an undo log, a leaked copy per change)
    // would add well over this.
    let growth = rss_end.saturating_sub(rss_middle);
    assert!(growth <= rss_middle / 4 + 16 * 1024, "VmRSS grew from {} KiB (middle) to {} KiB (end)", rss_middle, rss_end);
    client.shutdown();
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(!log.contains("panicked"), "the server panicked during the stress run:\n{log}");
}
