//! Diagnostics of one document, kept per source (HCL syntax, security rules, provider
//! schema) so each can be refreshed on its own, and published together. Runs are
//! debounced: a run publishes only if no newer change arrived while it waited. The
//! findings and fixes of the published version are kept for code actions and hover.

use crate::config::Config;
use crate::document::TextDocument;
use crate::session::{tf_files, Shared};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use tc_edit::BlockInfo;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Hover, HoverContents,
    Location, MarkupContent, MarkupKind, NumberOrString, Range as LspRange, TextEdit, Uri, WorkspaceEdit,
};
use tower_lsp_server::Client;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Syntax,
    Rules,
    Schema,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Syntax => "terraconverse",
            Source::Rules => "terraconverse-security",
            Source::Schema => "terraconverse-schema",
        }
    }
}

/// A quick fix available on one diagnostic.
#[derive(Debug, Clone)]
pub struct Fix {
    pub title: String,
    pub diagnostic: Diagnostic,
    pub edits: Vec<TextEdit>,
}

/// What was last published for a document, and the facts derived from that version.
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub version: i32,
    pub by_source: BTreeMap<Source, Vec<Diagnostic>>,
    /// Top-level blocks of that version (empty when it did not parse).
    pub blocks: Vec<BlockInfo>,
    pub fixes: Vec<Fix>,
    /// Rule findings: (range, rule id) for hover.
    pub rule_spans: Vec<(std::ops::Range<usize>, &'static str)>,
}

impl Published {
    pub fn all(&self) -> Vec<Diagnostic> {
        self.by_source.values().flatten().cloned().collect()
    }

    /// Quick-fix code actions whose diagnostic overlaps `range`.
    pub fn fixes_in(&self, _doc: &TextDocument, range: LspRange, uri: &Uri) -> Vec<CodeAction> {
        self.fixes
            .iter()
            .filter(|f| f.diagnostic.range.start <= range.end && range.start <= f.diagnostic.range.end)
            .map(|f| CodeAction {
                title: f.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![f.diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), f.edits.clone())])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            })
            .collect()
    }

    /// The documentation of the rule whose finding covers `offset`.
    pub fn rule_hover(&self, doc: &TextDocument, offset: usize) -> Option<Hover> {
        let (span, id) = self.rule_spans.iter().find(|(span, _)| span.start <= offset && offset < span.end)?;
        let rule = tc_rules::rule(id)?;
        let value = format!(
            "**{}** — {} ({}; checkov {})\n\n{}",
            rule.id,
            rule.title,
            rule.severity.as_str(),
            rule.checkov_id,
            rule.docs
        );
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
            range: Some(doc.byte_range_to_lsp(span.clone())),
        })
    }
}

/// Computes every source for one version of a document. `name` is its file name and
/// `siblings` the other `.tf` files of the same module (`(name, text)`), for rules that
/// look across files (a bucket and its public access block). `cache` holds the parsed
/// top-level blocks of the module from earlier runs (see [`tc_rules::analyse`]): each
/// block is parsed once per text and shared by the syntax, rules and schema sources.
pub fn analyse_with(
    doc: &TextDocument,
    uri: &Uri,
    name: &str,
    siblings: &[(String, String)],
    config: &Config,
    cache: &tc_rules::ParseCache,
) -> Published {
    let text = doc.text();
    let siblings: Vec<(&str, &str)> = siblings.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let analysis = tc_rules::analyse(cache, (name, &text), &siblings, options(config));
    publish(doc, uri, name, analysis, config)
}

/// Analysis with no siblings and an empty cache (code actions on a version the
/// debounced run has not reached yet). Block by block, which is faster than one
/// whole-file parse when the file has repeated object keys (each costs a re-parse).
pub fn analyse(doc: &TextDocument, uri: &Uri, config: &Config) -> Published {
    let name = uri.to_file_path().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let name = name.as_deref().unwrap_or("main.tf");
    let cache = tc_rules::ParseCache::default();
    let analysis = tc_rules::analyse(&cache, (name, &doc.text()), &[], options(config));
    publish(doc, uri, name, analysis, config)
}

fn options(config: &Config) -> tc_rules::Options<'static> {
    tc_rules::Options { rules: config.rules, schema: config.schema.then(tc_schema::embedded) }
}

/// Converts an analysis to LSP diagnostics, fixes and hover spans of `doc`.
fn publish(doc: &TextDocument, uri: &Uri, name: &str, analysis: tc_rules::Analysis, config: &Config) -> Published {
    let mut out = Published { version: doc.version(), ..Default::default() };
    match analysis.syntax {
        Ok(blocks) => {
            out.by_source.insert(Source::Syntax, Vec::new());
            out.blocks = blocks;
        }
        Err(err) => {
            out.by_source.insert(
                Source::Syntax,
                vec![Diagnostic {
                    range: doc.byte_range_to_lsp(err.span.clone()),
                    severity: Some(DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String("syntax".into())),
                    source: Some(Source::Syntax.name().into()),
                    message: err.message.clone(),
                    ..Default::default()
                }],
            );
            // Rules and schema see nothing in text that does not parse; their last
            // results would point at stale positions, so they are cleared too.
            out.by_source.insert(Source::Rules, Vec::new());
            out.by_source.insert(Source::Schema, Vec::new());
            return out;
        }
    }
    if config.rules {
        rules(doc, uri, name, analysis.findings, &mut out);
    }
    if config.schema {
        let mut diags = Vec::new();
        for (d, suggestion) in crate::schema::to_lsp(doc, analysis.schema) {
            if let Some(s) = suggestion {
                out.fixes.push(Fix {
                    title: format!("Replace with `{s}`"),
                    diagnostic: d.clone(),
                    edits: vec![TextEdit { range: d.range, new_text: s }],
                });
            }
            diags.push(d);
        }
        out.by_source.insert(Source::Schema, diags);
    }
    out
}

