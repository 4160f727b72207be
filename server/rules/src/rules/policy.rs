//! Helpers for IAM-style policy documents (JSON strings, heredocs or `jsonencode(...)`)
//! and for spotting hard-coded AWS credentials in text.

use crate::eval::Value;
use serde_json::Value as J;

/// A parsed policy document.
pub struct Policy(J);

impl Policy {
    /// Parses a policy from an evaluated attribute. Unknown parts are `${…}` placeholders
    /// inside strings, so partially known documents still parse. `None` when the value is
    /// not a JSON document (e.g. a reference to a `data` source).
    pub fn parse(v: &Value) -> Option<Policy> {
        match v {
            Value::Str(s) | Value::Template(s) => serde_json::from_str::<J>(s.trim()).ok().filter(J::is_object).map(Policy),
            Value::Map(_) => Some(Policy(v.to_json())),
            _ => None,
        }
    }
    pub fn statements(&self) -> Vec<Statement<'_>> {
        match self.0.get("Statement") {
            Some(J::Array(a)) => a.iter().filter(|s| s.is_object()).map(Statement).collect(),
            Some(s @ J::Object(_)) => vec![Statement(s)],
            _ => vec![],
        }
    }
}

pub struct Statement<'a>(&'a J);

impl<'a> Statement<'a> {
    pub fn get(&self, key: &str) -> Option<&'a J> {
        self.0.get(key)
    }
    pub fn effect_is(&self, effect: &str) -> bool {
        self.get("Effect").and_then(J::as_str) == Some(effect)
    }
    /// The string items of a string-or-list field.
    pub fn list(&self, key: &str) -> Vec<&'a str> {
        match self.get(key) {
            Some(J::String(s)) => vec![s.as_str()],
            Some(J::Array(a)) => a.iter().filter_map(J::as_str).collect(),
            _ => vec![],
        }
    }
    /// True when the principal is `{"AWS": "*"}` (or a list containing `*`), or, with
    /// `plain`, the bare `"*"`.
    pub fn principal_is_wildcard(&self, plain: bool) -> bool {
        let Some(p) = self.get("Principal") else { return false };
        let star = |v: &J| match v {
            J::String(s) => s == "*",
            J::Array(a) => a.iter().any(|x| x.as_str() == Some("*")),
            _ => false,
        };
        if plain && star(p) {
            return true;
        }
        p.get("AWS").map(star).unwrap_or(false)
    }
}

