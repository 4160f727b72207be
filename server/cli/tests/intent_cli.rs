//! The `terraconverse intent` command as a user runs it: human output, JSON with
//! top-level `resource_types` and `region`, and a clear failure when a request
//! names no AWS resources.

use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_terraconverse"))
        .arg("intent")
        .args(args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the binary runs")
}

#[test]
fn json_has_sorted_resource_types_and_the_region() {
    let out = run(&[
        "a web server with a Postgres database in Frankfurt",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["region"], "eu-central-1");
    let types: Vec<&str> = v["resource_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let mut sorted = types.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(types, sorted, "resource_types must be sorted and distinct");
    for t in [
        "aws_instance",
        "aws_db_instance",
        "aws_db_subnet_group",
        "aws_vpc",
        "aws_subnet",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    assert!(
        !types.contains(&"aws_eip"),
        "optional Elastic IP must not be generated with defaults"
    );
    assert_eq!(v["intent"]["components"][1]["params"]["engine"], "postgres");
    assert!(v["plan"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["key"] == "vpc"));
}

#[test]
fn text_output_lists_the_plan() {
    let out = run(&["vpc in mumbai with 1 public and 1 private subnet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Region: ap-south-1"), "{text}");
    assert!(
        text.contains("public_subnet") && text.contains("private_subnet"),
        "{text}"
    );
    assert!(text.contains("aws_internet_gateway"), "{text}");
}

#[test]
fn no_aws_resources_is_a_clear_error() {
    for args in [
        vec!["what's the weather like in paris today"],
        vec!["wie geht es dir", "--json"],
    ] {
        let out = run(&args);
        assert!(!out.status.success(), "{args:?} must fail");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("I found no AWS resources in that"), "{all}");
    }
}
