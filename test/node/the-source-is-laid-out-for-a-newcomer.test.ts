// The layout rules a newcomer relies on (docs/architecture.md), read from the source as the
// TypeScript compiler reads its imports: static, type-only and dynamic ones alike.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

import ts from 'typescript';

import { documentation } from '../support/packed-project.js';

const ROOT = resolve(import.meta.dirname, '../..');

function sourceFiles(): string[] {
  return (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[]).filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts')).map((path) => join('src', path));
}

/** Each source file → the source files it imports, by any kind of import. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(ROOT, resolve(ROOT, dirname(file), name.replace(/\.js$/, '.ts'))))
      .filter((target) => existsSync(join(ROOT, target)));
    graph.set(file, targets);
  }
  return graph;
}

type ImportKind = 'value' | 'type' | 'dynamic';

/** Each source file's imports of other source files, each with how it imports: a value, a type only, or dynamically (loaded only when used). */
function importsByKind(): Array<{ file: string; target: string; kind: ImportKind }> {
  const found: Array<{ file: string; target: string; kind: ImportKind }> = [];
  for (const file of sourceFiles()) {
    const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const add = (specifier: ts.Expression | undefined, kind: ImportKind) => {
      if (!specifier || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return;
      const target = relative(ROOT, resolve(ROOT, dirname(file), specifier.text.replace(/\.js$/, '.ts')));
      if (existsSync(join(ROOT, target))) found.push({ file, target, kind });
    };
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ? 'type' : 'value');
      else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly ? 'type' : 'value');
      else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, 'type');
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], 'dynamic');
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** A file's folder, as the rules name them: `server/core`, `server/adapters`, `server/cli`, `server` (its entries), else the top folder under src/, or `index` for src/index.ts. */
function folderOf(file: string): string {
  const parts = file.split('/').slice(1);
  if (parts[0] === 'server') return parts.length > 2 ? `server/${parts[1]}` : 'server';
  return parts.length > 1 ? parts[0]! : 'index';
}

/**
 * What each folder may import besides itself, and why. A target is a folder (anything in it) or a
 * file (that one only: a front door). `lazily` targets may be imported by type or dynamically only.
 */
const LAYOUT: Record<string, { may: string[]; lazily?: string[] }> = {
  shared: { may: [] },
  client: { may: ['shared'] },
  element: { may: ['client', 'shared'] },
  scope: { may: ['element', 'client', 'shared'] },
  index: { may: ['element', 'scope', 'client', 'shared'] },
  react: { may: ['index', 'element', 'scope', 'shared'] },
  // The extension through front doors only: the client, the words and the view, and detection.
  extension: { may: ['shared', 'src/client/index.ts', 'src/element/view/index.ts', 'scope/detection'] },
  'server/core': { may: ['shared'] },
  'server/adapters': { may: ['src/server/core/index.ts', 'shared'], lazily: ['simulator'] },
  'server/cli': { may: ['server/adapters', 'src/server/core/index.ts', 'shared'], lazily: ['simulator'] },
  server: { may: ['server/adapters', 'src/server/core/index.ts', 'shared'] },
  // node:http's way of letting go of a refused body, the one piece both servers share (shared/ is typed for browsers too).
  simulator: { may: ['shared', 'src/server/adapters/linger-then-close.ts'] },
};

/** The rules an import breaks: none when its folder may import its target (lazily, where it must be lazy). */
function brokenRule(file: string, target: string, kind: ImportKind): string | null {
  const from = folderOf(file);
  const to = folderOf(target);
  if (from === to) return null;
  const rule = LAYOUT[from];
  if (!rule) return `${from}/ has no layout rule`;
  const matches = (allowed: string) => (allowed.startsWith('src/') ? target === allowed : to === allowed || target.startsWith(`src/${allowed}/`));
  if (rule.may.some(matches)) return null;
  if (rule.lazily?.some(matches)) return kind === 'value' ? `${from}/ may load ${to}/ only by type or dynamically` : null;
  return `${from}/ may import only ${[...rule.may, ...(rule.lazily ?? []).map((lazy) => `${lazy} (lazily)`)].join(', ') || 'itself'}`;
}

