//! `terraconverse check` as CI uses it: exit codes, severity threshold, JSON and SARIF
//! output (SARIF validated against the SARIF 2.1.0 JSON schema shipped in the npm package
//! `@microsoft/jest-sarif`, copied to `tests/rules/sarif-schema-2.1.0.json`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terraconverse")).arg("check").args(args).output().unwrap()
}

/// A scratch directory with the given files.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tc_check_{}_{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    for (p, t) in files {
        let path = dir.join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, t).unwrap();
    }
    dir
}

const INSECURE: &str = r#"
resource "aws_db_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = true
}
"#;

const SECURE_KMS: &str = r#"
resource "aws_kms_key" "k" {
  description         = "key"
  enable_key_rotation = true
}
"#;

const LOW_ONLY: &str = r#"
resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  ebs_optimized = true

  root_block_device {
    encrypted = true
  }

  metadata_options {
    http_tokens = "required"
  }
}
"#;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn exit_codes_follow_the_severity_threshold() {
    let insecure = scratch("insecure", &[("main.tf", INSECURE)]);
    let secure = scratch("secure", &[("main.tf", SECURE_KMS)]);
    let low = scratch("low", &[("main.tf", LOW_ONLY)]);
    let p = |d: &PathBuf| d.to_string_lossy().to_string();
    // (path, severity, expected exit code)
    let cases = [
        (p(&insecure), "low", 1),
        (p(&insecure), "critical", 1), // publicly_accessible = true is critical
        (p(&secure), "low", 0),
        (p(&low), "low", 1), // detailed monitoring off: low
        (p(&low), "medium", 0),
    ];
    for (path, sev, code) in cases {
        let out = run(&[&path, "--severity", sev]);
        assert_eq!(out.status.code(), Some(code), "{path} --severity {sev}: {}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let out = run(&["/nonexistent/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/dir"));

    let dir = scratch("usage", &[("main.tf", SECURE_KMS)]);
    let out = run(&[dir.to_str().unwrap(), "--severity", "urgent"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("low, medium, high, critical"));

    let out = run(&[dir.to_str().unwrap(), "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));

    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn syntax_errors_are_reported_and_fail_the_run() {
    let dir = scratch("syntax", &[("main.tf", "resource \"aws_kms_key\" \"k\" {\n  description = \n"), ("ok.tf", SECURE_KMS)]);
    let out = run(&[dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["parse_errors"].as_array().unwrap().len(), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("main.tf"));
}

#[test]
fn json_lists_findings_with_required_fields() {
    let dir = scratch("json", &[("a/main.tf", INSECURE), ("b/main.tf", SECURE_KMS)]);
    let out = run(&[dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let findings = v["findings"].as_array().unwrap();
    let public = findings.iter().find(|f| f["checkov_id"] == "CKV_AWS_17").expect("public database reported");
    for key in ["rule", "checkov_id", "severity", "resource", "file", "start_line", "end_line", "message"] {
        assert!(!public[key].is_null(), "missing {key}");
    }
    assert_eq!(public["rule"], "TC-RDS-002");
    assert_eq!(public["severity"], "critical");
    assert_eq!(public["resource"], "aws_db_instance.db");
    assert!(public["file"].as_str().unwrap().ends_with("a/main.tf"));
    assert_eq!(public["start_line"], 5); // the publicly_accessible line
    // Nothing reported for the secure module in b/.
    assert!(findings.iter().all(|f| !f["file"].as_str().unwrap().contains("/b/")));
}

#[test]
fn directories_are_modules_so_references_resolve_across_files() {
    // The bucket's public access block lives in another file of the same directory.
    let dir = scratch(
        "module",
        &[
            ("s3.tf", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n"),
            (
                "pab.tf",
                "resource \"aws_s3_bucket_public_access_block\" \"b\" {\n  bucket                  = aws_s3_bucket.b.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n",
            ),
        ],
    );
    let v = json(&run(&[dir.to_str().unwrap(), "--format", "json"]));
    let ids: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["checkov_id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"CKV2_AWS_6"), "public access block in pab.tf not seen: {ids:?}");
    // Checking s3.tf alone loses the companion file: the finding appears.
    let v = json(&run(&[dir.join("s3.tf").to_str().unwrap(), "--format", "json"]));
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["checkov_id"] == "CKV2_AWS_6"));
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let dir = scratch("sarif", &[("main.tf", INSECURE), ("vpc.tf", "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\nresource \"aws_default_security_group\" \"d\" {\n  vpc_id = aws_vpc.v.id\n  ingress {\n    protocol  = -1\n    self      = true\n    from_port = 0\n    to_port   = 0\n  }\n}\n")]);
    let out = run(&[dir.to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(repo().join("tests/rules/sarif-schema-2.1.0.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "SARIF schema violations:\n{}", errors.join("\n"));
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["ruleId"] == "TC-RDS-002").unwrap();
    assert_eq!(r["level"], "error");
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 5);
    // Related locations carry the other resource (the default security group).
    assert!(results.iter().any(|r| r["ruleId"] == "TC-VPC-009" && r["relatedLocations"].as_array().map(|a| !a.is_empty()).unwrap_or(false)));
    // The schema check is not vacuous: a result without a message is rejected.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0].as_object_mut().unwrap().remove("message");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn text_output_names_rule_resource_and_fix() {
    let dir = scratch("text", &[("main.tf", INSECURE)]);
    let out = run(&[dir.to_str().unwrap()]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("critical TC-RDS-002 (CKV_AWS_17) aws_db_instance.db"), "{s}");
    assert!(s.contains("quick fix: Set publicly_accessible = false"), "{s}");
}
