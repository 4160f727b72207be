//! The module model the rules run over: every `.tf` file of one directory parsed with
//! hcl-edit, variables and locals collected, and each resource instance (after `count` /
//! `for_each` expansion and `dynamic` block expansion) turned into an evaluated tree that
//! keeps the byte spans quick fixes need.

use crate::eval::{Defs, Evaluator, Scope, Value};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::visit::{self, Visit};
use hcl_edit::Span;
use std::collections::{BTreeMap, HashSet};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

/// A parsed chunk as the rules see it: its body, or (line, column, message) of the syntax
/// error that makes the rules skip it.
pub type Parsed = Result<Body, (usize, usize, String)>;

/// One top-level chunk of a file (see [`split_blocks`]), parsed once and shared by every
/// consumer of the parse: the block index, the rules and the schema check. Everything in
/// it is relative to the chunk's own text (spans from 0, lines from 1), so one entry
/// serves the chunk wherever it moves in its file, and identical chunks share it.
pub struct Chunk {
    /// The body as hcl-edit parsed it, with repeated object keys renamed (see
    /// [`parse_chunk`]); `None` when it does not parse.
    pub(crate) body: Option<Body>,
    /// Why the rules skip the chunk (a syntax error, or a string split over lines).
    pub(crate) rules_error: Option<(usize, usize, String)>,
    /// The syntax error an editor shows: hcl-edit's first error, except that repeated
    /// object keys are accepted, as Terraform accepts them.
    pub(crate) syntax_error: Option<tc_edit::SyntaxError>,
    /// Top-level blocks, as `tc_edit::index_blocks` lists them.
    pub(crate) blocks: Vec<tc_edit::BlockInfo>,
    /// Keys of top-level attributes: hcl-edit rejects one defined twice in a file, which
    /// no single chunk can see.
    pub(crate) top_attrs: Vec<String>,
    /// Module facts of the chunk for the rules, computed once per chunk text.
    pub(crate) facts: Facts,
    /// Resource instances expanded from this chunk, with the module fingerprint they were
    /// evaluated under (see [`Facts::fingerprint`]).
    expanded: Mutex<Option<(u64, Arc<Vec<Resource>>)>>,
    /// Schema diagnostics of the chunk, computed on first use.
    schema: OnceLock<Vec<tc_schema::Diagnostic>>,
}

/// What a chunk contributes to its module besides its resources.
#[derive(Default)]
pub(crate) struct Facts {
    /// Each `locals` attribute and what its expression references.
    local_refs: Vec<(String, RefCollector)>,
    /// What each `module` and `output` block references (locals still unresolved).
    external: Vec<RefCollector>,
    /// Whether the chunk has resource blocks to expand.
    has_resources: bool,
    /// Hash of everything in the chunk that resource evaluation can read: variable names
    /// and default expressions, locals, resource types. Zero when there is none.
    fingerprint: u64,
}

impl Chunk {
    pub(crate) fn new(src: &str) -> Chunk {
        let parse = parse_chunk(src);
        let mut chunk = Chunk {
            body: parse.body,
            rules_error: parse.rules_error,
            syntax_error: parse.syntax_error,
            blocks: Vec::new(),
            top_attrs: Vec::new(),
            facts: Facts::default(),
            expanded: Mutex::new(None),
            schema: OnceLock::new(),
        };
        if let Some(body) = &chunk.body {
            for structure in body.iter() {
                match structure {
                    Structure::Attribute(a) => chunk.top_attrs.push(a.key.value().to_string()),
                    Structure::Block(block) => {
                        let Some(span) = block.span() else { continue };
                        let ident = block.ident.value().to_string();
                        let labels: Vec<String> = block.labels.iter().map(|l| l.as_str().to_string()).collect();
                        let mut address = ident.clone();
                        for l in &labels {
                            address.push('.');
                            address.push_str(l);
                        }
                        chunk.blocks.push(tc_edit::BlockInfo { address, ident, labels, span });
                    }
                }
            }
            if chunk.rules_error.is_none() {
                chunk.facts = Facts::of(src, body);
            }
        }
        chunk
    }

    /// The body the rules read, or why they skip the chunk.
    pub(crate) fn rules_body(&self) -> Result<&Body, &(usize, usize, String)> {
        match (&self.rules_error, &self.body) {
            (Some(e), _) => Err(e),
            (None, Some(b)) => Ok(b),
            // A chunk without a body always has a rules error; never reached.
            (None, None) => Err(&NO_BODY),
        }
    }

    /// Schema diagnostics of the chunk (relative to it). The first call decides the
    /// schema: keep one cache per schema.
    pub(crate) fn schema_diagnostics(&self, schema: &tc_schema::Schema, src: &str) -> &[tc_schema::Diagnostic] {
        self.schema.get_or_init(|| match &self.body {
            Some(body) if self.syntax_error.is_none() => tc_schema::check_body(schema, body, src),
            _ => Vec::new(),
        })
    }
}

static NO_BODY: (usize, usize, String) = (1, 1, String::new());

