//! The file layout of a generated configuration and its companion documents.
//!
//! Resources are split by concern — `network.tf`, `security.tf`, `iam.tf`,
//! `compute.tf`, `database.tf`, `storage.tf`, … — after the component's category in
//! the knowledge base, rather than all in `main.tf`: a reviewer looks for "the
//! database" or "the network", the language server writes a new block into the file
//! of its concern, and a later change touches one small file. `versions.tf`,
//! `providers.tf`, `variables.tf` and `outputs.tf` hold what is stack-wide.

use crate::context::Prepared;
use crate::escape::{hcl_string, hcl_value};
use crate::format::{format_hcl, split_blocks};
use crate::render::{parse_address, BlockKind, RenderedResource};
use crate::variables::{describe, variable_block};
use crate::{DeliberatelyOff, GenerateError, Generated, GeneratedBlock, GeneratedDocument, GeneratedFile};
use std::collections::{BTreeMap, HashSet};
use tc_knowledge::{Category, KnowledgeBase, Stack};

/// The concern file for a component category.
pub fn concern_file(category: Category) -> &'static str {
    match category {
        Category::Global | Category::Network => "network.tf",
        Category::Security => "security.tf",
        Category::Identity => "iam.tf",
        Category::Compute => "compute.tf",
        Category::Containers => "containers.tf",
        Category::Serverless => "serverless.tf",
        Category::Database => "database.tf",
        Category::Storage => "storage.tf",
        Category::Messaging => "messaging.tf",
        Category::Edge => "edge.tf",
        Category::Monitoring => "monitoring.tf",
    }
}

const VERSIONS_TF: &str = r#"terraform {
required_version = ">= 1.0.0"

required_providers {
aws = {
source = "hashicorp/aws"
version = "~> 6.0"
}
}
}
"#;

const PROVIDERS_TF: &str = r#"provider "aws" {
region = var.region

# Every resource is tagged so it can be traced back to this configuration.
default_tags {
tags = {
ManagedBy = "TerraConverse"
}
}
}
"#;

fn fixed_block(text: &str) -> Result<GeneratedBlock, GenerateError> {
    let formatted = format_hcl(text);
    let (_, address) = parse_address(&formatted).map_err(|message| GenerateError::Template { template: "layout".into(), message })?;
    Ok(GeneratedBlock { address, resource_key: None, text: formatted })
}

fn region_variable(region: &str) -> String {
    format!(
        "variable \"region\" {{\ndescription = \"AWS region every resource is created in.\"\ntype = string\ndefault = {}\n\nvalidation {{\ncondition = can(regex({}, var.region))\nerror_message = \"The region must be an AWS region code such as eu-central-1.\"\n}}\n}}\n",
        hcl_string(region),
        hcl_string("^[a-z]{2}(-[a-z]+)+-[0-9]+$"),
    )
}

