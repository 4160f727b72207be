// A stand-in for `vscode-languageclient/node`: records how the extension configures
// the client and answers requests from a script, so the extension's wiring is tested
// without VS Code.
export const clients: FakeLanguageClient[] = [];
export const responder = { answer: (_method: string, _params: unknown): unknown => undefined };

export class FakeLanguageClient {
  notifications = new Map<string, (params: any) => void>();
  requests: [string, unknown][] = [];
  started = false;
  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: any,
    readonly clientOptions: any,
  ) {
    clients.push(this);
  }
  onNotification(method: string, handler: (params: any) => void) {
    this.notifications.set(method, handler);
    return { dispose() {} };
  }
  async start() {
    this.started = true;
  }
  async stop() {
    this.started = false;
  }
  async sendRequest<R>(method: string, params: unknown): Promise<R> {
    this.requests.push([method, params]);
    return responder.answer(method, params) as R;
  }
}

export { FakeLanguageClient as LanguageClient };
