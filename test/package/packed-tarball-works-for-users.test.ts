import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';

import { installPackedTarball, NPM, type PackedProject, ROOT } from '../support/packed-project.js';

// Users get the package from a tarball, not this tree: pack it, install it into an empty
// project, and use it the ways the README says.
/**
 * Gzipped bytes a page loads up front for `import 'superfone-call-button'` (the entry and
 * what it imports statically), minified. Number handling, detection and call following
 * load later. Deterministic, so enforced, for esbuild and Vite alike.
 */
const ELEMENT_BUDGET_GZIP_BYTES = 15_000;
/** In libphonenumber-js's metadata, not in our code: tells where number handling ended up. */
const PHONE_METADATA_MARKER = /nonGeographic/;

/**
 * The events and each one's first detail field, as the README's events table lists them:
 * what a user reads, so the types are held to it, not to our own list.
 */
const README_EVENTS = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^\| `(superfone-[a-z-]+)` \|[^|]*\| `\{ (\w+)/gm)].map(([, name, field]) => ({
  name: name!,
  field: field!,
}));
const README_CALL_EVENTS = README_EVENTS.filter(({ name }) => name.startsWith('superfone-call-'));
const TAGS = ['superfone-call-button', 'superfone-click-to-call'];

const ENTRY = `import 'superfone-call-button';
import { SuperfoneCallButton, DEFAULT_PROXY_PATH } from 'superfone-call-button';
const element = document.createElement('superfone-call-button');
console.log(element instanceof SuperfoneCallButton, DEFAULT_PROXY_PATH);
`;

describe('the packed tarball, installed into an empty project', () => {
  let packed: PackedProject;
  let project: string;
  let files: string[];

  before(() => {
    packed = installPackedTarball();
    ({ dir: project, files } = packed);
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src/main.js'), ENTRY);
  });
  after(() => packed?.remove());

  it('ships built modules, types and the manifest, not sources or tests', () => {
    for (const expected of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/server/index.js',
      'dist/server/node.js',
      'dist/react/index.js',
      'dist/simulator/index.d.ts',
      'dist/server/cli/cli.js',
      'cdn/superfone-call-button.js',
      'docs/demo.png',
      'docs/demo-call-ended.png',
      'custom-elements.json',
      'README.md',
    ]) {
      assert.ok(files.includes(expected), `${expected} is in the tarball`);
    }
    assert.deepEqual(
      files.filter((file) => /^(src|test|demo)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts'))),
      [],
    );
  });

  it('the templates ship without their wrapping (scripts/html-templates.mjs): no line break reaches a control, in dist/ or the CDN files', () => {
    const installed = join(project, 'node_modules', 'superfone-call-button');
    const shipped = [
      'dist/element/call-button.js',
      'dist/element/calling-chunk.js',
      'dist/element/missed-calls/missed-calls-view.js',
      ...files.filter((file) => /^cdn\/.*\.js$/.test(file)),
    ];
    for (const file of shipped) {
      const code = readFileSync(join(installed, file), 'utf8');
      // A line that starts with a tag or an attribute is a template's wrapping: code never starts a line so.
      assert.doesNotMatch(code, /\n[ \t]*<\/?(button|span|slot|svg|path|section|h2|p|ul|li|time|superfone-call-button)\b/, file);
      assert.doesNotMatch(code, /\n[ \t]*(aria-[a-z]+|part|class|role|\?disabled|d)=/, file);
    }
  });

  it('the README documents every attribute and event the manifest lists', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/superfone-call-button/custom-elements.json'), 'utf8'));
    const declarations = manifest.modules.flatMap((module: any) => module.declarations);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const tagName of ['superfone-call-button', 'superfone-click-to-call']) {
      const element = declarations.find((declaration: any) => declaration.tagName === tagName);
      assert.ok(element, `the manifest describes <${tagName}>`);
      const names = [...(element.attributes ?? []).map((attribute: any) => attribute.name), ...(element.events ?? []).map((event: any) => event.name)];
      assert.ok(names.length >= 7, `manifest lists ${names.join(', ')} for <${tagName}>`);
      for (const name of names) assert.ok(readme.includes(`| \`${name}\` |`), `README has a table row for ${name} of <${tagName}>`);
    }
  });

  it('esbuild bundles `import "superfone-call-button"` within the size budget, detection split off', async () => {
    const result = await esbuild.build({
      absWorkingDir: project,
      entryPoints: ['src/main.js'],
      bundle: true,
      splitting: true,
      minify: true,
      format: 'esm',
      outdir: 'esbuild-dist',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = result.metafile!.outputs;
    const text = (path: string) => result.outputFiles.find((file) => file.path.endsWith(path.replace(/^esbuild-dist/, '')))!.text;
    // What a page loads up front: the entry and what it imports statically.
    const initial = new Set<string>(['esbuild-dist/main.js']);
    for (const path of initial) {
      for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement') initial.add(imported.path);
    }
    const lazy = Object.keys(outputs).filter((path) => path.endsWith('.js') && !initial.has(path));
    const initialCode = [...initial].map(text).join('');
    assert.match(initialCode, /superfone-call-button/);
    assert.doesNotMatch(initialCode, /is not a valid CSS selector list/, 'detection is not in the initial load');
    assert.ok(
      lazy.some((path) => /is not a valid CSS selector list/.test(text(path))),
      'detection is in a lazily loaded chunk',
    );
    assert.doesNotMatch(initialCode, PHONE_METADATA_MARKER, 'number handling is not in the initial load');
    assert.ok(
      lazy.some((path) => PHONE_METADATA_MARKER.test(text(path))),
      'number handling is in a lazily loaded chunk',
    );
    const gzipped = gzipSync(initialCode, { level: 9 }).byteLength;
    const lazyGzipped = gzipSync(lazy.map(text).join(''), { level: 9 }).byteLength;
    console.log(
      `esbuild: up front ${initialCode.length} bytes minified, ${gzipped} bytes gzipped (budget ${ELEMENT_BUDGET_GZIP_BYTES}); later ${lazyGzipped} bytes gzipped (number handling, detection, following)`,
    );
    assert.ok(gzipped <= ELEMENT_BUDGET_GZIP_BYTES, `${gzipped} gzipped bytes is over the ${ELEMENT_BUDGET_GZIP_BYTES} budget`);
  });

  it('Vite builds a page that uses it', async () => {
    writeFileSync(
      join(project, 'index.html'),
      '<!doctype html><superfone-call-button customer-number="+918000000001"></superfone-call-button><script type="module" src="/src/main.js"></script>',
    );
    await viteBuild({ root: project, logLevel: 'silent', configFile: false, build: { outDir: 'vite-dist' } });
    const html = readFileSync(join(project, 'vite-dist/index.html'), 'utf8');
    assert.match(html, /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    const assets = readdirSync(join(project, 'vite-dist/assets')).filter((file) => file.endsWith('.js'));
    const code = (file: string) => readFileSync(join(project, 'vite-dist/assets', file), 'utf8');
    // Up front: the page's script and the chunks it imports statically (`from"./x.js"`).
    const initial = new Set([html.match(/src="\/assets\/(index-[\w-]+\.js)"/)![1]!]);
    for (const file of initial) for (const [, imported] of code(file).matchAll(/from\s*"\.\/([\w.-]+\.js)"/g)) initial.add(imported!);
    const initialCode = [...initial].map(code).join('');
    const gzipped = gzipSync(initialCode, { level: 9 }).byteLength;
    const sizes = assets.map((file) => `${file}: ${gzipSync(code(file), { level: 9 }).byteLength}`);
    console.log(`Vite: up front ${gzipped} bytes gzipped (budget ${ELEMENT_BUDGET_GZIP_BYTES}); chunks gzipped: ${sizes.join(', ')}`);
    assert.ok(
      assets.some((file) => file.startsWith('page-scanner')),
      'detection is its own chunk',
    );
    assert.doesNotMatch(initialCode, PHONE_METADATA_MARKER, 'number handling is not in the initial load');
    assert.ok(gzipped <= ELEMENT_BUDGET_GZIP_BYTES, `${gzipped} gzipped bytes up front is over the ${ELEMENT_BUDGET_GZIP_BYTES} budget`);
  });

  it('webpack bundles it', async () => {
    const stats = await new Promise<webpack.Stats>((resolvePromise, reject) => {
      webpack(
        { mode: 'production', context: project, entry: './src/main.js', output: { path: join(project, 'webpack-dist') }, infrastructureLogging: { level: 'none' } },
        (error, result) => (error ? reject(error) : resolvePromise(result!)),
      );
    });
    assert.equal(stats.hasErrors(), false, stats.toString('errors-only'));
    assert.match(readFileSync(join(project, 'webpack-dist/main.js'), 'utf8'), /superfone-call-button/);
  });

  it('Node imports the proxy, the simulator and the element module', () => {
    const script = `
      import { createSuperfoneProxy, superfoneMiddleware, toNodeListener } from 'superfone-call-button/proxy/node';
      import { startSuperfoneSimulator } from 'superfone-call-button/simulator';
      import { superfoneVitePlugin } from 'superfone-call-button/vite';
      import 'superfone-call-button';
      const running = await startSuperfoneSimulator();
      const proxy = createSuperfoneProxy({ apiKey: running.simulator.apiKey, apiBase: running.apiBase });
      const response = await proxy(new Request('http://localhost/', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ customer_number: '+918000000001', user_number: '+919876543210', call_action: 'START' }) }), { clientAddress: '127.0.0.1' });
      console.log(response.status, typeof superfoneMiddleware, typeof toNodeListener, typeof superfoneVitePlugin);
      await running.close();`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: project, encoding: 'utf8' });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout.trim(), '200 function function function');
  });

  it('TypeScript finds the types without the sources', () => {
    writeFileSync(
      join(project, 'check.ts'),
      `import { SuperfoneCallButton, type CallErrorDetail } from 'superfone-call-button';
import { createSuperfoneProxy } from 'superfone-call-button/proxy';
const element: SuperfoneCallButton = document.createElement('superfone-call-button');
element.addEventListener('superfone-call-error', (event) => { const detail: CallErrorDetail = event.detail; console.log(detail.code); });
createSuperfoneProxy({ apiKey: 'k', authorize: () => '+919876543210' });
// The README's Tamil: one typed catalogue, built on the shipped English one.
import { registerMessages, type CallButtonMessages } from 'superfone-call-button';
import { messages as english } from 'superfone-call-button/messages/en';
const tamil: CallButtonMessages = { ...english, call: 'அழை', callNumber: (number) => number + ' ஐ அழை' };
registerMessages('ta', tamil);
// @ts-expect-error a catalogue missing keys does not compile
export const broken: CallButtonMessages = { call: 'Dial' };
// Each tag is its class, and each event the README lists is typed with its own detail on addEventListener.
import { SuperfoneClickToCall, SuperfoneMissedCalls } from 'superfone-call-button';
export const scope: SuperfoneClickToCall | null = document.querySelector('superfone-click-to-call');
export const missed: SuperfoneMissedCalls = document.createElement('superfone-missed-calls');
${README_EVENTS.map(
  ({ name, field }) => `document.addEventListener('${name}', (event) => console.log(event.detail.${field}));
// @ts-expect-error: ${name}'s detail has no such field.
document.addEventListener('${name}', (event) => console.log(event.detail.notAField));`,
).join('\n')}
`,
    );
    assert.equal(README_EVENTS.length, 8, 'the README lists eight events');
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = spawnSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--lib',
        'es2022,dom',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        'check.ts',
      ],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  /** One line of TSX per call event on each tag, joined; `index` names each one apart. */
  function everyTagEvent(line: (tag: string, event: (typeof README_CALL_EVENTS)[number], index: number) => string) {
    return TAGS.flatMap((tag) => README_CALL_EVENTS.map((event) => [tag, event] as const))
      .map(([tag, event], index) => line(tag, event, index))
      .join('\n');
  }

  /** Type-checks `source` as TSX in `dir` against the React types installed there; strict unless `strict` is false. */
  function typeCheckTsx(dir: string, source: string, strict = true) {
    writeFileSync(join(dir, 'check.tsx'), source);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    return spawnSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        ...(strict ? ['--strict'] : []),
        '--skipLibCheck',
        '--jsx',
        'react-jsx',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--lib',
        'es2022,dom',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        'check.tsx',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
  }

  it('React: the wrapper’s props and event props are typed, and the tags type-check in TSX (React 19 JSX)', () => {
    // @types/react arrives with the package: @lit/react asks for it as a peer.
    assert.match(readFileSync(join(project, 'node_modules/@types/react/package.json'), 'utf8'), /"version": "19\./);
    // Every call event on both tags: its handler's event is typed with its own detail (strict, so an untyped one fails).
    assert.equal(README_CALL_EVENTS.length, 7, 'the README lists seven call events');
    const result = typeCheckTsx(
      project,
      `import { SuperfoneCallButton, SuperfoneClickToCall } from 'superfone-call-button/react';
export const viaWrapper = (
  <SuperfoneClickToCall agentNumber="+919876543210" detect onCallEnded={(event) => console.log(event.detail.reason)}>
    <SuperfoneCallButton customerNumber="+918000000001" onCallStarted={(event) => console.log(event.detail.customerNumber)} />
  </SuperfoneClickToCall>
);
export const viaTags = (
  <superfone-click-to-call agent-number="+919876543210" detect onsuperfone-call-ended={(event) => console.log(event.detail.reason)}>
    <superfone-call-button customer-number="+918000000001" onsuperfone-call-error={(event) => console.log(event.detail.code)} />
  </superfone-click-to-call>
);
${everyTagEvent(
  (tag, { name, field }, index) => `export const typed${index} = <${tag} on${name}={(event) => console.log(event.detail.${field})} />;
// @ts-expect-error: ${name}'s detail has no such field.
export const untyped${index} = <${tag} on${name}={(event) => console.log(event.detail.notAField)} />;`,
)}
// @ts-expect-error: a number where the attribute takes text.
export const wrongType = <superfone-call-button customer-number={918000000001} />;
// @ts-expect-error: the wrapper's props are the element's properties.
export const unknownProp = <SuperfoneCallButton customerNumbr="+918000000001" />;
`,
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('React 18: the tags offer no onsuperfone-* props (React 18 would set them as attributes, never call them); the wrappers’ event props are typed', () => {
    // A project on React 18's types, as a React 18 app has: the tarball and @types/react@18.
    const react18 = join(project, 'react18-app');
    mkdirSync(react18);
    writeFileSync(join(react18, 'package.json'), JSON.stringify({ name: 'react18-app', private: true, type: 'module' }));
    const install = spawnSync(NPM, ['install', packed.tarball, '@types/react@18', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: react18,
      encoding: 'utf8',
    });
    assert.equal(install.status, 0, install.stderr);
    assert.match(readFileSync(join(react18, 'node_modules/@types/react/package.json'), 'utf8'), /"version": "18\./);
    const result = typeCheckTsx(
      react18,
      `import { SuperfoneCallButton, SuperfoneClickToCall } from 'superfone-call-button/react';
export const viaWrapper = (
  <SuperfoneClickToCall agentNumber="+919876543210" detect onCallEnded={(event) => console.log(event.detail.reason)}>
    <SuperfoneCallButton customerNumber="+918000000001" onCallStarted={(event) => console.log(event.detail.customerNumber)} />
  </SuperfoneClickToCall>
);
export const tagAttributes = <superfone-call-button customer-number="+918000000001" agent-number="+919876543210" />;
// @ts-expect-error: React 18 never calls an event prop on a custom element's tag.
export const tagEventOnButton = <superfone-call-button customer-number="+918000000001" onsuperfone-call-error={(event) => console.log(event)} />;
// @ts-expect-error: nor on the scope's.
export const tagEventOnScope = <superfone-click-to-call detect onsuperfone-call-started={(event) => console.log(event)} />;
// @ts-expect-error: refused for what it is, not for an untyped parameter: a handler that takes none.
export const tagEventNoParameter = <superfone-call-button customer-number="+918000000001" onsuperfone-call-started={() => console.log('started')} />;
${everyTagEvent(
  (tag, { name }, index) => `// @ts-expect-error: React 18 never calls ${name} on ${tag}.
export const refused${index} = <${tag} on${name}={() => undefined} />;`,
)}
`,
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    // A project that is not strict (no noImplicitAny) gets the same refusals: each @ts-expect-error must still find its error.
    const loose = typeCheckTsx(
      react18,
      `import 'superfone-call-button/react';
export const tagEvent = <superfone-call-button customer-number="+918000000001" onsuperfone-call-error={(event) => console.log(event)} />;
export const scopeEvent = <superfone-click-to-call detect onsuperfone-call-ended={(event: CustomEvent) => console.log(event.detail)} />;
export const noParameter = <superfone-call-button onsuperfone-call-started={() => undefined} />;
${everyTagEvent((tag, { name }, index) => `export const loose${index} = <${tag} on${name}={(event) => console.log(event)} />;`)}
`,
      false,
    );
    assert.notEqual(loose.status, 0, 'a non-strict project must not compile an event prop React 18 never calls');
    const refused = (loose.stdout.match(/check\.tsx\(\d+,\d+\): error TS2322/g) ?? []).length;
    assert.equal(refused, 3 + README_CALL_EVENTS.length * TAGS.length, loose.stdout);
  });

  it('npx superfone-proxy runs', () => {
    const result = spawnSync(NPM, ['exec', '--offline', '--', 'superfone-proxy', '--help'], { cwd: project, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Usage: superfone-proxy/);
    const missingKey = spawnSync(NPM, ['exec', '--offline', '--', 'superfone-proxy'], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.equal(missingKey.status, 2);
  });
});
