//! Hover over Terraform text: a resource or data source type label, an argument
//! name or a nested block name gets its type, mode and description as Markdown.

use crate::locate::{locate, Root};
use crate::model::BlockSchema;
use crate::store::{EntityKind, Schema};
use hcl_edit::Span;
use std::ops::Range;

/// Markdown for the hovered `span` of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub span: Range<usize>,
    pub markdown: String,
}

/// The registry documentation page of a resource or data source.
pub fn registry_url(schema: &Schema, kind: EntityKind, type_name: &str) -> String {
    let version = match schema.info().version.as_str() {
        "unknown" | "" => "latest",
        v => v,
    };
    let page = type_name.strip_prefix("aws_").unwrap_or(type_name);
    let section = match kind {
        EntityKind::Resource => "resources",
        EntityKind::DataSource => "data-sources",
    };
    format!("https://registry.terraform.io/providers/hashicorp/aws/{version}/docs/{section}/{page}")
}

fn contains(span: Option<Range<usize>>, offset: usize) -> Option<Range<usize>> {
    span.filter(|s| s.start <= offset && offset <= s.end)
}

/// Hover for the byte `offset` of `text`; `None` when there is nothing to say or the
/// text does not parse.
pub fn hover(schema: &Schema, text: &str, offset: usize) -> Option<Hover> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    // On a type label of a top-level block.
    for block in body.blocks() {
        let kind = match block.ident.as_str() {
            "resource" => EntityKind::Resource,
            "data" => EntityKind::DataSource,
            _ => continue,
        };
        let Some(label) = block.labels.first() else {
            continue;
        };
        if let Some(span) = contains(label.span(), offset) {
            let t = label.as_str();
            let what = match kind {
                EntityKind::Resource => "resource",
                EntityKind::DataSource => "data source",
            };
            let markdown = match schema.entity(kind, t) {
                Some(s) => entity_markdown(schema, kind, t, what, s),
                None => format!("`{t}`: not an AWS {what} in provider {}.", schema.info().version),
            };
            return Some(Hover { span, markdown });
        }
    }
    // On an argument or block name inside a block.
    let l = locate(schema, text, &body, offset)?;
    for attr in l.body.attributes() {
        if let Some(span) = contains(attr.key.span(), offset) {
            let name = attr.key.as_str();
            if let Some(a) = l.schema.attribute(name) {
                let mut md = format!("**{name}** `{}` — {}", a.ty, a.mode());
                if a.deprecated {
                    md.push_str(", **deprecated**");
                }
                if a.sensitive {
                    md.push_str(", sensitive");
                }
                if let Some(d) = &a.description {
                    md.push_str("\n\n");
                    md.push_str(d);
                }
                return Some(Hover { span, markdown: md });
            }
            if l.top && matches!(l.root, Root::Entity(..)) {
                let meta = match name {
                    "count" => "creates this many instances",
                    "for_each" => "creates one instance per map key or set element",
                    "depends_on" => "explicit dependencies",
                    "provider" => "selects a non-default provider configuration",
                    _ => return None,
                };
                return Some(Hover {
                    span,
                    markdown: format!("**{name}** — Terraform meta-argument: {meta}."),
                });
            }
            return None;
        }
    }
    for block in l.body.blocks() {
        if let Some(span) = contains(block.ident.span(), offset) {
            let nb = l.schema.block(block.ident.as_str())?;
            let mut md = format!("**{}** block", nb.name);
            let mut limits = Vec::new();
            if nb.min_items > 0 {
                limits.push(format!("at least {}", nb.min_items));
            }
            match nb.max() {
                Some(m) => limits.push(format!("at most {m}")),
                None => limits.push("repeatable".into()),
            }
            md.push_str(&format!(" ({})", limits.join(", ")));
            if let Some(d) = &nb.block.description {
                md.push_str("\n\n");
                md.push_str(d);
            }
            let args = required_list(&nb.block);
            if !args.is_empty() {
                md.push_str(&format!("\n\nRequired: {args}"));
            }
            return Some(Hover { span, markdown: md });
        }
    }
    None
}

fn required_list(b: &BlockSchema) -> String {
    b.attributes
        .iter()
        .filter(|a| a.required)
        .map(|a| format!("`{}`", a.name))
        .chain(b.blocks.iter().filter(|nb| nb.min_items > 0).map(|nb| format!("`{}` block", nb.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn entity_markdown(schema: &Schema, kind: EntityKind, t: &str, what: &str, s: &BlockSchema) -> String {
    let mut md = format!("**{t}** — AWS {what} (provider {})", schema.info().version);
    if s.deprecated {
        md.push_str(", **deprecated**");
    }
    if let Some(d) = &s.description {
        md.push_str("\n\n");
        md.push_str(d);
    }
    let args = required_list(s);
    if !args.is_empty() {
        md.push_str(&format!("\n\nRequired: {args}"));
    }
    md.push_str(&format!("\n\n[Documentation]({})", registry_url(schema, kind, t)));
    md
}
