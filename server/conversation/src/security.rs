//! Answer-time security rules: the insecure choices a user must confirm
//! explicitly (and that are then recorded as security decisions).
//!
//! A finding carries the id of the `tc_rules` rule that the generated code would
//! trip, with that rule's title, so the conversation, the editor's diagnostics
//! and `terraconverse check` name the same problem the same way. The rule is
//! chosen by what the finding is about ([`Kind`]) and by the resource types of the
//! component (`TC-VPC-002` only where the component generates a security group).
//! Where no `tc_rules` rule covers the generated resource (a database port open to
//! the world, an unencrypted Aurora cluster, a `service:*` action), the finding
//! uses one of the conversation's own rules in [`RULES`], whose ids start with
//! `TC-CONV-` so they cannot be mistaken for a `check` rule.
//!
//! The rules look at a resource's values by parameter meaning rather than by one
//! component's exact parameter names, so new knowledge-base components are covered
//! as long as they use the conventional names (`*cidr*`, `*port*`,
//! `publicly_accessible`, `*encrypt*`, `*action*`).

use serde_json::Value;
use std::collections::BTreeMap;
use tc_knowledge::{Category, Component, ParamType};

/// What an answer-time finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SshOpen,
    RdpOpen,
    DatabasePortOpen,
    PublicDatabase,
    Unencrypted,
    UnencryptedInTransit,
    /// `*` as an action: every action of every service.
    AllActions,
    /// `service:*`: every action of one service.
    ServiceActions,
    BucketPublicAccess,
    PublicIp,
}

impl Kind {
    /// The `tc_rules` rules the generated code trips for this kind, most specific
    /// first; the first one that applies to the component's resource types is used.
    fn check_rules(self) -> &'static [&'static str] {
        match self {
            Kind::SshOpen => &["TC-VPC-002"],
            Kind::RdpOpen => &["TC-VPC-003"],
            Kind::DatabasePortOpen => &[],
            Kind::PublicDatabase => &["TC-RDS-002"],
            Kind::Unencrypted => &["TC-RDS-001", "TC-EBS-001", "TC-EC2-002", "TC-ECACHE-001"],
            Kind::UnencryptedInTransit => &["TC-ECACHE-002"],
            // The generated policies are `data.aws_iam_policy_document`s, which
            // TC-IAM-004 (like checkov's CKV_AWS_63) does not read: `check` cannot
            // see a `*` there, so the conversation's own rule names it.
            Kind::AllActions | Kind::ServiceActions => &[],
            // An all-false public access block trips TC-S3-004 to TC-S3-007 together;
            // the first names the decision.
            Kind::BucketPublicAccess => &["TC-S3-004"],
            Kind::PublicIp => &["TC-EC2-004"],
        }
    }

    /// The conversation's own rule, used where no `tc_rules` rule applies.
    fn own_rule(self) -> &'static str {
        match self {
            Kind::SshOpen | Kind::RdpOpen | Kind::DatabasePortOpen => "TC-CONV-001",
            Kind::Unencrypted | Kind::UnencryptedInTransit => "TC-CONV-002",
            Kind::AllActions | Kind::ServiceActions => "TC-CONV-003",
            Kind::PublicDatabase => "TC-CONV-004",
            Kind::BucketPublicAccess => "TC-CONV-005",
            Kind::PublicIp => "TC-CONV-006",
        }
    }
}

/// The conversation's own rules: answer-time warnings about resources no
/// `tc_rules` rule covers (none of the 68 checkov checks it implements does).
/// Documented in docs/conversation.md.
pub const RULES: &[(&str, &str)] = &[
    ("TC-CONV-001", "A remote-administration or database port open to the whole internet"),
    ("TC-CONV-002", "Storage without encryption"),
    ("TC-CONV-003", "IAM policy actions with a `*` wildcard"),
    ("TC-CONV-004", "A publicly accessible database"),
    ("TC-CONV-005", "A bucket without its public access block"),
    ("TC-CONV-006", "A public IP address on an instance"),
];

/// The rule id and title a finding of `kind` on `component` carries.
pub fn rule_for(kind: Kind, component: &Component) -> (&'static str, &'static str) {
    for id in kind.check_rules() {
        let rule = tc_rules::rule(id).unwrap_or_else(|| panic!("{id} is a tc_rules rule (kept in step by the unit tests)"));
        if rule.resource_types.iter().any(|t| component.resource_types.iter().any(|c| c == t)) {
            return (rule.id, rule.title);
        }
    }
    let own = kind.own_rule();
    let title = RULES.iter().find(|(id, _)| *id == own).map(|(_, t)| *t).unwrap_or_default();
    (own, title)
}

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
    pub kind: Kind,
    /// The `tc_rules` rule id (or a `TC-CONV-` id, see the module documentation).
    pub rule: &'static str,
    /// The rule's title, from `tc_rules` for its rules.
    pub title: &'static str,
    /// The parameters whose values cause it (changing any of them may fix it).
    pub params: Vec<String>,
    pub message: String,
    pub needs_confirmation: bool,
}

