//! Completion over Terraform text at a byte offset: resource and data source types
//! after `resource "` / `data "`, arguments and blocks inside a block (required
//! first, as snippets with placeholders), and known values (instance types,
//! database instance classes, regions) inside a string.

use crate::locate::{locate, Root};
use crate::model::{BlockSchema, Type};
use crate::store::{EntityKind, Schema};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    ResourceType,
    DataSourceType,
    Argument,
    Block,
    MetaArgument,
    Value,
}

/// One completion. `insert_text` replaces the bytes `replace` of the text; it is an
/// LSP snippet (`${1:placeholder}`) when `is_snippet` is true. Items come sorted;
/// `sort_text` keeps that order in clients that re-sort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
    pub documentation: Option<String>,
    pub insert_text: String,
    pub is_snippet: bool,
    pub sort_text: String,
    pub replace: Range<usize>,
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Completion items for the cursor at byte `offset` of `text`.
pub fn complete(schema: &Schema, text: &str, offset: usize) -> Vec<CompletionItem> {
    if offset > text.len() || !text.is_char_boundary(offset) {
        return Vec::new();
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    let trimmed = prefix.trim_start();

    // `resource "aws_in|` and `data "aws_s3|`.
    for (keyword, kind) in [("resource", EntityKind::Resource), ("data", EntityKind::DataSource)] {
        if let Some(rest) = trimmed.strip_prefix(keyword) {
            if let Some(partial) = rest.trim_start().strip_prefix('"') {
                if rest.starts_with(char::is_whitespace) && partial.chars().all(is_ident_char) {
                    let end = offset + text[offset..].find(|c: char| !is_ident_char(c)).unwrap_or(text.len() - offset);
                    return type_items(schema, kind, partial, offset - partial.len()..end);
                }
            }
        }
    }

    // `name = "partial|`: known values.
    if let Some((name, partial)) = value_context(trimmed) {
        let located = with_located(schema, text, offset, line_start, |l| {
            l.schema.attribute(name).is_some()
        });
        if located == Some(true) {
            return value_items(name, partial, offset - partial.len()..offset);
        }
        return Vec::new();
    }

    // An argument or block name being typed at the start of a line.
    if !trimmed.chars().all(is_ident_char) {
        return Vec::new();
    }
    let partial = trimmed;
    let end = offset + text[offset..].find(|c: char| !is_ident_char(c)).unwrap_or(text.len() - offset);
    let replace = offset - partial.len()..end;
    with_located(schema, text, offset, line_start, |l| {
        let present: Vec<&str> = l
            .body
            .attributes()
            .map(|a| a.key.as_str())
            .chain(l.body.blocks().map(|b| b.ident.as_str()))
            .collect();
        body_items(&l.schema, l.top, &l.root, &present, partial, replace.clone())
    })
    .unwrap_or_default()
}

/// `instance_type = "t3.mi` → (`instance_type`, `t3.mi`).
fn value_context(trimmed: &str) -> Option<(&str, &str)> {
    let eq = trimmed.find('=')?;
    let name = trimmed[..eq].trim_end();
    if name.is_empty() || !name.chars().all(is_ident_char) {
        return None;
    }
    let partial = trimmed[eq + 1..].trim_start().strip_prefix('"')?;
    (!partial.contains('"') && !partial.contains("${")).then_some((name, partial))
}

/// Parses the text around `offset` with the cursor's line blanked (a half-typed
/// line is rarely valid HCL) and runs `f` on the block found there. Only the
/// enclosing top-level block is parsed when it can be, so large files stay fast.
fn with_located<T>(
    schema: &Schema,
    text: &str,
    offset: usize,
    line_start: usize,
    f: impl FnOnce(&crate::locate::Located<'_, '_>) -> T,
) -> Option<T> {
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let mut patched = String::with_capacity(text.len());
    patched.push_str(&text[..line_start]);
    patched.extend(text[line_start..line_end].chars().map(|c| if c.is_ascii() { ' ' } else { c }));
    patched.push_str(&text[line_end..]);

    // The enclosing top-level block: from the last line starting in column 0 with
    // a word, to the next line that is a lone `}` in column 0.
    let mut chunk_start = 0;
    let mut pos = line_start;
    while pos > 0 {
        let prev_start = patched[..pos - 1].rfind('\n').map_or(0, |i| i + 1);
        if patched[prev_start..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            chunk_start = prev_start;
            break;
        }
        pos = prev_start;
    }
    let chunk_end = patched[line_end..]
        .match_indices("\n}")
        .map(|(i, _)| line_end + i + 2)
        .find(|&e| patched[e..].starts_with('\n') || e == patched.len())
        .unwrap_or(patched.len());
    let chunk = &patched[chunk_start..chunk_end];
    if let Ok(body) = hcl_edit::parser::parse_body(chunk) {
        if let Some(l) = locate(schema, chunk, &body, offset - chunk_start) {
            return Some(f(&l));
        }
    }
    let body = hcl_edit::parser::parse_body(&patched).ok()?;
    let l = locate(schema, &patched, &body, offset)?;
    Some(f(&l))
}

fn type_items(schema: &Schema, kind: EntityKind, partial: &str, replace: Range<usize>) -> Vec<CompletionItem> {
    let (ck, what) = match kind {
        EntityKind::Resource => (CompletionKind::ResourceType, "resource"),
        EntityKind::DataSource => (CompletionKind::DataSourceType, "data source"),
    };
    schema
        .entity_types(kind)
        .filter(|t| t.starts_with(partial) || (!partial.is_empty() && t.contains(partial)))
        .map(|t| CompletionItem {
            label: t.to_string(),
            kind: ck,
            detail: format!("AWS {what} ({})", schema.info().version),
            documentation: Some(crate::hover::registry_url(schema, kind, t)),
            insert_text: t.to_string(),
            is_snippet: false,
            // Prefix matches before substring matches.
            sort_text: format!("{}{t}", if t.starts_with(partial) { 0 } else { 1 }),
            replace: replace.clone(),
        })
        .collect()
}

/// The snippet text after `name = ` for a value of type `ty`.
fn value_snippet(ty: &Type) -> String {
    match ty {
        Type::String => "\"${1}\"".into(),
        Type::Number => "${1:0}".into(),
        Type::Bool => "${1|true,false|}".into(),
        Type::List(e) | Type::Set(e) if **e == Type::String => "[\"${1}\"]".into(),
        Type::List(_) | Type::Set(_) | Type::Tuple(_) => "[${1}]".into(),
        Type::Map(e) if **e == Type::String => "{\n  ${1:key} = \"${2}\"\n}".into(),
        Type::Map(_) | Type::Object(_) => "{\n  ${1}\n}".into(),
        Type::Any => "${1}".into(),
    }
}

/// A block snippet with its required arguments filled in as placeholders.
fn block_snippet(name: &str, block: &BlockSchema) -> String {
    let mut out = format!("{name} {{\n");
    let mut n = 1;
    for a in block.attributes.iter().filter(|a| a.required) {
        let value = value_snippet(&a.ty).replace("${1", &format!("${{{n}"));
        out.push_str(&format!("  {} = {}\n", a.name, value.replace('\n', "\n  ")));
        n += 1;
    }
    if n == 1 {
        out.push_str("  ${1}\n");
    }
    out.push('}');
    out
}

const META: &[(&str, &str, &str)] = &[
    ("count", "count = ${1:1}", "How many instances to create (meta-argument)."),
    ("for_each", "for_each = ${1:var.items}", "One instance per map key or set element (meta-argument)."),
    ("depends_on", "depends_on = [${1}]", "Explicit dependencies (meta-argument)."),
    ("provider", "provider = ${1:aws.alias}", "A non-default provider configuration (meta-argument)."),
    ("lifecycle", "lifecycle {\n  ${1:prevent_destroy = true}\n}", "Create/destroy behaviour (meta-argument)."),
];

fn body_items(
    schema: &BlockSchema,
    top: bool,
    root: &Root,
    present: &[&str],
    partial: &str,
    replace: Range<usize>,
) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    let wanted = |name: &str| name.starts_with(partial) || (!partial.is_empty() && name.contains(partial));
    for a in &schema.attributes {
        if a.is_computed_only() || present.contains(&a.name.as_str()) || !wanted(&a.name) {
            continue;
        }
        items.push(CompletionItem {
            label: a.name.clone(),
            kind: CompletionKind::Argument,
            detail: format!("{} ({})", a.ty, a.mode()),
            documentation: a.description.clone(),
            insert_text: format!("{} = {}", a.name, value_snippet(&a.ty)),
            is_snippet: true,
            sort_text: format!("{}{}", if a.required { 0 } else { 2 }, a.name),
            replace: replace.clone(),
        });
    }
    for b in &schema.blocks {
        let full = b.max().is_some_and(|m| present.iter().filter(|p| **p == b.name).count() as u32 >= m);
        if full || !wanted(&b.name) {
            continue;
        }
        let required = b.min_items > 0 && !present.contains(&b.name.as_str());
        let limit = match b.max() {
            Some(1) => "at most 1".to_string(),
            Some(m) => format!("at most {m}"),
            None => "repeatable".to_string(),
        };
        items.push(CompletionItem {
            label: b.name.clone(),
            kind: CompletionKind::Block,
            detail: format!("block ({}{limit})", if b.min_items > 0 { "required, " } else { "" }),
            documentation: b.block.description.clone(),
            insert_text: block_snippet(&b.name, &b.block),
            is_snippet: true,
            sort_text: format!("{}{}", if required { 1 } else { 3 }, b.name),
            replace: replace.clone(),
        });
    }
    if top && matches!(root, Root::Entity(..)) {
        for (name, snippet, doc) in META {
            if present.contains(name) || !wanted(name) {
                continue;
            }
            if *name == "lifecycle" && matches!(root, Root::Entity(EntityKind::DataSource, _)) {
                continue;
            }
            items.push(CompletionItem {
                label: name.to_string(),
                kind: CompletionKind::MetaArgument,
                detail: "meta-argument".into(),
                documentation: Some(doc.to_string()),
                insert_text: snippet.to_string(),
                is_snippet: true,
                sort_text: format!("4{name}"),
                replace: replace.clone(),
            });
        }
    }
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    items
}

/// Known values for well-known arguments, from the knowledge base.
fn value_items(name: &str, partial: &str, replace: Range<usize>) -> Vec<CompletionItem> {
    let kb = tc_knowledge::knowledge();
    let values: Vec<(String, Option<String>)> = match name {
        "instance_type" => kb.instance_types.iter().map(|t| (t.clone(), None)).collect(),
        "instance_class" => kb.db_instance_classes.iter().map(|t| (t.clone(), None)).collect(),
        "region" => kb.regions.iter().map(|r| (r.code.clone(), Some(r.name.clone()))).collect(),
        _ => return Vec::new(),
    };
    values
        .into_iter()
        .filter(|(v, _)| v.starts_with(partial))
        .enumerate()
        .map(|(i, (v, doc))| CompletionItem {
            detail: doc.clone().unwrap_or_else(|| name.to_string()),
            label: v.clone(),
            kind: CompletionKind::Value,
            documentation: doc,
            insert_text: v,
            is_snippet: false,
            // Knowledge-base order is meaningful (common choices first).
            sort_text: format!("{i:05}"),
            replace: replace.clone(),
        })
        .collect()
}