impl Facts {
    fn of(src: &str, body: &Body) -> Facts {
        use std::hash::{Hash, Hasher};
        let mut facts = Facts::default();
        let mut h = rustc_hash::FxHasher::default();
        let mut any = false;
        let text_of = |span: Option<Range<usize>>| span.and_then(|r| src.get(r)).unwrap_or("");
        for block in body.blocks() {
            let label = block.labels.first().map(|l| l.as_str());
            match (block.ident.value().as_str(), label) {
                ("variable", Some(name)) => {
                    any = true;
                    ("variable", name).hash(&mut h);
                    match block.body.get_attribute("default") {
                        Some(a) => text_of(a.value.span()).hash(&mut h),
                        None => 0u8.hash(&mut h),
                    }
                }
                ("locals", _) => {
                    any = true;
                    for a in block.body.attributes() {
                        ("local", a.key.value().as_str(), text_of(a.value.span())).hash(&mut h);
                        let mut rc = RefCollector::default();
                        rc.visit_expr(&a.value);
                        facts.local_refs.push((a.key.value().to_string(), rc));
                    }
                }
                ("resource", Some(t)) => {
                    any = true;
                    ("resource", t).hash(&mut h);
                    facts.has_resources |= block.labels.len() >= 2;
                }
                ("module" | "output", _) => {
                    let mut rc = RefCollector::default();
                    rc.visit_body(&block.body);
                    facts.external.push(rc);
                }
                _ => {}
            }
        }
        // Zero is reserved for "contributes nothing".
        facts.fingerprint = if any { h.finish() | 1 } else { 0 };
        facts
    }
}

/// Parsed chunks keyed by their exact text. hcl-edit parses roughly 4 MB/s, so
/// re-parsing a 40k-line file on every keystroke would take ~300 ms; with the cache only
/// the edited block is parsed again. Entries not used by the latest check are dropped, so
/// the cache holds at most the blocks of the files last checked. Keep one cache per
/// module (directory): that is also what the per-chunk schema diagnostics assume.
#[derive(Default)]
pub struct ParseCache {
    inner: Mutex<CacheInner>,
    /// The chunks of each file [`crate::analyse`] last saw, by file name: the next
    /// version is split only where it differs (see [`ParseCache::chunks_of`]).
    files: Mutex<HashMap<String, FileChunks>>,
}

/// One version of a file and its chunks.
struct FileChunks {
    text: String,
    chunks: Vec<(Range<usize>, Arc<Chunk>)>,
}

#[derive(Default)]
struct CacheInner {
    /// Chunk text → (generation it was last used in, parsed chunk).
    map: HashMap<String, (u64, Arc<Chunk>), rustc_hash::FxBuildHasher>,
    generation: u64,
}

impl ParseCache {
    /// Starts a check: entries not used since the previous start are dropped.
    pub(crate) fn begin(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let current = inner.generation;
        inner.map.retain(|_, (g, _)| *g == current);
        inner.generation += 1;
    }

    pub(crate) fn get_or_parse(&self, src: &str) -> Arc<Chunk> {
        {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let generation = inner.generation;
            if let Some((g, p)) = inner.map.get_mut(src) {
                *g = generation;
                return p.clone();
            }
        }
        let parsed = Arc::new(Chunk::new(src));
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let generation = inner.generation;
        inner.map.insert(src.to_string(), (generation, parsed.clone()));
        parsed
    }

    /// The chunks of `text`, the new version of the file `name`. Against the version
    /// seen last, only the changed middle is split again: chunks before the first
    /// changed byte are kept, and the scan from there stops as soon as a chunk ends
    /// where an old chunk of the unchanged tail starts (see [`split_from`]); the old
    /// chunks from there on are moved, not looked up. On a 40k-line file this is what
    /// keeps a keystroke from costing a scan and a hash of every block.
    pub(crate) fn chunks_of(&self, name: &str, text: &str) -> Vec<(Range<usize>, Arc<Chunk>)> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let chunks = match files.remove(name) {
            Some(prev) => self.resplit(&prev, text),
            None => None,
        };
        let chunks = chunks.unwrap_or_else(|| {
            split_blocks(text).into_iter().map(|r| (r.clone(), self.get_or_parse(&text[r]))).collect()
        });
        files.insert(name.to_string(), FileChunks { text: text.to_string(), chunks: chunks.clone() });
        chunks
    }

    fn resplit(&self, prev: &FileChunks, text: &str) -> Option<Vec<(Range<usize>, Arc<Chunk>)>> {
        let (old, new) = (prev.text.as_bytes(), text.as_bytes());
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let most = old.len().min(new.len()) - prefix;
        let suffix = old.iter().rev().zip(new.iter().rev()).take(most).take_while(|(a, b)| a == b).count();
        // Old chunks wholly before the first change are unchanged (the last chunk of the
        // file also depends on what follows it: it is never kept).
        let keep = prev.chunks.iter().take_while(|(r, _)| r.end <= prefix && r.end < old.len()).count();
        let begin = if keep == 0 { 0 } else { prev.chunks[keep - 1].0.end };
        // Where the unchanged tail starts, in the new text; old chunk starts there map
        // to new positions by the length difference.
        let tail = new.len() - suffix;
        let shift = |old_pos: usize| old_pos + new.len() - old.len();
        let mut resume_at = None;
        let (scanned, stopped) = split_from(text, begin, |end| {
            if end < tail {
                return false;
            }
            let old_pos = end + old.len() - new.len();
            match prev.chunks[keep..].binary_search_by_key(&old_pos, |(r, _)| r.start) {
                Ok(i) => {
                    resume_at = Some(keep + i);
                    true
                }
                Err(_) => false,
            }
        })?;
        let mut chunks: Vec<(Range<usize>, Arc<Chunk>)> = prev.chunks[..keep].to_vec();
        chunks.extend(scanned.into_iter().map(|r| (r.clone(), self.get_or_parse(&text[r]))));
        if let (Some(_), Some(from)) = (stopped, resume_at) {
            chunks.extend(prev.chunks[from..].iter().map(|(r, c)| (shift(r.start)..shift(r.end), c.clone())));
        }
        if chunks.is_empty() {
            chunks.push((0..text.len(), self.get_or_parse(text)));
        }
        Some(chunks)
    }

    /// Number of chunks held (for tests and benchmarks).
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The outcome of parsing one chunk (see [`Chunk`]).
pub(crate) struct ChunkParse {
    pub body: Option<Body>,
    pub rules_error: Option<(usize, usize, String)>,
    pub syntax_error: Option<tc_edit::SyntaxError>,
}

