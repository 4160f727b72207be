//! One file's editor diagnostics — syntax, security rules and provider schema — from a
//! single parse per top-level block, shared by all three and cached across versions.
//!
//! A language server re-checks a file on every keystroke. Parsing is the expensive part
//! (hcl-edit reads ~4 MB/s, ~300 ms for 40k lines), so the file is split into top-level
//! blocks ([`crate::split_blocks`]) and each block is parsed once per distinct text
//! ([`ParseCache`]). The block index, the schema diagnostics and the module facts the
//! rules need are computed per block from that parse and kept with it; after an edit only
//! the edited block is parsed and checked again, and resources are re-evaluated only
//! where their block, or a variable/local they may read, changed. [`analyse_fresh`]
//! computes the same result from one parse of the whole file, without any cache: it is
//! the reference the cached path is tested against.

use crate::model::{parse_chunk, split_blocks, Chunk, Module, ParseCache, SourceFile};
use crate::Finding;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;
use tc_edit::{BlockInfo, SyntaxError};

/// What to compute besides the syntax check.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// Run the security rules (over the whole module: the file and its siblings).
    pub rules: bool,
    /// Check against this provider schema.
    pub schema: Option<&'a tc_schema::Schema>,
}

/// The diagnostics of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The file's top-level blocks, or its first syntax error. hcl-edit's errors, except
    /// that repeated keys in an object constructor are accepted, as Terraform accepts them.
    pub syntax: Result<Vec<BlockInfo>, SyntaxError>,
    /// Rule findings in this file (the siblings are read for cross-resource rules).
    /// Empty when the file has a syntax error: positions in broken text mislead.
    pub findings: Vec<Finding>,
    /// Schema diagnostics of this file, sorted by position; empty on a syntax error.
    pub schema: Vec<tc_schema::Diagnostic>,
}

/// Analyses `file` (`(name, text)`), reusing `cache` (keep one per module directory and
/// per schema). `siblings` are the module's other `.tf` files, read only by the rules.
pub fn analyse(cache: &ParseCache, file: (&str, &str), siblings: &[(&str, &str)], options: Options) -> Analysis {
    let (name, text) = file;
    cache.begin();
    let mut chunks: Vec<(usize, Range<usize>, Arc<Chunk>)> =
        cache.chunks_of(name, text).into_iter().map(|(range, chunk)| (0, range, chunk)).collect();
    let mut blocks = Vec::new();
    let mut top_attrs = HashSet::new();
    for (_, range, chunk) in &chunks {
        if chunk.syntax_error.is_some() {
            // The file's first error is in or after the first broken block: where exactly
            // depends on how hcl-edit reads on past the block's end (an unterminated
            // string runs into the next block), so the rest of the file is parsed as one
            // piece, as a parse of the whole file would read it from here.
            let rest = parse_chunk(&text[range.start..]);
            let Some(e) = rest.syntax_error else {
                // The block is broken only when cut out of its file: parse it whole.
                return analyse_fresh(file, siblings, options);
            };
            // A chunk starts at a line start, so only the line and the span move.
            let lines = text[..range.start].matches('\n').count();
            let error = SyntaxError {
                line: e.line + lines,
                column: e.column,
                span: e.span.start + range.start..e.span.end + range.start,
                message: e.message.clone(),
            };
            return Analysis { syntax: Err(error), findings: Vec::new(), schema: Vec::new() };
        }
        if chunk.top_attrs.iter().any(|a| !top_attrs.insert(a.as_str())) {
            // hcl-edit rejects a top-level attribute defined twice in a file, which no
            // block sees alone (and which Terraform files never have): parse it whole.
            return analyse_fresh(file, siblings, options);
        }
        blocks.extend(chunk.blocks.iter().map(|b| BlockInfo {
            span: b.span.start + range.start..b.span.end + range.start,
            ..b.clone()
        }));
    }
    let mut findings = Vec::new();
    if options.rules {
        let mut sources = vec![SourceFile::new(name, text)];
        for (i, (sibling, sibling_text)) in siblings.iter().enumerate() {
            for range in split_blocks(sibling_text) {
                let chunk = cache.get_or_parse(&sibling_text[range.clone()]);
                chunks.push((i + 1, range, chunk));
            }
            sources.push(SourceFile::new(sibling, sibling_text));
        }
        let module = Module::build(sources, &chunks);
        findings = crate::check_parsed(&module).into_iter().filter(|f| f.file == name).collect();
    }
    let mut schema = Vec::new();
    if let Some(s) = options.schema {
        for (_, range, chunk) in chunks.iter().filter(|(fi, _, _)| *fi == 0) {
            schema.extend(chunk.schema_diagnostics(s, &text[range.clone()]).iter().map(|d| tc_schema::Diagnostic {
                span: d.span.start + range.start..d.span.end + range.start,
                ..d.clone()
            }));
        }
    }
    Analysis { syntax: Ok(blocks), findings, schema }
}

/// The same analysis without a cache, from one parse of the whole file (the rules still
/// parse block by block, as [`crate::check`] always does).
pub fn analyse_fresh(file: (&str, &str), siblings: &[(&str, &str)], options: Options) -> Analysis {
    let (name, text) = file;
    let whole = Chunk::new(text);
    if let Some(e) = &whole.syntax_error {
        return Analysis { syntax: Err(e.clone()), findings: Vec::new(), schema: Vec::new() };
    }
    let mut findings = Vec::new();
    if options.rules {
        let mut files = vec![(name, text)];
        files.extend_from_slice(siblings);
        findings = crate::check(&files).findings.into_iter().filter(|f| f.file == name).collect();
    }
    let schema = options.schema.map(|s| whole.schema_diagnostics(s, text).to_vec()).unwrap_or_default();
    Analysis { syntax: Ok(whole.blocks.clone()), findings, schema }
}
