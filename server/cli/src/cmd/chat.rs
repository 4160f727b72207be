//! `terraconverse chat [REQUEST] [--out DIR] [--session FILE]`: the conversation
//! in a terminal. Colours on a TTY, plain text when piped; answers come from
//! stdin either way, so scripted sessions work. The session is saved after every
//! answer and resumed from the same file. Files are written only at the end, all
//! at once (staged in a hidden folder and moved into place), so an interrupted
//! chat leaves no partial configuration behind.
//!
//! With an LLM configured (docs/llm.md), the model reads the first request into the
//! offline engine's intent and proposes a value for an answer the engine could not
//! read; both go through the same validators as typed text, and `status` shows what
//! the model did.

#[cfg(feature = "aws-live")]
#[path = "../aws.rs"]
mod aws;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tc_conversation::{Command, Conversation, LiveChecks, Question, QuestionKind, State, Turn};
use tc_llm::{assist, Disabled, LlmConversation, LlmService};

#[derive(clap::Args)]
pub struct Args {
    /// What to build, in plain language. Without it, the first line of input is the request.
    pub request: Option<String>,
    /// Write the generated Terraform files into this folder at the end (it must be
    /// empty or not exist). Without it, the collected configuration is printed as JSON.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Save the conversation to this file after every answer, and resume from it
    /// when it exists.
    #[arg(long)]
    pub session: Option<PathBuf>,
    /// Never use colours, even on a terminal.
    #[arg(long)]
    pub plain: bool,
}

/// The session file: the conversation plus a format version.
#[derive(Serialize, Deserialize)]
struct SessionFile {
    version: u32,
    conversation: Conversation,
}

const SESSION_VERSION: u32 = 1;

