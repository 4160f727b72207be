/**
 * The chat panel's state and the pure reducer that moves it: every message from the
 * extension and every click of the user is an event, and the page only renders what
 * `reduce` returns. Pure (no DOM, no VS Code) so it is tested in node.
 */
import type { ConflictParams, ConversationSummary, Progress, QuestionView, TurnResult, WarningView } from '../protocol';
import type { ToWebview } from './messages';

/** One line of the transcript. */
export interface Entry {
  kind: 'user' | 'assistant' | 'warning' | 'rejection' | 'error' | 'done';
  text: string;
  /** The rule id of a warning, e.g. `TC-SG-001`. */
  rule?: string;
}

export interface ChatState {
  conversation?: string;
  request?: string;
  entries: Entry[];
  /** The question waiting for an answer. */
  question?: QuestionView;
  progress?: Progress;
  /** Warnings about the last answer; those with `needsConfirmation` hold the answer back. */
  warnings: WarningView[];
  conflicts: ConflictParams[];
  /** Values collected so far, `key = value`. */
  parameters: string[];
  /** Files the finished conversation wrote into. */
  files: string[];
  complete: boolean;
  /** A request is on its way to the server: buttons are disabled until the turn arrives. */
  busy: boolean;
  /** Unfinished conversations saved in the workspace, offered while none is shown. */
  resumable: ConversationSummary[];
}

/** What the user did in the page (the page posts the matching message to the extension). */
export type UserEvent =
  | { type: 'userStart'; request: string }
  | { type: 'userAnswer'; text: string }
  | { type: 'userBack' }
  | { type: 'userCancel' }
  | { type: 'userResume'; conversation: string };

export type ChatEvent = ToWebview | UserEvent;

export const initialState: ChatState = {
  entries: [],
  warnings: [],
  conflicts: [],
  parameters: [],
  files: [],
  complete: false,
  busy: false,
  resumable: [],
};

/** The longest transcript kept; older lines are dropped so a long session stays fast. */
export const MAX_ENTRIES = 500;

function push(state: ChatState, ...entries: Entry[]): Entry[] {
  const all = state.entries.concat(entries);
  return all.length > MAX_ENTRIES ? all.slice(all.length - MAX_ENTRIES) : all;
}

function warningEntries(warnings: WarningView[]): Entry[] {
  return warnings.map((w) => ({ kind: 'warning' as const, text: w.message, rule: w.rule }));
}

/** Whether an event belongs to another conversation than the one shown (and so is ignored). */
function foreign(state: ChatState, conversation: string): boolean {
  return state.conversation !== undefined && state.conversation !== conversation;
}

function applyTurn(state: ChatState, turn: TurnResult): ChatState {
  if (foreign(state, turn.conversation)) return { ...state, busy: false };
  const entries: Entry[] = (turn.messages ?? []).map((text) => ({ kind: 'assistant' as const, text }));
  if (turn.rejection) entries.push({ kind: 'rejection', text: turn.rejection });
  entries.push(...warningEntries(turn.warnings ?? []));
  if (turn.edit?.failure) entries.push({ kind: 'error', text: `Could not write the files: ${turn.edit.failure}` });
  const complete = turn.complete && !state.complete;
  if (complete) entries.push({ kind: 'done', text: 'The configuration is written.' });
  if (turn.cancelled) entries.push({ kind: 'assistant', text: 'Conversation cancelled. Text already written stays.' });
  const question = turn.complete || turn.cancelled ? undefined : turn.question ?? undefined;
  return {
    ...state,
    conversation: turn.cancelled ? undefined : turn.conversation,
    entries: push(state, ...entries),
    question,
    progress: question?.progress ?? state.progress,
    warnings: turn.warnings ?? [],
    conflicts: turn.conflicts ?? [],
    complete: state.complete || turn.complete,
    busy: false,
  };
}

