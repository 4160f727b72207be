//! Static evaluation of HCL expressions: literals, `var.*` with defaults, `local.*`,
//! iterator and `each`/`count` scopes, templates, a small set of pure functions and
//! references to other resources. Anything that cannot be known before `terraform
//! apply` becomes [`Value::Unknown`], and rules treat unknown values as "no finding".

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// A statically evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    /// A reference to another resource's attribute, e.g. `aws_kms_key.k.arn`: known to be
    /// set (not null), but its content is only known after apply.
    Ref(String),
    /// A string with unknown parts, rendered with `${…}` placeholders. Policies written as
    /// heredoc JSON with interpolated ARNs stay parseable this way.
    Template(String),
    /// Not knowable statically.
    Unknown,
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            // Terraform converts the strings "true"/"false" to bools where a bool is expected.
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }
    /// True when the value is known to be present and non-empty (a reference counts).
    pub fn is_set(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            _ => true,
        }
    }
    /// True when every part of the value is known.
    pub fn is_known(&self) -> bool {
        match self {
            Value::Unknown | Value::Ref(_) | Value::Template(_) => false,
            Value::List(l) => l.iter().all(Value::is_known),
            Value::Map(m) => m.values().all(Value::is_known),
            _ => true,
        }
    }
    /// Strings, or string-like partially known text (for policy documents).
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Template(s) => Some(s),
            _ => None,
        }
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }
    /// Converts to JSON, using `${…}` placeholders for unknown parts.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Num(n) => serde_json::Number::from_f64(*n).map(J::Number).unwrap_or(J::Null),
            Value::Str(s) | Value::Template(s) => J::String(s.clone()),
            Value::List(l) => J::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Ref(r) => J::String(format!("${{{r}}}")),
            Value::Unknown => J::String("${unknown}".into()),
        }
    }
    pub fn from_json(j: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match j {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Num(n.as_f64().unwrap_or(0.0)),
            J::String(s) => Value::Str(s.clone()),
            J::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            J::Object(o) => Value::Map(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()),
        }
    }
    /// Renders the value as template text; `None` when it is not text-like.
    fn render(&self) -> Option<(String, bool)> {
        match self {
            Value::Str(s) => Some((s.clone(), true)),
            Value::Num(n) => Some((fmt_num(*n), true)),
            Value::Bool(b) => Some((b.to_string(), true)),
            Value::Template(s) => Some((s.clone(), false)),
            Value::Ref(r) => Some((format!("${{{r}}}"), false)),
            Value::Unknown => Some(("${unknown}".into(), false)),
            _ => None,
        }
    }
}

pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Module-level definitions the evaluator can resolve.
#[derive(Default)]
pub struct Defs<'a> {
    /// `variable` blocks: the default expression, if any. Keys borrow from the parsed
    /// bodies: a 40k-line module has thousands of variables, rebuilt on every check.
    pub variables: HashMap<&'a str, Option<&'a Expression>, rustc_hash::FxBuildHasher>,
    pub locals: HashMap<&'a str, &'a Expression, rustc_hash::FxBuildHasher>,
    /// Variable values given by a parent module call (overriding defaults).
    pub inputs: HashMap<String, Value>,
    pub local_cache: RefCell<HashMap<String, Value>>,
    /// Resource types declared in this module, to recognise `type.name` references.
    pub resource_types: std::collections::HashSet<String>,
}

/// An evaluation scope: iterator variables (`each`, `count`, dynamic iterators, `for` vars).
pub type Scope = Vec<(String, Value)>;

const MAX_DEPTH: u32 = 24;

pub struct Evaluator<'d, 'a> {
    pub defs: &'d Defs<'a>,
}

impl<'d, 'a> Evaluator<'d, 'a> {
    pub fn eval(&self, expr: &Expression, scope: &Scope) -> Value {
        self.eval_depth(expr, scope, 0)
    }

