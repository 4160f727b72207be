//! In-process protocol tests: the server over a duplex pipe, driven by the test client
//! exactly as an editor would, for every custom method and the standard features.

mod common;

use common::*;
use serde_json::{json, Value};

fn fast() -> Value {
    json!({ "terraconverse": { "diagnostics": { "debounceMs": 0 }, "editSettleMs": 2000 } })
}

/// Engine-owned wording is redacted so the snapshots pin the protocol's shape.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::assert_json_snapshot!($name, $value, {
            ".conversation" => "[id]",
            ".messages[]" => "[text]",
            ".question.text" => "[text]",
            ".question.why" => "[text]",
            ".question.default" => "[default]",
            ".question.example" => "[example]",
            ".question.choices" => "[choices]",
            ".question.costNote" => "[note]",
            ".question.id" => "[question id]",
            ".question.kind" => "[kind]",
            ".question.progress.total" => "[total]",
            ".edit.files[]" => "[uri]",
            ".target" => "[uri]",
            ".file" => "[uri]",
            ".parameters" => "[parameters]",
            ".remaining" => "[remaining]",
            ".warnings[].message" => "[text]",
            ".files[]" => "[uri]",
        })
    };
}

#[tokio::test]
async fn initialize_advertises_the_capabilities() {
    let dir = tempfile::tempdir().unwrap();
    let (client_side, server_side) = tokio::io::duplex(1 << 16);
    let (sr, sw) = tokio::io::split(server_side);
    let (cr, cw) = tokio::io::split(client_side);
    tokio::spawn(async move { tc_lsp::serve(sr, sw, Default::default(), None).await });
    let client = tc_lsp::testing::TestClient::spawn(cr, cw);
    let mut result = client.initialize(dir.path(), json!({})).await;
    result["serverInfo"]["version"] = json!("[version]");
    insta::assert_json_snapshot!("initialize", result);
}

#[tokio::test]
async fn start_answers_with_the_first_question_and_writes_into_the_workspace() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    let turn = h.start_conversation("add a postgres database").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    // The folder has a VPC: the first question offers it, reuse being the default, and
    // nothing is written before the answer.
    assert_eq!(turn["question"]["id"], "reuse.vpc", "{turn}");
    assert_eq!(turn["question"]["kind"], "yesNo", "{turn}");
    assert_eq!(turn["question"]["default"], "yes", "{turn}");
    assert!(turn["question"]["text"].as_str().unwrap().contains("aws_vpc.main"), "{turn}");
    assert_eq!(turn["edit"]["applied"], false, "{turn}");
    assert_eq!(h.tf_texts().len(), 1, "written before the reuse was decided");
    snapshot!("start", &turn);
    // The question also arrives as a notification.
    let q = h.client.wait_for(0, 10, |m, p| m == "terraconverse/question" && p["conversation"] == id.as_str()).await;
    assert_eq!(q["question"], turn["question"]);
    snapshot!("question_notification", &q);
    let turn = h.answer(&id, json!({ "action": "default" })).await;
    assert_eq!(turn["edit"]["applied"], true, "{turn}");
    assert_eq!(turn["question"]["progress"]["current"], 2, "the reuse question counts: {turn}");
    // New blocks go into the generator's files; the user's main.tf is untouched and its
    // VPC reused (no second VPC anywhere).
    assert_eq!(h.client.text(&main).unwrap(), MAIN_TF);
    let all: String = h.tf_texts().into_values().collect();
    assert_eq!(all.matches("resource \"aws_vpc\"").count(), 1, "{all}");
    assert!(turn["messages"].to_string().contains("aws_vpc.main"), "{turn}");
    assert!(h.tf_texts().len() > 1);
    let done = h.answer_all_defaults(&id, turn).await;
    assert_eq!(done["complete"], true);
    let all: String = h.tf_texts().into_values().collect();
    assert!(all.contains("aws_vpc.main.id"), "the VPC is not referenced:\n{all}");
    assert_eq!(all.matches("resource \"aws_vpc\"").count(), 1, "{all}");
    assert_eq!(h.client.text(&main).unwrap(), MAIN_TF);
}

