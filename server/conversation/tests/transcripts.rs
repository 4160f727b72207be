//! Replays every conversation transcript in `tests/transcripts/*.txt` against the
//! engine and checks each expectation, plus invariants after every turn: the
//! conversation survives a save/resume round trip unchanged, a rejected input
//! changes nothing, the turn's question is the conversation's current question,
//! and a completed conversation has a stack. At the end, replaying the recorded
//! inputs on a fresh conversation reproduces the same configuration.
//!
//! Format (one directive per line, `#` starts a comment):
//!
//! ```text
//! plan: ec2_instance:web, rds_instance:db   hand-built plan (component:key, ...)
//! region: eu-central-1                      region stated with the plan
//! request: a web server in Frankfurt        or: start from text (the intent engine)
//! > some input                              one user turn (`>` alone: empty line;
//!                                           `> @repeat N x`: x repeated N times)
//! ! resume                                  save to JSON and resume from it
//! < q ID | none                             current question id
//! < kind value|yes_no|defaults|confirm_insecure
//! < say TEXT                                a message, the question or the rejection contains TEXT
//! < reject TEXT                             the input was rejected with TEXT in the reason
//! < accepted                                the input was not rejected
//! < warn RULE                               the turn warned with RULE
//! < state STATE                             e.g. parameter_collection, complete, cancelled
//! < complete / < incomplete
//! < changed KEY                             the turn reported KEY as changed
//! < value KEY.PARAM = JSON                  the (partial) stack has this value
//! < absent KEY                              the (partial) stack has no resource KEY
//! < decision RULE KEY.PARAM                 a recorded security decision
//! < missing ID                              stack() reports ID as missing
//! < default TEXT                            the current question's default
//! < progress N/M
//! < start-error TEXT                        starting failed with TEXT
//! ```

mod support;

use std::path::{Path, PathBuf};
use tc_conversation::{Conversation, QuestionKind, State, Turn};

fn transcripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/transcripts")
}

struct Run {
    file: String,
    conv: Option<Conversation>,
    fresh: Option<Conversation>,
    turn: Turn,
    start_error: Option<String>,
    line: usize,
}

impl Run {
    fn fail(&self, msg: String) -> ! {
        panic!("{}:{}: {msg}\nlast turn: {:#?}", self.file, self.line, self.turn)
    }

    fn conv(&self) -> &Conversation {
        self.conv.as_ref().unwrap_or_else(|| self.fail("no conversation started".into()))
    }

    fn all_text(&self) -> String {
        let t = &self.turn;
        let mut s = t.messages.join("\n");
        if let Some(q) = &t.question {
            s.push('\n');
            s.push_str(&q.text);
        }
        if let Some(r) = &t.rejection {
            s.push('\n');
            s.push_str(r);
        }
        s
    }
}

fn kind_name(k: QuestionKind) -> &'static str {
    match k {
        QuestionKind::Value => "value",
        QuestionKind::YesNo => "yes_no",
        QuestionKind::Defaults => "defaults",
        QuestionKind::ConfirmInsecure => "confirm_insecure",
    }
}

fn start(run: &mut Run, plan_spec: &Option<String>, region: &Option<String>, request: &Option<String>) {
    if run.conv.is_some() || run.start_error.is_some() {
        return;
    }
    if let Some(spec) = plan_spec {
        let pairs: Vec<(String, String)> = spec
            .split(',')
            .map(|p| {
                let (c, k) = p.trim().split_once(':').unwrap_or_else(|| run.fail(format!("plan entry {p:?} is not component:key")));
                (c.trim().to_string(), k.trim().to_string())
            })
            .collect();
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(c, k)| (c.as_str(), k.as_str())).collect();
        let plan = support::plan(region.as_deref(), &refs);
        let (conv, turn) = Conversation::from_plan(plan);
        run.fresh = Some(conv.clone());
        run.conv = Some(conv);
        run.turn = turn;
    } else if let Some(text) = request {
        match Conversation::start(text) {
            Ok((conv, turn)) => {
                run.fresh = Some(conv.clone());
                run.conv = Some(conv);
                run.turn = turn;
            }
            Err(e) => run.start_error = Some(e.to_string()),
        }
    } else {
        run.fail("no `plan:` or `request:` before the first turn".into());
    }
    if run.conv.is_some() {
        check_invariants(run, None);
    }
}

