// Packages the extension into a .vsix: a production build (minified, no source maps),
// then @vscode/vsce. With --server PATH the binary is bundled as bin/terraconverse and
// the package is marked for one platform (--target, default linux-x64), so the
// extension works without anything on PATH. Prints the package's size.
//
//   node scripts/package.mjs [--out FILE] [--server PATH [--target linux-x64]]
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const out = resolve(opt('--out', join(root, 'terraconverse.vsix')));
const server = opt('--server');
const target = opt('--target', 'linux-x64');

const bin = join(root, 'bin');
rmSync(bin, { recursive: true, force: true });
if (server) {
  if (!existsSync(server)) {
    console.error(`--server ${server}: no such file; build it with cargo build --release -p terraconverse`);
    process.exit(2);
  }
  mkdirSync(bin);
  const name = target.startsWith('win32') ? 'terraconverse.exe' : 'terraconverse';
  copyFileSync(server, join(bin, name));
  chmodSync(join(bin, name), 0o755);
}
const run = (cmd, argv) => execFileSync(cmd, argv, { cwd: root, stdio: 'inherit' });
run(process.execPath, ['build.mjs', '--production']);
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out, ...(server ? ['--target', target] : [])]);
if (server) rmSync(bin, { recursive: true, force: true });
console.log(`${out}: ${statSync(out).size} bytes${server ? ` (${target}, server bundled)` : ''}`);
