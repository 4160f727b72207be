//! Generator behaviour on hand-built Stacks: what a user of the API would notice —
//! errors that name the problem, confirmed insecure choices written as comments,
//! existing resources referenced instead of generated, and the file layout.

use tc_generate::examples::example_stack;
use tc_generate::GenerateError;
use tc_knowledge::{knowledge, SecurityDecision, Stack, Value};

fn stack(component: &str) -> Stack {
    example_stack(knowledge(), component)
}

fn set(stack: &mut Stack, key: &str, param: &str, value: Value) {
    stack.resources.iter_mut().find(|r| r.key == key).unwrap().values.insert(param.into(), value);
}

#[test]
fn bad_stacks_fail_with_an_error_naming_the_problem() {
    type Case = (&'static str, Box<dyn Fn() -> Stack>, fn(&GenerateError) -> bool, &'static str);
    let cases: Vec<Case> = vec![
        (
            "unknown component",
            Box::new(|| {
                let mut s = stack("vpc");
                s.resources[0].component = "warp_drive".into();
                s
            }),
            |e| matches!(e, GenerateError::UnknownComponent { .. }),
            "warp_drive",
        ),
        (
            "reference to a missing key",
            Box::new(|| {
                let mut s = stack("subnet");
                let sub = s.resources.iter_mut().find(|r| r.key == "subnet").unwrap();
                sub.refs.insert("vpc".into(), "nowhere".into());
                s
            }),
            |e| matches!(e, GenerateError::MissingReference { .. }),
            "nowhere",
        ),
        (
            "required dependency not provided",
            Box::new(|| {
                let mut s = stack("subnet");
                s.resources.iter_mut().find(|r| r.key == "subnet").unwrap().refs.clear();
                s
            }),
            |e| matches!(e, GenerateError::MissingDependency { .. }),
            "subnet",
        ),
        (
            "value of the wrong type",
            Box::new(|| {
                let mut s = stack("ec2_instance");
                set(&mut s, "ec2_instance", "root_volume_size", Value::from("huge"));
                s
            }),
            |e| matches!(e, GenerateError::InvalidValue { .. }),
            "root_volume_size",
        ),
        (
            "existing address that is not an address",
            Box::new(|| {
                let mut s = stack("subnet");
                s.resources[0].existing = Some("not an address".into());
                s
            }),
            |e| matches!(e, GenerateError::InvalidExisting { .. }),
            "not an address",
        ),
        (
            "SSH open to the internet without a confirmation",
            Box::new(|| {
                let mut s = stack("security_group");
                set(&mut s, "security_group", "ingress_ports", Value::from(vec![22]));
                set(&mut s, "security_group", "ingress_cidr_blocks", Value::from(vec!["0.0.0.0/0"]));
                s
            }),
            |e| matches!(e, GenerateError::Unconfirmed { .. }),
            "port 22",
        ),
    ];
    for (name, build, is_expected, mentions) in cases {
        match tc_generate::generate(&build()) {
            Ok(_) => panic!("{name}: generated although the stack is invalid"),
            Err(e) => {
                assert!(is_expected(&e), "{name}: unexpected error {e:?}");
                assert!(e.to_string().contains(mentions), "{name}: message {e} does not mention {mentions:?}");
            }
        }
    }
}

#[test]
fn a_confirmed_insecure_choice_is_generated_with_a_comment_saying_who_chose_it() {
    let mut s = stack("security_group");
    set(&mut s, "security_group", "ingress_ports", Value::from(vec![22]));
    set(&mut s, "security_group", "ingress_cidr_blocks", Value::from(vec!["0.0.0.0/0"]));
    s.decisions.push(SecurityDecision {
        resource: "security_group".into(),
        parameter: "ingress_cidr_blocks".into(),
        rule: "TC-SG-001".into(),
        warning: "SSH is reachable from the whole internet.".into(),
        confirmed_by: "yes, it is a short-lived demo box\nignore".into(),
    });
    let g = tc_generate::generate(&s).expect("a confirmed choice generates");
    let rule = g.blocks().find(|b| b.address == "resource.aws_vpc_security_group_ingress_rule.security_group_22_0").unwrap();
    assert!(rule.text.contains("# Security decision (TC-SG-001): SSH is reachable from the whole internet."), "{}", rule.text);
    assert!(rule.text.contains("# Confirmed by the user: \"yes, it is a short-lived demo box ignore\""), "{}", rule.text);
    assert!(rule.text.contains("cidr_ipv4         = \"0.0.0.0/0\""), "{}", rule.text);
    let readme = &g.documents.iter().find(|d| d.path == "README.md").unwrap().content;
    assert!(readme.contains("TC-SG-001") && readme.contains("short-lived demo box"), "{readme}");
}

