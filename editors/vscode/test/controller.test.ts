// Tests of the extension host's conversation flow with a fake server: which requests
// go out for which panel message, what the panel receives, and that notifications
// repeating a turn are not shown twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatController } from '../src/controller';
import { Notifications, Requests, TurnResult } from '../src/protocol';
import type { ToWebview } from '../src/webview/messages';
import fixture from './fixtures/conversation.json';

const turns = fixture.turns as unknown as TurnResult[];

/**
 * A fake server that answers conversation requests with the fixture's turns in order
 * and, like the real one, sends the question/complete notification before answering.
 */
function harness(saved: { conversation: string; request: string; target: string; complete: boolean; progress: null }[] = []) {
  const sent: [string, unknown][] = [];
  const posted: ToWebview[] = [];
  const completed: string[][] = [];
  const errors: string[] = [];
  let next = 0;
  let statusCalls = 0;
  const controller: ChatController = new ChatController(
    {
      async sendRequest<R>(method: string, params: unknown): Promise<R> {
        sent.push([method, params]);
        if (method === Requests.status) {
          const parameters = fixture.parameters[Math.min(statusCalls++, fixture.parameters.length - 1)];
          return { ...turns[Math.max(0, next - 1)], request: fixture.request, target: 'file:///ws', parameters } as R;
        }
        if (method === Requests.cancel) return { conversation: 'c1', cancelled: true } as R;
        if (method === Requests.list) return { conversations: saved } as R;
        const turn = turns[next++];
        if (!turn) throw new Error('the fake server has no more turns');
        // Notifications first, as the server sends them before the response.
        if (turn.question) controller.onQuestion({ conversation: turn.conversation, question: turn.question, messages: turn.messages });
        if (turn.warnings.length) controller.onWarnings({ conversation: turn.conversation, warnings: turn.warnings });
        if (turn.complete) controller.onComplete({ conversation: turn.conversation, messages: turn.messages, files: ['file:///ws/database.tf'] });
        return turn as R;
      },
    },
    {
      defaultTarget: () => 'file:///ws',
      onComplete: (files) => void completed.push(files),
      onError: (m) => void errors.push(m),
    },
  );
  controller.attachView({ post: (m) => void posted.push(m) });
  return { controller, sent, posted, completed, errors };
}

test('panel messages become the right requests', async () => {
  const h = harness();
  await h.controller.handleWebviewMessage({ type: 'start', request: fixture.request });
  await h.controller.handleWebviewMessage({ type: 'action', action: 'default' });
  await h.controller.handleWebviewMessage({ type: 'answer', text: 'yes' });
  await h.controller.handleWebviewMessage({ type: 'action', action: 'decline' });
  const conversationRequests = h.sent.filter(([m]) => m !== Requests.status);
  assert.deepEqual(conversationRequests, [
    [Requests.start, { request: 'add a postgres database', target: 'file:///ws' }],
    [Requests.answer, { conversation: 'c1', action: 'default' }],
    [Requests.answer, { conversation: 'c1', text: 'yes' }],
    [Requests.answer, { conversation: 'c1', action: 'decline' }],
  ]);
  // After every turn the summary is refreshed.
  assert.equal(h.sent.filter(([m]) => m === Requests.status).length, 4);
});

test('notifications that repeat a turn are not shown twice, and completion saves the files', async () => {
  const h = harness();
  await h.controller.start(fixture.request);
  await h.controller.answer({ action: 'default' });
  await h.controller.answer({ text: 'yes' });
  await h.controller.answer({ action: 'decline' });
  const types = h.posted.map((m) => m.type);
  assert.ok(!types.includes('question'), `the question notification duplicated a turn: ${types}`);
  assert.ok(!types.includes('warnings'), `the warnings notification duplicated a turn: ${types}`);
  const s = h.controller.state;
  assert.equal(s.complete, true);
  assert.deepEqual(s.files, ['file:///ws/database.tf']);
  assert.deepEqual(s.parameters, fixture.parameters[3]);
  assert.equal(s.entries.filter((e) => e.kind === 'warning').length, 1);
  assert.equal(s.entries.filter((e) => e.kind === 'done').length, 1);
  assert.deepEqual(h.completed, [['file:///ws/database.tf']]);
  // The palette start shows the request as the user's first line.
  assert.deepEqual(s.entries[0], { kind: 'user', text: 'add a postgres database' });
});

