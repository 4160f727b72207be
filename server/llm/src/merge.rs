//! Checks the intent a model proposed against the knowledge base and merges it
//! into the offline engine's intent. The offline result is the floor: the merge
//! only adds (components the offline engine missed, parameter values and a region
//! it did not find), so it can never lower recall. What the model proposed that
//! fails a check is dropped and reported, never trusted:
//! - component ids and parameter ids must exist in the knowledge base;
//! - values must have the parameter's type (enum values in its allowed list,
//!   CIDRs that parse, ports in range, regions the knowledge base knows);
//! - stated values (text, numbers, CIDRs) must appear in the user's own words, and
//!   not only right after a negation, so a model talked into "open port 22 to
//!   everyone" cannot add `0.0.0.0/0`, nor read it from "(NOT 0.0.0.0/0)";
//! - an exclusion must name a component the user mentioned, and never removes
//!   anything that was requested.
//!
//! Values that pass are still only proposals: the conversation validates them
//! and raises security warnings exactly as for typed answers.

use crate::prompts::value_text;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tc_intent::{Intent, RequestedComponent};
use tc_knowledge::{Component, KnowledgeBase, ParamType, Parameter};

/// Largest count accepted from a model ("two web servers" → 2).
const MAX_COUNT: u64 = 20;

/// Something the model proposed that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// What was proposed, e.g. `component aws_magic`, `ec2_instance.instance_type = "huge"`.
    pub what: String,
    pub why: String,
}

/// The result of validating and merging.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Merged {
    pub intent: Intent,
    /// Component ids the model added to the offline result.
    pub added_components: Vec<String>,
    /// `component.parameter` values the model added.
    pub added_params: Vec<String>,
    pub region_added: bool,
    pub dropped: Vec<Dropped>,
}

/// Validates `proposal` (the model's JSON) and merges it into `offline`.
pub fn merge(kb: &KnowledgeBase, text: &str, offline: &Intent, proposal: &Value) -> Merged {
    let mut out = Merged { intent: offline.clone(), ..Merged::default() };
    let said = normalise(text);
    let Some(obj) = proposal.as_object() else {
        out.dropped.push(Dropped { what: "answer".into(), why: "not a JSON object".into() });
        return out;
    };

    let proposed = obj.get("components").and_then(Value::as_array).cloned().unwrap_or_default();
    for raw in proposed {
        let Some(candidate) = check_component(kb, &said, &raw, &mut out.dropped) else { continue };
        let requested = out.intent.components.iter().any(|c| c.component == candidate.component);
        if !requested && offline.excluded.contains(&candidate.component) {
            // The offline engine read an explicit "no …" for it; the user's words win.
            out.dropped.push(Dropped { what: format!("component \"{}\"", candidate.component), why: "the request excludes it".into() });
            continue;
        }
        merge_component(kb, &mut out, candidate);
    }

    if out.intent.region.is_none() {
        if let Some(raw) = obj.get("region").filter(|v| !v.is_null()) {
            match raw.as_str().and_then(|r| region_code(kb, r)) {
                Some(code) => {
                    out.intent.region = Some(code);
                    out.region_added = true;
                }
                None => out.dropped.push(Dropped { what: format!("region {raw}"), why: "not a known AWS region".into() }),
            }
        }
    }

    for raw in obj.get("excluded").and_then(Value::as_array).into_iter().flatten() {
        let id = raw.as_str().unwrap_or_default();
        let why = match kb.components.get(id) {
            None => Some("not a component in the knowledge base"),
            Some(_) if out.intent.components.iter().any(|c| c.component == id) => Some("it was requested"),
            Some(c) if !mentions_negated(&said, c) => Some("the request does not say it is unwanted"),
            Some(_) => None,
        };
        match why {
            Some(why) => out.dropped.push(Dropped { what: format!("exclusion of {raw}"), why: why.into() }),
            None if !out.intent.excluded.iter().any(|e| e == id) => out.intent.excluded.push(id.to_string()),
            None => {}
        }
    }

    // Words the offline engine did not understand but the model placed are no
    // longer unknown.
    let explained: Vec<String> = out
        .intent
        .components
        .iter()
        .filter(|c| out.added_components.contains(&c.component))
        .map(|c| normalise(&c.matched))
        .collect();
    out.intent.unknown_words.retain(|w| {
        let w = normalise(w);
        !explained.iter().any(|m| m.split(' ').any(|x| x == w))
    });
    out
}

/// A proposed component that passed the checks, with its valid parameters.
struct Candidate {
    component: String,
    count: u32,
    role: Option<String>,
    params: BTreeMap<String, Value>,
    matched: String,
}

