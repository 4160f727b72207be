//! The in-process harness: the server and the test client joined by a duplex pipe,
//! in a temporary workspace folder.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tc_lsp::logging::LogLevel;
use tc_lsp::testing::TestClient;

pub const MAIN_TF: &str = "# Network owned by the platform team — do not change 🚀\n# Ünïcödé: Straße, 東京, naïve café\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\" # keep\n\n  tags = {\n    Name = \"main\"\n  }\n}\n";

pub struct Harness {
    pub client: TestClient,
    pub dir: tempfile::TempDir,
    pub server: tokio::task::JoinHandle<()>,
}

impl Harness {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub async fn start_conversation(&self, request: &str) -> Value {
        self.client.request("terraconverse/start", json!({ "request": request })).await.expect("start failed")
    }

    /// Starts a conversation writing every block into one file of the folder.
    pub async fn start_in(&self, request: &str, file: &str) -> Value {
        let target = tc_lsp::testing::uri(&self.path(file));
        self.client
            .request("terraconverse/start", json!({ "request": request, "target": target }))
            .await
            .expect("start failed")
    }

    /// Every `.tf` file of the folder as the user sees it (buffers, unsaved edits, disk).
    pub fn tf_texts(&self) -> std::collections::BTreeMap<String, String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.extend(self.client.unsaved_paths().iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())));
        names.retain(|n| n.ends_with(".tf"));
        names.sort();
        names.dedup();
        names.into_iter().filter_map(|n| self.client.text(&self.path(&n)).map(|t| (n, t))).collect()
    }

    pub async fn answer(&self, id: &str, params: Value) -> Value {
        let mut p = params;
        p["conversation"] = json!(id);
        self.client.request("terraconverse/answer", p).await.expect("answer failed")
    }

    /// Takes the default of every question until the conversation completes.
    pub async fn answer_all_defaults(&self, id: &str, mut turn: Value) -> Value {
        for _ in 0..200 {
            if turn["complete"] == true {
                return turn;
            }
            assert!(turn["question"].is_object(), "no question and not complete: {turn}");
            turn = self.answer(id, json!({ "action": "default" })).await;
            assert!(turn["rejection"].is_null(), "default refused: {turn}");
        }
        panic!("the conversation did not complete in 200 answers");
    }
}

/// A server in a folder holding `files`, initialized with `options`.
pub async fn harness(files: &[(&str, &str)], options: Value) -> Harness {
    let dir = tempfile::Builder::new().prefix("tc-lsp-").tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    connect(dir, options).await
}

pub async fn connect(dir: tempfile::TempDir, options: Value) -> Harness {
    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    let (sr, sw) = tokio::io::split(server_side);
    let (cr, cw) = tokio::io::split(client_side);
    let server = tokio::spawn(async move { tc_lsp::serve(sr, sw, LogLevel::default(), None).await });
    let client = TestClient::spawn(cr, cw);
    client.initialize(dir.path(), options).await;
    Harness { client, dir, server }
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
