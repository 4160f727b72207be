//! Turning one typed answer into a parameter value: the type, format and
//! constraint layers of validation. Every error says what is wrong and how to fix it.
//!
//! Relations between resources (a subnet inside its VPC) live in `network`, and
//! security warnings in `security`; this module looks at one value at a time, plus
//! the other values of the same resource where a constraint depends on them
//! (an engine version depends on the engine).

use crate::formats;
use ipnet::{IpNet, Ipv4Net};
use serde_json::json;
use std::collections::BTreeMap;
use tc_knowledge::{Component, KnowledgeBase, ParamType, Parameter, Value};

/// Words people wrap around a value ("t3 small please", "let's use 10.1.0.0/16").
const FILLER: &[&str] = &[
    "please", "pls", "use", "make", "it", "let's", "lets", "go", "with", "i", "want", "would", "like", "to",
    "set", "should", "be", "how", "about", "maybe", "actually", "just", "an", "a", "the", "thanks", "ok,",
];

/// The values of the other parameters of the same resource, for constraints that
/// depend on them.
pub struct Ctx<'a> {
    pub kb: &'a KnowledgeBase,
    pub component: &'a Component,
    pub values: &'a BTreeMap<String, Value>,
}

/// Parses and checks `raw` as a value of `param`.
pub fn parse_value(ctx: &Ctx, param: &Parameter, raw: &str) -> Result<Value, String> {
    let raw = raw.trim();
    // The same limit as typed answers, so an answers file cannot slip a paste
    // accident through that the conversation would refuse.
    if raw.len() > crate::input::MAX_ANSWER_BYTES {
        return Err(format!(
            "The answer is {} bytes long; answers are limited to {} characters. Give just the value.",
            raw.len(),
            crate::input::MAX_ANSWER_BYTES
        ));
    }
    if let Some(c) = raw.chars().find(|c| c.is_control()) {
        return Err(format!(
            "The answer contains a control character ({}); answers are a single line of text. Type the value again without it.",
            c.escape_default()
        ));
    }
    let value = parse_typed(ctx, param, raw)?;
    check_format(param, &value)?;
    check_constraints(ctx, param, &value)?;
    Ok(value)
}

/// Lowercases and drops filler words, keeping the words that may be the value.
fn core_words(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches(|c: char| matches!(c, '"' | '\'' | '!' | '?' | '`')).to_ascii_lowercase())
        .filter(|w| !w.is_empty() && !FILLER.contains(&w.as_str()))
        .collect()
}

fn parse_typed(ctx: &Ctx, param: &Parameter, raw: &str) -> Result<Value, String> {
    match param.kind {
        ParamType::String => Ok(Value::String(strip_quotes(raw).to_string())),
        ParamType::Integer => parse_integer(raw).map(|n| json!(n)),
        ParamType::Port => parse_port(raw).map(|n| json!(n)),
        ParamType::Bool => parse_bool(raw).map(Value::Bool).ok_or_else(|| {
            format!("\"{}\" is not a yes or no answer. Answer \"yes\" or \"no\".", short(raw))
        }),
        ParamType::Enum => parse_enum(param, raw),
        ParamType::Cidr => {
            let net = parse_cidr(raw)?;
            if is_network_cidr(ctx.component) {
                let IpNet::V4(v4) = net else {
                    return Err("A VPC or subnet CIDR must be IPv4, e.g. \"10.0.0.0/16\".".into());
                };
                if !(16..=28).contains(&v4.prefix_len()) {
                    return Err(format!(
                        "AWS allows VPC and subnet blocks from /16 to /28; {net} is a /{}. Try e.g. \"10.0.0.0/16\" for a VPC or \"10.0.1.0/24\" for a subnet.",
                        v4.prefix_len()
                    ));
                }
            }
            Ok(Value::String(net.to_string()))
        }
        ParamType::CidrList => {
            let items = split_list(raw);
            if items.is_empty() {
                return Err("Give at least one CIDR block, e.g. \"10.0.0.0/16\" or \"203.0.113.7/32\".".into());
            }
            let mut out = Vec::new();
            for item in items {
                out.push(Value::String(parse_cidr(&item)?.to_string()));
            }
            Ok(Value::Array(out))
        }
        ParamType::StringList => {
            let items = split_list(raw);
            Ok(Value::Array(items.into_iter().map(|s| Value::String(strip_quotes(&s).to_string())).collect()))
        }
        ParamType::PortList => {
            let items = split_list(raw);
            if items.is_empty() {
                return Err("Give at least one port, e.g. \"443\" or \"80, 443\".".into());
            }
            let mut out = Vec::new();
            for item in items {
                out.push(json!(parse_port(&item)?));
            }
            Ok(Value::Array(out))
        }
        ParamType::Region => parse_region(ctx.kb, raw).map(Value::String),
        ParamType::InstanceType => parse_instance_type(ctx.kb, raw).map(Value::String),
        ParamType::DbInstanceClass => parse_db_class(ctx.kb, raw).map(Value::String),
        // A type added to the knowledge model later is taken as text until the
        // validator learns it.
        #[allow(unreachable_patterns)]
        _ => Ok(Value::String(strip_quotes(raw).to_string())),
    }
}

