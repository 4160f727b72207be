//! Tracing output: everything goes to stderr (never stdout, which carries the
//! protocol), and events at or above the configured level also go to the client as
//! `window/logMessage`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::Client;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// The `window/logMessage` level, shared between the layer and the server's settings.
#[derive(Debug, Clone, Default)]
pub struct LogLevel(Arc<AtomicU8>);

impl LogLevel {
    pub fn set(&self, level: Level) {
        self.0.store(rank(level), Ordering::Relaxed);
    }
    fn allows(&self, level: &Level) -> bool {
        let max = self.0.load(Ordering::Relaxed);
        // 0 means "not configured yet": info.
        rank(*level) <= if max == 0 { rank(Level::INFO) } else { max }
    }
}

fn rank(level: Level) -> u8 {
    match level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

/// A tracing layer forwarding events to the client once it is connected.
pub struct ClientLayer {
    client: Arc<OnceLock<Client>>,
    level: LogLevel,
}

/// Where the server hands the layer its client after the service is built.
#[derive(Clone, Default)]
pub struct ClientSlot(Arc<OnceLock<Client>>);

impl ClientSlot {
    pub fn set(&self, client: Client) {
        let _ = self.0.set(client);
    }
}

impl ClientLayer {
    pub fn new(slot: &ClientSlot, level: LogLevel) -> Self {
        ClientLayer { client: slot.0.clone(), level }
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for ClientLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        // Only our own crates' events: the protocol library logs every message at debug.
        if !meta.target().starts_with("tc_") && !meta.target().starts_with("terraconverse") {
            return;
        }
        if !self.level.allows(meta.level()) {
            return;
        }
        let Some(client) = self.client.get().cloned() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let mut msg = Message(String::new());
        event.record(&mut msg);
        let typ = match *meta.level() {
            Level::ERROR => MessageType::ERROR,
            Level::WARN => MessageType::WARNING,
            Level::INFO => MessageType::INFO,
            _ => MessageType::LOG,
        };
        runtime.spawn(async move { client.log_message(typ, msg.0).await });
    }
}

/// Installs the process-wide subscriber: stderr (filtered by `TERRACONVERSE_LOG`,
/// default `info`) plus the client layer.
pub fn init(slot: &ClientSlot, level: LogLevel) {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_env("TERRACONVERSE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
        // The transport's trace of every raw message would print the settings
        // verbatim, an LLM API key among them (docs/llm.md), so it stays off.
        .add_directive("tower_lsp_server::codec=off".parse().expect("a valid directive"));
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false).with_filter(filter);
    let _ = tracing_subscriber::registry().with(stderr).with(ClientLayer::new(slot, level)).try_init();
}