/// The rules an answer about `component` can ever raise (id, title), judged by
/// its parameter names the way [`check`] reads them: what a test must cover.
pub fn possible_rules(component: &Component) -> Vec<(&'static str, &'static str)> {
    let has = |f: &dyn Fn(&str, ParamType) -> bool| component.parameters.iter().any(|p| f(&p.id, p.kind));
    let mut kinds = Vec::new();
    let cidr = has(&|id, k| (id.contains("cidr") || matches!(k, ParamType::Cidr | ParamType::CidrList)) && !id.contains("egress"));
    let port = has(&|id, k| (id.contains("port") || k == ParamType::Port || k == ParamType::PortList) && !id.contains("egress"));
    // A security group opens the ports of the databases using it, so it can open
    // every kind of port even without a port parameter.
    if cidr && (port || component.resource_types.iter().any(|t| t == "aws_security_group")) && component.id != "vpc" && !component.id.contains("subnet") {
        kinds.extend([Kind::SshOpen, Kind::RdpOpen, Kind::DatabasePortOpen]);
    }
    if component.category == Category::Database && has(&|id, _| id == "publicly_accessible") {
        kinds.push(Kind::PublicDatabase);
    }
    if has(&|id, _| id.contains("encrypt") && !id.contains("transit")) {
        kinds.push(Kind::Unencrypted);
    }
    if has(&|id, _| id.contains("encrypt") && id.contains("transit")) {
        kinds.push(Kind::UnencryptedInTransit);
    }
    if has(&|id, _| id.contains("action")) {
        kinds.extend([Kind::AllActions, Kind::ServiceActions]);
    }
    if has(&|id, _| id.contains("block_public")) {
        kinds.push(Kind::BucketPublicAccess);
    }
    if has(&|id, _| id == "associate_public_ip") {
        kinds.push(Kind::PublicIp);
    }
    kinds.into_iter().map(|k| rule_for(k, component)).collect()
}

impl Finding {
    fn new(kind: Kind, component: &Component, params: Vec<String>, message: String, needs_confirmation: bool) -> Finding {
        let (rule, title) = rule_for(kind, component);
        Finding { kind, rule, title, params, message, needs_confirmation }
    }
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
            out.push(Finding::new(
                Kind::SshOpen,
                component,
                params.clone(),
                "SSH (port 22) would be open to the whole internet (0.0.0.0/0): anyone can try to log in. Prefer your own address (e.g. 203.0.113.7/32) or SSM Session Manager.".into(),
                true,
            ));
        }
        if covers(3389) {
            out.push(Finding::new(
                Kind::RdpOpen,
                component,
                params.clone(),
                "RDP (port 3389) would be open to the whole internet (0.0.0.0/0): a common ransomware entry point. Restrict it to your own address.".into(),
                true,
            ));
        }
        if let Some((port, name)) = DB_PORTS.iter().find(|(p, _)| covers(*p)) {
            out.push(Finding::new(
                Kind::DatabasePortOpen,
                component,
                params,
                format!("The {name} port {port} would be open to the whole internet (0.0.0.0/0). Databases should only accept traffic from the app's security group or your VPC."),
                true,
            ));
        }
    }

    for (id, v) in values {
        let b = v.as_bool();
        if id == "publicly_accessible" && b == Some(true) && component.category == Category::Database {
            out.push(Finding::new(
                Kind::PublicDatabase,
                component,
                vec![id.clone()],
                "A publicly accessible database gets an address reachable from the internet. Keep it private and reach it from your app or a bastion.".into(),
                true,
            ));
        }
        if id.contains("encrypt") && b == Some(false) {
            let (kind, message) = if id.contains("transit") {
                (Kind::UnencryptedInTransit, format!("{} would send data unencrypted over the network. Turn in-transit encryption on; clients only need TLS enabled.", component.name))
            } else {
                (Kind::Unencrypted, format!("{} would store data unencrypted at rest. Encryption costs nothing extra and is required by most compliance standards.", component.name))
            };
            out.push(Finding::new(kind, component, vec![id.clone()], message, true));
        }
        if id.contains("block_public") && b == Some(false) {
            out.push(Finding::new(
                Kind::BucketPublicAccess,
                component,
                vec![id.clone()],
                "Without the public access block, one wrong policy or ACL makes the bucket's objects public.".into(),
                true,
            ));
        }
        if let Some(all) = id.contains("action").then(|| wildcard_action(v)).flatten() {
            let (kind, message) = if all {
                (Kind::AllActions, "A `*` action grants every action of every AWS service: list only the actions the app needs, e.g. \"s3:GetObject\".")
            } else {
                (Kind::ServiceActions, "A `service:*` action grants every action of that service: list only the actions the app needs, e.g. \"s3:GetObject\".")
            };
            out.push(Finding::new(kind, component, vec![id.clone()], message.into(), true));
        }
        if id == "associate_public_ip" && b == Some(true) {
            out.push(Finding::new(
                Kind::PublicIp,
                component,
                vec![id.clone()],
                "The instance gets a public IP address; only the ports its security group opens are reachable.".into(),
                false,
            ));
        }
    }
    out
}

