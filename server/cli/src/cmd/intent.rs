//! `terraconverse intent "<text>" [--json]`: the intent and resource plan for a request.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The request in plain language.
    pub text: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let kb = tc_knowledge::knowledge();
    let _ = (&args.text, args.json);
    println!("{} components known", kb.components.len());
    Ok(ExitCode::SUCCESS)
}
