//! Format checks for named string formats (S3 bucket names, RDS identifiers, ARNs,
//! tags, AMI ids …). Each check returns what is wrong and how to fix it.
//!
//! These are AWS's published naming rules written as small character scans: the
//! rules are simple enough that a regular-expression dependency would add nothing.

use tc_knowledge::Format;

/// Checks `s` against `format`. The error says what is wrong and how to fix it.
pub fn check(format: Format, s: &str) -> Result<(), String> {
    match format {
        Format::ResourceName => resource_name(s),
        Format::S3BucketName => s3_bucket_name(s),
        Format::RdsIdentifier => rds_identifier(s),
        Format::Arn => arn(s),
        Format::TagValue => tag_value(s),
        Format::AmiId => ami_id(s),
        Format::DomainName => domain_name(s),
        Format::Email => email(s),
        Format::ScheduleExpression => schedule_expression(s),
        Format::FilePath => file_path(s),
        Format::SecurityGroupDescription => security_group_description(s),
    }
}

/// The characters EC2 accepts in a security group description besides letters,
/// digits and spaces (anything else fails CreateSecurityGroup at apply time).
const SG_DESCRIPTION_EXTRA: &str = "._-:/()#,@[]+=&;{}!$*";

fn security_group_description(s: &str) -> Result<(), String> {
    let how = format!("Use at most 255 letters, digits, spaces and {SG_DESCRIPTION_EXTRA}, e.g. \"Web servers: HTTPS from the load balancer\".");
    if s.chars().count() > 255 {
        return Err(format!("The description is {} characters long; AWS allows 255. {how}", s.chars().count()));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == ' ' || SG_DESCRIPTION_EXTRA.contains(*c))) {
        let shown = if c.is_control() { c.escape_default().to_string() } else { c.to_string() };
        return Err(format!("AWS does not accept \"{shown}\" in a security group description. {how}"));
    }
    Ok(())
}

fn resource_name(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 63 {
        return Err("A name must be 1 to 63 characters long.".into());
    }
    // Characters first, so that the example offered below is always a valid name.
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(format!("\"{c}\" is not allowed in a name: use letters, digits, '-' and '_' only."));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        // `s` is ASCII here, so byte slicing is safe; the prefix keeps it within 63.
        return Err(format!("\"{s}\" must start with a letter, e.g. \"web-{}\".", &s[..s.len().min(59)]));
    }
    Ok(())
}

/// AWS's general-purpose bucket naming rules.
fn s3_bucket_name(s: &str) -> Result<(), String> {
    let how = "Bucket names are 3–63 characters of lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, e.g. \"acme-site-assets\".";
    if s.len() < 3 || s.len() > 63 {
        return Err(format!("\"{s}\" is {} characters long. {how}", s.chars().count()));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-')) {
        let hint = if c.is_ascii_uppercase() { " (use lowercase)" } else { "" };
        return Err(format!("\"{c}\" is not allowed in a bucket name{hint}. {how}"));
    }
    let first = s.chars().next().unwrap();
    let last = s.chars().last().unwrap();
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err(format!("\"{s}\" must start and end with a letter or digit. {how}"));
    }
    if s.contains("..") || s.contains(".-") || s.contains("-.") {
        return Err(format!("\"{s}\" has adjacent periods or a period next to a hyphen, which AWS forbids. {how}"));
    }
    if s.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(format!("\"{s}\" looks like an IP address, which AWS forbids as a bucket name. {how}"));
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if s.starts_with(prefix) {
            return Err(format!("Bucket names may not start with \"{prefix}\" (reserved by AWS). Choose another name."));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if s.ends_with(suffix) {
            return Err(format!("Bucket names may not end with \"{suffix}\" (reserved by AWS). Choose another name."));
        }
    }
    Ok(())
}

/// RDS DB instance identifiers: 1–63 letters, digits and hyphens, starting with a
/// letter, no two consecutive hyphens, not ending with a hyphen.
fn rds_identifier(s: &str) -> Result<(), String> {
    let how = "Use 1–63 letters, digits and hyphens, starting with a letter, e.g. \"app-db\".";
    if s.is_empty() || s.len() > 63 {
        return Err(format!("An RDS identifier must be 1 to 63 characters long. {how}"));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(format!("\"{s}\" must start with a letter. {how}"));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
        return Err(format!("\"{c}\" is not allowed in an RDS identifier. {how}"));
    }
    if s.contains("--") || s.ends_with('-') {
        return Err(format!("\"{s}\" has two hyphens in a row or ends with a hyphen, which RDS forbids. {how}"));
    }
    Ok(())
}