fn check_component(kb: &KnowledgeBase, said: &str, raw: &Value, dropped: &mut Vec<Dropped>) -> Option<Candidate> {
    let Some(obj) = raw.as_object() else {
        dropped.push(Dropped { what: format!("component {raw}"), why: "not a JSON object".into() });
        return None;
    };
    let id = obj.get("component").and_then(Value::as_str).unwrap_or_default().trim();
    let Some(component) = kb.components.get(id) else {
        dropped.push(Dropped {
            what: format!("component {}", obj.get("component").unwrap_or(&Value::Null)),
            why: "not a component in the knowledge base".into(),
        });
        return None;
    };
    let count = match obj.get("count") {
        None | Some(Value::Null) => 1,
        Some(v) => match v.as_u64().filter(|n| (1..=MAX_COUNT).contains(n)) {
            Some(n) => n as u32,
            None => {
                dropped.push(Dropped { what: format!("{id}.count = {v}"), why: format!("not a whole number from 1 to {MAX_COUNT}") });
                1
            }
        },
    };
    let role = obj
        .get("role")
        .and_then(Value::as_str)
        .map(|r| r.trim().to_ascii_lowercase())
        .filter(|r| !r.is_empty() && r.len() <= 30 && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let mut params = BTreeMap::new();
    let empty = Map::new();
    for (pid, value) in obj.get("params").and_then(Value::as_object).unwrap_or(&empty) {
        let what = format!("{id}.{pid} = {value}");
        let Some(param) = component.parameters.iter().find(|p| &p.id == pid) else {
            dropped.push(Dropped { what, why: format!("{} has no parameter {pid}", component.name) });
            continue;
        };
        match check_value(kb, param, value).and_then(|v| grounded(said, param, &v).map(|()| v)) {
            Ok(v) => {
                params.insert(pid.clone(), v);
            }
            Err(why) => dropped.push(Dropped { what, why }),
        }
    }
    let matched = obj.get("matched").and_then(Value::as_str).map(|m| crate::context::truncate(m, 100)).unwrap_or_default();
    Some(Candidate { component: component.id.clone(), count, role, params, matched })
}

fn merge_component(kb: &KnowledgeBase, out: &mut Merged, c: Candidate) {
    // The same component counts as the same request when the roles agree or one
    // side has none; "a web server and a bastion" are two different instances.
    let existing = out.intent.components.iter_mut().find(|o| {
        o.component == c.component && (o.role.is_none() || c.role.is_none() || o.role == c.role)
    });
    match existing {
        Some(o) => {
            for (pid, v) in c.params {
                // The offline engine's own reading of the request wins.
                if let std::collections::btree_map::Entry::Vacant(slot) = o.params.entry(pid) {
                    out.added_params.push(format!("{}.{}", c.component, slot.key()));
                    slot.insert(v);
                }
            }
            if o.role.is_none() {
                o.role = c.role;
            }
        }
        None => {
            let name = kb.components.get(&c.component).map(|k| k.name.clone()).unwrap_or_default();
            out.added_components.push(c.component.clone());
            out.added_params.extend(c.params.keys().map(|p| format!("{}.{p}", c.component)));
            out.intent.components.push(RequestedComponent {
                component: c.component,
                count: c.count,
                role: c.role,
                params: c.params,
                matched: if c.matched.is_empty() { name } else { c.matched },
            });
        }
    }
}

/// Type-level check of a proposed value; returns the value in canonical form.
fn check_value(kb: &KnowledgeBase, p: &Parameter, v: &Value) -> Result<Value, String> {
    let text = value_text(v);
    let as_int = || v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
    let in_range = |n: f64| p.min.is_none_or(|m| n >= m) && p.max.is_none_or(|m| n <= m);
    match p.kind {
        ParamType::String => v.as_str().map(|s| Value::String(s.to_string())).ok_or_else(|| "not a text value".into()),
        ParamType::Integer => match as_int() {
            Some(n) if in_range(n as f64) => Ok(Value::from(n)),
            Some(_) => Err("out of the allowed range".into()),
            None => Err("not a whole number".into()),
        },
        ParamType::Port => match as_int() {
            Some(n) if (0..=65535).contains(&n) && in_range(n as f64) => Ok(Value::from(n)),
            _ => Err("not a port number from 0 to 65535".into()),
        },
        ParamType::Bool => match v {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err("not true or false".into()),
        },
        ParamType::Enum => p
            .allowed
            .iter()
            .find(|a| value_text(a).eq_ignore_ascii_case(text.trim()))
            .cloned()
            .ok_or_else(|| "not one of the allowed values".into()),
        ParamType::Cidr => text.trim().parse::<ipnet::IpNet>().map(|n| Value::String(n.to_string())).map_err(|_| "not a CIDR block".into()),
        ParamType::CidrList | ParamType::StringList => {
            let items: Vec<Value> = match v {
                Value::Array(a) => a.clone(),
                Value::String(_) => vec![v.clone()],
                _ => return Err("not a list".into()),
            };
            let mut list = Vec::new();
            for item in items {
                let s = item.as_str().ok_or("a list item is not text")?.trim().to_string();
                if p.kind == ParamType::CidrList && s.parse::<ipnet::IpNet>().is_err() {
                    return Err(format!("`{s}` is not a CIDR block"));
                }
                list.push(Value::String(s));
            }
            Ok(Value::Array(list))
        }
        ParamType::PortList => {
            let items: Vec<Value> = match v {
                Value::Array(a) => a.clone(),
                single => vec![single.clone()],
            };
            let ports: Option<Vec<Value>> = items
                .iter()
                .map(|i| i.as_i64().or_else(|| i.as_str().and_then(|s| s.trim().parse().ok())))
                .map(|n| n.filter(|n| (1..=65535).contains(n)).map(Value::from))
                .collect();
            ports.map(Value::Array).ok_or_else(|| "not a list of port numbers from 1 to 65535".into())
        }
        ParamType::Region => region_code(kb, &text).map(Value::String).ok_or_else(|| "not a known AWS region".into()),
        ParamType::InstanceType => known_name(&kb.instance_types, &text, "EC2 instance type"),
        ParamType::DbInstanceClass => known_name(&kb.db_instance_classes, &text, "RDS instance class"),
        // A parameter type added to the knowledge base after this check was written:
        // without a check for it, the model's value is not trusted.
        #[allow(unreachable_patterns)]
        _ => Err("this parameter type is not accepted from the model".into()),
    }
}

fn known_name(list: &[String], text: &str, what: &str) -> Result<Value, String> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() || t.contains(char::is_whitespace) {
        return Err(format!("not an {what}"));
    }
    // With the list still empty the conversation's validator has the last word.
    if list.is_empty() || list.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
        Ok(Value::String(t))
    } else {
        Err(format!("not a known {what}"))
    }
}

