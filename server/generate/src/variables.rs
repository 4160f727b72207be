//! `variable` blocks for collected values: a Terraform type from the parameter's
//! type, a description, the answer as default, and a `validation` block for every
//! constraint the knowledge base states, written in Terraform 1.0 syntax (literal
//! `error_message` sentences, no `optional()`, no `nullable`).

use crate::escape::{hcl_string, hcl_value};
use tc_knowledge::{Format, ParamType, Parameter, Value};

/// Terraform type constraint for a parameter type.
pub fn hcl_type(kind: ParamType) -> &'static str {
    match kind {
        ParamType::Integer | ParamType::Port => "number",
        ParamType::Bool => "bool",
        ParamType::CidrList | ParamType::StringList => "list(string)",
        ParamType::PortList => "list(number)",
        _ => "string",
    }
}

/// One validation rule: a condition over `var.<name>` and a literal sentence.
struct Rule {
    condition: String,
    message: String,
}

fn rules(p: &Parameter, name: &str, value: &Value) -> Vec<Rule> {
    let var = format!("var.{name}");
    let mut out = Vec::new();
    // An optional string whose answer is empty means "not set"; its format check
    // must let the empty string through.
    let empty_ok = |cond: String| {
        if !p.required && matches!(value, Value::String(s) if s.is_empty()) {
            format!("{var} == \"\" || {cond}")
        } else {
            cond
        }
    };
    if !p.allowed.is_empty() && value.is_string() == p.allowed.iter().all(Value::is_string) {
        let list: Vec<String> = p.allowed.iter().map(hcl_value).collect();
        let shown: Vec<String> = p.allowed.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect();
        out.push(Rule {
            condition: format!("contains([{}], {var})", list.join(", ")),
            message: format!("The value must be one of: {}.", shown.join(", ")),
        });
    }
    match p.kind {
        ParamType::Integer | ParamType::Port => {
            let (min, max) = match p.kind {
                ParamType::Port => (Some(p.min.unwrap_or(0.0)), Some(p.max.unwrap_or(65535.0))),
                _ => (p.min, p.max),
            };
            out.push(Rule { condition: format!("floor({var}) == {var}"), message: "The value must be a whole number.".into() });
            match (min, max) {
                (Some(lo), Some(hi)) => out.push(Rule {
                    condition: format!("{var} >= {lo} && {var} <= {hi}"),
                    message: format!("The value must be between {lo} and {hi}."),
                }),
                (Some(lo), None) => out.push(Rule { condition: format!("{var} >= {lo}"), message: format!("The value must be at least {lo}.") }),
                (None, Some(hi)) => out.push(Rule { condition: format!("{var} <= {hi}"), message: format!("The value must be at most {hi}.") }),
                (None, None) => {}
            }
        }
        ParamType::PortList => out.push(Rule {
            condition: format!("alltrue([for p in {var} : floor(p) == p && p >= 1 && p <= 65535])"),
            message: "Every entry must be a port number between 1 and 65535.".into(),
        }),
        ParamType::Cidr => out.push(Rule {
            condition: empty_ok(format!("can(cidrnetmask({var}))")),
            message: "The value must be an IPv4 CIDR block such as 10.0.0.0/16.".into(),
        }),
        ParamType::CidrList => out.push(Rule {
            condition: format!("alltrue([for c in {var} : can(cidrnetmask(c))])"),
            message: "Every entry must be an IPv4 CIDR block such as 203.0.113.0/24.".into(),
        }),
        ParamType::Region => out.push(Rule {
            condition: format!("can(regex({}, {var}))", hcl_string("^[a-z]{2}(-[a-z]+)+-[0-9]+$")),
            message: "The value must be an AWS region code such as eu-central-1.".into(),
        }),
        ParamType::InstanceType => out.push(Rule {
            condition: format!("can(regex({}, {var}))", hcl_string("^[a-z][a-z0-9-]*\\.[a-z0-9]+$")),
            message: "The value must be an EC2 instance type such as t3.micro.".into(),
        }),
        ParamType::DbInstanceClass => out.push(Rule {
            condition: format!("can(regex({}, {var}))", hcl_string("^db\\.[a-z0-9-]+\\.[a-z0-9]+$")),
            message: "The value must be an RDS instance class such as db.t4g.micro.".into(),
        }),
        _ => {}
    }
    if let Some(format) = p.format {
        let (pattern, message): (&str, &str) = match format {
            Format::ResourceName => ("^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$", "The value must be a name of letters, digits, spaces, dots, dashes and underscores."),
            Format::S3BucketName => ("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "The value must be an S3 bucket name: 3-63 lower-case letters, digits, dots and dashes."),
            Format::RdsIdentifier => ("^[a-z][a-z0-9-]{0,62}$", "The value must start with a letter and contain only lower-case letters, digits and dashes."),
            Format::Arn => ("^arn:aws[a-z-]*:", "The value must be an ARN starting with arn:aws."),
            Format::TagValue => ("^.{0,256}$", "The value must be at most 256 characters long."),
            Format::AmiId => ("^ami-[0-9a-f]{8,17}$", "The value must be an AMI id such as ami-0123456789abcdef0."),
            Format::DomainName => ("^([a-z0-9*]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", "The value must be a domain name such as example.com."),
            Format::Email => ("^[^@ ]+@[^@ ]+\\.[^@ ]+$", "The value must be an email address."),
            Format::ScheduleExpression => ("^(rate|cron)\\(.+\\)$", "The value must be a schedule such as rate(1 day) or cron(0 7 * * ? *)."),
            Format::FilePath => ("^[^\\x00]+$", "The value must be a file path."),
            Format::SecurityGroupDescription => (
                "^[a-zA-Z0-9 ._:/()#,@\\[\\]+=&;{}!$*-]{0,255}$",
                "The value must be at most 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (what AWS accepts in a security group description).",
            ),
        };
        if value.is_string() {
            out.push(Rule { condition: empty_ok(format!("can(regex({}, {var}))", hcl_string(pattern))), message: message.into() });
        } else if value.is_array() {
            out.push(Rule {
                condition: format!("alltrue([for s in {var} : can(regex({}, s))])", hcl_string(pattern)),
                message: message.replacen("The value", "Every entry", 1),
            });
        }
    }
    out
}

/// The full `variable` block (unformatted; the formatter aligns it).
pub fn variable_block(name: &str, description: &str, p: &Parameter, value: &Value) -> String {
    let mut s = format!("variable \"{name}\" {{\n");
    s.push_str(&format!("description = {}\n", hcl_string(description)));
    s.push_str(&format!("type = {}\n", hcl_type(p.kind)));
    if !value.is_null() {
        s.push_str(&format!("default = {}\n", hcl_value(value)));
    }
    for rule in rules(p, name, value) {
        s.push_str(&format!("\nvalidation {{\ncondition = {}\nerror_message = {}\n}}\n", rule.condition, hcl_string(&rule.message)));
    }
    s.push_str("}\n");
    s
}

/// A variable's description: the parameter's question turned into a statement
/// about the resource it belongs to.
pub fn describe(p: &Parameter, resource_key: &str, component_name: &str) -> String {
    let q = p.question.trim().trim_end_matches('?').trim_end_matches('.');
    format!("{component_name} `{resource_key}`: {q}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(kind: ParamType, extra: &str) -> Parameter {
        let text = format!("id = \"p\"\ntype = {:?}\nquestion = \"Q?\"\nwhy = \"W\"\n{extra}", serde_json::to_value(kind).unwrap().as_str().unwrap());
        toml::from_str(&text).unwrap()
    }

    /// Each constraint of the knowledge base becomes the validation a user would
    /// hit with a bad tfvars value, in Terraform 1.0 syntax.
    #[test]
    fn constraints_become_validation_blocks() {
        let table: Vec<(Parameter, Value, &[&str])> = vec![
            (param(ParamType::Integer, "min = 8\nmax = 16"), Value::from(20), &["var.x >= 8 && var.x <= 16", "floor(var.x) == var.x"]),
            (param(ParamType::Port, ""), Value::from(443), &["var.x >= 0 && var.x <= 65535"]),
            (param(ParamType::Enum, "allowed = [\"a\", \"b\"]"), Value::from("a"), &["contains([\"a\", \"b\"], var.x)", "The value must be one of: a, b."]),
            (param(ParamType::Cidr, ""), Value::from("10.0.0.0/16"), &["can(cidrnetmask(var.x))"]),
            (param(ParamType::CidrList, ""), Value::from(vec!["10.0.0.0/8"]), &["alltrue([for c in var.x : can(cidrnetmask(c))])"]),
            (param(ParamType::String, "format = \"s3_bucket_name\""), Value::from(""), &["var.x == \"\" || can(regex("]),
            (param(ParamType::PortList, ""), Value::from(vec![22]), &["alltrue([for p in var.x : floor(p) == p && p >= 1 && p <= 65535])"]),
        ];
        for (p, value, expected) in table {
            let block = variable_block("x", "Description.", &p, &value);
            for e in expected {
                assert!(block.contains(e), "{:?}: {e:?} not in\n{block}", p.kind);
            }
            // Terraform 1.0 requires literal error messages that are sentences.
            for line in block.lines().filter(|l| l.starts_with("error_message")) {
                assert!(line.ends_with(".\"") && !line.contains("var."), "{line}");
            }
        }
    }

    #[test]
    fn types_follow_parameter_types() {
        assert_eq!(hcl_type(ParamType::Bool), "bool");
        assert_eq!(hcl_type(ParamType::PortList), "list(number)");
        assert_eq!(hcl_type(ParamType::StringList), "list(string)");
        assert_eq!(hcl_type(ParamType::InstanceType), "string");
    }
}
