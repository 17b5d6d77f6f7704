import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

import * as esbuild from 'esbuild';

import { templateMinifierPlugin } from '../../scripts/html-templates.mjs';

export interface ElementPageServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json' };

/**
 * A page server on loopback for pages we did not design: the element bundled from source
 * as a page gets it (number handling split off, loaded later) at `/assets/index.js`, the
 * page's HTML from `page(url)` at `/`, and anything else to `other` (404 without it).
 */
export async function startElementPageServer(page: (url: URL) => string, other?: (req: IncomingMessage, res: ServerResponse) => void): Promise<ElementPageServer> {
  const assets = mkdtempSync(join(tmpdir(), 'superfone-page-assets-'));
  await esbuild.build({
    entryPoints: ['src/index.ts'],
    bundle: true,
    splitting: true,
    format: 'esm',
    outdir: assets,
    tsconfig: 'tsconfig.json',
    target: 'es2022',
    logLevel: 'silent',
    plugins: [templateMinifierPlugin],
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://page');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(url));
      return;
    }
    if (url.pathname.startsWith('/assets/')) {
      const file = normalize(url.pathname.slice('/assets/'.length));
      let body: Buffer;
      try {
        body = readFileSync(join(assets, file));
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      return;
    }
    if (other) other(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(assets, { recursive: true, force: true });
    },
  };
}