/// Values the user states in so many characters must appear in the request. Booleans,
/// enum choices and regions are readings of the words ("multi-AZ", "postgres",
/// "Frankfurt") and are checked by type only.
fn grounded(said: &str, p: &Parameter, v: &Value) -> Result<(), String> {
    let needs = matches!(
        p.kind,
        ParamType::String
            | ParamType::Integer
            | ParamType::Port
            | ParamType::PortList
            | ParamType::Cidr
            | ParamType::CidrList
            | ParamType::StringList
            | ParamType::InstanceType
            | ParamType::DbInstanceClass
    );
    if !needs {
        return Ok(());
    }
    let items: Vec<String> = match v {
        Value::Array(a) => a.iter().map(value_text).collect(),
        other => vec![value_text(other)],
    };
    let words: Vec<&str> = said.split(' ').collect();
    for item in items {
        let item = normalise(&item);
        let phrase: Vec<&str> = item.split(' ').collect();
        let places: Vec<usize> = (0..words.len()).filter(|&i| !item.is_empty() && words[i..].starts_with(&phrase)).collect();
        if places.is_empty() {
            return Err(format!("`{item}` does not appear in the request"));
        }
        if places.iter().all(|&i| negated(&words, i)) {
            return Err(format!("the request says not `{item}`"));
        }
    }
    Ok(())
}

/// Whether a negation stands within [`NEGATION_REACH`] words before `words[i]`.
fn negated(words: &[&str], i: usize) -> bool {
    words[i.saturating_sub(NEGATION_REACH)..i].iter().any(|w| NEGATIONS.contains(w))
}

/// Words that, shortly before a component's name, say the user does not want it
/// ("no NAT", "without a key pair", "don't need a bastion"). `don` is how "don't"
/// reads once punctuation is gone.
const NEGATIONS: &[&str] = &["no", "not", "without", "don", "dont", "never", "except", "excluding", "exclude", "skip", "minus", "nor"];
/// How many words before the name a negation may stand: "don't need a NAT
/// gateway" reads "don t need a nat gateway".
const NEGATION_REACH: usize = 4;

