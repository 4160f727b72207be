//! `terraconverse/answer`: typed text or a button for the current question. Typed
//! text the engine cannot read goes to the LLM, when one is configured, for a
//! candidate the engine then validates (conversations/llm.rs).

use crate::conversations::{flow, llm};
use crate::protocol::{AnswerAction, AnswerParams, TurnResult};
use crate::server::Server;
use tc_conversation::Command;
use tower_lsp_server::jsonrpc::{Error, Result};

pub async fn run(server: &Server, params: AnswerParams) -> Result<TurnResult> {
    let command = match (&params.text, params.action) {
        (Some(_), _) => None,
        (None, Some(action)) => Some(match action {
            AnswerAction::Default => Command::Default,
            AnswerAction::Skip => Command::Skip,
            AnswerAction::AcceptAllDefaults => Command::AcceptAllDefaults,
            AnswerAction::Confirm => Command::Confirm(true),
            AnswerAction::Decline => Command::Confirm(false),
            AnswerAction::Help => Command::Help,
        }),
        (None, None) => {
            return Err(Error::invalid_params("send `text` (what the user typed) or `action` (default, skip, acceptAllDefaults, confirm, decline, help)"))
        }
    };
    let text = params.text.unwrap_or_default();
    if command.is_none() {
        if let Some(result) = llm::answer(server, &params.conversation, &text).await? {
            llm::remember(server, &params.conversation, &result);
            return Ok(result);
        }
    }
    let input = match command {
        Some(cmd) => flow::Input::Command(cmd),
        None => flow::Input::Text(text),
    };
    let result = flow::input(server, &params.conversation, input).await?;
    llm::remember(server, &params.conversation, &result);
    Ok(result)
}
