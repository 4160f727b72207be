// The editor mirrors of the protocol must name exactly the methods the server
// declares: the lists in server/lsp/src/protocol.rs (REQUESTS, NOTIFICATIONS,
// COMMANDS) against the TypeScript mirror (src/protocol.ts) and the Lua mirror
// (editors/neovim/lua/terraconverse/protocol.lua, evaluated by Neovim itself).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { allCommands, allNotifications, allRequests } from '../src/protocol';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const RUST = path.join(REPO, 'server', 'lsp', 'src', 'protocol.rs');

/** The string constants and the three method lists of protocol.rs. */
export function rustDeclarations(source: string): Record<'REQUESTS' | 'NOTIFICATIONS' | 'COMMANDS', string[]> {
  // Comments could mention names that are not declared: drop them first.
  const code = source.replace(/\/\/[^\n]*/g, '');
  const constants = new Map<string, string>();
  for (const m of code.matchAll(/pub const ([A-Z_][A-Z0-9_]*): &(?:'static )?str = "([^"]*)";/g)) {
    constants.set(m[1], m[2]);
  }
  const list = (name: string): string[] => {
    const m = code.match(new RegExp(`pub const ${name}: &\\[&(?:'static )?str\\] = &\\[([^\\]]*)\\];`));
    if (!m) throw new Error(`protocol.rs declares no ${name} list`);
    return m[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((item) => {
        if (item.startsWith('"')) return JSON.parse(item) as string;
        const id = item.replace(/^method::/, '');
        const value = constants.get(id);
        if (value === undefined) throw new Error(`${name} names ${item}, which protocol.rs does not define as a string`);
        return value;
      });
  };
  return { REQUESTS: list('REQUESTS'), NOTIFICATIONS: list('NOTIFICATIONS'), COMMANDS: list('COMMANDS') };
}

const sorted = (xs: readonly string[]) => [...xs].sort();

test('the Rust declaration is read correctly (a sample of the parser)', () => {
  const sample = `
    pub mod method { pub const A: &str = "terraconverse/a"; // pub const Z: &str = "no";
      pub const B: &str = "terraconverse/b"; }
    pub const C: &str = "x.c";
    pub const REQUESTS: &[&str] = &[method::A, method::B];
    pub const NOTIFICATIONS: &[&str] = &["terraconverse/n"];
    pub const COMMANDS: &[&str] = &[C];`;
  assert.deepEqual(rustDeclarations(sample), { REQUESTS: ['terraconverse/a', 'terraconverse/b'], NOTIFICATIONS: ['terraconverse/n'], COMMANDS: ['x.c'] });
  assert.throws(() => rustDeclarations('pub const REQUESTS: &[&str] = &[method::GONE];'), /names method::GONE/);
});

test('the TypeScript mirror names exactly the methods protocol.rs declares', () => {
  const rust = rustDeclarations(fs.readFileSync(RUST, 'utf8'));
  assert.ok(rust.REQUESTS.length >= 7, `suspiciously few requests: ${rust.REQUESTS}`);
  assert.deepEqual(sorted(allRequests), sorted(rust.REQUESTS));
  assert.deepEqual(sorted(allNotifications), sorted(rust.NOTIFICATIONS));
  assert.deepEqual(sorted(allCommands), sorted(rust.COMMANDS));
});

test('the Lua mirror names exactly the methods protocol.rs declares', () => {
  const rust = rustDeclarations(fs.readFileSync(RUST, 'utf8'));
  const out = execFileSync(
    'nvim',
    ['--headless', '-u', 'NONE', '--cmd', `set rtp^=${path.join(REPO, 'editors', 'neovim')}`, '-c', 'lua io.stdout:write(vim.fn.json_encode(require("terraconverse.protocol")))', '-c', 'qa!'],
    { encoding: 'utf8', timeout: 20000 },
  );
  const lua = JSON.parse(out) as Record<'requests' | 'notifications' | 'commands', Record<string, string>>;
  assert.deepEqual(sorted(Object.values(lua.requests)), sorted(rust.REQUESTS));
  assert.deepEqual(sorted(Object.values(lua.notifications)), sorted(rust.NOTIFICATIONS));
  assert.deepEqual(sorted(Object.values(lua.commands)), sorted(rust.COMMANDS));
});

/** Struct fields (camelCased as serde sends them) and enum variants of protocol.rs. */
export function rustShapes(source: string): { structs: Map<string, string[]>; enums: Map<string, string[]> } {
  const code = source.replace(/\/\/[^\n]*/g, '');
  const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const structs = new Map<string, string[]>();
  const enums = new Map<string, string[]>();
  const item = /#\[serde\(rename_all = "camelCase"\)\]\s*pub (struct|enum) (\w+) \{([\s\S]*?)\n\}/g;
  for (const m of code.matchAll(item)) {
    const [, kind, name, body] = m;
    if (kind === 'struct') {
      const fields: string[] = [];
      // A flattened field contributes the fields of its type.
      for (const f of body.matchAll(/(#\[serde\(flatten\)\]\s*)?pub (\w+): ([\w<>:]+)/g)) {
        fields.push(f[1] ? `...${f[3]}` : camel(f[2]));
      }
      structs.set(name, fields);
    } else {
      const variants = [...body.matchAll(/^\s*([A-Z]\w*),?\s*$/gm)].map((v) => v[1].charAt(0).toLowerCase() + v[1].slice(1));
      enums.set(name, variants);
    }
  }
  for (const [name, fields] of structs) {
    structs.set(name, fields.flatMap((f) => (f.startsWith('...') ? structs.get(f.slice(3)) ?? [f] : [f])));
  }
  return { structs, enums };
}

test('every wire type of protocol.rs has a TypeScript interface with the same fields', async () => {
  const ts = await import('typescript');
  const file = path.join(__dirname, '..', '..', 'src', 'protocol.ts');
  const program = ts.createProgram([file], { strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file)!;
  const interfaces = new Map<string, string[]>();
  const unions = new Map<string, string[]>();
  ts.forEachChild(sf, (node) => {
    if (ts.isInterfaceDeclaration(node)) {
      const type = checker.getTypeAtLocation(node);
      interfaces.set(node.name.text, checker.getPropertiesOfType(type).map((p) => p.name));
    } else if (ts.isTypeAliasDeclaration(node) && ts.isUnionTypeNode(node.type)) {
      unions.set(node.name.text, node.type.types.filter(ts.isLiteralTypeNode).map((t) => (t.literal as import('typescript').StringLiteral).text));
    }
  });
  const { structs, enums } = rustShapes(fs.readFileSync(RUST, 'utf8'));
  assert.ok(structs.size >= 10, `found only ${structs.size} structs in protocol.rs`);
  const problems: string[] = [];
  for (const [name, fields] of structs) {
    const mirror = interfaces.get(name);
    if (!mirror) problems.push(`protocol.ts has no interface ${name}`);
    else if (sorted(mirror).join() !== sorted(fields).join()) problems.push(`${name}: Rust has ${sorted(fields)}, TypeScript has ${sorted(mirror)}`);
  }
  for (const [name, variants] of enums) {
    const mirror = unions.get(name);
    if (!mirror) problems.push(`protocol.ts has no union type ${name}`);
    else if (sorted(mirror).join() !== sorted(variants).join()) problems.push(`${name}: Rust has ${sorted(variants)}, TypeScript has ${sorted(mirror)}`);
  }
  assert.deepEqual(problems, []);
});

test('the Lua mirror offers exactly the answer actions protocol.rs declares', () => {
  const { enums } = rustShapes(fs.readFileSync(RUST, 'utf8'));
  const out = execFileSync(
    'nvim',
    ['--headless', '-u', 'NONE', '--cmd', `set rtp^=${path.join(REPO, 'editors', 'neovim')}`, '-c', 'lua io.stdout:write(vim.fn.json_encode(require("terraconverse.protocol").actions))', '-c', 'qa!'],
    { encoding: 'utf8', timeout: 20000 },
  );
  assert.deepEqual(sorted(Object.values(JSON.parse(out))), sorted(enums.get('AnswerAction') ?? []));
});