/// Parses one chunk. Terraform accepts repeated keys in an object constructor (the last
/// one wins) but hcl-edit rejects them; such a key is renamed to an unused name of the
/// same length (so every span stays valid) and parsing is retried. The renamed entry is
/// then ignored by the rules, which only read resource blocks.
pub(crate) fn parse_chunk(src: &str) -> ChunkParse {
    let mut text = std::borrow::Cow::Borrowed(src);
    let failed = |text: &str, e: hcl_edit::parser::Error| ChunkParse {
        body: None,
        rules_error: Some((e.location().line(), e.location().column(), e.message().to_string())),
        // Only failures get here; tc_edit words and widens the error as the editor shows it.
        syntax_error: tc_edit::syntax_error(text),
    };
    for attempt in 0..32u32 {
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => return accepted(&text, body),
            Err(e) => {
                let (line, column) = (e.location().line(), e.location().column());
                if !e.message().contains("redefined object key") {
                    return failed(&text, e);
                }
                let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
                let start = line_start + column.saturating_sub(1);
                let bytes = text.as_bytes();
                let len = bytes[start.min(bytes.len())..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-').count();
                if len == 0 {
                    return failed(&text, e);
                }
                // `_` plus the attempt number in base 36, padded/truncated to the key's length.
                let mut name = format!("_{}", char::from_digit(attempt % 36, 36).unwrap());
                while name.len() < len {
                    name.push('_');
                }
                name.truncate(len);
                let mut owned = text.into_owned();
                owned.replace_range(start..start + len, &name);
                text = std::borrow::Cow::Owned(owned);
            }
        }
    }
    match hcl_edit::parser::parse_body(&text) {
        Ok(body) => accepted(&text, body),
        Err(e) => failed(&text, e),
    }
}

/// A chunk hcl-edit parsed: the rules still skip it when it splits a quoted string over
/// lines (see [`split_string`]).
fn accepted(text: &str, body: Body) -> ChunkParse {
    let rules_error = split_string(text, &body);
    ChunkParse { body: Some(body), rules_error, syntax_error: None }
}

/// Terraform refuses a quoted string split over lines ("Invalid multi-line string"),
/// but hcl-edit accepts one; the rules must then report the chunk as broken, not check it.
fn split_string(src: &str, body: &Body) -> Option<(usize, usize, String)> {
    struct Finder<'a> {
        src: &'a str,
        at: Option<usize>,
    }
    impl Finder<'_> {
        fn check(&mut self, span: Option<Range<usize>>) {
            let Some(r) = span else { return };
            if let Some(i) = self.src.get(r.clone()).and_then(|t| t.find(['\n', '\r'])) {
                self.at = Some(self.at.map_or(r.start + i, |a| a.min(r.start + i)));
            }
        }
    }
    impl Visit for Finder<'_> {
        fn visit_string(&mut self, s: &hcl_edit::Decorated<String>) {
            self.check(s.span());
        }
        fn visit_literal(&mut self, l: &hcl_edit::Spanned<String>) {
            self.check(l.span());
        }
        // Line breaks are what heredocs are for.
        fn visit_heredoc_template(&mut self, _: &hcl_edit::template::HeredocTemplate) {}
    }
    let mut finder = Finder { src, at: None };
    finder.visit_body(body);
    let at = finder.at?;
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    Some((
        src[..at].matches('\n').count() + 1,
        src[line_start..at].chars().count() + 1,
        "quoted strings may not be split over lines: write a line break as \\n, or use a heredoc (<<EOT)".to_string(),
    ))
}

/// Splits a file into chunks that each end after a top-level block's closing brace (and
/// the rest of that line), so every chunk is a self-contained HCL body that hcl-edit
/// parses on its own. This is only a boundary finder: it tracks strings (with `${…}` /
/// `%{…}` templates), heredocs and comments so braces inside them don't count. Parsing
/// block by block also keeps one unparsable block from hiding the rest of the file.
pub fn split_blocks(text: &str) -> Vec<Range<usize>> {
    // A scan from the start always yields chunks; the fallback is the whole text.
    split_from(text, 0, |_| false).map(|(chunks, _)| chunks).unwrap_or_else(|| std::iter::once(0..text.len()).collect())
}

