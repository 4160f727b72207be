//! Schema diagnostics over Terraform text: unknown resource/data source types,
//! unknown arguments and blocks (with "did you mean"), missing required arguments
//! and blocks, block counts, literal value types, computed-only attributes and
//! deprecations. Pure: text in, diagnostics with byte spans out.
//!
//! The rule everywhere is "never flag what Terraform accepts": anything whose value
//! is only known at plan time (references, functions, templates) is not type-checked,
//! `dynamic` blocks make block counts unknowable, and types outside the AWS provider
//! are left alone.

use crate::model::{BlockSchema, Type};
use crate::store::{EntityKind, Schema};
use hcl_edit::expr::{Expression, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::visit::{visit_traversal, Visit};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span;
use std::collections::HashMap;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// What a diagnostic is about; stable for tests and quick fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticKind {
    UnknownResourceType,
    UnknownDataSourceType,
    UnknownArgument,
    UnknownBlock,
    MissingRequiredArgument,
    MissingRequiredBlock,
    TooFewBlocks,
    TooManyBlocks,
    WrongType,
    ComputedOnly,
    Deprecated,
    /// `aws_x.name.attr` / `data.aws_x.name.attr` naming an attribute the type lacks.
    UnknownAttributeReference,
}

/// One finding. `span` is a byte range in the checked text; `suggestion`, when
/// present, is the replacement text for exactly that span ("did you mean").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Range<usize>,
    pub severity: Severity,
    pub kind: DiagnosticKind,
    pub message: String,
    pub suggestion: Option<String>,
}

/// Meta-arguments Terraform itself handles in `resource` and `data` blocks.
const META_ARGUMENTS: &[&str] = &["count", "for_each", "provider", "depends_on"];
/// Meta-blocks of `resource` blocks (their content is Terraform's, not the provider's).
const RESOURCE_META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
/// Arguments every `provider` block may carry besides the provider's own.
const PROVIDER_META_ARGUMENTS: &[&str] = &["alias", "version"];

/// Checks a whole file. Text that does not parse yields no schema diagnostics:
/// syntax errors are reported by the parser's own diagnostics, and a half-typed
/// file must not light up with stale schema errors.
pub fn check(schema: &Schema, text: &str) -> Vec<Diagnostic> {
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => check_body(schema, &body, text),
        Err(_) => Vec::new(),
    }
}

/// Checks an already-parsed file body (`text` is the source it was parsed from,
/// used to place diagnostics on block headers).
pub fn check_body(schema: &Schema, body: &Body, text: &str) -> Vec<Diagnostic> {
    let mut cx = Checker {
        text,
        out: Vec::new(),
    };
    for block in body.blocks() {
        let kind = match block.ident.as_str() {
            "resource" => EntityKind::Resource,
            "data" => EntityKind::DataSource,
            "provider" => {
                if block.labels.first().map(|l| l.as_str()) == Some("aws") {
                    cx.check_block(schema.provider(), &block.body, Context::Provider, header_span(text, block));
                }
                continue;
            }
            _ => continue,
        };
        let Some(label) = block.labels.first() else {
            continue;
        };
        let type_name = label.as_str();
        match schema.entity(kind, type_name) {
            Some(s) => {
                let ctx = match kind {
                    EntityKind::Resource => Context::Resource,
                    EntityKind::DataSource => Context::DataSource,
                };
                cx.check_block(s, &block.body, ctx, header_span(text, block));
            }
            // Only AWS types are known here; other providers' types are theirs.
            None if type_name.starts_with("aws_") => {
                let candidates: Vec<&str> = schema.entity_types(kind).collect();
                let suggestion = did_you_mean(type_name, candidates.iter().copied());
                let what = match kind {
                    EntityKind::Resource => "resource type",
                    EntityKind::DataSource => "data source",
                };
                let span = label.span().unwrap_or_else(|| header_span(text, block));
                // The label span includes its quotes; the suggestion replaces the name only.
                let span = trim_quotes(text, span);
                cx.push(
                    span,
                    Severity::Error,
                    match kind {
                        EntityKind::Resource => DiagnosticKind::UnknownResourceType,
                        EntityKind::DataSource => DiagnosticKind::UnknownDataSourceType,
                    },
                    format!(
                        "The AWS provider {} has no {what} \"{type_name}\".{}",
                        schema.info().version,
                        hint(&suggestion)
                    ),
                    suggestion,
                );
            }
            None => {}
        }
    }
    let mut refs = References {
        schema,
        out: &mut cx.out,
    };
    refs.visit_body(body);
    cx.out.sort_by_key(|d| (d.span.start, d.span.end));
    cx.out
}

