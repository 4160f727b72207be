//! The `terraconverse` command: CLI front end over the core crates, and the
//! language server (`terraconverse lsp`). Each subcommand lives in `cmd/`.

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Intent(args) => cmd::intent::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
