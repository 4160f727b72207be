//! Integrity of the constraints between parameters (`[[constraints]]` in a
//! component file): each ties two existing parameters, covers every choice of
//! the parameter it depends on, and agrees with the parameters' own defaults, so
//! a question never shows one default while the stack gets another.

use tc_knowledge::{knowledge, Constraint, ParamType, Value};

#[test]
fn every_constraint_ties_two_parameters_and_covers_every_choice() {
    let mut problems = Vec::new();
    let mut count = 0;
    for c in knowledge().components.values() {
        for k in &c.constraints {
            count += 1;
            let at = format!("{}: constraint {} on {}", c.id, k.param, k.on);
            let (Some(p), Some(on)) = (c.parameter(&k.param), c.parameter(&k.on)) else {
                problems.push(format!("{at}: both parameters must exist"));
                continue;
            };
            if k.param == k.on {
                problems.push(format!("{at}: a parameter cannot depend on itself"));
            }
            if k.why.trim().is_empty() || k.why.contains('\n') {
                problems.push(format!("{at}: why must be one non-empty line"));
            }
            if k.defaults.is_empty() && k.versions.is_empty() {
                problems.push(format!("{at}: states neither defaults nor versions"));
            }
            // Keys are values of `on`: with an enum, exactly its choices.
            let choices: Vec<String> = on.allowed.iter().map(Constraint::key).collect();
            if on.kind == ParamType::Enum {
                for key in k.defaults.keys().chain(k.versions.keys()) {
                    if !choices.contains(key) {
                        problems.push(format!("{at}: `{key}` is not a choice of {} ({choices:?})", k.on));
                    }
                }
                if !k.defaults.is_empty() {
                    for choice in &choices {
                        if !k.defaults.contains_key(choice) {
                            problems.push(format!("{at}: no default for {} = {choice}", k.on));
                        }
                    }
                }
            }
            // Derived defaults have the parameter's type (ports are ports).
            for (key, d) in &k.defaults {
                let ok = match p.kind {
                    ParamType::Port => d.as_i64().is_some_and(|n| (1..=65535).contains(&n)),
                    ParamType::Integer => d.is_i64(),
                    ParamType::Bool => d.is_boolean(),
                    _ => d.is_string(),
                };
                if !ok {
                    problems.push(format!("{at}: default {d} for {key} is not a valid {:?}", p.kind));
                }
            }
            for (key, majors) in &k.versions {
                if majors.is_empty() || majors.iter().any(|m| m.trim().is_empty()) {
                    problems.push(format!("{at}: versions for {key} must be a non-empty list of majors"));
                }
            }
            // With the defaults of both, the parameter's own default is the derived
            // one and fits.
            if let Some(on_default) = &on.default {
                if let Some(d) = k.defaults.get(&Constraint::key(on_default)) {
                    if p.default.as_ref() != Some(d) {
                        problems.push(format!("{at}: default {:?} differs from the one derived for {on_default} ({d})", p.default));
                    }
                }
                if let (Some(pd), Err(majors)) = (&p.default, k.fits(on_default, p.default.as_ref().unwrap_or(&Value::Null))) {
                    problems.push(format!("{at}: default {pd} does not fit {on_default} ({majors:?})"));
                }
            }
        }
    }
    assert!(count >= 3, "the RDS port and engine version and the cache port are constraints; found {count}");
    assert!(problems.is_empty(), "{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

/// `effective` (what the resolver and generator read) follows the constraint.
#[test]
fn derived_defaults_follow_the_value_they_depend_on() {
    let rds = knowledge().component("rds_instance").unwrap();
    let answers = |engine: &str| [("engine".to_string(), Value::from(engine))].into_iter().collect();
    assert_eq!(rds.effective("port", &answers("mysql")), Some(&Value::from(3306)));
    assert_eq!(rds.effective("port", &answers("postgres")), Some(&Value::from(5432)));
    assert_eq!(rds.effective("port", &answers("sqlserver-ex")), Some(&Value::from(1433)));
    assert_eq!(rds.effective("port", &Default::default()), Some(&Value::from(5432)), "the engine's own default decides");
    let typed = [("engine".to_string(), Value::from("mysql")), ("port".to_string(), Value::from(6000))].into_iter().collect();
    assert_eq!(rds.effective("port", &typed), Some(&Value::from(6000)), "an answer wins over a derived default");

    let cache = knowledge().component("elasticache_redis").unwrap();
    assert_eq!(cache.effective("port", &answers("memcached")), Some(&Value::from(11211)));

    let version = rds.constraints.iter().find(|c| c.param == "engine_version").unwrap();
    assert!(version.fits(&Value::from("mysql"), &Value::from("8.0.35")).is_ok());
    assert_eq!(version.fits(&Value::from("mysql"), &Value::from("16.4")), Err(vec!["8.0".to_string(), "8.4".to_string()]));
    assert!(version.fits(&Value::from("mysql"), &Value::from("")).is_ok(), "empty means the current default");
}
