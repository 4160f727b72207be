// Unit tests of the check applied to every message the chat page posts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFromWebview } from '../src/webview/messages';

test('messages from the page are checked', () => {
  const rows: [unknown, unknown][] = [
    [{ type: 'ready' }, { type: 'ready' }],
    [{ type: 'start', request: '  a bucket  ' }, { type: 'start', request: 'a bucket' }],
    [{ type: 'answer', text: 'db.t3.small' }, { type: 'answer', text: 'db.t3.small' }],
    [{ type: 'action', action: 'acceptAllDefaults' }, { type: 'action', action: 'acceptAllDefaults' }],
    [{ type: 'back', extra: 1 }, { type: 'back' }],
    [{ type: 'resolve', address: 'aws_db_instance.main', resolution: 'keepMine' }, { type: 'resolve', address: 'aws_db_instance.main', resolution: 'keepMine' }],
    [{ type: 'resume', conversation: 'c7' }, { type: 'resume', conversation: 'c7' }],
    [{ type: 'resume', conversation: '' }, 'resume needs a conversation id'],
    [null, 'message is not an object'],
    ['start', 'message is not an object'],
    [{ type: 'start', request: '   ' }, 'start needs a non-empty request'],
    [{ type: 'answer' }, 'answer needs text'],
    [{ type: 'action', action: 'rm -rf' }, 'unknown action "rm -rf"; expected one of default, skip, acceptAllDefaults, confirm, decline, help'],
    [{ type: 'resolve', address: 'x', resolution: 'maybe' }, 'resolve needs an address and a resolution (keepMine or regenerate)'],
    [{ type: 'eval' }, 'unknown message type "eval"'],
  ];
  for (const [input, expected] of rows) {
    const r = parseFromWebview(input);
    if (typeof expected === 'string') assert.deepEqual(r, { ok: false, error: expected }, JSON.stringify(input));
    else assert.deepEqual(r, { ok: true, message: expected }, JSON.stringify(input));
  }
});
