//! The language server: the `LanguageServer` trait implementation, which only hands
//! each request to its handler in `handlers/`, and the custom `terraconverse/` methods.

use crate::handlers;
use crate::logging::LogLevel;
use crate::protocol::*;
use crate::session::Shared;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

pub struct Server {
    pub(crate) client: Client,
    pub(crate) shared: Shared,
    pub(crate) log_level: LogLevel,
}

impl Server {
    pub fn new(client: Client, log_level: LogLevel) -> Self {
        Server { client, shared: Shared::default(), log_level }
    }

    pub async fn start(&self, params: StartParams) -> Result<TurnResult> {
        handlers::start::run(self, params).await
    }
    pub async fn answer(&self, params: AnswerParams) -> Result<TurnResult> {
        handlers::answer::run(self, params).await
    }
    pub async fn back(&self, params: ConversationParams) -> Result<TurnResult> {
        handlers::back::run(self, params).await
    }
    pub async fn change(&self, params: ChangeParams) -> Result<TurnResult> {
        handlers::change::run(self, params).await
    }
    pub async fn status(&self, params: ConversationParams) -> Result<StatusResult> {
        handlers::status::run(self, params).await
    }
    pub async fn cancel(&self, params: ConversationParams) -> Result<CancelResult> {
        handlers::cancel::run(self, params).await
    }
    pub async fn list(&self) -> Result<ListResult> {
        handlers::list::run(self).await
    }
    pub async fn resolve(&self, params: ResolveParams) -> Result<TurnResult> {
        handlers::resolve::run(self, params).await
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        handlers::initialize::run(self, params).await
    }

    async fn initialized(&self, _: InitializedParams) {
        handlers::initialize::initialized(self).await
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutting down");
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        handlers::did_open::run(self, params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handlers::did_change::run(self, params).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        handlers::did_close::run(self, params).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::configuration::run(self, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        handlers::hover::run(self, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        handlers::completion::run(self, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        handlers::code_action::run(self, params).await
    }
}