/** Every cycle a depth-first walk meets, as the chain of files that closes it. */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') found.push([...path.slice(path.indexOf(target)), target].join(' → '));
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/ /g, '-');
    let anchor = base;
    for (let repeat = 1; anchors.has(anchor); repeat++) anchor = `${base}-${repeat}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Every relative link of a Markdown text (code blocks left out): `[text](target)`. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}

describe('the source is laid out for a newcomer', () => {
  it('has no import cycle among its files, type-only and dynamic imports included', () => {
    const graph = importGraph();
    assert.ok(graph.size > 80, `${graph.size} source files read`);
    assert.ok(graph.get(join('src', 'element', 'messages.ts'))!.length > 0, 'imports are read');
    assert.deepEqual(cycles(graph), []);
  });

  it('each folder imports only what its layout rule allows: the extension through front doors, the simulator and the server apart', () => {
    const imports = importsByKind();
    assert.ok(
      imports.some(({ file, kind }) => file === join('src', 'server', 'adapters', 'node-proxy.ts') && kind === 'dynamic'),
      'dynamic imports are read',
    );
    assert.ok(
      imports.some(({ kind }) => kind === 'type'),
      'type-only imports are read',
    );
    const folders = new Set(sourceFiles().map(folderOf));
    assert.deepEqual(
      [...folders].filter((folder) => !LAYOUT[folder]),
      [],
      'every folder has a rule',
    );
    const broken = imports.flatMap(({ file, target, kind }) => {
      const rule = brokenRule(file, target, kind);
      return rule ? [`${file} → ${target} (${kind}): ${rule}`] : [];
    });
    assert.deepEqual(broken, []);
  });

  it('the layout rule names what it refuses: a forbidden import from each folder is caught', () => {
    const planted: Array<[string, string, ImportKind]> = [
      ['src/shared/protocol.ts', 'src/element/messages.ts', 'value'],
      ['src/client/call-client.ts', 'src/element/messages.ts', 'value'],
      ['src/element/call-session.ts', 'src/scope/click-to-call-scope.ts', 'value'],
      ['src/scope/click-to-call-scope.ts', 'src/server/core/index.ts', 'type'],
      ['src/extension/content-script.ts', 'src/element/view/call-view.ts', 'value'],
      ['src/extension/agent-calls.ts', 'src/client/call-client.ts', 'value'],
      ['src/server/core/proxy.ts', 'src/server/adapters/node-adapter.ts', 'value'],
      ['src/server/adapters/node-proxy.ts', 'src/server/core/proxy.ts', 'value'],
      ['src/server/adapters/node-proxy.ts', 'src/simulator/simulated-upstream.ts', 'value'],
      ['src/server/cli/cli.ts', 'src/simulator/simulated-upstream.ts', 'value'],
      ['src/simulator/simulator.ts', 'src/server/core/index.ts', 'value'],
      ['src/react/index.ts', 'src/server/index.ts', 'type'],
    ];
    for (const [file, target, kind] of planted) assert.ok(brokenRule(file, target, kind), `${file} → ${target} (${kind}) is refused`);
    assert.match(
      brokenRule('src/extension/content-script.ts', 'src/element/view/call-view.ts', 'value')!,
      /^extension\/ may import only shared, src\/client\/index\.ts, src\/element\/view\/index\.ts, scope\/detection$/,
    );
    assert.equal(
      brokenRule('src/server/adapters/node-proxy.ts', 'src/simulator/simulated-upstream.ts', 'value'),
      'server/adapters/ may load simulator/ only by type or dynamically',
    );
    assert.equal(brokenRule('src/server/adapters/node-proxy.ts', 'src/simulator/simulated-upstream.ts', 'dynamic'), null);
  });

  it('the core runs on Fetch alone, and everything outside it uses its public API (core/index.ts) only', () => {
    const graph = importGraph();
    const core = join('src', 'server', 'core');
    const publicApi = join(core, 'index.ts');
    const reachingIn = [...graph].flatMap(([file, targets]) =>
      file.startsWith(core) ? [] : targets.filter((target) => target.startsWith(core) && target !== publicApi).map((target) => `${file} → ${target}`),
    );
    assert.ok(graph.get(join('src', 'server', 'adapters', 'node-adapter.ts'))!.includes(publicApi), 'the Node adapter is read, and uses the public API');
    assert.deepEqual(reachingIn, []);
    const coreReachingOut = [...graph].flatMap(([file, targets]) =>
      file.startsWith(core) ? targets.filter((target) => !target.startsWith(core) && !target.startsWith(join('src', 'shared'))).map((target) => `${file} → ${target}`) : [],
    );
    assert.deepEqual(coreReachingOut, [], 'the core imports only itself and shared/');
  });

  it('test/node mirrors the source folders: each folder of tests is one of src/, and only the project-wide checks stay at its root', () => {
    const testsAt = join(ROOT, 'test', 'node');
    const entries = readdirSync(testsAt, { recursive: true, withFileTypes: true });
    const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => relative(testsAt, join(entry.parentPath, entry.name)));
    assert.ok(folders.includes(join('server', 'core')), folders.join(', '));
    assert.deepEqual(
      folders.filter((folder) => !existsSync(join(ROOT, 'src', folder))),
      [],
    );
    const atRoot = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts') && entry.parentPath === testsAt).map((entry) => entry.name);
    assert.deepEqual(atRoot.sort(), [
      'every-readme-snippet-is-run.test.ts',
      'lost-test-results-are-run-again.test.ts',
      'templates-ship-without-their-wrapping.test.ts',
      'test-browser-is-found-or-explained.test.ts',
      'the-source-is-laid-out-for-a-newcomer.test.ts',
    ]);
  });

  it('docs/architecture.md finds each behaviour’s code and its tests: every file and every test it names exists', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const rows = doc
      .slice(doc.indexOf('| behaviour | file | tested by'))
      .split('\n')
      .slice(2)
      .filter((line) => line.startsWith('| '));
    assert.ok(rows.length > 80, `${rows.length} behaviours`);
    const problems: string[] = [];
    for (const row of rows) {
      const cells = row.split(' | ');
      const [files, tests] = [cells.at(-2)!, cells.at(-1)!];
      const named = [...tests.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
      if (named.length === 0) problems.push(`no test named: ${row.slice(0, 60)}`);
      for (const test of named) if (!existsSync(join(ROOT, 'test', `${test}.test.ts`))) problems.push(`no test/${test}.test.ts`);
      for (const [, file] of files.matchAll(/`((?:src|scripts)\/[^`*]+)`/g)) if (!existsSync(join(ROOT, file!))) problems.push(`no ${file}`);
    }
    assert.deepEqual(problems, []);
  });

  it('docs/architecture.md leads to every source file: each is named in a row, by its path, its folder or a `*.ts` of its folder', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const table = doc.slice(doc.indexOf('| behaviour | file | tested by'));
    // Paths as the rows write them: whole (`src/…`), or short after a whole one in the same cell (`core/webhook-route.ts`, `options.html`).
    const named = [...table.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
    const found = (file: string) => {
      const folder = file.slice(0, file.lastIndexOf('/') + 1);
      const short = (path: string) => path.split('/').some((_, index, parts) => named.includes(parts.slice(index).join('/')));
      return named.includes(file) || named.includes(folder) || named.includes(`${folder}*.ts`) || short(file.replace(/^src\//, ''));
    };
    const unnamed = sourceFiles().filter((file) => !file.endsWith('.d.ts') && !found(file));
    assert.deepEqual(unnamed, []);
  });

  it('has no source file over 400 lines', () => {
    const long = sourceFiles()
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    assert.deepEqual(long, []);
  });

  it('copies kept apart for bytes up front stay equal: the detection mark attribute, the walk out through shadow roots', () => {
    const source = (file: string) => readFileSync(join(ROOT, 'src', file), 'utf8');
    // The element names slotted marks by the attribute detection sets; importing it would split a chunk onto every page.
    const inElement = /const DETECTED_ATTRIBUTE = '([^']+)'/.exec(source('element/call-button.ts'))?.[1];
    const inDetection = /export const DETECTED = '([^']+)'/.exec(source('scope/detection/call-links.ts'))?.[1];
    assert.ok(inElement && inDetection);
    assert.equal(inElement, inDetection);
    // The announcer's modal lookup walks out through shadow roots as languageOf does.
    const walk = (text: string) => /for \(let at: Element \| null = \w+; at; at = (.+)\) \{/.exec(text)?.[1];
    assert.ok(walk(source('element/page-language.ts')));
    assert.equal(walk(source('element/view/announcer.ts')), walk(source('element/page-language.ts')));
  });

  it('the README is read in one sitting: at most 450 lines, with a table of contents', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const lines = readme.split('\n').length;
    console.log(`README.md: ${lines} lines`);
    assert.ok(lines <= 450, `${lines} lines`);
    assert.match(readme, /^## Contents$/m);
  });

  it('every relative link of the README and of docs/ resolves: the file exists, and the heading it points to', () => {
    const documents = documentation();
    const anchors = new Map(documents.map(({ path, text }) => [path, anchorsOf(text)]));
    const broken: string[] = [];
    let checked = 0;
    for (const { path, text } of documents) {
      for (const link of relativeLinks(text)) {
        const [file, anchor] = link.split('#') as [string, string | undefined];
        const target = file ? relative(ROOT, resolve(ROOT, dirname(path), file)) : path;
        checked += 1;
        if (!existsSync(join(ROOT, target))) broken.push(`${path}: ${link} (no ${target})`);
        else if (anchor && target.endsWith('.md') && !anchors.get(target)?.has(anchor)) broken.push(`${path}: ${link} (no heading #${anchor} in ${target})`);
      }
    }
    assert.ok(checked > 30, `${checked} links checked`);
    assert.deepEqual(broken, []);
  });
});