#[tokio::test]
async fn answer_back_change_status_list_and_cancel() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    h.client.open(&h.path("main.tf"));
    let turn = h.start_conversation("add a postgres database in Frankfurt").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    assert_eq!(turn["question"]["id"], "reuse.vpc", "{turn}");
    let reused = h.answer(&id, json!({ "text": "yes" })).await;
    let first_q = reused["question"]["id"].clone();

    let answered = h.answer(&id, json!({ "action": "default" })).await;
    assert!(answered["rejection"].is_null(), "{answered}");
    assert_ne!(answered["question"]["id"], first_q);
    snapshot!("answer", &answered);

    let rejected = h.answer(&id, json!({ "text": "🚀🚀 definitely not a valid answer 🚀🚀" })).await;
    if !rejected["rejection"].is_null() {
        assert!(rejected["edit"].is_null(), "a rejected answer wrote something: {rejected}");
        assert_eq!(rejected["question"]["id"], answered["question"]["id"]);
    }

    // Status: the region (stated in the request, so not asked), what was collected,
    // what remains (the current question first) and what is reused.
    let status = h.client.request("terraconverse/status", json!({ "conversation": id })).await.unwrap();
    assert_eq!(status["request"], "add a postgres database in Frankfurt");
    assert_eq!(status["region"], "eu-central-1", "{status}");
    let remaining: Vec<&str> = status["remaining"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(remaining.first().copied(), answered["question"]["id"].as_str(), "{status}");
    assert!(!remaining.contains(&"region") && !remaining.contains(&first_q.as_str().unwrap()), "{status}");
    let collected = status["parameters"].as_array().unwrap();
    assert!(collected.iter().any(|p| p.as_str().unwrap().starts_with("rds_instance.engine = postgres")), "{status}");
    assert_eq!(status["reused"], json!(["vpc = aws_vpc.main"]), "{status}");
    snapshot!("status", &status);

    let back = h.client.request("terraconverse/back", json!({ "conversation": id })).await.unwrap();
    assert_eq!(back["question"]["id"], first_q, "{back}");
    snapshot!("back", &back);
    // Back from the first question after the reuse question asks that one again.
    let back = h.client.request("terraconverse/back", json!({ "conversation": id })).await.unwrap();
    assert_eq!(back["question"]["id"], "reuse.vpc", "{back}");
    let list = h.client.request("terraconverse/list", Value::Null).await.unwrap();
    assert_eq!(list["conversations"][0]["progress"]["current"], 1, "{list}");
    insta::assert_json_snapshot!("list", list, {
        ".conversations[].conversation" => "[id]",
        ".conversations[].target" => "[uri]",
        ".conversations[].progress.total" => "[total]",
    });

    let list = h.client.request("terraconverse/list", Value::Null).await.unwrap();
    assert_eq!(list["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(list["conversations"][0]["conversation"], id.as_str());

    let cancelled = h.client.request("terraconverse/cancel", json!({ "conversation": id })).await.unwrap();
    assert_eq!(cancelled, json!({ "conversation": id, "cancelled": true }));
    snapshot!("cancel", &cancelled);
    let list = h.client.request("terraconverse/list", Value::Null).await.unwrap();
    assert_eq!(list["conversations"], json!([]));
    assert!(!h.path(&format!(".terraconverse/conversations/{id}.json")).exists());
    let err = h.client.request("terraconverse/answer", json!({ "conversation": id, "text": "x" })).await.unwrap_err();
    assert_eq!(err["code"], -32602);
    assert!(err["message"].as_str().unwrap().contains("terraconverse/list"), "{err}");
}

#[tokio::test]
async fn bad_requests_get_clear_errors() {
    let h = harness(&[], fast()).await;
    let err = h.client.request("terraconverse/start", json!({ "request": "   " })).await.unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("empty"), "{err}");
    let err = h.client.request("terraconverse/start", json!({ "request": "qwxz blorp" })).await.unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("Try naming"), "{err}");
    let err = h.client.request("terraconverse/answer", json!({ "conversation": "nope" })).await.unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("`action`"), "{err}");
    let err = h.client.request("terraconverse/answer", json!({ "conversation": "nope", "text": "yes" })).await.unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("nope"), "{err}");
    let err = h
        .client
        .request("terraconverse/start", json!({ "request": "an s3 bucket", "target": "file:///does/not/exist" }))
        .await
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("does not exist"), "{err}");
}

