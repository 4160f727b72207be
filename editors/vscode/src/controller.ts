/**
 * The conversation as the extension host runs it: turns the panel's messages and the
 * palette commands into `terraconverse/*` requests, and the server's answers and
 * notifications into messages for the panel. No VS Code API here (the host passes
 * two small ports in), so the whole flow is tested in node with fakes.
 */
import {
  AnswerAction,
  CancelResult,
  CompleteParams,
  ConflictParams,
  ListResult,
  QuestionParams,
  Requests,
  StartConversationArgs,
  StatusResult,
  TurnResult,
  WarningsParams,
} from './protocol';
import { parseFromWebview, ToWebview } from './webview/messages';
import { ChatState, initialState, reduce } from './webview/state';

/** The part of the language client the controller uses (`params` undefined: none sent). */
export interface LspPort {
  sendRequest<R>(method: string, params?: unknown): Promise<R>;
}

/** Where panel messages go (the webview, when it is open). */
export interface ViewPort {
  post(message: ToWebview): void;
}

export interface ControllerOptions {
  /** The folder (or file) to write into when the caller names none, as a URI. */
  defaultTarget(): string | undefined;
  /** Called with the files a conversation wrote, once it completes. */
  onComplete?(files: string[]): void | Promise<void>;
  /** Called when a request fails, with the message shown in the panel. */
  onError?(message: string): void;
}

export class ChatController {
  /** The conversation the panel shows. */
  conversation: string | undefined;
  /** A copy of the panel's state, replayed when the page is (re)opened. */
  state: ChatState = initialState;
  /** Requests on their way: notifications that arrive meanwhile are covered by the answer. */
  private inFlight = 0;
  private pendingFiles: string[] | undefined;
  private view: ViewPort | undefined;

  constructor(
    private readonly lsp: LspPort,
    private readonly options: ControllerOptions,
  ) {}

  /** Connects (or, with `undefined`, disconnects) the panel. */
  attachView(view: ViewPort | undefined): void {
    this.view = view;
  }

  private post(message: ToWebview): void {
    this.state = reduce(this.state, message);
    this.view?.post(message);
  }

