//! The editor features besides the conversation: diagnostics per source (syntax,
//! security rules, schema), debouncing, clearing on close, hover, completion and code
//! actions, all through the protocol.

mod common;

use common::*;
use serde_json::{json, Value};

const INSECURE: &str = "# Storage for the team 📦 — naïve config\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"team-logs\"\n}\n\nresource \"aws_db_instance\" \"db\" {\n  engine              = \"postgres\"\n  instance_class      = \"db.t3.micro\"\n  allocated_storage   = 20\n  username            = \"app\"\n  password            = var.password\n  storage_encrypted   = false\n  publicly_accessible = true\n}\n\nvariable \"password\" {\n  type      = string\n  sensitive = true\n}\n";

fn opts(debounce: u64) -> Value {
    json!({ "terraconverse": { "diagnostics": { "debounceMs": debounce } } })
}

fn sources(diags: &[Value]) -> Vec<String> {
    let mut s: Vec<String> = diags.iter().map(|d| d["source"].as_str().unwrap_or("").to_string()).collect();
    s.sort();
    s.dedup();
    s
}

#[tokio::test]
async fn syntax_errors_are_reported_with_their_span_and_fixed_errors_disappear() {
    let h = harness(&[("main.tf", MAIN_TF)], opts(0)).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    assert!(h.client.diagnostics(&main, 1).await.iter().all(|d| d["source"] != "terraconverse"));
    // Break the VPC's CIDR line: `cidr_block = = "10.0.0.0/16"` (line 3, after "cidr_block ").
    h.client.type_text(&main, 3, 14, "= ");
    let diags = h.client.diagnostics(&main, 2).await;
    let syntax: Vec<_> = diags.iter().filter(|d| d["code"] == "syntax").collect();
    assert_eq!(syntax.len(), 1, "{diags:?}");
    assert_eq!(syntax[0]["range"]["start"], json!({ "line": 3, "character": 14 }), "{diags:?}");
    assert_eq!(syntax[0]["range"]["end"]["line"], 3);
    h.client.replace_on_line(&main, 3, 14, 16, "");
    let diags = h.client.diagnostics(&main, 3).await;
    assert!(diags.iter().all(|d| d["code"] != "syntax"), "{diags:?}");
}

#[tokio::test]
async fn security_and_schema_findings_are_published_per_source_and_cleared_on_close() {
    let h = harness(&[("main.tf", INSECURE)], opts(0)).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    let diags = h.client.diagnostics(&main, 1).await;
    assert!(sources(&diags).contains(&"terraconverse-security".to_string()), "{diags:#?}");
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.iter().any(|c| c.starts_with("TC-")), "{codes:?}");
    // A schema error: an argument that does not exist.
    h.client.type_text(&main, 3, 0, "  bukket_prefix = \"x\"\n");
    let diags = h.client.diagnostics(&main, 2).await;
    let schema: Vec<_> = diags.iter().filter(|d| d["source"] == "terraconverse-schema").collect();
    assert!(!schema.is_empty(), "{diags:#?}");
    assert!(schema.iter().any(|d| d["range"]["start"]["line"] == 3), "{schema:#?}");
    assert!(sources(&diags).contains(&"terraconverse-security".to_string()));
    h.client.close(&main);
    let cleared = h.client.wait_for(0, 10, |m, p| m == "textDocument/publishDiagnostics" && p["version"].is_null()).await;
    assert_eq!(cleared["diagnostics"], json!([]));
}

#[tokio::test]
async fn diagnostics_are_debounced_while_typing() {
    let h = harness(&[("main.tf", MAIN_TF)], opts(300)).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    h.client.diagnostics(&main, 1).await;
    for (i, c) in "# a quick burst of typing".chars().enumerate() {
        h.client.type_text(&main, 0, i as u32, &c.to_string());
    }
    let last = h.client.version(&main).unwrap();
    h.client.diagnostics(&main, last).await;
    let published: Vec<i64> = h
        .client
        .notifications()
        .iter()
        .filter(|(m, _)| m == "textDocument/publishDiagnostics")
        .filter_map(|(_, p)| p["version"].as_i64())
        .collect();
    // The open publishes once; the burst of 25 changes publishes once, for its last version.
    assert_eq!(published, vec![1, last as i64], "{published:?}");
}

