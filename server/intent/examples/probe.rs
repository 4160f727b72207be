//! Prints the intent, plan and resource types for each argument: a quick way to see
//! what the engine makes of a request while working on the lexicon.

fn main() {
    let kb = tc_knowledge::knowledge();
    for text in std::env::args().skip(1) {
        let intent = tc_intent::understand(&text);
        println!("== {text}");
        for c in &intent.components {
            println!(
                "  {} x{} role={:?} params={} [{}]",
                c.component,
                c.count,
                c.role,
                serde_json::to_string(&c.params).unwrap(),
                c.matched
            );
        }
        println!(
            "  region={:?} extra={:?} az={:?} size={:?} excluded={:?} unknown={:?}",
            intent.region,
            intent.extra_regions,
            intent.az_count,
            intent.size_hint,
            intent.excluded,
            intent.unknown_words
        );
        match tc_intent::resolve(&intent) {
            Ok(plan) => {
                for r in &plan.resources {
                    println!(
                        "    {:<30} {:<24} {:?} {} refs={:?}",
                        r.key,
                        r.component,
                        r.inclusion,
                        serde_json::to_string(&r.params).unwrap(),
                        r.refs
                    );
                }
                println!("  types: {}", plan.resource_types(kb).join(" "));
            }
            Err(e) => println!("  plan error: {e}"),
        }
    }
}