#[test]
fn existing_resources_are_referenced_not_generated() {
    let mut s = stack("subnet");
    s.resources.iter_mut().find(|r| r.key == "vpc").unwrap().existing = Some("aws_vpc.main".into());
    let g = tc_generate::generate(&s).unwrap();
    assert!(g.blocks().all(|b| !b.address.starts_with("resource.aws_vpc.")), "the existing VPC was generated again");
    let subnet = g.blocks().find(|b| b.address == "resource.aws_subnet.subnet").unwrap();
    assert!(
        subnet.text.lines().any(|l| l.trim_start().starts_with("vpc_id ") && l.ends_with("= aws_vpc.main.id")),
        "{}",
        subnet.text
    );
    assert!(subnet.text.contains("cidrsubnet(aws_vpc.main.cidr_block"), "{}", subnet.text);
}

#[test]
fn several_existing_subnets_stand_in_for_one_counted_component() {
    let mut s = stack("rds_instance");
    let vpc = s.resources.iter().find(|r| r.component == "vpc").unwrap().key.clone();
    let subnets = s.resources.iter().find(|r| r.component == "subnet").unwrap().key.clone();
    for r in &mut s.resources {
        if r.key == vpc {
            r.existing = Some("aws_vpc.main".into());
        } else if r.key == subnets {
            r.existing = Some("aws_subnet.private_a, aws_subnet.private_b".into());
        }
    }
    let g = tc_generate::generate(&s).unwrap();
    assert!(g.blocks().all(|b| !b.address.starts_with("resource.aws_subnet.")), "an existing subnet was generated again");
    let group = g.blocks().find(|b| b.address.starts_with("resource.aws_db_subnet_group.")).unwrap();
    assert!(group.text.contains("subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]"), "{}", group.text);
    // Addresses of different kinds cannot stand in for one component.
    s.resources.iter_mut().find(|r| r.key == subnets).unwrap().existing = Some("aws_subnet.a, aws_vpc.b".into());
    assert!(matches!(tc_generate::generate(&s), Err(GenerateError::InvalidExisting { .. })));
}

#[test]
fn files_follow_the_documented_layout() {
    let g = tc_generate::generate(&stack("rds_instance")).unwrap();
    let paths: Vec<&str> = g.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["versions.tf", "providers.tf", "network.tf", "security.tf", "database.tf", "variables.tf", "outputs.tf"]);
    let docs: Vec<&str> = g.documents.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(docs, ["terraform.tfvars.example", "README.md"]);
    let versions = g.files[0].content();
    assert!(versions.contains("version = \"~> 6.0\""), "{versions}");
    let providers = g.files[1].content();
    assert!(providers.contains("region = var.region") && providers.contains("ManagedBy = \"TerraConverse\""), "{providers}");
    // Every block knows where it came from; stack-wide blocks have no key.
    for b in g.blocks() {
        let stack_wide = matches!(b.address.as_str(), "terraform" | "provider.aws" | "variable.region");
        assert_eq!(b.resource_key.is_none(), stack_wide, "{}", b.address);
        assert!(b.text.ends_with("}\n"), "{} does not end with a closing brace and newline", b.address);
    }
    // Database secrets never appear: AWS manages the master password.
    let all: String = g.all_files().into_iter().map(|(_, c)| c).collect();
    assert!(all.contains("manage_master_user_password         = true"));
    assert!(!all.contains("password =") && !all.contains("password  ="), "a password was written");
    // Every variable the code uses is declared, typed, described and defaulted.
    for b in g.blocks().filter(|b| b.address.starts_with("variable.")) {
        for needle in ["description = ", "type        = ", "default     = "] {
            assert!(b.text.contains(needle), "{} lacks {needle:?}:\n{}", b.address, b.text);
        }
    }
}

#[test]
fn stack_values_override_knowledge_defaults() {
    let mut s = stack("ec2_instance");
    set(&mut s, "ec2_instance", "instance_type", Value::from("t3.large"));
    let g = tc_generate::generate(&s).unwrap();
    let var = g.blocks().find(|b| b.address == "variable.ec2_instance_instance_type").unwrap();
    assert!(var.text.contains("default     = \"t3.large\""), "{}", var.text);
}
