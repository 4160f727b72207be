//! Integrity of the embedded knowledge base: every reference resolves, every
//! parameter can be asked and answered, defaults satisfy their own constraints,
//! phrases are unambiguous, and (once templates exist) every component's template
//! exists. Each check collects all problems so one run lists everything to fix.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use tc_knowledge::{
    condition_holds, knowledge, Component, Format, KnowledgeBase, ParamType, Parameter, Value,
};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn assert_none(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} knowledge problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

fn kb() -> &'static KnowledgeBase {
    knowledge()
}

#[test]
fn every_file_parses_and_the_base_is_not_empty() {
    let kb = kb();
    assert!(
        kb.components.len() >= 50,
        "only {} components",
        kb.components.len()
    );
    assert!(kb.regions.len() >= 30, "only {} regions", kb.regions.len());
    assert!(
        kb.instance_types.len() >= 500,
        "only {} instance types",
        kb.instance_types.len()
    );
    assert!(!kb.db_instance_classes.is_empty());
    assert!(!kb.size_hints.is_empty());
}

#[test]
fn every_component_is_complete() {
    let mut problems = Vec::new();
    for c in kb().components.values() {
        let at = &c.id;
        if c.name.trim().is_empty() || c.description.trim().is_empty() {
            problems.push(format!("{at}: name and description must not be empty"));
        }
        if c.resource_types.is_empty() {
            problems.push(format!("{at}: resource_types is empty"));
        }
        let mut seen = BTreeSet::new();
        for t in c.resource_types.iter().chain(
            c.conditional_resource_types
                .iter()
                .flat_map(|x| &x.resource_types),
        ) {
            if !(t.starts_with("aws_") || t.starts_with("random_"))
                || t.contains(char::is_uppercase)
            {
                problems.push(format!(
                    "{at}: `{t}` is not a Terraform resource type of the aws or random provider"
                ));
            }
            if !seen.insert(t) {
                problems.push(format!("{at}: resource type `{t}` listed twice"));
            }
        }
        if c.synonyms.is_empty() {
            problems.push(format!("{at}: no synonyms: the component cannot be named"));
        }
        for s in c.synonyms.iter().chain(&c.purposes) {
            if s.trim() != s || s.to_lowercase() != *s || s.is_empty() {
                problems.push(format!("{at}: phrase {s:?} must be lowercase and trimmed"));
            }
        }
        let mut ids = BTreeSet::new();
        for p in &c.parameters {
            if !ids.insert(&p.id) {
                problems.push(format!("{at}.{}: parameter id defined twice", p.id));
            }
            check_parameter(kb(), c, p, &mut problems);
        }
    }
    assert_none(problems);
}

/// A parameter must be askable (question, why) and answerable by default (a default
/// or `required`), and its default must pass the parameter's own constraints.
fn check_parameter(kb: &KnowledgeBase, c: &Component, p: &Parameter, problems: &mut Vec<String>) {
    let at = format!("{}.{}", c.id, p.id);
    if p.question.trim().is_empty() || !p.question.contains('?') {
        problems.push(format!("{at}: question must be a question (contain '?')"));
    }
    if p.why.trim().is_empty() || p.why.contains('\n') {
        problems.push(format!("{at}: why must be one non-empty line"));
    }
    if p.default.is_none() && !p.required {
        problems.push(format!("{at}: needs a default or `required = true`"));
    }
    if p.kind == ParamType::Enum && p.allowed.is_empty() {
        problems.push(format!("{at}: an enum needs `allowed` values"));
    }
    if let Some(d) = &p.default {
        if let Err(e) = value_ok(kb, p, d) {
            problems.push(format!("{at}: default {d} fails its own constraints: {e}"));
        }
    }
    for (phrase, v) in &p.phrases {
        if phrase.to_lowercase() != *phrase {
            problems.push(format!("{at}: phrase {phrase:?} must be lowercase"));
        }
        if let Err(e) = value_ok(kb, p, v) {
            problems.push(format!(
                "{at}: phrase {phrase:?} gives {v}, which fails: {e}"
            ));
        }
    }
}

