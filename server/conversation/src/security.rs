//! Answer-time security rules: the insecure choices a user must confirm
//! explicitly (and that are then recorded as security decisions).
//!
//! The rules look at a resource's values by parameter meaning rather than by one
//! component's exact parameter names, so new knowledge-base components are covered
//! as long as they use the conventional names (`*cidr*`, `*port*`,
//! `publicly_accessible`, `*encrypt*`, `*action*`).

use serde_json::Value;
use std::collections::BTreeMap;
use tc_knowledge::{Category, Component, ParamType};

/// Rule ids and titles, documented in docs/conversation.md.
pub const RULES: &[(&str, &str)] = &[
    ("TC-SG-001", "SSH (port 22) open to the whole internet"),
    ("TC-SG-002", "RDP (port 3389) open to the whole internet"),
    ("TC-SG-003", "A database port open to the whole internet"),
    ("TC-DB-001", "A publicly accessible database"),
    ("TC-ENC-001", "Storage without encryption at rest"),
    ("TC-IAM-001", "IAM actions with a `*` wildcard"),
    ("TC-S3-001", "A bucket without its public access block"),
    ("TC-EC2-001", "A public IP address on an instance"),
];

/// Ports of database engines and caches that must never face the internet.
const DB_PORTS: &[(i64, &str)] = &[
    (3306, "MySQL/MariaDB"),
    (5432, "PostgreSQL"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (6379, "Redis"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
    (5439, "Redshift"),
    (9200, "Elasticsearch"),
];

/// One rule firing on a resource, tied to the parameter that causes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    /// The parameters whose values cause it (changing any of them may fix it).
    pub params: Vec<String>,
    pub message: String,
    pub needs_confirmation: bool,
}

fn is_open_to_world(v: &Value) -> bool {
    match v {
        Value::String(s) => s == "0.0.0.0/0" || s == "::/0",
        Value::Array(items) => items.iter().any(is_open_to_world),
        _ => false,
    }
}

/// Port numbers in a value: numbers, numeric strings and "from-to" ranges
/// (a range counts as every port it covers, checked against the rules' ports).
fn ports_in(v: &Value, out: &mut Vec<(i64, i64)>) {
    match v {
        Value::Number(n) => {
            if let Some(p) = n.as_i64() {
                out.push((p, p));
            }
        }
        Value::String(s) => {
            let (a, b) = s.split_once('-').unwrap_or((s, s));
            if let (Ok(a), Ok(b)) = (a.trim().parse(), b.trim().parse()) {
                out.push((a, b));
            }
        }
        Value::Array(items) => items.iter().for_each(|i| ports_in(i, out)),
        _ => {}
    }
}

/// Evaluates every rule on one resource. `implied_ports` are ports the resource
/// opens without naming them (a database's port on the security group it uses).
pub fn check(component: &Component, values: &BTreeMap<String, Value>, implied_ports: &[i64]) -> Vec<Finding> {
    let mut out = Vec::new();
    let param_kind = |id: &str| component.parameters.iter().find(|p| p.id == id).map(|p| p.kind);

    // Open ingress: a CIDR parameter with 0.0.0.0/0 together with the ports it opens.
    let open: Vec<&String> = values
        .iter()
        .filter(|(id, v)| {
            (id.contains("cidr") || matches!(param_kind(id), Some(ParamType::Cidr | ParamType::CidrList)))
                && !id.contains("egress")
                && is_open_to_world(v)
        })
        .map(|(id, _)| id)
        .collect();
    if !open.is_empty() && component.id != "vpc" && !component.id.contains("subnet") {
        let mut ranges = Vec::new();
        let mut port_params = Vec::new();
        for (id, v) in values {
            if (id.contains("port") || param_kind(id) == Some(ParamType::Port)) && !id.contains("egress") {
                let before = ranges.len();
                ports_in(v, &mut ranges);
                if ranges.len() > before {
                    port_params.push(id.clone());
                }
            }
        }
        // A from/to pair is one range, not two single ports.
        if let (Some(a), Some(b)) = (values.get("from_port").and_then(Value::as_i64), values.get("to_port").and_then(Value::as_i64)) {
            ranges.push((a.min(b), a.max(b)));
        }
        ranges.extend(implied_ports.iter().map(|p| (*p, *p)));
        let covers = |p: i64| ranges.iter().any(|(a, b)| *a <= p && p <= *b);
        let mut params: Vec<String> = open.iter().map(|s| s.to_string()).collect();
        params.extend(port_params);
        if covers(22) {
            out.push(Finding {
                rule: "TC-SG-001",
                params: params.clone(),
                message: "SSH (port 22) would be open to the whole internet (0.0.0.0/0): anyone can try to log in. Prefer your own address (e.g. 203.0.113.7/32) or SSM Session Manager.".into(),
                needs_confirmation: true,
            });
        }
        if covers(3389) {
            out.push(Finding {
                rule: "TC-SG-002",
                params: params.clone(),
                message: "RDP (port 3389) would be open to the whole internet (0.0.0.0/0): a common ransomware entry point. Restrict it to your own address.".into(),
                needs_confirmation: true,
            });
        }
        if let Some((port, name)) = DB_PORTS.iter().find(|(p, _)| covers(*p)) {
            out.push(Finding {
                rule: "TC-SG-003",
                params,
                message: format!("The {name} port {port} would be open to the whole internet (0.0.0.0/0). Databases should only accept traffic from the app's security group or your VPC."),
                needs_confirmation: true,
            });
        }
    }

    for (id, v) in values {
        let b = v.as_bool();
        if id == "publicly_accessible" && b == Some(true) && component.category == Category::Database {
            out.push(Finding {
                rule: "TC-DB-001",
                params: vec![id.clone()],
                message: "A publicly accessible database gets an address reachable from the internet. Keep it private and reach it from your app or a bastion.".into(),
                needs_confirmation: true,
            });
        }
        if id.contains("encrypt") && b == Some(false) {
            out.push(Finding {
                rule: "TC-ENC-001",
                params: vec![id.clone()],
                message: format!("{} would store data unencrypted at rest. Encryption costs nothing extra and is required by most compliance standards.", component.name),
                needs_confirmation: true,
            });
        }
        if id.contains("block_public") && b == Some(false) {
            out.push(Finding {
                rule: "TC-S3-001",
                params: vec![id.clone()],
                message: "Without the public access block, one wrong policy or ACL makes the bucket's objects public.".into(),
                needs_confirmation: true,
            });
        }
        if id.contains("action") && has_wildcard_action(v) {
            out.push(Finding {
                rule: "TC-IAM-001",
                params: vec![id.clone()],
                message: "A `*` in IAM actions grants every action of the service (or of AWS): list only the actions the app needs, e.g. \"s3:GetObject\".".into(),
                needs_confirmation: true,
            });
        }
        if id == "associate_public_ip" && b == Some(true) {
            out.push(Finding {
                rule: "TC-EC2-001",
                params: vec![id.clone()],
                message: "The instance gets a public IP address; only the ports its security group opens are reachable.".into(),
                needs_confirmation: false,
            });
        }
    }
    out
}

fn has_wildcard_action(v: &Value) -> bool {
    match v {
        Value::String(s) => s.split(',').any(|a| {
            let a = a.trim();
            a == "*" || a.ends_with(":*")
        }),
        Value::Array(items) => items.iter().any(has_wildcard_action),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Built through serde so that fields the knowledge model adds later keep their defaults.
    fn comp(id: &str, category: Category) -> Component {
        serde_json::from_value(json!({
            "id": id, "name": id, "description": "", "category": category, "resource_types": [], "template": id
        }))
        .unwrap()
    }

    fn rules(c: &Component, values: &[(&str, Value)], implied: &[i64]) -> Vec<&'static str> {
        let map: BTreeMap<String, Value> = values.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        check(c, &map, implied).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn rules_fire_only_on_insecure_values() {
        let sg = comp("security_group", Category::Security);
        assert_eq!(rules(&sg, &[("ingress_cidrs", json!(["0.0.0.0/0"])), ("ingress_ports", json!([22, 443]))], &[]), ["TC-SG-001"]);
        assert_eq!(rules(&sg, &[("ingress_cidrs", json!(["10.0.0.0/16"])), ("ingress_ports", json!([22]))], &[]), Vec::<&str>::new());
        assert_eq!(rules(&sg, &[("ingress_cidrs", json!(["0.0.0.0/0"])), ("ingress_ports", json!([80, 443]))], &[]), Vec::<&str>::new());
        assert_eq!(rules(&sg, &[("ingress_cidr", json!("0.0.0.0/0")), ("from_port", json!(3380)), ("to_port", json!(3390))], &[]), ["TC-SG-002"]);
        assert_eq!(rules(&sg, &[("ingress_cidrs", json!(["::/0"]))], &[5432]), ["TC-SG-003"]);
        assert_eq!(rules(&sg, &[("egress_cidrs", json!(["0.0.0.0/0"])), ("ingress_ports", json!([22]))], &[]), Vec::<&str>::new());

        let db = comp("rds_instance", Category::Database);
        assert_eq!(rules(&db, &[("publicly_accessible", json!(true)), ("storage_encrypted", json!(false))], &[]), ["TC-DB-001", "TC-ENC-001"]);
        assert!(rules(&db, &[("publicly_accessible", json!(false)), ("storage_encrypted", json!(true))], &[]).is_empty());

        let policy = comp("iam_policy", Category::Identity);
        assert_eq!(rules(&policy, &[("actions", json!(["s3:*"]))], &[]), ["TC-IAM-001"]);
        assert_eq!(rules(&policy, &[("actions", json!(["*"]))], &[]), ["TC-IAM-001"]);
        assert!(rules(&policy, &[("actions", json!(["s3:GetObject", "s3:PutObject"]))], &[]).is_empty());
    }
}