/// [`split_blocks`] from `begin`, which must be a chunk boundary (0, or the end of a
/// chunk): the scanner's state there is always the same, so scanning from a boundary
/// gives the chunks a scan of the whole text gives from that point. After each chunk
/// it asks `resync` whether to stop at its end (the caller knows the chunks from there
/// on) and then returns the boundary it stopped at. `None` when the text after `begin`
/// is only blank, which a whole scan would add to the chunk before `begin`.
pub(crate) fn split_from(text: &str, begin: usize, mut resync: impl FnMut(usize) -> bool) -> Option<(Vec<Range<usize>>, Option<usize>)> {
    #[derive(Clone, Copy)]
    enum Ctx {
        Code(usize),
        Str,
    }
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = begin;
    let mut stack = vec![Ctx::Code(0)];
    let mut i = begin;
    while i < b.len() {
        let c = b[i];
        match *stack.last().unwrap() {
            Ctx::Str => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    if i > 0 && b[i - 1] == c {
                        // `$${` / `%%{` escape a literal `${` / `%{`.
                    } else {
                        stack.push(Ctx::Code(0));
                        i += 1;
                    }
                }
                b'\n' => {
                    // Unterminated string: give up on this chunk's structure.
                    stack.pop();
                }
                _ => {}
            },
            Ctx::Code(depth) => match c {
                b'#' => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = text[i + 2..].find("*/").map(|e| i + 2 + e + 2).unwrap_or(b.len());
                    continue;
                }
                b'"' => stack.push(Ctx::Str),
                b'<' if b.get(i + 1) == Some(&b'<') => {
                    // Heredoc: `<<ID` or `<<-ID`, body until a line that is just `ID`.
                    let mut j = i + 2;
                    if b.get(j) == Some(&b'-') {
                        j += 1;
                    }
                    let id_start = j;
                    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                        j += 1;
                    }
                    if j > id_start && (j >= b.len() || b[j] == b'\n' || b[j] == b'\r') {
                        let id = &text[id_start..j];
                        let mut k = j;
                        loop {
                            let Some(nl) = text[k..].find('\n') else {
                                k = b.len();
                                break;
                            };
                            let line_start = k + nl + 1;
                            let line_end = text[line_start..].find('\n').map(|e| line_start + e).unwrap_or(b.len());
                            k = line_end;
                            if text[line_start..line_end].trim() == id || line_end >= b.len() {
                                break;
                            }
                        }
                        i = k;
                        continue;
                    }
                }
                b'{' => {
                    *stack.last_mut().unwrap() = Ctx::Code(depth + 1);
                }
                b'}' => {
                    if depth == 0 {
                        if stack.len() > 1 {
                            // End of a template interpolation.
                            stack.pop();
                        }
                    } else {
                        *stack.last_mut().unwrap() = Ctx::Code(depth - 1);
                        if depth == 1 && stack.len() == 1 {
                            let end = text[i..].find('\n').map(|e| i + e + 1).unwrap_or(b.len());
                            out.push(start..end);
                            if end < b.len() && resync(end) {
                                return Some((out, Some(end)));
                            }
                            start = end;
                            i = end;
                            continue;
                        }
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    if start < b.len() {
        if text[start..].trim().is_empty() && (!out.is_empty() || begin > 0) {
            // Trailing blank lines belong to the last chunk.
            out.last_mut()?.end = b.len();
        } else {
            out.push(start..b.len());
        }
    }
    if out.is_empty() && begin == 0 {
        out.push(0..b.len());
    }
    Some((out, None))
}

/// One file of a module, with its text and line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: &str, text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile { path: path.to_string(), text: text.to_string(), line_starts }
    }
    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
    /// Byte offset where the 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(self.text.len())
    }
    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let s = self.line_start(line);
        let e = self.line_starts.get(line).map(|e| e - 1).unwrap_or(self.text.len());
        self.text.get(s..e.max(s)).unwrap_or("").trim_end_matches('\r')
    }
    /// Leading whitespace of the line containing `offset`.
    pub fn indent_at(&self, offset: usize) -> &str {
        let line = self.line_text(self.line_of(offset));
        &line[..line.len() - line.trim_start().len()]
    }
}

/// An attribute with its evaluated value and spans.
#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub value: Value,
    /// The whole `name = value` span.
    pub span: Range<usize>,
    /// The value expression's span.
    pub value_span: Range<usize>,
}

/// A block (resource body or nested block) with evaluated attributes.
#[derive(Debug, Clone, Default)]
pub struct Obj {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<(String, Obj)>,
    /// Span of the block in its file (for a block generated from `dynamic`, the `dynamic`
    /// block's span).
    pub span: Range<usize>,
    /// Offset of the block's closing brace, where new content is inserted.
    pub close: usize,
    /// True when the block comes from a `dynamic` block whose `for_each` is unknown, so
    /// its attributes may be unknown and its presence is uncertain.
    pub uncertain: bool,
    /// True when the block comes from a `dynamic` block (fixes can't edit its literal text).
    pub dynamic: bool,
}

