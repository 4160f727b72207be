//! The provider schema's side of the editor: diagnostics, hover and completion from
//! tc_schema, converted to LSP types against the document they were computed on.

use crate::document::TextDocument;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Diagnostic, DiagnosticSeverity, Documentation, Hover,
    HoverContents, InsertTextFormat, MarkupContent, MarkupKind, NumberOrString, TextEdit,
};

/// Schema diagnostics of `doc` (computed by tc_schema on its text) as LSP diagnostics,
/// each with its "did you mean" replacement when there is one.
pub fn to_lsp(doc: &TextDocument, diagnostics: Vec<tc_schema::Diagnostic>) -> Vec<(Diagnostic, Option<String>)> {
    diagnostics
        .into_iter()
        .map(|d| {
            let diagnostic = Diagnostic {
                range: doc.byte_range_to_lsp(d.span.clone()),
                severity: Some(match d.severity {
                    tc_schema::Severity::Error => DiagnosticSeverity::ERROR,
                    tc_schema::Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(format!("{:?}", d.kind))),
                source: Some(crate::diagnostics::Source::Schema.name().into()),
                message: d.message,
                ..Default::default()
            };
            (diagnostic, d.suggestion)
        })
        .collect()
}

pub fn hover(doc: &TextDocument, offset: usize) -> Option<Hover> {
    let text = doc.text();
    let h = tc_schema::hover(tc_schema::embedded(), &text, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
        range: Some(doc.byte_range_to_lsp(h.span)),
    })
}

pub fn completion(doc: &TextDocument, offset: usize) -> Option<Vec<CompletionItem>> {
    let text = doc.text();
    let items = tc_schema::complete(tc_schema::embedded(), &text, offset);
    if items.is_empty() {
        return None;
    }
    Some(
        items
            .into_iter()
            .map(|i| CompletionItem {
                label: i.label,
                kind: Some(match i.kind {
                    tc_schema::CompletionKind::ResourceType | tc_schema::CompletionKind::DataSourceType => {
                        CompletionItemKind::CLASS
                    }
                    tc_schema::CompletionKind::Argument | tc_schema::CompletionKind::MetaArgument => {
                        CompletionItemKind::PROPERTY
                    }
                    tc_schema::CompletionKind::Block => CompletionItemKind::STRUCT,
                    tc_schema::CompletionKind::Value => CompletionItemKind::VALUE,
                }),
                detail: Some(i.detail),
                documentation: i
                    .documentation
                    .map(|d| Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: d })),
                sort_text: Some(i.sort_text),
                insert_text_format: Some(if i.is_snippet { InsertTextFormat::SNIPPET } else { InsertTextFormat::PLAIN_TEXT }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: doc.byte_range_to_lsp(i.replace),
                    new_text: i.insert_text,
                })),
                ..Default::default()
            })
            .collect(),
    )
}
