// The chat page in a real browser: Debian's headless Chromium, driven by
// playwright-core, renders the page exactly as the extension builds it (same HTML,
// CSP, script and stylesheet) with `acquireVsCodeApi` stubbed. A scripted
// conversation checks what the user sees and what the page posts back, and keeps
// screenshots in out/screenshots/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { TurnResult } from '../src/protocol';
import { pageHtml } from '../src/webview/html';
import type { ToWebview } from '../src/webview/messages';
import fixture from './fixtures/conversation.json';

const ROOT = path.resolve(__dirname, '..', '..');
const ORIGIN = 'https://webview.test';
const SHOTS = path.join(ROOT, 'out', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const turns = fixture.turns as unknown as TurnResult[];

let context: BrowserContext;
let page: Page;
let userDataDir: string;
const consoleErrors: string[] = [];

before(async () => {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 420, height: 860 },
  });
  // Every request is answered from disk: the page must never reach the network.
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/index.html') {
      const html = pageHtml({ cspSource: ORIGIN, nonce: 'n0nce4test', scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/media/chat.css` });
      return route.fulfill({ body: html, contentType: 'text/html' });
    }
    const file = path.join(ROOT, url.pathname);
    if (!file.startsWith(ROOT) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
    return route.fulfill({ body: fs.readFileSync(file), contentType: type });
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // The stand-in for VS Code's webview API: records what the page posts.
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    const posted: unknown[] = [];
    const violations: string[] = [];
    let saved: unknown;
    w.__posted = posted;
    w.__violations = violations;
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => posted.push(m),
      getState: () => saved,
      setState: (s: unknown) => (saved = s),
    });
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${ORIGIN}/index.html`);
});

after(async () => {
  await context?.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
});

async function posted(): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.slice());
}

async function lastPosted(): Promise<unknown> {
  return (await posted()).at(-1);
}

/** Delivers a message from the extension host, as VS Code does: a window message event. */
async function deliver(message: ToWebview): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
}

test('the page loads under its CSP and says it is ready', async () => {
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  assert.deepEqual(await posted(), [{ type: 'ready' }]);
  assert.equal(await page.locator('#question').isVisible(), false);
  assert.equal(await page.locator('#start-form').isVisible(), true);
});

