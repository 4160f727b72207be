#!/usr/bin/env bash
# Regenerates tests/rules/corpus-checkov.txt: checkov's failures (all 68 checks) on each
# repository of ../shared/corpora/terraform-aws-modules, one line per
# "DIR/FILE CHECK_ID type.name" (module prefixes and instance keys removed, because
# checkov evaluates modules through their example callers and we check each directory).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
corpus="$root/../shared/corpora/terraform-aws-modules"
ids="$(tail -n +2 "$root/../shared/corpora/security-checks.csv" | cut -d, -f1 | paste -sd,)"
out="$root/tests/rules/corpus-checkov.txt"
{
  echo "# checkov 3.3.30 failures on ../shared/corpora/terraform-aws-modules (all 68 checks), made by"
  echo "# tests/rules/corpus-checkov.sh: DIR/FILE CHECK_ID RESOURCE (module prefix and instance key removed)."
  for d in terraform-aws-alb terraform-aws-ec2-instance terraform-aws-rds terraform-aws-s3-bucket terraform-aws-security-group terraform-aws-vpc; do
    "$root/../shared/tools/checkov-scan/checkov-scan" "$corpus/$d" "$ids" | grep -v '^checkov:' |
      awk -v d="$d" '{res=$2; n=split(res,p,"."); t=p[n-1]; nm=p[n]; sub(/\[.*$/,"",nm); split($3,f,":"); print d"/"f[1], $1, t"."nm}' || true
  done | sort -u
} > "$out"
wc -l "$out"
