//! `terraconverse lsp` (being built; see its issue).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`terraconverse lsp` is not available in this build yet")
}
