#!/usr/bin/env bash
# Runs every fuzz target of server/fuzz (libFuzzer) for a bounded time each (default 60 s;
# CI passes a short smoke time). Fails when any target finds a crash; the crashing
# input is left in server/fuzz/artifacts/<target>/ to be turned into a regression test.
#
#   bash tests/fuzz.sh [SECONDS_PER_TARGET]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
targets=(rules intent answer edit_plan lsp_document)

# The targets are built with plain cargo and the coverage instrumentation libFuzzer
# needs (the flags cargo-fuzz passes, without AddressSanitizer: the code under test is
# safe Rust, so the crashes worth finding are panics, and ASan would need a nightly
# flag). Installing cargo-fuzz itself took 12 minutes here, so CI does without it.
target=x86_64-unknown-linux-gnu
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
# Real Terraform seeds the HCL targets; plain requests seed the language targets.
mkdir -p "$seeds/hcl" "$seeds/text"
find ../shared/corpora/terraform-aws-modules -name '*.tf' -size -8k 2>/dev/null | sed -n '1,60p' | while read -r f; do cp "$f" "$seeds/hcl/$(echo "$f" | md5sum | cut -c1-12).tf"; done
if [ -f ../shared/corpora/nl-requests-dev.jsonl ]; then
  python3 - "$seeds/text" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
for i, line in enumerate(open("../shared/corpora/nl-requests-dev.jsonl")):
    (out / f"req{i}").write_text(json.loads(line)["request"])
PY
fi

# An explicit --target keeps build scripts and proc macros uninstrumented.
cargo build --manifest-path server/fuzz/Cargo.toml --release --target "$target" --bins
bin="server/fuzz/target/$target/release"
failed=0
for t in "${targets[@]}"; do
  case "$t" in
    rules|edit_plan) seed="$seeds/hcl" ;;
    *) seed="$seeds/text" ;;
  esac
  mkdir -p "server/fuzz/corpus/$t" "server/fuzz/artifacts/$t"
  echo "fuzz: $t for ${seconds}s"
  log="$seeds/$t.log"
  if ! "$bin/$t" "server/fuzz/corpus/$t" "$seed" -artifact_prefix="server/fuzz/artifacts/$t/" \
        -max_total_time="$seconds" -rss_limit_mb=3072 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    # The panic message, the sanitizer summary or the build error, then the stats.
    grep -E "panicked at|^error|ERROR: |SUMMARY: |Test unit written" "$log" | head -n 20 || true
    tail -n 12 "$log"
    echo "fuzz: $t FAILED (see server/fuzz/artifacts/$t/)"
    failed=$((failed + 1))
  else
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$log" || tail -n 3 "$log"
  fi
done
passed=$(( ${#targets[@]} - failed ))
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