fn check_invariants(run: &Run, before: Option<&Conversation>) {
    let conv = run.conv();
    let json = serde_json::to_string(conv).unwrap();
    let back: Conversation = serde_json::from_str(&json).unwrap();
    if &back != conv {
        run.fail("the conversation changed across a save/resume round trip".into());
    }
    if let (Some(before), Some(_)) = (before, &run.turn.rejection) {
        if before != conv {
            run.fail("a rejected input changed the conversation".into());
        }
    }
    if run.turn.question != conv.current_question() {
        run.fail("the turn's question differs from current_question()".into());
    }
    if run.turn.complete != conv.stack().is_ok() {
        run.fail(format!("turn.complete = {} but stack() is_ok = {}", run.turn.complete, conv.stack().is_ok()));
    }
    if run.turn.complete != (conv.state() == State::Complete) {
        run.fail("turn.complete disagrees with the state".into());
    }
}

fn expand_input(s: &str) -> String {
    if let Some(rest) = s.strip_prefix("@repeat ") {
        let (n, text) = rest.split_once(' ').expect("@repeat N text");
        return text.repeat(n.parse().expect("@repeat count"));
    }
    s.to_string()
}

fn stack_value(conv: &Conversation, path: &str) -> Option<serde_json::Value> {
    let (key, param) = path.split_once('.')?;
    let stack = conv.stack().unwrap_or_else(|_| conv.partial_stack());
    stack.resources.iter().find(|r| r.key == key).and_then(|r| r.values.get(param).cloned())
}

fn expect(run: &Run, directive: &str, arg: &str) {
    let t = &run.turn;
    match directive {
        "start-error" => match &run.start_error {
            Some(e) if e.to_lowercase().contains(&arg.to_lowercase()) => {}
            other => run.fail(format!("expected a start error containing {arg:?}, got {other:?}")),
        },
        "q" => {
            let got = t.question.as_ref().map(|q| q.id.as_str()).unwrap_or("none");
            if got != arg {
                run.fail(format!("expected question {arg:?}, got {got:?}"));
            }
        }
        "kind" => {
            let got = t.question.as_ref().map(|q| kind_name(q.kind)).unwrap_or("none");
            if got != arg {
                run.fail(format!("expected kind {arg:?}, got {got:?}"));
            }
        }
        "say" => {
            if !run.all_text().to_lowercase().contains(&arg.to_lowercase()) {
                run.fail(format!("no message contains {arg:?}"));
            }
        }
        "reject" => match &t.rejection {
            Some(r) if r.to_lowercase().contains(&arg.to_lowercase()) => {}
            other => run.fail(format!("expected a rejection containing {arg:?}, got {other:?}")),
        },
        "accepted" => {
            if let Some(r) = &t.rejection {
                run.fail(format!("expected acceptance, got rejection {r:?}"));
            }
        }
        "warn" => {
            if !t.warnings.iter().any(|w| w.rule == arg) {
                run.fail(format!("expected warning {arg}, got {:?}", t.warnings));
            }
        }
        "state" => {
            let got = t.state.to_string();
            if got != arg {
                run.fail(format!("expected state {arg}, got {got}"));
            }
        }
        "complete" => {
            if !t.complete {
                run.fail(format!("expected completion; missing: {:?}", run.conv().stack().err()));
            }
        }
        "incomplete" => {
            if t.complete {
                run.fail("expected the conversation to be incomplete".into());
            }
        }
        "changed" => {
            if !t.changed.iter().any(|c| c == arg) {
                run.fail(format!("expected {arg} among changed {:?}", t.changed));
            }
        }
        "value" => {
            let (path, json) = arg.split_once(" = ").unwrap_or_else(|| run.fail("value KEY.PARAM = JSON".into()));
            let want: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| run.fail(format!("bad JSON {json}: {e}")));
            let got = stack_value(run.conv(), path.trim());
            if got.as_ref() != Some(&want) {
                run.fail(format!("expected {path} = {want}, got {got:?}"));
            }
        }
        "absent" => {
            let stack = run.conv().stack().unwrap_or_else(|_| run.conv().partial_stack());
            if stack.resources.iter().any(|r| r.key == arg) {
                run.fail(format!("expected no resource {arg}"));
            }
        }
        "decision" => {
            let (rule, path) = arg.split_once(' ').unwrap_or_else(|| run.fail("decision RULE KEY.PARAM".into()));
            let (key, param) = path.split_once('.').unwrap();
            let stack = run.conv().stack().unwrap_or_else(|_| run.conv().partial_stack());
            if !stack.decisions.iter().any(|d| d.rule == rule && d.resource == key && d.parameter == param && !d.confirmed_by.is_empty()) {
                run.fail(format!("expected decision {rule} on {path}, got {:?}", stack.decisions));
            }
        }
        "missing" => match run.conv().stack() {
            Err(m) if m.iter().any(|m| m.id == arg) => {}
            other => run.fail(format!("expected {arg} to be missing, got {other:?}")),
        },
        "default" => {
            let got = t.question.as_ref().and_then(|q| q.default.clone());
            if got.as_deref() != Some(arg) {
                run.fail(format!("expected default {arg:?}, got {got:?}"));
            }
        }
        "progress" => {
            let got = t.question.as_ref().map(|q| format!("{}/{}", q.progress.0, q.progress.1));
            if got.as_deref() != Some(arg) {
                run.fail(format!("expected progress {arg}, got {got:?}"));
            }
        }
        other => run.fail(format!("unknown expectation `{other}`")),
    }
}