fn rules(doc: &TextDocument, uri: &Uri, name: &str, findings: Vec<tc_rules::Finding>, out: &mut Published) {
    let mut diags = Vec::new();
    for f in findings.into_iter().filter(|f| f.file == name) {
        let related: Vec<DiagnosticRelatedInformation> = f
            .related
            .iter()
            .filter(|r| r.file == name)
            .map(|r| DiagnosticRelatedInformation {
                location: Location {
                    uri: uri.clone(),
                    range: doc.byte_range_to_lsp(r.range.clone()),
                },
                message: format!("{}: {}", r.resource, r.message),
            })
            .collect();
        let diagnostic = Diagnostic {
            range: doc.byte_range_to_lsp(f.range.clone()),
            severity: Some(match f.severity {
                tc_rules::Severity::Critical | tc_rules::Severity::High => DiagnosticSeverity::ERROR,
                tc_rules::Severity::Medium => DiagnosticSeverity::WARNING,
                tc_rules::Severity::Low => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(f.rule.to_string())),
            source: Some(Source::Rules.name().into()),
            message: format!("{} ({}): {}", f.title, f.resource, f.message),
            related_information: if related.is_empty() { None } else { Some(related) },
            ..Default::default()
        };
        out.rule_spans.push((f.range.clone(), f.rule));
        // Fixes touching other files are offered from those files' own diagnostics.
        if let Some(fix) = f.fix.filter(|fix| fix.edits.iter().all(|e| e.file == name)) {
            out.fixes.push(Fix {
                title: fix.title,
                diagnostic: diagnostic.clone(),
                edits: fix
                    .edits
                    .into_iter()
                    .map(|e| TextEdit { range: doc.byte_range_to_lsp(e.range), new_text: e.new_text })
                    .collect(),
            });
        }
        diags.push(diagnostic);
    }
    out.by_source.insert(Source::Rules, diags);
}

/// Recomputes and publishes the diagnostics of `uri` after `delay`, unless the
/// document changed again (then that change's run publishes). The analysis is
/// synchronous CPU work, so it runs on tokio's blocking pool: a long run on a big file
/// must not hold up a runtime worker that other handlers (and the next `didChange`) need.
pub fn schedule(shared: Shared, client: Client, uri: Uri, generation: u64, delay: Duration) {
    tokio::spawn(async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let run_uri = uri.clone();
        let result = tokio::task::spawn_blocking(move || run(&shared, &run_uri, generation)).await;
        match result {
            Ok(Some((diagnostics, version))) => client.publish_diagnostics(uri, diagnostics, Some(version)).await,
            Ok(None) => {}
            Err(e) => tracing::error!("diagnostics of {} failed: {e}", uri.as_str()),
        }
    });
}

/// One diagnostics run: analyse the current version and record it, if it is still the
/// latest. Returns what to publish.
pub fn run(shared: &Shared, uri: &Uri, generation: u64) -> Option<(Vec<Diagnostic>, i32)> {
    let (doc, name, siblings, config, cache) = {
        let mut session = shared.lock();
        if session.index.generation(uri) != Some(generation) {
            return None;
        }
        let doc = session.index.get(uri)?.clone();
        let path = uri.to_file_path().map(|p| p.into_owned());
        let name = path.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_else(|| "main.tf".into());
        let mut siblings = Vec::new();
        if let Some(folder) = path.as_ref().and_then(|p| p.parent()).filter(|_| session.config.rules) {
            for p in tf_files(&session, folder) {
                if Some(&p) == path.as_ref() {
                    continue;
                }
                if let (Some(n), Some((t, _))) = (p.file_name(), session.text_of(&p)) {
                    siblings.push((n.to_string_lossy().into_owned(), t));
                }
            }
        }
        let cache = session.index.cache_for(uri);
        (doc, name, siblings, session.config.clone(), cache)
    };
    // The analysis runs on a copy, without the session lock: typing goes on meanwhile.
    // Runs over the same module take turns on its cache, so one run's blocks are not
    // evicted by another's.
    let published = {
        let cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        if shared.lock().index.generation(uri) != Some(generation) {
            // A newer change arrived while this run waited for its turn.
            return None;
        }
        analyse_with(&doc, uri, &name, &siblings, &config, &cache)
    };
    let result = (published.all(), published.version);
    let mut session = shared.lock();
    if session.index.generation(uri) != Some(generation) {
        return None;
    }
    session.published.insert(uri.clone(), published);
    Some(result)
}
