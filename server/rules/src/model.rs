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
use std::ops::Range;

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
}

impl Module {
    /// Parses and evaluates the files of one module. Files that don't parse are reported in
    /// `parse_errors` and otherwise ignored.
    pub fn new(files: &[(&str, &str)]) -> Module {
        let mut module = Module::default();
        let mut bodies: Vec<(usize, Body)> = Vec::new();
        for (path, text) in files {
            let idx = module.files.len();
            module.files.push(SourceFile::new(path, text));
            match hcl_edit::parser::parse_body(text) {
                Ok(body) => bodies.push((idx, body)),
                Err(e) => module.parse_errors.push(ParseError {
                    file: path.to_string(),
                    line: e.location().line(),
                    column: e.location().column(),
                    message: e.message().to_string(),
                }),
            }
        }
        let mut defs = Defs::default();
        for (_, body) in &bodies {
            for block in body.blocks() {
                let label = block.labels.first().map(|l| l.as_str().to_string());
                match (block.ident.value().as_str(), label) {
                    ("variable", Some(name)) => {
                        defs.variables.insert(name, block.body.get_attribute("default").map(|a| &a.value));
                    }
                    ("locals", _) => {
                        for a in block.body.attributes() {
                            defs.locals.insert(a.key.value().to_string(), &a.value);
                        }
                    }
                    ("resource", Some(t)) => {
                        defs.resource_types.insert(t);
                    }
                    _ => {}
                }
            }
        }
        let ev = Evaluator { defs: &defs };
        for (fi, body) in &bodies {
            let file = &module.files[*fi];
            for block in body.blocks() {
                if block.ident.value().as_str() != "resource" || block.labels.len() < 2 {
                    continue;
                }
                expand_resource(&ev, file, *fi, block, &mut module.resources);
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

fn expand_resource(ev: &Evaluator, file: &SourceFile, fi: usize, block: &Block, out: &mut Vec<Resource>) {
    let rtype = block.labels[0].as_str().to_string();
    let name = block.labels[1].as_str().to_string();
    let span = block.span().unwrap_or(0..0);
    let start_line = file.line_of(span.start);
    let end_line = file.line_of(span.end.saturating_sub(1).max(span.start));
    let mut refs = RefCollector::default();
    refs.visit_body(&block.body);
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
        let body = build_obj(ev, &block.body, &scope, span.clone(), false, false);
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
fn build_obj(ev: &Evaluator, body: &Body, scope: &Scope, span: Range<usize>, uncertain: bool, dynamic: bool) -> Obj {
    let close = span.end.saturating_sub(1);
    let mut obj = Obj { span, close, uncertain, dynamic, ..Default::default() };
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let value = ev.eval(&a.value, scope);
                obj.attrs.push(Attr {
                    name: a.key.value().to_string(),
                    value,
                    span: a.span().unwrap_or(0..0),
                    value_span: a.value.span().unwrap_or(0..0),
                });
            }
            Structure::Block(b) => {
                let bspan = b.span().unwrap_or(0..0);
                if b.ident.value().as_str() == "dynamic" {
                    expand_dynamic(ev, b, scope, bspan, &mut obj);
                } else {
                    let child = build_obj(ev, &b.body, scope, bspan, uncertain, dynamic);
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
fn expand_dynamic(ev: &Evaluator, b: &Block, scope: &Scope, span: Range<usize>, obj: &mut Obj) {
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
                let child = build_obj(ev, &content.body, &s, span.clone(), obj.uncertain, true);
                obj.blocks.push((label.clone(), child));
            }
        }
        None => {
            let mut s = scope.clone();
            s.push((iter_name, Value::Unknown));
            let child = build_obj(ev, &content.body, &s, span, true, true);
            obj.blocks.push((label, child));
        }
    }
}

/// Collects `type.name` of referenced resources (and `module.x`, `data.t.n`).
#[derive(Default)]
struct RefCollector {
    refs: HashSet<String>,
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
            if !["var", "local", "each", "count", "path", "terraform", "self"].contains(&root) {
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