  /** Handles one message posted by the page; malformed ones are reported, not sent on. */
  async handleWebviewMessage(raw: unknown): Promise<void> {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.fail(`The panel sent a message the extension does not understand: ${parsed.error}.`);
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'ready':
        this.view?.post({ type: 'restore', state: this.state });
        return this.offerResume();
      case 'resume':
        this.state = reduce(this.state, { type: 'userResume', conversation: m.conversation });
        return this.resume(m.conversation);
      case 'start':
        // The page has already shown the request as the user's line.
        this.state = reduce(this.state, { type: 'userStart', request: m.request });
        return this.start(m.request, undefined, false);
      case 'answer':
        this.state = reduce(this.state, { type: 'userAnswer', text: m.text });
        return this.answer({ text: m.text });
      case 'action':
        this.state = reduce(this.state, { type: 'userAnswer', text: m.action });
        return this.answer({ action: m.action });
      case 'back':
        this.state = reduce(this.state, { type: 'userBack' });
        return this.back();
      case 'cancel':
        return this.cancel();
      case 'resolve':
        return this.turn(Requests.resolve, () => ({ conversation: this.requireConversation(), address: m.address, resolution: m.resolution }));
    }
  }

  /** Starts a conversation. `echo` shows the request as the user's line (palette, code action). */
  async start(request: string, args?: StartConversationArgs, echo = true): Promise<void> {
    const text = request.trim();
    if (text === '') {
      this.fail('Type what you want to build, e.g. "a web server with a Postgres database in Frankfurt".');
      return;
    }
    if (echo) this.post({ type: 'user', text });
    const target = args?.target ?? this.options.defaultTarget();
    const params = { request: text, ...(target ? { target } : {}), ...(args?.scope ? { scope: args.scope } : {}) };
    await this.run(async () => {
      const turn = await this.lsp.sendRequest<TurnResult>(Requests.start, params);
      this.conversation = turn.conversation;
      this.post({ type: 'started', conversation: turn.conversation, request: text });
      return turn;
    });
  }

  async answer(answer: { text?: string; action?: AnswerAction }): Promise<void> {
    await this.turn(Requests.answer, () => ({ conversation: this.requireConversation(), ...answer }));
  }

  async acceptAllDefaults(): Promise<void> {
    if (this.conversation) this.post({ type: 'user', text: 'accept all defaults' });
    await this.answer({ action: 'acceptAllDefaults' });
  }

  async back(): Promise<void> {
    await this.turn(Requests.back, () => ({ conversation: this.requireConversation() }));
  }

  async cancel(): Promise<void> {
    const conversation = this.conversation;
    if (!conversation) {
      this.fail('There is no conversation to cancel.');
      return;
    }
    try {
      const result = await this.lsp.sendRequest<CancelResult>(Requests.cancel, { conversation });
      this.conversation = undefined;
      this.post({ type: 'cancelled', conversation: result.conversation });
    } catch (e) {
      this.fail(`Cancelling failed: ${errorText(e)}`);
    }
  }

  /** Offers the workspace's unfinished conversations (saved by the server) while none is shown. */
  async offerResume(): Promise<void> {
    if (this.conversation) return;
    try {
      const list = await this.lsp.sendRequest<ListResult | undefined>(Requests.list);
      const open = (list?.conversations ?? []).filter((c) => !c.complete);
      if (open.length > 0 && !this.conversation) this.post({ type: 'resumable', conversations: open });
    } catch {
      // The offer is a convenience: without it the panel still starts new conversations.
    }
  }

  /** Takes up a saved conversation where it stopped: its status carries the question. */
  async resume(conversation: string): Promise<void> {
    this.conversation = conversation;
    await this.turn(Requests.status, () => ({ conversation }));
  }

  /** The server's view of the current conversation, or undefined when there is none. */
  async status(): Promise<StatusResult | undefined> {
    if (!this.conversation) return undefined;
    const status = await this.lsp.sendRequest<StatusResult>(Requests.status, { conversation: this.conversation });
    this.post({ type: 'parameters', parameters: status.parameters ?? [] });
    return status;
  }

  // ----- Server notifications -----------------------------------------------------

  onQuestion(params: QuestionParams): void {
    if (this.coveredByTurn(params.conversation)) return;
    // The server sends the notification before its answer, but the two travel on
    // different channels and may arrive in either order: one already shown is a repeat.
    const shown = this.state.question;
    if (
      shown &&
      this.conversation === params.conversation &&
      shown.id === params.question.id &&
      shown.progress.current === params.question.progress.current
    )
      return;
    this.conversation = params.conversation;
    this.post({ type: 'question', params });
  }

  onWarnings(params: WarningsParams): void {
    if (this.coveredByTurn(params.conversation)) return;
    if (params.conversation === this.conversation && JSON.stringify(params.warnings) === JSON.stringify(this.state.warnings)) return;
    this.post({ type: 'warnings', params });
  }

  onComplete(params: CompleteParams): void {
    if (params.conversation !== this.conversation) return;
    void this.options.onComplete?.(params.files);
    if (this.inFlight > 0) {
      // The turn that is on its way carries the messages; only the file list is new.
      this.pendingFiles = params.files;
      return;
    }
    // After the turn that completed it, only the file list is new.
    this.post({ type: 'complete', params: this.state.complete ? { ...params, messages: [] } : params });
  }

  onConflict(params: ConflictParams): void {
    if (params.conversation !== this.conversation) return;
    this.post({ type: 'conflict', params });
  }

  // ----- Internals ----------------------------------------------------------------

  /** Whether a notification repeats what the answer to a request of ours will say. */
  private coveredByTurn(conversation: string): boolean {
    return this.inFlight > 0 && (this.conversation === undefined || this.conversation === conversation);
  }

  private requireConversation(): string {
    if (!this.conversation) throw new NoConversation();
    return this.conversation;
  }

  private async turn(method: string, params: () => unknown): Promise<void> {
    await this.run(() => this.lsp.sendRequest<TurnResult>(method, params()));
  }

  private async run(send: () => Promise<TurnResult>): Promise<void> {
    this.inFlight++;
    let turn: TurnResult;
    try {
      turn = await send();
    } catch (e) {
      this.inFlight--;
      this.fail(e instanceof NoConversation ? e.message : `The server refused that: ${errorText(e)}`);
      return;
    }
    this.inFlight--;
    this.post({ type: 'turn', turn });
    if (turn.cancelled) this.conversation = undefined;
    if (this.pendingFiles) {
      const files = this.pendingFiles;
      this.pendingFiles = undefined;
      this.post({ type: 'complete', params: { conversation: turn.conversation, messages: [], files } });
    }
    if (!turn.cancelled) {
      // The summary is a convenience: a failing status call must not hide the turn.
      await this.status().catch(() => undefined);
    }
  }

  private fail(message: string): void {
    this.post({ type: 'error', message });
    this.options.onError?.(message);
  }
}

class NoConversation extends Error {
  constructor() {
    super('There is no conversation yet: start one from the panel or with "TerraConverse: Start a conversation".');
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