/// Terminal styling, off when piped or with NO_COLOR set.
struct Style {
    colour: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn question(&self, s: &str) -> String {
        self.paint("1;36", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn warn(&self, s: &str) -> String {
        self.paint("1;33", s)
    }
    fn error(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    fn ok(&self, s: &str) -> String {
        self.paint("32", s)
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal();
    let style = Style { colour: !args.plain && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() };
    if let Some(out) = &args.out {
        check_out_dir(out)?;
    }
    let live = live_checks();
    let (llm, llm_off) = llm_from_env();
    let llm: Option<LlmConversation> = llm.map(|s| s.conversation());
    // The model's calls are async; a current-thread runtime runs them, only when a
    // model is configured.
    let runtime = match &llm {
        Some(_) => Some(assist::runtime().context("starting the runtime for the LLM client")?),
        None => None,
    };
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    let mut stdout = std::io::stdout();

    let (mut conv, first) = match args.session.as_deref().filter(|p| p.exists()) {
        Some(path) => {
            let conv = load_session(path)?;
            println!("{}", style.dim(&format!("Resuming the conversation saved in {}.", path.display())));
            let turn = Turn {
                state: conv.state(),
                question: conv.current_question(),
                complete: conv.state() == State::Complete,
                ..Turn::default()
            };
            (conv, turn)
        }
        None => {
            let request = match &args.request {
                Some(r) => r.clone(),
                None => {
                    if interactive {
                        print!("{}", style.question("What would you like to build? "));
                        stdout.flush()?;
                    }
                    match read_line(&mut lines)? {
                        Some(l) => l,
                        None => bail!("no request given: pass it as an argument or as the first line of input"),
                    }
                }
            };
            let started = match (&llm, &runtime) {
                (Some(c), Some(rt)) => rt.block_on(assist::start(Some(c), &request)).map(|s| (s.conversation, s.turn)),
                _ => Conversation::start(&request),
            };
            match started {
                Ok(started) => started,
                Err(e) => {
                    eprintln!("{}", style.error(&e.to_string()));
                    return Ok(ExitCode::from(1));
                }
            }
        }
    };
    if let Some(path) = &args.session {
        save_session(path, &conv)?;
    }
    show(&style, &first);

    while conv.state() != State::Complete && conv.state() != State::Cancelled {
        if interactive {
            print!("{}", style.question("> "));
            stdout.flush()?;
        }
        let Some(input) = read_line(&mut lines)? else {
            let missing = conv.stack().err().unwrap_or_default();
            eprintln!(
                "{}",
                style.error(&format!(
                    "Input ended before the conversation was complete ({} question(s) left, next: {}).",
                    missing.len(),
                    missing.first().map(|m| m.id.as_str()).unwrap_or("?")
                ))
            );
            if let Some(path) = &args.session {
                eprintln!("The session is saved; run the same command with --session {} to go on.", path.display());
            }
            return Ok(ExitCode::from(1));
        };
        if !interactive {
            // Echo scripted answers so the output reads as a transcript.
            println!("> {}", shorten(&input));
        }
        let mut turn = conv.handle_with(&input, live.as_ref());
        if let (Some(c), Some(rt)) = (&llm, &runtime) {
            c.remember_user(&input);
            // An answer the engine could not read: the model proposes a value, which
            // the engine validates (and warns about) like typed text.
            if let Some(question) = assist::wants_model(&conv, &input, &turn) {
                if let Some(candidate) = rt.block_on(c.interpret_answer(&question, &input)) {
                    if let Some(t) = assist::apply_candidate(&mut conv, &question.id, &input, &candidate, live.as_ref()) {
                        turn = t;
                    }
                }
            }
            if let Some(q) = &turn.question {
                c.remember_assistant(&q.text);
            }
        }
        if tc_conversation::interpret(&input) == Command::Status {
            turn.messages.push(assist::status_line(llm.as_ref(), llm_off.as_ref()));
        }
        if let Some(path) = &args.session {
            save_session(path, &conv)?;
        }
        show(&style, &turn);
    }

    if conv.state() == State::Cancelled {
        return Ok(ExitCode::from(1));
    }
    let stack = match conv.stack() {
        Ok(s) => s,
        Err(missing) => {
            for m in missing {
                eprintln!("{}", style.error(&format!("missing {m}")));
            }
            return Ok(ExitCode::from(1));
        }
    };
    match &args.out {
        Some(out) => {
            let generated = tc_generate::generate(&stack).map_err(|e| anyhow::anyhow!("{e}"))?;
            let files = generated.all_files();
            write_all(out, &files)?;
            println!("{}", style.ok(&format!("Wrote {} files to {}:", files.len(), out.display())));
            for (path, _) in &files {
                println!("  {path}");
            }
        }
        None => println!("{}", serde_json::to_string_pretty(&stack)?),
    }
    Ok(ExitCode::SUCCESS)
}

/// The LLM service from the environment, or why it is off. The "offline engine
/// only" notice goes to stderr once; it is not an error.
pub(crate) fn llm_from_env() -> (Option<LlmService>, Option<Disabled>) {
    match LlmService::from_env() {
        Ok(service) => {
            eprintln!("{}", service.describe());
            (Some(service), None)
        }
        Err(off) => {
            if let Some(notice) = off.notice_once() {
                eprintln!("{notice}");
            }
            (None, Some(off))
        }
    }
}

/// The echo of a scripted answer: long ones cut, control characters shown as escapes
/// (`\u{1b}`), so a piped answer cannot recolour or rewrite the user's terminal.
fn shorten(s: &str) -> String {
    let visible = |t: &str| t.chars().map(|c| if c.is_control() { c.escape_default().collect() } else { c.to_string() }).collect::<String>();
    if s.chars().count() > 200 {
        format!("{}… ({} bytes)", visible(&s.chars().take(60).collect::<String>()), s.len())
    } else {
        visible(s)
    }
}

/// Reads one line without its line ending; `None` at end of input.
fn read_line(input: &mut impl BufRead) -> anyhow::Result<Option<String>> {
    let mut buf = String::new();
    if input.read_line(&mut buf).context("reading input")? == 0 {
        return Ok(None);
    }
    Ok(Some(buf.trim_end_matches(['\n', '\r']).to_string()))
}

fn show(style: &Style, turn: &Turn) {
    for m in &turn.messages {
        println!("{m}");
    }
    for w in &turn.warnings {
        println!("{}", style.warn(&format!("warning {}: {}", w.rule, w.message)));
    }
    if let Some(r) = &turn.rejection {
        println!("{}", style.error(&format!("Not accepted: {r}")));
    }
    if let Some(q) = &turn.question {
        print_question(style, q);
    }
}

fn print_question(style: &Style, q: &Question) {
    let (n, m) = q.progress;
    let default = match (&q.default, q.kind) {
        (Some(d), _) if d.is_empty() => " [default: empty]".to_string(),
        (Some(d), _) => format!(" [default: {d}]"),
        (None, _) => String::new(),
    };
    println!();
    println!("{} {}{}", style.dim(&format!("({n}/{m})")), style.question(&q.text), default);
    if q.kind != QuestionKind::ConfirmInsecure {
        println!("{}", style.dim(&format!("  why: {}", q.why)));
    }
    if !q.choices.is_empty() && q.kind == QuestionKind::Value {
        println!("{}", style.dim(&format!("  choices: {}", q.choices.join(", "))));
    }
    if let Some(e) = &q.example {
        println!("{}", style.dim(&format!("  e.g. {e}")));
    }
    if let Some(c) = &q.cost_note {
        println!("{}", style.dim(&format!("  cost: {c}")));
    }
}

fn load_session(path: &Path) -> anyhow::Result<Conversation> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading the session file {}", path.display()))?;
    let file: SessionFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a TerraConverse session file (delete it to start over)", path.display()))?;
    if file.version != SESSION_VERSION {
        bail!("{} was saved by another version (format {}); delete it to start over", path.display(), file.version);
    }
    Ok(file.conversation)
}

/// Writes the session atomically: a temporary file renamed over the old one, so
/// an interruption never leaves a half-written session.
fn save_session(path: &Path, conv: &Conversation) -> anyhow::Result<()> {
    let file = SessionFile { version: SESSION_VERSION, conversation: conv.clone() };
    let tmp = sibling(path, "tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&file)?).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("saving the session to {}", path.display()))?;
    Ok(())
}

/// A hidden sibling path of `path` unique to this process.
fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{what}-{}", std::process::id()))
}

/// The output folder must be empty or missing: checked before the conversation,
/// so nobody answers twenty questions to learn the folder is unusable.
fn check_out_dir(out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            bail!("--out {} is a file; give a folder that is empty or does not exist yet", out.display());
        }
        if std::fs::read_dir(out)?.next().is_some() {
            bail!("--out {} is not empty; give a folder that is empty or does not exist yet, so no existing file is overwritten", out.display());
        }
    }
    Ok(())
}

/// Writes every file into a hidden staging folder next to `out`, then moves the
/// whole folder into place: `out` either gets every file or none.
fn write_all(out: &Path, files: &[(String, String)]) -> anyhow::Result<()> {
    check_out_dir(out)?;
    let staging = sibling(out, "staging");
    let result = (|| -> anyhow::Result<()> {
        std::fs::create_dir_all(&staging)?;
        for (rel, content) in files {
            let path = staging.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
        }
        if out.exists() {
            // Empty (checked above): replace it by the staged folder.
            std::fs::remove_dir(out)?;
        }
        std::fs::rename(&staging, out).with_context(|| format!("moving the files into {}", out.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Live AWS checks when built with the `aws-live` feature; none otherwise.
fn live_checks() -> Box<dyn LiveChecks> {
    #[cfg(feature = "aws-live")]
    {
        Box::new(aws::AwsChecks::new())
    }
    #[cfg(not(feature = "aws-live"))]
    {
        Box::new(tc_conversation::OfflineOnly)
    }
}

#[cfg(test)]
mod tests {
    /// Found by tests/hostile_entrypoints.rs: a piped answer holding an escape
    /// sequence was echoed raw into the transcript.
    #[test]
    fn the_echo_shows_control_characters_escaped() {
        assert_eq!(super::shorten("bell\u{7} esc\u{1b}[31mred"), "bell\\u{7} esc\\u{1b}[31mred");
        assert_eq!(super::shorten("🚀 ok"), "🚀 ok");
        assert!(super::shorten(&"x\u{1b}".repeat(300)).ends_with("… (600 bytes)"));
    }
}
