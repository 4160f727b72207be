#!/usr/bin/env bash
# Checks a packaged .vsix: it holds the extension bundle, the chat page, the docs and
# any extra paths named after the file, and no sources, tests, maps or node_modules.
#   bash scripts/check-vsix.sh FILE [extra/path/in/vsix ...]
set -euo pipefail
vsix=$1; shift
list=$(unzip -Z1 "$vsix")
status=0
for f in extension/package.json extension/readme.md extension/LICENSE.txt \
         extension/dist/extension.js extension/dist/webview.js extension/media/chat.css "$@"; do
  if ! grep -qxF "$f" <<<"$list"; then echo "$vsix lacks $f"; status=1; fi
done
if grep -E 'node_modules/|\.map$|/src/|/test/|\.ts$' <<<"$list"; then
  echo "$vsix holds files that must not ship (above)"; status=1
fi
exit $status