fn strip_quotes(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

/// Shortens an echoed answer so that a rejection of a huge input stays readable.
///
/// Control characters are shown as escapes (`\n`, `\u{1b}`): the result ends up in
/// messages printed to the user's terminal, which an answer must not be able to
/// recolour or rewrite.
pub fn short(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(40) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

fn split_list(raw: &str) -> Vec<String> {
    let raw = raw.trim().trim_start_matches('[').trim_end_matches(']');
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .map(|s| s.trim_matches(|c: char| c == '"' || c == '\'').to_string())
        .filter(|s| !s.is_empty() && !matches!(s.as_str(), "and" | "or"))
        .collect()
}

fn parse_integer(raw: &str) -> Result<i64, String> {
    let words = core_words(raw);
    let first = words.first().map(String::as_str).unwrap_or("");
    // "30GB" → "30" + unit; the unit itself is not checked: the question states it.
    let digits: String = first.chars().take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '.').collect();
    if digits.contains('.') {
        return Err(format!("\"{}\" is not a whole number. Type a whole number, e.g. \"30\".", short(raw)));
    }
    digits
        .parse::<i64>()
        .map_err(|_| format!("\"{}\" is not a number. Type a whole number, e.g. \"30\".", short(raw)))
}

fn parse_port(raw: &str) -> Result<i64, String> {
    let named = match raw.trim().to_ascii_lowercase().as_str() {
        "ssh" => Some(22),
        "http" => Some(80),
        "https" => Some(443),
        "rdp" => Some(3389),
        "postgres" | "postgresql" => Some(5432),
        "mysql" | "mariadb" => Some(3306),
        "redis" => Some(6379),
        _ => None,
    };
    let port = match named {
        Some(p) => p,
        None => parse_integer(raw).map_err(|_| {
            format!("\"{}\" is not a port. Type a number from 1 to 65535, e.g. \"443\".", short(raw))
        })?,
    };
    if !(1..=65535).contains(&port) {
        return Err(format!("Port {port} is out of range: ports are 1 to 65535, e.g. \"443\"."));
    }
    Ok(port)
}

/// Yes/no words, including the ways people turn a feature on or off.
pub fn parse_bool(raw: &str) -> Option<bool> {
    let s = raw.trim().trim_end_matches(['.', '!']).to_ascii_lowercase();
    match s.as_str() {
        "y" | "yes" | "yep" | "yeah" | "sure" | "true" | "on" | "enable" | "enabled" | "1" | "yes please" | "ok"
        | "okay" => Some(true),
        "n" | "no" | "nope" | "false" | "off" | "disable" | "disabled" | "0" | "no thanks" | "none" => Some(false),
        _ => None,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn normalize(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

fn parse_enum(param: &Parameter, raw: &str) -> Result<Value, String> {
    let allowed: Vec<(String, &Value)> = param.allowed.iter().map(|v| (value_text(v), v)).collect();
    let lower = raw.trim().to_ascii_lowercase();
    // Exact (case-insensitive), then ignoring punctuation, then the answer's words.
    if let Some((_, v)) = allowed.iter().find(|(t, _)| t.to_ascii_lowercase() == lower) {
        return Ok((*v).clone());
    }
    let n = normalize(raw);
    if let Some((_, v)) = allowed.iter().find(|(t, _)| normalize(t) == n) {
        return Ok((*v).clone());
    }
    let words = core_words(raw);
    let hits: Vec<&(String, &Value)> = allowed
        .iter()
        .filter(|(t, _)| words.iter().any(|w| normalize(w) == normalize(t)) || normalize(&words.join("")) == normalize(t))
        .collect();
    if hits.len() == 1 {
        return Ok(hits[0].1.clone());
    }
    let names: Vec<&str> = allowed.iter().map(|(t, _)| t.as_str()).collect();
    let close = closest(&n, names.iter().copied(), 2);
    let hint = close.map(|c| format!(" Did you mean \"{c}\"?")).unwrap_or_default();
    Err(format!("\"{}\" is not one of the choices.{hint} Choose one of: {}.", short(raw), names.join(", ")))
}

/// The closest candidate within `max` edits (by normalized Levenshtein distance).
fn closest<'a>(needle: &str, candidates: impl Iterator<Item = &'a str>, max: usize) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::levenshtein(needle, &normalize(c)), c))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Parses a CIDR block found in the answer, with precise errors for near misses.
pub fn parse_cidr(raw: &str) -> Result<IpNet, String> {
    let token = raw
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_matches(|c: char| matches!(c, '"' | '\'' | '.' | ')' | '(')))
        .find(|t| t.contains('/') || t.parse::<std::net::IpAddr>().is_ok())
        .unwrap_or(raw.trim());
    let example = "e.g. \"10.0.0.0/16\"";
    if !token.contains('/') {
        if token.parse::<std::net::IpAddr>().is_ok() {
            return Err(format!("\"{token}\" is an address without a prefix length. Add one, {example}, or \"{token}/32\" for a single address."));
        }
        return Err(format!("\"{}\" is not a CIDR block. Write an address and a prefix length, {example}.", short(raw)));
    }
    let (addr, len) = token.split_once('/').unwrap();
    match len.parse::<u8>() {
        Ok(l) if l > 32 && !addr.contains(':') => {
            return Err(format!("The prefix length /{l} is too long: IPv4 prefixes are /0 to /32, {example}."))
        }
        Err(_) => return Err(format!("\"/{len}\" is not a prefix length. Use a number from 0 to 32, {example}.")),
        _ => {}
    }
    if !addr.contains(':') {
        let octets: Vec<&str> = addr.split('.').collect();
        if octets.len() != 4 {
            return Err(format!("\"{addr}\" does not have four numbers separated by dots, {example}."));
        }
        if let Some(o) = octets.iter().find(|o| o.parse::<u8>().is_err()) {
            return Err(format!("\"{o}\" in \"{addr}\" is not a number from 0 to 255, {example}."));
        }
    }
    let net: IpNet = token.parse().map_err(|_| format!("\"{token}\" is not a CIDR block, {example}."))?;
    if net.trunc() != net {
        return Err(format!(
            "{token} has host bits set: the block's first address is {}. Did you mean \"{}\"?",
            net.network(),
            net.trunc()
        ));
    }
    Ok(net)
}

