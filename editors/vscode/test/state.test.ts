// Unit tests of the chat panel's reducer: a scripted conversation from the fixture,
// plus tables of single events and the state they must lead to.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TurnResult } from '../src/protocol';
import { ChatEvent, ChatState, initialState, MAX_ENTRIES, needsConfirmation, progressFraction, progressLabel, reduce } from '../src/webview/state';
import fixture from './fixtures/conversation.json';

const turns = fixture.turns as unknown as TurnResult[];

function run(events: ChatEvent[], from: ChatState = initialState): ChatState {
  return events.reduce(reduce, from);
}

test('a scripted conversation: question, default accepted, warning, confirmation, completion', () => {
  let s = run([
    { type: 'userStart', request: fixture.request },
    { type: 'started', conversation: 'c1', request: fixture.request },
    { type: 'turn', turn: turns[0] },
  ]);
  assert.equal(s.question?.id, 'db.instance_class');
  assert.equal(s.question?.default, 'db.t3.micro');
  assert.equal(progressLabel(s), 'Question 1 of about 3');
  assert.equal(s.busy, false);
  assert.deepEqual(
    s.entries.map((e) => [e.kind, e.text]),
    [
      ['user', 'add a postgres database'],
      ['assistant', 'Found aws_vpc.main in main.tf: the database goes into it.'],
    ],
  );

  s = reduce(s, { type: 'userAnswer', text: 'db.t3.micro' });
  assert.equal(s.busy, true, 'buttons are disabled while the answer is on its way');
  s = run([{ type: 'turn', turn: turns[1] }, { type: 'parameters', parameters: fixture.parameters[1] }], s);
  assert.equal(s.question?.id, 'db.publicly_accessible');
  assert.deepEqual(s.parameters, ['db.instance_class = db.t3.micro']);
  assert.equal(needsConfirmation(s), false);

  s = run([{ type: 'userAnswer', text: 'yes' }, { type: 'turn', turn: turns[2] }], s);
  assert.equal(needsConfirmation(s), true);
  const warning = s.entries.at(-1)!;
  assert.equal(warning.kind, 'warning');
  assert.equal(warning.rule, 'TC-RDS-002');

  s = run([{ type: 'userAnswer', text: 'no' }, { type: 'turn', turn: turns[3] }], s);
  assert.equal(s.complete, true);
  assert.equal(s.question, undefined);
  assert.equal(needsConfirmation(s), false, 'a finished conversation holds nothing back');
  assert.equal(progressLabel(s), 'Complete');
  assert.equal(s.entries.filter((e) => e.kind === 'done').length, 1);

  // The complete notification that follows adds the file list but no second "Done".
  s = reduce(s, { type: 'complete', params: { conversation: 'c1', messages: [], files: ['file:///ws/database.tf'] } });
  assert.deepEqual(s.files, ['file:///ws/database.tf']);
  assert.equal(s.entries.filter((e) => e.kind === 'done').length, 1);
});

test('a rejected answer keeps the question and shows why', () => {
  const s0 = run([{ type: 'started', conversation: 'c1', request: 'r' }, { type: 'turn', turn: turns[0] }]);
  const rejected: TurnResult = { ...turns[0], messages: [], rejection: 'db.t9.huge is not an instance class; choose one of db.t3.micro, db.t3.small, db.t3.medium.' };
  const s = run([{ type: 'userAnswer', text: 'db.t9.huge' }, { type: 'turn', turn: rejected }], s0);
  assert.equal(s.question?.id, 'db.instance_class');
  assert.deepEqual(s.entries.at(-1), { kind: 'rejection', text: rejected.rejection });
});

test('events of another conversation are ignored', () => {
  const s0 = run([{ type: 'started', conversation: 'c1', request: 'r' }, { type: 'turn', turn: turns[0] }]);
  const other = { ...turns[1], conversation: 'c2' };
  const cases: ChatEvent[] = [
    { type: 'turn', turn: other },
    { type: 'question', params: { conversation: 'c2', question: turns[1].question!, messages: ['x'] } },
    { type: 'warnings', params: { conversation: 'c2', warnings: turns[2].warnings } },
    { type: 'complete', params: { conversation: 'c2', messages: [], files: [] } },
    { type: 'cancelled', conversation: 'c2' },
  ];
  for (const event of cases) {
    const s = reduce(s0, event);
    assert.equal(s.question?.id, 'db.instance_class', `${event.type} of c2 changed c1's question`);
    assert.equal(s.entries.length, s0.entries.length, `${event.type} of c2 added a line`);
  }
});