pub fn assemble(
    kb: &KnowledgeBase,
    stack: &Stack,
    prepared: &Prepared,
    rendered: Vec<RenderedResource>,
) -> Result<Generated, GenerateError> {
    let mut concern: BTreeMap<&'static str, Vec<GeneratedBlock>> = BTreeMap::new();
    let mut variables = vec![fixed_block(&region_variable(&stack.region))?];
    let mut outputs = Vec::new();
    // Variables of one resource: name, description and default, for the tfvars example.
    let mut tfvars: Vec<(String, String, String)> = vec![("region".into(), "AWS region every resource is created in.".into(), hcl_string(&stack.region))];

    for rr in &rendered {
        let res = prepared.resources.iter().find(|p| p.key == rr.key).expect("rendered resources come from prepared ones");
        let file = concern_file(res.component.category);
        for p in &res.component.parameters {
            if !rr.used_params.contains(&p.id) {
                continue;
            }
            let name = &res.vars[&p.id];
            let value = &res.values[&p.id];
            let description = describe(p, &res.key, &res.component.name);
            // A variable block is built by Rust code (not a template) from a sanitized
            // name and escaped values, so its address is known. Parsing it back with
            // hcl-edit cost over a quarter of a whole generation, so it happens in
            // debug builds only, where every test (hostile answers included) runs it.
            let text = format_hcl(&variable_block(name, &description, p, value));
            for block in split_blocks(&text) {
                let address = format!("variable.{name}");
                if cfg!(debug_assertions) {
                    let (_, parsed) = parse_address(&block).map_err(|message| GenerateError::Template { template: "variables".into(), message })?;
                    assert_eq!(parsed, address, "a variable block declares exactly the variable it was built for");
                }
                variables.push(GeneratedBlock { address, resource_key: Some(rr.key.clone()), text: block });
            }
            if !value.is_null() {
                tfvars.push((name.clone(), description, hcl_value(value)));
            }
        }
        for b in &rr.blocks {
            let gb = GeneratedBlock { address: b.address.clone(), resource_key: Some(rr.key.clone()), text: b.text.clone() };
            match b.kind {
                BlockKind::Variable => variables.push(gb),
                BlockKind::Output => outputs.push(gb),
                _ => concern.entry(file).or_default().push(gb),
            }
        }
    }

    let mut files = vec![
        GeneratedFile { path: "versions.tf".into(), blocks: vec![fixed_block(VERSIONS_TF)?] },
        GeneratedFile { path: "providers.tf".into(), blocks: vec![fixed_block(PROVIDERS_TF)?] },
    ];
    // Concern files in the order of the categories (network before compute …).
    let mut concern_files: Vec<(&'static str, Vec<GeneratedBlock>)> = concern.into_iter().collect();
    concern_files.sort_by_key(|(f, _)| FILE_ORDER.iter().position(|o| o == f).unwrap_or(usize::MAX));
    for (path, blocks) in concern_files {
        files.push(GeneratedFile { path: path.into(), blocks });
    }
    files.push(GeneratedFile { path: "variables.tf".into(), blocks: variables });
    if !outputs.is_empty() {
        files.push(GeneratedFile { path: "outputs.tf".into(), blocks: outputs });
    }

    let off: Vec<DeliberatelyOff> = rendered.iter().flat_map(|r| r.off.iter().cloned()).collect();
    let mut seen = HashSet::new();
    for b in files.iter().flat_map(|f| &f.blocks) {
        if !seen.insert(b.address.as_str()) {
            return Err(GenerateError::DuplicateAddress { address: b.address.clone() });
        }
    }

    let documents = vec![
        GeneratedDocument { path: "terraform.tfvars.example".into(), content: tfvars_example(&tfvars) },
        GeneratedDocument { path: "README.md".into(), content: readme(kb, stack, prepared, &files, &off) },
    ];
    Ok(Generated { files, documents, deliberately_off: off })
}

const FILE_ORDER: &[&str] = &[
    "network.tf",
    "security.tf",
    "iam.tf",
    "compute.tf",
    "containers.tf",
    "serverless.tf",
    "database.tf",
    "storage.tf",
    "messaging.tf",
    "edge.tf",
    "monitoring.tf",
];

fn tfvars_example(entries: &[(String, String, String)]) -> String {
    let mut text = String::from(
        "# Copy to terraform.tfvars and change what you need. Every value below is the\n# answer given when this configuration was generated.\n\n",
    );
    for (name, description, value) in entries {
        text.push_str(&format!("# {}\n{name} = {value}\n\n", crate::render::comment_text(description)));
    }
    format_hcl(&text)
}

fn readme(kb: &KnowledgeBase, stack: &Stack, prepared: &Prepared, files: &[GeneratedFile], off: &[DeliberatelyOff]) -> String {
    let md = |s: &str| crate::render::comment_text(s).replace('|', "\\|");
    let mut s = String::new();
    s.push_str("# Terraform configuration generated by TerraConverse\n\n");
    s.push_str(&format!("Region: `{}` (variable `region`).\n\n", md(&stack.region)));
    s.push_str("## What was built\n\n| Resource | Kind | Terraform addresses | File |\n|---|---|---|---|\n");
    for res in &prepared.resources {
        if res.existing {
            s.push_str(&format!("| `{}` | {} | existing, referenced only | |\n", res.key, res.component.name));
            continue;
        }
        let mut by_file: Vec<(String, Vec<String>)> = Vec::new();
        for f in files {
            let addrs: Vec<String> = f
                .blocks
                .iter()
                .filter(|b| b.resource_key.as_deref() == Some(&res.key) && (b.address.starts_with("resource.") || b.address.starts_with("data.")))
                .map(|b| format!("`{}`", b.address.trim_start_matches("resource.")))
                .collect();
            if !addrs.is_empty() {
                by_file.push((f.path.clone(), addrs));
            }
        }
        for (path, addrs) in by_file {
            s.push_str(&format!("| `{}` | {} | {} | `{}` |\n", res.key, res.component.name, addrs.join(", "), path));
        }
    }
    s.push_str("\n## Secure defaults applied\n\n");
    let mut seen = HashSet::new();
    for res in prepared.resources.iter().filter(|r| !r.existing) {
        if !seen.insert(res.component.id.as_str()) {
            continue;
        }
        let comp = &kb.components[&res.component.id];
        for d in &comp.security_defaults {
            s.push_str(&format!("- {}: {}\n", comp.name, md(d)));
        }
    }
    s.push_str("\n## Security decisions you made\n\n");
    if stack.decisions.is_empty() {
        s.push_str("None: every security-relevant answer is the secure default.\n");
    } else {
        for d in &stack.decisions {
            s.push_str(&format!(
                "- `{}.{}` ({}): {} You confirmed: \"{}\".\n",
                md(&d.resource),
                md(&d.parameter),
                md(&d.rule),
                md(&d.warning),
                md(&d.confirmed_by)
            ));
        }
    }
    s.push_str("\n## Checks deliberately left off\n\n");
    if off.is_empty() {
        s.push_str("None: every in-scope checkov check passes.\n");
    } else {
        s.push_str("These checkov checks fail with the answers given, on purpose. Each can be turned on by answering the question named.\n\n| Check | Resource | Why it is off | Turn it on with |\n|---|---|---|---|\n");
        for o in off {
            s.push_str(&format!("| {} | `{}` | {} | {} |\n", o.check, o.resource_key, md(&o.reason), md(&o.how)));
        }
    }
    s.push_str(
        "\n## How to apply\n\n```sh\ncp terraform.tfvars.example terraform.tfvars   # optional: adjust values\nterraform init\nterraform plan -out tfplan\nterraform apply tfplan\n```\n\n\
         Every answer is a variable with validation in `variables.tf`; change it in `terraform.tfvars` rather than in the resource files.\n",
    );
    s
}