    fn eval_depth(&self, expr: &Expression, scope: &Scope, depth: u32) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let d = depth + 1;
        match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map(Value::Num).unwrap_or(Value::Unknown),
            Expression::String(s) => Value::Str(s.value().clone()),
            Expression::Array(a) => Value::List(a.iter().map(|e| self.eval_depth(e, scope, d)).collect()),
            Expression::Object(o) => {
                let mut m = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.value().to_string(),
                        ObjectKey::Expression(e) => match self.eval_depth(e, scope, d) {
                            Value::Str(s) => s,
                            Value::Num(n) => fmt_num(n),
                            // A traversal used as a key, like `(var.name)`, names the key by text.
                            _ => match e {
                                Expression::Variable(v) => v.value().to_string(),
                                _ => return Value::Unknown,
                            },
                        },
                    };
                    m.insert(key, self.eval_depth(v.expr(), scope, d));
                }
                Value::Map(m)
            }
            Expression::StringTemplate(t) => self.eval_template(t, scope, d),
            Expression::HeredocTemplate(h) => {
                let mut v = self.eval_template(&h.template, scope, d);
                // Indented heredocs (`<<-`) strip the common leading whitespace.
                if h.indent().is_some() {
                    if let Value::Str(s) | Value::Template(s) = &mut v {
                        *s = dedent(s);
                    }
                }
                v
            }
            Expression::Parenthesis(p) => self.eval_depth(p.inner(), scope, d),
            Expression::Variable(v) => {
                let name = v.value().as_str();
                if let Some((_, val)) = scope.iter().rev().find(|(n, _)| n == name) {
                    return val.clone();
                }
                // `True`/`False` are not HCL keywords, but they are unmistakably meant as bools
                // (Terraform rejects them as unknown variables).
                match name {
                    "True" => Value::Bool(true),
                    "False" => Value::Bool(false),
                    _ => Value::Unknown,
                }
            }
            Expression::Conditional(c) => match self.eval_depth(&c.cond_expr, scope, d).as_bool() {
                Some(true) => self.eval_depth(&c.true_expr, scope, d),
                Some(false) => self.eval_depth(&c.false_expr, scope, d),
                None => {
                    let t = self.eval_depth(&c.true_expr, scope, d);
                    let f = self.eval_depth(&c.false_expr, scope, d);
                    if t == f && t.is_known() {
                        t
                    } else {
                        Value::Unknown
                    }
                }
            },
            Expression::FuncCall(f) => {
                let args: Vec<Value> = f.args.iter().map(|a| self.eval_depth(a, scope, d)).collect();
                let expand = f.args.expand_final();
                call_function(f.name.name.value().as_str(), args, expand)
            }
            Expression::Traversal(t) => self.eval_traversal(&t.expr, &t.operators, scope, d),
            Expression::UnaryOp(u) => {
                let v = self.eval_depth(&u.expr, scope, d);
                match u.operator.value() {
                    UnaryOperator::Not => v.as_bool().map(|b| Value::Bool(!b)).unwrap_or(Value::Unknown),
                    UnaryOperator::Neg => v.as_num().map(|n| Value::Num(-n)).unwrap_or(Value::Unknown),
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.eval_depth(&b.lhs_expr, scope, d);
                let r = self.eval_depth(&b.rhs_expr, scope, d);
                binary(*b.operator.value(), l, r)
            }
            Expression::ForExpr(f) => {
                let coll = self.eval_depth(&f.intro.collection_expr, scope, d);
                let items: Vec<(Value, Value)> = match coll {
                    Value::List(l) => l.into_iter().enumerate().map(|(i, v)| (Value::Num(i as f64), v)).collect(),
                    Value::Map(m) => m.into_iter().map(|(k, v)| (Value::Str(k), v)).collect(),
                    _ => return Value::Unknown,
                };
                let mut list = Vec::new();
                let mut map = BTreeMap::new();
                for (k, v) in items {
                    let mut s = scope.clone();
                    if let Some(kv) = &f.intro.key_var {
                        s.push((kv.value().to_string(), k));
                    }
                    s.push((f.intro.value_var.value().to_string(), v));
                    if let Some(cond) = &f.cond {
                        match self.eval_depth(&cond.expr, &s, d).as_bool() {
                            Some(true) => {}
                            Some(false) => continue,
                            None => return Value::Unknown,
                        }
                    }
                    let val = self.eval_depth(&f.value_expr, &s, d);
                    if let Some(ke) = &f.key_expr {
                        match self.eval_depth(ke, &s, d) {
                            Value::Str(k) => {
                                map.insert(k, val);
                            }
                            _ => return Value::Unknown,
                        }
                    } else {
                        list.push(val);
                    }
                }
                if f.key_expr.is_some() {
                    Value::Map(map)
                } else {
                    Value::List(list)
                }
            }
        }
    }

    fn eval_template(&self, t: &Template, scope: &Scope, d: u32) -> Value {
        let mut out = String::new();
        let mut known = true;
        for el in t.iter() {
            match el {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => match self.eval_depth(&i.expr, scope, d).render() {
                    Some((s, k)) => {
                        out.push_str(&s);
                        known &= k;
                    }
                    None => return Value::Unknown,
                },
                Element::Directive(dir) => match dir.as_ref() {
                    // Template directives are rare in security-relevant attributes; their
                    // output is treated as unknown text.
                    Directive::If(_) | Directive::For(_) => {
                        out.push_str("${unknown}");
                        known = false;
                    }
                },
            }
        }
        if known {
            Value::Str(out)
        } else {
            Value::Template(out)
        }
    }

    fn eval_traversal(
        &self,
        base: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        scope: &Scope,
        d: u32,
    ) -> Value {
        let attr = |i: usize| -> Option<&str> {
            match ops.get(i).map(|o| o.value()) {
                Some(TraversalOperator::GetAttr(a)) => Some(a.value().as_str()),
                _ => None,
            }
        };
        let (start, rest): (Value, &[hcl_edit::Decorated<TraversalOperator>]) = match base {
            Expression::Variable(v) => {
                let root = v.value().as_str();
                if let Some((_, val)) = scope.iter().rev().find(|(n, _)| n == root) {
                    (val.clone(), ops)
                } else {
                    match root {
                        "var" => {
                            let Some(name) = attr(0) else { return Value::Unknown };
                            let v = if let Some(v) = self.defs.inputs.get(name) {
                                v.clone()
                            } else {
                                match self.defs.variables.get(name) {
                                    // A null default means the module leaves the choice to
                                    // its caller: unknown here, not "unset".
                                    Some(Some(e)) => match self.eval_depth(e, &Vec::new(), d) {
                                        Value::Null => Value::Unknown,
                                        v => v,
                                    },
                                    _ => Value::Unknown,
                                }
                            };
                            (v, &ops[1..])
                        }
                        "local" => {
                            let Some(name) = attr(0) else { return Value::Unknown };
                            let cached = self.defs.local_cache.borrow().get(name).cloned();
                            let v = match cached {
                                Some(v) => v,
                                None => match self.defs.locals.get(name) {
                                    Some(e) => {
                                        // Seed the cache so a cyclic local resolves to unknown.
                                        self.defs.local_cache.borrow_mut().insert(name.to_string(), Value::Unknown);
                                        let v = self.eval_depth(e, &Vec::new(), d);
                                        self.defs.local_cache.borrow_mut().insert(name.to_string(), v.clone());
                                        v
                                    }
                                    None => Value::Unknown,
                                },
                            };
                            (v, &ops[1..])
                        }
                        "data" | "module" => {
                            let path = traversal_text(root, ops);
                            return Value::Ref(path);
                        }
                        "path" | "terraform" | "self" => return Value::Unknown,
                        other => {
                            if self.defs.resource_types.contains(other) || other.starts_with("aws_") {
                                return Value::Ref(traversal_text(root, ops));
                            }
                            return Value::Unknown;
                        }
                    }
                }
            }
            other => (self.eval_depth(other, scope, d), ops),
        };
        let mut cur = start;
        for op in rest {
            cur = match (op.value(), cur) {
                (TraversalOperator::GetAttr(a), Value::Map(mut m)) => m.remove(a.value().as_str()).unwrap_or(Value::Unknown),
                (TraversalOperator::Index(e), v) => {
                    let idx = self.eval_depth(e, scope, d);
                    index(v, &idx)
                }
                (TraversalOperator::LegacyIndex(i), v) => index(v, &Value::Num(*i.value() as f64)),
                (TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_), v @ Value::List(_)) => v,
                (_, Value::Ref(r)) => Value::Ref(r),
                _ => Value::Unknown,
            };
        }
        cur
    }
}

