/**
 * The chat page's script: turns clicks into messages for the extension and renders
 * whatever the reducer in `state.ts` returns. Builds the DOM with `textContent` only
 * (never HTML from the server) and binds events with listeners (the CSP forbids
 * inline handlers).
 */
import type { FromWebview, ToWebview } from './messages';
import { ChatEvent, ChatState, initialState, needsConfirmation, progressFraction, progressLabel, reduce } from './state';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: ChatState = (vscode.getState() as ChatState | undefined) ?? initialState;

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

function dispatch(event: ChatEvent): void {
  state = reduce(state, event);
  vscode.setState(state);
  render();
}

function post(message: FromWebview): void {
  vscode.postMessage(message);
}

function el(tag: string, className: string, text: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  e.textContent = text;
  return e;
}

function button(text: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', className, text) as HTMLButtonElement;
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

const LABELS: Record<string, string> = { user: 'You', assistant: 'TerraConverse', warning: 'Warning', rejection: 'Not accepted', error: 'Error', done: 'Done' };

function render(): void {
  const s = state;
  // Progress.
  const label = progressLabel(s);
  $('progress').hidden = label === '';
  $('progress-label').textContent = label;
  ($('progress-fill') as HTMLElement).style.width = `${Math.round(progressFraction(s) * 100)}%`;

  // Transcript.
  const list = $('transcript');
  list.replaceChildren(
    ...s.entries.map((e) => {
      const li = el('li', `entry ${e.kind}`, '');
      li.append(el('span', 'who', e.rule ? `${LABELS[e.kind]} ${e.rule}` : LABELS[e.kind]));
      li.append(el('span', 'body', e.text));
      return li;
    }),
  );
  list.lastElementChild?.scrollIntoView({ block: 'end' });

  // The current question.
  const q = s.question;
  $('question').hidden = !q;
  if (q) {
    $('question-text').textContent = q.text;
    $('question-why').textContent = q.why ?? '';
    $('question-why').hidden = !q.why;
    $('question-default').textContent = q.default ? `Default: ${q.default}` : 'No default';
    $('question-cost').textContent = q.costNote ?? '';
    $('question-cost').hidden = !q.costNote;
    $('choices').replaceChildren(
      ...q.choices.map((c) =>
        button(c, c === q.default ? 'choice is-default' : 'choice', () => answer(c)),
      ),
    );
    const input = $('answer-input') as HTMLInputElement;
    input.placeholder = q.example ? `e.g. ${q.example}` : q.default ?? '';
    const confirming = needsConfirmation(s);
    $('confirm').hidden = !confirming;
    ($('btn-default') as HTMLButtonElement).disabled = s.busy || !q.default;
    for (const id of ['btn-skip', 'btn-back', 'btn-all-defaults', 'btn-send', 'btn-confirm', 'btn-decline', 'btn-cancel']) {
      ($(id) as HTMLButtonElement).disabled = s.busy;
    }
    for (const b of Array.from($('choices').querySelectorAll('button'))) (b as HTMLButtonElement).disabled = s.busy;
  }

  // Blocks the user changed after the conversation wrote them.
  $('conflicts').hidden = s.conflicts.length === 0;
  $('conflicts').replaceChildren(
    ...s.conflicts.map((c) => {
      const div = el('div', 'conflict', '');
      div.append(el('p', '', c.message));
      div.append(button('Keep mine', '', () => post({ type: 'resolve', address: c.address, resolution: 'keepMine' })));
      div.append(button('Write it again', '', () => post({ type: 'resolve', address: c.address, resolution: 'regenerate' })));
      return div;
    }),
  );

  // Files written, once complete.
  $('files').hidden = !s.complete || s.files.length === 0;
  $('file-list').replaceChildren(...s.files.map((f) => el('li', '', decodeURIComponent(f.replace(/^file:\/\//, '')))));

  // Collected parameters.
  $('summary').hidden = s.parameters.length === 0;
  $('summary-count').textContent = String(s.parameters.length);
  $('parameter-list').replaceChildren(...s.parameters.map((p) => el('li', '', p)));

  // Unfinished conversations saved in the workspace.
  $('resume').hidden = s.resumable.length === 0 || (!!q && !s.complete);
  $('resume-list').replaceChildren(
    ...s.resumable.map((r) =>
      button(`Resume: ${r.request}`, 'secondary', () => {
        dispatch({ type: 'userResume', conversation: r.conversation });
        post({ type: 'resume', conversation: r.conversation });
      }),
    ),
  );

  // The start form shows when no conversation is waiting for an answer.
  $('start-form').hidden = !!q && !s.complete;
  ($('btn-start') as HTMLButtonElement).disabled = s.busy;
}

function answer(text: string): void {
  dispatch({ type: 'userAnswer', text });
  post({ type: 'answer', text });
}

function action(a: 'default' | 'skip' | 'acceptAllDefaults' | 'confirm' | 'decline', shown: string): void {
  dispatch({ type: 'userAnswer', text: shown });
  post({ type: 'action', action: a });
}

$('answer-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $('answer-input') as HTMLInputElement;
  const text = input.value.trim();
  if (text === '') return action('default', state.question?.default ?? 'default');
  input.value = '';
  answer(text);
});
$('btn-default').addEventListener('click', () => action('default', state.question?.default ?? 'default'));
$('btn-skip').addEventListener('click', () => action('skip', 'skip'));
$('btn-all-defaults').addEventListener('click', () => action('acceptAllDefaults', 'accept all defaults'));
$('btn-confirm').addEventListener('click', () => action('confirm', 'yes, keep it'));
$('btn-decline').addEventListener('click', () => action('decline', 'no'));
$('btn-back').addEventListener('click', () => {
  dispatch({ type: 'userBack' });
  post({ type: 'back' });
});
$('btn-cancel').addEventListener('click', () => {
  dispatch({ type: 'userCancel' });
  post({ type: 'cancel' });
});
$('start-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $('start-input') as HTMLTextAreaElement;
  const request = input.value.trim();
  if (request === '') {
    input.focus();
    return;
  }
  input.value = '';
  dispatch({ type: 'userStart', request });
  post({ type: 'start', request });
});
$('start-input').addEventListener('keydown', (ev) => {
  const k = ev as KeyboardEvent;
  if (k.key === 'Enter' && !k.shiftKey) {
    k.preventDefault();
    ($('start-form') as HTMLFormElement).requestSubmit();
  }
});

window.addEventListener('message', (ev: MessageEvent) => {
  const message = ev.data as ToWebview;
  if (message && typeof message === 'object' && typeof message.type === 'string') dispatch(message);
});

render();
post({ type: 'ready' });
