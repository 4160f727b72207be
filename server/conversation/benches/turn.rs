//! One conversation turn on the web + database conversation (target: ≤ 1 ms
//! median). Measured at the busiest point: the instance-type answer, where the
//! engine validates the value, checks the relations between resources and the
//! security rules, recomputes the question sequence and the partial stack.

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tc_conversation::Conversation;

/// The web + db conversation, advanced to the web server's instance-type question.
fn at_instance_type() -> Conversation {
    let plan = support::plan(Some("eu-central-1"), &[("ec2_instance", "web"), ("rds_instance", "db")]);
    let (mut conv, _) = Conversation::from_plan(plan);
    for _ in 0..40 {
        match conv.current_question() {
            Some(q) if q.id == "web.instance_type" => return conv,
            Some(_) => {
                conv.handle("");
            }
            None => break,
        }
    }
    panic!("never reached web.instance_type");
}

fn turn(c: &mut Criterion) {
    let start = at_instance_type();
    c.bench_function("turn: answer the instance type (web + db)", |b| {
        b.iter_batched(|| start.clone(), |mut conv| conv.handle("t3 small please"), BatchSize::SmallInput)
    });
    c.bench_function("turn: invalid answer rejected (web + db)", |b| {
        b.iter_batched(|| start.clone(), |mut conv| conv.handle("t3.smal"), BatchSize::SmallInput)
    });
    c.bench_function("turn: change an earlier answer (web + db)", |b| {
        b.iter_batched(|| start.clone(), |mut conv| conv.handle("change vpc cidr to 10.1.0.0/16"), BatchSize::SmallInput)
    });
    c.bench_function("turn: change the engine, re-checking port and version (web + db)", |b| {
        b.iter_batched(|| start.clone(), |mut conv| conv.handle("change db.engine to mysql"), BatchSize::SmallInput)
    });
    c.bench_function("turn: accept all defaults (web + db)", |b| {
        b.iter_batched(|| start.clone(), |mut conv| conv.handle("accept all defaults"), BatchSize::SmallInput)
    });
}

criterion_group!(benches, turn);
criterion_main!(benches);
