/**
 * The VS Code extension's entry point: starts `terraconverse lsp` through
 * vscode-languageclient, hosts the chat panel (a webview view), registers the palette
 * commands, and keeps the LLM API key in SecretStorage.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { ChatController } from './controller';
import { Commands, Notifications, StartConversationArgs } from './protocol';
import { resolveServer, serverEnv } from './serverPath';
import { makeNonce, pageHtml } from './webview/html';

const SECRET_KEY = 'terraconverse.llm.apiKey';
const VIEW_ID = 'terraconverse.chat';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('TerraConverse');
  context.subscriptions.push(output);

  const controller = new ChatController(
    {
      sendRequest: async <R>(method: string, params?: unknown): Promise<R> => {
        const c = await ensureClient(context, output, controller);
        // Without params, none are sent (jsonrpc would otherwise send [null]).
        return params === undefined ? c.sendRequest<R>(method) : c.sendRequest<R>(method, params);
      },
    },
    {
      defaultTarget: () => vscode.workspace.workspaceFolders?.[0]?.uri.toString(),
      onComplete: (files) => saveWritten(files),
      onError: (message) => output.appendLine(message),
    },
  );

  const provider = new ChatViewProvider(context.extensionUri, controller);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(VIEW_ID, provider),
    vscode.commands.registerCommand('terraconverse.start', async () => {
      const request = await vscode.window.showInputBox({
        title: 'TerraConverse',
        prompt: 'What do you want to build?',
        placeHolder: 'a web server with a Postgres database in Frankfurt',
      });
      if (request) {
        await revealPanel();
        await controller.start(request);
      }
    }),
    vscode.commands.registerCommand(Commands.startConversation, async (args?: StartConversationArgs) => {
      const where = args?.scope ? ` (about ${args.scope})` : '';
      const request = await vscode.window.showInputBox({
        title: `TerraConverse${where}`,
        prompt: 'What should be generated here?',
        placeHolder: args?.scope ? 'add an RDS database in this VPC' : 'an S3 bucket for backups',
      });
      if (request) {
        await revealPanel();
        await controller.start(request, args);
      }
    }),
    vscode.commands.registerCommand('terraconverse.acceptAllDefaults', () => controller.acceptAllDefaults()),
    vscode.commands.registerCommand('terraconverse.cancel', () => controller.cancel()),
    vscode.commands.registerCommand('terraconverse.status', async () => {
      try {
        const status = await controller.status();
        if (!status) {
          void vscode.window.showInformationMessage('TerraConverse: no conversation is running.');
          return;
        }
        const p = status.question?.progress;
        const where = status.complete ? 'complete' : p ? `question ${p.current} of about ${p.total}` : 'in progress';
        output.appendLine(`Conversation ${status.conversation}: "${status.request}" → ${status.target} (${where})`);
        for (const line of status.parameters) output.appendLine(`  ${line}`);
        output.show(true);
        void vscode.window.showInformationMessage(
          `TerraConverse: "${status.request}", ${where}, ${status.parameters.length} parameters collected.`,
        );
      } catch (e) {
        void vscode.window.showErrorMessage(`TerraConverse status failed: ${e instanceof Error ? e.message : e}`);
      }
    }),
    vscode.commands.registerCommand('terraconverse.setApiKey', async () => {
      const key = await vscode.window.showInputBox({
        title: 'TerraConverse: LLM API key',
        prompt: 'Stored in VS Code’s secret storage, never in settings.json.',
        password: true,
        ignoreFocusOut: true,
      });
      if (key) {
        await context.secrets.store(SECRET_KEY, key.trim());
        await restartClient(context, output, controller);
      }
    }),
    vscode.commands.registerCommand('terraconverse.clearApiKey', async () => {
      await context.secrets.delete(SECRET_KEY);
      await restartClient(context, output, controller);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('terraconverse')) await restartClient(context, output, controller);
    }),
  );

  // Start the server right away when a Terraform file is open: diagnostics do not wait for the panel.
  if (vscode.workspace.textDocuments.some((d) => d.fileName.endsWith('.tf'))) {
    await ensureClient(context, output, controller).catch((e) => output.appendLine(String(e)));
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function revealPanel(): Promise<void> {
  await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
}

let starting: Promise<LanguageClient> | undefined;

function ensureClient(context: vscode.ExtensionContext, output: vscode.OutputChannel, controller: ChatController): Promise<LanguageClient> {
  if (client) return Promise.resolve(client);
  starting ??= startClient(context, output, controller).finally(() => (starting = undefined));
  return starting;
}

async function restartClient(context: vscode.ExtensionContext, output: vscode.OutputChannel, controller: ChatController): Promise<void> {
  const old = client;
  client = undefined;
  await old?.stop();
  if (old) await ensureClient(context, output, controller);
}

async function startClient(context: vscode.ExtensionContext, output: vscode.OutputChannel, controller: ChatController): Promise<LanguageClient> {
  const config = vscode.workspace.getConfiguration('terraconverse');
  const location = resolveServer(config.get<string>('server.path'), context.extensionPath, {
    isFile: (p) => {
      try {
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    },
    pathDirs: (process.env.PATH ?? '').split(path.delimiter),
    platform: process.platform,
  });
  if ('error' in location) {
    void vscode.window.showErrorMessage(location.error);
    throw new Error(location.error);
  }
  if (location.source === 'bundled' && process.platform !== 'win32') {
    // Zip archives do not always keep the executable bit; the bundled binary needs it.
    try {
      fs.chmodSync(location.command, 0o755);
    } catch (e) {
      output.appendLine(`Could not make ${location.command} executable: ${e}`);
    }
  }
  output.appendLine(`Starting ${location.command} lsp (${location.source})`);
  const baseUrl = config.get<string>('llm.baseUrl') || undefined;
  const model = config.get<string>('llm.model') || undefined;
  const apiKey = (await context.secrets.get(SECRET_KEY)) || undefined;
  const serverOptions: ServerOptions = {
    command: location.command,
    args: ['lsp'],
    options: { env: serverEnv(process.env, { baseUrl, model, apiKey }) },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', pattern: '**/*.tf' },
    ],
    outputChannel: output,
    initializationOptions: {
      logLevel: config.get<string>('logLevel', 'info'),
      // The key is deliberately absent: it reaches the server only through its environment.
      llm: { ...(baseUrl ? { baseUrl } : {}), ...(model ? { model } : {}) },
    },
  };
  const c = new LanguageClient('terraconverse', 'TerraConverse', serverOptions, clientOptions);
  c.onNotification(Notifications.question, (p) => controller.onQuestion(p));
  c.onNotification(Notifications.warnings, (p) => controller.onWarnings(p));
  c.onNotification(Notifications.complete, (p) => controller.onComplete(p));
  c.onNotification(Notifications.conflict, (p) => controller.onConflict(p));
  await c.start();
  client = c;
  context.subscriptions.push({ dispose: () => void c.stop() });
  return c;
}

/** Saves the files a finished conversation wrote, when `terraconverse.saveOnComplete` is on. */
async function saveWritten(files: string[]): Promise<void> {
  if (!vscode.workspace.getConfiguration('terraconverse').get<boolean>('saveOnComplete', true)) return;
  const wanted = new Set(files.map((f) => vscode.Uri.parse(f).toString()));
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isDirty && wanted.has(doc.uri.toString())) await doc.save();
  }
}

class ChatViewProvider implements vscode.WebviewViewProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: ChatController,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [media, dist] };
    view.webview.html = pageHtml({
      cspSource: view.webview.cspSource,
      nonce: makeNonce((n) => crypto.randomBytes(n)),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'chat.css')).toString(),
    });
    this.controller.attachView({ post: (m) => void view.webview.postMessage(m) });
    view.webview.onDidReceiveMessage((m) => this.controller.handleWebviewMessage(m));
    view.onDidDispose(() => this.controller.attachView(undefined));
  }
}