/// Checks attribute references to AWS resources and data sources anywhere in the
/// file (a hallucinated `aws_instance.web.public_ipv4` fails `terraform validate`
/// with "Unsupported attribute"). Only the first attribute after the instance is
/// checked; deeper paths go into nested values whose shape may be dynamic.
struct References<'a, 'o> {
    schema: &'a Schema,
    out: &'o mut Vec<Diagnostic>,
}

impl Visit for References<'_, '_> {
    fn visit_traversal(&mut self, node: &Traversal) {
        self.check(node);
        visit_traversal(self, node);
    }
}

impl References<'_, '_> {
    fn check(&mut self, node: &Traversal) {
        let Some(root) = node.expr.as_variable() else {
            return;
        };
        let ops: Vec<&TraversalOperator> = node.operators.iter().map(|o| o.value()).collect();
        let attr_name = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => Some(id),
            _ => None,
        };
        let (kind, type_name, mut i) = if root.as_str() == "data" {
            let Some(t) = attr_name(0) else { return };
            if attr_name(1).is_none() {
                return;
            }
            (EntityKind::DataSource, t.as_str().to_string(), 2)
        } else if root.as_str().starts_with("aws_") {
            if attr_name(0).is_none() {
                return;
            }
            (EntityKind::Resource, root.as_str().to_string(), 1)
        } else {
            return;
        };
        // One instance key or splat may sit between the instance and the attribute.
        if matches!(
            ops.get(i),
            Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) | TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_))
        ) {
            i += 1;
        }
        let Some(attr) = attr_name(i) else { return };
        let Some(schema) = self.schema.entity(kind, &type_name) else {
            return;
        };
        let name = attr.as_str();
        if schema.attribute(name).is_some() || schema.block(name).is_some() {
            return;
        }
        // Computed-only names read from cdktn are snake_cased from camelCase, which
        // is ambiguous around digits (`checksum_crc32c` vs `checksum_crc32_c`):
        // compare without underscores so a valid reference is never flagged.
        let squash = |s: &str| s.replace('_', "");
        let wanted = squash(name);
        let names = || schema.attributes.iter().map(|a| a.name.as_str()).chain(schema.blocks.iter().map(|b| b.name.as_str()));
        if names().any(|n| squash(n) == wanted) {
            return;
        }
        let suggestion = did_you_mean(name, names());
        let what = match kind {
            EntityKind::Resource => format!("{type_name} resource"),
            EntityKind::DataSource => format!("{type_name} data source"),
        };
        self.out.push(Diagnostic {
            span: attr.span().unwrap_or(0..0),
            severity: Severity::Error,
            kind: DiagnosticKind::UnknownAttributeReference,
            message: format!("A {what} has no attribute \"{name}\".{}", hint(&suggestion)),
            suggestion,
        });
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Resource,
    DataSource,
    Provider,
    Nested,
}

