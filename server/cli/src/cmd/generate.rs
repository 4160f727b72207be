//! `terraconverse generate "<request>" --defaults [--answers FILE] [--region R] --out DIR`:
//! the non-interactive path from a request to a folder of Terraform files.
//!
//! The request is understood, answers come from `--answers` (a TOML or JSON table of
//! question id → answer) and `--region`, and every other question takes its default.
//! Invalid input stops with a message per problem and exit code 1; nothing is written
//! unless the whole configuration generated, and then it appears at once: the files
//! are written to a temporary folder beside `--out`, which is renamed into place.
//!
//! With an LLM configured (docs/llm.md) the request is read by the offline engine and
//! the model together (the model can only add what passes the knowledge base's
//! checks); what it added is said on stderr. Everything else is the same.

use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// What to build, in plain language ("a web server with a Postgres database in Frankfurt").
    pub request: String,
    /// Take the default for every question not answered by --answers or --region.
    /// Required: `generate` never asks (use `terraconverse chat` for a conversation).
    #[arg(long)]
    pub defaults: bool,
    /// A TOML or JSON file mapping question ids (`db.instance_class`, `region`) to answers.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// The AWS region (code such as eu-central-1, or a name such as Frankfurt).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// The folder to write the configuration to. It must not exist or be empty,
    /// unless --force is given.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the contents of a non-empty --out folder.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !args.defaults {
        bail!(
            "`generate` does not ask questions: pass --defaults to take the default for every question \
             not answered in --answers, or use `terraconverse chat` to talk it through"
        );
    }
    let mut answers = match &args.answers {
        Some(path) => read_answers(path)?,
        None => BTreeMap::new(),
    };
    if let Some(region) = &args.region {
        answers.insert("region".into(), region.clone());
    }
    check_out_dir(&args.out, args.force)?;

    let (llm, _) = super::chat::llm_from_env();
    let stack = match llm {
        Some(service) => with_llm(&service, &args.request, &answers)?,
        None => tc_conversation::run_non_interactive(&args.request, &answers),
    };
    let stack = match stack {
        Ok(stack) => stack,
        Err(problems) => {
            eprintln!("error: nothing was written, because:");
            for p in &problems {
                eprintln!("  - {p}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let generated = match tc_generate::generate(&stack) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: nothing was written, because: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let files = generated.all_files();
    write_atomically(&args.out, &files, args.force)?;

    println!("Wrote {} files to {}:", files.len(), args.out.display());
    for (path, _) in &files {
        println!("  {path}");
    }
    if !stack.decisions.is_empty() {
        println!("Security decisions recorded in README.md: {}", stack.decisions.len());
    }
    if !generated.deliberately_off.is_empty() {
        let mut ids: Vec<&str> = Vec::new();
        for o in &generated.deliberately_off {
            if !ids.contains(&o.check.as_str()) {
                ids.push(&o.check);
            }
        }
        println!("Checks deliberately left off (see README.md): {}", ids.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// `run_non_interactive` with the model's help reading the request.
fn with_llm(
    service: &tc_llm::LlmService,
    request: &str,
    answers: &BTreeMap<String, String>,
) -> anyhow::Result<Result<tc_knowledge::Stack, Vec<tc_conversation::Problem>>> {
    let c = service.conversation();
    let runtime = tc_llm::assist::runtime().context("starting the runtime for the LLM client")?;
    let started = runtime.block_on(tc_llm::assist::start(Some(&c), request));
    if let Some(line) = started.as_ref().ok().and_then(|s| s.outcome.as_ref()).and_then(|o| o.summary()) {
        eprintln!("LLM: {line}");
    }
    eprintln!("{}", c.stats());
    Ok(match started {
        Ok(s) => s.conversation.complete_with(answers),
        Err(e) => Err(vec![tc_conversation::Problem { id: String::new(), message: e.to_string() }]),
    })
}

/// Reads an answers file: JSON when it parses as JSON (or ends in `.json`), TOML
/// otherwise. Values may be strings, numbers, booleans or lists; they become the
/// text a user would type ("t3.small", "20", "true", "22, 443").
fn read_answers(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the answers file {}", path.display()))?;
    let is_json = path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    let table: BTreeMap<String, serde_json::Value> = if is_json {
        serde_json::from_str(&text).with_context(|| {
            format!("{} is not a JSON object of question id → answer, e.g. {{\"db.instance_class\": \"db.t3.small\"}}", path.display())
        })?
    } else {
        let value: toml::Value = toml::from_str(&text).with_context(|| {
            format!("{} is not a TOML table of question id → answer, e.g. \"db.instance_class\" = \"db.t3.small\"", path.display())
        })?;
        serde_json::from_value(serde_json::to_value(value)?)?
    };
    let mut out = BTreeMap::new();
    for (id, v) in table {
        let text = answer_text(&v).with_context(|| format!("answer `{id}` in {} must be a string, number, boolean or list", path.display()))?;
        out.insert(id, text);
    }
    Ok(out)
}

fn answer_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
        serde_json::Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(answer_text).collect();
            Some(parts?.join(", "))
        }
        _ => None,
    }
}

/// Refuses an --out that is a file, or a non-empty folder without --force, before
/// any work is done.
fn check_out_dir(out: &Path, force: bool) -> anyhow::Result<()> {
    if out.is_file() {
        bail!("--out {} is a file; give a folder", out.display());
    }
    if out.is_dir() && !force && std::fs::read_dir(out)?.next().is_some() {
        bail!("--out {} is not empty; choose a new folder or pass --force to replace its contents", out.display());
    }
    Ok(())
}

/// Writes every file into a temporary folder beside `out`, then renames it into
/// place, so a failure leaves no partial configuration behind.
fn write_atomically(out: &Path, files: &[(String, String)], force: bool) -> anyhow::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.terraconverse-{}", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        std::fs::create_dir_all(&tmp)?;
        for (path, content) in files {
            std::fs::write(tmp.join(path), content).with_context(|| format!("cannot write {}", tmp.join(path).display()))?;
        }
        if out.is_dir() {
            if !force && std::fs::read_dir(out)?.next().is_some() {
                bail!("--out {} became non-empty while generating", out.display());
            }
            std::fs::remove_dir_all(out).with_context(|| format!("cannot replace {}", out.display()))?;
        }
        std::fs::rename(&tmp, out).with_context(|| format!("cannot move the files into {}", out.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}
