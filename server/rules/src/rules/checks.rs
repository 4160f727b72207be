//! The check functions. Each documents the checkov behaviour it follows where that is
//! not obvious from the rule title.

use super::policy::{self, Policy};
use super::{Failure, Verdict};
use crate::eval::Value;
use crate::fix::{add_after, set_attr, set_nested};
use crate::model::{Module, Obj, Resource};
use crate::{Fix, Related};
use std::ops::Range;

/// What a path (`block/.../attr`) holds in a resource.
enum Look<'a> {
    Missing,
    Unknown,
    Val(&'a Value, Range<usize>),
}

fn look<'a>(obj: &'a Obj, path: &[&str]) -> Look<'a> {
    match path {
        [] => Look::Missing,
        [name] => match obj.attr(name) {
            Some(a) if obj.uncertain && (a.value.is_unknown() || !a.value.is_known()) => Look::Unknown,
            Some(a) => match &a.value {
                Value::Unknown | Value::Template(_) => Look::Unknown,
                Value::Null => Look::Missing,
                v => Look::Val(v, a.span.clone()),
            },
            None => Look::Missing,
        },
        [first, rest @ ..] => match obj.block(first) {
            Some(b) => look(b, rest),
            None => match obj.attr(first) {
                // `block = { … }` or `block = [{ … }]` written as an attribute.
                Some(a) => match obj.path(path) {
                    Value::Unknown => Look::Unknown,
                    Value::Null => Look::Missing,
                    v => Look::Val(v, a.span.clone()),
                },
                None => Look::Missing,
            },
        },
    }
}

fn is_true(v: &Value) -> bool {
    v.as_bool() == Some(true)
}

/// checkov's BaseResourceValueCheck: a missing attribute fails, an unknown value is no
/// finding, a value outside `ok` fails. The fix sets the attribute to `fix_value`.
fn value_check(
    m: &Module,
    r: &Resource,
    path: &[&str],
    ok: impl Fn(&Value) -> bool,
    what: &str,
    fix_value: Option<&str>,
) -> Verdict {
    let fix = || -> Option<Fix> {
        let v = fix_value?;
        let title = format!("Set {} = {}", path.join("."), v);
        match path {
            [name] => set_attr(m, r, &r.body, name, v, &title),
            [block, name] => set_nested(m, r, block, name, v, &title),
            _ => None,
        }
    };
    match look(&r.body, path) {
        Look::Missing => Verdict::Fail(Failure::new(format!("{} is not set: {what}", path.join("."))).fix(fix())),
        Look::Unknown => Verdict::Unknown,
        Look::Val(Value::Ref(_), _) => Verdict::Unknown,
        Look::Val(v, span) => {
            if ok(v) {
                Verdict::Pass
            } else {
                Verdict::Fail(Failure::new(format!("{} is {}: {what}", path.join("."), show(v))).at(Some(span)).fix(fix()))
            }
        }
    }
}

/// Like [`value_check`] but any set value (including a reference) passes.
fn any_value_check(r: &Resource, path: &[&str], what: &str) -> Verdict {
    match look(&r.body, path) {
        Look::Missing => Verdict::Fail(Failure::new(format!("{} is not set: {what}", path.join(".")))),
        Look::Unknown => Verdict::Unknown,
        Look::Val(v, span) if !v.is_set() => Verdict::Fail(Failure::new(format!("{} is empty: {what}", path.join("."))).at(Some(span))),
        Look::Val(..) => Verdict::Pass,
    }
}

/// checkov's BaseResourceNegativeValueCheck: fails only when the value is forbidden.
fn negative_check(
    m: &Module,
    r: &Resource,
    path: &[&str],
    bad: impl Fn(&Value) -> bool,
    what: &str,
    fix_value: Option<&str>,
) -> Verdict {
    match look(&r.body, path) {
        Look::Val(v, span) if bad(v) => {
            let fix = fix_value.and_then(|fv| {
                let title = format!("Set {} = {}", path.join("."), fv);
                match path {
                    [name] => set_attr(m, r, &r.body, name, fv, &title),
                    [block, name] => r.body.block(block).and_then(|b| set_attr(m, r, b, name, fv, &title)),
                    _ => None,
                }
            });
            Verdict::Fail(Failure::new(format!("{} is {}: {what}", path.join("."), show(v))).at(Some(span)).fix(fix))
        }
        Look::Unknown => Verdict::Unknown,
        _ => Verdict::Pass,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("\"{s}\""),
        Value::Bool(b) => b.to_string(),
        Value::Num(n) => crate::eval::fmt_num(*n),
        Value::Null => "null".into(),
        Value::List(l) if l.is_empty() => "[]".into(),
        _ => "set".into(),
    }
}

fn related(m: &Module, r: &Resource, message: &str) -> Related {
    let file = m.file(r);
    let span = r.body.span.clone();
    Related {
        resource: r.display(),
        file: file.path.clone(),
        start_line: r.start_line,
        end_line: r.end_line,
        range: span,
        message: message.to_string(),
    }
}

/// Resources of `types` connected to `r` (either references the other), the way checkov's
/// graph connects resources.
fn connected<'a>(m: &'a Module, r: &'a Resource, types: &'a [&'a str]) -> impl Iterator<Item = &'a Resource> + 'a {
    let addr = r.address();
    m.of_type(types).filter(move |o| o.references(&addr) || r.references(&o.address()))
}

/// A free name for a companion resource of `rtype` named after `r` (`name`, `name_2`, …),
/// so a fix never declares a resource twice.
fn companion_name(m: &Module, rtype: &str, r: &Resource) -> String {
    let taken = |n: &str| m.resources.iter().any(|o| o.rtype == rtype && o.name == n);
    let mut name = r.name.clone();
    let mut i = 2;
    while taken(&name) {
        name = format!("{}_{i}", r.name);
        i += 1;
    }
    name
}

// ---------------------------------------------------------------- load balancers

pub fn alb_https(_m: &Module, r: &Resource) -> Verdict {
    let protocol = match look(&r.body, &["protocol"]) {
        Look::Unknown => return Verdict::Unknown,
        Look::Missing => None,
        Look::Val(v, span) => match v.as_str() {
            Some(s) => Some((s.to_string(), span)),
            None => return Verdict::Unknown,
        },
    };
    match &protocol {
        Some((p, _)) if ["HTTPS", "TLS", "TCP", "UDP", "TCP_UDP"].contains(&p.as_str()) => return Verdict::Pass,
        Some((p, _)) if p == "HTTP" => {
            if let Some(da) = r.body.block("default_action") {
                if da.get("type").as_str() == Some("redirect") {
                    if let Some(rd) = da.block("redirect") {
                        match rd.get("protocol") {
                            Value::Str(s) if s == "HTTPS" => return Verdict::Pass,
                            Value::Null | Value::Unknown => return Verdict::Unknown,
                            _ => {}
                        }
                    }
                }
            }
        }
        _ => {}
    }
    let span = protocol.map(|(_, s)| s);
    Verdict::Fail(
        Failure::new("The listener accepts plain HTTP: use protocol = \"HTTPS\" with a certificate, or redirect to HTTPS in default_action.")
            .at(span),
    )
}

