// npm run bench (first part): what a page loads up front for `import 'superfone-call-button'`,
// bundled from dist/ (what the package ships) by esbuild and by Vite, beside Lit alone, which
// any Lit element pays. Gzip level 9, as the package test that enforces the budget measures.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';

import { cdnUpFront } from '../test/support/cdn-up-front.js';

const BUDGET = 15_000;
const root = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'superfone-bench-size-'));
const gz = (text: string) => gzipSync(text, { level: 9 }).byteLength;

/** esbuild with splitting: the entry and the chunks it imports statically. */
async function esbuildUpFront(entry: string): Promise<{ upFront: number; later: number }> {
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: root, loader: 'js' },
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    outdir: join(work, 'esbuild'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile!.outputs;
  const entryPath = Object.keys(outputs).find((path) => outputs[path]!.entryPoint === '<stdin>')!;
  const initial = new Set([entryPath]);
  for (const path of initial) for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement') initial.add(imported.path);
  const text = (path: string) => result.outputFiles.find((file) => file.path.endsWith(path.replace(/^.*?esbuild/, '')))!.text;
  const all = Object.keys(outputs).filter((path) => path.endsWith('.js'));
  return {
    upFront: gz([...initial].map(text).join('')),
    later: gz(
      all
        .filter((path) => !initial.has(path))
        .map(text)
        .join(''),
    ),
  };
}

async function viteUpFront(): Promise<number> {
  const project = join(work, 'vite');
  writeFileSync(join(work, 'main.js'), `import ${JSON.stringify(join(root, 'dist/index.js'))};`);
  writeFileSync(join(work, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
  await viteBuild({ root: work, logLevel: 'silent', configFile: false, build: { outDir: project } });
  const code = (file: string) => readFileSync(join(project, 'assets', file), 'utf8');
  const html = readFileSync(join(project, 'index.html'), 'utf8');
  const initial = new Set([/assets\/(index-[\w-]+\.js)/.exec(html)![1]!]);
  for (const file of initial) for (const [, imported] of code(file).matchAll(/from\s*"\.\/([\w.-]+\.js)"/g)) initial.add(imported!);
  return gz([...initial].map(code).join(''));
}

try {
  const ours = await esbuildUpFront(`import ${JSON.stringify(join(root, 'dist/index.js'))};`);
  const lit = await esbuildUpFront(
    `import { LitElement, html, css } from 'lit'; customElements.define('x-lit', class extends LitElement { static styles = css\`:host{display:block}\`; render() { return html\`<button>Call</button>\`; } });`,
  );
  const vite = await viteUpFront();
  console.log('import "superfone-call-button", gzipped, up front (budget 15,000 bytes, enforced in npm test):');
  console.log(
    `  esbuild, splitting on   ${ours.upFront.toLocaleString('en').padStart(7)} bytes   (${(ours.upFront / BUDGET).toFixed(2)}× the budget; ${ours.later.toLocaleString('en')} bytes later: number handling, detection, following)`,
  );
  console.log(`  Vite                    ${vite.toLocaleString('en').padStart(7)} bytes   (${(vite / BUDGET).toFixed(2)}× the budget)`);
  console.log(
    `  Lit alone, one element  ${lit.upFront.toLocaleString('en').padStart(7)} bytes   (ours is ${(ours.upFront / lit.upFront).toFixed(1)}× the floor any Lit element pays)`,
  );
  // The CDN folder (built by npm run build): one script tag, the entry and what it imports statically.
  const cdn = cdnUpFront(resolve('cdn'));
  console.log(`<script type="module" src="…/cdn/superfone-call-button.js">, gzipped, before anything draws (budget 20,000 bytes, enforced in npm test):`);
  console.log(
    `  ${cdn.files.length} files              ${cdn.gzipBytes.toLocaleString('en').padStart(7)} bytes   (${(cdn.gzipBytes / 20_000).toFixed(2)}× the budget; ${(cdn.gzipBytes / lit.upFront).toFixed(1)}× Lit alone; ${(cdn.gzipBytes / ours.upFront).toFixed(2)}× the esbuild bundle's)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
