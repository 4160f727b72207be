//! Diagnostics latency on the corpus files of `../shared/corpora/terraform-aws-modules/_large/`
//! (5k, 11.5k and 39.7k lines; target ≤ 50 ms for the 39.7k-line file):
//! * `cold`: every block parsed (first open of the file);
//! * `after-edit`: re-check after a one-line edit with the parse cache the language
//!   server keeps, so only the edited block is parsed again (the as-you-type case).
//! Run with `cargo bench -p tc_rules --bench diagnostics`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use std::time::Duration;
use tc_rules::{check, check_cached, ParseCache};

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/terraform-aws-modules/_large");
    let mut group = c.benchmark_group("diagnostics");
    group.measurement_time(Duration::from_secs(6)).sample_size(20);
    for name in ["concat_5k.tf", "concat_10k.tf", "all_modules_concat.tf"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("corpus file");
        let lines = text.lines().count();
        let report = check(&[(name, &text)]);
        eprintln!("{name}: {lines} lines, {} findings, {} unparsable blocks", report.findings.len(), report.parse_errors.len());
        group.bench_function(format!("cold/{name} ({lines} lines)"), |b| b.iter(|| check(&[(name, text.as_str())])));
        // Two versions differing in one line, checked alternately: each check re-parses
        // exactly one block.
        let needle = "resource \"";
        let at = text.find(needle).expect("a resource");
        let edited = format!("{}{}{}", &text[..at], "# edited\n", &text[at..]);
        let cache = ParseCache::default();
        check_cached(&[(name, &text)], &cache);
        let mut flip = false;
        group.bench_function(format!("after-edit/{name} ({lines} lines)"), |b| {
            b.iter(|| {
                flip = !flip;
                check_cached(&[(name, if flip { edited.as_str() } else { text.as_str() })], &cache)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