/// Whether `v` is a valid answer for `p` by type, allowed values, range and format.
fn value_ok(kb: &KnowledgeBase, p: &Parameter, v: &Value) -> Result<(), String> {
    if !p.allowed.is_empty() && !p.allowed.iter().any(|a| condition_holds(a, Some(v))) {
        return Err(format!("not one of {:?}", p.allowed));
    }
    let num = |v: &Value| v.as_f64().ok_or_else(|| "expected a number".to_string());
    let range = |x: f64| {
        if p.min.is_some_and(|m| x < m) || p.max.is_some_and(|m| x > m) {
            Err(format!("{x} outside {:?}..={:?}", p.min, p.max))
        } else {
            Ok(())
        }
    };
    match p.kind {
        ParamType::Bool => v
            .as_bool()
            .map(|_| ())
            .ok_or("expected true or false".into()),
        ParamType::Integer => {
            if v.as_i64().is_none() {
                return Err("expected a whole number".into());
            }
            range(num(v)?)
        }
        ParamType::Port => {
            let x = v.as_u64().ok_or("expected a port number")?;
            if !(1..=65535).contains(&x) {
                return Err("ports are 1–65535".into());
            }
            range(x as f64)
        }
        ParamType::PortList => list(v)?.iter().try_for_each(|x| match x.as_u64() {
            Some(1..=65535) => Ok(()),
            _ => Err(format!("{x} is not a port")),
        }),
        ParamType::Cidr => cidr(v),
        ParamType::CidrList => list(v)?.iter().try_for_each(cidr),
        ParamType::StringList => list(v)?
            .iter()
            .try_for_each(|x| x.as_str().map(|_| ()).ok_or(format!("{x} is not a string"))),
        ParamType::Enum => Ok(()),
        ParamType::Region => {
            let s = v.as_str().ok_or("expected a region code")?;
            kb.region(s)
                .map(|_| ())
                .ok_or(format!("unknown region {s}"))
        }
        ParamType::InstanceType => {
            let s = v.as_str().ok_or("expected an instance type")?;
            kb.instance_types
                .iter()
                .any(|t| t == s)
                .then_some(())
                .ok_or(format!("{s} is not an EC2 instance type"))
        }
        ParamType::DbInstanceClass => {
            let s = v.as_str().ok_or("expected a DB instance class")?;
            kb.db_instance_classes
                .iter()
                .any(|t| t == s)
                .then_some(())
                .ok_or(format!("{s} is not a DB instance class"))
        }
        ParamType::String => {
            let s = v.as_str().ok_or("expected a string")?;
            // An empty default means "not set" (e.g. look the AMI up); formats apply to real values.
            match p.format {
                Some(f) if !s.is_empty() => format_ok(f, s),
                _ => Ok(()),
            }
        }
    }
}

fn list(v: &Value) -> Result<&Vec<Value>, String> {
    v.as_array().ok_or_else(|| "expected a list".to_string())
}

fn cidr(v: &Value) -> Result<(), String> {
    let s = v.as_str().ok_or("expected a CIDR string")?;
    s.parse::<ipnet::IpNet>()
        .map(|_| ())
        .map_err(|e| format!("{s}: {e}"))
}

/// Loose shape checks for named formats; the conversation's validator holds the full
/// rules and messages, this only keeps obviously wrong defaults out of the data.
fn format_ok(f: Format, s: &str) -> Result<(), String> {
    let ok = match f {
        Format::ResourceName => {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }
        Format::S3BucketName => {
            (3..=63).contains(&s.len())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        }
        Format::RdsIdentifier => {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !s.contains("--")
        }
        Format::Arn => s.starts_with("arn:"),
        Format::TagValue => s.len() <= 256,
        Format::AmiId => s.starts_with("ami-"),
        Format::DomainName => s.contains('.') && !s.contains(' '),
        Format::Email => s.contains('@'),
        Format::ScheduleExpression => {
            (s.starts_with("cron(") || s.starts_with("rate(")) && s.ends_with(')')
        }
        Format::FilePath => !s.trim().is_empty(),
        Format::SecurityGroupDescription => {
            s.chars().count() <= 255
                && s.chars().all(|c| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c))
        }
    };
    ok.then_some(())
        .ok_or_else(|| format!("{s:?} is not a valid {f:?}"))
}

