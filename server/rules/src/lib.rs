//! tc_rules: the security rule engine. Pure and synchronous: it takes the `.tf` files of
//! one module as text and returns findings with byte ranges, related resources and
//! format-preserving quick fixes. The language server and `terraconverse check` are thin
//! front ends over [`check_module`]; see `docs/rules.md` for the API and the rule list.

pub mod analysis;
pub mod eval;
mod fix;
pub mod model;
mod rules;

pub use analysis::{analyse, analyse_fresh, Analysis, Options};
pub use model::{split_blocks, Module, ParseCache, ParseError, Resource, SourceFile};
use serde::Serialize;
use std::ops::Range;

/// How bad a finding is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    /// Parses `low|medium|high|critical` (case-insensitive).
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A security rule: stable ID, the checkov check it corresponds to, and its documentation.
pub struct Rule {
    /// Stable TerraConverse ID, e.g. `TC-EC2-001`.
    pub id: &'static str,
    /// The checkov check this rule implements, e.g. `CKV_AWS_79`.
    pub checkov_id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// Resource types the rule looks at (the first ones are where findings are reported).
    pub resource_types: &'static [&'static str],
    /// Markdown documentation: what, why, example fix (`docs/rules/<id>.md`).
    pub docs: &'static str,
    /// Whether the rule can offer a quick fix.
    pub has_fix: bool,
    pub(crate) check: rules::CheckFn,
    /// Resource types the check function is called for.
    pub(crate) reported_on: &'static [&'static str],
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).field("checkov_id", &self.checkov_id).finish()
    }
}

/// Every rule, in catalogue order.
pub fn rules() -> &'static [Rule] {
    rules::RULES
}

/// Looks a rule up by TerraConverse ID or checkov ID (case-insensitive).
pub fn rule(id: &str) -> Option<&'static Rule> {
    rules::RULES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id) || r.checkov_id.eq_ignore_ascii_case(id))
}

/// Another resource involved in a finding (e.g. the public access block of a bucket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub resource: String,
    pub file: String,
    pub range: Range<usize>,
    pub start_line: usize,
    pub end_line: usize,
    pub message: String,
}

/// One replacement of a byte range in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    pub file: String,
    pub range: Range<usize>,
    pub new_text: String,
}

/// A quick fix: edits that change only the given ranges, leaving every other byte intact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
}

/// A rule violation on one resource instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub checkov_id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// `type.name` or `type.name[index]`.
    pub resource: String,
    pub file: String,
    /// Byte range to highlight: the offending attribute or block, else the resource.
    pub range: Range<usize>,
    pub start_line: usize,
    pub end_line: usize,
    pub message: String,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

/// The outcome of checking a module: findings, and files that did not parse.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub parse_errors: Vec<ParseError>,
}

/// Checks the files of one module (`(path, text)` pairs of one directory). Never panics
/// on bad input: unparsable files are skipped and listed in `parse_errors`.
pub fn check(files: &[(&str, &str)]) -> Report {
    let module = Module::new(files);
    let findings = check_parsed(&module);
    Report { findings, parse_errors: module.parse_errors }
}

/// Like [`check`], reusing parsed blocks from `cache` between calls. Keep one cache per
/// module (directory) being edited; the language server checks on every change this way.
pub fn check_cached(files: &[(&str, &str)], cache: &ParseCache) -> Report {
    let module = Module::with_cache(files, cache);
    let findings = check_parsed(&module);
    Report { findings, parse_errors: module.parse_errors }
}

/// Checks the files of one module and returns only the findings (see [`check`] for parse
/// errors).
pub fn check_module(files: &[(&str, &str)]) -> Vec<Finding> {
    check(files).findings
}

/// Runs every rule over an already built [`Module`].
pub fn check_parsed(module: &Module) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules::RULES {
        for res in module.resources.iter().filter(|r| rule.reported_on.contains(&r.rtype.as_str())) {
            if res.suppressed.iter().any(|s| s.eq_ignore_ascii_case(rule.id) || s.eq_ignore_ascii_case(rule.checkov_id)) {
                continue;
            }
            if let rules::Verdict::Fail(f) = (rule.check)(module, res) {
                let file = module.file(res);
                // Without a specific attribute, the resource header line is highlighted.
                let range = f.span.clone().unwrap_or_else(|| resource_header(file, res));
                let start_line = file.line_of(range.start);
                let end_line = file.line_of(range.end.saturating_sub(1).max(range.start));
                out.push(Finding {
                    rule: rule.id,
                    checkov_id: rule.checkov_id,
                    severity: rule.severity,
                    title: rule.title,
                    resource: res.display(),
                    file: file.path.clone(),
                    range,
                    start_line,
                    end_line,
                    message: f.message,
                    related: f.related,
                    fix: f.fix,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.file, a.range.start, a.rule).cmp(&(&b.file, b.range.start, b.rule)));
    out.dedup_by(|a, b| a.rule == b.rule && a.resource == b.resource && a.file == b.file);
    out
}

/// `resource "type" "name" {`: from the block start to its opening brace.
fn resource_header(file: &SourceFile, res: &Resource) -> Range<usize> {
    let start = res.body.span.start;
    let end = file.text[start..res.body.span.end].find('{').map(|i| start + i + 1).unwrap_or(res.body.span.end);
    start..end
}

/// Applies a fix's edits to one file's text (edits of other files are ignored).
/// Returns `None` when edits overlap or fall outside the text.
pub fn apply_edits(text: &str, file: &str, edits: &[TextEdit]) -> Option<String> {
    let mut mine: Vec<&TextEdit> = edits.iter().filter(|e| e.file == file).collect();
    mine.sort_by_key(|e| e.range.start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in mine {
        if e.range.start < pos || e.range.end > text.len() || e.range.start > e.range.end {
            return None;
        }
        out.push_str(text.get(pos..e.range.start)?);
        out.push_str(&e.new_text);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    Some(out)
}
