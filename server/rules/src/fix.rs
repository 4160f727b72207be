//! Quick-fix construction: text edits computed from hcl-edit spans. Inserted lines are
//! indented from their surroundings and `=` is aligned with the neighbouring attribute
//! group the way `terraform fmt` does, so a fixed file stays formatted. Only the edited
//! ranges change; every other byte of the file is left as it was.

use crate::model::{Module, Obj, Resource, SourceFile};
use crate::{Fix, TextEdit};

/// A piece of HCL to insert into a block body, as lines relative to the body's indentation.
pub enum Insert<'a> {
    /// `name = value`
    Attr(&'a str, &'a str),
    /// A nested block: `name {` + inner lines (already relatively indented by 2) + `}`.
    Block(&'a str, Vec<(&'a str, &'a str)>),
}

/// Sets `name = value_text` in `obj`: replaces the value when the attribute exists,
/// otherwise inserts it. `None` when the block comes from a `dynamic` block or the
/// existing value is not a literal we can safely replace.
pub fn set_attr(m: &Module, r: &Resource, obj: &Obj, name: &str, value_text: &str, title: &str) -> Option<Fix> {
    let file = m.file(r);
    if obj.dynamic {
        return None;
    }
    if let Some(a) = obj.attr(name) {
        if a.value_span.is_empty() {
            return None;
        }
        return Some(Fix {
            title: title.to_string(),
            edits: vec![TextEdit { file: file.path.clone(), range: a.value_span.clone(), new_text: value_text.to_string() }],
        });
    }
    insert(file, obj, Insert::Attr(name, value_text)).map(|edits| Fix { title: title.to_string(), edits })
}

/// Sets an attribute inside a nested block, creating the block when it is missing.
pub fn set_nested(m: &Module, r: &Resource, block: &str, name: &str, value_text: &str, title: &str) -> Option<Fix> {
    match r.body.block(block) {
        Some(b) => set_attr(m, r, b, name, value_text, title),
        None => {
            let file = m.file(r);
            insert(file, &r.body, Insert::Block(block, vec![(name, value_text)]))
                .map(|edits| Fix { title: title.to_string(), edits })
        }
    }
}

/// Inserts a new top-level block (e.g. a companion resource) after the resource's block,
/// separated by one blank line.
pub fn add_after(m: &Module, r: &Resource, text: &str, title: &str) -> Fix {
    let file = m.file(r);
    let end = r.body.span.end;
    // Insert after the rest of the closing brace's line so trailing comments stay put.
    let line_end = file.text[end..].find('\n').map(|i| end + i).unwrap_or(file.text.len());
    let mut new_text = String::from("\n\n");
    new_text.push_str(text.trim_end());
    if line_end == file.text.len() && !file.text.ends_with('\n') {
        // Keep the file without a trailing newline as it was.
    }
    Fix { title: title.to_string(), edits: vec![TextEdit { file: file.path.clone(), range: line_end..line_end, new_text }] }
}

