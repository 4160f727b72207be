//! Editor diagnostics (syntax + security rules + provider schema) on the corpus files of
//! `../shared/corpora/terraform-aws-modules/_large/` (5k, 11.5k and 39.7k lines; target
//! ≤ 50 ms p50 for the 39.7k-line file). Per file:
//! * `before`: the three independent checks the language server used to run, each
//!   parsing the whole text (`tc_edit::index_blocks`, `tc_rules::check`,
//!   `tc_schema::check`);
//! * `fresh`: [`tc_rules::analyse_fresh`], one parse of the whole file, no cache;
//! * `cold`: [`tc_rules::analyse`] with an empty cache (first open of the file);
//! * `incremental`: `analyse` after a one-character edit in a description in the middle
//!   of the file, with the cache of the previous version (the as-you-type case);
//! * `incremental_local`: the same after adding a local value, which every resource may
//!   read, so all resources are evaluated again (as after editing a variable default).
//!
//! Ends with a table of the medians and the before/after ratios.
//! Run with `cargo bench -p tc_rules --bench diagnostics`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tc_rules::{analyse, analyse_fresh, Options, ParseCache};

const FILES: [(&str, &str); 3] = [("5k", "concat_5k.tf"), ("11.5k", "concat_10k.tf"), ("39.7k", "all_modules_concat.tf")];
const CASES: [&str; 5] = ["before", "fresh", "cold", "incremental", "incremental_local"];

fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/terraform-aws-modules/_large").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Two versions of `text` differing by one edit at the first `needle` after the middle
/// of the file: the text after the needle's end gets `a` or `b` inserted.
fn two_versions(text: &str, needle: &str, a: &str, b: &str) -> (String, String) {
    let at = text[text.len() / 2..].find(needle).map(|i| text.len() / 2 + i + needle.len()).expect("needle in the second half");
    (format!("{}{a}{}", &text[..at], &text[at..]), format!("{}{b}{}", &text[..at], &text[at..]))
}

fn bench(c: &mut Criterion) {
    let schema = tc_schema::embedded();
    let options = Options { rules: true, schema: Some(schema) };
    for (label, file) in FILES {
        let text = corpus(file);
        let lines = text.lines().count();
        let analysis = analyse_fresh((file, &text), &[], options);
        eprintln!(
            "{file}: {lines} lines, syntax {}, {} findings, {} schema diagnostics",
            if analysis.syntax.is_ok() { "ok" } else { "error" },
            analysis.findings.len(),
            analysis.schema.len()
        );
        let mut group = c.benchmark_group(format!("diagnostics_{label}"));
        group.measurement_time(Duration::from_secs(5)).sample_size(15).warm_up_time(Duration::from_secs(1));
        group.bench_function("before", |b| {
            b.iter(|| {
                let blocks = tc_edit::index_blocks(&text);
                let rules = tc_rules::check(&[(file, text.as_str())]);
                let schema = tc_schema::check(schema, &text);
                (blocks, rules, schema)
            })
        });
        group.bench_function("fresh", |b| b.iter(|| analyse_fresh((file, &text), &[], options)));
        group.bench_function("cold", |b| b.iter(|| analyse(&ParseCache::default(), (file, &text), &[], options)));
        // Alternating two versions: each run parses exactly the edited block again.
        for (case, (a, b)) in [
            ("incremental", two_versions(&text, "description = \"", "x", "y")),
            ("incremental_local", two_versions(&text, "locals {\n", "", "  bench_local = 1\n")),
        ] {
            assert_eq!(analyse(&ParseCache::default(), (file, &a), &[], options), analyse_fresh((file, &a), &[], options));
            let cache = ParseCache::default();
            analyse(&cache, (file, &a), &[], options);
            let mut flip = false;
            group.bench_function(case, |bench| {
                bench.iter(|| {
                    flip = !flip;
                    analyse(&cache, (file, if flip { &b } else { &a }), &[], options)
                })
            });
        }
        group.finish();
    }
    summary();
}

/// Medians from criterion's own estimates of this run, and the speed-ups over `before`.
fn summary() {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let median = |group: &str, case: &str| -> Option<f64> {
        let path = target.join("criterion").join(group).join(case).join("new/estimates.json");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        json["median"]["point_estimate"].as_f64().map(|ns| ns / 1e6)
    };
    println!("\nmedians (ms) and speed-up over `before`:");
    println!("{:<8} {}", "file", CASES.map(|c| format!("{c:>24}")).join(""));
    for (label, _) in FILES {
        let group = format!("diagnostics_{label}");
        let before = median(&group, "before");
        let cells = CASES.map(|case| match (median(&group, case), before) {
            (Some(m), Some(b)) if case != "before" => format!("{:>24}", format!("{m:.2} ({:.0}x)", b / m)),
            (Some(m), _) => format!("{m:>24.2}"),
            _ => format!("{:>24}", "-"),
        });
        println!("{label:<8} {}", cells.join(""));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
