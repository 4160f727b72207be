//! `terraconverse/back`: undo the last answer and ask its question again.

use crate::conversations::flow;
use crate::protocol::{ConversationParams, TurnResult};
use crate::server::Server;
use tc_conversation::Command;
use tower_lsp_server::jsonrpc::Result;

pub async fn run(server: &Server, params: ConversationParams) -> Result<TurnResult> {
    // Through `input`: back from the first question after the reuse questions reopens them.
    flow::input(server, &params.conversation, flow::Input::Command(Command::Back)).await
}
