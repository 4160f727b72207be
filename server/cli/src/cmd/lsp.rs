//! `terraconverse lsp`: the language server on stdin/stdout (see docs/lsp-extensions.md).
//! Nothing but the protocol is written to stdout; logs go to stderr (level from
//! `TERRACONVERSE_LOG`) and to the client (level from the `logLevel` setting).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Accepted for compatibility with clients that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    tc_lsp::run_stdio()?;
    Ok(ExitCode::SUCCESS)
}