pub fn lb_access_logs(m: &Module, r: &Resource) -> Verdict {
    if r.body.get("load_balancer_type").as_str() == Some("gateway") {
        return Verdict::Unknown;
    }
    value_check(m, r, &["access_logs", "enabled"], is_true, "access logs record who called the load balancer", None)
}

pub fn alb_drop_headers(m: &Module, r: &Resource) -> Verdict {
    if matches!(r.body.get("load_balancer_type").as_str(), Some("gateway") | Some("network")) {
        return Verdict::Unknown;
    }
    value_check(m, r, &["drop_invalid_header_fields"], is_true, "invalid HTTP headers enable request smuggling", Some("true"))
}

pub fn lb_deletion(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["enable_deletion_protection"], is_true, "the load balancer can be deleted by accident", Some("true"))
}

/// CKV_AWS_103: TCP/UDP listeners pass; HTTPS/TLS need a TLS 1.2+ policy; a redirect to
/// HTTPS passes; listeners of gateway load balancers pass.
pub fn lb_tls12(m: &Module, r: &Resource) -> Verdict {
    let protocol = match look(&r.body, &["protocol"]) {
        Look::Unknown => return Verdict::Unknown,
        Look::Missing => None,
        Look::Val(v, _) => match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => return Verdict::Unknown,
        },
    };
    if let Some(p) = &protocol {
        if ["TCP", "UDP", "TCP_UDP"].contains(&p.as_str()) {
            return Verdict::Pass;
        }
    }
    if let Some(da) = r.body.block("default_action") {
        if da.get("type").as_str() == Some("redirect") && da.block("redirect").map(|b| b.get("protocol").as_str() == Some("HTTPS")).unwrap_or(false) {
            return Verdict::Pass;
        }
    }
    if connected(m, r, &["aws_lb"]).any(|lb| lb.body.get("load_balancer_type").as_str() == Some("gateway")) {
        return Verdict::Pass;
    }
    if let Some(p) = &protocol {
        if p == "HTTPS" || p == "TLS" {
            return match look(&r.body, &["ssl_policy"]) {
                Look::Unknown | Look::Val(Value::Ref(_), _) => Verdict::Unknown,
                Look::Val(Value::Str(s), _) if ["ELBSecurityPolicy-FS-1-2", "ELBSecurityPolicy-TLS-1-2", "ELBSecurityPolicy-TLS13"].iter().any(|p| s.starts_with(p)) => Verdict::Pass,
                Look::Val(v, span) => Verdict::Fail(
                    Failure::new(format!("ssl_policy {} allows TLS versions older than 1.2.", show(v)))
                        .at(Some(span))
                        .fix(set_attr(m, r, &r.body, "ssl_policy", "\"ELBSecurityPolicy-TLS13-1-2-2021-06\"", "Use the TLS 1.3/1.2 policy ELBSecurityPolicy-TLS13-1-2-2021-06")),
                ),
                Look::Missing => Verdict::Fail(
                    Failure::new("ssl_policy is not set, so the default policy (which allows TLS 1.0) applies.")
                        .fix(set_attr(m, r, &r.body, "ssl_policy", "\"ELBSecurityPolicy-TLS13-1-2-2021-06\"", "Use the TLS 1.3/1.2 policy ELBSecurityPolicy-TLS13-1-2-2021-06")),
                ),
            };
        }
    }
    Verdict::Fail(Failure::new("The listener does not use TLS 1.2 or later (plain HTTP without a redirect to HTTPS)."))
}

/// CKV2_AWS_20: a load balancer passes when it has no listener, or every listener either
/// isn't HTTP on port 80 or redirects to HTTPS on 443.
pub fn alb_redirect(m: &Module, r: &Resource) -> Verdict {
    let mut bad = Vec::new();
    for l in connected(m, r, &["aws_lb_listener", "aws_alb_listener"]) {
        let port = l.body.get("port");
        let proto = l.body.get("protocol");
        if !port.is_known() || !proto.is_known() {
            continue;
        }
        let is80 = port.as_num() == Some(80.0);
        let http = proto.as_str() == Some("HTTP");
        if !is80 && !http {
            continue;
        }
        let redirects = l.body.block("default_action").map(|da| {
            da.get("type").as_str() == Some("redirect")
                && da.block("redirect").map(|rd| rd.get("protocol").as_str() == Some("HTTPS") && rd.get("port").as_num() == Some(443.0)).unwrap_or(false)
        });
        if is80 && http && redirects == Some(true) {
            continue;
        }
        if l.body.blocks("default_action").any(|d| d.uncertain) {
            continue;
        }
        bad.push(related(m, l, "this listener serves plain HTTP without redirecting to HTTPS"));
    }
    if bad.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(Failure::new("A listener of this load balancer serves HTTP without redirecting to HTTPS on port 443.").related(bad))
    }
}

// ---------------------------------------------------------------- EBS / EC2

pub fn ebs_encrypted(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["encrypted"], is_true, "the volume's data is stored unencrypted", Some("true"))
}

pub fn ebs_cmk(_m: &Module, r: &Resource) -> Verdict {
    any_value_check(r, &["kms_key_id"], "the volume is not encrypted with a customer-managed KMS key")
}

/// CKV_AWS_8: the root block device must be declared and every root/EBS block device
/// encrypted (or created from a snapshot).
pub fn lc_ebs_encrypted(m: &Module, r: &Resource) -> Verdict {
    let roots: Vec<&Obj> = r.body.blocks("root_block_device").collect();
    if roots.is_empty() {
        return Verdict::Fail(
            Failure::new("No root_block_device block: the root volume is created unencrypted.")
                .fix(set_nested(m, r, "root_block_device", "encrypted", "true", "Add root_block_device { encrypted = true }")),
        );
    }
    let mut unknown = false;
    for b in roots.iter().copied().chain(r.body.blocks("ebs_block_device")) {
        let enc = b.get("encrypted");
        let snap = b.get("snapshot_id");
        if enc.as_bool() == Some(false) && !snap.is_set() {
            let span = b.attr("encrypted").map(|a| a.span.clone());
            let fix = set_attr(m, r, b, "encrypted", "true", "Set encrypted = true");
            return Verdict::Fail(Failure::new("A block device is not encrypted.").at(span).fix(fix));
        } else if enc.as_bool() == Some(true) || snap.is_set() {
            continue;
        } else if enc.is_null() && !b.uncertain {
            // checkov reports a block without `encrypted` as unknown; it is unencrypted
            // unless account-level EBS encryption is on, which the configuration can't show.
            unknown = true;
        } else {
            unknown = true;
        }
    }
    if unknown {
        Verdict::Unknown
    } else {
        Verdict::Pass
    }
}

pub fn ec2_secrets(_m: &Module, r: &Resource) -> Verdict {
    match r.body.attr("user_data") {
        Some(a) => match &a.value {
            Value::Str(s) if policy::has_secret(s, false) => Verdict::Fail(
                Failure::new("user_data contains what looks like an AWS access key or secret: pass credentials through an instance profile or Secrets Manager.").at(Some(a.span.clone())),
            ),
            _ => Verdict::Pass,
        },
        None => Verdict::Pass,
    }
}

