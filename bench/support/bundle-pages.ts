// The benches' page server: the production bundle built into a temporary folder, split as
// users' bundlers split it, and served on loopback beside pages the bench writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';

import * as esbuild from 'esbuild';

import { templateMinifierPlugin } from '../../scripts/html-templates.mjs';

export interface BundlePages {
  /** `http://127.0.0.1:<port>/`; the bundle's entry is `/element.js`. */
  base: string;
  close(): void;
}

/** `page(path)` answers with a page's HTML, or `undefined` for a file of the bundle. */
export async function serveBundlePages(
  page: (path: string) => string | undefined,
  options: { minify?: boolean; /** More modules to bundle and serve, as `/<name>.js`. */ entries?: Record<string, string> } = {},
): Promise<BundlePages> {
  const outdir = mkdtempSync(join(tmpdir(), 'superfone-bench-'));
  await esbuild.build({
    // The number search worker as its own entry, beside the chunk that starts it: what an
    // esbuild user adds (esbuild leaves `new Worker(new URL(…))` for the page to resolve).
    entryPoints: { element: 'src/index.ts', 'number-search-worker': 'src/scope/detection/number-search-worker.ts', ...options.entries },
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: options.minify ?? true,
    outdir,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    conditions: ['production'],
    plugins: [templateMinifierPlugin],
  });
  const server = createServer((req, res) => {
    const html = page(req.url ?? '/');
    if (html !== undefined) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end(html);
    }
    try {
      const body = readFileSync(join(outdir, req.url!.slice(1)));
      res.writeHead(200, { 'Content-Type': extname(req.url!) === '.js' ? 'text/javascript' : 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close() {
      server.close();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}