struct Checker<'a> {
    text: &'a str,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn push(
        &mut self,
        span: Range<usize>,
        severity: Severity,
        kind: DiagnosticKind,
        message: String,
        suggestion: Option<String>,
    ) {
        self.out.push(Diagnostic {
            span,
            severity,
            kind,
            message,
            suggestion,
        });
    }

    /// Checks one block body against its schema. `header` is where "missing"
    /// findings go: the block's header line, as Terraform reports them.
    fn check_block(&mut self, schema: &BlockSchema, body: &Body, ctx: Context, header: Range<usize>) {
        if schema.unchecked {
            return;
        }
        let mut seen_attrs: Vec<&str> = Vec::new();
        // Per nested block type: how many literal blocks, whether a `dynamic` one exists.
        let mut counts: HashMap<&str, (Vec<&Block>, bool)> = HashMap::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    let key_span = attr.key.span().unwrap_or(0..0);
                    if is_meta_argument(ctx, name) {
                        continue;
                    }
                    seen_attrs.push(name);
                    if let Some(a) = schema.attribute(name) {
                        if a.is_computed_only() {
                            self.push(
                                key_span,
                                Severity::Error,
                                DiagnosticKind::ComputedOnly,
                                format!(
                                    "\"{name}\" is computed by AWS and cannot be set; remove it (read it elsewhere as an attribute reference)."
                                ),
                                None,
                            );
                            continue;
                        }
                        if a.deprecated {
                            self.push(
                                key_span.clone(),
                                Severity::Warning,
                                DiagnosticKind::Deprecated,
                                format!(
                                    "\"{name}\" is deprecated{}",
                                    a.description
                                        .as_deref()
                                        .map(|d| format!(": {d}"))
                                        .unwrap_or_else(|| ".".into())
                                ),
                                None,
                            );
                        }
                        if let Some(given) = mismatch(&attr.value, &a.ty) {
                            self.push(
                                attr.value.span().unwrap_or(key_span),
                                Severity::Error,
                                DiagnosticKind::WrongType,
                                format!(
                                    "Incorrect value type for \"{name}\": {} required, but this is {given}.",
                                    a.ty
                                ),
                                None,
                            );
                        }
                    } else if schema.block(name).is_some() {
                        self.push(
                            key_span,
                            Severity::Error,
                            DiagnosticKind::UnknownArgument,
                            format!(
                                "\"{name}\" is a nested block here, not an argument: write `{name} {{ … }}` instead of `{name} = …`."
                            ),
                            None,
                        );
                    } else {
                        let suggestion = did_you_mean(name, schema.settable_names());
                        self.push(
                            key_span,
                            Severity::Error,
                            DiagnosticKind::UnknownArgument,
                            format!("An argument named \"{name}\" is not expected here.{}", hint(&suggestion)),
                            suggestion,
                        );
                    }
                }
                Structure::Block(block) => {
                    let name = block.ident.as_str();
                    let ident_span = block.ident.span().unwrap_or(0..0);
                    if ctx == Context::Resource && RESOURCE_META_BLOCKS.contains(&name) {
                        continue;
                    }
                    // Terraform 1.2+ accepts `lifecycle { precondition … }` in data blocks.
                    if ctx == Context::DataSource && name == "lifecycle" {
                        continue;
                    }
                    if name == "dynamic" && ctx != Context::Provider {
                        if let Some(attr) = self.check_dynamic(schema, block, &mut counts) {
                            seen_attrs.push(attr);
                        }
                        continue;
                    }
                    if let Some(nb) = schema.block(name) {
                        counts.entry(nb.name.as_str()).or_default().0.push(block);
                        let hs = header_span(self.text, block);
                        self.check_block(&nb.block, &block.body, Context::Nested, hs);
                    } else if let Some(a) = schema.attribute(name).filter(|a| !a.is_computed_only()) {
                        // Terraform accepts list/set-of-object arguments written as
                        // repeated blocks; anything else is a real mistake.
                        match block_fields(&a.ty) {
                            Some(fields) => {
                                seen_attrs.push(a.name.as_str());
                                self.check_object_block(fields, &block.body);
                            }
                            None => self.push(
                                ident_span,
                                Severity::Error,
                                DiagnosticKind::UnknownBlock,
                                format!(
                                    "\"{name}\" is an argument here, not a block: write `{name} = …`."
                                ),
                                None,
                            ),
                        }
                    } else {
                        let suggestion = did_you_mean(name, schema.settable_names());
                        self.push(
                            ident_span,
                            Severity::Error,
                            DiagnosticKind::UnknownBlock,
                            format!("Blocks of type \"{name}\" are not expected here.{}", hint(&suggestion)),
                            suggestion,
                        );
                    }
                }
            }
        }
        for a in &schema.attributes {
            if a.required && !seen_attrs.contains(&a.name.as_str()) {
                self.push(
                    header.clone(),
                    Severity::Error,
                    DiagnosticKind::MissingRequiredArgument,
                    format!(
                        "The argument \"{}\" is required, but no definition was found.",
                        a.name
                    ),
                    None,
                );
            }
        }
        for nb in &schema.blocks {
            let (blocks, dynamic) = counts
                .get(nb.name.as_str())
                .map(|(b, d)| (b.as_slice(), *d))
                .unwrap_or((&[], false));
            if dynamic {
                continue;
            }
            let n = blocks.len() as u32;
            if n < nb.min_items {
                let (kind, message) = if n == 0 {
                    (
                        DiagnosticKind::MissingRequiredBlock,
                        format!("At least {} \"{}\" block is required.", nb.min_items, nb.name),
                    )
                } else {
                    (
                        DiagnosticKind::TooFewBlocks,
                        format!(
                            "At least {} \"{}\" blocks are required, but {n} were found.",
                            nb.min_items, nb.name
                        ),
                    )
                };
                self.push(header.clone(), Severity::Error, kind, message, None);
            }
            if let Some(max) = nb.max() {
                for extra in blocks.iter().skip(max as usize) {
                    self.push(
                        header_span(self.text, extra),
                        Severity::Error,
                        DiagnosticKind::TooManyBlocks,
                        format!(
                            "No more than {max} \"{}\" block{} allowed here.",
                            nb.name,
                            if max == 1 { " is" } else { "s are" }
                        ),
                        None,
                    );
                }
            }
        }
    }

    /// `dynamic "name" { for_each = … content { … } }`: the label must name a nested
    /// block, and `content` is checked like a literal block of that type. Returns
    /// the argument it sets when it generates a list-of-object argument's blocks.
    fn check_dynamic<'b>(
        &mut self,
        schema: &'b BlockSchema,
        block: &Block,
        counts: &mut HashMap<&'b str, (Vec<&'b Block>, bool)>,
    ) -> Option<&'b str> {
        let label = block.labels.first()?;
        let target = label.as_str();
        if let Some(nb) = schema.block(target) {
            counts.entry(nb.name.as_str()).or_default().1 = true;
            for content in block.body.get_blocks("content") {
                let hs = header_span(self.text, content);
                self.check_block(&nb.block, &content.body, Context::Nested, hs);
            }
        } else if let Some(a) = schema.attribute(target).filter(|a| block_fields(&a.ty).is_some()) {
            // Attributes-as-blocks may be generated dynamically too.
            return Some(a.name.as_str());
        } else {
            let suggestion = did_you_mean(target, schema.blocks.iter().map(|b| b.name.as_str()));
            let span = trim_quotes(self.text, label.span().unwrap_or(0..0));
            self.push(
                span,
                Severity::Error,
                DiagnosticKind::UnknownBlock,
                format!(
                    "A dynamic block cannot generate \"{target}\": there is no nested block of that type here.{}",
                    hint(&suggestion)
                ),
                suggestion,
            );
        }
        None
    }

    /// A list-of-object argument written as a block: its arguments must be fields
    /// of the object type (Terraform fills absent ones with null).
    fn check_object_block(&mut self, fields: &std::collections::BTreeMap<String, Type>, body: &Body) {
        for attr in body.attributes() {
            let name = attr.key.as_str();
            match fields.get(name) {
                Some(ty) => {
                    if let Some(given) = mismatch(&attr.value, ty) {
                        self.push(
                            attr.value.span().unwrap_or(0..0),
                            Severity::Error,
                            DiagnosticKind::WrongType,
                            format!("Incorrect value type for \"{name}\": {ty} required, but this is {given}."),
                            None,
                        );
                    }
                }
                None => {
                    let suggestion = did_you_mean(name, fields.keys().map(String::as_str));
                    self.push(
                        attr.key.span().unwrap_or(0..0),
                        Severity::Error,
                        DiagnosticKind::UnknownArgument,
                        format!("An argument named \"{name}\" is not expected here.{}", hint(&suggestion)),
                        suggestion,
                    );
                }
            }
        }
    }
}

