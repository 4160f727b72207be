//! Fuzzes the offline intent engine and the dependency resolver: any text gives an
//! intent, and any plan it resolves to lists dependencies before their dependants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;

fuzz_target!(|text: &str| {
    let intent = tc_intent::understand(text);
    if let Ok(plan) = tc_intent::resolve(&intent) {
        let mut seen = HashSet::new();
        for resource in &plan.resources {
            for target in resource.refs.values() {
                assert!(seen.contains(target), "{} refers to {target} before it is planned", resource.key);
            }
            assert!(seen.insert(resource.key.clone()), "duplicate key {}", resource.key);
        }
    }
});