/** The next state. Never mutates `state`. */
export function reduce(state: ChatState, event: ChatEvent): ChatState {
  switch (event.type) {
    case 'userStart':
      // A new conversation starts from a clean slate but keeps the transcript above it.
      return {
        ...initialState,
        entries: push(state, { kind: 'user', text: event.request }),
        request: event.request,
        busy: true,
      };
    case 'userAnswer':
      return { ...state, entries: push(state, { kind: 'user', text: event.text }), busy: true };
    case 'userBack':
      return { ...state, entries: push(state, { kind: 'user', text: 'back' }), busy: true };
    case 'userCancel':
      return { ...state, busy: true };
    case 'userResume': {
      const picked = state.resumable.find((r) => r.conversation === event.conversation);
      return {
        ...initialState,
        entries: push(state, { kind: 'user', text: `resume: ${picked?.request ?? event.conversation}` }),
        conversation: event.conversation,
        request: picked?.request,
        busy: true,
      };
    }
    case 'resumable':
      return { ...state, resumable: event.conversations.filter((c) => !c.complete && c.conversation !== state.conversation) };
    case 'user':
      return { ...state, entries: push(state, { kind: 'user', text: event.text }) };
    case 'started':
      // A new conversation: forget the last one's question, warnings and summary, keep
      // the transcript above it.
      return { ...initialState, entries: state.entries, conversation: event.conversation, request: event.request };
    case 'restore':
      return event.state;
    case 'turn':
      return applyTurn(state, event.turn);
    case 'question': {
      const { conversation, question, messages } = event.params;
      if (foreign(state, conversation)) return state;
      return {
        ...state,
        conversation,
        entries: push(state, ...messages.map((text) => ({ kind: 'assistant' as const, text }))),
        question,
        progress: question.progress,
        complete: false,
        warnings: [],
      };
    }
    case 'warnings': {
      if (foreign(state, event.params.conversation)) return state;
      return {
        ...state,
        entries: push(state, ...warningEntries(event.params.warnings)),
        warnings: event.params.warnings,
      };
    }
    case 'complete': {
      const { conversation, messages, files } = event.params;
      if (foreign(state, conversation)) return state;
      const entries: Entry[] = messages.map((text) => ({ kind: 'assistant' as const, text }));
      if (!state.complete) entries.push({ kind: 'done', text: 'The configuration is written.' });
      return {
        ...state,
        entries: push(state, ...entries),
        question: undefined,
        files,
        complete: true,
        busy: false,
      };
    }
    case 'conflict': {
      if (foreign(state, event.params.conversation)) return state;
      const others = state.conflicts.filter((c) => c.address !== event.params.address);
      return {
        ...state,
        entries: push(state, { kind: 'warning', text: event.params.message }),
        conflicts: others.concat(event.params),
      };
    }
    case 'parameters':
      return { ...state, parameters: event.parameters };
    case 'cancelled':
      if (foreign(state, event.conversation)) return state;
      return {
        ...state,
        entries: push(state, { kind: 'assistant', text: 'Conversation cancelled. Text already written stays.' }),
        conversation: undefined,
        question: undefined,
        warnings: [],
        conflicts: [],
        busy: false,
      };
    case 'error':
      return { ...state, entries: push(state, { kind: 'error', text: event.message }), busy: false };
  }
}

/** Whether the current warnings hold the answer back until the user confirms or declines. */
export function needsConfirmation(state: ChatState): boolean {
  return state.warnings.some((w) => w.needsConfirmation);
}

/** "Question 3 of about 9", or nothing before the first question. */
export function progressLabel(state: ChatState): string {
  if (state.complete) return 'Complete';
  const p = state.progress;
  if (!p) return '';
  return p.total > 0 ? `Question ${p.current} of about ${p.total}` : `Question ${p.current}`;
}

/** Progress as a fraction in [0, 1], for the progress bar. */
export function progressFraction(state: ChatState): number {
  if (state.complete) return 1;
  const p = state.progress;
  if (!p || p.total <= 0) return 0;
  return Math.min(1, Math.max(0, (p.current - 1) / p.total));
}
