//! Fuzzes HCL parsing plus every security rule and schema check: arbitrary text must
//! never panic, and every quick fix must apply cleanly to the text it was made for.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let findings = tc_rules::check_module(&[("main.tf", text)]);
    for finding in &findings {
        assert!(finding.start_line >= 1 && finding.end_line >= finding.start_line, "{finding:?}");
        if let Some(fix) = &finding.fix {
            // Edits target the file they were computed for; applying them must not fail
            // on ranges outside the text or splitting a UTF-8 character.
            let _ = tc_rules::apply_edits(text, "main.tf", &fix.edits);
        }
    }
    let _ = tc_schema::check(tc_schema::embedded(), text);
});
