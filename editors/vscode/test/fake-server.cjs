// A stand-in for `terraconverse lsp`, for testing the editor clients: it speaks the
// documented conversation protocol (docs/lsp-extensions.md) over stdio with a fixed
// three-question script and writes `database.tf` through workspace/applyEdit
// (CreateFile + a versioned TextDocumentEdit), like the real server. It is a test
// double of the protocol only; the real server is tested by the same clients in
// tests that need the built binary. FAKE_LOG=<file> records every request as JSON lines.
'use strict';
const fs = require('fs');
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const conn = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
const log = (method, params) => process.env.FAKE_LOG && fs.appendFileSync(process.env.FAKE_LOG, JSON.stringify({ method, params }) + '\n');

const QUESTIONS = [
  { id: 'region', text: 'Which AWS region?', default: 'eu-central-1', why: 'Frankfurt keeps the data in the EU.', choices: ['eu-central-1', 'eu-west-1', 'us-east-1'], kind: 'choice' },
  { id: 'db.instance_class', text: 'Which instance class should the database use?', default: 'db.t3.micro', why: 'The smallest class is enough to start.', choices: [], example: 'db.t3.small', kind: 'text' },
  { id: 'db.publicly_accessible', text: 'Should the database be reachable from the internet?', default: 'no', why: 'A database is safest inside the VPC.', choices: ['yes', 'no'], kind: 'bool' },
];

const docs = new Map(); // uri -> { version, text }
const conversations = new Map();
let next = 1;

function questionView(c) {
  const q = QUESTIONS[c.index];
  return { example: null, costNote: null, ...q, progress: { current: c.index + 1, total: QUESTIONS.length } };
}

function render(c) {
  const v = c.values;
  const lines = ['# Written by TerraConverse.', 'resource "aws_db_instance" "main" {'];
  if (v['db.instance_class']) lines.push(`  instance_class      = "${v['db.instance_class']}"`);
  if (v['db.publicly_accessible']) lines.push(`  publicly_accessible = ${v['db.publicly_accessible'] === 'yes'}`);
  lines.push(`  # region ${v.region ?? 'unset'}`, '}', '');
  return lines.join('\n');
}

async function writeFiles(c) {
  const uri = c.target.replace(/\/$/, '') + '/database.tf';
  for (let attempt = 0; attempt < 2; attempt++) {
    const doc = docs.get(uri);
    const old = doc ? doc.text : fs.existsSync(new URL(uri)) ? fs.readFileSync(new URL(uri), 'utf8') : '';
    const endLine = old.split('\n').length;
    const changes = [];
    if (!doc && !fs.existsSync(new URL(uri))) changes.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    changes.push({ textDocument: { uri, version: doc ? doc.version : null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: endLine, character: 0 } }, newText: render(c) }] });
    const r = await conn.sendRequest('workspace/applyEdit', { label: 'TerraConverse', edit: { documentChanges: changes } });
    log('applyEditResult', r);
    if (r.applied) {
      c.files.add(uri);
      return { applied: true, files: [uri] };
    }
  }
  return { applied: false, files: [], failure: 'the buffer kept changing' };
}

function turn(c, extra) {
  const done = c.index >= QUESTIONS.length;
  return { conversation: c.id, messages: [], question: done ? null : questionView(c), warnings: [], rejection: null, complete: done, cancelled: false, conflicts: [], edit: null, ...extra };
}

async function accept(c, value, messages) {
  c.values[QUESTIONS[c.index].id] = value;
  c.index++;
  const edit = await writeFiles(c);
  const t = turn(c, { messages, edit });
  if (t.complete) conn.sendNotification('terraconverse/complete', { conversation: c.id, messages, files: [...c.files] });
  else conn.sendNotification('terraconverse/question', { conversation: c.id, question: t.question, messages });
  return t;
}

