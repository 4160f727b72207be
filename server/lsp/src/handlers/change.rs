//! `terraconverse/change`: change an earlier answer; the edit rewrites only what changed.

use crate::conversations::flow;
use crate::protocol::{ChangeParams, TurnResult};
use crate::server::Server;
use tc_conversation::Command;
use tower_lsp_server::jsonrpc::Result;

pub async fn run(server: &Server, params: ChangeParams) -> Result<TurnResult> {
    let ChangeParams { conversation, target, value } = params;
    flow::turn(server, &conversation, move |c| c.apply(Command::Change { target, value })).await
}
