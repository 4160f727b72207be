#!/usr/bin/env bash
# The project's test command (the README's second line): every Rust test, the
# end-to-end tests against ../shared's real Terraform and checkov, and the
# editor tests. Safe to run on a fresh machine after .ci/run's installs.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true

cargo test --workspace
