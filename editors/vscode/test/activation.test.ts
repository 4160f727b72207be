// The extension's activate() with stand-ins for `vscode` and the language client
// (test/fakes): what it registers must match package.json, the server must get the
// API key only through its environment, palette commands must reach the server, and
// the panel must get a CSP-protected page and its state on load.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { activate } from '../src/extension';
import { Notifications, Requests, TurnResult } from '../src/protocol';
import pkg from '../package.json';
import fixture from './fixtures/conversation.json';
import { clients, responder } from './fakes/languageclient';
import { recorded, Uri } from './fakes/vscode';

const turns = fixture.turns as unknown as TurnResult[];
const secrets = new Map<string, string>([['terraconverse.llm.apiKey', 'sk-test-secret']]);

async function activated() {
  recorded.settings = {
    'terraconverse.server.path': process.execPath, // any existing file stands in for the binary
    'terraconverse.llm.baseUrl': 'http://127.0.0.1:11434/v1',
    'terraconverse.logLevel': 'debug',
  };
  const context = {
    subscriptions: [] as { dispose(): void }[],
    extensionPath: '/ext',
    extensionUri: Uri.file('/ext'),
    secrets: {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => void secrets.set(k, v),
      delete: async (k: string) => void secrets.delete(k),
    },
  };
  await activate(context as never);
  return context;
}

test('activation registers exactly the commands and the view package.json contributes', async () => {
  await activated();
  const declared = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual([...recorded.commands.keys()].sort(), declared);
  assert.deepEqual([...recorded.views.keys()], pkg.contributes.views.terraconverse.map((v) => v.id));
  for (const key of ['terraconverse.server.path', 'terraconverse.llm.baseUrl', 'terraconverse.llm.model', 'terraconverse.logLevel']) {
    assert.ok(key in pkg.contributes.configuration.properties, `setting ${key} is not declared`);
  }
  assert.ok(!Object.keys(pkg.contributes.configuration.properties).some((k) => /key|secret|token/i.test(k)), 'no setting holds a secret');
});

test('the palette start command starts the server and the conversation; the key stays in the environment', async () => {
  responder.answer = (method) => (method === Requests.start ? turns[0] : method === Requests.status ? { ...turns[0], request: 'r', target: 'file:///ws', parameters: [] } : undefined);
  recorded.inputs.push('add a postgres database');
  await recorded.commands.get('terraconverse.start')!();
  const client = clients.at(-1)!;
  assert.equal(client.started, true);
  assert.equal(client.serverOptions.command, process.execPath);
  assert.deepEqual(client.serverOptions.args, ['lsp']);
  assert.equal(client.serverOptions.options.env.TERRACONVERSE_LLM_API_KEY, 'sk-test-secret');
  assert.equal(client.serverOptions.options.env.TERRACONVERSE_LLM_BASE_URL, 'http://127.0.0.1:11434/v1');
  assert.deepEqual(client.clientOptions.initializationOptions, { logLevel: 'debug', llm: { baseUrl: 'http://127.0.0.1:11434/v1' } });
  assert.ok(!JSON.stringify(client.clientOptions).includes('sk-test-secret'), 'the key is not in the client options');
  assert.deepEqual(client.requests[0], [Requests.start, { request: 'add a postgres database', target: 'file:///ws' }]);
  assert.deepEqual([...client.notifications.keys()].sort(), Object.values(Notifications).sort());
  assert.ok(recorded.executed.includes('terraconverse.chat.focus'), 'the panel is revealed');
});

test('the panel gets a CSP page with a nonce and, once ready, the conversation so far', async () => {
  const provider = recorded.views.get('terraconverse.chat');
  const posted: unknown[] = [];
  let receive: (m: unknown) => Promise<void> = async () => {};
  const webview = {
    options: {} as any,
    html: '',
    cspSource: 'https://ext.vscode-cdn.net',
    asWebviewUri: (u: Uri) => `https://ext.vscode-cdn.net${u.path}`,
    postMessage: async (m: unknown) => void posted.push(m),
    onDidReceiveMessage: (fn: (m: unknown) => Promise<void>) => {
      receive = fn;
      return { dispose() {} };
    },
  };
  provider.resolveWebviewView({ webview, onDidDispose: () => ({ dispose() {} }) });
  assert.equal(webview.options.enableScripts, true);
  assert.deepEqual(webview.options.localResourceRoots.map((u: Uri) => path.basename(u.path)).sort(), ['dist', 'media']);
  const nonce = /nonce-([0-9a-f]{32})/.exec(webview.html)?.[1];
  assert.ok(nonce, 'the CSP carries a fresh nonce');
  assert.match(webview.html, new RegExp(`<script nonce="${nonce}" src="https://ext.vscode-cdn.net/ext/dist/webview.js">`));
  await receive({ type: 'ready' });
  const restore = posted.at(-1) as { type: string; state: { question?: { id: string } } };
  assert.equal(restore.type, 'restore');
  assert.equal(restore.state.question?.id, 'db.instance_class', 'the palette-started conversation shows in the panel');
});

test('setting the API key stores it in secret storage and restarts the server with it', async () => {
  const before = clients.length;
  recorded.inputs.push('  sk-new  ');
  await recorded.commands.get('terraconverse.setApiKey')!();
  assert.equal(secrets.get('terraconverse.llm.apiKey'), 'sk-new', 'stored trimmed in secret storage');
  assert.equal(clients.length, before + 1, 'a new server was started');
  assert.equal(clients.at(-1)!.serverOptions.options.env.TERRACONVERSE_LLM_API_KEY, 'sk-new');
  assert.equal(clients[before - 1].started, false, 'the old server was stopped');
  const prompt = recorded.prompts.at(-1);
  assert.equal(prompt.password, true, 'the key is typed into a password box');
});
