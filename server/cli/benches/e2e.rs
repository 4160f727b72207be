//! End-to-end benchmarks of the built binary, the numbers a user notices: start to
//! `initialize` response, diagnostics after `didChange` on the large corpus files
//! (full and incremental sync), completion and code-action latency over the
//! protocol, resident memory with the whole corpus open, and `check` against
//! checkov. Prints one `RESULT name|median|unit|target` line per figure (read by
//! `tests/bench.sh`, which writes docs/benchmarks.md).

#[path = "../tests/common_rpc.rs"]
mod common_rpc;

use common_rpc::Client;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn result(name: &str, value: f64, unit: &str, target: &str) {
    println!("RESULT {name}|{value:.3}|{unit}|{target}");
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn corpus() -> PathBuf {
    repo_root().join("../shared/corpora/terraform-aws-modules")
}

fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            tf_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "tf") {
            out.push(p);
        }
    }
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_terraconverse")
}

fn start_to_initialize(work: &Path) {
    let mut samples = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let mut c = Client::spawn(bin(), work);
        c.initialize(work);
        samples.push(t.elapsed().as_secs_f64() * 1e3);
        c.shutdown();
    }
    result("lsp: start to initialize response", median(samples), "ms", "-");
}

/// Time from a `didChange` to the `publishDiagnostics` for that version.
fn diagnostics_after_change(work: &Path) {
    let mut large = Vec::new();
    tf_files(&corpus().join("_large"), &mut large);
    large.sort_by_key(|p| std::fs::metadata(p).unwrap().len());
    for file in large {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = text.lines().count();
        let path = work.join(file.file_name().unwrap());
        std::fs::write(&path, &text).unwrap();
        let mut c = Client::spawn(bin(), work);
        c.initialize(work);
        let u = uri(&path);
        c.notify("textDocument/didOpen", json!({"textDocument": {"uri": u, "languageId": "terraform", "version": 1, "text": text}}));
        let _ = c.wait_notification("textDocument/publishDiagnostics", Duration::from_secs(30), |p| p["uri"] == u);
        let mut full = Vec::new();
        let mut incremental = Vec::new();
        let mut version = 1;
        for round in 0..12 {
            version += 1;
            let t = Instant::now();
            if round % 2 == 0 {
                c.notify("textDocument/didChange", json!({"textDocument": {"uri": u, "version": version}, "contentChanges": [{"text": text}]}));
            } else {
                // Type one character into a comment-free spot: the end of the first line and back.
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": u, "version": version}, "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "\n"}]}),
                );
            }
            let got = c.wait_notification("textDocument/publishDiagnostics", Duration::from_secs(30), |p| p["uri"] == u && p["version"] == json!(version));
            let ms = t.elapsed().as_secs_f64() * 1e3;
            if got.is_some() {
                if round % 2 == 0 { full.push(ms) } else { incremental.push(ms) }
            }
        }
        if !full.is_empty() {
            result(&format!("lsp: didChange (full) to diagnostics, {lines} lines"), median(full), "ms", "≤ 50 ms + debounce");
        }
        if !incremental.is_empty() {
            result(&format!("lsp: didChange (incremental) to diagnostics, {lines} lines"), median(incremental), "ms", "≤ 50 ms + debounce");
        }
        if lines > 39_000 {
            request_latency(&mut c, &u, &text);
        }
        c.shutdown();
    }
}

fn request_latency(c: &mut Client, u: &str, text: &str) {
    // Inside the first resource block: where completion and code actions are asked for.
    let line = text.lines().position(|l| l.starts_with("resource ")).unwrap_or(0) + 1;
    let pos = json!({"line": line, "character": 2});
    let mut completion = Vec::new();
    let mut action = Vec::new();
    for _ in 0..40 {
        let t = Instant::now();
        c.request("textDocument/completion", json!({"textDocument": {"uri": u}, "position": pos}));
        completion.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        c.request("textDocument/codeAction", json!({"textDocument": {"uri": u}, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}));
        action.push(t.elapsed().as_secs_f64() * 1e3);
    }
    result("lsp: completion round trip (39.7k-line file)", median(completion), "ms", "≤ 5 ms");
    result("lsp: code action round trip (39.7k-line file)", median(action), "ms", "< 0.5 ms in-process");
}

fn memory_with_corpus_open(work: &Path) {
    let mut files = Vec::new();
    tf_files(&corpus(), &mut files);
    let mut c = Client::spawn(bin(), work);
    c.initialize(work);
    let baseline = c.rss_kib();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri(f), "languageId": "terraform", "version": 1, "text": text}}));
    }
    // A request answered after every open has been processed.
    c.request("textDocument/hover", json!({"textDocument": {"uri": uri(&files[0])}, "position": {"line": 0, "character": 0}}));
    std::thread::sleep(Duration::from_secs(3));
    result("lsp: resident memory, idle after initialize", baseline as f64 / 1024.0, "MiB", "-");
    result(&format!("lsp: resident memory with the whole corpus open ({} files)", files.len()), c.rss_kib() as f64 / 1024.0, "MiB", "≤ 150 MB");
    c.shutdown();
}

fn check_vs_checkov() {
    let checkov = repo_root().join("../shared/tools/checkov-scan/checkov-scan");
    let dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.ends_with("_large"))
        .collect();
    let time = |cmd: &mut Command| {
        let t = Instant::now();
        let _ = cmd.output().expect("run");
        t.elapsed().as_secs_f64()
    };
    let mut ours = 0.0;
    let mut theirs = 0.0;
    for d in &dirs {
        // Best of three for ours (milliseconds, noisy); one run of checkov (seconds).
        ours += (0..3).map(|_| time(Command::new(bin()).arg("check").arg(d).arg("--format").arg("json"))).fold(f64::MAX, f64::min);
        theirs += time(Command::new(&checkov).arg(d));
    }
    result("check: terraconverse check, corpus directories", ours * 1e3, "ms", "-");
    result("check: checkov-scan, same directories", theirs * 1e3, "ms", "-");
    result("check: speed-up over checkov", theirs / ours, "x", "≥ 100×");
}

fn main() {
    // `cargo bench` passes `--bench`; a filter word selects parts.
    // tests/bench.sh also passes criterion's options with their values
    // (`--measurement-time 2`): a number is an option's value, never a filter word.
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--") && a.parse::<f64>().is_err()).collect();
    let want = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let work = tempfile::tempdir().unwrap();
    if want("start") {
        start_to_initialize(work.path());
    }
    if want("diagnostics") {
        diagnostics_after_change(work.path());
    }
    if want("memory") {
        memory_with_corpus_open(work.path());
    }
    if want("check") {
        check_vs_checkov();
    }
}