/// The S3 policy conditions checkov accepts as narrowing a `"*"` principal (CKV_AWS_70).
pub fn s3_condition_restricts(st: &Statement) -> bool {
    let Some(c) = st.get("Condition") else { return false };
    if c.get("ArnNotEquals").is_some() || c.get("ArnNotLike").is_some() {
        return true;
    }
    for arn_key in ["ArnEquals", "ArnLike"] {
        if let Some(cond) = c.get(arn_key) {
            for k in ["aws:PrincipalArn", "aws:SourceArn"] {
                if let Some(arn) = cond.get(k).and_then(J::as_str) {
                    if is_all_arns(arn) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
    const SOURCES: &[&str] = &[
        "aws:sourceVpce", "aws:SourceVpc", "aws:VpceAccount", "aws:PrincipalOrgPaths", "aws:userid", "aws:PrincipalArn",
        "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:Ec2InstanceSourceVpc", "ec2:SourceInstanceArn", "lambda:SourceFunctionArn",
        "ssm:SourceInstanceArn",
    ];
    for t in ["StringEquals", "StringEqualsIgnoreCase", "StringLike"] {
        if let Some(cond) = c.get(t) {
            if SOURCES.iter().any(|s| cond.get(*s).is_some()) {
                return true;
            }
        }
    }
    false
}

/// `arn:aws:<service>::*…`: a condition matching every ARN.
fn is_all_arns(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("arn:aws:") else { return false };
    let Some(idx) = rest.find("::") else { return false };
    let service = &rest[..idx];
    !service.is_empty()
        && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && rest[idx + 2..].starts_with('*')
}

/// A 12-digit account ID or `arn:aws:iam::<account>:root` at the start (CKV_AWS_61).
pub fn is_account_principal(s: &str) -> bool {
    let digits12 = |t: &str| t.len() >= 12 && t.as_bytes()[..12].iter().all(u8::is_ascii_digit);
    digits12(s) || s.strip_prefix("arn:aws:iam::").map(|r| digits12(r) && r[12..].starts_with(":root")).unwrap_or(false)
}

/// Whether text contains what looks like an AWS credential: an access key ID, a
/// 40-character secret key, an account ID assignment, or (with `general`) a private key.
/// Strings that are just an MD5/SHA-1 hash are not secrets.
pub fn has_secret(s: &str, general: bool) -> bool {
    let t = s.trim();
    if (t.len() == 32 || t.len() == 40) && t.chars().all(|c| c.is_ascii_hexdigit()) {
        return false;
    }
    if access_key_id(s) || secret_key(s) || account_assignment(s) {
        return true;
    }
    general
        && s.lines().any(|l| {
            let l = l.trim_end_matches('\r');
            ["RSA", "EC", "DSA", "GPP"].iter().any(|k| l == format!("-----BEGIN {k} PRIVATE KEY-----"))
        })
}

fn access_key_id(s: &str) -> bool {
    let b = s.as_bytes();
    let upper_digit = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    for i in 0..b.len() {
        let rest = &b[i..];
        // Every key ID prefix is four characters: `A3T` plus one, or a known one.
        let prefix_len = 4;
        let a3t = rest.starts_with(b"A3T") && rest.len() > 3 && upper_digit(rest[3]);
        if !a3t && ![&b"AKIA"[..], b"AGPA", b"AIDA", b"AROA", b"AIPA", b"ANPA", b"ANVA", b"ASIA"].iter().any(|p| rest.starts_with(p)) {
            continue;
        }
        if rest.len() >= prefix_len + 16 && rest[prefix_len..prefix_len + 16].iter().all(|&c| upper_digit(c)) {
            return true;
        }
    }
    false
}

/// A run of exactly 40 characters from the base64 alphabet (`A-Za-z0-9/+=`).
fn secret_key(s: &str) -> bool {
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || c == '/' || c == '+' || c == '=';
    s.split(|c: char| !is_b64(c)).any(|run| run.len() == 40)
}

/// `account_id = 1234-5678-9012` style assignments.
fn account_assignment(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    for (i, _) in lower.match_indices("account") {
        let mut rest = &lower[i + 7..];
        rest = rest.strip_prefix('_').unwrap_or(rest);
        rest = rest.strip_prefix("id").unwrap_or(rest);
        rest = rest.trim_start_matches(['"', '\'']);
        let rest = rest.trim_start();
        let rest = if let Some(r) = rest.strip_prefix("=>") { r } else if let Some(r) = rest.strip_prefix(['=', ':']) { r } else { continue };
        let rest = rest.trim_start().trim_start_matches(['"', '\'']);
        let digits: String = rest.chars().take(14).filter(|c| *c != '-').take_while(|c| c.is_ascii_digit()).collect();
        if digits.len() >= 12 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised() {
        let cases = [
            ("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", true),
            ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", true),
            ("aws_account_id = \"123456789012\"", true),
            ("export AWS_ACCESS_KEY_ID=FOO", false),
            ("us-west-2", false),
            ("d41d8cd98f00b204e9800998ecf8427e", false),
        ];
        for (text, expected) in cases {
            assert_eq!(has_secret(text, false), expected, "{text}");
        }
        assert!(has_secret("-----BEGIN RSA PRIVATE KEY-----\nabc\n", true));
    }

    #[test]
    fn account_principals() {
        assert!(is_account_principal("arn:aws:iam::123456789012:root"));
        assert!(is_account_principal("123456789012"));
        assert!(!is_account_principal("arn:aws:iam::123456789012:role/x"));
        assert!(!is_account_principal("ec2.amazonaws.com"));
    }
}
