// Tests of where the extension finds the server binary and what the server's environment holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveServer, serverEnv } from '../src/serverPath';

test('the server binary: setting, else bundled, else PATH, else a clear error', () => {
  const rows: { name: string; setting?: string; files: string[]; platform?: NodeJS.Platform; expect: unknown }[] = [
    { name: 'setting wins', setting: '/opt/tc', files: ['/opt/tc', '/ext/bin/terraconverse', '/usr/bin/terraconverse'], expect: { command: '/opt/tc', source: 'setting' } },
    { name: 'bundled next', files: ['/ext/bin/terraconverse', '/usr/bin/terraconverse'], expect: { command: '/ext/bin/terraconverse', source: 'bundled' } },
    { name: 'PATH last, first match', files: ['/usr/local/bin/terraconverse', '/usr/bin/terraconverse'], expect: { command: '/usr/local/bin/terraconverse', source: 'path' } },
    { name: 'blank setting is unset', setting: '  ', files: ['/usr/bin/terraconverse'], expect: { command: '/usr/bin/terraconverse', source: 'path' } },
    { name: 'windows name', files: ['/ext/bin/terraconverse.exe'], platform: 'win32', expect: { command: '/ext/bin/terraconverse.exe', source: 'bundled' } },
  ];
  for (const row of rows) {
    const got = resolveServer(row.setting, '/ext', {
      isFile: (p) => row.files.includes(p),
      pathDirs: ['', '/usr/local/bin', '/usr/bin'],
      platform: row.platform ?? 'linux',
    });
    assert.deepEqual(got, row.expect, row.name);
  }
});

test('a missing binary is explained with the way to fix it', () => {
  const probe = { isFile: () => false, pathDirs: ['/usr/bin'], platform: 'linux' as const };
  const wrong = resolveServer('/nope/terraconverse', '/ext', probe);
  assert.ok('error' in wrong);
  assert.match(wrong.error, /terraconverse\.server\.path is set to "\/nope\/terraconverse", but there is no file there/);
  const none = resolveServer(undefined, '/ext', probe);
  assert.ok('error' in none);
  assert.match(none.error, /none on PATH\. Install it .* or set terraconverse\.server\.path/);
});

test('the API key reaches the server only through its environment', () => {
  const env = serverEnv({ PATH: '/usr/bin' }, { apiKey: 'sk-test', model: 'm' });
  assert.deepEqual(env, { PATH: '/usr/bin', TERRACONVERSE_LLM_API_KEY: 'sk-test', TERRACONVERSE_LLM_MODEL: 'm' });
  assert.deepEqual(serverEnv({}, {}), {}, 'offline by default: nothing is added');
});