#[test]
fn every_reference_resolves() {
    let kb = kb();
    let mut problems = Vec::new();
    for c in kb.components.values() {
        let roles: BTreeSet<&str> = c
            .dependencies
            .iter()
            .filter_map(|d| d.role.as_deref())
            .collect();
        for (i, d) in c.dependencies.iter().enumerate() {
            let at = format!("{} dependency #{} ({})", c.id, i + 1, d.component);
            let Some(target) = kb.component(&d.component) else {
                problems.push(format!("{at}: unknown component `{}`", d.component));
                continue;
            };
            if d.why.trim().is_empty() {
                problems.push(format!("{at}: why is empty"));
            }
            if d.link_only && d.kind != tc_knowledge::DependencyKind::Optional {
                problems.push(format!("{at}: link_only is only meaningful for optional dependencies"));
            }
            if d.role.is_none() {
                problems.push(format!(
                    "{at}: needs a role so the template can refer to it"
                ));
            }
            for k in d.when.keys() {
                if c.parameter(k).is_none() {
                    problems.push(format!(
                        "{at}: `when` names unknown parameter `{k}` of {}",
                        c.id
                    ));
                }
            }
            for (k, v) in &d.params {
                match target.parameter(k) {
                    None => problems.push(format!(
                        "{at}: `params` names unknown parameter `{k}` of {}",
                        target.id
                    )),
                    Some(p) => {
                        if let Err(e) = value_ok(kb, p, v) {
                            problems.push(format!("{at}: `params.{k}` = {v} fails: {e}"));
                        }
                    }
                }
            }
            for k in d.at_least.keys() {
                if target
                    .parameter(k)
                    .is_none_or(|p| p.kind != ParamType::Integer)
                {
                    problems.push(format!(
                        "{at}: `at_least` needs an integer parameter, `{k}` is not one of {}",
                        target.id
                    ));
                }
            }
        }
        if let Some(cp) = &c.count_param {
            if c.parameter(cp).is_none_or(|p| p.kind != ParamType::Integer) {
                problems.push(format!(
                    "{}: count_param `{cp}` is not an integer parameter",
                    c.id
                ));
            }
        }
        for inc in &c.includes {
            if kb.component(inc).is_none() {
                problems.push(format!("{}: includes unknown component `{inc}`", c.id));
            }
        }
        for (i, ct) in c.conditional_resource_types.iter().enumerate() {
            let at = format!("{} conditional_resource_types #{}", c.id, i + 1);
            for k in ct.when.keys() {
                if c.parameter(k).is_none() {
                    problems.push(format!("{at}: unknown parameter `{k}`"));
                }
            }
            for r in &ct.when_refs {
                if !roles.contains(r.as_str()) {
                    problems.push(format!("{at}: `{r}` is not a dependency role of {}", c.id));
                }
            }
        }
    }
    assert_none(problems);
}

/// Required dependencies must form a directed acyclic graph, or no order exists in
/// which to create the resources.
#[test]
fn required_dependencies_have_no_cycle() {
    let kb = kb();
    fn visit<'a>(
        kb: &'a KnowledgeBase,
        id: &'a str,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        problems: &mut Vec<String>,
    ) {
        if done.contains(id) {
            return;
        }
        if let Some(pos) = path.iter().position(|p| *p == id) {
            problems.push(format!("cycle: {} → {id}", path[pos..].join(" → ")));
            return;
        }
        path.push(id);
        if let Some(c) = kb.component(id) {
            for d in &c.dependencies {
                visit(kb, &d.component, path, done, problems);
            }
        }
        path.pop();
        done.insert(id);
    }
    let mut problems = Vec::new();
    let mut done = BTreeSet::new();
    for id in kb.components.keys() {
        visit(kb, id, &mut Vec::new(), &mut done, &mut problems);
    }
    assert_none(problems);
}

/// A service name must lead to exactly one component, or the engine would guess.
#[test]
fn synonyms_name_one_component_each() {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    let mut problems = Vec::new();
    for c in kb().components.values() {
        for s in &c.synonyms {
            if let Some(other) = owner.insert(s, &c.id) {
                problems.push(format!(
                    "synonym {s:?} is claimed by both {other} and {}",
                    c.id
                ));
            }
        }
    }
    assert_none(problems);
}