#[tokio::test]
async fn changing_an_answer_rewrites_one_attribute_in_place() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    let turn = h.start_in("add a postgres database", "main.tf").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    let done = h.answer_all_defaults(&id, turn).await;
    assert_eq!(done["complete"], true);
    let complete = h.client.wait_for(0, 10, |m, _| m == "terraconverse/complete").await;
    assert!(complete["files"].as_array().is_some_and(|f| f.iter().any(|u| u.as_str().unwrap().ends_with("/main.tf"))), "{complete}");
    snapshot!("complete_notification", &complete);
    let before = h.client.text(&main).unwrap();
    let edits_before = h.client.server_requests().len();
    let changed = h
        .client
        .request("terraconverse/change", json!({ "conversation": id, "target": "instance_class", "value": "db.t3.large" }))
        .await
        .unwrap();
    assert!(changed["rejection"].is_null(), "{changed}");
    snapshot!("change", &changed);
    let after = h.client.text(&main).unwrap();
    assert!(after.contains("db.t3.large"), "{after}");
    let requests = h.client.server_requests();
    let edit = &requests[edits_before..].iter().find(|(m, _)| m == "workspace/applyEdit").expect("no edit").1;
    let ops = edit["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(ops.len(), 1, "{edit}");
    let edits = ops[0]["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edit}");
    // Only the value changed: the replaced text is within one line.
    assert_eq!(edits[0]["range"]["start"]["line"], edits[0]["range"]["end"]["line"], "{edit}");
    let diff_lines: Vec<_> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(diff_lines.len(), 1, "{diff_lines:?}");
}

#[tokio::test]
async fn typing_between_question_and_answer_loses_nothing() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    let turn = h.start_in("add a postgres database", "main.tf").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    // The user types at the top, in the middle of their VPC, and at the end.
    h.client.type_text(&main, 0, 0, "# typed at the top ✍️\n");
    h.client.type_text(&main, 4, 0, "  # typed inside the VPC 🙂\n");
    let end_line = h.client.text(&main).unwrap().lines().count() as u32;
    h.client.type_text(&main, end_line, 0, "\n# typed at the end ü\n");
    let done = h.answer_all_defaults(&id, turn).await;
    assert_eq!(done["complete"], true);
    // ... and once more while the next edit is on its way, so that edit is refused as
    // stale and the server must recompute it against the new text.
    h.client.type_on_next_apply(tc_lsp::testing::Typing {
        path: main.clone(),
        line: 1,
        character: 0,
        text: "# typed during the edit 🛸\n".into(),
    });
    let changed = h
        .client
        .request("terraconverse/change", json!({ "conversation": id, "target": "instance_class", "value": "db.t3.large" }))
        .await
        .unwrap();
    assert_eq!(h.client.refused_edits(), 1, "the stale edit was not refused: {changed}\n{:?}", h.client.server_requests().last());
    assert_eq!(changed["edit"]["applied"], true, "{changed}");
    assert!(changed["edit"]["failure"].is_null(), "{changed}");
    assert!(h.client.text(&main).unwrap().contains("\"db.t3.large\""));
    let text = h.client.text(&main).unwrap();
    for typed in ["# typed at the top ✍️\n", "  # typed inside the VPC 🙂\n", "# typed at the end ü\n", "# typed during the edit 🛸\n"] {
        assert_eq!(text.matches(typed).count(), 1, "lost or duplicated {typed:?}:\n{text}");
    }
    assert!(text.contains("resource \"aws_db_instance\""), "{text}");
    assert!(tc_edit::syntax_error(&text).is_none(), "{text}");
}

