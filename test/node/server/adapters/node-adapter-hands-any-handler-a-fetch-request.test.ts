// toNodeListener gives every handler, the proxy's or anyone's, a Fetch `Request` and writes
// the `Response` it returns. Both are made lazily on Node (no stream until one is read), so
// these tests read every member a handler may use, and check the answer a client gets.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import express from 'express';

import { type FetchHandler, toNodeListener } from '../../../../src/server/adapters/node-adapter.js';
import { createSuperfoneProxy } from '../../../../src/server/core/index.js';
import { startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { loopbackCertificate } from '../../../support/test-certificate.js';
import { API_KEY, startBody } from '../../helpers.js';

async function serving<T>(listener: Parameters<typeof createServer>[1], use: (origin: string) => Promise<T>): Promise<T> {
  const server: Server = createServer(listener);
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** What a handler saw of its request, sent back as JSON. */
const describeRequest: FetchHandler = async (request) => {
  const seen = {
    isRequest: request instanceof Request,
    method: request.method,
    url: request.url,
    contentType: request.headers.get('Content-Type'),
    hasTrace: request.headers.has('x-trace'),
    names: [...request.headers.keys()],
    pairs: [...request.headers].filter(([name]) => name.startsWith('x-') || name === 'content-type'),
    entries: [...request.headers.entries()].length,
    values: [...request.headers.values()].filter((value) => value === 'abc' || value === 'text/plain'),
    setCookie: request.headers.getSetCookie(),
    forEach: [] as string[],
    // Members a handler rarely reads, each answered by a whole Request built for them.
    cache: request.cache,
    mode: request.mode,
    redirect: request.redirect,
    clone: await request.clone().text(),
    text: await request.text(),
    bodyUsed: request.bodyUsed,
    setThrows: '',
    appendThrows: '',
    deleteThrows: '',
  };
  request.headers.forEach((value, name) => name === 'x-trace' && seen.forEach.push(value));
  try {
    request.headers.set('x-trace', 'changed');
  } catch (error) {
    seen.setThrows = (error as Error).constructor.name;
  }
  for (const change of ['append', 'delete'] as const) {
    try {
      if (change === 'append') request.headers.append('x-trace', 'more');
      else request.headers.delete('x-trace');
    } catch (error) {
      seen[`${change}Throws`] = (error as Error).constructor.name;
    }
  }
  return Response.json(seen, {
    headers: [
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ],
  });
};

describe('toNodeListener hands any handler a Fetch Request, and writes the Response it returns', { timeout: 30_000 }, () => {
  it('every member of the Request reads as Fetch says; repeated Set-Cookie lines stay apart', async () => {
    await serving(toNodeListener(describeRequest), async (origin) => {
      const response = await fetch(`${origin}/path?q=1`, { method: 'POST', headers: { 'Content-Type': 'text/plain', 'X-Trace': 'abc' }, body: 'hello' });
      assert.equal(response.status, 200);
      assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
      const seen = await response.json();
      assert.equal(seen.isRequest, true);
      assert.equal(seen.method, 'POST');
      assert.equal(seen.url, `${origin}/path?q=1`);
      assert.equal(seen.contentType, 'text/plain');
      assert.equal(seen.hasTrace, true);
      assert.deepEqual(seen.names, [...seen.names].sort(), 'names in order, as Fetch lists them');
      assert.ok(seen.names.includes('x-trace') && seen.names.includes('host'));
      assert.deepEqual(seen.forEach, ['abc']);
      assert.deepEqual([seen.cache, seen.mode, seen.redirect], ['default', 'cors', 'follow']);
      assert.deepEqual([seen.clone, seen.text, seen.bodyUsed], ['hello', 'hello', true]);
      assert.equal(seen.setThrows, 'TypeError');
      assert.equal(seen.appendThrows, 'TypeError');
      assert.equal(seen.deleteThrows, 'TypeError');
      assert.deepEqual(seen.pairs, [
        ['content-type', 'text/plain'],
        ['x-trace', 'abc'],
      ]);
      assert.equal(seen.entries, seen.names.length, 'one entry per name');
      assert.deepEqual(seen.values, ['text/plain', 'abc'], 'values in the names’ order');
      assert.deepEqual(seen.setCookie, [], 'a request carries no Set-Cookie');
    });
  });

  it('a body Express has already parsed reaches the handler as its JSON', async () => {
    const app = express();
    app.use(express.json());
    app.use(toNodeListener(async (request) => Response.json({ got: await request.json() })));
    await serving(app, async (origin) => {
      const response = await fetch(origin, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ a: [1, 2] }) });
      assert.deepEqual(await response.json(), { got: { a: [1, 2] } });
    });
  });

  it('a body past maxBodyBytes fails the handler’s read; the client gets 413, with or without a declared length', async () => {
    const listener = toNodeListener(async (request) => new Response(String((await request.text()).length)), { maxBodyBytes: 1_000 });
    await serving(listener, async (origin) => {
      const small = await fetch(origin, { method: 'POST', body: 'x'.repeat(1_000) });
      assert.deepEqual([small.status, await small.text()], [200, '1000']);
      const declared = await fetch(origin, { method: 'POST', body: 'x'.repeat(1_001) });
      assert.equal(declared.status, 413);
      assert.match((await declared.json()).error.message, /larger than 1000 bytes/);
      // Chunked: no length declared, so the stream itself stops at the cap.
      const port = Number(new URL(origin).port);
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        socket.setTimeout(5_000, () => socket.destroy());
        const piece = 'y'.repeat(600);
        socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`);
        for (let index = 0; index < 3; index++) socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
      });
      assert.match(raw, /^HTTP\/1\.1 413/);
      assert.match(raw, /connection: close/i, 'the rest of the body is not drained');
    });
  });

  it('the proxy’s Response, read whole by a wrapping handler, still reaches the client as it was', async () => {
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    try {
      const proxy = createSuperfoneProxy({ apiKey: API_KEY, apiBase: upstream.apiBase });
      const seenByWrapper: Record<string, unknown> = {};
      const wrapper: FetchHandler = async (request, platform) => {
        const response = await proxy(request, platform);
        Object.assign(seenByWrapper, {
          isResponse: response instanceof Response,
          ok: response.ok,
          type: response.type,
          contentType: response.headers.get('content-type'),
          body: await response.clone().json(),
        });
        return response;
      };
      await serving(toNodeListener(wrapper), async (origin) => {
        const response = await fetch(origin, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody()) });
        const body = await response.json();
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(body.data.sentSuccess, true);
        assert.deepEqual(seenByWrapper, { isResponse: true, ok: true, type: 'default', contentType: 'application/json; charset=utf-8', body });
      });
    } finally {
      await upstream.close();
    }
  });
});

describe('served over TLS by node:https, a request is an https one', { timeout: 30_000 }, () => {
  it('the handler sees https://, and the proxy takes a same-origin page’s call (its Origin is https too)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'superfone-node-https-'));
    const tls = loopbackCertificate(folder);
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const proxy = createSuperfoneProxy({ apiKey: API_KEY, apiBase: upstream.apiBase, rateLimits: false });
    const server = createHttpsServer(
      { key: tls.key, cert: tls.cert },
      toNodeListener(async (request, platform) => (new URL(request.url).pathname === '/seen' ? Response.json({ url: request.url }) : proxy(request, platform))),
    );
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // node:https takes the test certificate per request: nothing is trusted process-wide.
      const send = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
        new Promise<{ status: number; text: string }>((resolve, reject) => {
          const req = httpsRequest(`${origin}${path}`, { method: init.method ?? 'GET', headers: init.headers, ca: tls.cert }, (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, text }));
          });
          req.on('error', reject);
          req.end(init.body);
        });
      assert.deepEqual(JSON.parse((await send('/seen?x=1')).text), { url: `${origin}/seen?x=1` });
      const placed = await send('/api/superfone/call', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: origin }, body: JSON.stringify(startBody()) });
      assert.equal(placed.status, 200, placed.text);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
