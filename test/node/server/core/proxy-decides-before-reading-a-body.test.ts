import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { hardenNodeServer } from '../../../../src/server/adapters/harden-node-server.js';
import { superfoneListener } from '../../../../src/server/adapters/node-proxy.js';
import type { ProxyLogEntry } from '../../../../src/server/core/audit.js';
import { createSuperfoneProxy } from '../../../../src/server/core/proxy.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { rawExchange } from '../../../support/raw-http.js';
import { API_KEY, startBody } from '../../helpers.js';

const CRM = 'https://crm.example.com';
const SECRET = 'whsec_test_0123456789abcdef';
/** Long enough that an answer which waited for the body would come after it, as a 408. */
const REQUEST_TIMEOUT_MS = 4_000;

/** A request that declares a body of 1,000 bytes and sends 10 of them, then waits. */
function headOnly(method: string, path: string, headers: Record<string, string>): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Length: 1000', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n{"custome`;
}

/** A POST in `pieces` one-byte chunks. */
function chunked(path: string, pieces: number, headers: Record<string, string> = {}): string {
  const lines = [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    'Transfer-Encoding: chunked',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${'1\r\n '.repeat(pieces).replace(/ /g, ' \r\n')}`;
}

describe('the proxy decides from the request line and headers before it reads a byte of a body', { timeout: 60_000 }, () => {
  let upstream: RunningSimulator;
  let server: Server;
  let port: number;
  let authorizeCalls = 0;
  /** Whether each request's body had been read when authorize saw it. */
  const bodyReadAtAuthorize: boolean[] = [];
  const logs: ProxyLogEntry[] = [];

  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const listener = superfoneListener({
      apiKey: API_KEY,
      apiBase: upstream.apiBase,
      path: '/api/superfone/call',
      allowedOrigins: [CRM],
      webhookSecret: SECRET,
      authorize: (request) => {
        authorizeCalls += 1;
        bodyReadAtAuthorize.push(request.bodyUsed);
        return request.headers.get('authorization') === 'Bearer agent-asha' ? '+919876543210' : false;
      },
      log: (entry) => logs.push(entry),
    });
    server = hardenNodeServer(createServer(listener), { requestTimeoutMs: REQUEST_TIMEOUT_MS });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server?.closeAllConnections();
    server?.close();
    await upstream?.close();
  });

  const cases: Array<[string, string, string, Record<string, string>, number]> = [
    ['a host it does not serve', 'POST', '/api/superfone/call', { Host: 'attacker.test', 'Content-Type': 'application/json' }, 403],
    ['an unknown route', 'POST', '/wp-login.php', { 'Content-Type': 'application/json' }, 404],
    ['the wrong method', 'PUT', '/api/superfone/call', { 'Content-Type': 'application/json' }, 405],
    ['an origin not allowed', 'POST', '/api/superfone/call', { Origin: 'https://evil.test', 'Content-Type': 'application/json' }, 403],
    ['no identity (authorize says no)', 'POST', '/api/superfone/call', { 'Content-Type': 'application/json' }, 401],
    ['the wrong media type', 'POST', '/api/superfone/call', { Authorization: 'Bearer agent-asha', 'Content-Type': 'text/plain' }, 415],
    ['a wrong webhook secret', 'POST', '/api/superfone/webhook', { Authorization: 'Bearer not-the-secret', 'Content-Type': 'application/json' }, 401],
    ['a notification that is not JSON', 'POST', '/api/superfone/webhook', { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'text/plain' }, 415],
  ];
  for (const [what, method, path, headers, status] of cases) {
    it(`${what}: ${status} at once, without waiting for the body, and the connection closed`, async () => {
      // A Host given here replaces the default one.
      const bytes = headOnly(method, path, headers).replace(/^(.*\r\n)Host: 127\.0\.0\.1\r\n(.*Host: )/s, '$1$2');
      const exchange = await rawExchange(port, bytes, { endAfterWrite: false, waitMs: REQUEST_TIMEOUT_MS + 2_000 });
      assert.deepEqual(exchange.statuses, [status], exchange.text);
      assert.ok(exchange.elapsedMs < REQUEST_TIMEOUT_MS / 2, `answered in ${exchange.elapsedMs.toFixed(0)} ms, not after the body`);
      assert.match(exchange.text, /connection: close/i, 'a body left unread closes the connection');
      assert.ok(exchange.closed, 'and it is closed');
    });
  }

  it('identity is decided before the body: authorize runs once for each request, none of its body read, and the answer comes before the body', async () => {
    const [callsBefore, upstreamBefore] = [authorizeCalls, upstream.simulator.requestCount];
    bodyReadAtAuthorize.length = 0;
    for (const [headers, status] of [
      [{ 'Content-Type': 'application/json' }, 401],
      [{ Authorization: 'Bearer agent-asha', 'Content-Type': 'text/plain' }, 415],
    ] as const) {
      const exchange = await rawExchange(port, headOnly('POST', '/api/superfone/call', headers), { endAfterWrite: false, waitMs: REQUEST_TIMEOUT_MS + 2_000 });
      assert.deepEqual(exchange.statuses, [status], exchange.text);
      assert.ok(exchange.elapsedMs < REQUEST_TIMEOUT_MS / 2, `answered in ${exchange.elapsedMs.toFixed(0)} ms, before the body (990 bytes of it never sent)`);
    }
    assert.equal(authorizeCalls - callsBefore, 2, 'authorize ran once for each');
    assert.deepEqual(bodyReadAtAuthorize, [false, false], 'with the body unread');
    assert.equal(upstream.simulator.requestCount - upstreamBefore, 0, 'and nothing went to Superfone');
  });

  it('a body declared larger than the route allows is refused before it is sent: 4 KiB for calls', async () => {
    const exchange = await rawExchange(
      port,
      headOnly('POST', '/api/superfone/call', { Authorization: 'Bearer agent-asha', 'Content-Type': 'application/json' }).replace('Content-Length: 1000', 'Content-Length: 5000'),
      { endAfterWrite: false },
    );
    assert.deepEqual(exchange.statuses, [413]);
    assert.match(exchange.text, /larger than 4096 bytes/);
  });

  it('a notification may be larger than a call (64 KiB): 10 KiB is read, within its own cap', async () => {
    const body = JSON.stringify({ event: 'CUSTOMER_CREATE', note: 'x'.repeat(10_000) });
    const response = await fetch(`http://127.0.0.1:${port}/api/superfone/webhook`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
      body,
    });
    assert.equal(response.status, 200);
  });

  it('a call sent in 65,000 one-byte chunks is refused after 64 pieces, with the connection, and the next call is served', async () => {
    const exchange = await rawExchange(port, chunked('/api/superfone/call', 65_000, { Authorization: 'Bearer agent-asha' }), { endAfterWrite: false, waitMs: 5_000 });
    assert.deepEqual(exchange.statuses, [413], exchange.text.slice(0, 300));
    assert.match(exchange.text, /came in more than 64 pieces/);
    assert.ok(exchange.closed);
    assert.ok(exchange.elapsedMs < 2_000, `refused in ${exchange.elapsedMs.toFixed(0)} ms`);
    const next = await fetch(`http://127.0.0.1:${port}/api/superfone/call`, {
      method: 'POST',
      headers: { Authorization: 'Bearer agent-asha', 'Content-Type': 'application/json' },
      body: JSON.stringify(startBody('+918000000001', null)),
    });
    assert.equal(next.status, 200);
  });

  it('a call in a few chunks, as a real client may send it, is read whole', async () => {
    const json = JSON.stringify({ ...startBody('+918000000001', null), call_action: 'END' });
    const pieces = [json.slice(0, 10), json.slice(10, 30), json.slice(30)].map((piece) => `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`).join('');
    const head = [
      'POST /api/superfone/call HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Authorization: Bearer agent-asha',
      'Transfer-Encoding: chunked',
      'Connection: close',
    ].join('\r\n');
    const exchange = await rawExchange(port, `${head}\r\n\r\n${pieces}0\r\n\r\n`, { endAfterWrite: false });
    assert.deepEqual(exchange.statuses, [200], exchange.text);
  });

  it('two Host lines: 400 before anything else, even with an allowed origin and a good token', async () => {
    const lines = [
      'POST /api/superfone/call HTTP/1.1',
      'Host: 127.0.0.1',
      'Host: attacker.test',
      `Origin: ${CRM}`,
      'Authorization: Bearer agent-asha',
      'Content-Type: application/json',
      'Connection: close',
    ];
    const body = JSON.stringify(startBody('+918000000002', null));
    const exchange = await rawExchange(port, `${lines.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n${body}`, { endAfterWrite: false });
    assert.deepEqual(exchange.statuses, [400], exchange.text);
    assert.match(exchange.text, /more than one Host header/);
    assert.ok(!/access-control-allow-origin/i.test(exchange.text));
    assert.equal(upstream.simulator.snapshot().notifications.filter((note) => note.customerNumber === '+918000000002').length, 0);
  });
});

describe('on any runtime (the Fetch handler), a body is gathered with the same caps', { timeout: 30_000 }, () => {
  it('a stream of one-byte pieces is refused past 64 pieces; the same bytes in one piece are a call', async () => {
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    try {
      const handler = createSuperfoneProxy({ apiKey: API_KEY, apiBase: upstream.apiBase });
      const json = JSON.stringify(startBody('+918000000003'));
      const inPieces = (size: number) =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            const bytes = new TextEncoder().encode(json);
            for (let offset = 0; offset < bytes.length; offset += size) controller.enqueue(bytes.slice(offset, offset + size));
            controller.close();
          },
        });
      const send = (body: ReadableStream<Uint8Array>) =>
        handler(new Request('http://localhost/api/superfone/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, duplex: 'half' } as RequestInit), {
          clientAddress: '127.0.0.1',
        });
      assert.ok(json.length > 64, 'more bytes than pieces allowed');
      const flooded = await send(inPieces(1));
      assert.equal(flooded.status, 413);
      assert.match((await flooded.json()).error.message, /more than 64 pieces/);
      assert.equal(upstream.simulator.requestCount, 0);
      assert.equal((await send(inPieces(json.length))).status, 200);
    } finally {
      await upstream.close();
    }
  });
});