test('single events lead to the expected state', () => {
  const table: { name: string; events: ChatEvent[]; expect: (s: ChatState) => void }[] = [
    {
      name: 'an error clears busy and is shown as an error',
      events: [{ type: 'userStart', request: 'x' }, { type: 'error', message: 'server missing' }],
      expect: (s) => {
        assert.equal(s.busy, false);
        assert.deepEqual(s.entries.at(-1), { kind: 'error', text: 'server missing' });
      },
    },
    {
      name: 'cancel forgets the question and the conversation',
      events: [{ type: 'started', conversation: 'c1', request: 'r' }, { type: 'turn', turn: turns[0] }, { type: 'cancelled', conversation: 'c1' }],
      expect: (s) => {
        assert.equal(s.question, undefined);
        assert.equal(s.conversation, undefined);
      },
    },
    {
      name: 'a question notification shows the question and its messages',
      events: [{ type: 'question', params: { conversation: 'c9', question: turns[1].question!, messages: ['resumed'] } }],
      expect: (s) => {
        assert.equal(s.conversation, 'c9');
        assert.equal(s.question?.id, 'db.publicly_accessible');
        assert.deepEqual(s.entries, [{ kind: 'assistant', text: 'resumed' }]);
      },
    },
    {
      name: 'a second conflict for the same block replaces the first',
      events: [
        { type: 'started', conversation: 'c1', request: 'r' },
        { type: 'conflict', params: { conversation: 'c1', address: 'a', kind: 'deleted', file: 'file:///m.tf', message: 'deleted' } },
        { type: 'conflict', params: { conversation: 'c1', address: 'a', kind: 'modified', file: 'file:///m.tf', message: 'modified' } },
      ],
      expect: (s) => assert.deepEqual(s.conflicts.map((c) => c.kind), ['modified']),
    },
    {
      name: 'a new conversation keeps the transcript but not the old summary',
      events: [
        { type: 'started', conversation: 'c1', request: 'r' },
        { type: 'parameters', parameters: ['a = 1'] },
        { type: 'turn', turn: turns[3] },
        { type: 'userStart', request: 'another' },
      ],
      expect: (s) => {
        assert.deepEqual(s.parameters, []);
        assert.equal(s.complete, false);
        assert.equal(s.entries.at(-1)?.text, 'another');
        assert.ok(s.entries.length > 1);
      },
    },
    {
      name: 'a failed edit is reported',
      events: [{ type: 'turn', turn: { ...turns[1], edit: { applied: false, files: [], failure: 'main.tf changed' } } }],
      expect: (s) => assert.equal(s.entries.at(-1)?.text, 'Could not write the files: main.tf changed'),
    },
  ];
  for (const row of table) {
    try {
      row.expect(run(row.events));
    } catch (e) {
      throw new Error(`${row.name}: ${(e as Error).message}`);
    }
  }
});

test('the reducer never mutates its input', () => {
  const s0 = run([{ type: 'started', conversation: 'c1', request: 'r' }, { type: 'turn', turn: turns[0] }]);
  const frozen = JSON.stringify(s0);
  run([{ type: 'userAnswer', text: 'x' }, { type: 'turn', turn: turns[1] }, { type: 'error', message: 'e' }], s0);
  assert.equal(JSON.stringify(s0), frozen);
});

test('the transcript is capped', () => {
  let s = initialState;
  for (let i = 0; i < MAX_ENTRIES + 20; i++) s = reduce(s, { type: 'user', text: String(i) });
  assert.equal(s.entries.length, MAX_ENTRIES);
  assert.equal(s.entries.at(-1)?.text, String(MAX_ENTRIES + 19));
});

test('progress', () => {
  const rows: [ChatState['progress'], boolean, string, number][] = [
    [undefined, false, '', 0],
    [{ current: 1, total: 4 }, false, 'Question 1 of about 4', 0],
    [{ current: 3, total: 4 }, false, 'Question 3 of about 4', 0.5],
    [{ current: 2, total: 0 }, false, 'Question 2', 0],
    [{ current: 4, total: 4 }, true, 'Complete', 1],
  ];
  for (const [progress, complete, label, fraction] of rows) {
    const s = { ...initialState, progress, complete };
    assert.equal(progressLabel(s), label);
    assert.equal(progressFraction(s), fraction);
  }
});