#[tokio::test]
async fn emoji_and_non_ascii_before_the_edit_point_keep_positions_right() {
    let prefix = "# 🚀🛸🧪 emojis (astral: two UTF-16 units each) — and naïve café, 東京, Ωμέγα\n";
    let h = harness(&[("main.tf", &format!("{prefix}{MAIN_TF}"))], fast()).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    let turn = h.start_in("add a postgres database", "main.tf").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    // Edits land after the non-ASCII text; a later in-place change must hit the right bytes.
    h.client.type_text(&main, 0, 2, "🎉");
    let done = h.answer_all_defaults(&id, turn).await;
    assert_eq!(done["complete"], true);
    h.client
        .request("terraconverse/change", json!({ "conversation": id, "target": "instance_class", "value": "db.t3.large" }))
        .await
        .unwrap();
    let text = h.client.text(&main).unwrap();
    assert!(text.starts_with(&format!("# 🎉{}{MAIN_TF}", &prefix[2..])), "{text}");
    assert!(text.contains("\"db.t3.large\""), "{text}");
    assert!(tc_edit::syntax_error(&text).is_none(), "{text}");
}

#[tokio::test]
async fn a_deleted_block_is_asked_about_not_resurrected() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    let turn = h.start_in("add a postgres database", "main.tf").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    let mut turn = turn;
    // Answer until the database block exists.
    for _ in 0..100 {
        if h.client.text(&main).unwrap().contains("resource \"aws_db_instance\"") || turn["complete"] == true {
            break;
        }
        turn = h.answer(&id, json!({ "action": "default" })).await;
    }
    let text = h.client.text(&main).unwrap();
    let start = text.find("resource \"aws_db_instance\"").expect("no database block written");
    let end = start + text[start..].find("\n}\n").unwrap() + 3;
    // The user deletes the whole block.
    let (l0, c0) = tc_lsp::testing::position(&text, start);
    let (l1, _) = tc_lsp::testing::position(&text, end);
    assert_eq!(c0, 0);
    for line in (l0..l1).rev() {
        let len = text.lines().nth(line as usize).unwrap().encode_utf16().count() as u32;
        h.client.replace_on_line(&main, line, 0, len, "");
    }
    let deleted = h.client.text(&main).unwrap();
    assert!(!deleted.contains("resource \"aws_db_instance\""));
    let skip = h.client.notifications().len();
    let turn = if turn["complete"] == true {
        h.client.request("terraconverse/change", json!({ "conversation": id, "target": "instance_class", "value": "db.t3.large" })).await.unwrap()
    } else {
        h.answer(&id, json!({ "action": "default" })).await
    };
    assert!(!h.client.text(&main).unwrap().contains("resource \"aws_db_instance\""), "the block was resurrected");
    let conflict = h.client.wait_for(skip, 10, |m, _| m == "terraconverse/conflict").await;
    assert_eq!(conflict["kind"], "deleted");
    assert!(conflict["address"].as_str().unwrap().starts_with("resource.aws_db_instance."), "{conflict}");
    assert!(turn["conflicts"].as_array().is_some_and(|c| !c.is_empty()), "{turn}");
    snapshot!("conflict", &conflict);

    // The user asks for it back.
    let resolved = h
        .client
        .request("terraconverse/resolve", json!({ "conversation": id, "address": conflict["address"], "resolution": "regenerate" }))
        .await
        .unwrap();
    assert_eq!(resolved["conflicts"], json!([]), "{resolved}");
    snapshot!("resolve", &resolved);
    assert!(h.client.text(&main).unwrap().contains("resource \"aws_db_instance\""));
    let err = h
        .client
        .request("terraconverse/resolve", json!({ "conversation": id, "address": "resource.aws_s3_bucket.nope", "resolution": "keepMine" }))
        .await
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("not in conflict"), "{err}");
}

