//! Through the real server: after every keystroke of a random typing session on a real
//! corpus module, the diagnostics published from the incremental, cached analysis are
//! exactly those a fresh analysis of the client's text gives.

mod common;

use common::*;
use serde_json::{json, Value};
use std::str::FromStr;
use tc_lsp::config::Config;
use tc_lsp::document::TextDocument;
use tower_lsp_server::ls_types::Uri;

#[tokio::test]
async fn published_diagnostics_after_each_edit_equal_a_fresh_analysis() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/terraform-aws-modules/terraform-aws-s3-bucket/main.tf");
    // An insecure bucket first, so there are findings for the edits to move and change.
    let text = format!("resource \"aws_s3_bucket\" \"open\" {{\n  bucket = \"open\"\n}}\n\n{}", std::fs::read_to_string(corpus).unwrap());
    let h = harness(&[("main.tf", &text)], json!({ "terraconverse": { "diagnostics": { "debounceMs": 0 } } })).await;
    let main = h.path("main.tf");
    let uri = Uri::from_str(&tc_lsp::testing::uri(&main)).unwrap();
    h.client.open(&main);
    let first = h.client.diagnostics(&main, 1).await;
    assert!(first.iter().all(|d| d["code"] != "syntax"), "{first:?}");
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut rand = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let (mut broken, mut with_findings) = (0, 0);
    for step in 0..40 {
        let current = h.client.text(&main).unwrap();
        let lines: Vec<&str> = current.split('\n').collect();
        let line = rand(lines.len());
        let character = rand(lines[line].chars().count() + 1);
        let typed = ["x", "\"", "{", "}", " = true", "# note", "0.0.0.0/0"][rand(7)];
        h.client.type_text(&main, line as u32, character as u32, typed);
        let diags = check(&h, &main, &uri, &format!("step {step}: typed {typed:?} at {line}:{character}")).await;
        broken += usize::from(diags.iter().any(|d| d["code"] == "syntax"));
        with_findings += usize::from(diags.iter().any(|d| d["source"] == "terraconverse-security"));
        // Like a user correcting a typo: an edit that broke the file is taken back.
        if diags.iter().any(|d| d["code"] == "syntax") {
            let end = character + typed.chars().count();
            h.client.replace_on_line(&main, line as u32, character as u32, end as u32, "");
            check(&h, &main, &uri, &format!("step {step}: undo")).await;
        }
    }
    assert!(broken > 0 && with_findings > 0, "the session covered broken text ({broken}) and findings ({with_findings})");
}

/// Waits for the diagnostics of the current version and compares them with a fresh
/// analysis of the client's text; returns them.
async fn check(h: &Harness, main: &std::path::Path, uri: &Uri, what: &str) -> Vec<Value> {
    let version = h.client.version(main).unwrap();
    let published = h.client.diagnostics(main, version).await;
    let doc = TextDocument::new(&h.client.text(main).unwrap(), version, "terraform");
    let fresh = serde_json::to_value(tc_lsp::diagnostics::analyse(&doc, uri, &Config::default()).all()).unwrap();
    assert_eq!(Value::Array(published.clone()), fresh, "{what}");
    published
}
