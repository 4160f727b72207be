#!/usr/bin/env bash
# Rebuilds server/schema/data/aws-provider.tcschema from the registry package
# PyPI cdktn-provider-aws (pinned below), reproducibly: same package, same bytes.
# Usage: server/schema/build-schema.sh   (needs pip, unzip, tar and cargo)
set -euo pipefail
PACKAGE_VERSION=25.8.1   # generated from hashicorp/aws 6.69.1
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pip download --quiet --no-deps --dest "$tmp" "cdktn-provider-aws==${PACKAGE_VERSION}"
unzip -q -o "$tmp"/cdktn_provider_aws-*.whl 'cdktn_provider_aws/_jsii/*' -d "$tmp"
tar -xzf "$tmp"/cdktn_provider_aws/_jsii/provider-aws@*.jsii.tgz -C "$tmp" package/.jsii
cargo run --release --manifest-path "$here/../../Cargo.toml" -p tc_schema --bin build-schema -- \
  --jsii "$tmp/package/.jsii" --origin "PyPI cdktn-provider-aws ${PACKAGE_VERSION} (jsii assembly)" \
  --out "$here/data/aws-provider.tcschema"