/// Whether CIDRs of this component are VPC address space (AWS limits them to /16–/28).
fn is_network_cidr(c: &Component) -> bool {
    c.id == "vpc" || c.id.contains("subnet")
}

pub fn parse_v4(s: &str) -> Option<Ipv4Net> {
    s.parse().ok()
}

fn parse_region(kb: &KnowledgeBase, raw: &str) -> Result<String, String> {
    let lower = raw.trim().to_ascii_lowercase();
    let words = core_words(raw);
    let joined = words.join(" ");
    for r in &kb.regions {
        let names = std::iter::once(r.code.to_ascii_lowercase())
            .chain(std::iter::once(r.name.to_ascii_lowercase()))
            .chain(r.aliases.iter().map(|a| a.to_ascii_lowercase()));
        for n in names {
            if n == lower || n == joined || words.contains(&n) {
                return Ok(r.code.clone());
            }
        }
    }
    let candidates: Vec<&str> = kb.regions.iter().flat_map(|r| std::iter::once(r.code.as_str()).chain(r.aliases.iter().map(String::as_str))).collect();
    let hint = closest(&normalize(raw), candidates.iter().copied(), 2)
        .map(|c| format!(" Did you mean \"{c}\"?"))
        .unwrap_or_default();
    let some: Vec<&str> = kb.regions.iter().take(4).map(|r| r.code.as_str()).collect();
    Err(format!(
        "\"{}\" is not an AWS region I know.{hint} Give a region code or a city, e.g. {} or \"Frankfurt\".",
        short(raw),
        some.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
    ))
}