#[tokio::test]
async fn conversations_resume_after_a_restart() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    h.client.open(&h.path("main.tf"));
    let turn = h.start_conversation("add a postgres database").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    let turn = h.answer(&id, json!({ "action": "default" })).await;
    let question = turn["question"]["id"].clone();
    h.client.save_all();
    h.client.shutdown().await;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), h.server).await;
    assert!(h.dir.path().join(format!(".terraconverse/conversations/{id}.json")).exists());

    let h2 = connect(h.dir, fast()).await;
    let list = h2.client.request("terraconverse/list", Value::Null).await.unwrap();
    assert_eq!(list["conversations"][0]["conversation"], id.as_str(), "{list}");
    let status = h2.client.request("terraconverse/status", json!({ "conversation": id })).await.unwrap();
    assert_eq!(status["question"]["id"], question, "{status}");
    let next = h2.answer(&id, json!({ "action": "default" })).await;
    assert!(next["rejection"].is_null(), "{next}");
}

#[tokio::test]
async fn several_conversations_at_once() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    h.client.open(&h.path("main.tf"));
    let a = h.start_conversation("add a postgres database").await;
    let b = h.start_conversation("an s3 bucket for backups").await;
    let (ida, idb) = (a["conversation"].as_str().unwrap(), b["conversation"].as_str().unwrap());
    assert_ne!(ida, idb);
    let (ra, rb) = tokio::join!(h.answer_all_defaults(ida, a.clone()), h.answer_all_defaults(idb, b.clone()));
    assert!(ra["complete"] == true && rb["complete"] == true);
    let list = h.client.request("terraconverse/list", Value::Null).await.unwrap();
    assert_eq!(list["conversations"].as_array().unwrap().len(), 2);
    let texts = h.tf_texts();
    let all: String = texts.values().cloned().collect();
    assert!(all.contains("aws_db_instance") && all.contains("aws_s3_bucket"), "{all}");
    for (name, text) in texts {
        assert!(tc_edit::syntax_error(&text).is_none(), "{name}:\n{text}");
    }
}

#[tokio::test]
async fn slow_calls_report_progress() {
    let h = harness(&[], fast()).await;
    h.start_conversation("an s3 bucket").await;
    let requests = h.client.server_requests();
    assert!(requests.iter().any(|(m, _)| m == "window/workDoneProgress/create"), "{requests:?}");
    let begin = h.client.wait_for(0, 5, |m, p| m == "$/progress" && p["value"]["kind"] == "begin").await;
    assert_eq!(begin["value"]["title"], "TerraConverse");
    h.client.wait_for(0, 5, |m, p| m == "$/progress" && p["value"]["kind"] == "end").await;
}

#[tokio::test]
async fn a_panicking_handler_answers_an_error_and_the_server_lives_on() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    let err = h.client.request(tc_lsp::debug::PANIC, Value::Null).await.unwrap_err();
    assert_eq!(err["code"], -32603);
    assert!(err["message"].as_str().unwrap().contains("deliberate test panic"), "{err}");
    // The session (whose lock the panic held) still works.
    h.client.open(&h.path("main.tf"));
    let turn = h.start_conversation("add a postgres database").await;
    assert!(turn["question"].is_object());
}

