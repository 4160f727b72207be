/**
 * The messages between the extension host and the chat webview (postMessage both
 * ways). Kept apart from the LSP mirror in `protocol.ts`: this is the extension's
 * private contract with its own page, not the server's protocol.
 */
import type {
  AnswerAction,
  CompleteParams,
  ConflictParams,
  ConversationSummary,
  QuestionParams,
  Resolution,
  TurnResult,
  WarningsParams,
} from '../protocol';
import type { ChatState } from './state';

/** Extension host → webview. */
export type ToWebview =
  /** A conversation was started (by the panel, the palette or a code action). */
  | { type: 'started'; conversation: string; request: string }
  /** The server's answer to a request of ours: the state after the turn. */
  | { type: 'turn'; turn: TurnResult }
  /** Server notifications that arrived while we were not waiting for a turn. */
  | { type: 'question'; params: QuestionParams }
  | { type: 'warnings'; params: WarningsParams }
  | { type: 'complete'; params: CompleteParams }
  | { type: 'conflict'; params: ConflictParams }
  /** The values collected so far (`key = value` lines, from terraconverse/status). */
  | { type: 'parameters'; parameters: string[] }
  | { type: 'cancelled'; conversation: string }
  /** Something failed: the server is missing, a request errored. */
  | { type: 'error'; message: string }
  /** A message typed or chosen outside the panel (palette commands), shown as the user's. */
  | { type: 'user'; text: string }
  /** Unfinished conversations saved in the workspace, offered for resuming. */
  | { type: 'resumable'; conversations: ConversationSummary[] }
  /** The whole state, sent when the page (re)loads: the extension keeps a copy. */
  | { type: 'restore'; state: ChatState };

/** Webview → extension host. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'start'; request: string }
  | { type: 'answer'; text: string }
  | { type: 'action'; action: AnswerAction }
  | { type: 'back' }
  | { type: 'cancel' }
  | { type: 'resume'; conversation: string }
  | { type: 'resolve'; address: string; resolution: Resolution };

const ACTIONS: readonly AnswerAction[] = ['default', 'skip', 'acceptAllDefaults', 'confirm', 'decline', 'help'];

/**
 * Checks a message from the webview before the extension acts on it. The page is
 * ours, but it is still a separate process: anything malformed is refused with a
 * reason instead of being sent on to the server half-formed.
 */
export function parseFromWebview(raw: unknown): { ok: true; message: FromWebview } | { ok: false; error: string } {
  if (typeof raw !== 'object' || raw === null) return { ok: false, error: 'message is not an object' };
  const m = raw as Record<string, unknown>;
  const str = (k: string) => typeof m[k] === 'string';
  switch (m.type) {
    case 'ready':
    case 'back':
    case 'cancel':
      return { ok: true, message: { type: m.type } };
    case 'start':
      if (!str('request') || (m.request as string).trim() === '')
        return { ok: false, error: 'start needs a non-empty request' };
      return { ok: true, message: { type: 'start', request: (m.request as string).trim() } };
    case 'answer':
      if (!str('text')) return { ok: false, error: 'answer needs text' };
      return { ok: true, message: { type: 'answer', text: m.text as string } };
    case 'action':
      if (!ACTIONS.includes(m.action as AnswerAction))
        return { ok: false, error: `unknown action ${JSON.stringify(m.action)}; expected one of ${ACTIONS.join(', ')}` };
      return { ok: true, message: { type: 'action', action: m.action as AnswerAction } };
    case 'resume':
      if (!str('conversation') || (m.conversation as string) === '') return { ok: false, error: 'resume needs a conversation id' };
      return { ok: true, message: { type: 'resume', conversation: m.conversation as string } };
    case 'resolve':
      if (!str('address') || (m.resolution !== 'keepMine' && m.resolution !== 'regenerate'))
        return { ok: false, error: 'resolve needs an address and a resolution (keepMine or regenerate)' };
      return {
        ok: true,
        message: { type: 'resolve', address: m.address as string, resolution: m.resolution as Resolution },
      };
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(m.type)}` };
  }
}
