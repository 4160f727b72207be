//! The TerraConverse language server: a thin tower-lsp-server adapter over the core
//! crates (documents in ropey, the conversation protocol of [`protocol`], diagnostics,
//! hover, completion, code actions and live buffer edits).

pub mod protocol;