#[tokio::test]
async fn hover_shows_rule_docs_and_schema_descriptions() {
    let h = harness(&[("main.tf", INSECURE)], opts(0)).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    let diags = h.client.diagnostics(&main, 1).await;
    let finding = diags.iter().find(|d| d["source"] == "terraconverse-security").expect("no security finding");
    let hover = h
        .client
        .request("textDocument/hover", json!({ "textDocument": { "uri": tc_lsp::testing::uri(&main) }, "position": finding["range"]["start"] }))
        .await
        .unwrap();
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains(finding["code"].as_str().unwrap()), "{hover}");
    // On the resource type: the schema's description.
    let hover = h
        .client
        .request("textDocument/hover", json!({ "textDocument": { "uri": tc_lsp::testing::uri(&main) }, "position": { "line": 1, "character": 14 } }))
        .await
        .unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap_or_default().contains("aws_s3_bucket"), "{hover}");
}

#[tokio::test]
async fn completion_offers_schema_arguments() {
    let h = harness(&[("main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  buc\n}\n")], opts(0)).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    let result = h
        .client
        .request("textDocument/completion", json!({ "textDocument": { "uri": tc_lsp::testing::uri(&main) }, "position": { "line": 1, "character": 5 } }))
        .await
        .unwrap();
    let labels: Vec<&str> = result.as_array().unwrap().iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"bucket"), "{labels:?}");
}

#[tokio::test]
async fn code_actions_offer_the_conversation_scoped_to_the_block_and_quick_fixes() {
    let h = harness(&[("main.tf", &format!("{MAIN_TF}\n{INSECURE}"))], opts(0)).await;
    let main = h.path("main.tf");
    let uri = tc_lsp::testing::uri(&main);
    h.client.open(&main);
    let diags = h.client.diagnostics(&main, 1).await;
    let action = |line: u32| {
        let client = h.client.clone();
        let uri = uri.clone();
        let diags = diags.clone();
        async move {
            client
                .request(
                    "textDocument/codeAction",
                    json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": line, "character": 2 }, "end": { "line": line, "character": 2 } }, "context": { "diagnostics": diags } }),
                )
                .await
                .unwrap()
        }
    };
    // On the VPC: scoped to it.
    let actions = action(3).await;
    let generate = actions.as_array().unwrap().iter().find(|a| a["command"]["command"] == "terraconverse.startConversation").unwrap();
    assert_eq!(generate["command"]["arguments"][0]["scope"], "aws_vpc.main", "{generate}");
    assert_eq!(generate["title"], "Generate resource conversationally (with aws_vpc.main)");
    // Between blocks: unscoped.
    let actions = action(0).await;
    let generate = actions.as_array().unwrap().iter().find(|a| a["command"]["command"] == "terraconverse.startConversation").unwrap();
    assert!(generate["command"]["arguments"][0]["scope"].is_null());
    // On a finding with a fix: a quick fix whose edit removes the finding.
    let with_fix = diags.iter().filter(|d| d["source"] == "terraconverse-security").find_map(|d| {
        let line = d["range"]["start"]["line"].as_u64()? as u32;
        Some(line)
    });
    let mut fixed_any = false;
    for d in diags.iter().filter(|d| d["source"] == "terraconverse-security") {
        let line = d["range"]["start"]["line"].as_u64().unwrap() as u32;
        let actions = action(line).await;
        if let Some(fix) = actions.as_array().unwrap().iter().find(|a| a["kind"] == "quickfix" && a["diagnostics"][0]["code"] == d["code"]) {
            let edits = fix["edit"]["changes"][&uri].as_array().unwrap();
            let text = h.client.text(&main).unwrap();
            let mut fixed = text.clone();
            let mut sorted: Vec<_> = edits.iter().collect();
            sorted.sort_by_key(|e| std::cmp::Reverse((e["range"]["start"]["line"].as_u64(), e["range"]["start"]["character"].as_u64())));
            for e in sorted {
                let a = tc_lsp::testing::offset(&fixed, e["range"]["start"]["line"].as_u64().unwrap() as u32, e["range"]["start"]["character"].as_u64().unwrap() as u32);
                let b = tc_lsp::testing::offset(&fixed, e["range"]["end"]["line"].as_u64().unwrap() as u32, e["range"]["end"]["character"].as_u64().unwrap() as u32);
                fixed.replace_range(a..b, e["newText"].as_str().unwrap());
            }
            assert!(fixed.starts_with(MAIN_TF), "a fix touched the user's VPC");
            let after = tc_rules::check(&[("main.tf", &fixed)]);
            assert!(
                !after.findings.iter().any(|f| f.rule == d["code"].as_str().unwrap() && f.start_line == (line + 1) as usize),
                "fix {} did not remove {}",
                fix["title"],
                d["code"]
            );
            fixed_any = true;
        }
    }
    assert!(with_fix.is_some() && fixed_any, "no quick fix offered for {diags:#?}");
}
