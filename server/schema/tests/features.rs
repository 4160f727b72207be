//! Behaviour a user sees from the schema crate: diagnostics on small snippets
//! (including everything Terraform accepts and we must not flag), schemas loaded
//! from `terraform providers schema -json`, completion and hover. Table-driven.

use tc_schema::{
    check, complete, embedded, hover, CompletionKind, DiagnosticKind, Schema, SchemaError, Severity,
};

/// Text with a `|` marking the cursor → (text without it, byte offset).
fn cursor(marked: &str) -> (String, usize) {
    let at = marked.find('|').expect("a | marks the cursor");
    (marked.replacen('|', "", 1), at)
}

#[test]
fn embedded_schema_is_the_recorded_release_and_every_entry_decodes() {
    let s = embedded();
    assert_eq!(s.info().provider, "registry.terraform.io/hashicorp/aws");
    assert_eq!(s.info().version, "6.69.1");
    assert!(s.info().origin.contains("cdktn-provider-aws"));
    let resources: Vec<&str> = s.resource_types().collect();
    assert!(resources.len() > 1700, "{} resources", resources.len());
    for r in &resources {
        assert!(s.resource(r).is_some(), "{r} does not decode");
    }
    for d in s.data_source_types().collect::<Vec<_>>() {
        assert!(s.data_source(d).is_some(), "data source {d} does not decode");
    }
    let instance = s.resource("aws_instance").unwrap();
    assert!(instance.attribute("arn").unwrap().is_computed_only());
    assert_eq!(instance.block("root_block_device").unwrap().max(), Some(1));
    assert!(s.provider().attribute("region").is_some());
    assert!(
        tc_schema::embedded_bytes().len() < 1_500_000,
        "embedded schema is {} bytes",
        tc_schema::embedded_bytes().len()
    );
}

