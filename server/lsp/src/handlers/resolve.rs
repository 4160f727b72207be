//! `terraconverse/resolve`: the user's answer to a conflict — keep their version of a
//! block, or have the conversation write it again.

use crate::conversations::flow;
use crate::protocol::{Resolution, ResolveParams, TurnResult};
use crate::server::Server;
use tc_conversation::Turn;
use tower_lsp_server::jsonrpc::{Error, Result};

pub async fn run(server: &Server, params: ResolveParams) -> Result<TurnResult> {
    let ResolveParams { conversation: id, address, resolution } = params;
    {
        let mut session = server.shared.lock();
        let entry = session.conversations.entries.get_mut(&id).ok_or_else(|| flow::unknown(&id))?;
        if !entry.conflicts.iter().any(|c| c.address == address) {
            return Err(Error::invalid_params(format!(
                "{address} is not in conflict in conversation {id}; the conflicts are listed in the last turn's `conflicts`"
            )));
        }
        match resolution {
            Resolution::KeepMine => {
                entry.decisions.regenerate.remove(&address);
                entry.decisions.keep_mine.insert(address.clone());
            }
            Resolution::Regenerate => {
                entry.decisions.keep_mine.remove(&address);
                entry.decisions.regenerate.insert(address.clone());
            }
        }
    }
    // Rewrites through the same ordered path as an answer; the engine is not touched and
    // the turn repeats the current question.
    let note = match resolution {
        Resolution::KeepMine => format!("Keeping your version of {address}; it will not be written again."),
        Resolution::Regenerate => format!("Writing {address} again."),
    };
    let result = flow::turn(server, &id, move |c| {
        let question = c.current_question();
        Turn { state: c.state(), complete: question.is_none(), question, messages: vec![note], ..Default::default() }
    })
    .await?;
    // Once written again the block is the conversation's: later hand edits are conflicts again.
    let mut session = server.shared.lock();
    if let Some(entry) = session.conversations.entries.get_mut(&id) {
        if entry.ledger.blocks.contains_key(&address) && !entry.conflicts.iter().any(|c| c.address == address) {
            entry.decisions.regenerate.remove(&address);
        }
    }
    Ok(result)
}
