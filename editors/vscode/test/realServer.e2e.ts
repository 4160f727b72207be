// The real `terraconverse lsp` (TC_SERVER_BIN) driven through the JSON-RPC stack
// VS Code's language client uses (vscode-jsonrpc), by a small client that behaves
// like the editor: it opens main.tf, applies the server's workspace edits only when
// the document versions match, reports each change back with didChange, and saves at
// the end. A whole conversation runs on defaults; the files on disk are checked.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ChatController } from '../src/controller';
import { CompleteParams, ListResult, Notifications, QuestionParams, Requests, StatusResult, TurnResult, WarningsParams } from '../src/protocol';
import type { ToWebview } from '../src/webview/messages';

const BIN = process.env.TC_SERVER_BIN;
const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const SHARED = path.resolve(REPO, '..', 'shared');

const MAIN_TF = `# Network for the shop. Keep this comment.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16" # the whole range
}
`;

let ws: string;
let conn: MessageConnection;
let proc: ReturnType<typeof spawn>;
let stderr = '';
const docs = new Map<string, TextDocument>();
const completes: CompleteParams[] = [];
const refused: string[] = [];

function open(uri: string, text: string): void {
  const doc = TextDocument.create(uri, 'terraform', 1, text);
  docs.set(uri, doc);
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'terraform', version: 1, text } });
}

/** Applies a WorkspaceEdit as VS Code does: all or nothing, refusing outdated versions. */
function applyEdit(edit: { documentChanges?: any[] }): { applied: boolean; failureReason?: string } {
  const changes = edit.documentChanges ?? [];
  for (const c of changes) {
    if (c.kind) continue;
    const doc = docs.get(c.textDocument.uri);
    if (doc && c.textDocument.version != null && c.textDocument.version !== doc.version) {
      refused.push(c.textDocument.uri);
      return { applied: false, failureReason: `${c.textDocument.uri} is at version ${doc.version}, not ${c.textDocument.version}` };
    }
  }
  for (const c of changes) {
    if (c.kind === 'create') {
      const file = fileURLToPath(c.uri);
      if (!fs.existsSync(file) || c.options?.overwrite) fs.writeFileSync(file, '');
      if (!docs.has(c.uri)) open(c.uri, fs.readFileSync(file, 'utf8'));
      continue;
    }
    if (c.kind) return { applied: false, failureReason: `unsupported ${c.kind}` };
    const uri = c.textDocument.uri;
    if (!docs.has(uri)) open(uri, fs.readFileSync(fileURLToPath(uri), 'utf8'));
    const doc = docs.get(uri)!;
    const text = TextDocument.applyEdits(doc, c.edits);
    const next = TextDocument.create(uri, 'terraform', doc.version + 1, text);
    docs.set(uri, next);
    conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: next.version }, contentChanges: [{ text }] });
  }
  return { applied: true };
}

before(async () => {
  assert.ok(BIN && fs.existsSync(BIN), 'set TC_SERVER_BIN to the built terraconverse binary');
  ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-ws-')));
  fs.writeFileSync(path.join(ws, 'main.tf'), MAIN_TF);
  proc = spawn(BIN!, ['lsp'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', TERRACONVERSE_LLM: 'off' } });
  proc.stderr!.on('data', (d) => (stderr += d));
  conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  // An editor answers applyEdit after its own bookkeeping, a moment after the didOpen /
  // didChange notifications the edit caused. The server answers a refused edit by
  // recomputing; with an immediate answer it can recompute before it has read those
  // notifications for files the edit just created (reported to the server's owners),
  // so this client answers after TC_APPLY_DELAY_MS (default 25; 0 shows the race).
  const delay = Number(process.env.TC_APPLY_DELAY_MS ?? 25);
  conn.onRequest('workspace/applyEdit', async (p: any) => {
    const result = applyEdit(p.edit);
    await new Promise((r) => setTimeout(r, delay));
    return result;
  });
  conn.onRequest('workspace/configuration', (p: any) => p.items.map(() => null));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  const root = pathToFileURL(ws).toString();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: 'ws' }],
    initializationOptions: { logLevel: 'warn' },
    capabilities: {
      workspace: { applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create'], failureHandling: 'abort' }, workspaceFolders: true, configuration: true },
      textDocument: { synchronization: { dynamicRegistration: false } },
    },
  });
  conn.sendNotification('initialized', {});
  open(pathToFileURL(path.join(ws, 'main.tf')).toString(), MAIN_TF);
});

after(async () => {
  if (conn) {
    await conn.sendRequest('shutdown').catch(() => undefined);
    conn.sendNotification('exit');
  }
  await new Promise((r) => setTimeout(r, 200));
  proc?.kill();
  if (ws) fs.rmSync(ws, { recursive: true, force: true });
});