/// `arn:partition:service:region:account-id:resource`.
fn arn(s: &str) -> Result<(), String> {
    let how = "An ARN looks like \"arn:aws:s3:::my-bucket\" or \"arn:aws:iam::123456789012:role/app\".";
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return Err(format!("\"{s}\" is not an ARN. {how}"));
    }
    if !matches!(parts[1], "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b") {
        return Err(format!("\"{}\" is not an AWS partition (expected aws, aws-cn or aws-us-gov). {how}", parts[1]));
    }
    if parts[2].is_empty() || !parts[2].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(format!("The service part \"{}\" is not a service name. {how}", parts[2]));
    }
    let account = parts[4];
    if !(account.is_empty() || account == "aws" || (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()))) {
        return Err(format!("The account part \"{account}\" must be a 12-digit account id. {how}"));
    }
    if parts[5].is_empty() {
        return Err(format!("The ARN names no resource. {how}"));
    }
    Ok(())
}

/// Tag values: up to 256 characters of letters, digits, spaces and `_ . : / = + - @`.
fn tag_value(s: &str) -> Result<(), String> {
    if s.chars().count() > 256 {
        return Err("Tag values are at most 256 characters long; shorten it.".into());
    }
    if s.to_ascii_lowercase().starts_with("aws:") {
        return Err("Tags may not start with \"aws:\" (reserved by AWS).".into());
    }
    if let Some(c) = s.chars().find(|c| !(c.is_alphanumeric() || *c == ' ' || "_.:/=+-@".contains(*c))) {
        return Err(format!("\"{}\" is not allowed in a tag: use letters, digits, spaces and _ . : / = + - @ only.", c.escape_default()));
    }
    Ok(())
}

fn ami_id(s: &str) -> Result<(), String> {
    let hex = s.strip_prefix("ami-").unwrap_or("");
    if (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()) {
        return Ok(());
    }
    Err(format!("\"{s}\" is not an AMI id: it looks like \"ami-\" followed by 8 or 17 lowercase hex digits, e.g. \"ami-0123456789abcdef0\". Leave it empty to use the latest Amazon Linux."))
}

fn domain_name(s: &str) -> Result<(), String> {
    let how = "e.g. \"example.com\" or \"app.example.com\"";
    let s = s.strip_suffix('.').unwrap_or(s);
    let s = s.strip_prefix("*.").unwrap_or(s);
    if s.len() > 253 || !s.contains('.') {
        return Err(format!("\"{s}\" is not a domain name ({how})."));
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 || label.starts_with('-') || label.ends_with('-')
            || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(format!("\"{label}\" is not a valid part of a domain name: parts are 1–63 letters, digits and hyphens ({how})."));
        }
    }
    Ok(())
}

fn email(s: &str) -> Result<(), String> {
    match s.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !local.contains(char::is_whitespace) && domain_name(domain).is_ok() => Ok(()),
        _ => Err(format!("\"{s}\" is not an email address, e.g. \"ops@example.com\".")),
    }
}

fn schedule_expression(s: &str) -> Result<(), String> {
    let how = "Use \"rate(5 minutes)\", \"rate(1 day)\" or a six-field \"cron(0 12 * * ? *)\".";
    if let Some(inner) = s.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let mut it = inner.split_whitespace();
        let n = it.next().and_then(|n| n.parse::<u32>().ok());
        let unit = it.next().unwrap_or("");
        let ok_unit = matches!((n, unit), (Some(1), "minute" | "hour" | "day")) || matches!((n, unit), (Some(2..), "minutes" | "hours" | "days"));
        if ok_unit && it.next().is_none() {
            return Ok(());
        }
        return Err(format!("\"{s}\" is not a valid rate (1 takes a singular unit, more a plural one). {how}"));
    }
    if let Some(inner) = s.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        if inner.split_whitespace().count() == 6 {
            return Ok(());
        }
        return Err(format!("A cron expression needs six fields (minutes hours day-of-month month day-of-week year). {how}"));
    }
    Err(format!("\"{s}\" is not a schedule expression. {how}"))
}