/// Joins "t3 small", "T3-Small" and "t3.small please" into "t3.small".
fn instance_shape(raw: &str) -> String {
    let words = core_words(raw);
    let joined = words.join(".");
    joined.replace(['-', '_'], ".").replace("..", ".")
}

fn parse_instance_type(kb: &KnowledgeBase, raw: &str) -> Result<String, String> {
    let candidate = instance_shape(raw);
    let known = &kb.instance_types;
    if known.contains(&candidate) {
        return Ok(candidate);
    }
    if known.is_empty() && looks_like_type(&candidate) {
        // No list to check against (a knowledge base without it): accept the shape.
        return Ok(candidate);
    }
    Err(unknown_type(raw, &candidate, known.iter().map(String::as_str), "an EC2 instance type", "t3.micro"))
}

fn looks_like_type(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 2 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

fn parse_db_class(kb: &KnowledgeBase, raw: &str) -> Result<String, String> {
    let shape = instance_shape(raw);
    let candidate = if shape.starts_with("db.") { shape } else { format!("db.{shape}") };
    let known = &kb.db_instance_classes;
    if known.contains(&candidate) || (known.is_empty() && looks_like_type(&candidate[3..])) {
        return Ok(candidate);
    }
    Err(unknown_type(raw, &candidate, known.iter().map(String::as_str), "an RDS instance class", "db.t3.micro"))
}

/// The rejection for an unknown instance type or class: close matches, or the
/// sizes of the family when the family exists.
fn unknown_type<'a>(raw: &str, candidate: &str, known: impl Iterator<Item = &'a str> + Clone, what: &str, example: &str) -> String {
    let family = candidate.rsplit_once('.').map(|(f, _)| f).unwrap_or(candidate);
    let sizes: Vec<&str> = known
        .clone()
        .filter_map(|t| t.rsplit_once('.').filter(|(f, _)| *f == family).map(|(_, s)| s))
        .collect();
    let mut hint = String::new();
    // The edit distance is at least the difference in length, so most of the
    // ~1400 instance types are ruled out without computing it (turn time).
    let mut near: Vec<(usize, &str)> = known
        .filter(|t| t.len().abs_diff(candidate.len()) <= 2)
        .map(|t| (strsim::levenshtein(candidate, t), t))
        .filter(|(d, _)| *d <= 2)
        .collect();
    near.sort();
    if !near.is_empty() {
        let names: Vec<String> = near.iter().take(3).map(|(_, t)| format!("\"{t}\"")).collect();
        hint = format!(" Did you mean {}?", names.join(" or "));
    } else if !sizes.is_empty() {
        hint = format!(" The {family} family has: {}.", sizes.iter().take(12).copied().collect::<Vec<_>>().join(", "));
    }
    format!("\"{}\" is not {what}.{hint} Give a type such as \"{example}\".", short(raw))
}

