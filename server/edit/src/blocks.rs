//! Locating top-level blocks in HCL text with hcl-edit: their addresses
//! (`resource.aws_vpc.main`), byte spans and the first syntax error.

use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::Span;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// One top-level block of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockInfo {
    /// `ident.label1.label2`, e.g. `resource.aws_vpc.main`, `provider.aws`, `terraform`.
    pub address: String,
    /// The block identifier (`resource`, `data`, `provider`, …).
    pub ident: String,
    pub labels: Vec<String>,
    /// From the identifier to the closing brace, as hcl-edit reports it (comments and
    /// blank lines around the block are not part of it).
    pub span: Range<usize>,
}

impl BlockInfo {
    /// `aws_vpc.main` for a resource, `data.aws_ami.x` for a data source, otherwise the address.
    pub fn terraform_address(&self) -> String {
        match (self.ident.as_str(), self.labels.as_slice()) {
            ("resource", [ty, name]) => format!("{ty}.{name}"),
            _ => self.address.clone(),
        }
    }
}

/// Where and why hcl-edit could not parse a text. hcl-edit reports only the first
/// error, at a point; `span` widens it to the rest of the offending token so editors
/// can underline something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntaxError {
    /// One-based line and column, as hcl-edit reports them.
    pub line: usize,
    pub column: usize,
    pub span: Range<usize>,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// Parses `text` and lists its top-level blocks in order.
pub fn index_blocks(text: &str) -> Result<Vec<BlockInfo>, SyntaxError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| to_syntax_error(text, &e))?;
    let mut out = Vec::new();
    for structure in body.iter() {
        let Structure::Block(block) = structure else { continue };
        let Some(span) = block.span() else { continue };
        let ident = block.ident.as_str().to_string();
        let labels: Vec<String> = block.labels.iter().map(label_text).collect();
        let mut address = ident.clone();
        for l in &labels {
            address.push('.');
            address.push_str(l);
        }
        out.push(BlockInfo { address, ident, labels, span });
    }
    Ok(out)
}

/// The first syntax error of `text`, if any.
pub fn syntax_error(text: &str) -> Option<SyntaxError> {
    hcl_edit::parser::parse_body(text).err().map(|e| to_syntax_error(text, &e))
}

/// The top-level block whose span contains `offset`.
pub fn block_at(blocks: &[BlockInfo], offset: usize) -> Option<&BlockInfo> {
    blocks.iter().find(|b| b.span.start <= offset && offset <= b.span.end)
}

fn label_text(label: &BlockLabel) -> String {
    label.as_str().to_string()
}

fn to_syntax_error(text: &str, e: &hcl_edit::parser::Error) -> SyntaxError {
    let loc = e.location();
    // hcl-edit can report an offset inside a multi-byte character (found by fuzzing);
    // the span starts at that character so slicing the text never panics.
    let mut start = loc.offset().min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    // Underline to the end of the token at the error (or one character), never past the line.
    let rest = &text[start..];
    let mut len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if len == 0 {
        len = rest.chars().next().filter(|c| *c != '\n').map(char::len_utf8).unwrap_or(0);
    }
    SyntaxError {
        line: loc.line(),
        column: loc.column(),
        span: start..start + len,
        message: e.message().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_spans_of_top_level_blocks() {
        let text = "# vpc\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\nprovider \"aws\" {}\nterraform {\n}\n";
        let blocks = index_blocks(text).unwrap();
        let addrs: Vec<_> = blocks.iter().map(|b| b.address.as_str()).collect();
        assert_eq!(addrs, ["resource.aws_vpc.main", "provider.aws", "terraform"]);
        assert!(text[blocks[0].span.clone()].starts_with("resource \"aws_vpc\""));
        assert!(text[blocks[0].span.clone()].ends_with('}'));
        assert_eq!(blocks[0].terraform_address(), "aws_vpc.main");
        assert_eq!(block_at(&blocks, 40).unwrap().address, "resource.aws_vpc.main");
        assert!(block_at(&blocks, 2).is_none());
    }

    #[test]
    fn syntax_errors_point_at_the_offending_token() {
        let text = "resource \"a\" \"b\" {\n  x = = 1\n}\n";
        let err = syntax_error(text).unwrap();
        assert_eq!(err.line, 2);
        assert_eq!(&text[err.span.clone()], "=");
        assert!(syntax_error("locals {\n  a = 1\n}\n").is_none());
    }
}
