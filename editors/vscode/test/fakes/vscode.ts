// A stand-in for the `vscode` module with just the API the extension uses, so that
// `activate()` runs in node. It records what the extension registers and lets a test
// script input boxes and settings. (VS Code itself cannot be downloaded here.)
export const recorded = {
  commands: new Map<string, (...args: any[]) => any>(),
  views: new Map<string, any>(),
  inputs: [] as (string | undefined)[],
  prompts: [] as any[],
  info: [] as string[],
  errors: [] as string[],
  executed: [] as string[],
  settings: {} as Record<string, unknown>,
  output: [] as string[],
};

const disposable = { dispose() {} };

export class Uri {
  private constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    const m = /^(\w+):\/\/(.*)$/.exec(s);
    return m ? new Uri(m[1], decodeURIComponent(m[2])) : new Uri('file', s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${encodeURI(this.path)}`;
  }
}

export const window = {
  createOutputChannel: () => ({ appendLine: (l: string) => recorded.output.push(l), show() {}, dispose() {} }),
  registerWebviewViewProvider(id: string, provider: unknown) {
    recorded.views.set(id, provider);
    return disposable;
  },
  async showInputBox(options: unknown) {
    recorded.prompts.push(options);
    return recorded.inputs.shift();
  },
  async showInformationMessage(m: string) {
    recorded.info.push(m);
  },
  async showErrorMessage(m: string) {
    recorded.errors.push(m);
  },
};

export const commands = {
  registerCommand(id: string, fn: (...args: any[]) => any) {
    if (recorded.commands.has(id)) throw new Error(`command ${id} registered twice`);
    recorded.commands.set(id, fn);
    return disposable;
  },
  async executeCommand(id: string) {
    recorded.executed.push(id);
  },
};

export const workspace = {
  workspaceFolders: [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }],
  textDocuments: [] as unknown[],
  getConfiguration: (section: string) => ({
    get: <T>(key: string, fallback?: T): T => (recorded.settings[`${section}.${key}`] as T) ?? (fallback as T),
  }),
  onDidChangeConfiguration: () => disposable,
};
