//! Benchmark: generating a 30-resource configuration (target: ≤ 10 ms median).

use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::BTreeMap;
use tc_generate::examples::StackBuilder;

/// A realistic 30-resource stack: a network, web servers with their own security
/// groups, and databases, built from the knowledge base with default answers.
fn thirty_resources() -> tc_knowledge::Stack {
    let kb = tc_knowledge::knowledge();
    let mut b = StackBuilder::new(kb, "eu-central-1");
    let kinds = ["ec2_instance", "rds_instance", "ec2_instance", "rds_instance", "ec2_instance", "ec2_instance", "ec2_instance", "ec2_instance", "ec2_instance", "ec2_instance", "ec2_instance", "ec2_instance"];
    let mut i = 0;
    while b_len(&b) < 30 {
        let kind = kinds[i % kinds.len()];
        b.add(&format!("{kind}_{i}"), kind, BTreeMap::new());
        i += 1;
    }
    let stack = b.build();
    assert!(stack.resources.len() >= 30, "the benchmark needs at least 30 resources");
    stack
}

fn b_len(b: &StackBuilder) -> usize {
    b.len()
}

fn bench(c: &mut Criterion) {
    let stack = thirty_resources();
    // Warm the template cache so the numbers measure steady-state generation.
    let generated = tc_generate::generate(&stack).expect("the benchmark stack generates");
    let blocks = generated.blocks().count();
    println!("30-resource stack: {} stack resources, {blocks} HCL blocks", stack.resources.len());
    c.bench_function("generate_30_resources", |b| b.iter(|| tc_generate::generate(std::hint::black_box(&stack)).unwrap()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