/// Snippets Terraform accepts: not one diagnostic each.
const VALID: &[(&str, &str)] = &[
    ("meta-arguments", r#"
resource "aws_instance" "a" {
  count         = 2
  provider      = aws.west
  depends_on    = [aws_vpc.v]
  ami           = "ami-1"
  instance_type = "t3.micro"
  lifecycle {
    ignore_changes = [tags]
  }
}
data "aws_ami" "x" {
  for_each = toset(["a"])
  owners   = ["self"]
}"#),
    ("values known only at plan time are not type-checked", r#"
resource "aws_vpc" "v" {
  cidr_block           = var.cidr
  enable_dns_hostnames = "${var.dns}"
  tags                 = merge(local.tags, { Name = "v" })
}"#),
    ("conversions Terraform makes: number/bool to string, numeric string to number, null", r#"
resource "aws_db_instance" "d" {
  instance_class    = "db.t3.micro"
  allocated_storage = "20"
  engine            = null
  port              = 5432
  identifier        = 12
  multi_az          = "true"
}"#),
    ("dynamic blocks satisfy required blocks and make counts unknowable", r#"
resource "aws_lb_listener" "l" {
  load_balancer_arn = "arn"
  dynamic "default_action" {
    for_each = var.actions
    content {
      type = default_action.value.type
    }
  }
}"#),
    ("list-of-object arguments as blocks and as values", r#"
resource "aws_security_group" "s" {
  ingress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
  }
  egress = [{
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    description      = null
    ipv6_cidr_blocks = []
    prefix_list_ids  = []
    security_groups  = []
    self             = false
  }]
}"#),
    ("references: instance keys, splats, nested blocks, digit names, whole objects", r#"
output "refs" {
  value = [
    aws_instance.a[0].id,
    aws_instance.a[*].arn,
    aws_instance.a.*.private_ip,
    data.aws_ami.x.id,
    aws_instance.a.root_block_device[0].volume_id,
    aws_s3_object.o.checksum_crc32c,
    aws_instance.a,
    "${aws_vpc.v.cidr_block}/x",
    random_id.r.hex,
  ]
}"#),
    ("other providers' types, modules and unlabeled blocks are not ours", r#"
resource "random_id" "r" {
  byte_length = 8
}
module "m" {
  source = "./m"
  anything = 1
}
provider "aws" {
  region = "eu-central-1"
  alias  = "eu"
  default_tags {
    tags = { Team = "x" }
  }
}"#),
];

#[test]
fn nothing_terraform_accepts_is_flagged() {
    for (what, text) in VALID {
        let found = check(embedded(), text);
        assert!(found.is_empty(), "{what}: {found:#?}");
    }
}

/// (snippet, kind, text the span covers, suggestion)
const INVALID: &[(&str, DiagnosticKind, &str, Option<&str>)] = &[
    (r#"resource "aws_s3_bucket_acll" "b" {}"#, DiagnosticKind::UnknownResourceType, "aws_s3_bucket_acll", Some("aws_s3_bucket_acl")),
    (r#"data "aws_vpcc" "b" {}"#, DiagnosticKind::UnknownDataSourceType, "aws_vpcc", Some("aws_vpc")),
    ("output \"o\" {\n  value = aws_vpc.v.cidr_blocks\n}", DiagnosticKind::UnknownAttributeReference, "cidr_blocks", Some("cidr_block")),
    ("resource \"aws_vpc\" \"v\" {\n  cidr_blok = \"10.0.0.0/16\"\n}", DiagnosticKind::UnknownArgument, "cidr_blok", Some("cidr_block")),
    ("resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n  taggs {\n  }\n}", DiagnosticKind::UnknownBlock, "taggs", Some("tags")),
    ("resource \"aws_iam_role\" \"r\" {\n  name = \"x\"\n}", DiagnosticKind::MissingRequiredArgument, "resource \"aws_iam_role\" \"r\" {", None),
    ("resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n  arn = \"x\"\n}", DiagnosticKind::ComputedOnly, "arn", None),
    ("resource \"aws_vpc\" \"v\" {\n  cidr_block = 10\n  enable_dns_support = 1\n}", DiagnosticKind::WrongType, "1", None),
    ("resource \"aws_instance\" \"i\" {\n  dynamic \"ebs_block_devic\" {\n    for_each = []\n    content {}\n  }\n}", DiagnosticKind::UnknownBlock, "ebs_block_devic", Some("ebs_block_device")),
];

#[test]
fn each_kind_of_mistake_is_reported_where_it_is_with_a_fix() {
    for (text, kind, covered, suggestion) in INVALID {
        let found = check(embedded(), text);
        let d = found
            .iter()
            .find(|d| d.kind == *kind)
            .unwrap_or_else(|| panic!("no {kind:?} in {found:#?} for:\n{text}"));
        assert_eq!(&text[d.span.clone()], *covered, "span of {kind:?}");
        assert_eq!(d.suggestion.as_deref(), *suggestion, "suggestion for {kind:?}");
        assert_eq!(d.severity, Severity::Error);
        if let Some(s) = suggestion {
            assert!(d.message.contains(&format!("Did you mean \"{s}\"?")), "{}", d.message);
        }
    }
}

/// A tiny `terraform providers schema -json` document.
const TF_JSON: &str = r#"{
  "format_version": "1.0",
  "provider_schemas": {
    "registry.terraform.io/hashicorp/aws": {
      "provider": {"block": {"attributes": {"region": {"type": "string", "optional": true}}}},
      "resource_schemas": {
        "aws_thing": {"block": {
          "attributes": {
            "name": {"type": "string", "required": true, "description": "The thing's name."},
            "old_name": {"type": "string", "optional": true, "deprecated": true},
            "id": {"type": "string", "computed": true},
            "sizes": {"type": ["list", "number"], "optional": true}
          },
          "block_types": {
            "part": {"nesting_mode": "list", "min_items": 1, "max_items": 2,
                     "block": {"attributes": {"n": {"type": "number", "required": true}}}}
          }
        }}
      },
      "data_source_schemas": {}
    }
  }
}"#;

#[test]
fn a_workspace_schema_from_terraform_json_is_used_as_is() {
    let s = Schema::from_bytes(TF_JSON.as_bytes().to_vec()).unwrap();
    assert_eq!(s.info().origin, "terraform providers schema -json");
    let text = "resource \"aws_thing\" \"t\" {\n  old_name = \"a\"\n  sizes = [1, \"x\"]\n  part {\n    n = 1\n  }\n  part {\n    n = 2\n  }\n  part {\n    n = 3\n  }\n}\nresource \"aws_instance\" \"i\" {}\n";
    let found = check(&s, text);
    let kinds: Vec<_> = found.iter().map(|d| (d.kind, d.severity)).collect();
    assert!(kinds.contains(&(DiagnosticKind::Deprecated, Severity::Warning)), "{found:#?}");
    assert!(kinds.contains(&(DiagnosticKind::MissingRequiredArgument, Severity::Error)));
    assert!(kinds.contains(&(DiagnosticKind::WrongType, Severity::Error)));
    let too_many: Vec<_> = found.iter().filter(|d| d.kind == DiagnosticKind::TooManyBlocks).collect();
    assert_eq!(too_many.len(), 1, "only the third part is one too many");
    assert!(text[too_many[0].span.clone()].starts_with("part"));
    // Only this schema's types exist now.
    assert!(kinds.contains(&(DiagnosticKind::UnknownResourceType, Severity::Error)));

    // The compact container round-trips to the same schema.
    let again = Schema::from_bytes(s.to_compact()).unwrap();
    assert_eq!(again.resource("aws_thing"), s.resource("aws_thing"));
    assert_eq!(again.info(), s.info());
}

#[test]
fn bad_schema_files_say_what_is_wrong() {
    let e = Schema::from_bytes(b"{not json".to_vec()).unwrap_err();
    assert!(e.to_string().contains("terraform providers schema -json"), "{e}");
    let e = Schema::from_bytes(br#"{"provider_schemas": {"registry.terraform.io/hashicorp/google": {}}}"#.to_vec()).unwrap_err();
    assert!(matches!(e, SchemaError::NoAwsProvider), "{e}");
    // A damaged container is refused at load time, not at first use.
    let mut damaged = tc_schema::embedded_bytes().to_vec();
    let n = damaged.len();
    damaged[n - 40..].fill(0);
    let e = Schema::from_bytes(damaged).unwrap_err();
    assert!(matches!(e, SchemaError::Invalid(_)), "{e}");
    let e = Schema::load_path(std::path::Path::new("/nonexistent/schema.json")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/schema.json"), "{e}");
}

#[test]
fn resource_types_complete_after_resource_quote() {
    let (text, at) = cursor("resource \"aws_s3_bucket_ver|\" \"b\" {}\n");
    let items = complete(embedded(), &text, at);
    assert_eq!(items.first().map(|i| i.label.as_str()), Some("aws_s3_bucket_versioning"));
    assert!(items.iter().all(|i| i.kind == CompletionKind::ResourceType));
    // The whole type name is replaced, not just the typed part.
    assert_eq!(&text[items[0].replace.clone()], "aws_s3_bucket_ver");

    let (text, at) = cursor("data \"aws_ca|");
    let items = complete(embedded(), &text, at);
    assert!(items.iter().any(|i| i.label == "aws_caller_identity" && i.kind == CompletionKind::DataSourceType));
}

#[test]
fn arguments_complete_required_first_as_snippets_without_those_present() {
    let (text, at) = cursor("resource \"aws_lb_listener\" \"l\" {\n  port = 80\n  |\n}\n");
    let items = complete(embedded(), &text, at);
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels[0], "load_balancer_arn", "required argument first: {labels:?}");
    assert_eq!(labels[1], "default_action", "then the required block: {labels:?}");
    assert!(!labels.contains(&"port"), "already set");
    assert!(!labels.contains(&"arn"), "computed-only");
    assert!(labels.contains(&"count") && labels.contains(&"lifecycle"), "meta-arguments at the top");
    let action = &items[1];
    assert!(action.is_snippet);
    assert!(action.insert_text.starts_with("default_action {\n  type = \"${1}\""), "{}", action.insert_text);
    assert_eq!(items[0].insert_text, "load_balancer_arn = \"${1}\"");

    // Inside a nested block, with a partial name typed (the line does not parse).
    let (text, at) = cursor("resource \"aws_instance\" \"i\" {\n  root_block_device {\n    vol|\n  }\n}\n");
    let items = complete(embedded(), &text, at);
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert!(labels.contains(&"volume_size") && labels.contains(&"volume_type"), "{labels:?}");
    assert!(!labels.contains(&"count"), "no meta-arguments in nested blocks");
    assert!(!labels.contains(&"volume_id"), "computed-only");
    let size = items.iter().find(|i| i.label == "volume_size").unwrap();
    assert_eq!(size.insert_text, "volume_size = ${1:0}");
    assert_eq!(&text[size.replace.clone()], "vol");

    // Inside a list-of-object argument written as a block: its object fields.
    let (text, at) = cursor("resource \"aws_security_group\" \"s\" {\n  ingress {\n    from_port = 443\n    |\n  }\n}\n");
    let labels: Vec<String> = complete(embedded(), &text, at).into_iter().map(|i| i.label).collect();
    assert!(labels.contains(&"to_port".to_string()) && labels.contains(&"cidr_blocks".to_string()), "{labels:?}");
    assert!(!labels.contains(&"from_port".to_string()), "already set");
}

#[test]
fn known_values_complete_inside_strings() {
    let kb = tc_knowledge::knowledge();
    let (text, at) = cursor("resource \"aws_instance\" \"i\" {\n  instance_type = \"t3.|\n}\n");
    let items = complete(embedded(), &text, at);
    let expected: Vec<&String> = kb.instance_types.iter().filter(|t| t.starts_with("t3.")).collect();
    assert_eq!(items.len(), expected.len());
    assert!(items.iter().all(|i| i.kind == CompletionKind::Value && i.label.starts_with("t3.")));

    let (text, at) = cursor("provider \"aws\" {\n  region = \"eu-|\"\n}\n");
    let items = complete(embedded(), &text, at);
    let expected = kb.regions.iter().filter(|r| r.code.starts_with("eu-")).count();
    assert!(expected > 0, "the knowledge base lists European regions");
    assert_eq!(items.len(), expected);
    let frankfurt = items.iter().find(|i| i.label == "eu-central-1").expect("eu-central-1 offered");
    assert!(frankfurt.detail.contains("Frankfurt"), "{frankfurt:?}");

    let (text, at) = cursor("resource \"aws_db_instance\" \"d\" {\n  instance_class = \"db.t|\"\n}\n");
    let items = complete(embedded(), &text, at);
    let expected: Vec<&String> = kb.db_instance_classes.iter().filter(|c| c.starts_with("db.t")).collect();
    assert!(!expected.is_empty(), "the knowledge base lists burstable database classes");
    assert_eq!(items.iter().map(|i| &i.label).collect::<Vec<_>>(), expected);

    // Not an argument of this block: no values.
    let (text, at) = cursor("resource \"aws_vpc\" \"v\" {\n  instance_type = \"t3.|\n}\n");
    assert!(complete(embedded(), &text, at).is_empty());
}

#[test]
fn hover_describes_types_arguments_and_blocks() {
    let cases: &[(&str, &[&str])] = &[
        ("resource \"aws_ins|tance\" \"i\" {}\n", &["**aws_instance**", "resource", "6.69.1", "registry.terraform.io/providers/hashicorp/aws/6.69.1/docs/resources/instance"]),
        ("resource \"aws_iam_role\" \"r\" {\n  na|me = \"x\"\n}\n", &["**name**", "`string`", "optional"]),
        ("resource \"aws_iam_role\" \"r\" {\n  assume_role_p|olicy = \"x\"\n}\n", &["**assume_role_policy**", "required"]),
        ("resource \"aws_instance\" \"i\" {\n  root_block_de|vice {\n  }\n}\n", &["**root_block_device** block", "at most 1"]),
        ("resource \"aws_instance\" \"i\" {\n  cou|nt = 1\n}\n", &["meta-argument"]),
        ("resource \"aws_security_group\" \"s\" {\n  reg|ion = \"x\"\n}\n", &["**region**", "Region where this resource will be"]),
    ];
    for (marked, wanted) in cases {
        let (text, at) = cursor(marked);
        let h = hover(embedded(), &text, at).unwrap_or_else(|| panic!("no hover for {marked}"));
        for w in *wanted {
            assert!(h.markdown.contains(w), "{marked}: {:?} lacks {w:?}", h.markdown);
        }
        assert!(h.span.start <= at && at <= h.span.end);
    }
    let (text, at) = cursor("resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\" |\n}\n");
    assert!(hover(embedded(), &text, at).is_none());
}

#[test]
fn provider_block_completes_its_own_arguments() {
    let (text, at) = cursor("provider \"aws\" {\n  reg|\n}\n");
    let items = complete(embedded(), &text, at);
    assert_eq!(items.first().map(|i| i.label.as_str()), Some("region"), "{items:#?}");
    assert!(items.iter().all(|i| i.kind != CompletionKind::MetaArgument));
}

#[test]
fn the_schema_can_be_shared_across_language_server_tasks() {
    fn shareable<T: Send + Sync + 'static>(_: &T) {}
    shareable(embedded());
}

/// Completion, hover and checking must never panic, whatever the cursor position or
/// the state of the text (CRLF line ends, non-ASCII text, half-typed lines).
#[test]
fn no_offset_of_odd_text_makes_anything_panic() {
    let texts = [
        "resource \"aws_instance\" \"web\" {\r\n  ami = \"ami-1\" # café ☕\r\n  root_block_device {\r\n    volume_size = 8\r\n  }\r\n  tags = { Name = \"é\" }\r\n}\r\n",
        "resource \"aws_instance\" \"web\" {\n  instance_type = \"t3.\n  dynamic \"ebs_block_device\" {\n    for_each = []\n    content {\n      dev\n    }\n  }\n",
        "data \"aws_ami\" \"x\" {\n  filter {\n    name = \"n\"\n  }\n}\nresource \"\n",
        "}\n{\nresource aws_vpc v { cidr_block = 1 }\nprovider \"aws\" { region = \"eu-\" }",
    ];
    let s = embedded();
    for text in texts {
        let _ = check(s, text);
        for at in 0..=text.len() + 1 {
            let items = complete(s, text, at);
            for i in &items {
                assert!(i.replace.start <= i.replace.end && i.replace.end <= text.len(), "{i:?} at {at}");
                assert!(text.is_char_boundary(i.replace.start) && text.is_char_boundary(i.replace.end));
            }
            if let Some(h) = hover(s, text, at) {
                assert!(h.span.end <= text.len());
            }
        }
    }
}

#[test]
fn a_schema_saved_in_the_workspace_is_found_and_preferred() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Schema::load_workspace(dir.path()).is_none(), "nothing saved yet");
    std::fs::create_dir(dir.path().join(".terraform")).unwrap();
    std::fs::write(dir.path().join(".terraform/providers-schema.json"), TF_JSON).unwrap();
    let s = Schema::load_workspace(dir.path()).expect("found").expect("loads");
    assert!(s.resource("aws_thing").is_some());
    std::fs::write(dir.path().join(".terraform/providers-schema.json"), "{}").unwrap();
    let e = Schema::load_workspace(dir.path()).expect("found").unwrap_err();
    assert!(e.to_string().contains("provider_schemas"), "{e}");
}
