// Builds the extension with esbuild: the extension host bundle (dist/extension.js,
// CommonJS, `vscode` external), the panel script (dist/webview.js, for the browser),
// and with --tests the node test files (out/test/*.test.js).
import * as esbuild from 'esbuild';
import { readdirSync } from 'fs';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

await esbuild.build({
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
});
await esbuild.build({
  ...common,
  entryPoints: ['src/webview/main.ts'],
  outfile: 'dist/webview.js',
  platform: 'browser',
  format: 'iife',
  target: 'chrome114',
});
if (process.argv.includes('--tests')) {
  const tests = readdirSync('test').filter((f) => f.endsWith('.test.ts') || f.endsWith('.e2e.ts')).map((f) => `test/${f}`);
  await esbuild.build({
    bundle: true,
    sourcemap: 'inline',
    logLevel: 'warning',
    entryPoints: tests,
    outdir: 'out/test',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Tools with native parts or their own files stay as installed packages.
    // The extension's activation test runs against stand-ins for VS Code's modules.
    alias: { vscode: './test/fakes/vscode.ts', 'vscode-languageclient/node': './test/fakes/languageclient.ts' },
    external: ['playwright-core', 'vscode-jsonrpc', 'vscode-languageserver-protocol', 'esbuild', 'typescript'],
  });
}