fn index(v: Value, idx: &Value) -> Value {
    match (v, idx) {
        (Value::List(mut l), Value::Num(n)) if (*n as usize) < l.len() => l.swap_remove(*n as usize),
        (Value::Map(mut m), Value::Str(k)) => m.remove(k).unwrap_or(Value::Unknown),
        (Value::Ref(r), _) => Value::Ref(r),
        _ => Value::Unknown,
    }
}

/// The source text of a reference such as `aws_s3_bucket.b.id` (index operators elided).
fn traversal_text(root: &str, ops: &[hcl_edit::Decorated<TraversalOperator>]) -> String {
    let mut s = root.to_string();
    for op in ops {
        if let TraversalOperator::GetAttr(a) = op.value() {
            s.push('.');
            s.push_str(a.value().as_str());
        }
    }
    s
}

fn dedent(s: &str) -> String {
    let min = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    s.lines().map(|l| if l.len() >= min { &l[min..] } else { l.trim_start() }).collect::<Vec<_>>().join("\n")
}

fn binary(op: BinaryOperator, l: Value, r: Value) -> Value {
    use BinaryOperator::*;
    match op {
        Eq | NotEq => {
            if !l.is_known() || !r.is_known() {
                return Value::Unknown;
            }
            let eq = match (l.as_num(), r.as_num(), &l, &r) {
                (Some(a), Some(b), Value::Num(_), _) | (Some(a), Some(b), _, Value::Num(_)) => a == b,
                _ => l == r,
            };
            Value::Bool(if op == Eq { eq } else { !eq })
        }
        And => match (l.as_bool(), r.as_bool()) {
            (Some(false), _) | (_, Some(false)) => Value::Bool(false),
            (Some(true), Some(true)) => Value::Bool(true),
            _ => Value::Unknown,
        },
        Or => match (l.as_bool(), r.as_bool()) {
            (Some(true), _) | (_, Some(true)) => Value::Bool(true),
            (Some(false), Some(false)) => Value::Bool(false),
            _ => Value::Unknown,
        },
        _ => {
            let (Some(a), Some(b)) = (l.as_num(), r.as_num()) else { return Value::Unknown };
            match op {
                LessEq => Value::Bool(a <= b),
                GreaterEq => Value::Bool(a >= b),
                Less => Value::Bool(a < b),
                Greater => Value::Bool(a > b),
                Plus => Value::Num(a + b),
                Minus => Value::Num(a - b),
                Mul => Value::Num(a * b),
                Div if b != 0.0 => Value::Num(a / b),
                Mod if b != 0.0 => Value::Num(a % b),
                _ => Value::Unknown,
            }
        }
    }
}