impl Obj {
    /// Moves every span by `by` bytes (a tree evaluated on its chunk, placed in its file).
    pub(crate) fn shift(&mut self, by: usize) {
        self.span = self.span.start + by..self.span.end + by;
        self.close += by;
        for a in &mut self.attrs {
            a.span = a.span.start + by..a.span.end + by;
            a.value_span = a.value_span.start + by..a.value_span.end + by;
        }
        for (_, b) in &mut self.blocks {
            b.shift(by);
        }
    }

    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
    /// The attribute's value; an absent attribute is `Null`.
    pub fn get(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.attr(name).map(|a| &a.value).unwrap_or(&NULL)
    }
    pub fn blocks<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Obj> + 'a {
        self.blocks.iter().filter(move |(n, _)| n == name).map(|(_, o)| o)
    }
    pub fn block(&self, name: &str) -> Option<&Obj> {
        self.blocks.iter().find(|(n, _)| n == name).map(|(_, o)| o)
    }
    /// The block as a value: attributes, and nested blocks as objects (or lists of objects
    /// when repeated). Used for policies written as HCL blocks.
    pub fn to_value(&self) -> Value {
        let mut m = BTreeMap::new();
        for a in &self.attrs {
            m.insert(a.name.clone(), a.value.clone());
        }
        for (name, b) in &self.blocks {
            let v = b.to_value();
            match m.remove(name) {
                None => {
                    m.insert(name.clone(), v);
                }
                Some(Value::List(mut l)) => {
                    l.push(v);
                    m.insert(name.clone(), Value::List(l));
                }
                Some(prev) => {
                    m.insert(name.clone(), Value::List(vec![prev, v]));
                }
            }
        }
        Value::Map(m)
    }
    /// Follows a path of block names and a final attribute name, e.g. `["metadata_options",
    /// "http_tokens"]`, returning the attribute's value in the first block.
    pub fn path(&self, path: &[&str]) -> &Value {
        static NULL: Value = Value::Null;
        match path {
            [] => &NULL,
            [last] => self.get(last),
            [first, rest @ ..] => match self.block(first) {
                Some(b) => b.path(rest),
                None => {
                    // An attribute holding an object (`x = { y = … }`) is read like a block.
                    match self.get(first) {
                        Value::Map(_) | Value::List(_) => {
                            let mut cur = self.get(first);
                            for p in rest {
                                cur = match cur {
                                    Value::Map(m) => m.get(*p).unwrap_or(&NULL),
                                    Value::List(l) => match l.first() {
                                        Some(Value::Map(m)) => m.get(*p).unwrap_or(&NULL),
                                        _ => &NULL,
                                    },
                                    Value::Unknown => return cur,
                                    _ => &NULL,
                                };
                            }
                            cur
                        }
                        v @ Value::Unknown => v,
                        _ => &NULL,
                    }
                }
            },
        }
    }
}

/// One resource instance.
#[derive(Debug, Clone)]
pub struct Resource {
    pub rtype: String,
    pub name: String,
    /// The instance key after `count`/`for_each` expansion, e.g. `[0]` or `["a"]`.
    pub key: Option<String>,
    pub file: usize,
    pub body: Obj,
    pub start_line: usize,
    pub end_line: usize,
    /// `type.name` of every resource this one references.
    pub refs: HashSet<String>,
    /// Rule or checkov IDs suppressed on this resource.
    pub suppressed: Vec<String>,
}

impl Resource {
    /// `type.name` without instance key.
    pub fn address(&self) -> String {
        format!("{}.{}", self.rtype, self.name)
    }
    /// `type.name` or `type.name[key]`.
    pub fn display(&self) -> String {
        format!("{}.{}{}", self.rtype, self.name, self.key.as_deref().unwrap_or(""))
    }
    pub fn references(&self, address: &str) -> bool {
        self.refs.contains(address)
    }
}

/// A parse error of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A module: the files of one directory and their resource instances.
#[derive(Debug, Clone, Default)]
pub struct Module {
    pub files: Vec<SourceFile>,
    pub resources: Vec<Resource>,
    pub parse_errors: Vec<ParseError>,
    /// `type.name` of resources referenced by module calls and outputs.
    pub external_refs: HashSet<String>,
}

impl Module {
    /// Parses and evaluates the files of one module. Files that don't parse are reported in
    /// `parse_errors` and otherwise ignored.
    pub fn new(files: &[(&str, &str)]) -> Module {
        Module::with_cache(files, &ParseCache::default())
    }

    /// Like [`Module::new`], reusing parsed top-level blocks from `cache` (see
    /// [`ParseCache`]): after an edit only the changed blocks are parsed again.
    pub fn with_cache(files: &[(&str, &str)], cache: &ParseCache) -> Module {
        cache.begin();
        let mut sources = Vec::with_capacity(files.len());
        let mut chunks = Vec::new();
        for (fi, (path, text)) in files.iter().enumerate() {
            for range in split_blocks(text) {
                let chunk = cache.get_or_parse(&text[range.clone()]);
                chunks.push((fi, range, chunk));
            }
            sources.push(SourceFile::new(path, text));
        }
        Module::build(sources, &chunks)
    }

