//! Methods that exist only in test builds (feature `testing`), to exercise the
//! server's robustness: a handler that panics and one that takes long enough to cancel.

use crate::server::Server;
use tower_lsp_server::jsonrpc::Result;

pub const PANIC: &str = "$/terraconverse/testPanic";
pub const SLEEP: &str = "$/terraconverse/testSleep";

impl Server {
    pub async fn test_panic(&self) -> Result<()> {
        // Held across the panic on purpose: the session must stay usable afterwards.
        let _session = self.shared.lock();
        panic!("deliberate test panic");
    }

    pub async fn test_sleep(&self) -> Result<()> {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        Ok(())
    }
}
