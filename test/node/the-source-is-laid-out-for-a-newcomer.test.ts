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
  return (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[])
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))
    .map((path) => join('src', path));
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
    const base = heading[1]!.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/ /g, '-');
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