fn check_format(param: &Parameter, value: &Value) -> Result<(), String> {
    let Some(format) = param.format else { return Ok(()) };
    let strings: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    for s in strings {
        // An empty answer is accepted when the default is empty too: it means
        // "not set" (for an AMI: look up the latest image).
        if s.is_empty() && param.default.as_ref().and_then(Value::as_str) == Some("") {
            continue;
        }
        formats::check(format, s)?;
    }
    Ok(())
}

/// AWS limits the knowledge base may not state itself, keyed by parameter id.
fn builtin_range(param: &Parameter) -> Option<(f64, f64, &'static str)> {
    match param.id.as_str() {
        "allocated_storage" => Some((20.0, 65536.0, "GiB of RDS storage")),
        "max_allocated_storage" => Some((0.0, 65536.0, "GiB of RDS storage")),
        "backup_retention_period" | "backup_retention_days" => Some((0.0, 35.0, "days of RDS backup retention")),
        _ => None,
    }
}

fn check_constraints(ctx: &Ctx, param: &Parameter, value: &Value) -> Result<(), String> {
    if let Some(n) = value.as_f64() {
        let builtin = builtin_range(param);
        let unit = builtin.map(|b| b.2).unwrap_or("");
        let min = param.min.or(builtin.map(|b| b.0));
        let max = param.max.or(builtin.map(|b| b.1));
        let range = match (min, max) {
            (Some(a), Some(b)) => format!("from {a} to {b}"),
            (Some(a), None) => format!("at least {a}"),
            (None, Some(b)) => format!("at most {b}"),
            _ => String::new(),
        };
        let what = if unit.is_empty() { String::new() } else { format!(" {unit}") };
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            return Err(format!("{n}{what} is out of range: AWS allows {range}{what}. Choose a value {range}."));
        }
    }
    if let Value::String(s) = value {
        if param.kind == ParamType::String {
            if let Some(max) = param.max {
                if s.chars().count() as f64 > max {
                    return Err(format!("That is {} characters long; the limit is {max}. Shorten it.", s.chars().count()));
                }
            }
        }
    }
    check_tied(ctx, param, value)
}

