//! `terraconverse/back`: undo the last answer and ask its question again.

use crate::conversations::flow;
use crate::protocol::{ConversationParams, TurnResult};
use crate::server::Server;
use tc_conversation::Command;
use tower_lsp_server::jsonrpc::Result;

pub async fn run(server: &Server, params: ConversationParams) -> Result<TurnResult> {
    flow::turn(server, &params.conversation, |c| c.apply(Command::Back)).await
}