fn file_path(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("The path is empty; give a file path such as \"~/.ssh/id_ed25519.pub\".".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (format, input, accepted?, expected fragment of the message when rejected).
    #[test]
    fn formats_accept_and_reject_with_reasons() {
        let cases: &[(Format, &str, bool, &str)] = &[
            (Format::S3BucketName, "acme-site-assets", true, ""),
            (Format::S3BucketName, "my.bucket.name", true, ""),
            (Format::S3BucketName, "ab", false, "3–63"),
            (Format::S3BucketName, "My-Bucket", false, "use lowercase"),
            (Format::S3BucketName, "bucket_name", false, "\"_\" is not allowed"),
            (Format::S3BucketName, "-bucket", false, "start and end"),
            (Format::S3BucketName, "my..bucket", false, "adjacent periods"),
            (Format::S3BucketName, "192.168.5.4", false, "IP address"),
            (Format::S3BucketName, "xn--bucket", false, "reserved"),
            (Format::S3BucketName, "bucket-s3alias", false, "reserved"),
            (Format::RdsIdentifier, "app-db", true, ""),
            (Format::RdsIdentifier, "1db", false, "start with a letter"),
            (Format::RdsIdentifier, "app--db", false, "two hyphens"),
            (Format::RdsIdentifier, "app-db-", false, "ends with a hyphen"),
            (Format::RdsIdentifier, "app_db", false, "\"_\" is not allowed"),
            (Format::Arn, "arn:aws:iam::123456789012:role/app", true, ""),
            (Format::Arn, "arn:aws:s3:::my-bucket", true, ""),
            (Format::Arn, "arn:aws:iam::1234:role/app", false, "12-digit"),
            (Format::Arn, "arn:azure:s3:::b", false, "partition"),
            (Format::Arn, "not-an-arn", false, "is not an ARN"),
            (Format::TagValue, "team: platform/web", true, ""),
            (Format::TagValue, "aws:reserved", false, "reserved"),
            (Format::TagValue, "bad\"quote", false, "not allowed in a tag"),
            (Format::AmiId, "ami-0123456789abcdef0", true, ""),
            (Format::AmiId, "ami-12345678", true, ""),
            (Format::AmiId, "ami-xyz", false, "8 or 17"),
            (Format::DomainName, "app.example.com", true, ""),
            (Format::DomainName, "localhost", false, "not a domain name"),
            (Format::DomainName, "-bad.example.com", false, "not a valid part"),
            (Format::Email, "ops@example.com", true, ""),
            (Format::Email, "ops.example.com", false, "not an email"),
            (Format::ScheduleExpression, "rate(5 minutes)", true, ""),
            (Format::ScheduleExpression, "rate(1 minutes)", false, "singular"),
            (Format::ScheduleExpression, "cron(0 12 * * ? *)", true, ""),
            (Format::ScheduleExpression, "cron(0 12 * *)", false, "six fields"),
            (Format::SecurityGroupDescription, "Managed by TerraConverse", true, ""),
            (Format::SecurityGroupDescription, "Web: HTTPS (443) from the ALB #1 [prod] {team=web} a+b=c & d; ok! $5 *", true, ""),
            (Format::SecurityGroupDescription, "Zugriff für Webserver", false, "does not accept \"ü\""),
            (Format::SecurityGroupDescription, "it's the web group", false, "does not accept \"'\""),
            (Format::SecurityGroupDescription, "tab\there", false, "does not accept \"\\t\""),
            (Format::SecurityGroupDescription, "50% of traffic", false, "does not accept \"%\""),
            (Format::SecurityGroupDescription, &"x".repeat(256), false, "256 characters long; AWS allows 255"),
            (Format::ResourceName, "web", true, ""),
            (Format::ResourceName, "9web", false, "start with a letter, e.g. \"web-9web\""),
            // Found by server/cli/tests/hostile_entrypoints.rs: the example used to be
            // "web-" + the answer even when the answer held characters no name may have.
            (Format::ResourceName, "}", false, "\"}\" is not allowed"),
            (Format::ResourceName, "${file(\"/etc/passwd\")}", false, "\"$\" is not allowed"),
            (Format::ResourceName, &"1".repeat(63), false, "e.g. \"web-11111111111111111111111111111111111111111111111111111111111\""),
        ];
        for (format, input, ok, fragment) in cases {
            let got = check(*format, input);
            assert_eq!(got.is_ok(), *ok, "{format:?} {input:?}: {got:?}");
            if let Err(msg) = got {
                assert!(msg.contains(fragment), "{format:?} {input:?}: {msg:?} lacks {fragment:?}");
            }
        }
    }
}