fn replay(file: &str, path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let mut run = Run { file: file.to_string(), conv: None, fresh: None, turn: Turn::default(), start_error: None, line: 0 };
    let (mut plan_spec, mut region, mut request) = (None, None, None);
    let mut checks = 0;
    for (n, raw) in text.lines().enumerate() {
        run.line = n + 1;
        let line = raw.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(v) = line.strip_prefix("plan:") {
            plan_spec = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("region:") {
            region = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("request:") {
            request = Some(v.trim().to_string());
            start(&mut run, &plan_spec, &region, &request);
        } else if line == ">" || line.starts_with("> ") {
            start(&mut run, &plan_spec, &region, &request);
            let input = expand_input(line.get(2..).unwrap_or(""));
            let before = run.conv().clone();
            let turn = run.conv.as_mut().unwrap().handle(&input);
            run.turn = turn;
            check_invariants(&run, Some(&before));
        } else if line == "! resume" {
            start(&mut run, &plan_spec, &region, &request);
            let json = serde_json::to_string(run.conv()).unwrap();
            run.conv = Some(serde_json::from_str(&json).unwrap());
        } else if let Some(rest) = line.strip_prefix("< ") {
            if plan_spec.is_some() {
                start(&mut run, &plan_spec, &region, &request);
            }
            let (d, arg) = rest.split_once(' ').unwrap_or((rest, ""));
            expect(&run, d, arg.trim());
            checks += 1;
        } else {
            run.fail(format!("cannot read line {line:?}"));
        }
    }
    // Replaying the recorded inputs reproduces the configuration.
    if let (Some(conv), Some(mut fresh)) = (run.conv.clone(), run.fresh.clone()) {
        if conv.state() != State::Cancelled {
            for input in conv.inputs() {
                fresh.handle(input);
            }
            if fresh.partial_stack() != conv.partial_stack() || fresh.current_question().map(|q| q.id) != conv.current_question().map(|q| q.id) {
                run.fail(format!("replaying the inputs {:?} did not reproduce the conversation", conv.inputs()));
            }
        }
    }
    assert!(checks > 0, "{file} checks nothing");
    checks
}

#[test]
fn transcripts_replay() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(transcripts_dir())
        .expect("tests/transcripts exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "expected at least 25 transcripts, found {}", files.len());
    let mut total = 0;
    let mut failed = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // Every transcript runs even when one fails, so a change's whole effect shows.
        match std::panic::catch_unwind(|| replay(&name, path)) {
            Ok(n) => total += n,
            Err(_) => failed.push(name),
        }
    }
    println!("{} transcripts, {total} expectations", files.len());
    assert!(failed.is_empty(), "failed transcripts (see the panics above): {failed:?}");
}
