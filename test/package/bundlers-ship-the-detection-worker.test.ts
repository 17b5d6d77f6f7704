// Detection parses off-screen numbers in a worker, started with `new Worker(new URL(…,
// import.meta.url))`. Vite and webpack see that pattern in the installed package and ship the
// worker; with esbuild, the README has users add it as an entry point. Each page is built
// from the packed tarball, opened in Chromium, and must start the worker and find every
// number of a 1,000-row table.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as esbuild from 'esbuild';
import type { Browser } from 'playwright';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';

import { launchChromium } from '../support/chromium.mjs';
import { installPackedTarball, type PackedProject, readmeRecipe } from '../support/packed-project.js';

const ROWS = 1000;
const TABLE = `<superfone-click-to-call detect agent-number="+919876543210"><table><tbody>${Array.from(
  { length: ROWS },
  (_, index) => `<tr><td>Lead ${index}</td><td>98450 ${String(index).padStart(5, '0')}</td><td>INV-2024-${String(index).padStart(6, '0')}</td></tr>`,
).join('')}</tbody></table></superfone-click-to-call>`;

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(join(dir, path.endsWith('/') ? `${path}index.html` : path));
      res.writeHead(200, { 'Content-Type': extname(path) === '.js' ? 'text/javascript' : 'text/html' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('bundlers ship the detection worker, from the packed tarball', { timeout: 180_000 }, () => {
  let packed: PackedProject;
  let browser: Browser;

  before(async () => {
    packed = installPackedTarball();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    packed?.remove();
  });

  async function detectsInWorker(dir: string): Promise<void> {
    const server = await serve(dir);
    const page = await browser.newPage();
    const errors: string[] = [];
    const workers: string[] = [];
    try {
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('worker', (worker) => workers.push(worker.url()));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const { found, loaded } = await page.evaluate(async () => {
        await customElements.whenDefined('superfone-click-to-call');
        const scope = document.querySelector('superfone-click-to-call') as HTMLElement & { scanComplete(): Promise<void>; scanStats: { numbersFound: number } };
        await scope.scanComplete();
        const scripts = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        return { found: scope.scanStats.numbersFound, loaded: scripts.filter((entry) => entry.responseStatus === 200).map((entry) => entry.name) };
      });
      assert.equal(found, ROWS);
      // The page starts no worker of its own; webpack names the worker's file by a chunk id.
      assert.equal(workers.length, 1, `workers started: ${workers.join(', ')}`);
      assert.ok(loaded.includes(workers[0]!), `the worker's script ${workers[0]} loaded (found: ${loaded.join(', ')})`);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      server.closeAllConnections();
      server.close();
    }
  }

  it('Vite', async () => {
    const dir = join(packed.dir, 'vite-app');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.js'), "import 'superfone-call-button';\n");
    writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8">${TABLE}<script type="module" src="/main.js"></script>`);
    await viteBuild({ root: dir, logLevel: 'silent', configFile: false, build: { outDir: 'dist' } });
    await detectsInWorker(join(dir, 'dist'));
  });

  it('webpack', async () => {
    const dir = join(packed.dir, 'webpack-app');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.js'), "import 'superfone-call-button';\n");
    const stats = await new Promise<webpack.Stats>((resolve, reject) => {
      webpack({ mode: 'production', context: dir, entry: './main.js', output: { path: join(dir, 'dist') }, infrastructureLogging: { level: 'none' } }, (error, result) =>
        error ? reject(error) : resolve(result!),
      );
    });
    assert.equal(stats.hasErrors(), false, stats.toString('errors-only'));
    writeFileSync(join(dir, 'dist/index.html'), `<!doctype html><meta charset="utf-8">${TABLE}<script src="/main.js"></script>`);
    await detectsInWorker(join(dir, 'dist'));
  });

  it('esbuild, with the worker added as the README says', async () => {
    const dir = join(packed.dir, 'esbuild-app');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.js'), "import 'superfone-call-button';\n");
    // The worker's entry, as the README's esbuild recipe names it.
    const [, name, module] = /'(number-search-worker)': '([^']+)'/.exec(readmeRecipe('esbuild-worker'))!;
    await esbuild.build({
      entryPoints: { main: './main.js', [name!]: module! },
      absWorkingDir: dir,
      bundle: true,
      splitting: true,
      format: 'esm',
      minify: true,
      outdir: join(dir, 'dist'),
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'dist/index.html'), `<!doctype html><meta charset="utf-8">${TABLE}<script type="module" src="/main.js"></script>`);
    await detectsInWorker(join(dir, 'dist'));
  });
});
