#!/usr/bin/env bash
# Times `terraconverse check` against checkov (../shared/tools/checkov-scan) on the same
# directories of ../shared/corpora/terraform-aws-modules and prints the speed ratio
# (target: terraconverse at least 100x faster). Both run the same 68 checks.
# Usage: tests/rules/bench-check-vs-checkov.sh   (from anywhere; builds a release binary)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
corpus="$root/../shared/corpora/terraform-aws-modules"
scan="$root/../shared/tools/checkov-scan/checkov-scan"
export AWS_EC2_METADATA_DISABLED=true
cargo build --release -q -p terraconverse --manifest-path "$root/Cargo.toml"
bin="$root/target/release/terraconverse"
ids="$(tail -n +2 "$root/../shared/corpora/security-checks.csv" | cut -d, -f1 | paste -sd,)"
dirs=(terraform-aws-alb terraform-aws-ec2-instance terraform-aws-rds terraform-aws-s3-bucket terraform-aws-security-group terraform-aws-vpc)
# Warm up checkov's install (first run ~90 s) so the timing measures scanning only.
"$scan" "$corpus/${dirs[0]}" CKV_AWS_7 > /dev/null 2>&1 || true

now() { date +%s.%N; }
printf '%-32s %12s %12s %10s\n' directory terraconverse checkov ratio
tc_total=0; ck_total=0
for d in "${dirs[@]}"; do
  t0=$(now); "$bin" check "$corpus/$d" --format json > /dev/null || true; t1=$(now)
  "$scan" "$corpus/$d" "$ids" > /dev/null 2>&1 || true; t2=$(now)
  tc=$(echo "$t1 - $t0" | bc -l); ck=$(echo "$t2 - $t1" | bc -l)
  tc_total=$(echo "$tc_total + $tc" | bc -l); ck_total=$(echo "$ck_total + $ck" | bc -l)
  printf '%-32s %11.3fs %11.3fs %9.0fx\n' "$d" "$tc" "$ck" "$(echo "$ck / $tc" | bc -l)"
done
printf '%-32s %11.3fs %11.3fs %9.0fx\n' total "$tc_total" "$ck_total" "$(echo "$ck_total / $tc_total" | bc -l)"