test('a scripted conversation: question, accept default, warning, completion', async () => {
  // The user starts a conversation.
  await page.fill('#start-input', fixture.request);
  await page.click('#btn-start');
  assert.deepEqual(await lastPosted(), { type: 'start', request: 'add a postgres database' });
  await deliver({ type: 'started', conversation: 'c1', request: fixture.request });
  await deliver({ type: 'turn', turn: turns[0] });
  await deliver({ type: 'parameters', parameters: fixture.parameters[0] });

  // The first question, with its default, why, choices and progress.
  await page.locator('#question').waitFor({ state: 'visible' });
  assert.equal(await page.textContent('#question-text'), 'Which instance class should the database use?');
  assert.equal(await page.textContent('#question-default'), 'Default: db.t3.micro');
  assert.equal(await page.textContent('#question-why'), 'The smallest burstable class is enough to start and costs least.');
  assert.equal(await page.textContent('#question-cost'), 'db.t3.medium costs about four times db.t3.micro.');
  assert.deepEqual(await page.locator('#choices button').allTextContents(), ['db.t3.micro', 'db.t3.small', 'db.t3.medium']);
  assert.equal(await page.textContent('#progress-label'), 'Question 1 of about 3');
  assert.equal(await page.locator('#start-form').isVisible(), false);

  // Accept the default: the page posts the action and waits for the turn.
  await page.click('#btn-default');
  assert.deepEqual(await lastPosted(), { type: 'action', action: 'default' });
  assert.equal(await page.locator('#btn-skip').isDisabled(), true, 'buttons wait for the server');
  await deliver({ type: 'turn', turn: turns[1] });
  await deliver({ type: 'parameters', parameters: fixture.parameters[1] });
  assert.equal(await page.locator('#btn-skip').isDisabled(), false);
  assert.equal(await page.textContent('#question-text'), 'Should the database be reachable from the internet?');
  assert.equal(await page.textContent('#summary-count'), '1');

  // An insecure choice: the warning is shown apart, with confirm/decline.
  await page.click('#choices button:text-is("yes")');
  assert.deepEqual(await lastPosted(), { type: 'answer', text: 'yes' });
  await deliver({ type: 'turn', turn: turns[2] });
  const warning = page.locator('.entry.warning');
  await warning.waitFor({ state: 'visible' });
  assert.equal(await warning.count(), 1);
  assert.equal(await warning.locator('.who').textContent(), 'Warning TC-RDS-002');
  assert.match((await warning.locator('.body').textContent()) ?? '', /reached from the whole internet/);
  const [warnBorder, botBorder] = await page.evaluate(() =>
    ['.entry.warning', '.entry.assistant'].map((s) => getComputedStyle(document.querySelector(s)!).borderLeftColor),
  );
  assert.notEqual(warnBorder, botBorder, 'warnings are styled apart from messages');
  assert.equal(await page.locator('#confirm').isVisible(), true);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'warning.png'), fullPage: true });

  await page.click('#btn-decline');
  assert.deepEqual(await lastPosted(), { type: 'action', action: 'decline' });

  // Completion: progress says so, the files are listed, the start form is back.
  await deliver({ type: 'turn', turn: turns[3] });
  await deliver({ type: 'complete', params: { conversation: 'c1', messages: [], files: ['file:///ws/main.tf', 'file:///ws/database.tf'] } });
  await deliver({ type: 'parameters', parameters: fixture.parameters[3] });
  assert.equal(await page.textContent('#progress-label'), 'Complete');
  assert.equal(await page.locator('#question').isVisible(), false);
  assert.deepEqual(await page.locator('#file-list li').allTextContents(), ['/ws/main.tf', '/ws/database.tf']);
  assert.equal(await page.locator('.entry.done').count(), 1);
  assert.equal(await page.locator('#start-form').isVisible(), true);
  await page.click('#summary > summary');
  assert.deepEqual(await page.locator('#parameter-list li').allTextContents(), fixture.parameters[3]);
  await page.screenshot({ path: path.join(SHOTS, 'complete.png'), fullPage: true });

  // Everything the page posted, in order.
  assert.deepEqual(await posted(), [
    { type: 'ready' },
    { type: 'start', request: 'add a postgres database' },
    { type: 'action', action: 'default' },
    { type: 'answer', text: 'yes' },
    { type: 'action', action: 'decline' },
  ]);
});

test('unfinished conversations are offered and a click resumes one', async () => {
  await deliver({
    type: 'resumable',
    conversations: [{ conversation: 'c9', request: 'an s3 bucket for backups', target: 'file:///ws', complete: false, progress: { current: 2, total: 4 } }],
  });
  const offer = page.locator('#resume button');
  await offer.waitFor({ state: 'visible' });
  assert.deepEqual(await offer.allTextContents(), ['Resume: an s3 bucket for backups']);
  await offer.click();
  assert.deepEqual(await lastPosted(), { type: 'resume', conversation: 'c9' });
  assert.equal(await page.locator('#resume').isVisible(), false, 'the offer goes away once taken');
});

test('text from the server is shown as text, never as HTML', async () => {
  await deliver({ type: 'error', message: '<img src=x onerror="window.__pwned=1">' });
  assert.equal(await page.locator('.entry.error img').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
});

test('no CSP violation and no script error happened', async () => {
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.deepEqual(violations, []);
  assert.deepEqual(consoleErrors, []);
});

test('the CSP is live: an injected inline script is blocked', async () => {
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = '(window as any).__inline = 1'.replace('(window as any)', 'window');
    document.body.append(s);
  });
  await page.waitForFunction(() => (window as unknown as { __violations: string[] }).__violations.length > 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline), undefined);
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.match(violations[0], /^script-src/);
});