/// CKV_AWS_79: `metadata_options` must require tokens, unless the endpoint is disabled.
pub fn imdsv2(m: &Module, r: &Resource) -> Verdict {
    let fix = || set_nested(m, r, "metadata_options", "http_tokens", "\"required\"", "Require IMDSv2 (metadata_options { http_tokens = \"required\" })");
    let Some(mo) = r.body.block("metadata_options") else {
        return match r.body.attr("metadata_options") {
            Some(a) if !a.value.is_known() => Verdict::Unknown,
            _ => Verdict::Fail(Failure::new("metadata_options is not set, so IMDSv1 stays enabled: credentials can be stolen through SSRF.").fix(fix())),
        };
    };
    if mo.get("http_endpoint").as_str() == Some("disabled") {
        return Verdict::Pass;
    }
    match look(mo, &["http_tokens"]) {
        Look::Unknown => Verdict::Unknown,
        Look::Val(Value::Str(s), _) if s == "required" => Verdict::Pass,
        Look::Val(Value::Ref(_), _) => Verdict::Unknown,
        Look::Val(v, span) => Verdict::Fail(Failure::new(format!("http_tokens is {}, so IMDSv1 stays enabled.", show(v))).at(Some(span)).fix(fix())),
        Look::Missing => Verdict::Fail(Failure::new("http_tokens is not set, so IMDSv1 stays enabled.").at(Some(mo.span.clone())).fix(fix())),
    }
}

pub fn ec2_public_ip(m: &Module, r: &Resource) -> Verdict {
    let path: &[&str] = if r.rtype == "aws_launch_template" { &["network_interfaces", "associate_public_ip_address"] } else { &["associate_public_ip_address"] };
    negative_check(m, r, path, is_true, "the instance is reachable from the internet", Some("false"))
}

pub fn ec2_monitoring(m: &Module, r: &Resource) -> Verdict {
    if r.rtype == "aws_launch_template" {
        // Launch templates only fail when monitoring is explicitly switched off.
        return match look(&r.body, &["monitoring"]) {
            Look::Val(v, span) if v.as_bool() == Some(false) => Verdict::Fail(Failure::new("monitoring = false: detailed monitoring is off.").at(Some(span))),
            _ => match look(&r.body, &["monitoring", "enabled"]) {
                Look::Val(v, span) if v.as_bool() == Some(false) => Verdict::Fail(Failure::new("monitoring.enabled = false: detailed monitoring is off.").at(Some(span))),
                _ => Verdict::Pass,
            },
        };
    }
    value_check(m, r, &["monitoring"], is_true, "detailed (1-minute) monitoring is off", Some("true"))
}

pub fn ec2_ebs_optimized(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["ebs_optimized"], is_true, "EBS traffic shares the instance's network bandwidth", Some("true"))
}

// ---------------------------------------------------------------- KMS

pub fn kms_rotation(m: &Module, r: &Resource) -> Verdict {
    match r.body.get("customer_master_key_spec") {
        Value::Null => {}
        Value::Str(s) if s.contains("SYMMETRIC_DEFAULT") || s.contains("HMAC") => {}
        _ => return Verdict::Unknown,
    }
    value_check(m, r, &["enable_key_rotation"], is_true, "the key material is never rotated", Some("true"))
}

pub fn kms_wildcard(_m: &Module, r: &Resource) -> Verdict {
    let Some(a) = r.body.attr("policy") else { return Verdict::Pass };
    let Some(p) = Policy::parse(&a.value) else { return Verdict::Pass };
    for st in p.statements() {
        if st.effect_is("Deny") || st.get("Condition").is_some() {
            continue;
        }
        if st.principal_is_wildcard(true) {
            return Verdict::Fail(Failure::new("The key policy allows any principal (\"*\") to use the key.").at(Some(a.span.clone())));
        }
    }
    Verdict::Pass
}

// ---------------------------------------------------------------- RDS

pub fn rds_encrypted(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["storage_encrypted"], is_true, "database storage and snapshots are unencrypted", Some("true"))
}

pub fn rds_public(m: &Module, r: &Resource) -> Verdict {
    negative_check(m, r, &["publicly_accessible"], is_true, "the database gets a public IP address", Some("false"))
}

pub fn rds_monitoring(m: &Module, r: &Resource) -> Verdict {
    value_check(
        m,
        r,
        &["monitoring_interval"],
        |v| v.as_num().map(|n| [1.0, 5.0, 10.0, 15.0, 30.0, 60.0].contains(&n)).unwrap_or(false),
        "enhanced monitoring is off",
        None,
    )
}

pub fn rds_logs(_m: &Module, r: &Resource) -> Verdict {
    match look(&r.body, &["enabled_cloudwatch_logs_exports"]) {
        Look::Unknown | Look::Val(Value::Ref(_), _) => Verdict::Unknown,
        Look::Val(v, _) if v.is_set() => Verdict::Pass,
        Look::Val(_, span) => Verdict::Fail(Failure::new("enabled_cloudwatch_logs_exports is empty: no database logs reach CloudWatch.").at(Some(span))),
        Look::Missing => Verdict::Fail(Failure::new("enabled_cloudwatch_logs_exports is not set: no database logs reach CloudWatch.")),
    }
}

/// CKV_AWS_133: the default retention (1 day) passes; an explicit 0 (backups off) or more
/// than 35 fails.
pub fn rds_backup(m: &Module, r: &Resource) -> Verdict {
    match look(&r.body, &["backup_retention_period"]) {
        Look::Missing => Verdict::Pass,
        Look::Unknown | Look::Val(Value::Ref(_), _) => Verdict::Unknown,
        Look::Val(v, span) => match v.as_num() {
            Some(n) if n > 0.0 && n <= 35.0 => Verdict::Pass,
            _ => Verdict::Fail(
                Failure::new(format!("backup_retention_period is {}: automated backups are off.", show(v)))
                    .at(Some(span))
                    .fix(set_attr(m, r, &r.body, "backup_retention_period", "7", "Keep automated backups for 7 days")),
            ),
        },
    }
}

pub fn rds_multi_az(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["multi_az"], is_true, "the database has no standby in another availability zone", Some("true"))
}

pub fn rds_iam_auth(m: &Module, r: &Resource) -> Verdict {
    match r.body.get("engine").as_str() {
        Some("mysql") | Some("postgres") => {}
        _ => return Verdict::Unknown,
    }
    value_check(m, r, &["iam_database_authentication_enabled"], is_true, "only password authentication is possible", Some("true"))
}

pub fn rds_minor_upgrade(m: &Module, r: &Resource) -> Verdict {
    // The provider defaults to true, but checkov (and this rule) want it written down so a
    // module default can't silently change it.
    value_check(m, r, &["auto_minor_version_upgrade"], is_true, "security patches are not applied automatically", Some("true"))
}

pub fn rds_deletion(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["deletion_protection"], is_true, "the database can be deleted by accident", Some("true"))
}

/// CKV2_AWS_60: `copy_tags_to_snapshot = true`. checkov's policy also fails instances whose
/// engine is neptune, aurora or docdb (those engines manage snapshots at cluster level).
pub fn rds_copy_tags(m: &Module, r: &Resource) -> Verdict {
    if let Look::Val(Value::Str(e), span) = look(&r.body, &["engine"]) {
        if ["neptune", "aurora", "docdb"].contains(&e.as_str()) {
            return Verdict::Fail(Failure::new(format!("Engine \"{e}\" is a cluster engine: create an aws_rds_cluster and copy tags to its snapshots there.")).at(Some(span)));
        }
    }
    value_check(m, r, &["copy_tags_to_snapshot"], is_true, "snapshots lose the instance's tags", Some("true"))
}