fn is_meta_argument(ctx: Context, name: &str) -> bool {
    match ctx {
        Context::Resource | Context::DataSource => META_ARGUMENTS.contains(&name),
        Context::Provider => PROVIDER_META_ARGUMENTS.contains(&name),
        Context::Nested => false,
    }
}

/// The object fields of an argument that may be written as blocks, if it is one.
fn block_fields(ty: &Type) -> Option<&std::collections::BTreeMap<String, Type>> {
    match ty {
        Type::List(e) | Type::Set(e) => match &**e {
            Type::Object(f) => Some(f),
            _ => None,
        },
        _ => None,
    }
}

/// From a block's identifier to just past its opening brace: where Terraform
/// reports what a block lacks.
pub(crate) fn header_span(text: &str, block: &Block) -> Range<usize> {
    let start = block.ident.span().map(|s| s.start).or_else(|| block.span().map(|s| s.start)).unwrap_or(0);
    let after_labels = block
        .labels
        .last()
        .and_then(|l| l.span())
        .map(|s| s.end)
        .or_else(|| block.ident.span().map(|s| s.end))
        .unwrap_or(start);
    let end = text
        .get(after_labels..)
        .and_then(|rest| rest.find('{'))
        .map(|i| after_labels + i + 1)
        .unwrap_or(after_labels);
    start..end
}