// Like tower-lsp, every request before the answer to `initialize` is refused; the
// answer takes a moment, as a real server's does, so a client that does not wait fails.
let initialized = false;
const { ResponseError } = require('vscode-jsonrpc/node');
const guard = (handler) => async (p) => {
  if (!initialized) throw new ResponseError(-32002, 'Server not initialized');
  return handler(p);
};
conn.onRequest('initialize', async (p) => {
  log('initialize', { rootUri: p.rootUri, initializationOptions: p.initializationOptions, documentChanges: p.capabilities?.workspace?.workspaceEdit?.documentChanges });
  await new Promise((r) => setTimeout(r, 300));
  initialized = true;
  return { capabilities: { textDocumentSync: 1 }, serverInfo: { name: 'fake-terraconverse' } };
});
conn.onNotification('initialized', () => {});
conn.onNotification('textDocument/didOpen', (p) => docs.set(p.textDocument.uri, { version: p.textDocument.version, text: p.textDocument.text }));
conn.onNotification('textDocument/didChange', (p) => docs.set(p.textDocument.uri, { version: p.textDocument.version, text: p.contentChanges.at(-1).text }));
conn.onNotification('textDocument/didClose', (p) => docs.delete(p.textDocument.uri));
conn.onRequest('shutdown', () => null);
conn.onNotification('exit', () => process.exit(0));

conn.onRequest('terraconverse/start', guard((p) => {
  log('terraconverse/start', p);
  const c = { id: `c${next++}`, request: p.request, target: p.target, index: 0, values: {}, files: new Set(), held: null };
  conversations.set(c.id, c);
  const t = turn(c, { messages: ['Found aws_vpc.main in main.tf: the database goes into it.'] });
  conn.sendNotification('terraconverse/question', { conversation: c.id, question: t.question, messages: t.messages });
  return t;
}));

conn.onRequest('terraconverse/answer', guard(async (p) => {
  log('terraconverse/answer', p);
  const c = conversations.get(p.conversation);
  if (!c) throw new Error(`no conversation ${p.conversation}`);
  const q = QUESTIONS[c.index];
  if (c.held !== null) {
    // A warning is waiting for confirm/decline.
    if (p.action === 'confirm') { const v = c.held; c.held = null; return accept(c, v, [`${q.id} = ${v} (confirmed)`]); }
    if (p.action === 'decline') { c.held = null; return accept(c, 'no', [`${q.id} = no`]); }
    return turn(c, { rejection: 'Confirm or decline the warning first.', warnings: c.warnings });
  }
  if (p.action === 'acceptAllDefaults') {
    let t;
    while (c.index < QUESTIONS.length) t = await accept(c, QUESTIONS[c.index].default, []);
    return t;
  }
  const value = p.action === 'default' ? q.default : p.text;
  if (q.choices.length && !q.choices.includes(value)) return turn(c, { rejection: `${value} is not one of ${q.choices.join(', ')}.` });
  if (q.id === 'db.publicly_accessible' && value === 'yes') {
    c.held = value;
    c.warnings = [{ rule: 'TC-RDS-002', message: 'A publicly accessible database can be reached from the whole internet.', needsConfirmation: true }];
    conn.sendNotification('terraconverse/warnings', { conversation: c.id, warnings: c.warnings });
    return turn(c, { warnings: c.warnings });
  }
  return accept(c, value, [`${q.id} = ${value}`]);
}));

conn.onRequest('terraconverse/back', guard((p) => {
  log('terraconverse/back', p);
  const c = conversations.get(p.conversation);
  c.index = Math.max(0, c.index - 1);
  return turn(c, { messages: ['Back.'] });
}));

conn.onRequest('terraconverse/status', guard((p) => {
  log('terraconverse/status', p);
  const c = conversations.get(p.conversation);
  if (!c) throw new Error(`no conversation ${p.conversation}`);
  return { ...turn(c, {}), request: c.request, target: c.target, parameters: Object.entries(c.values).map(([k, v]) => `${k} = ${v}`) };
}));

conn.onRequest('terraconverse/cancel', guard((p) => {
  log('terraconverse/cancel', p);
  conversations.delete(p.conversation);
  return { conversation: p.conversation, cancelled: true };
}));

conn.onRequest('terraconverse/list', () => ({ conversations: [...conversations.values()].map((c) => ({ conversation: c.id, request: c.request, target: c.target, complete: c.index >= QUESTIONS.length, progress: null })) }));

conn.listen();