test('the extension’s controller runs a whole conversation on defaults; valid Terraform next to the user’s code', async () => {
  // The same controller the extension uses, fed by the panel's messages.
  const posted: ToWebview[] = [];
  const controller = new ChatController(
    { sendRequest: <R>(method: string, params?: unknown) => (params === undefined ? conn.sendRequest<R>(method) : conn.sendRequest<R>(method, params)) },
    { defaultTarget: () => pathToFileURL(ws).toString() },
  );
  controller.attachView({ post: (m) => void posted.push(m) });
  conn.onNotification(Notifications.question, (p: QuestionParams) => controller.onQuestion(p));
  conn.onNotification(Notifications.warnings, (p: WarningsParams) => controller.onWarnings(p));
  conn.onNotification(Notifications.complete, (p: CompleteParams) => {
    completes.push(p);
    controller.onComplete(p);
  });
  await controller.handleWebviewMessage({ type: 'start', request: 'add a postgres database' });
  const conversation = controller.conversation!;
  assert.ok(conversation, `the conversation started: ${JSON.stringify(controller.state.entries)}`);
  assert.ok(controller.state.question, 'the panel shows a question');
  let steps = 0;
  while (!controller.state.complete) {
    assert.ok(++steps < 80, 'the conversation did not end within 80 answers');
    const last = controller.state.entries.at(-1);
    assert.notEqual(last?.kind, 'rejection', `the default was refused: ${last?.text}`);
    assert.notEqual(last?.kind, 'error', `error: ${last?.text}`);
    const confirm = controller.state.warnings.some((w) => w.needsConfirmation);
    await controller.handleWebviewMessage({ type: 'action', action: confirm ? 'decline' : 'default' });
  }
  assert.ok(controller.state.parameters.length > 0, 'the panel lists the collected parameters');
  assert.ok(controller.state.files.length > 0, 'the panel lists the files written');
  assert.equal(controller.state.entries.filter((e) => e.kind === 'done').length, 1);
  assert.ok(!posted.some((m) => m.type === 'question'), 'no question was shown twice');
  assert.equal(completes.length, 1, 'one terraconverse/complete');
  const files = completes[0].files.map((u) => fileURLToPath(u));
  assert.ok(files.length >= 1, 'the completion lists the files written');

  // Save every open document, as the extension does with saveOnComplete.
  for (const [uri, doc] of docs) fs.writeFileSync(fileURLToPath(uri), doc.getText());
  const main = fs.readFileSync(path.join(ws, 'main.tf'), 'utf8');
  assert.ok(main.startsWith(MAIN_TF), `the user's main.tf text is intact:\n${main}`);
  const all = fs.readdirSync(ws).filter((f) => f.endsWith('.tf')).map((f) => fs.readFileSync(path.join(ws, f), 'utf8')).join('\n');
  assert.match(all, /resource "aws_db_instance"/);
  assert.match(all, /aws_vpc\.main\./, 'the existing VPC is reused');
  assert.equal((all.match(/resource "aws_vpc"/g) ?? []).length, 1, 'no second VPC');

  if (fs.existsSync(path.join(SHARED, 'tools', 'tf-validate', 'tf-validate'))) {
    for (const tool of ['tf-validate', 'tf-fmt-check']) {
      const r = spawnSync(path.join(SHARED, 'tools', 'tf-validate', tool), [ws], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(r.status, 0, `${tool} failed:\n${r.stdout}\n${r.stderr}`);
    }
  }

  const status = await conn.sendRequest<StatusResult>(Requests.status, { conversation });
  assert.equal(status.complete, true);
  assert.ok(status.parameters.length > 0, 'status lists the collected parameters');
  const list = await conn.sendRequest<ListResult>(Requests.list);
  assert.ok(list.conversations.some((c) => c.conversation === conversation && c.complete));
});

test('status, back and cancel on a running conversation', async () => {
  const first = await conn.sendRequest<TurnResult>(Requests.start, { request: 'an s3 bucket for backups', target: pathToFileURL(ws).toString() });
  const conversation = first.conversation;
  const second = await conn.sendRequest<TurnResult>(Requests.answer, { conversation, action: 'default' });
  if (!second.complete) {
    const back = await conn.sendRequest<TurnResult>(Requests.back, { conversation });
    assert.equal(back.question?.id, first.question?.id, 'back asks the first question again');
  }
  const cancelled = await conn.sendRequest<{ conversation: string; cancelled: boolean }>(Requests.cancel, { conversation });
  assert.deepEqual(cancelled, { conversation, cancelled: true });
  await assert.rejects(conn.sendRequest(Requests.status, { conversation }), 'a cancelled conversation is gone');
  assert.equal(stderr.includes('panicked'), false, `the server panicked:\n${stderr}`);
});
