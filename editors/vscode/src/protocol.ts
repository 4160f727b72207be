/**
 * The TerraConverse conversation protocol as the extension sees it: the one
 * TypeScript mirror of `server/lsp/src/protocol.rs` (method names and wire types,
 * camelCase as on the wire). `docs/lsp-extensions.md` describes each method; a test
 * checks that the names here are exactly the ones the Rust side declares.
 */

/** Client → server requests. */
export const Requests = {
  start: 'terraconverse/start',
  answer: 'terraconverse/answer',
  back: 'terraconverse/back',
  change: 'terraconverse/change',
  status: 'terraconverse/status',
  cancel: 'terraconverse/cancel',
  list: 'terraconverse/list',
  resolve: 'terraconverse/resolve',
} as const;

/** Server → client notifications. */
export const Notifications = {
  question: 'terraconverse/question',
  warnings: 'terraconverse/warnings',
  complete: 'terraconverse/complete',
  conflict: 'terraconverse/conflict',
} as const;

/** Commands the server puts into code actions and the editor runs itself. */
export const Commands = {
  startConversation: 'terraconverse.startConversation',
} as const;

/** A `file://` URI as a string. */
export type Uri = string;

export interface StartParams {
  request: string;
  target?: Uri;
  scope?: string;
  reuseExisting?: boolean;
}

export interface ConversationParams {
  conversation: string;
}

/** The buttons of a question, sent instead of free text. */
export type AnswerAction = 'default' | 'skip' | 'acceptAllDefaults' | 'confirm' | 'decline' | 'help';

export interface AnswerParams {
  conversation: string;
  text?: string;
  action?: AnswerAction;
}

export interface ChangeParams {
  conversation: string;
  target: string;
  value: string;
}

export type Resolution = 'keepMine' | 'regenerate';

export interface ResolveParams {
  conversation: string;
  address: string;
  resolution: Resolution;
}

export interface Progress {
  current: number;
  total: number;
}

export interface QuestionView {
  id: string;
  text: string;
  default?: string | null;
  why?: string | null;
  choices: string[];
  example?: string | null;
  progress: Progress;
  kind: string;
  costNote?: string | null;
}

export interface WarningView {
  rule: string;
  message: string;
  needsConfirmation: boolean;
}

export interface EditOutcome {
  applied: boolean;
  files: Uri[];
  failure?: string | null;
}

export type ConflictKind = 'deleted' | 'modified' | 'notOurs';

export interface ConflictParams {
  conversation: string;
  address: string;
  kind: ConflictKind;
  file: Uri;
  message: string;
}

export interface TurnResult {
  conversation: string;
  messages: string[];
  question?: QuestionView | null;
  warnings: WarningView[];
  rejection?: string | null;
  complete: boolean;
  cancelled: boolean;
  conflicts: ConflictParams[];
  edit?: EditOutcome | null;
}

export interface StatusResult extends TurnResult {
  request: string;
  target: Uri;
  /** The AWS region (the default until answered). */
  region: string;
  /** Values collected so far, `key.parameter = value`. */
  parameters: string[];
  /** Questions still open, the current one first. */
  remaining: RemainingView[];
  /** Planned resources the folder's own stand in for, `key = address`. */
  reused: string[];
}

export interface RemainingView {
  id: string;
  reason: string;
}

export interface ConversationSummary {
  conversation: string;
  request: string;
  target: Uri;
  complete: boolean;
  progress?: Progress | null;
}

export interface ListResult {
  conversations: ConversationSummary[];
}

export interface CancelResult {
  conversation: string;
  cancelled: boolean;
}

export interface QuestionParams {
  conversation: string;
  question: QuestionView;
  messages: string[];
}

export interface WarningsParams {
  conversation: string;
  warnings: WarningView[];
}

export interface CompleteParams {
  conversation: string;
  messages: string[];
  files: Uri[];
}

/** The argument of the `terraconverse.startConversation` command. */
export interface StartConversationArgs {
  target?: Uri;
  scope?: string;
}

/** Every custom method name, for tests and for registering handlers. */
export const allRequests: readonly string[] = Object.values(Requests);
export const allNotifications: readonly string[] = Object.values(Notifications);
export const allCommands: readonly string[] = Object.values(Commands);