#[tokio::test]
async fn cancel_request_stops_a_pending_call() {
    let h = harness(&[], fast()).await;
    let id = h.client.next_request_id();
    let client = h.client.clone();
    let call = tokio::spawn(async move { client.request(tc_lsp::debug::SLEEP, Value::Null).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    h.client.notify("$/cancelRequest", json!({ "id": id }));
    let result = tokio::time::timeout(std::time::Duration::from_secs(5), call).await.expect("not cancelled").unwrap();
    assert_eq!(result.unwrap_err()["code"], -32800);
}

#[tokio::test]
async fn shutdown_and_exit_end_the_server() {
    let h = harness(&[], fast()).await;
    h.client.shutdown().await;
    tokio::time::timeout(std::time::Duration::from_secs(5), h.server).await.expect("server still running").unwrap();
}

#[tokio::test]
async fn an_insecure_answer_sends_warnings_and_waits_for_confirmation() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    h.client.open(&h.path("main.tf"));
    let turn = h.start_in("add a postgres database", "main.tf").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    h.answer_all_defaults(&id, turn).await;
    let skip = h.client.notifications().len();
    let turn = h
        .client
        .request("terraconverse/change", json!({ "conversation": id, "target": "storage_encrypted", "value": "false" }))
        .await
        .unwrap();
    let warnings = h.client.wait_for(skip, 10, |m, _| m == "terraconverse/warnings").await;
    assert_eq!(warnings["conversation"], id.as_str());
    assert!(warnings["warnings"][0]["rule"].as_str().is_some_and(|r| !r.is_empty()), "{warnings}");
    assert_eq!(turn["warnings"], warnings["warnings"]);
    snapshot!("warnings_notification", &warnings);
    if warnings["warnings"][0]["needsConfirmation"] == true {
        // Held: nothing insecure is written until the user confirms.
        let text = h.client.text(&h.path("main.tf")).unwrap();
        assert!(!text.contains("storage_encrypted = false") && !text.contains("storage_encrypted     = false"), "{text}");
        let confirmed = h.answer(&id, json!({ "action": "confirm" })).await;
        assert!(confirmed["rejection"].is_null(), "{confirmed}");
    }
    let text = h.client.text(&h.path("main.tf")).unwrap();
    assert!(text.lines().any(|l| l.trim_start().starts_with("storage_encrypted") && l.trim_end().ends_with("false")), "{text}");
}

/// An editor opens the files an edit created and reports their text in `didOpen` and
/// `didChange`, which the server may handle after the edit's response (about one run in
/// three with an editor that answers at once). This client always reports the change
/// 300 ms late, so every created file takes the race: the next edits must wait for the
/// client's text, never be computed against the half-reported document (the client
/// would refuse them as stale) nor take the blocks for the user's (conflicts).
#[tokio::test]
async fn files_an_edit_created_are_not_edited_before_the_client_reports_their_text() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    let main = h.path("main.tf");
    h.client.open(&main);
    h.client.open_files_late(std::time::Duration::from_millis(300));
    let mut turn = h.start_conversation("add a postgres database").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    let mut answers = 0;
    while turn["complete"] != true {
        assert!(answers < 200, "the conversation does not end");
        turn = h.answer(&id, json!({ "action": "default" })).await;
        answers += 1;
        assert!(turn["rejection"].is_null(), "{turn}");
        assert!(turn["edit"]["failure"].is_null(), "answer {answers} was not written: {turn}");
        assert_eq!(turn["conflicts"], json!([]), "answer {answers}: the server took its own blocks for the user's: {turn}");
    }
    let changed = h
        .client
        .request("terraconverse/change", json!({ "conversation": id, "target": "instance_class", "value": "db.t3.large" }))
        .await
        .unwrap();
    assert!(changed["edit"]["failure"].is_null(), "{changed}");
    assert_eq!(h.client.refused_edits(), 0, "an edit was computed against text the client no longer had");
    h.client.save_all();
    let texts = h.tf_texts();
    assert!(texts.len() > 2, "{texts:?}");
    assert_eq!(texts["main.tf"], MAIN_TF);
    let mut addresses = Vec::new();
    for (name, text) in &texts {
        let blocks = tc_edit::index_blocks(text).unwrap_or_else(|e| panic!("{name} does not parse: {e}\n{text}"));
        addresses.extend(blocks.into_iter().map(|b| b.address));
    }
    let unique: std::collections::BTreeSet<&String> = addresses.iter().collect();
    assert_eq!(unique.len(), addresses.len(), "a block was written twice: {addresses:?}");
    let all: String = texts.values().cloned().collect();
    assert!(all.contains("\"db.t3.large\"") && all.contains("resource \"aws_db_instance\""), "{all}");
}

