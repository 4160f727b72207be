//! `workspace/didChangeConfiguration`: new settings take effect for the next request.

use crate::server::Server;
use tower_lsp_server::ls_types::DidChangeConfigurationParams;

pub async fn run(server: &Server, params: DidChangeConfigurationParams) {
    let problems = {
        let mut session = server.shared.lock();
        let problems = session.config.update(&params.settings);
        server.log_level.set(session.config.log_level);
        problems
    };
    for p in problems {
        tracing::warn!("{p}");
    }
}
