#!/usr/bin/env bash
# The project's test command (the README's second line): every Rust test, the
# end-to-end tests against ../shared's real Terraform and checkov, and the
# editor tests. Safe to run on a fresh machine after .ci/run's installs.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true

# One build with the `aws-live` feature (which includes `aws`): it compiles aws-sdk-ec2
# (minutes on 2 cores), so every Rust test runs under it, once, rather than building
# the workspace twice. `aws-live` adds only aws-config, its STS client and the SDK's
# rustls/ring HTTPS client on top (a few minutes), and runs server/cli/tests/aws_live.rs:
# without credentials a live check answers "checked offline only" and the chat goes on.
# A separate `aws-live` line would not do: its SDK features differ, so aws-sdk-ec2
# would be compiled a second time.
cargo test --workspace --features terraconverse/aws-live

# The VS Code extension and the Neovim plugin (see docs/editors.md).
bash editors/test.sh

# The language server end to end in Debian's Neovim 0.7 (issue 5; tests/nvim/run.sh).
bash tests/nvim/run.sh

# A short fuzz smoke (issue 10): every target 20 s, seeded from ../shared's corpora;
# any crash fails the run and leaves its input in server/fuzz/artifacts/.
bash tests/fuzz.sh 20