/// The pure Terraform functions that matter for security attributes. Any other function
/// yields an unknown value.
fn call_function(name: &str, mut args: Vec<Value>, expand_final: bool) -> Value {
    if expand_final {
        if let Some(Value::List(l)) = args.pop() {
            args.extend(l);
        } else {
            return Value::Unknown;
        }
    }
    let all_known = args.iter().all(Value::is_known);
    match name {
        "jsonencode" => match args.first() {
            // Partially known documents keep placeholders so policy rules can still read
            // their literal parts (actions, principals) next to interpolated ARNs.
            Some(v) => {
                let s = serde_json::to_string(&v.to_json()).unwrap_or_default();
                if v.is_known() {
                    Value::Str(s)
                } else {
                    Value::Template(s)
                }
            }
            None => Value::Unknown,
        },
        "jsondecode" => match args.first() {
            Some(Value::Str(s)) => serde_json::from_str(s).map(|j| Value::from_json(&j)).unwrap_or(Value::Unknown),
            _ => Value::Unknown,
        },
        "tostring" | "tonumber" | "tobool" | "tolist" | "toset" | "tomap" | "sensitive" | "nonsensitive" => {
            let v = args.into_iter().next().unwrap_or(Value::Unknown);
            match (name, &v) {
                ("tonumber", Value::Str(s)) => s.parse().map(Value::Num).unwrap_or(Value::Unknown),
                ("tobool", _) => v.as_bool().map(Value::Bool).unwrap_or(Value::Unknown),
                ("tostring", Value::Num(n)) => Value::Str(fmt_num(*n)),
                ("tostring", Value::Bool(b)) => Value::Str(b.to_string()),
                _ => v,
            }
        }
        "try" | "coalesce" => {
            for a in args {
                match a {
                    Value::Unknown => return Value::Unknown,
                    Value::Null => continue,
                    Value::Str(ref s) if name == "coalesce" && s.is_empty() => continue,
                    v => return v,
                }
            }
            Value::Unknown
        }
        "lower" | "upper" => match args.first() {
            Some(Value::Str(s)) => Value::Str(if name == "lower" { s.to_lowercase() } else { s.to_uppercase() }),
            _ => Value::Unknown,
        },
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                match a {
                    Value::List(l) => out.extend(l),
                    _ => return Value::Unknown,
                }
            }
            Value::List(out)
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for a in args {
                match a {
                    Value::Map(m) => out.extend(m),
                    Value::Null => {}
                    _ => return Value::Unknown,
                }
            }
            Value::Map(out)
        }
        "lookup" => match (args.first(), args.get(1)) {
            (Some(Value::Map(m)), Some(Value::Str(k))) => {
                m.get(k).cloned().or_else(|| args.get(2).cloned()).unwrap_or(Value::Unknown)
            }
            _ => Value::Unknown,
        },
        "length" if all_known => match args.first() {
            Some(Value::List(l)) => Value::Num(l.len() as f64),
            Some(Value::Map(m)) => Value::Num(m.len() as f64),
            Some(Value::Str(s)) => Value::Num(s.chars().count() as f64),
            _ => Value::Unknown,
        },
        "flatten" => match args.into_iter().next() {
            Some(Value::List(l)) => {
                let mut out = Vec::new();
                fn go(v: Value, out: &mut Vec<Value>) {
                    match v {
                        Value::List(l) => l.into_iter().for_each(|x| go(x, out)),
                        x => out.push(x),
                    }
                }
                l.into_iter().for_each(|x| go(x, &mut out));
                Value::List(out)
            }
            _ => Value::Unknown,
        },
        "compact" => match args.into_iter().next() {
            Some(Value::List(l)) => Value::List(l.into_iter().filter(|v| !matches!(v, Value::Null) && v.as_str() != Some("")).collect()),
            _ => Value::Unknown,
        },
        "contains" => match (args.first(), args.get(1)) {
            (Some(Value::List(l)), Some(v)) if all_known => Value::Bool(l.contains(v)),
            _ => Value::Unknown,
        },
        "element" => match (args.first(), args.get(1).and_then(Value::as_num)) {
            (Some(Value::List(l)), Some(i)) if !l.is_empty() => l[(i as usize) % l.len()].clone(),
            _ => Value::Unknown,
        },
        "format" if all_known => match args.first() {
            Some(Value::Str(f)) => {
                let mut out = String::new();
                let mut rest = args[1..].iter();
                let mut chars = f.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '%' {
                        match chars.next() {
                            Some('%') => out.push('%'),
                            Some(_) => match rest.next().and_then(Value::render) {
                                Some((s, _)) => out.push_str(&s),
                                None => return Value::Unknown,
                            },
                            None => {}
                        }
                    } else {
                        out.push(c);
                    }
                }
                Value::Str(out)
            }
            _ => Value::Unknown,
        },
        _ => Value::Unknown,
    }
}
