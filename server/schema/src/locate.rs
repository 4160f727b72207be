//! Finds which schema block a byte offset of a Terraform file is inside: the shared
//! first step of completion and hover.

use crate::check::header_span;
use crate::model::{AttributeSchema, BlockSchema, Type};
use std::borrow::Cow;
use crate::store::{EntityKind, Schema};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;

/// What the top-level block around the offset declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    Entity(EntityKind, String),
    Provider,
}

/// The innermost schema-described block body containing an offset.
pub struct Located<'s, 'b> {
    pub root: Root,
    /// True when `body` is the resource/data/provider body itself (where meta-arguments live).
    pub top: bool,
    /// Borrowed from the schema, or made up for a list-of-object argument written
    /// as a block (its object fields as optional arguments).
    pub schema: Cow<'s, BlockSchema>,
    pub body: &'b Body,
}

/// The block form of a list/set-of-object argument (`ingress { … }`).
fn object_block(a: &AttributeSchema) -> Option<BlockSchema> {
    let (Type::List(e) | Type::Set(e)) = &a.ty else {
        return None;
    };
    let Type::Object(fields) = &**e else {
        return None;
    };
    let mut b = BlockSchema {
        attributes: fields
            .iter()
            .map(|(name, ty)| AttributeSchema {
                name: name.clone(),
                ty: ty.clone(),
                required: false,
                optional: true,
                computed: false,
                deprecated: false,
                sensitive: false,
                description: None,
            })
            .collect(),
        ..Default::default()
    };
    b.normalize();
    Some(b)
}

/// True when `offset` is between a block's opening and closing braces.
fn inside_body(text: &str, block: &Block, offset: usize) -> bool {
    let open_end = header_span(text, block).end;
    let end = block.span().map(|s| s.end).unwrap_or(0);
    // `end` is just past `}`; the cursor right before `}` is still inside.
    open_end <= offset && offset < end
}

/// Walks from the file body down to the innermost block around `offset`.
pub fn locate<'s, 'b>(schema: &'s Schema, text: &str, body: &'b Body, offset: usize) -> Option<Located<'s, 'b>> {
    let top = body.blocks().find(|b| inside_body(text, b, offset))?;
    let label = top.labels.first().map(|l| l.as_str().to_string());
    let (root, mut current) = match (top.ident.as_str(), label) {
        ("resource", Some(t)) => {
            let s = schema.resource(&t)?;
            (Root::Entity(EntityKind::Resource, t), s)
        }
        ("data", Some(t)) => {
            let s = schema.data_source(&t)?;
            (Root::Entity(EntityKind::DataSource, t), s)
        }
        ("provider", Some(p)) if p == "aws" => (Root::Provider, schema.provider()),
        _ => return None,
    };
    let mut current_body = &top.body;
    let mut is_top = true;
    loop {
        let Some(inner) = current_body.blocks().find(|b| inside_body(text, b, offset)) else {
            break;
        };
        let name = inner.ident.as_str();
        if name == "dynamic" {
            let target = inner.labels.first()?.as_str();
            let nb = current.block(target)?;
            let content = inner
                .body
                .get_blocks("content")
                .find(|b| inside_body(text, b, offset))?;
            current = &nb.block;
            current_body = &content.body;
        } else if let Some(nb) = current.block(name) {
            current = &nb.block;
            current_body = &inner.body;
        } else {
            // A list-of-object argument written as a block is a leaf: its fields
            // are plain values.
            let made_up = object_block(current.attribute(name)?)?;
            let body = &inner.body;
            if body.blocks().any(|b| inside_body(text, b, offset)) {
                return None;
            }
            return Some(Located {
                root,
                top: false,
                schema: Cow::Owned(made_up),
                body,
            });
        }
        is_top = false;
    }
    Some(Located {
        root,
        top: is_top,
        schema: Cow::Borrowed(current),
        body: current_body,
    })
}