/// The knowledge base's constraints tying `param` to the resource's other values:
/// an engine version must be one of the engine's major versions.
fn check_tied(ctx: &Ctx, param: &Parameter, value: &Value) -> Result<(), String> {
    for c in ctx.component.constraints.iter().filter(|c| c.param == param.id) {
        let Some(on) = ctx.values.get(&c.on) else { continue };
        if let Err(majors) = c.fits(on, value) {
            let on_text = tc_knowledge::Constraint::key(on);
            return Err(format!(
                "{on_text} {} is not a supported {}. {} supports the major versions {}; e.g. \"{}\", or leave it empty for the current default.",
                tc_knowledge::Constraint::key(value),
                param.id.replace('_', " "),
                on_text,
                majors.join(", "),
                majors.last().map(String::as_str).unwrap_or("")
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tc_knowledge::Category;

    /// Built through serde so that fields the knowledge model adds later keep their defaults.
    fn param(kind: ParamType) -> Parameter {
        serde_json::from_value(json!({"id": "p", "type": kind, "required": true, "question": "?", "why": "because"})).unwrap()
    }

    fn component(id: &str) -> Component {
        serde_json::from_value(json!({
            "id": id, "name": id, "description": "", "category": Category::Network,
            "resource_types": [], "template": id
        }))
        .unwrap()
    }

    fn run(component_id: &str, p: &Parameter, raw: &str, values: &BTreeMap<String, Value>) -> Result<Value, String> {
        let kb = tc_knowledge::knowledge();
        let c = component(component_id);
        parse_value(&Ctx { kb, component: &c, values }, p, raw)
    }

    /// (type, component, answer, expected value as JSON or the rejection fragment).
    #[test]
    fn typed_answers_parse_or_explain() {
        let none = BTreeMap::new();
        let cases: &[(ParamType, &str, &str, Result<Value, &str>)] = &[
            (ParamType::Cidr, "vpc", "10.1.0.0/16", Ok(json!("10.1.0.0/16"))),
            (ParamType::Cidr, "vpc", "use 10.1.0.0/16 please", Ok(json!("10.1.0.0/16"))),
            (ParamType::Cidr, "vpc", "10.0.0.0/33", Err("/33 is too long")),
            (ParamType::Cidr, "vpc", "10.0.0.300/16", Err("\"300\"")),
            (ParamType::Cidr, "vpc", "10.0.0.0", Err("without a prefix length")),
            (ParamType::Cidr, "vpc", "10.0.0.5/16", Err("Did you mean \"10.0.0.0/16\"")),
            (ParamType::Cidr, "vpc", "10.0.0.0/8", Err("/16 to /28")),
            (ParamType::Cidr, "vpc", "banana", Err("not a CIDR block")),
            (ParamType::CidrList, "security_group", "10.0.0.0/16, 203.0.113.7/32", Ok(json!(["10.0.0.0/16", "203.0.113.7/32"]))),
            (ParamType::CidrList, "security_group", "0.0.0.0/0", Ok(json!(["0.0.0.0/0"]))),
            (ParamType::Integer, "x", "30 GB", Ok(json!(30))),
            (ParamType::Integer, "x", "2.5", Err("whole number")),
            (ParamType::Integer, "x", "lots", Err("not a number")),
            (ParamType::Port, "x", "ssh", Ok(json!(22))),
            (ParamType::Port, "x", "70000", Err("1 to 65535")),
            (ParamType::PortList, "x", "80, 443", Ok(json!([80, 443]))),
            (ParamType::PortList, "x", "ssh and https", Ok(json!([22, 443]))),
            (ParamType::PortList, "x", "80, 99999", Err("out of range")),
            (ParamType::Bool, "x", "yes", Ok(json!(true))),
            (ParamType::Bool, "x", "disabled", Ok(json!(false))),
            (ParamType::Bool, "x", "perhaps", Err("yes or no")),
            (ParamType::Region, "x", "Frankfurt", Ok(json!("eu-central-1"))),
            (ParamType::Region, "x", "us-east-1", Ok(json!("us-east-1"))),
            (ParamType::Region, "x", "in frankfurt please", Ok(json!("eu-central-1"))),
            (ParamType::Region, "x", "atlantis", Err("not an AWS region")),
            (ParamType::String, "x", "line\u{7}bell", Err("control character")),
        ];
        for (kind, comp, raw, want) in cases {
            let got = run(comp, &param(*kind), raw, &none);
            match (want, &got) {
                (Ok(v), Ok(g)) => assert_eq!(v, g, "{kind:?} {raw:?}"),
                (Err(frag), Err(msg)) => assert!(msg.contains(frag), "{kind:?} {raw:?}: {msg:?} lacks {frag:?}"),
                _ => panic!("{kind:?} {raw:?}: expected {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn answers_over_the_length_limit_are_refused_on_every_path() {
        // Found by server/cli/tests/hostile_entrypoints.rs: a 100 KB answer in a
        // `generate --answers` file was taken, while chat and the language server refuse it.
        let huge = "0123456789abcdef".repeat(6400);
        let err = run("security_group", &param(ParamType::String), &huge, &BTreeMap::new()).unwrap_err();
        assert!(err.contains("102400 bytes") && err.contains("4096"), "{err}");
        let longest = "x".repeat(crate::input::MAX_ANSWER_BYTES);
        assert_eq!(run("security_group", &param(ParamType::String), &longest, &BTreeMap::new()), Ok(Value::from(longest.as_str())));
    }

    #[test]
    fn short_escapes_control_characters_for_the_terminal() {
        // Found by server/cli/tests/hostile_entrypoints.rs: `generate --answers` echoed a
        // raw escape sequence from an answer into its error message.
        assert_eq!(short("bell\u{7} esc\u{1b}[31mred"), "bell\\u{7} esc\\u{1b}[31mred");
        assert_eq!(short("windows\r\nline"), "windows\\r\\nline");
        assert_eq!(short(&"x".repeat(50)), format!("{}…", "x".repeat(40)));
    }

    #[test]
    fn instance_types_are_checked_against_the_knowledge_base() {
        let none = BTreeMap::new();
        let p = param(ParamType::InstanceType);
        assert_eq!(run("ec2_instance", &p, "t3 small please", &none), Ok(json!("t3.small")));
        assert_eq!(run("ec2_instance", &p, "T3-Small", &none), Ok(json!("t3.small")));
        let err = run("ec2_instance", &p, "t3.smal", &none).unwrap_err();
        assert!(err.contains("Did you mean \"t3.small\""), "{err}");
        let err = run("ec2_instance", &p, "banana", &none).unwrap_err();
        assert!(err.contains("is not an EC2 instance type"), "{err}");
    }

    #[test]
    fn constraints_cover_rds_limits_and_engine_versions() {
        let none = BTreeMap::new();
        let mut storage = param(ParamType::Integer);
        storage.id = "allocated_storage".into();
        assert!(run("rds_instance", &storage, "20", &none).is_ok());
        assert!(run("rds_instance", &storage, "65536", &none).is_ok());
        let err = run("rds_instance", &storage, "10", &none).unwrap_err();
        assert!(err.contains("from 20 to 65536"), "{err}");
        assert!(run("rds_instance", &storage, "70000", &none).is_err());
        let mut retention = param(ParamType::Integer);
        retention.id = "backup_retention_period".into();
        assert!(run("rds_instance", &retention, "35", &none).is_ok());
        assert!(run("rds_instance", &retention, "36", &none).unwrap_err().contains("from 0 to 35"));

        // Engine versions: from the knowledge base's constraint on the real component.
        let kb = tc_knowledge::knowledge();
        let rds = kb.component("rds_instance").unwrap();
        let version = rds.parameter("engine_version").unwrap();
        let on = |engine: &str| -> BTreeMap<String, Value> { [("engine".to_string(), json!(engine))].into() };
        let real = |v: &str, values: &BTreeMap<String, Value>| parse_value(&Ctx { kb, component: rds, values }, version, v);
        assert!(real("16", &on("postgres")).is_ok());
        assert!(real("16.4", &on("postgres")).is_ok());
        assert!(real("", &on("mysql")).is_ok(), "empty means the current default version");
        let err = real("9.6", &on("postgres")).unwrap_err();
        assert!(err.contains("not a supported engine version") && err.contains("13, 14, 15, 16, 17"), "{err}");
        let err = real("16.4", &on("mysql")).unwrap_err();
        assert!(err.contains("mysql 16.4 is not a supported engine version") && err.contains("8.0, 8.4"), "{err}");
        assert!(real("8.0.35", &on("mysql")).is_ok());
        let aurora = kb.component("aurora_cluster").unwrap();
        let aurora_version = aurora.parameter("engine_version").unwrap();
        let err = parse_value(&Ctx { kb, component: aurora, values: &on("aurora-postgresql") }, aurora_version, "12").unwrap_err();
        assert!(err.contains("aurora-postgresql 12 is not a supported engine version"), "{err}");
        assert!(parse_value(&Ctx { kb, component: aurora, values: &on("aurora-mysql") }, aurora_version, "8.0.mysql_aurora.3.05.2").is_ok());
    }
}
