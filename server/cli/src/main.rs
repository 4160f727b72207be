//! The `terraconverse` command: CLI front end over the core crates, and the
//! language server (`terraconverse lsp`). Each subcommand lives in its own file
//! under `cmd/`; this file only dispatches.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "terraconverse", version, about = "Conversational, secure-by-default Terraform for AWS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the AWS resources a plain-language request leads to.
    Intent(cmd::intent::Args),
    /// Talk through a configuration in the terminal.
    Chat(cmd::chat::Args),
    /// Generate a configuration non-interactively.
    Generate(cmd::generate::Args),
    /// Check Terraform files for security problems (for CI).
    Check(cmd::check::Args),
    /// Run the language server on stdin/stdout.
    Lsp(cmd::lsp::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Intent(args) => cmd::intent::run(args),
        Command::Chat(args) => cmd::chat::run(args),
        Command::Generate(args) => cmd::generate::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Lsp(args) => cmd::lsp::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