/// Computes the edits inserting `what` at the end of `obj`'s body.
fn insert(file: &SourceFile, obj: &Obj, what: Insert) -> Option<Vec<TextEdit>> {
    let text = &file.text;
    let close = obj.close;
    if text.as_bytes().get(close) != Some(&b'}') {
        return None;
    }
    let block_indent = file.indent_at(obj.span.start).to_string();
    let body_indent = body_indent(file, obj).unwrap_or_else(|| format!("{block_indent}  "));
    let close_line = file.line_of(close);
    let open_line = file.line_of(obj.span.start);
    let close_line_start = file.line_start(close_line);
    let only_brace_on_line = text[close_line_start..close].trim().is_empty();

    let mut edits = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    match what {
        Insert::Attr(name, value) => {
            // Align with the attribute group right above the insertion point.
            let group = if only_brace_on_line && close_line > open_line + 1 { attr_group(file, close_line - 1) } else { vec![] };
            let width = group.iter().map(|g| g.key_len).max().unwrap_or(0).max(name.len());
            for g in &group {
                if g.eq_col != width + 1 {
                    // Re-pad the spaces between key and `=` on that line only.
                    edits.push(TextEdit {
                        file: file.path.clone(),
                        range: g.pad.clone(),
                        new_text: " ".repeat(width - g.key_len + 1),
                    });
                }
            }
            lines.push(format!("{body_indent}{name}{} = {value}", " ".repeat(width - name.len())));
        }
        Insert::Block(name, attrs) => {
            let prev = if close_line > 1 { file.line_text(close_line - 1).trim() } else { "" };
            if only_brace_on_line && close_line > open_line + 1 && !prev.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!("{body_indent}{name} {{"));
            let width = attrs.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
            for (n, v) in attrs {
                lines.push(format!("{body_indent}  {n}{} = {v}", " ".repeat(width - n.len())));
            }
            lines.push(format!("{body_indent}}}"));
        }
    }
    if only_brace_on_line && close_line > open_line {
        let mut new_text = String::new();
        for l in &lines {
            new_text.push_str(l);
            new_text.push('\n');
        }
        edits.push(TextEdit { file: file.path.clone(), range: close_line_start..close_line_start, new_text });
    } else {
        // `resource "x" "y" {}` or content before the brace on the same line: break the
        // line before the brace.
        let before = text[..close].trim_end_matches([' ', '\t']).len();
        let mut new_text = String::from("\n");
        for l in &lines {
            new_text.push_str(l);
            new_text.push('\n');
        }
        new_text.push_str(&block_indent);
        edits.push(TextEdit { file: file.path.clone(), range: before..close, new_text });
    }
    edits.sort_by_key(|e| e.range.start);
    Some(edits)
}

/// The indentation of the first line inside the block, if it has content.
fn body_indent(file: &SourceFile, obj: &Obj) -> Option<String> {
    let open_line = file.line_of(obj.span.start);
    let close_line = file.line_of(obj.close);
    (open_line + 1..close_line)
        .map(|l| file.line_text(l))
        .find(|t| !t.trim().is_empty() && !t.trim_start().starts_with('#'))
        .map(|t| t[..t.len() - t.trim_start().len()].to_string())
}

struct GroupLine {
    key_len: usize,
    eq_col: usize,
    pad: std::ops::Range<usize>,
}

/// The `terraform fmt` alignment group ending at `line`: consecutive single-line
/// `key = value` lines.
fn attr_group(file: &SourceFile, mut line: usize) -> Vec<GroupLine> {
    let mut out = Vec::new();
    while line >= 1 {
        let t = file.line_text(line);
        let Some(g) = parse_attr_line(t) else { break };
        let start = file.line_start(line);
        out.push(GroupLine { key_len: g.0, eq_col: g.1, pad: start + g.2..start + g.3 });
        line -= 1;
    }
    out
}

/// For `  key   = value`, returns (key length, column of `=` relative to key start,
/// byte range of the padding). Only plain single-line attributes count.
fn parse_attr_line(t: &str) -> Option<(usize, usize, usize, usize)> {
    let indent = t.len() - t.trim_start().len();
    let rest = &t[indent..];
    let key_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    if key_len == 0 {
        return None;
    }
    let after = &rest[key_len..];
    let pad = after.len() - after.trim_start_matches(' ').len();
    let after_pad = &after[pad..];
    if !after_pad.starts_with('=') || after_pad.starts_with("==") {
        return None;
    }
    let value = after_pad[1..].trim();
    // A value opening a multi-line construct ends the group the way `terraform fmt` sees it.
    if value.ends_with('{') || value.ends_with('[') || value.ends_with('(') || value.starts_with("<<") {
        return None;
    }
    Some((key_len, key_len + pad, indent + key_len, indent + key_len + pad))
}
