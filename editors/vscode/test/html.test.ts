// Tests of the chat page's HTML: the Content Security Policy and the nonce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, makeNonce, pageHtml } from '../src/webview/html';

const page = pageHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x.vscode-cdn.net/dist/webview.js', styleUri: 'https://x.vscode-cdn.net/media/chat.css' });

test('the CSP allows nothing by default and scripts only by nonce', () => {
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc123');
  const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
  assert.equal(directives['default-src'], "'none'");
  assert.equal(directives['script-src'], "'nonce-abc123'");
  assert.equal(directives['connect-src'], "'none'");
  assert.equal(directives['style-src'], 'https://x.vscode-cdn.net');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('the page has one script, with the nonce, and no inline code', () => {
  const scripts = page.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0], /^<script nonce="abc123" src="https:\/\/x\.vscode-cdn\.net\/dist\/webview\.js"><\/script>$/);
  assert.doesNotMatch(page, /\son[a-z]+=/i, 'inline event handler');
  assert.doesNotMatch(page, /style="/, 'inline style');
});

test('nonces are fresh and alphanumeric; a bad one is refused', () => {
  const a = makeNonce((n) => new Uint8Array(n).map((_, i) => i * 7));
  assert.match(a, /^[0-9a-f]{32}$/);
  const crypto = require('crypto') as typeof import('crypto');
  assert.notEqual(makeNonce((n) => crypto.randomBytes(n)), makeNonce((n) => crypto.randomBytes(n)));
  assert.throws(() => pageHtml({ cspSource: 'x', nonce: '"><script>', scriptUri: 's', styleUri: 't' }), /alphanumeric/);
});