// ---------------------------------------------------------------- DynamoDB / ElastiCache / CloudTrail

pub fn ddb_pitr(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["point_in_time_recovery", "enabled"], is_true, "the table can't be restored to a point in time", Some("true"))
}

pub fn ddb_cmk(_m: &Module, r: &Resource) -> Verdict {
    let Some(sse) = r.body.block("server_side_encryption") else {
        return Verdict::Fail(Failure::new("server_side_encryption is not set: the table uses an AWS-owned key."));
    };
    if sse.uncertain {
        return Verdict::Unknown;
    }
    match (sse.get("enabled"), sse.get("kms_key_arn")) {
        (Value::Unknown, _) | (_, Value::Unknown) => Verdict::Unknown,
        (e, k) if is_true(e) && !k.is_null() => Verdict::Pass,
        _ => Verdict::Fail(Failure::new("The table is not encrypted with a customer-managed KMS key (set enabled = true and kms_key_arn).").at(Some(sse.span.clone()))),
    }
}

pub fn ec_at_rest(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["at_rest_encryption_enabled"], is_true, "cached data is stored unencrypted", Some("true"))
}

pub fn ec_transit(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["transit_encryption_enabled"], is_true, "clients talk to the cache in plain text", Some("true"))
}

pub fn ec_auth(_m: &Module, r: &Resource) -> Verdict {
    let t = r.body.get("transit_encryption_enabled");
    if t.is_unknown() || matches!(t, Value::Ref(_)) {
        return Verdict::Unknown;
    }
    if is_true(t) && (r.body.attr("auth_token").is_some() || r.body.attr("user_group_ids").is_some()) {
        return Verdict::Pass;
    }
    Verdict::Fail(Failure::new("The replication group needs transit_encryption_enabled = true and an auth_token (or user_group_ids)."))
}

pub fn ct_cmk(_m: &Module, r: &Resource) -> Verdict {
    any_value_check(r, &["kms_key_id"], "the trail's logs are not encrypted with your KMS key")
}

pub fn ct_validation(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["enable_log_file_validation"], is_true, "tampering with log files goes unnoticed", Some("true"))
}

pub fn ct_multi_region(m: &Module, r: &Resource) -> Verdict {
    value_check(m, r, &["is_multi_region_trail"], is_true, "activity in other regions is not recorded", Some("true"))
}

// ---------------------------------------------------------------- Lambda

