//! `terraconverse intent "<text>" [--json]`: the intent and resource plan for a request.
//!
//! The JSON output (documented in docs/intent.md) has a top-level `resource_types`
//! (the sorted, distinct Terraform resource types the plan generates with default
//! answers) and `region`, plus the full `intent` and `plan`.
//!
//! With an LLM configured (docs/llm.md) the model's reading of the request is merged
//! into the offline engine's (only additions that pass the knowledge base's checks);
//! the text output says what it added, the JSON output has it under `llm`.

use anyhow::{bail, Context};
use serde_json::json;
use std::process::ExitCode;
use tc_intent::{Inclusion, Origin};

#[derive(clap::Args)]
pub struct Args {
    /// The request in plain language.
    pub text: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let kb = tc_knowledge::knowledge();
    let offline = tc_intent::understand(&args.text);
    let (llm, _) = super::chat::llm_from_env();
    let (intent, llm_report) = match &llm {
        Some(service) => {
            let c = service.conversation();
            let outcome = tc_llm::assist::runtime()
                .context("starting the runtime for the LLM client")?
                .block_on(c.parse_intent(&args.text, &offline));
            let report = json!({ "outcome": &outcome, "summary": outcome.summary(), "stats": c.stats() });
            if !args.json {
                if let Some(line) = outcome.summary() {
                    println!("LLM: {line}");
                }
                println!("{}\n", c.stats());
            }
            (outcome.intent, Some(report))
        }
        None => (offline, None),
    };
    if intent.is_empty() {
        let mut msg = String::from("I found no AWS resources in that. Name a service (\"an S3 bucket\", \"a Postgres database\") or say what it is for (\"somewhere to store images\").");
        if !intent.unknown_words.is_empty() {
            msg.push_str(&format!(
                " Words I did not understand: {}.",
                intent.unknown_words.join(", ")
            ));
        }
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&with_llm(json!({ "error": msg, "intent": intent }), &llm_report))?
            );
            return Ok(ExitCode::from(1));
        }
        bail!(msg);
    }
    let plan = tc_intent::resolve(&intent)
        .context("could not resolve the dependencies of this request")?;
    let resource_types = plan.resource_types(kb);
    if args.json {
        let out = json!({
            "resource_types": resource_types,
            "data_sources": plan.data_sources(kb),
            "region": plan.region,
            "region_stated": plan.region_stated,
            "intent": intent,
            "plan": plan,
        });
        println!("{}", serde_json::to_string_pretty(&with_llm(out, &llm_report))?);
        return Ok(ExitCode::SUCCESS);
    }
    let region_note = if plan.region_stated {
        ""
    } else {
        " (not stated: default, will be asked)"
    };
    println!("Region: {}{region_note}", plan.region);
    println!("\nYou asked for:");
    for c in &intent.components {
        let name = kb
            .component(&c.component)
            .map(|d| d.name.as_str())
            .unwrap_or(&c.component);
        let role = c
            .role
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let count = if c.count > 1 {
            format!("{} × ", c.count)
        } else {
            String::new()
        };
        let params = if c.params.is_empty() {
            String::new()
        } else {
            format!(
                " — {}",
                c.params
                    .iter()
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        println!("  {count}{name}{role}{params}   [from: {}]", c.matched);
    }
    if !intent.excluded.is_empty() {
        println!("Excluded: {}", intent.excluded.join(", "));
    }
    println!("\nPlan (dependencies first):");
    for r in &plan.resources {
        let why = match &r.origin {
            Origin::Requested => "requested".to_string(),
            Origin::Required { by } => format!("required by {by}"),
            Origin::Recommended { by } => format!("recommended for {by}"),
            Origin::Optional { by } => format!("optional for {by}"),
        };
        let inc = match r.inclusion {
            Inclusion::Yes => "yes",
            Inclusion::AskDefaultYes => "ask, default yes",
            Inclusion::AskDefaultNo => "ask, default no",
            Inclusion::No => "no",
        };
        println!("  {:<28} {:<26} {inc:<17} {why}", r.key, r.component);
    }
    println!(
        "\nResource types with defaults: {}",
        resource_types.join(", ")
    );
    if !plan.unknown_words.is_empty() {
        println!(
            "Words I did not understand: {}",
            plan.unknown_words.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds the model's report under `llm` when a model was asked; the output is
/// unchanged otherwise.
fn with_llm(mut out: serde_json::Value, report: &Option<serde_json::Value>) -> serde_json::Value {
    if let Some(r) = report {
        out["llm"] = r.clone();
    }
    out
}
