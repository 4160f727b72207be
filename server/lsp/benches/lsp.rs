//! Latency through the protocol, in process (JSON-RPC over a duplex pipe, the same
//! server code as stdio): a keystroke's `didChange` until its `publishDiagnostics`
//! (syntax + security rules + schema) on the 5,000-line (target ≈ 9 ms) and the
//! 39,700-line (target ≤ 50 ms) real-world files of the corpus, and a
//! `textDocument/codeAction` round trip on the 5,000-line file (target < 0.5 ms).

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};
use tc_lsp::testing::TestClient;

fn corpus_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/terraform-aws-modules/_large").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    // The 39.7k-line file first, in its own folder (a module of one file).
    {
        let dir = tempfile::tempdir().unwrap();
        let main = dir.path().join("main.tf");
        let text = corpus_file("all_modules_concat.tf");
        std::fs::write(&main, &text).unwrap();
        println!("file: {} lines, {} bytes", text.lines().count(), text.len());
        let client = rt.block_on(async {
            let (client_side, server_side) = tokio::io::duplex(1 << 22);
            let (sr, sw) = tokio::io::split(server_side);
            let (cr, cw) = tokio::io::split(client_side);
            tokio::spawn(async move { tc_lsp::serve(sr, sw, Default::default(), None).await });
            let client = TestClient::spawn(cr, cw);
            client.initialize(dir.path(), json!({ "terraconverse": { "diagnostics": { "debounceMs": 0 } } })).await;
            client.open(&main);
            let diagnostics = client.diagnostics(&main, 1).await;
            println!("{} diagnostics published", diagnostics.len());
            client
        });
        let mut group = c.benchmark_group("lsp");
        group.sample_size(20).measurement_time(Duration::from_secs(8));
        let mut column = 0u32;
        group.bench_function("didChange -> publishDiagnostics (39,700 lines)", |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        client.clear_notifications();
                        let start = Instant::now();
                        client.type_text(&main, 0, 1 + column % 40, "x");
                        let version = client.version(&main).unwrap();
                        client.diagnostics(&main, version).await;
                        total += start.elapsed();
                        column += 1;
                    }
                    total
                })
            })
        });
        group.finish();
    }

    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.tf");
    let text = corpus_file("concat_5k.tf");
    std::fs::write(&main, &text).unwrap();
    println!("file: {} lines, {} bytes", text.lines().count(), text.len());

    let client = rt.block_on(async {
        let (client_side, server_side) = tokio::io::duplex(1 << 22);
        let (sr, sw) = tokio::io::split(server_side);
        let (cr, cw) = tokio::io::split(client_side);
        tokio::spawn(async move { tc_lsp::serve(sr, sw, Default::default(), None).await });
        let client = TestClient::spawn(cr, cw);
        client.initialize(dir.path(), json!({ "terraconverse": { "diagnostics": { "debounceMs": 0 } } })).await;
        client.open(&main);
        client.diagnostics(&main, 1).await;
        client
    });

    let mut group = c.benchmark_group("lsp");
    group.sample_size(30).measurement_time(Duration::from_secs(8));
    let mut column = 0u32;
    group.bench_function("didChange -> publishDiagnostics (5,000 lines)", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    client.clear_notifications();
                    // Type inside the first line's comment so the file stays valid.
                    let start = Instant::now();
                    client.type_text(&main, 0, 1 + column % 40, "x");
                    let version = client.version(&main).unwrap();
                    client.diagnostics(&main, version).await;
                    total += start.elapsed();
                    column += 1;
                }
                total
            })
        })
    });

    let uri = tc_lsp::testing::uri(&main);
    rt.block_on(async {
        let version = client.version(&main).unwrap();
        client.diagnostics(&main, version).await;
    });
    group.bench_function("codeAction round trip (5,000 lines)", |b| {
        b.iter(|| {
            rt.block_on(async {
                client
                    .request(
                        "textDocument/codeAction",
                        json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 2500, "character": 4 }, "end": { "line": 2500, "character": 4 } }, "context": { "diagnostics": [] } }),
                    )
                    .await
                    .unwrap()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