/// Whether the request names the component (by id, name or synonym) right after a
/// negation. A model may only exclude what the user said they do not want:
/// "a subnet group" must not exclude subnets.
fn mentions_negated(said: &str, c: &Component) -> bool {
    let words: Vec<&str> = said.split(' ').collect();
    let names: Vec<String> = std::iter::once(c.id.replace('_', " "))
        .chain(std::iter::once(c.name.clone()))
        .chain(c.synonyms.iter().cloned())
        .map(|w| normalise(&w))
        .filter(|w| !w.is_empty())
        .collect();
    names.iter().any(|name| {
        let phrase: Vec<&str> = name.split(' ').collect();
        (0..words.len()).filter(|&i| words[i..].starts_with(&phrase)).any(|i| negated(&words, i))
    })
}

/// A region code from a code, name or alias.
fn region_code(kb: &KnowledgeBase, raw: &str) -> Option<String> {
    let r = raw.trim().to_ascii_lowercase();
    kb.regions
        .iter()
        .find(|reg| reg.code == r || reg.name.eq_ignore_ascii_case(&r) || reg.aliases.iter().any(|a| a.eq_ignore_ascii_case(&r)))
        .map(|reg| reg.code.clone())
}

/// Lowercase, punctuation other than `. / - : _` turned into spaces, a number
/// split from a unit written against it, spaces collapsed:
/// "Open 10.0.0.0/16 and 20GB, please!" → "open 10.0.0.0/16 and 20 gb please".
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = ' ';
    for c in text.to_lowercase().chars() {
        let c = if c.is_alphanumeric() || matches!(c, '.' | '/' | '-' | ':' | '_') { c } else { ' ' };
        if prev.is_ascii_digit() && c.is_alphabetic() {
            out.push(' ');
        }
        out.push(c);
        prev = c;
    }
    out.split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tc_knowledge::knowledge;

    #[test]
    fn exclusions_need_the_user_to_say_no() {
        let kb = knowledge();
        // (request, proposed exclusion, accepted)
        let cases = [
            ("two app servers, no NAT gateway please", "nat_gateway", true),
            ("a vpc without a nat gateway", "nat_gateway", true),
            ("a vpc, we don't need a NAT gateway", "nat_gateway", true),
            ("rds mysql in a subnet group", "subnet", false),
            ("a vpc with a nat gateway", "nat_gateway", false),
            ("a web server", "nat_gateway", false),
        ];
        for (text, excluded, accepted) in cases {
            let out = merge(kb, text, &Intent::default(), &json!({"components": [], "excluded": [excluded]}));
            assert_eq!(out.intent.excluded.contains(&excluded.to_string()), accepted, "{text} / {excluded}: {:?}", out.dropped);
        }
    }

    #[test]
    fn values_must_appear_in_the_request() {
        let kb = knowledge();
        let proposal = |params: Value| json!({"components": [{"component": "rds_instance", "params": params}]});
        // (request, proposed params, kept parameter ids)
        let cases: Vec<(&str, Value, Vec<&str>)> = vec![
            ("a postgres db with 50GB", json!({"allocated_storage": 50, "engine": "postgres"}), vec!["allocated_storage", "engine"]),
            ("a postgres db", json!({"allocated_storage": 50}), vec![]),
            ("a db called orders-db", json!({"identifier": "orders-db"}), vec!["identifier"]),
            ("a db called orders", json!({"identifier": "orders-db"}), vec![]),
            ("a multi-az db", json!({"multi_az": true}), vec!["multi_az"]),
            ("a db on port 5433", json!({"port": "5433"}), vec!["port"]),
            ("a db on port 5433", json!({"port": 70000}), vec![]),
            ("a db on port 5433, not 5432", json!({"port": 5432}), vec![]),
            ("not 5432 today, but next week we move it to 5432", json!({"port": 5432}), vec!["port"]),
        ];
        for (text, params, kept) in cases {
            let out = merge(kb, text, &Intent::default(), &proposal(params.clone()));
            let got: Vec<&str> = out.intent.components[0].params.keys().map(String::as_str).collect();
            assert_eq!(got, kept, "{text} / {params}: {:?}", out.dropped);
        }
    }

    #[test]
    fn the_model_cannot_add_what_the_user_excluded() {
        let kb = knowledge();
        let offline = Intent { excluded: vec!["nat_gateway".into()], ..Intent::default() };
        let out = merge(kb, "a vpc, no nat gateway", &offline, &json!({"components": [{"component": "nat_gateway"}]}));
        assert!(out.intent.components.is_empty());
        assert_eq!(out.intent.excluded, vec!["nat_gateway"]);
        assert_eq!(out.dropped[0].why, "the request excludes it");
    }

    #[test]
    fn normalising_keeps_values_comparable() {
        assert_eq!(normalise("Open 10.0.0.0/16 and 20GB, please!"), "open 10.0.0.0/16 and 20 gb please");
        assert_eq!(normalise("db.t3.micro."), "db.t3.micro");
    }
}
