#!/usr/bin/env bash
# The project's test command (the README's second line): every Rust test, the
# end-to-end tests against ../shared's real Terraform and checkov, and the
# editor tests. Safe to run on a fresh machine after .ci/run's installs.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true

# One build with the `aws` feature: it compiles aws-sdk-ec2 (minutes on 2 cores), so
# every Rust test runs under it, once, rather than building the workspace twice.
cargo test --workspace --features terraconverse/aws

# The VS Code extension and the Neovim plugin (see docs/editors.md).
bash editors/test.sh

# The language server end to end in Debian's Neovim 0.7 (issue 5; tests/nvim/run.sh).
bash tests/nvim/run.sh

