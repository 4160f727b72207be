/**
 * The chat page's HTML. A strict Content Security Policy: nothing loads by default;
 * styles only from the extension's own files; scripts only with this page's nonce (no
 * inline script, no eval, no inline event handlers); no network at all. Pure, so the
 * browser test renders exactly what VS Code would show.
 */

export interface PageOptions {
  /** `webview.cspSource`: the origin VS Code serves the extension's files from. */
  cspSource: string;
  /** A fresh random nonce for each render. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

/** The Content-Security-Policy of the page. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A nonce of 32 characters from a cryptographic source. */
export function makeNonce(random: (n: number) => Uint8Array): string {
  return Array.from(random(24), (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 32);
}

export function pageHtml(o: PageOptions): string {
  if (!/^[A-Za-z0-9]+$/.test(o.nonce)) throw new Error('the nonce must be alphanumeric');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>TerraConverse</title>
</head>
<body>
<main id="app" aria-live="polite">
  <header class="progress" id="progress" hidden>
    <span id="progress-label"></span>
    <div class="bar"><div class="fill" id="progress-fill"></div></div>
  </header>
  <ol class="transcript" id="transcript" aria-label="Conversation"></ol>
  <section class="question" id="question" hidden aria-label="Current question">
    <p class="text" id="question-text"></p>
    <p class="why" id="question-why"></p>
    <p class="default" id="question-default"></p>
    <p class="cost" id="question-cost"></p>
    <div class="choices" id="choices"></div>
    <div class="confirm" id="confirm" hidden>
      <button type="button" id="btn-confirm" class="danger">Keep it anyway</button>
      <button type="button" id="btn-decline">Choose something safer</button>
    </div>
    <form id="answer-form" class="answer">
      <input id="answer-input" type="text" autocomplete="off" aria-label="Your answer">
      <button type="submit" id="btn-send">Send</button>
    </form>
    <div class="actions">
      <button type="button" id="btn-default">Accept default</button>
      <button type="button" id="btn-skip">Skip</button>
      <button type="button" id="btn-back">Back</button>
      <button type="button" id="btn-all-defaults">Accept all defaults</button>
      <button type="button" id="btn-cancel" class="secondary">Cancel</button>
    </div>
  </section>
  <section class="conflicts" id="conflicts" hidden aria-label="Blocks you changed"></section>
  <section class="files" id="files" hidden aria-label="Files written">
    <h2>Files written</h2>
    <ul id="file-list"></ul>
  </section>
  <details class="summary" id="summary" hidden>
    <summary>Collected parameters (<span id="summary-count">0</span>)</summary>
    <ul id="parameter-list"></ul>
  </details>
  <section class="resume" id="resume" hidden aria-label="Unfinished conversations">
    <h2>Unfinished conversations</h2>
    <div id="resume-list"></div>
  </section>
  <form id="start-form" class="start">
    <label for="start-input">What do you want to build?</label>
    <textarea id="start-input" rows="2" placeholder="a web server with a Postgres database in Frankfurt"></textarea>
    <button type="submit" id="btn-start">Start</button>
  </form>
</main>
<script nonce="${o.nonce}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