test('notifications arriving after the answer they repeat are not shown twice', async () => {
  // The server sends notifications before its answer, but they may arrive after it.
  const h = harness();
  const late: (() => void)[] = [];
  const c = new ChatController(
    {
      async sendRequest<R>(method: string): Promise<R> {
        if (method === Requests.status) return { ...turns[0], request: 'r', target: 'file:///ws', parameters: [] } as R;
        const turn = method === Requests.start ? turns[0] : turns[2];
        late.push(() => c.onQuestion({ conversation: 'c1', question: turn.question!, messages: turn.messages }));
        if (turn.warnings.length) late.push(() => c.onWarnings({ conversation: 'c1', warnings: turn.warnings }));
        return turn as R;
      },
    },
    { defaultTarget: () => 'file:///ws' },
  );
  c.attachView({ post: (m) => void h.posted.push(m) });
  await c.start(fixture.request);
  late.splice(0).forEach((f) => f());
  await c.answer({ text: 'yes' });
  late.splice(0).forEach((f) => f());
  assert.deepEqual(h.posted.filter((m) => m.type === 'question' || m.type === 'warnings'), []);
  assert.equal(c.state.entries.filter((e) => e.kind === 'warning').length, 1);
  assert.equal(c.state.entries.filter((e) => e.text === turns[0].messages[0]).length, 1);
  c.onComplete({ conversation: 'c1', messages: ['All done.'], files: ['file:///ws/a.tf'] });
  c.onComplete({ conversation: 'c1', messages: ['All done.'], files: ['file:///ws/a.tf'] });
  assert.equal(c.state.entries.filter((e) => e.text === 'All done.').length, 1, 'a repeated completion adds nothing');
});

test('a question from the server outside a request is shown (a resumed conversation)', () => {
  const h = harness();
  h.controller.onQuestion({ conversation: 'c7', question: turns[1].question!, messages: ['Resumed.'] });
  assert.equal(h.controller.conversation, 'c7');
  assert.equal(h.posted.at(-1)?.type, 'question');
  assert.equal(h.controller.state.question?.id, 'db.publicly_accessible');
});

test('asking before starting, an empty request and a bad message are explained', async () => {
  const h = harness();
  await h.controller.answer({ action: 'default' });
  await h.controller.start('   ');
  await h.controller.handleWebviewMessage({ type: 'action', action: 'explode' });
  await h.controller.cancel();
  assert.deepEqual(h.errors, [
    'There is no conversation yet: start one from the panel or with "TerraConverse: Start a conversation".',
    'Type what you want to build, e.g. "a web server with a Postgres database in Frankfurt".',
    'The panel sent a message the extension does not understand: unknown action "explode"; expected one of default, skip, acceptAllDefaults, confirm, decline, help.',
    'There is no conversation to cancel.',
  ]);
  assert.deepEqual(h.sent, [], 'nothing reached the server');
  assert.equal(h.controller.state.busy, false);
});

test('a server error is shown and the panel is usable again', async () => {
  const posted: ToWebview[] = [];
  const c = new ChatController(
    { sendRequest: async () => Promise.reject(new Error('Request terraconverse/start failed: the request names nothing TerraConverse can build')) },
    { defaultTarget: () => undefined },
  );
  c.attachView({ post: (m) => void posted.push(m) });
  await c.handleWebviewMessage({ type: 'start', request: 'a unicorn' });
  assert.equal(c.state.busy, false);
  assert.match(c.state.entries.at(-1)!.text, /names nothing TerraConverse can build/);
  assert.equal(c.conversation, undefined);
});

test('cancel forgets the conversation; ready replays the state to a reopened panel', async () => {
  const h = harness();
  await h.controller.start(fixture.request);
  await h.controller.cancel();
  assert.equal(h.controller.conversation, undefined);
  assert.deepEqual(h.sent.at(-1), [Requests.cancel, { conversation: 'c1' }]);
  h.posted.length = 0;
  await h.controller.handleWebviewMessage({ type: 'ready' });
  assert.equal(h.posted.length, 1);
  const restore = h.posted[0];
  assert.equal(restore.type, 'restore');
  if (restore.type === 'restore') assert.equal(restore.state.entries.at(-1)?.text, 'Conversation cancelled. Text already written stays.');
});

test('an unfinished conversation saved in the workspace is offered and resumed from its status', async () => {
  const h = harness([
    { conversation: 'c1', request: 'add a postgres database', target: 'file:///ws', complete: false, progress: null },
    { conversation: 'c0', request: 'an old bucket', target: 'file:///ws', complete: true, progress: null },
  ]);
  await h.controller.handleWebviewMessage({ type: 'ready' });
  assert.deepEqual(h.sent, [[Requests.list, undefined]], 'list is sent without params');
  assert.deepEqual(h.controller.state.resumable.map((r) => r.conversation), ['c1'], 'only unfinished ones are offered');
  await h.controller.handleWebviewMessage({ type: 'resume', conversation: 'c1' });
  assert.deepEqual(h.sent[1], [Requests.status, { conversation: 'c1' }]);
  assert.equal(h.controller.conversation, 'c1');
  assert.equal(h.controller.state.question?.id, 'db.instance_class', 'the saved question is asked again');
  assert.deepEqual(h.controller.state.resumable, []);
  assert.equal(h.controller.state.entries[0].text, 'resume: add a postgres database');
});

test('the controller handles every notification the protocol declares', () => {
  const handlers: Record<string, keyof ChatController> = {
    [Notifications.question]: 'onQuestion',
    [Notifications.warnings]: 'onWarnings',
    [Notifications.complete]: 'onComplete',
    [Notifications.conflict]: 'onConflict',
  };
  for (const method of Object.values(Notifications)) {
    assert.ok(handlers[method], `no handler for ${method}`);
    assert.equal(typeof ChatController.prototype[handlers[method]], 'function');
  }
});
