//! Rendering of each prepared resource through its component's minijinja template,
//! then formatting, splitting into blocks and parsing every block back.

use crate::context::{Prepared, PreparedResource};
use crate::escape::{hcl_string, hcl_value, identifier};
use crate::format::{format_hcl, split_blocks};
use crate::GenerateError;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// What a template's `refuse(kind, message)` call means.
const REFUSAL_PREFIX: &str = "terraconverse-refusal:";

/// The kind of a top-level block, which decides the file it goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Resource,
    Data,
    Variable,
    Output,
    Other,
}

/// One rendered, formatted and parsed block.
#[derive(Debug, Clone)]
pub struct RenderedBlock {
    pub kind: BlockKind,
    pub address: String,
    pub text: String,
}

/// The blocks of one resource, plus the variables its code refers to.
pub struct RenderedResource {
    pub key: String,
    pub blocks: Vec<RenderedBlock>,
    /// Parameter ids whose variable (`var.<name>`) the rendered code uses.
    pub used_params: Vec<String>,
    /// Checks the template declared deliberately off (`m.off(…)`).
    pub off: Vec<crate::DeliberatelyOff>,
}

/// The comment `m.off(id, reason, how)` writes; parsed back into the README.
const OFF_PREFIX: &str = "# Deliberately off: ";
const OFF_HOW: &str = " Turn it on: ";

fn collect_off(text: &str, key: &str) -> Vec<crate::DeliberatelyOff> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(OFF_PREFIX))
        .filter_map(|rest| {
            let (check, rest) = rest.split_once(". ")?;
            let (reason, how) = rest.split_once(OFF_HOW)?;
            Some(crate::DeliberatelyOff {
                check: check.to_string(),
                resource_key: key.to_string(),
                reason: reason.trim().to_string(),
                how: how.trim().to_string(),
            })
        })
        .collect()
}

/// The template environment, built once: templates compile on first use and are
/// cached, which is what keeps generation well under a millisecond per resource.
pub fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).unwrap_or_else(|e| panic!("template {name} does not compile: {e:#}"));
        }
        env.add_filter("q", |v: minijinja::Value| -> Result<String, Error> {
            let json = to_json(&v)?;
            Ok(match &json {
                serde_json::Value::String(s) => hcl_string(s),
                other => hcl_string(&other.to_string()),
            })
        });
        env.add_filter("hcl", |v: minijinja::Value| -> Result<String, Error> { Ok(hcl_value(&to_json(&v)?)) });
        env.add_filter("ident", |s: String| identifier(&s));
        env.add_filter("comment", |s: String| comment_text(&s));
        env.add_filter("zip_path", |s: String| zip_path(&s));
        env.add_function("refuse", |message: String| -> Result<String, Error> {
            Err(Error::new(ErrorKind::InvalidOperation, format!("{REFUSAL_PREFIX}{message}")))
        });
        env
    })
}

/// Whether a template always uses `count` (marked `{# tc:counted #}`), so that
/// references to its main resource must index it.
pub fn always_counted(template: &str) -> bool {
    TEMPLATES.iter().any(|(n, src)| *n == template && src.contains("{# tc:counted #}"))
}

/// Names of every embedded template (without `.tf.j2`).
pub fn template_names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(n, _)| *n)
}

fn to_json(v: &minijinja::Value) -> Result<serde_json::Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

/// The deployment package for a source file: the path itself when it is already a
/// `.zip`, otherwise the same path with its extension replaced by `.zip`
/// (`src/index.py` → `src/index.zip`).
pub fn zip_path(source: &str) -> String {
    if source.ends_with(".zip") {
        return source.to_string();
    }
    let (dir, file) = source.rsplit_once('/').map(|(d, f)| (format!("{d}/"), f)).unwrap_or((String::new(), source));
    let stem = file.rsplit_once('.').map(|(s, _)| s).filter(|s| !s.is_empty()).unwrap_or(file);
    format!("{dir}{stem}.zip")
}

/// Text safe inside a `#` comment: one line, no control or bidi characters, at most
/// 300 characters.
pub fn comment_text(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if crate::escape::needs_unicode_escape(c) { ' ' } else { c })
        .take(300)
        .collect();
    if s.chars().count() > 300 {
        out.push('…');
    }
    out.trim().to_string()
}

#[derive(Serialize)]
struct ResourceCtx<'a> {
    key: &'a str,
    label: &'a str,
    count: u32,
    component: &'a str,
    name: &'a str,
    position: usize,
    values: &'a BTreeMap<String, tc_knowledge::Value>,
}