/// Whether IAM actions hold a wildcard: `Some(true)` for `*` itself (every
/// action of every service), `Some(false)` for `service:*` only, `None` for none.
fn wildcard_action(v: &Value) -> Option<bool> {
    let mut found = None;
    let mut visit = |a: &str| {
        let a = a.trim();
        if a == "*" {
            found = Some(true);
        } else if a.ends_with(":*") && found.is_none() {
            found = Some(false);
        }
    };
    match v {
        Value::String(s) => s.split(',').for_each(&mut visit),
        Value::Array(items) => items.iter().filter_map(Value::as_str).flat_map(|s| s.split(',')).for_each(&mut visit),
        _ => {}
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A component of the knowledge base, so the rule choice sees its real resource types.
    fn comp(id: &str) -> &'static Component {
        tc_knowledge::knowledge().component(id).unwrap_or_else(|| panic!("no component {id}"))
    }

    fn rules(c: &Component, values: &[(&str, Value)], implied: &[i64]) -> Vec<&'static str> {
        let map: BTreeMap<String, Value> = values.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        check(c, &map, implied).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn rules_fire_only_on_insecure_values() {
        let sg = comp("security_group");
        assert_eq!(rules(sg, &[("ingress_cidrs", json!(["0.0.0.0/0"])), ("ingress_ports", json!([22, 443]))], &[]), ["TC-VPC-002"]);
        assert_eq!(rules(sg, &[("ingress_cidrs", json!(["10.0.0.0/16"])), ("ingress_ports", json!([22]))], &[]), Vec::<&str>::new());
        assert_eq!(rules(sg, &[("ingress_cidrs", json!(["0.0.0.0/0"])), ("ingress_ports", json!([80, 443]))], &[]), Vec::<&str>::new());
        assert_eq!(rules(sg, &[("ingress_cidr", json!("0.0.0.0/0")), ("from_port", json!(3380)), ("to_port", json!(3390))], &[]), ["TC-VPC-003"]);
        assert_eq!(rules(sg, &[("ingress_cidrs", json!(["::/0"]))], &[5432]), ["TC-CONV-001"]);
        assert_eq!(rules(sg, &[("egress_cidrs", json!(["0.0.0.0/0"])), ("ingress_ports", json!([22]))], &[]), Vec::<&str>::new());
        // A network ACL is no security group: tc_rules has no rule for it, so SSH
        // open there is the conversation's own rule.
        assert_eq!(rules(comp("network_acl"), &[("ingress_cidr_block", json!("0.0.0.0/0")), ("allowed_ingress_ports", json!([22]))], &[]), ["TC-CONV-001"]);

        let db = comp("rds_instance");
        assert_eq!(rules(db, &[("publicly_accessible", json!(true)), ("storage_encrypted", json!(false))], &[]), ["TC-RDS-002", "TC-RDS-001"]);
        assert!(rules(db, &[("publicly_accessible", json!(false)), ("storage_encrypted", json!(true))], &[]).is_empty());
        // No tc_rules rule looks at aws_rds_cluster encryption.
        assert_eq!(rules(comp("aurora_cluster"), &[("storage_encrypted", json!(false))], &[]), ["TC-CONV-002"]);

        let policy = comp("iam_policy");
        assert_eq!(rules(policy, &[("actions", json!(["s3:*"]))], &[]), ["TC-CONV-003"]);
        assert_eq!(rules(policy, &[("actions", json!(["*"]))], &[]), ["TC-CONV-003"]);
        assert!(rules(policy, &[("actions", json!(["s3:GetObject", "s3:PutObject"]))], &[]).is_empty());

        assert_eq!(rules(comp("s3_bucket"), &[("block_public_access", json!(false))], &[]), ["TC-S3-004"]);
        assert_eq!(rules(comp("ec2_instance"), &[("associate_public_ip", json!(true))], &[]), ["TC-EC2-004"]);
    }

    /// Every id a finding can carry is a tc_rules rule (with its title) or one of
    /// the conversation's own `TC-CONV-` rules; an id tc_rules renames fails here.
    #[test]
    fn every_rule_id_resolves() {
        let kinds = [
            Kind::SshOpen,
            Kind::RdpOpen,
            Kind::DatabasePortOpen,
            Kind::PublicDatabase,
            Kind::Unencrypted,
            Kind::UnencryptedInTransit,
            Kind::AllActions,
            Kind::ServiceActions,
            Kind::BucketPublicAccess,
            Kind::PublicIp,
        ];
        for kind in kinds {
            for id in kind.check_rules() {
                assert!(tc_rules::rule(id).is_some(), "{kind:?}: {id} is not a tc_rules rule");
            }
            assert!(RULES.iter().any(|(id, _)| *id == kind.own_rule()), "{kind:?}: own rule missing");
            for c in tc_knowledge::knowledge().components.values() {
                let (id, title) = rule_for(kind, c);
                match tc_rules::rule(id) {
                    Some(r) => assert_eq!(r.title, title),
                    None => assert!(id.starts_with("TC-CONV-") && !title.is_empty(), "{id}"),
                }
            }
        }
        for (id, _) in RULES {
            assert!(tc_rules::rule(id).is_none(), "{id} must not clash with a tc_rules id");
        }
    }
}
