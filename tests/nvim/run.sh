#!/usr/bin/env bash
# Neovim end to end (issue 5): Debian's Neovim drives the real `terraconverse lsp`
# through tests/nvim/e2e.lua, then the files on disk are checked with the real
# Terraform from ../shared. Needs nvim (0.7+) and a built binary (cargo build).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
BIN=${TC_BIN:-$REPO/target/debug/terraconverse}
[ -n "${TC_BIN:-}" ] || cargo build -q -p terraconverse
command -v nvim >/dev/null || { echo "nvim is not installed (apt-get install -y neovim)"; exit 1; }

WS=$(mktemp -d /tmp/tc-nvim-XXXXXX)
trap 'rm -rf "$WS"' EXIT
cat > "$WS/main.tf" <<'TF'
# Network owned by the platform team — do not change 🚀
# Ünïcödé: Straße, 東京, naïve café
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16" # keep

  tags = {
    Name = "main"
  }
}
TF
{ echo "# typed in Neovim before the conversation ✍️"; cat "$WS/main.tf"; echo "# typed between question and answer 🙂"; } > "$WS/expected-main.tf.txt"

fail() { echo "nvim e2e FAILED: $*"; exit 1; }
set +e
TC_BIN="$BIN" TC_WS="$WS" timeout 300 nvim --headless -u NONE -i NONE -n -c "luafile tests/nvim/e2e.lua" >"$WS/nvim.log" 2>&1
STATUS=$?
set -e
tr '\r' '\n' <"$WS/nvim.log" | grep -v '^$' || true
rm -f "$WS/nvim.log"
[ "$STATUS" = 0 ] || fail "Neovim exited with $STATUS"

cmp -s "$WS/main.tf" "$WS/expected-main.tf.txt" || { diff "$WS/expected-main.tf.txt" "$WS/main.tf" || true; fail "main.tf is not the user's text plus what they typed"; }
rm "$WS/expected-main.tf.txt"
ALL=$(cat "$WS"/*.tf)
[ "$(grep -c 'resource "aws_vpc"' <<<"$ALL")" = 1 ] || fail "a second VPC was generated"
grep -q 'aws_vpc.main.id' <<<"$ALL" || fail "the database does not use the existing VPC"
grep -q 'resource "aws_db_instance"' <<<"$ALL" || fail "no database was written"
../shared/tools/tf-validate/tf-validate "$WS" || fail "terraform validate"
../shared/tools/tf-validate/tf-fmt-check "$WS" || fail "terraform fmt -check"
echo "nvim e2e: ok ($(ls "$WS"/*.tf | wc -l) files, validated and formatted)"