/// The notifications a request causes (the next question, warnings, completion) are on
/// the wire before its response, every turn: a client can show the question it is
/// told about and then take the response as confirmation, never the other way round.
#[tokio::test]
async fn every_notification_of_a_turn_arrives_before_its_response() {
    let h = harness(&[("main.tf", MAIN_TF)], fast()).await;
    h.client.open(&h.path("main.tf"));
    // The notifications received between the previous response and this request's.
    let before_response = |rid: u64| {
        let arrivals = h.client.arrivals();
        let at = arrivals.iter().position(|a| *a == format!("response:{rid}")).expect("no response");
        arrivals[..at].iter().rev().take_while(|a| !a.starts_with("response:")).cloned().collect::<Vec<_>>()
    };
    let rid = h.client.next_request_id();
    let mut turn = h.start_in("add a postgres database", "main.tf").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    assert!(before_response(rid).contains(&"terraconverse/question".to_string()), "{:?}", h.client.arrivals());
    let mut turns = 1;
    while turn["complete"] != true {
        assert!(turns < 200, "the conversation does not end");
        let rid = h.client.next_request_id();
        turn = h.answer(&id, json!({ "action": "default" })).await;
        turns += 1;
        let expected = if turn["complete"] == true { "terraconverse/complete" } else { "terraconverse/question" };
        let arrived = before_response(rid);
        assert!(arrived.contains(&expected.to_string()), "turn {turns}: {expected} came after the response: {arrived:?}");
    }
    let rid = h.client.next_request_id();
    h.client
        .request("terraconverse/change", json!({ "conversation": id, "target": "storage_encrypted", "value": "false" }))
        .await
        .unwrap();
    assert!(before_response(rid).contains(&"terraconverse/warnings".to_string()), "{:?}", h.client.arrivals());
    assert!(turns > 5, "too few turns to tell: {turns}");
}

/// Several VPCs: the first question asks which one (the main one by default), the
/// answer is taken by name and the generated blocks reference it; with
/// `reuseExisting: false` nothing is offered and the conversation creates its own.
#[tokio::test]
async fn with_several_vpcs_the_user_picks_one_or_none() {
    let shared = "resource \"aws_vpc\" \"shared\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n";
    let h = harness(&[("main.tf", MAIN_TF), ("shared.tf", shared)], fast()).await;
    let turn = h.start_conversation("add a postgres database").await;
    let id = turn["conversation"].as_str().unwrap().to_string();
    assert_eq!(turn["question"]["id"], "reuse.vpc", "{turn}");
    assert_eq!(turn["question"]["kind"], "value", "{turn}");
    assert_eq!(turn["question"]["choices"], json!(["aws_vpc.main", "aws_vpc.shared", "new"]), "{turn}");
    assert_eq!(turn["question"]["default"], "aws_vpc.main", "{turn}");
    let refused = h.answer(&id, json!({ "text": "the blue one" })).await;
    assert!(refused["rejection"].as_str().unwrap().contains("aws_vpc.shared"), "{refused}");
    let turn = h.answer(&id, json!({ "text": "shared" })).await;
    assert!(turn["rejection"].is_null(), "{turn}");
    h.answer_all_defaults(&id, turn).await;
    let all: String = h.tf_texts().into_values().collect();
    assert!(all.contains("aws_vpc.shared.id") && !all.contains("aws_vpc.main.id"), "{all}");
    assert_eq!(all.matches("resource \"aws_vpc\"").count(), 2, "{all}");

    let fresh = h
        .client
        .request("terraconverse/start", json!({ "request": "add a postgres database", "reuseExisting": false }))
        .await
        .unwrap();
    assert_ne!(fresh["question"]["id"], "reuse.vpc", "{fresh}");
    let status = h.client.request("terraconverse/status", json!({ "conversation": fresh["conversation"] })).await.unwrap();
    assert_eq!(status["reused"], json!([]), "{status}");
}