#[test]
fn regions_are_unique_and_their_aliases_unambiguous() {
    let kb = kb();
    let mut problems = Vec::new();
    let mut codes = BTreeSet::new();
    let mut aliases: BTreeMap<String, &str> = BTreeMap::new();
    for r in &kb.regions {
        let parts: Vec<&str> = r.code.split('-').collect();
        if parts.len() != 3 || parts[2].parse::<u8>().is_err() {
            problems.push(format!(
                "region code {:?} is not of the form xx-area-N",
                r.code
            ));
        }
        if !codes.insert(&r.code) {
            problems.push(format!("region {} listed twice", r.code));
        }
        for a in &r.aliases {
            if let Some(other) = aliases.insert(a.to_lowercase(), &r.code) {
                problems.push(format!("alias {a:?} names both {other} and {}", r.code));
            }
        }
    }
    for must in [
        "us-east-1",
        "eu-central-1",
        "ap-south-1",
        "ap-southeast-2",
        "ap-southeast-5",
        "eu-north-1",
        "sa-east-1",
    ] {
        if !codes.contains(&must.to_string()) {
            problems.push(format!("missing region {must}"));
        }
    }
    assert_none(problems);
}

#[test]
fn size_hints_point_at_known_types() {
    let kb = kb();
    let mut problems = Vec::new();
    for h in &kb.size_hints {
        if !kb.instance_types.contains(&h.instance_type) {
            problems.push(format!(
                "size hint {}: {} is not an EC2 instance type",
                h.id, h.instance_type
            ));
        }
        if !kb.db_instance_classes.contains(&h.db_instance_class) {
            problems.push(format!(
                "size hint {}: {} is not a DB instance class",
                h.id, h.db_instance_class
            ));
        }
        for f in &h.families {
            if !kb
                .instance_types
                .iter()
                .any(|t| t.split('.').next() == Some(f.as_str()))
            {
                problems.push(format!(
                    "size hint {}: no instance type of family {f}",
                    h.id
                ));
            }
        }
    }
    assert_none(problems);
}

/// The stored instance-type list must be exactly what the extractor renders, so a
/// hand edit (or a list typed from memory) fails here.
#[test]
fn instance_types_file_is_the_extractor_output() {
    let text =
        tc_knowledge::file("instance_types.toml").expect("knowledge/instance_types.toml exists");
    let parsed: toml::Value = toml::from_str(text).unwrap();
    let source = parsed["source"].as_str().expect("a `source` line");
    let values: Vec<&str> = parsed["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        tc_knowledge::sdk::render_instance_types(source, &values),
        text,
        "instance_types.toml was edited by hand; re-run the extractor"
    );
    for t in [
        "t3.micro",
        "m7i.large",
        "r7g.large",
        "c7i.large",
        "g5.xlarge",
        "p5.48xlarge",
    ] {
        assert!(values.contains(&t), "{t} missing from instance types");
    }
}

/// With the `aws` feature, the stored list must equal the linked SDK's enum.
#[cfg(feature = "aws")]
#[test]
fn instance_types_equal_the_sdk_enum() {
    let mut sdk = tc_knowledge::sdk::sdk_instance_types();
    sdk.sort_unstable();
    sdk.dedup();
    let stored: Vec<&str> = kb().instance_types.iter().map(String::as_str).collect();
    let missing: Vec<_> = sdk.iter().filter(|t| !stored.contains(t)).collect();
    let extra: Vec<_> = stored.iter().filter(|t| !sdk.contains(t)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "instance_types.toml differs from aws-sdk-ec2: missing {missing:?}, not in the SDK {extra:?}; re-run the extractor");
}

/// Once templates exist, every component must name an existing template.
#[test]
fn every_component_template_exists_once_templates_arrive() {
    let dir = repo_root().join("templates");
    let has_templates = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".tf.j2"))
        })
        .unwrap_or(false);
    if !has_templates {
        eprintln!("templates/ has no .tf.j2 files yet: template check inactive");
        return;
    }
    let missing: Vec<String> = kb()
        .components
        .values()
        .filter(|c| !dir.join(format!("{}.tf.j2", c.template)).is_file())
        .map(|c| format!("{} → templates/{}.tf.j2", c.id, c.template))
        .collect();
    assert_none(missing);
}
