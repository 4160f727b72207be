//! Generated configurations have zero schema findings: every knowledge-base
//! component's example stack, with its required and recommended dependencies, and
//! again with its optional ones, rendered by tc_generate and checked against the
//! embedded schema.

use std::collections::BTreeMap;
use tc_generate::examples::{example_stack, StackBuilder};
use tc_knowledge::knowledge;
use tc_schema::{check, embedded};

#[test]
fn generated_configurations_have_no_schema_findings() {
    let kb = knowledge();
    let mut checked_files = 0;
    let mut findings = Vec::new();
    let mut not_generated = Vec::new();
    for id in kb.components.keys() {
        let mut with_optional = StackBuilder::new(kb, "eu-central-1").with_optional(true);
        with_optional.add(id, id, BTreeMap::new());
        for (variant, stack) in [("defaults", example_stack(kb, id)), ("with optional", with_optional.build())] {
            let generated = match tc_generate::generate(&stack) {
                Ok(g) => g,
                // The generator's own tests own its errors; here we only need output.
                Err(e) => {
                    not_generated.push(format!("{id} ({variant}): {e}"));
                    continue;
                }
            };
            for file in &generated.files {
                if !file.path.ends_with(".tf") {
                    continue;
                }
                let text = file.content();
                assert!(
                    hcl_edit::parser::parse_body(&text).is_ok(),
                    "{id} ({variant}) {} does not parse, so it cannot be checked",
                    file.path
                );
                checked_files += 1;
                for d in check(embedded(), &text) {
                    let line = text[..d.span.start].matches('\n').count() + 1;
                    findings.push(format!("{id} ({variant}) {}:{line}: {:?}: {}", file.path, d.kind, d.message));
                }
            }
        }
    }
    eprintln!("checked {checked_files} generated files; not generated: {not_generated:#?}");
    assert!(
        checked_files >= kb.components.len(),
        "too few generated files checked ({checked_files}); generation errors: {not_generated:#?}"
    );
    assert!(findings.is_empty(), "{} findings:\n{}", findings.len(), findings.join("\n"));
}
