//! `terraconverse check PATH… [--format text|json|sarif] [--severity LEVEL]`: runs the
//! security rules over Terraform files for CI. Directories are scanned recursively; the
//! `.tf` files of each directory form one module. Exit status: 0 no finding at or above
//! the level, 1 some finding at or above it, 2 usage error or a file that can't be read
//! or parsed (so a broken file never passes CI silently).

use anyhow::{bail, Context};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tc_rules::{Finding, ParseError, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories to check (directories are scanned recursively for .tf files).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit with status 1 when a finding is at or above this severity
    /// (low, medium, high, critical).
    #[arg(long, value_name = "LEVEL", default_value = "low", value_parser = parse_severity)]
    pub severity: Severity,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("unknown severity '{s}': use one of low, medium, high, critical"))
}

/// Groups the `.tf` files under the given paths by directory (one module each).
fn collect_modules(paths: &[PathBuf]) -> anyhow::Result<BTreeMap<PathBuf, Vec<PathBuf>>> {
    let mut modules: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("cannot read '{}': check that the path exists", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut modules)?;
        } else if p.extension().map(|e| e == "tf").unwrap_or(false) {
            let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
            let files = modules.entry(dir).or_default();
            if !files.contains(p) {
                files.push(p.clone());
            }
        } else {
            bail!("'{}' is not a .tf file or a directory", p.display());
        }
    }
    for files in modules.values_mut() {
        files.sort();
    }
    Ok(modules)
}

fn walk(dir: &Path, modules: &mut BTreeMap<PathBuf, Vec<PathBuf>>) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list '{}'", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        let name = e.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if e.is_dir() {
            // Provider caches and VCS folders hold no configuration of the user's.
            if !name.starts_with('.') {
                walk(&e, modules)?;
            }
        } else if name.ends_with(".tf") {
            modules.entry(dir.to_path_buf()).or_default().push(e);
        }
    }
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let modules = collect_modules(&args.paths)?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut errors: Vec<ParseError> = Vec::new();
    let mut files_checked = 0;
    for files in modules.values() {
        let mut texts = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(f).with_context(|| format!("cannot read '{}'", f.display()))?;
            texts.push((f.display().to_string(), text));
        }
        files_checked += texts.len();
        let refs: Vec<(&str, &str)> = texts.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let report = tc_rules::check(&refs);
        findings.extend(report.findings);
        errors.extend(report.parse_errors);
    }
    let failing = findings.iter().filter(|f| f.severity >= args.severity).count();
    let out = match args.format {
        Format::Text => text(&findings, &errors, files_checked, modules.len(), failing, args.severity),
        Format::Json => serde_json::to_string_pretty(&json_report(&findings, &errors, args.severity))? + "\n",
        Format::Sarif => serde_json::to_string_pretty(&sarif(&findings, &errors))? + "\n",
    };
    print!("{out}");
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("error: {}:{}:{}: {} (fix the syntax error; the file was not checked)", e.file, e.line, e.column, e.message);
        }
        return Ok(ExitCode::from(2));
    }
    Ok(if failing > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn text(findings: &[Finding], errors: &[ParseError], files: usize, modules: usize, failing: usize, level: Severity) -> String {
    let mut s = String::new();
    for f in findings {
        s.push_str(&format!(
            "{}:{}: {} {} ({}) {}: {}\n",
            f.file, f.start_line, f.severity, f.rule, f.checkov_id, f.resource, f.message
        ));
        for r in &f.related {
            s.push_str(&format!("    related: {}:{}: {} ({})\n", r.file, r.start_line, r.resource, r.message));
        }
        if let Some(fix) = &f.fix {
            s.push_str(&format!("    quick fix: {}\n", fix.title));
        }
    }
    s.push_str(&format!(
        "{} finding(s) in {} file(s) of {} module(s); {} at or above {}{}\n",
        findings.len(),
        files,
        modules,
        failing,
        level,
        if errors.is_empty() { String::new() } else { format!("; {} file(s) could not be parsed", errors.len()) }
    ));
    s
}

fn json_report(findings: &[Finding], errors: &[ParseError], level: Severity) -> Value {
    json!({
        "findings": findings.iter().map(|f| json!({
            "rule": f.rule,
            "checkov_id": f.checkov_id,
            "severity": f.severity,
            "title": f.title,
            "resource": f.resource,
            "file": f.file,
            "start_line": f.start_line,
            "end_line": f.end_line,
            "message": f.message,
            "related": f.related.iter().map(|r| json!({"resource": r.resource, "file": r.file, "start_line": r.start_line, "end_line": r.end_line, "message": r.message})).collect::<Vec<_>>(),
            "fix": f.fix.as_ref().map(|x| json!({"title": x.title})),
        })).collect::<Vec<_>>(),
        "parse_errors": errors.iter().map(|e| json!({"file": e.file, "line": e.line, "column": e.column, "message": e.message})).collect::<Vec<_>>(),
        "summary": {
            "findings": findings.len(),
            "at_or_above_threshold": findings.iter().filter(|f| f.severity >= level).count(),
            "threshold": level,
        }
    })
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// SARIF file URIs: relative paths with forward slashes, as code-scanning tools expect.
fn uri(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

fn sarif(findings: &[Finding], errors: &[ParseError]) -> Value {
    let rules = tc_rules::rules();
    let security_severity = |s: Severity| match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    };
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.checkov_id,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": format!("{} (checkov {})", r.title, r.checkov_id)},
                "help": {"text": r.docs, "markdown": r.docs},
                "defaultConfiguration": {"level": sarif_level(r.severity)},
                "properties": {"checkov_id": r.checkov_id, "security-severity": security_severity(r.severity), "tags": ["security", "terraform"]},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let mut res = json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": sarif_level(f.severity),
                "message": {"text": format!("{}: {}", f.resource, f.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.file)},
                        "region": {"startLine": f.start_line, "endLine": f.end_line}
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}]
                }],
                "properties": {"checkov_id": f.checkov_id, "severity": f.severity},
            });
            if !f.related.is_empty() {
                res["relatedLocations"] = Value::Array(
                    f.related
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            json!({
                                "id": i,
                                "message": {"text": format!("{}: {}", r.resource, r.message)},
                                "physicalLocation": {"artifactLocation": {"uri": uri(&r.file)}, "region": {"startLine": r.start_line, "endLine": r.end_line}}
                            })
                        })
                        .collect(),
                );
            }
            res
        })
        .collect();
    let notifications: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("syntax error, file not checked: {}", e.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.file)}, "region": {"startLine": e.line.max(1), "startColumn": e.column.max(1)}}}]
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "terraconverse",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": driver_rules,
            }},
            "invocations": [{"executionSuccessful": errors.is_empty(), "toolExecutionNotifications": notifications}],
            "results": results,
        }]
    })
}