#[derive(Serialize)]
struct StackEntry<'a> {
    key: &'a str,
    component: &'a str,
    label: &'a str,
    existing: bool,
}

pub fn render_all(prepared: &Prepared) -> Result<Vec<RenderedResource>, GenerateError> {
    let env = environment();
    let stack_entries: Vec<StackEntry> = prepared
        .resources
        .iter()
        .map(|r| StackEntry { key: &r.key, component: &r.component.id, label: &r.label, existing: r.existing })
        .collect();
    // Converted to a template value once: every template receives the same list, and
    // a minijinja value is shared by reference rather than serialized per template.
    let stack_value = minijinja::Value::from_serialize(&stack_entries);
    let mut out = Vec::new();
    for res in prepared.resources.iter().filter(|r| !r.existing) {
        out.push(render_one(env, prepared, res, &stack_value)?);
    }
    Ok(out)
}

fn render_one(
    env: &Environment,
    prepared: &Prepared,
    res: &PreparedResource,
    stack_value: &minijinja::Value,
) -> Result<RenderedResource, GenerateError> {
    let template_name = res.component.template.as_str();
    let template = env.get_template(template_name).map_err(|_| GenerateError::MissingTemplate {
        component: res.component.id.clone(),
        template: template_name.to_string(),
    })?;
    let v: BTreeMap<&str, String> = res.vars.iter().map(|(p, name)| (p.as_str(), format!("var.{name}"))).collect();
    let ctx = minijinja::context! {
        r => ResourceCtx {
            key: &res.key,
            label: &res.label,
            count: res.count,
            component: &res.component.id,
            name: &res.component.name,
            position: res.position,
            values: &res.values,
        },
        dependents => &res.dependents,
        v => v,
        refs => &res.refs,
        decisions => &res.decisions,
        region => &prepared.region,
        stack => stack_value.clone(),
    };
    let text = template.render(ctx).map_err(|e| {
        let msg = format!("{e:#}");
        match msg.find(REFUSAL_PREFIX) {
            Some(at) => {
                let rest = &msg[at + REFUSAL_PREFIX.len()..];
                let end = rest.find(['\n', '(']).unwrap_or(rest.len());
                GenerateError::Unconfirmed { resource: res.key.clone(), message: rest[..end].trim().to_string() }
            }
            None if msg.contains("undefined") && msg.contains("refs") => GenerateError::MissingDependency {
                resource: res.key.clone(),
                message: format!("the {} template needs a dependency the stack does not provide ({msg})", res.component.id),
            },
            None => GenerateError::Template { template: template_name.to_string(), message: msg },
        }
    })?;
    let formatted = format_hcl(&text);
    let mut blocks = Vec::new();
    for block_text in split_blocks(&formatted) {
        let (kind, address) = parse_address(&block_text).map_err(|message| GenerateError::Template {
            template: template_name.to_string(),
            message,
        })?;
        blocks.push(RenderedBlock { kind, address, text: block_text });
    }
    let used_params = res
        .vars
        .iter()
        .filter(|(_, name)| references_var(&formatted, name))
        .map(|(p, _)| p.clone())
        .collect();
    let off = collect_off(&formatted, &res.key);
    Ok(RenderedResource { key: res.key.clone(), blocks, used_params, off })
}

/// Whether `text` contains `var.<name>` as a whole reference.
fn references_var(text: &str, name: &str) -> bool {
    let needle = format!("var.{name}");
    let mut from = 0;
    while let Some(at) = text[from..].find(&needle) {
        let end = from + at + needle.len();
        let next = text[end..].chars().next();
        if !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return true;
        }
        from = end;
    }
    false
}

/// Parses one block's text with hcl-edit and returns its kind and address.
pub fn parse_address(block_text: &str) -> Result<(BlockKind, String), String> {
    let body = hcl_edit::parser::parse_body(block_text).map_err(|e| format!("rendered HCL does not parse: {e}\n{block_text}"))?;
    let mut blocks = body.blocks();
    let block = blocks.next().ok_or_else(|| format!("expected a block, got:\n{block_text}"))?;
    if blocks.next().is_some() || body.attributes().next().is_some() {
        return Err(format!("expected exactly one block, got:\n{block_text}"));
    }
    let ident = block.ident.as_str();
    let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
    let kind = match ident {
        "resource" => BlockKind::Resource,
        "data" => BlockKind::Data,
        "variable" => BlockKind::Variable,
        "output" => BlockKind::Output,
        _ => BlockKind::Other,
    };
    let mut address = ident.to_string();
    for l in labels {
        address.push('.');
        address.push_str(l);
    }
    Ok((kind, address))
}