/// Drops the quotes around a string label's span.
fn trim_quotes(text: &str, span: Range<usize>) -> Range<usize> {
    match text.get(span.clone()) {
        Some(s) if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') => span.start + 1..span.end - 1,
        _ => span,
    }
}

/// The closest candidate, if it is close enough to be what the user meant.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.8).map(|(_, c)| c.to_string())
}

fn hint(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(" Did you mean \"{s}\"?"))
        .unwrap_or_default()
}

/// If the expression is a literal Terraform cannot convert to `ty`, describes what
/// was given ("a string", "a list", …). Non-literals are never flagged.
fn mismatch(expr: &Expression, ty: &Type) -> Option<&'static str> {
    use Expression as E;
    match (expr, ty) {
        (_, Type::Any) | (E::Null(_), _) => None,
        (E::Parenthesis(p), _) => mismatch(p.inner(), ty),
        (E::String(s), _) => match ty {
            Type::String => None,
            Type::Number => s.trim().parse::<f64>().is_err().then_some("a string that is not a number"),
            // Newer Terraform also converts "1" and "0"; accept them too.
            Type::Bool => (!matches!(s.as_str(), "true" | "false" | "1" | "0")).then_some("a string that is not true or false"),
            _ => Some("a string"),
        },
        (E::Number(_), _) => match ty {
            Type::String | Type::Number => None,
            _ => Some("a number"),
        },
        (E::Bool(_), _) => match ty {
            Type::String | Type::Bool => None,
            _ => Some("a bool"),
        },
        (E::Array(items), _) => match ty {
            Type::List(e) | Type::Set(e) => items.iter().find_map(|i| mismatch(i, e)),
            Type::Tuple(_) => None,
            _ => Some("a list"),
        },
        (E::Object(obj), _) => match ty {
            Type::Map(e) => obj.iter().find_map(|(_, v)| mismatch(v.expr(), e)),
            Type::Object(fields) => obj.iter().find_map(|(k, v)| {
                let key = match k {
                    ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                    ObjectKey::Expression(E::String(s)) => Some(s.as_str().to_string()),
                    ObjectKey::Expression(_) => None,
                };
                key.and_then(|k| fields.get(&k)).and_then(|t| mismatch(v.expr(), t))
            }),
            _ => Some("an object"),
        },
        _ => None,
    }
}