pub fn lambda_secrets(_m: &Module, r: &Resource) -> Verdict {
    let Some(env) = r.body.block("environment") else { return Verdict::Pass };
    let Some(vars) = env.attr("variables") else { return Verdict::Pass };
    if let Value::Map(map) = &vars.value {
        let mut keys: Vec<&str> = Vec::new();
        for (k, v) in map {
            let strings: Vec<&str> = match v {
                Value::Str(s) => vec![s.as_str()],
                Value::List(l) => l.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if strings.iter().any(|s| policy::has_secret(s, true)) {
                keys.push(k);
            }
        }
        if !keys.is_empty() {
            return Verdict::Fail(
                Failure::new(format!("Environment variable(s) {} hold what looks like a hard-coded secret: read it from Secrets Manager or SSM at run time.", keys.join(", ")))
                    .at(Some(vars.span.clone())),
            );
        }
    }
    Verdict::Pass
}

pub fn lambda_xray(m: &Module, r: &Resource) -> Verdict {
    value_check(
        m,
        r,
        &["tracing_config", "mode"],
        |v| matches!(v.as_str(), Some("Active") | Some("PassThrough")),
        "requests through the function are not traced",
        Some("\"Active\""),
    )
}

/// CKV_AWS_115: `reserved_concurrent_executions` must be set (and not -1, "unreserved").
pub fn lambda_concurrency(_m: &Module, r: &Resource) -> Verdict {
    match look(&r.body, &["reserved_concurrent_executions"]) {
        Look::Missing => Verdict::Fail(Failure::new("reserved_concurrent_executions is not set: one function can use the account's whole concurrency.")),
        Look::Unknown => Verdict::Unknown,
        Look::Val(v, span) if v.as_num() == Some(-1.0) => {
            Verdict::Fail(Failure::new("reserved_concurrent_executions is -1 (no limit).").at(Some(span)))
        }
        Look::Val(..) => Verdict::Pass,
    }
}

pub fn lambda_dlq(_m: &Module, r: &Resource) -> Verdict {
    any_value_check(r, &["dead_letter_config", "target_arn"], "failed asynchronous invocations are lost")
}

pub fn lambda_vpc(_m: &Module, r: &Resource) -> Verdict {
    if r.body.block("vpc_config").is_some() {
        return Verdict::Pass;
    }
    any_value_check(r, &["vpc_config"], "the function runs outside your VPC")
}

/// CKV_AWS_173: with environment variables a KMS key must be set; a key without
/// variables fails too (it causes a perpetual diff); neither is not applicable.
pub fn lambda_env_kms(_m: &Module, r: &Resource) -> Verdict {
    let has_env = r.body.block("environment").is_some();
    let key = r.body.attr("kms_key_arn");
    if has_env {
        return match key {
            Some(a) if a.value.as_str() == Some("") => Verdict::Fail(Failure::new("kms_key_arn is empty: environment variables use the AWS-managed key.").at(Some(a.span.clone()))),
            Some(_) => Verdict::Pass,
            None => Verdict::Fail(Failure::new("The function has environment variables but no kms_key_arn: they are encrypted with the AWS-managed key only.")),
        };
    }
    match key {
        // Even an empty string counts (checkov): the attribute causes a perpetual diff.
        Some(a) if !a.value.is_null() => Verdict::Fail(Failure::new("kms_key_arn is set without environment variables.").at(Some(a.span.clone()))),
        _ => Verdict::Unknown,
    }
}

// ---------------------------------------------------------------- VPC / subnets / security groups

pub fn subnet_public_ip(m: &Module, r: &Resource) -> Verdict {
    negative_check(m, r, &["map_public_ip_on_launch"], is_true, "every instance launched here gets a public IP", Some("false"))
}

/// CKV_AWS_23: the group and each inline rule need a non-empty description; for
/// `aws_security_group_rule` (which has `type`) only its own description counts.
pub fn sg_description(_m: &Module, r: &Resource) -> Verdict {
    let d = r.body.attr("description");
    let group_ok = match d.map(|a| &a.value) {
        None => false,
        Some(v) if !v.is_known() => return Verdict::Unknown,
        Some(v) => v.is_set(),
    };
    if r.body.attr("type").is_some() {
        return if group_ok { Verdict::Pass } else { Verdict::Fail(Failure::new("The rule has no description.").at(d.map(|a| a.span.clone()))) };
    }
    if !group_ok {
        return Verdict::Fail(Failure::new("The security group has no description.").at(d.map(|a| a.span.clone())));
    }
    for kind in ["ingress", "egress"] {
        for b in r.body.blocks(kind) {
            match b.get("description") {
                v if b.uncertain && !v.is_known() => continue,
                Value::Unknown => continue,
                v if !v.is_set() => {
                    return Verdict::Fail(Failure::new(format!("An {kind} rule has no description.")).at(Some(b.span.clone())));
                }
                _ => {}
            }
        }
    }
    // Rules written as `ingress = [{…}]` attributes.
    for kind in ["ingress", "egress"] {
        if let Some(Value::List(l)) = r.body.attr(kind).map(|a| &a.value) {
            for item in l {
                if let Value::Map(mm) = item {
                    if !mm.get("description").map(Value::is_set).unwrap_or(false) {
                        return Verdict::Fail(Failure::new(format!("An {kind} rule has no description.")).at(r.body.attr(kind).map(|a| a.span.clone())));
                    }
                }
            }
        }
    }
    Verdict::Pass
}

pub fn sg_open_22(m: &Module, r: &Resource) -> Verdict {
    sg_open(m, r, 22)
}
pub fn sg_open_3389(m: &Module, r: &Resource) -> Verdict {
    sg_open(m, r, 3389)
}
pub fn sg_open_80(m: &Module, r: &Resource) -> Verdict {
    sg_open(m, r, 80)
}
pub fn sg_open_all(m: &Module, r: &Resource) -> Verdict {
    sg_open(m, r, -1)
}

/// Placeholder CIDR a quick fix puts in place of 0.0.0.0/0: RFC 5737 documentation
/// range, never routable, so access stays closed until the user fills in their range.
const PLACEHOLDER_CIDR: &str = "203.0.113.0/24";
const PLACEHOLDER_CIDR6: &str = "2001:db8::/32";

/// The ingress checks (CKV_AWS_24/25/260/277): an ingress rule covering `port` (or all
/// ports with protocol -1 for port -1) open to 0.0.0.0/0 or ::/0.
fn sg_open(m: &Module, r: &Resource, port: i64) -> Verdict {
    let label = if port == -1 { "all ports".to_string() } else { format!("port {port}") };
    let file = m.file(r);
    let check_rule = |rule: &Obj, span: Range<usize>| -> Option<Verdict> {
        if rule.get("self").as_bool() == Some(true) {
            return Some(Verdict::Pass);
        }
        match sg_violation(rule, port) {
            Some(true) => {
                let mut edits = Vec::new();
                if !rule.dynamic {
                    for name in ["cidr_blocks", "cidr_ipv4", "ipv6_cidr_blocks", "cidr_ipv6"] {
                        if let Some(a) = rule.attr(name) {
                            let t = &file.text[a.value_span.clone()];
                            for (needle, repl) in [("\"0.0.0.0/0\"", PLACEHOLDER_CIDR), ("\"::/0\"", PLACEHOLDER_CIDR6)] {
                                for (i, _) in t.match_indices(needle) {
                                    let s = a.value_span.start + i;
                                    edits.push(crate::TextEdit { file: file.path.clone(), range: s..s + needle.len(), new_text: format!("\"{repl}\"") });
                                }
                            }
                        }
                    }
                }
                let fix = (!edits.is_empty()).then(|| Fix {
                    title: format!("Replace the open range with the placeholder {PLACEHOLDER_CIDR} (fill in your own network)"),
                    edits,
                });
                Some(Verdict::Fail(Failure::new(format!("Ingress to {label} is open to the whole internet (0.0.0.0/0 or ::/0).")).at(Some(span)).fix(fix)))
            }
            Some(false) => None,
            None => None,
        }
    };
    match r.rtype.as_str() {
        "aws_security_group" => {
            for b in r.body.blocks("ingress") {
                if let Some(v) = check_rule(b, b.span.clone()) {
                    return v;
                }
            }
            if let Some(a) = r.body.attr("ingress") {
                if let Value::List(items) = &a.value {
                    for it in items {
                        if let Value::Map(mm) = it {
                            let obj = Obj {
                                attrs: mm.iter().map(|(k, v)| crate::model::Attr { name: k.clone(), value: v.clone(), span: 0..0, value_span: 0..0 }).collect(),
                                dynamic: true,
                                ..Default::default()
                            };
                            if let Some(v) = check_rule(&obj, a.span.clone()) {
                                return v;
                            }
                        }
                    }
                }
            }
            Verdict::Pass
        }
        "aws_security_group_rule" => match r.body.get("type").as_str() {
            Some("ingress") => check_rule(&r.body, r.body.span.clone()).unwrap_or(Verdict::Pass),
            _ => Verdict::Unknown,
        },
        _ => {
            if r.body.attr("from_port").is_some() || r.body.attr("to_port").is_some() {
                check_rule(&r.body, r.body.span.clone()).unwrap_or(Verdict::Pass)
            } else if r.body.get("ip_protocol").as_str() == Some("-1") && port == -1 {
                // `ip_protocol = "-1"` without ports means every port.
                let cidr = r.body.get("cidr_ipv4").as_str() == Some("0.0.0.0/0") || r.body.get("cidr_ipv6").as_str() == Some("::/0");
                if cidr {
                    check_rule(&r.body, r.body.span.clone()).unwrap_or(Verdict::Pass)
                } else {
                    Verdict::Pass
                }
            } else {
                Verdict::Pass
            }
        }
    }
}

/// `Some(true)` when the rule opens `port` to the internet, `Some(false)` when it does not,
/// `None` when that depends on unknown values.
fn sg_violation(rule: &Obj, port: i64) -> Option<bool> {
    let num = |name: &str| -> Option<Option<i64>> {
        match rule.get(name) {
            Value::Null => Some(None),
            v => v.as_num().map(|n| Some(n as i64)),
        }
    };
    let from = num("from_port")?;
    let mut to = num("to_port")?;
    let protocol = match rule.get("protocol") {
        Value::Null => rule.get("ip_protocol").clone(),
        v => v.clone(),
    };
    let protocol = match &protocol {
        Value::Num(n) => Some(crate::eval::fmt_num(*n)),
        Value::Str(s) => Some(s.clone()),
        _ => None,
    };
    if from == Some(0) && to == Some(0) {
        to = Some(65535);
    }
    if rule.get("prefix_list_ids").is_set() || rule.get("prefix_list_id").is_set() {
        return Some(false);
    }
    let in_range = match (from, to) {
        (Some(f), Some(t)) => f <= port && port <= t,
        _ => false,
    };
    let all = protocol.as_deref() == Some("-1") && ((from == Some(0) && to == Some(65535)) || (from.is_none() && to.is_none()) || (from == Some(-1) && to == Some(-1)));
    if !(in_range || all) {
        return Some(false);
    }
    let list = |names: &[&str]| -> Option<Vec<Value>> {
        for n in names {
            match rule.get(n) {
                Value::Null => continue,
                Value::List(l) => return Some(l.clone()),
                v => return Some(vec![v.clone()]),
            }
        }
        Some(vec![])
    };
    let v4 = list(&["cidr_blocks", "cidr_ipv4"])?;
    let v6 = list(&["ipv6_cidr_blocks", "cidr_ipv6"])?;
    let open4 = v4.iter().any(|v| v.as_str() == Some("0.0.0.0/0"));
    let open6 = v6.iter().any(|v| matches!(v.as_str(), Some("::/0") | Some("0000:0000:0000:0000:0000:0000:0000:0000/0")));
    if open4 || open6 {
        return Some(true);
    }
    if v4.iter().chain(v6.iter()).any(|v| !v.is_known()) {
        return None;
    }
    Some(false)
}

/// Resource types whose attachment of a security group counts (checkov's list).
const SG_USERS: &[&str] = &[
    "aws_alb", "aws_apprunner_vpc_connector", "aws_appstream_fleet", "aws_batch_compute_environment", "aws_cloudwatch_event_target",
    "aws_codebuild_project", "aws_codestarconnections_host", "aws_dax_cluster", "aws_db_instance", "aws_dms_replication_instance",
    "aws_dms_replication_config", "aws_docdb_cluster", "aws_docdbelastic_cluster", "aws_ec2_client_vpn_endpoint",
    "aws_ec2_client_vpn_network_association", "aws_ec2_spot_fleet_request", "aws_ecs_service", "aws_efs_mount_target", "aws_eks_cluster",
    "aws_eks_node_group", "aws_elasticache_cluster", "aws_elasticache_replication_group", "aws_elasticache_serverless_cache",
    "aws_elasticsearch_domain", "aws_elb", "aws_emr_cluster", "aws_emr_studio", "aws_glue_dev_endpoint", "aws_instance",
    "aws_lambda_function", "aws_launch_configuration", "aws_launch_template", "aws_lb", "aws_memorydb_cluster", "aws_mq_broker",
    "aws_msk_cluster", "aws_mskconnect_connector", "aws_mwaa_environment", "aws_neptune_cluster", "aws_network_interface",
    "aws_opensearch_domain", "aws_opensearch_vpc_endpoint", "aws_quicksight_vpc_connection", "aws_rds_cluster", "aws_redshift_cluster",
    "aws_route53_resolver_endpoint", "aws_sagemaker_notebook_instance", "aws_transfer_server", "aws_vpc_endpoint",
    "aws_vpclattice_service_network_vpc_association", "aws_fsx_windows_file_system", "aws_fsx_ontap_file_system", "aws_grafana_workspace",
    "aws_apigatewayv2_vpc_link", "aws_fsx_lustre_file_system", "aws_imagebuilder_infrastructure_configuration", "aws_fsx_openzfs_file_system",
    "aws_fsx_file_cache", "aws_redshiftserverless_workgroup", "aws_ec2_instance_connect_endpoint", "aws_opensearchserverless_vpc_endpoint",
    "aws_verifiedaccess_endpoint", "aws_m2_environment", "aws_vpclattice_resource_gateway", "aws_spot_instance_request", "aws_msk_vpc_connection",
];

/// CKV2_AWS_5. A group referenced from outside the module (an output, or a module call
/// passing it on) can't be judged from here, so it is not a finding.
pub fn sg_attached(m: &Module, r: &Resource) -> Verdict {
    if connected(m, r, SG_USERS).next().is_some() {
        return Verdict::Pass;
    }
    if m.external_refs.contains(&r.address()) {
        return Verdict::Unknown;
    }
    Verdict::Fail(Failure::new("No resource in this module uses the security group; remove it or attach it."))
}

/// CKV2_AWS_11: some `aws_flow_log` must reference the VPC.
pub fn vpc_flow_logs(m: &Module, r: &Resource) -> Verdict {
    if connected(m, r, &["aws_flow_log"]).next().is_some() {
        return Verdict::Pass;
    }
    let name = &r.name;
    let new_name = companion_name(m, "aws_flow_log", r);
    let text = format!(
        "resource \"aws_flow_log\" \"{new_name}\" {{\n  vpc_id               = {}.{name}.id\n  traffic_type         = \"ALL\"\n  log_destination_type = \"cloud-watch-logs\"\n  log_destination      = \"\" # TODO: ARN of the CloudWatch log group\n  iam_role_arn         = \"\" # TODO: role allowed to write to it\n}}",
        r.rtype
    );
    // With count/for_each the companion needs its own expansion: no automatic fix.
    let fix = r.key.is_none().then(|| add_after(m, r, &text, "Add an aws_flow_log for this VPC"));
    Verdict::Fail(Failure::new("The VPC has no flow log: network traffic is not recorded.").fix(fix))
}

/// CKV2_AWS_12: the VPC needs an `aws_default_security_group` with no rules at all.
pub fn vpc_default_sg(m: &Module, r: &Resource) -> Verdict {
    let dsgs: Vec<&Resource> = connected(m, r, &["aws_default_security_group"]).collect();
    if dsgs.is_empty() {
        let name = &r.name;
        let new_name = companion_name(m, "aws_default_security_group", r);
        let text = format!("resource \"aws_default_security_group\" \"{new_name}\" {{\n  vpc_id = {}.{name}.id\n}}", r.rtype);
        return Verdict::Fail(
            Failure::new("The VPC's default security group is not managed, so it keeps allowing traffic between its members and all egress.")
                .fix(r.key.is_none().then(|| add_after(m, r, &text, "Add an aws_default_security_group without rules"))),
        );
    }
    for d in &dsgs {
        let has_rules = ["ingress", "egress"].iter().any(|k| {
            r_has_rules(d, k)
        });
        let ext = ["aws_security_group_rule", "aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule"];
        if !has_rules && connected(m, d, &ext).next().is_none() {
            return Verdict::Pass;
        }
    }
    Verdict::Fail(
        Failure::new("The VPC's default security group has rules; it should allow no traffic.")
            .related(dsgs.iter().map(|d| related(m, d, "default security group with rules")).collect()),
    )
}

fn r_has_rules(d: &Resource, kind: &str) -> bool {
    d.body.blocks(kind).any(|b| ["to_port", "from_port", "self", "protocol", "cidr_blocks"].iter().any(|k| b.attr(k).is_some()))
        || matches!(d.body.get(kind), Value::List(l) if !l.is_empty())
}

// ---------------------------------------------------------------- S3

const BUCKET_ACL_PUBLIC_READ: &[&str] = &["public-read", "public-read-write", "website", "authenticated-read"];

pub fn s3_acl_read(m: &Module, r: &Resource) -> Verdict {
    s3_acl(m, r, BUCKET_ACL_PUBLIC_READ, &["READ", "READ_ACP", "WRITE", "WRITE_ACP", "FULL_CONTROL"], "read")
}

pub fn s3_acl_write(m: &Module, r: &Resource) -> Verdict {
    s3_acl(m, r, &["public-read-write"], &["WRITE", "WRITE_ACP", "FULL_CONTROL"], "write")
}

/// CKV_AWS_20/57: the bucket's `acl` attribute or a connected `aws_s3_bucket_acl` grants
/// the public (a canned ACL, or a grant to AllUsers).
fn s3_acl(m: &Module, r: &Resource, canned: &[&str], perms: &[&str], what: &str) -> Verdict {
    if let Look::Val(Value::Str(acl), span) = look(&r.body, &["acl"]) {
        if canned.contains(&acl.as_str()) {
            return Verdict::Fail(Failure::new(format!("acl = \"{acl}\" grants public {what} access to the bucket.")).at(Some(span)));
        }
    }
    for a in connected(m, r, &["aws_s3_bucket_acl"]) {
        let public = match a.body.get("acl") {
            Value::Str(s) => canned.contains(&s.as_str()),
            _ => false,
        } || a.body.block("access_control_policy").map(|p| {
            p.blocks("grant").any(|g| {
                let uri = g.block("grantee").map(|ge| ge.get("uri").as_str() == Some("http://acs.amazonaws.com/groups/global/AllUsers")).unwrap_or(false);
                // checkov's read check fails on any AllUsers grant; the write check only on
                // write-level permissions.
                uri && (what == "read" || g.get("permission").as_str().map(|p| perms.contains(&p)).unwrap_or(false))
            })
        }).unwrap_or(false);
        if public {
            return Verdict::Fail(
                Failure::new(format!("The bucket's ACL ({}) grants public {what} access.", a.display())).related(vec![related(m, a, "public ACL")]),
            );
        }
    }
    Verdict::Pass
}

/// CKV_AWS_18: a `logging` block or a connected `aws_s3_bucket_logging`.
pub fn s3_logging(m: &Module, r: &Resource) -> Verdict {
    if r.body.block("logging").is_some() || r.body.attr("logging").map(|a| a.value.is_set() || !a.value.is_known()).unwrap_or(false) {
        return Verdict::Pass;
    }
    if connected(m, r, &["aws_s3_bucket_logging"]).next().is_some() {
        return Verdict::Pass;
    }
    Verdict::Fail(Failure::new("The bucket has no access logging (no logging block or aws_s3_bucket_logging)."))
}

/// CKV_AWS_21: legacy `versioning { enabled = true }` or a connected
/// `aws_s3_bucket_versioning` with status Enabled.
pub fn s3_versioning(m: &Module, r: &Resource) -> Verdict {
    match look(&r.body, &["versioning", "enabled"]) {
        Look::Val(v, _) if is_true(v) => return Verdict::Pass,
        Look::Unknown => return Verdict::Unknown,
        _ => {}
    }
    let mut rel = Vec::new();
    for v in connected(m, r, &["aws_s3_bucket_versioning"]) {
        match v.body.path(&["versioning_configuration", "status"]) {
            Value::Str(s) if s == "Enabled" => return Verdict::Pass,
            Value::Str(_) => rel.push(related(m, v, "versioning is not Enabled here")),
            _ => return Verdict::Unknown,
        }
    }
    let fix = rel.is_empty().then(|| {
        let name = &r.name;
        let key = r.key.is_some();
        let target = if key { format!("{}.{name}[0].id", r.rtype) } else { format!("{}.{name}.id", r.rtype) };
        let text = format!(
            "resource \"aws_s3_bucket_versioning\" \"{}\" {{\n  bucket = {target}\n\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}",
            companion_name(m, "aws_s3_bucket_versioning", r)
        );
        add_after(m, r, &text, "Add an aws_s3_bucket_versioning resource with versioning enabled")
    });
    if r.key.is_some() {
        return Verdict::Fail(Failure::new("Versioning is not enabled: overwritten or deleted objects can't be recovered.").related(rel));
    }
    Verdict::Fail(Failure::new("Versioning is not enabled: overwritten or deleted objects can't be recovered.").related(rel).fix(fix))
}

/// CKV_AWS_145: default encryption with `aws:kms`, inline or via a connected
/// `aws_s3_bucket_server_side_encryption_configuration`.
pub fn s3_kms(m: &Module, r: &Resource) -> Verdict {
    let inline = r
        .body
        .block("server_side_encryption_configuration")
        .and_then(|c| c.block("rule"))
        .and_then(|c| c.block("apply_server_side_encryption_by_default"))
        .map(|d| d.get("sse_algorithm").clone());
    match inline {
        Some(Value::Str(s)) if s == "aws:kms" || s == "aws:kms:dsse" => return Verdict::Pass,
        Some(v) if !v.is_known() => return Verdict::Unknown,
        _ => {}
    }
    if let Some(a) = r.body.attr("server_side_encryption_configuration") {
        if !a.value.is_known() {
            return Verdict::Unknown;
        }
    }
    let mut rel = Vec::new();
    for c in connected(m, r, &["aws_s3_bucket_server_side_encryption_configuration"]) {
        let algs: Vec<&Value> = c.body.blocks("rule").filter_map(|rule| rule.block("apply_server_side_encryption_by_default")).map(|d| d.get("sse_algorithm")).collect();
        if algs.iter().any(|v| matches!(v.as_str(), Some("aws:kms") | Some("aws:kms:dsse"))) {
            return Verdict::Pass;
        }
        if algs.iter().any(|v| !v.is_known()) || c.body.blocks("rule").any(|b| b.uncertain) {
            return Verdict::Unknown;
        }
        rel.push(related(m, c, "encryption configuration without aws:kms"));
    }
    let fix = (rel.is_empty() && r.key.is_none()).then(|| {
        let name = &r.name;
        let text = format!(
            "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"{}\" {{\n  bucket = {}.{name}.id\n\n  rule {{\n    apply_server_side_encryption_by_default {{\n      sse_algorithm = \"aws:kms\"\n    }}\n    bucket_key_enabled = true\n  }}\n}}",
            companion_name(m, "aws_s3_bucket_server_side_encryption_configuration", r),
            r.rtype
        );
        add_after(m, r, &text, "Add default encryption with KMS (aws:kms)")
    });
    Verdict::Fail(Failure::new("The bucket is not encrypted with KMS by default (sse_algorithm = \"aws:kms\").").related(rel).fix(fix))
}

/// CKV2_AWS_6: a connected public access block with block_public_acls and
/// block_public_policy both true.
pub fn s3_has_pab(m: &Module, r: &Resource) -> Verdict {
    let pabs: Vec<&Resource> = connected(m, r, &["aws_s3_bucket_public_access_block"]).collect();
    if pabs.is_empty() {
        let fix = r.key.is_none().then(|| {
            let name = &r.name;
            let text = format!(
                "resource \"aws_s3_bucket_public_access_block\" \"{}\" {{\n  bucket = {}.{name}.id\n\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}}",
                companion_name(m, "aws_s3_bucket_public_access_block", r),
                r.rtype
            );
            add_after(m, r, &text, "Add an aws_s3_bucket_public_access_block blocking all public access")
        });
        return Verdict::Fail(Failure::new("The bucket has no public access block, so a policy or ACL can make it public.").fix(fix));
    }
    let mut rel = Vec::new();
    for p in &pabs {
        let a = p.body.get("block_public_acls");
        let b = p.body.get("block_public_policy");
        if (is_true(a) || !a.is_known()) && (is_true(b) || !b.is_known()) {
            return Verdict::Pass;
        }
        rel.push(related(m, p, "block_public_acls and block_public_policy must both be true"));
    }
    Verdict::Fail(Failure::new("The bucket's public access block does not block public ACLs and policies.").related(rel))
}

fn pab_attr(m: &Module, r: &Resource, name: &str, what: &str) -> Verdict {
    value_check(m, r, &[name], is_true, what, Some("true"))
}
pub fn pab_block_acls(m: &Module, r: &Resource) -> Verdict {
    pab_attr(m, r, "block_public_acls", "new public ACLs are accepted")
}
pub fn pab_block_policy(m: &Module, r: &Resource) -> Verdict {
    pab_attr(m, r, "block_public_policy", "a bucket policy can make the bucket public")
}
pub fn pab_ignore_acls(m: &Module, r: &Resource) -> Verdict {
    pab_attr(m, r, "ignore_public_acls", "existing public ACLs stay effective")
}
pub fn pab_restrict(m: &Module, r: &Resource) -> Verdict {
    pab_attr(m, r, "restrict_public_buckets", "a public policy still grants access")
}

/// CKV_AWS_70 on `aws_s3_bucket` (inline `policy`) and `aws_s3_bucket_policy`.
pub fn s3_any_principal(_m: &Module, r: &Resource) -> Verdict {
    let Some(a) = r.body.attr("policy") else { return Verdict::Unknown };
    let Some(p) = Policy::parse(&a.value) else { return Verdict::Unknown };
    let sts = p.statements();
    if sts.iter().all(|s| s.get("Effect").is_none()) {
        return Verdict::Unknown;
    }
    for st in sts {
        if st.get("Effect").is_none() || st.effect_is("Deny") || st.get("Principal").is_none() {
            continue;
        }
        if st.principal_is_wildcard(true) {
            if policy::s3_condition_restricts(&st) {
                return Verdict::Pass;
            }
            return Verdict::Fail(Failure::new("The bucket policy allows any principal (\"*\") without a restricting condition.").at(Some(a.span.clone())));
        }
    }
    Verdict::Pass
}

/// CKV_AWS_144: replication rules with status Enabled, inline or connected.
pub fn s3_replication(m: &Module, r: &Resource) -> Verdict {
    if let Some(rc) = r.body.block("replication_configuration") {
        if rc.blocks("rules").any(|x| x.get("status").as_str() == Some("Enabled")) {
            return Verdict::Pass;
        }
    }
    for c in connected(m, r, &["aws_s3_bucket_replication_configuration"]) {
        if c.body.blocks("rule").any(|x| x.get("status").as_str() == Some("Enabled")) {
            return Verdict::Pass;
        }
        if c.body.blocks("rule").any(|x| !x.get("status").is_known()) {
            return Verdict::Unknown;
        }
    }
    Verdict::Fail(Failure::new("The bucket has no enabled cross-region replication."))
}

pub fn s3_lifecycle(m: &Module, r: &Resource) -> Verdict {
    if r.body.block("lifecycle_rule").is_some() || r.body.attr("lifecycle_rule").is_some() {
        return Verdict::Pass;
    }
    if connected(m, r, &["aws_s3_bucket_lifecycle_configuration"]).next().is_some() {
        return Verdict::Pass;
    }
    Verdict::Fail(Failure::new("The bucket has no lifecycle configuration: old objects and versions are kept forever."))
}

pub fn s3_notifications(m: &Module, r: &Resource) -> Verdict {
    if connected(m, r, &["aws_s3_bucket_notification"]).next().is_some() {
        return Verdict::Pass;
    }
    Verdict::Fail(Failure::new("The bucket has no event notifications (aws_s3_bucket_notification)."))
}

// ---------------------------------------------------------------- IAM

pub fn iam_public_assume(_m: &Module, r: &Resource) -> Verdict {
    let Some(a) = r.body.attr("assume_role_policy") else { return Verdict::Pass };
    let Some(p) = Policy::parse(&a.value) else { return Verdict::Pass };
    for st in p.statements() {
        if st.effect_is("Deny") {
            continue;
        }
        if st.principal_is_wildcard(false) {
            return Verdict::Fail(Failure::new("The trust policy lets any AWS principal (\"*\") assume the role.").at(Some(a.span.clone())));
        }
    }
    Verdict::Pass
}

pub fn iam_account_assume(_m: &Module, r: &Resource) -> Verdict {
    let Some(a) = r.body.attr("assume_role_policy") else { return Verdict::Pass };
    let Some(p) = Policy::parse(&a.value) else { return Verdict::Unknown };
    for st in p.statements() {
        if st.effect_is("Deny") {
            continue;
        }
        if let Some(aws) = st.get("Principal").and_then(|p| p.get("AWS")) {
            let items: Vec<&serde_json::Value> = match aws {
                serde_json::Value::Array(a) => a.iter().collect(),
                v => vec![v],
            };
            if items.iter().filter_map(|v| v.as_str()).any(policy::is_account_principal) {
                return Verdict::Fail(
                    Failure::new("The trust policy grants a whole AWS account (its root): any user or role there can assume this role.").at(Some(a.span.clone())),
                );
            }
        }
    }
    Verdict::Pass
}

/// The policy document of a resource: the `policy` or `inline_policy` attribute, or an
/// `inline_policy { … }` block written in HCL syntax.
fn policy_of(r: &Resource) -> Option<(Policy, Range<usize>)> {
    if let Some(a) = r.body.attr("policy").or_else(|| r.body.attr("inline_policy")) {
        return Policy::parse(&a.value).map(|p| (p, a.span.clone()));
    }
    let b = r.body.block("inline_policy")?;
    Policy::parse(&b.to_value()).map(|p| (p, b.span.clone()))
}

pub fn iam_admin(_m: &Module, r: &Resource) -> Verdict {
    let Some((p, span)) = policy_of(r) else { return Verdict::Pass };
    for st in p.statements() {
        if st.get("Action").is_none() {
            continue;
        }
        let allow = st.get("Effect").and_then(|e| e.as_str()).unwrap_or("Allow") == "Allow";
        if allow && st.list("Action").contains(&"*") && st.list("Resource").contains(&"*") {
            return Verdict::Fail(Failure::new("The policy allows every action (\"*\") on every resource (\"*\"): full administrator access.").at(Some(span)));
        }
    }
    Verdict::Pass
}

pub fn iam_star_action(_m: &Module, r: &Resource) -> Verdict {
    let Some((p, span)) = policy_of(r) else { return Verdict::Pass };
    for st in p.statements() {
        if st.get("Action").is_none() {
            continue;
        }
        let allow = st.get("Effect").and_then(|e| e.as_str()).unwrap_or("Allow") == "Allow";
        if allow && st.list("Action").contains(&"*") {
            return Verdict::Fail(Failure::new("A statement allows every action (\"*\"): list the actions the principal needs.").at(Some(span)));
        }
    }
    Verdict::Pass
}

const ADMIN_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

pub fn iam_admin_managed(_m: &Module, r: &Resource) -> Verdict {
    let attr = match r.rtype.as_str() {
        "aws_iam_role" => "managed_policy_arns",
        "aws_ssoadmin_managed_policy_attachment" => "managed_policy_arn",
        _ => "policy_arn",
    };
    let Some(a) = r.body.attr(attr) else { return Verdict::Pass };
    let hit = match &a.value {
        Value::Str(s) => s == ADMIN_ARN,
        Value::List(l) => l.iter().any(|v| v.as_str() == Some(ADMIN_ARN)),
        _ => false,
    };
    if hit {
        Verdict::Fail(Failure::new("The AWS managed AdministratorAccess policy is attached: grant only the permissions needed.").at(Some(a.span.clone())))
    } else {
        Verdict::Pass
    }
}