    /// Builds the module from its files and their parsed chunks, in file order:
    /// `(file index, byte range of the chunk in that file, chunk)`. Resource instances
    /// are re-evaluated only for chunks whose text changed, or when something every
    /// resource may read (a variable default, a local, the set of resource types) did.
    pub(crate) fn build(files: Vec<SourceFile>, chunks: &[(usize, Range<usize>, Arc<Chunk>)]) -> Module {
        use std::hash::{Hash, Hasher};
        let mut module = Module { files, ..Default::default() };
        let mut bodies: Vec<(usize, Range<usize>, &Chunk, &Body)> = Vec::with_capacity(chunks.len());
        for (fi, range, chunk) in chunks {
            match chunk.rules_body() {
                Ok(body) => bodies.push((*fi, range.clone(), chunk, body)),
                Err((line, column, message)) => {
                    let file = &module.files[*fi];
                    module.parse_errors.push(ParseError {
                        file: file.path.clone(),
                        line: file.line_of(range.start) + line - 1,
                        column: *column,
                        message: message.clone(),
                    })
                }
            }
        }
        let mut defs = Defs::default();
        let mut fingerprint = rustc_hash::FxHasher::default();
        for (_, _, chunk, body) in &bodies {
            if chunk.facts.fingerprint == 0 {
                continue;
            }
            chunk.facts.fingerprint.hash(&mut fingerprint);
            for block in body.blocks() {
                let label = block.labels.first().map(|l| l.as_str());
                match (block.ident.value().as_str(), label) {
                    ("variable", Some(name)) => {
                        defs.variables.insert(name, block.body.get_attribute("default").map(|a| &a.value));
                    }
                    ("locals", _) => {
                        for a in block.body.attributes() {
                            defs.locals.insert(a.key.value().as_str(), &a.value);
                        }
                    }
                    ("resource", Some(t)) => {
                        defs.resource_types.insert(t.to_string());
                    }
                    _ => {}
                }
            }
        }
        let fingerprint = fingerprint.finish();
        // What each local references (the last definition wins, as in `defs.locals`),
        // and what module calls and outputs reference: resources handed to a module or
        // exported can't be judged unattached.
        let mut local_refs: HashMap<&str, &RefCollector> = HashMap::new();
        for (_, _, chunk, _) in &bodies {
            for (name, rc) in &chunk.facts.local_refs {
                local_refs.insert(name, rc);
            }
        }
        for (_, _, chunk, _) in &bodies {
            for rc in &chunk.facts.external {
                module.external_refs.extend(rc.refs.iter().cloned());
                rc.each_local_ref(&local_refs, |r| {
                    module.external_refs.insert(r.to_string());
                });
            }
        }
        let ev = Evaluator { defs: &defs };
        for (fi, range, chunk, body) in &bodies {
            if !chunk.facts.has_resources {
                continue;
            }
            let expanded = {
                let mut slot = chunk.expanded.lock().unwrap_or_else(|e| e.into_inner());
                match &*slot {
                    Some((fp, resources)) if *fp == fingerprint => resources.clone(),
                    _ => {
                        // Evaluated against the chunk alone: spans and lines are relative to
                        // it, and suppression comments sit inside it (see `suppressions`).
                        let local = SourceFile::new("", &module.files[*fi].text[range.clone()]);
                        let mut out = Vec::new();
                        for block in body.blocks() {
                            if block.ident.value().as_str() == "resource" && block.labels.len() >= 2 {
                                expand_resource(&ev, &local, 0, 0, block, &local_refs, &mut out);
                            }
                        }
                        let resources = Arc::new(out);
                        *slot = Some((fingerprint, resources.clone()));
                        resources
                    }
                }
            };
            let file = &module.files[*fi];
            let lines = file.line_of(range.start) - 1;
            for r in expanded.iter() {
                let mut r = r.clone();
                r.file = *fi;
                r.start_line += lines;
                r.end_line += lines;
                r.body.shift(range.start);
                module.resources.push(r);
            }
        }
        module
    }

    pub fn file(&self, r: &Resource) -> &SourceFile {
        &self.files[r.file]
    }

    pub fn of_type<'a>(&'a self, types: &'a [&'a str]) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| types.contains(&r.rtype.as_str()))
    }

    /// Resources of the given types that reference `target` (by `type.name`).
    pub fn referencing<'a>(&'a self, types: &'a [&'a str], target: &Resource) -> impl Iterator<Item = &'a Resource> + 'a {
        let addr = target.address();
        self.of_type(types).filter(move |r| r.references(&addr))
    }
}

fn expand_resource(ev: &Evaluator, file: &SourceFile, fi: usize, offset: usize, block: &Block, local_refs: &HashMap<&str, &RefCollector>, out: &mut Vec<Resource>) {
    let rtype = block.labels[0].as_str().to_string();
    let name = block.labels[1].as_str().to_string();
    let span = shift(block.span(), offset);
    let start_line = file.line_of(span.start);
    let end_line = file.line_of(span.end.saturating_sub(1).max(span.start));
    let mut refs = RefCollector::default();
    refs.visit_body(&block.body);
    refs.resolve_locals(local_refs);
    let suppressed = suppressions(file, start_line, end_line);
    let empty: Scope = Vec::new();

    let mut instances: Vec<(Option<String>, Scope)> = Vec::new();
    if let Some(count) = block.body.get_attribute("count") {
        match ev.eval(&count.value, &empty).as_num() {
            Some(n) => {
                for i in 0..(n.max(0.0) as usize).min(64) {
                    let mut m = BTreeMap::new();
                    m.insert("index".to_string(), Value::Num(i as f64));
                    instances.push((Some(format!("[{i}]")), vec![("count".into(), Value::Map(m))]));
                }
            }
            None => instances.push((None, vec![("count".into(), Value::Unknown)])),
        }
    } else if let Some(fe) = block.body.get_attribute("for_each") {
        let items: Option<Vec<(String, Value)>> = match ev.eval(&fe.value, &empty) {
            Value::Map(m) => Some(m.into_iter().collect()),
            Value::List(l) => l
                .into_iter()
                .map(|v| match v {
                    Value::Str(s) => Some((s.clone(), Value::Str(s))),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        match items {
            Some(items) => {
                for (k, v) in items {
                    let mut m = BTreeMap::new();
                    m.insert("key".to_string(), Value::Str(k.clone()));
                    m.insert("value".to_string(), v);
                    instances.push((Some(format!("[\"{k}\"]")), vec![("each".into(), Value::Map(m))]));
                }
            }
            None => instances.push((None, vec![("each".into(), Value::Unknown)])),
        }
    } else {
        instances.push((None, Vec::new()));
    }
    for (key, scope) in instances {
        let body = build_obj(ev, &block.body, &scope, span.clone(), offset, false, false);
        out.push(Resource {
            rtype: rtype.clone(),
            name: name.clone(),
            key,
            file: fi,
            body,
            start_line,
            end_line,
            refs: refs.refs.clone(),
            suppressed: suppressed.clone(),
        });
    }
}

/// Builds the evaluated tree of a block body.
fn shift(span: Option<Range<usize>>, offset: usize) -> Range<usize> {
    span.map(|r| r.start + offset..r.end + offset).unwrap_or(0..0)
}

fn build_obj(ev: &Evaluator, body: &Body, scope: &Scope, span: Range<usize>, offset: usize, uncertain: bool, dynamic: bool) -> Obj {
    let close = span.end.saturating_sub(1);
    let mut obj = Obj { span, close, uncertain, dynamic, ..Default::default() };
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let value = ev.eval(&a.value, scope);
                obj.attrs.push(Attr {
                    name: a.key.value().to_string(),
                    value,
                    span: shift(a.span(), offset),
                    value_span: shift(a.value.span(), offset),
                });
            }
            Structure::Block(b) => {
                let bspan = shift(b.span(), offset);
                if b.ident.value().as_str() == "dynamic" {
                    expand_dynamic(ev, b, scope, bspan, offset, &mut obj);
                } else {
                    let child = build_obj(ev, &b.body, scope, bspan, offset, uncertain, dynamic);
                    obj.blocks.push((b.ident.value().to_string(), child));
                }
            }
        }
    }
    obj
}

