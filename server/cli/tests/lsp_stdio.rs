//! `terraconverse lsp` end to end over stdio, from a client independent of any editor:
//! a workspace with a hand-written main.tf (comments, an aws_vpc), "add a postgres
//! database", every question answered, buffers written — then the real Terraform
//! validates and format-checks the folder, the user's files are byte-identical and
//! their VPC, private subnets and database security group are reused (after the
//! questions offering them). Also: only protocol on stdout, logs to the client, clean exit.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tc_lsp::testing::TestClient;

const MAIN_TF: &str = "# Network owned by the platform team — do not change 🚀\n# Ünïcödé: Straße, 東京, naïve café\nterraform {\n  required_providers {\n    aws = {\n      source = \"hashicorp/aws\"\n    }\n  }\n}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\" # keep\n\n  tags = {\n    Name = \"main\"\n  }\n}\n";

/// The platform team's private subnets, one per zone, and their database security
/// group: the database should use them rather than add its own.
const NETWORK_TF: &str = "resource \"aws_subnet\" \"private_a\" {\n  vpc_id            = aws_vpc.main.id\n  cidr_block        = \"10.0.10.0/24\"\n  availability_zone = \"us-east-1a\"\n}\n\nresource \"aws_subnet\" \"private_b\" {\n  vpc_id            = aws_vpc.main.id\n  cidr_block        = \"10.0.11.0/24\"\n  availability_zone = \"us-east-1b\"\n}\n\nresource \"aws_security_group\" \"db\" {\n  name   = \"postgres\"\n  vpc_id = aws_vpc.main.id\n}\n";

fn shared_tool(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/tf-validate").join(name)
}

fn run_tool(name: &str, dir: &Path) -> (bool, String) {
    let out = std::process::Command::new(shared_tool(name)).arg(dir).output().expect("../shared tools are missing");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_database_next_to_an_existing_vpc_over_stdio() {
    let dir = tempfile::Builder::new().prefix("tc-lsp-stdio-").tempdir().unwrap();
    let main = dir.path().join("main.tf");
    std::fs::write(&main, MAIN_TF).unwrap();
    let network = dir.path().join("subnets.tf");
    std::fs::write(&network, NETWORK_TF).unwrap();
    let stderr_path = dir.path().join("server.log");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_terraconverse"))
        .arg("lsp")
        .env("TERRACONVERSE_LOG", "debug")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // The client panics on anything on stdout that is not a framed JSON-RPC message.
    let client = TestClient::spawn(child.stdout.take().unwrap(), child.stdin.take().unwrap());
    client.initialize(dir.path(), json!({ "terraconverse": { "logLevel": "info" } })).await;
    client.open(&main);

    let mut turn = client.request("terraconverse/start", json!({ "request": "add a postgres database" })).await.unwrap();
    let id = turn["conversation"].as_str().unwrap().to_string();
    // First: reuse the folder's VPC (typed), then its subnets (the default).
    assert_eq!(turn["question"]["id"], "reuse.vpc", "{turn}");
    assert!(turn["question"]["text"].as_str().unwrap().contains("aws_vpc.main"), "{turn}");
    turn = client.request("terraconverse/answer", json!({ "conversation": id, "text": "yes" })).await.unwrap();
    assert_eq!(turn["question"]["id"], "reuse.private_subnet", "{turn}");
    assert_eq!(turn["question"]["default"], "yes", "{turn}");
    turn = client.request("terraconverse/answer", json!({ "conversation": id, "action": "default" })).await.unwrap();
    // The group is named for a database, so reusing it is the default.
    assert_eq!(turn["question"]["id"], "reuse.rds_instance_security_group", "{turn}");
    assert_eq!(turn["question"]["default"], "yes", "{turn}");
    turn = client.request("terraconverse/answer", json!({ "conversation": id, "action": "default" })).await.unwrap();
    let said = turn["messages"].to_string();
    assert!(said.contains("aws_vpc.main") && said.contains("aws_subnet.private_a, aws_subnet.private_b"), "{turn}");
    assert!(said.contains("aws_security_group.db"), "{turn}");
    let mut answered = 0;
    while turn["complete"] != true {
        assert!(answered < 200, "the conversation does not end");
        let q = turn["question"].clone();
        assert!(q["text"].is_string(), "{turn}");
        turn = client.request("terraconverse/answer", json!({ "conversation": id, "action": "default" })).await.unwrap();
        assert!(turn["rejection"].is_null(), "{turn}");
        assert!(turn["edit"]["failure"].is_null(), "{turn}");
        answered += 1;
    }
    client.wait_for(0, 10, |m, p| m == "terraconverse/complete" && p["conversation"] == id.as_str()).await;
    client.save_all();

    // The user's files are exactly as written, and their VPC and subnets are the ones used.
    assert_eq!(std::fs::read_to_string(&main).unwrap(), MAIN_TF);
    assert_eq!(std::fs::read_to_string(&network).unwrap(), NETWORK_TF);
    let mut all = String::new();
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "tf") {
            all.push_str(&std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    assert_eq!(all.matches("resource \"aws_vpc\"").count(), 1, "{all}");
    assert!(all.contains("aws_vpc.main.id"), "the database does not use the VPC:\n{all}");
    assert_eq!(all.matches("resource \"aws_subnet\"").count(), 2, "subnets were added:\n{all}");
    assert!(all.contains("subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]"), "{all}");
    assert_eq!(all.matches("resource \"aws_security_group\"").count(), 1, "a security group was added:\n{all}");
    assert!(all.contains("vpc_security_group_ids = [aws_security_group.db.id]"), "{all}");
    assert!(all.contains("resource \"aws_db_instance\""), "{all}");

    // Real Terraform agrees.
    std::fs::remove_file(&stderr_path).ok();
    let (valid, out) = run_tool("tf-validate", dir.path());
    assert!(valid, "terraform validate failed:\n{out}\n{all}");
    let (formatted, out) = run_tool("tf-fmt-check", dir.path());
    assert!(formatted, "terraform fmt -check failed:\n{out}");

    // Logs reached the client at the configured level.
    let logs: Vec<Value> = client.notifications().into_iter().filter(|(m, _)| m == "window/logMessage").map(|(_, p)| p).collect();
    assert!(logs.iter().any(|l| l["message"].as_str().unwrap_or("").contains("started")), "{logs:?}");
    assert!(logs.iter().all(|l| l["type"].as_i64() != Some(4)), "debug lines sent at level info: {logs:?}");

    client.shutdown().await;
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait()).await.expect("no exit").unwrap();
    assert!(status.success(), "{status:?}");
}
