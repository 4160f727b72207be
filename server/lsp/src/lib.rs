//! The TerraConverse language server: a thin tower-lsp-server adapter over the core
//! crates (documents in ropey, the conversation protocol of [`protocol`], diagnostics,
//! hover, completion, code actions and live buffer edits). See docs/lsp-extensions.md.

pub mod config;
pub mod debug;
pub mod conversations;
pub mod diagnostics;
pub mod document;
mod handlers;
pub mod index;
pub mod logging;
pub mod panic;
pub mod protocol;
pub mod schema;
pub mod server;
pub mod session;
#[cfg(feature = "testing")]
pub mod testing;

use logging::{ClientSlot, LogLevel};
use panic::CatchPanic;
use protocol::method;
use server::Server;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{ClientSocket, LspService};

/// Builds the service with every custom method registered, wrapped so that a panicking
/// handler answers an error instead of ending the server.
pub fn service(log_level: LogLevel, slot: Option<&ClientSlot>) -> (CatchPanic<LspService<Server>>, ClientSocket) {
    let service = LspService::build(|client| {
        if let Some(slot) = slot {
            slot.set(client.clone());
        }
        Server::new(client, log_level)
    })
    .custom_method(method::START, Server::start)
    .custom_method(method::ANSWER, Server::answer)
    .custom_method(method::BACK, Server::back)
    .custom_method(method::CHANGE, Server::change)
    .custom_method(method::STATUS, Server::status)
    .custom_method(method::CANCEL, Server::cancel)
    .custom_method(method::LIST, Server::list)
    .custom_method(method::RESOLVE, Server::resolve)
    .custom_method(debug::DOCUMENT_TEXT, Server::debug_document_text);
    #[cfg(feature = "testing")]
    let service = service.custom_method(debug::PANIC, Server::test_panic).custom_method(debug::SLEEP, Server::test_sleep);
    let (service, socket) = service.finish();
    (CatchPanic::new(service), socket)
}

/// Serves the protocol on any byte streams (stdio in production, a duplex in tests).
pub async fn serve<I, O>(input: I, output: O, log_level: LogLevel, slot: Option<&ClientSlot>)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = service(log_level, slot);
    tower_lsp_server::Server::new(input, output, socket).serve(service).await;
}

/// `terraconverse lsp`: the server on stdin/stdout, logging to stderr and the client.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let slot = ClientSlot::default();
        let level = LogLevel::default();
        logging::init(&slot, level.clone());
        serve(tokio::io::stdin(), tokio::io::stdout(), level, Some(&slot)).await;
    });
    Ok(())
}