/// Expands `dynamic "name" { for_each = …; iterator = it; content { … } }` into one block
/// per element; with an unknown collection, into one block marked uncertain whose
/// iterator-dependent attributes are unknown.
fn expand_dynamic(ev: &Evaluator, b: &Block, scope: &Scope, span: Range<usize>, offset: usize, obj: &mut Obj) {
    let Some(label) = b.labels.first().map(|l| l.as_str().to_string()) else { return };
    let iter_name = b
        .body
        .get_attribute("iterator")
        .and_then(|a| match &a.value {
            Expression::Variable(v) => Some(v.value().to_string()),
            _ => None,
        })
        .unwrap_or_else(|| label.clone());
    let Some(content) = b.body.get_blocks("content").next() else { return };
    let coll = b.body.get_attribute("for_each").map(|a| ev.eval(&a.value, scope)).unwrap_or(Value::Unknown);
    let items: Option<Vec<(Value, Value)>> = match coll {
        Value::List(l) => Some(l.into_iter().enumerate().map(|(i, v)| (Value::Num(i as f64), v)).collect()),
        Value::Map(m) => Some(m.into_iter().map(|(k, v)| (Value::Str(k), v)).collect()),
        _ => None,
    };
    match items {
        Some(items) => {
            for (k, v) in items {
                let mut s = scope.clone();
                let mut m = BTreeMap::new();
                m.insert("key".to_string(), k);
                m.insert("value".to_string(), v);
                s.push((iter_name.clone(), Value::Map(m)));
                let child = build_obj(ev, &content.body, &s, span.clone(), offset, obj.uncertain, true);
                obj.blocks.push((label.clone(), child));
            }
        }
        None => {
            let mut s = scope.clone();
            s.push((iter_name, Value::Unknown));
            let child = build_obj(ev, &content.body, &s, span, offset, true, true);
            obj.blocks.push((label, child));
        }
    }
}

/// Collects `type.name` of referenced resources (and `module.x`, `data.t.n`).
#[derive(Default, Clone)]
struct RefCollector {
    refs: HashSet<String>,
    locals: HashSet<String>,
}

impl RefCollector {
    /// Adds the resources referenced through `local.*` values (transitively), the way
    /// checkov's graph connects a resource to what its locals point at.
    fn resolve_locals(&mut self, local_refs: &HashMap<&str, &RefCollector>) {
        let mut found = Vec::new();
        self.each_local_ref(local_refs, |r| found.push(r.to_string()));
        self.refs.extend(found);
    }

    /// Calls `f` with every resource referenced through this collector's locals.
    fn each_local_ref<'a>(&'a self, local_refs: &HashMap<&str, &'a RefCollector>, mut f: impl FnMut(&'a str)) {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo: Vec<&str> = self.locals.iter().map(String::as_str).collect();
        while let Some(l) = todo.pop() {
            if !seen.insert(l) {
                continue;
            }
            if let Some(r) = local_refs.get(l) {
                r.refs.iter().for_each(|x| f(x));
                todo.extend(r.locals.iter().map(String::as_str));
            }
        }
    }
}

impl Visit for RefCollector {
    fn visit_traversal(&mut self, node: &hcl_edit::expr::Traversal) {
        if let Expression::Variable(v) = &node.expr {
            let root = v.value().as_str();
            let names: Vec<&str> = node
                .operators
                .iter()
                .map_while(|o| match o.value() {
                    TraversalOperator::GetAttr(a) => Some(a.value().as_str()),
                    _ => None,
                })
                .collect();
            if root == "local" {
                if let Some(n) = names.first() {
                    self.locals.insert(n.to_string());
                }
            } else if !["var", "each", "count", "path", "terraform", "self"].contains(&root) {
                if root == "data" && names.len() >= 2 {
                    self.refs.insert(format!("data.{}.{}", names[0], names[1]));
                } else if let Some(n) = names.first() {
                    self.refs.insert(format!("{root}.{n}"));
                }
            }
        }
        visit::visit_traversal(self, node);
    }
}

