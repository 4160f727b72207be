//! Cross-checks the embedded schema (hashicorp/aws 6.69.1, from cdktn's jsii
//! assembly) against Terraform's own `providers schema -json` output for 6.47.0
//! in ../shared: the two releases differ a little, the extraction must not.

use std::path::PathBuf;
use tc_schema::{embedded, BlockSchema, Schema};

fn shared_schema() -> Schema {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/tools/tf-validate/aws-provider-schema.json.gz");
    Schema::load_path(&path).expect("../shared holds the 6.47.0 schema")
}

#[derive(Default, Debug)]
struct Tally {
    compared: usize,
    missing: Vec<String>,
    extra_settable: Vec<String>,
    required_differs: Vec<String>,
    computed_only_differs: Vec<String>,
    block_max_differs: Vec<String>,
}

fn compare(path: &str, ours: &BlockSchema, theirs: &BlockSchema, t: &mut Tally) {
    if ours.unchecked {
        return;
    }
    for a in &theirs.attributes {
        t.compared += 1;
        let p = format!("{path}.{}", a.name);
        // Terraform also accepts list-of-object arguments as blocks, which cdktn
        // may model either way.
        let Some(o) = ours.attribute(&a.name) else {
            if ours.block(&a.name).is_none() && !a.deprecated {
                t.missing.push(p);
            }
            continue;
        };
        if o.required != a.required {
            t.required_differs.push(p.clone());
        }
        if o.is_computed_only() != a.is_computed_only() {
            t.computed_only_differs.push(p);
        }
    }
    for b in &theirs.blocks {
        t.compared += 1;
        let p = format!("{path}.{}", b.name);
        match ours.block(&b.name) {
            Some(ob) => {
                if (ob.max() == Some(1)) != (b.max() == Some(1)) {
                    t.block_max_differs.push(p.clone());
                }
                if (ob.min_items > 0) != (b.min_items > 0) {
                    t.required_differs.push(p.clone());
                }
                compare(&p, &ob.block, &b.block, t);
            }
            None if ours.attribute(&b.name).is_none() && !b.block.deprecated => t.missing.push(p),
            None => {}
        }
    }
    for name in ours.settable_names() {
        if theirs.attribute(name).is_none() && theirs.block(name).is_none() {
            t.extra_settable.push(format!("{path}.{name}"));
        }
    }
}

#[test]
fn embedded_schema_matches_terraforms_own_for_shared_types() {
    let ours = embedded();
    let theirs = shared_schema();
    assert_eq!(ours.info().version, "6.69.1");
    let mut t = Tally::default();
    let mut types = 0;
    for name in theirs.resource_types() {
        if let Some(o) = ours.resource(name) {
            types += 1;
            compare(name, o, theirs.resource(name).unwrap(), &mut t);
        }
    }
    for name in theirs.data_source_types() {
        if let Some(o) = ours.data_source(name) {
            types += 1;
            compare(&format!("data.{name}"), o, theirs.data_source(name).unwrap(), &mut t);
        }
    }
    let show = |v: &Vec<String>| v.iter().take(15).cloned().collect::<Vec<_>>().join(", ");
    eprintln!(
        "types {types}, compared {}: missing {} [{}]\nextra {} [{}]\nrequired {} [{}]\ncomputed-only {} [{}]\nmax1 {} [{}]",
        t.compared,
        t.missing.len(), show(&t.missing),
        t.extra_settable.len(), show(&t.extra_settable),
        t.required_differs.len(), show(&t.required_differs),
        t.computed_only_differs.len(), show(&t.computed_only_differs),
        t.block_max_differs.len(), show(&t.block_max_differs),
    );
    assert!(types > 2200, "most 6.47.0 types exist in 6.69.1, got {types}");
    // The tolerances are the measured release differences between 6.47.0 and
    // 6.69.1 plus the few snake_case ambiguities of computed-only names with
    // digits (`checksumCrc32C`); a broken extraction moves these by thousands.
    assert!(t.compared > 40_000, "compared only {}", t.compared);
    assert!(t.missing.len() <= 25, "missing: {:?}", t.missing);
    assert!(t.required_differs.len() <= 30, "required differs: {:?}", t.required_differs);
    assert!(t.computed_only_differs.len() <= 3, "computed-only differs: {:?}", t.computed_only_differs);
    assert!(t.block_max_differs.is_empty(), "max-1 blocks differ: {:?}", t.block_max_differs);
}