/// Suppression comments on the lines above a resource (contiguous comment lines) and
/// anywhere inside it: `# terraconverse:ignore TC-… reason` and
/// `#checkov:skip=CKV_AWS_…:reason`.
fn suppressions(file: &SourceFile, start_line: usize, end_line: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut scan = |line: &str| {
        for marker in ["terraconverse:ignore", "checkov:skip="] {
            if let Some(pos) = line.find(marker) {
                let before = &line[..pos];
                if !(before.contains('#') || before.contains("//") || before.contains("/*")) {
                    continue;
                }
                let rest = line[pos + marker.len()..].trim_start();
                for id in rest.split(|c: char| c == ':' || c.is_whitespace() || c == ',') {
                    let id = id.trim();
                    if id.starts_with("TC-") || id.starts_with("CKV") {
                        ids.push(id.to_string());
                    } else if !id.is_empty() {
                        break;
                    }
                }
            }
        }
    };
    let mut l = start_line;
    while l > 1 {
        l -= 1;
        let t = file.line_text(l).trim_start();
        if t.starts_with('#') || t.starts_with("//") {
            scan(t);
        } else {
            break;
        }
    }
    for l in start_line..=end_line {
        scan(file.line_text(l));
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resplitting_an_edited_file_gives_the_chunks_of_a_whole_split() {
        // Random edits (typing braces, quotes, heredoc markers and comments, deleting,
        // duplicating lines) to a real module: the chunks reused from the previous
        // version plus those scanned again must always be exactly `split_blocks`'s.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora/terraform-aws-modules/terraform-aws-s3-bucket/main.tf");
        let mut text = std::fs::read_to_string(path).unwrap();
        let cache = ParseCache::default();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rand = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        for step in 0..400 {
            let mut at = rand(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match rand(4) {
                0 => text.insert_str(at, ["{", "}", "\"", "<<EOT\n", "EOT\n", "#", "/*", "*/", "\n", "${", "x"][rand(11)]),
                1 => {
                    let mut end = (at + rand(40)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(at..end, "");
                }
                2 => {
                    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                    let line = text[start..end].to_string();
                    text.insert_str(start, &line);
                }
                _ => text.push_str("\n\n"),
            }
            let got: Vec<Range<usize>> = cache.chunks_of("main.tf", &text).into_iter().map(|(r, _)| r).collect();
            assert_eq!(got, split_blocks(&text), "step {step}");
        }
    }

    #[test]
    fn repeated_object_keys_do_not_hide_the_block() {
        // Valid Terraform (the last key wins) that hcl-edit alone rejects.
        let text = "module \"m\" {\n  source = \"./m\"\n  tg = {\n    port = 80\n    port = 81\n  }\n}\n\nresource \"aws_ebs_volume\" \"v\" {\n  size = 1\n  tags = {\n    a = 1\n    a = 2\n  }\n}\n";
        let m = Module::new(&[("main.tf", text)]);
        assert!(m.parse_errors.is_empty(), "{:?}", m.parse_errors);
        assert_eq!(m.resources.len(), 1);
        // Spans still point into the original text.
        let r = &m.resources[0];
        assert_eq!(&text[r.body.attr("size").unwrap().span.clone()], "size = 1");
    }

    #[test]
    fn a_quoted_string_split_over_lines_is_a_parse_error() {
        // Found by server/cli/tests/hostile_entrypoints.rs: Terraform refuses these files
        // ("Invalid multi-line string"), but they used to be checked as if valid.
        for (text, line) in [
            ("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"line one\nline two\"\n}\n", 2),
            ("resource \"aws_s3_bucket\" \"b\" {\n  tags = { a = \"x\" }\n  bucket = \"${var.x} one\r\ntwo\"\n}\n", 3),
        ] {
            let m = Module::new(&[("main.tf", text)]);
            assert_eq!(m.parse_errors.len(), 1, "{text:?}");
            assert_eq!(m.parse_errors[0].line, line, "{text:?}");
            assert!(m.parse_errors[0].message.contains("split over lines"), "{:?}", m.parse_errors[0]);
        }
        // Escaped line breaks, heredocs, comments and multi-line interpolations are fine.
        let ok = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"a\\nb\" # note\n  policy = <<EOT\nx\ny\nEOT\n  tags = {\n    a = \"${join(\",\", [\n      \"p\",\n    ])}\"\n  }\n}\n";
        let m = Module::new(&[("main.tf", ok)]);
        assert!(m.parse_errors.is_empty(), "{:?}", m.parse_errors);
        assert_eq!(m.resources.len(), 1);
    }

    #[test]
    fn a_broken_block_does_not_hide_the_others() {
        let text = "resource \"aws_kms_key\" \"b\" {\n  description = \"\"\n}\n\nresource \"aws_kms_key\" \"a\" {\n  description = \n}\n";
        let m = Module::new(&[("main.tf", text)]);
        assert_eq!(m.parse_errors.len(), 1);
        // The error is on the broken block's own line, counted from the file start.
        assert_eq!(m.parse_errors[0].line, 6);
        assert_eq!(m.resources.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["b"]);
    }
}
