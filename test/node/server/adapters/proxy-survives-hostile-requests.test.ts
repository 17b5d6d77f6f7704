import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import express from 'express';
import fc from 'fast-check';

import { hardenNodeServer } from '../../../../src/server/adapters/harden-node-server.js';
import { toNodeListener } from '../../../../src/server/adapters/node-adapter.js';
import { superfoneMiddleware } from '../../../../src/server/adapters/node-proxy.js';
import type { ProxyLogEntry } from '../../../../src/server/core/audit.js';
import { createSuperfoneProxy } from '../../../../src/server/core/proxy.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { rawExchange } from '../../../support/raw-http.js';
import { API_KEY, assertNoKey, cliProxyForSuite, startBody } from '../../helpers.js';

/** Request targets that once took the CLI down: `new URL()` threw outside any try. */
const CRASHING_TARGETS = ['//', 'http://', '//[', '//%zz', '*', 'http://[', '/api/superfone/call#x'];

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function requestLine(target: string, method = 'GET'): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
}

/** A GET on the call path gets 405 from the handler itself: the whole pipeline is up. */
async function answersAtCallPath(port: number, path = '/api/superfone/call'): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
  assert.equal(response.status, 405, 'still up and answering');
}

describe('no request can take the proxy down', { timeout: 120_000 }, () => {
  const cli = cliProxyForSuite({ SUPERFONE_TIMEOUT_MS: '800' });

  for (const target of CRASHING_TARGETS) {
    it(`the CLI answers the target ${JSON.stringify(target)} with a 4xx and keeps serving`, async () => {
      const exchange = await rawExchange(cli.proxy.port, requestLine(target));
      assert.equal(exchange.statuses.length, 1, exchange.text);
      assert.ok(exchange.statuses[0]! >= 400 && exchange.statuses[0]! < 500, exchange.text);
      assert.match(exchange.text, /x-content-type-options: nosniff/i);
      assert.match(exchange.text, /cache-control: no-store/i);
      assert.equal(cli.proxy.child.exitCode, null);
      await answersAtCallPath(cli.proxy.port);
    });
  }

  it('fuzz: raw request lines, targets, headers and bodies; up and answering after every one, never a 5xx', async () => {
    // Two kinds of case: requests Node's parser accepts, with hostile parts, that reach the
    // adapter and the handler; and bytes no parser expects.
    const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
    const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });
    const anyText = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)), maxLength: 60 });
    const targets = [
      ...CRASHING_TARGETS,
      '/api/superfone/call',
      '/api/superfone/call?x=1',
      '/',
      '/../../etc/passwd',
      `http://127.0.0.1:${cli.proxy.port}/api/superfone/call`,
      'http://attacker.test/api/superfone/call',
    ];
    const knownHeaders = ['Origin', 'Content-Type', 'Sec-Fetch-Site', 'Connection', 'Expect', 'Authorization', 'Accept', 'Cookie', 'X-Forwarded-For'];
    const headerValues = [
      '127.0.0.1',
      'http://127.0.0.1',
      'http://attacker.test',
      'null',
      'application/json',
      'text/plain',
      'same-origin',
      'cross-site',
      'close',
      'keep-alive',
      '100-continue',
    ];
    const bodies = fc.oneof(
      fc.constant(JSON.stringify({ ...startBody('+919845000001'), call_action: 'END' })),
      fc.constant(JSON.stringify(startBody('+919845000002'))),
      fc.json().map(String),
      fc.record({ customer_number: printable, user_number: printable, call_action: fc.constantFrom('START', 'END', 'start') }).map((body) => JSON.stringify(body)),
      anyText,
      fc.string({ minLength: 5_000, maxLength: 6_000 }),
    );
    const parsable = fc
      .record({
        method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'OPTIONS', 'HEAD', 'TRACE', 'DELETE', 'PATCH', 'BREW'),
        target: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...targets) }, { weight: 1, arbitrary: fc.webPath({ size: 'small' }).map((path) => path || '/') }),
        host: fc.constantFrom('127.0.0.1', 'localhost', `127.0.0.1:${cli.proxy.port}`, '[::1]', 'attacker.test:8787', 'a_b', '127.0.0.1:99999', ''),
        headers: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...knownHeaders), token), fc.oneof(fc.constantFrom(...headerValues), printable)), { maxLength: 4 }),
        chunked: fc.boolean(),
        body: bodies,
      })
      .map(({ method, target, host, headers, chunked, body }) => {
        const framing = chunked ? ['Transfer-Encoding: chunked'] : [`Content-Length: ${Buffer.byteLength(body, 'latin1')}`];
        const payload = chunked ? `${Buffer.byteLength(body, 'latin1').toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
        const lines = [
          `${method} ${target} HTTP/1.1`,
          `Host: ${host}`,
          'Content-Type: application/json',
          'Connection: close',
          ...framing,
          ...headers.map(([name, value]) => `${name}: ${value}`),
        ];
        return { head: lines.join('\r\n'), bytes: lines.join('\r\n') + '\r\n\r\n' + payload, endAfterWrite: false };
      });
    const unparsable = fc
      .record({
        requestLine: fc.oneof(
          anyText,
          fc
            .tuple(fc.oneof(token, anyText), fc.oneof(fc.constantFrom(...targets), anyText), fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/x', ''))
            .map((parts) => parts.join(' ')),
        ),
        headers: fc.array(fc.tuple(fc.oneof(token, anyText), fc.oneof(printable, anyText)), { maxLength: 6 }),
        eol: fc.constantFrom('\r\n', '\n'),
        body: fc.oneof(fc.constant(''), anyText, fc.constant('5\r\nhello\r\n0\r\n\r\n')),
      })
      .map(({ requestLine, headers, eol, body }) => {
        const head = [requestLine, ...headers.map(([name, value]) => `${name}: ${value}`)].join(eol);
        return { head, bytes: head + eol + eol + body, endAfterWrite: true };
      });
    const numbers = fc.constantFrom('+919845000003', '+919845000004', '09845000005', '+919876543210', '+919812345678', '+44 20 7946 0958', '12345', '+91 98450 00006', '');
    const calls = fc
      .record({
        host: fc.constantFrom('127.0.0.1', 'localhost', `127.0.0.1:${cli.proxy.port}`, 'attacker.test'),
        origin: fc.constantFrom(null, `http://127.0.0.1:${cli.proxy.port}`, 'http://attacker.test', 'null'),
        body: fc.record({ customer_number: numbers, user_number: numbers, call_action: fc.constantFrom('START', 'END') }),
      })
      .map(({ host, origin, body }) => {
        const json = JSON.stringify(body);
        const lines = [
          'POST /api/superfone/call HTTP/1.1',
          `Host: ${host}`,
          'Content-Type: application/json',
          'Connection: close',
          `Content-Length: ${json.length}`,
          ...(origin ? [`Origin: ${origin}`] : []),
        ];
        return { head: lines.join('\r\n'), bytes: lines.join('\r\n') + '\r\n\r\n' + json, endAfterWrite: false };
      });
    const request = fc.oneof({ weight: 2, arbitrary: calls }, { weight: 3, arbitrary: parsable }, { weight: 1, arbitrary: unparsable });

    const seen = new Map<string, number>();
    await fc.assert(
      // Parsable requests ask the server to close after answering: a client that half-closes
      // its side instead gets no answer from node:http (it ends the socket at once).
      fc.asyncProperty(request, async ({ head, bytes, endAfterWrite }) => {
        const exchange = await rawExchange(cli.proxy.port, Buffer.from(bytes, 'latin1'), { waitMs: 3_000, endAfterWrite });
        assertNoKey([exchange.text]);
        for (const status of exchange.statuses) assert.ok(status < 500, `a 5xx for ${JSON.stringify(head)}: ${exchange.text.slice(0, 300)}`);
        const answer = exchange.statuses.join('+') || 'closed without an answer';
        seen.set(answer, (seen.get(answer) ?? 0) + 1);
        assert.equal(cli.proxy.child.exitCode, null, 'the process is alive');
        await answersAtCallPath(cli.proxy.port);
      }),
      { numRuns: 1_000, interruptAfterTimeLimit: 90_000 },
    );
    const tally = [...seen]
      .sort((a, b) => b[1] - a[1])
      .map(([answer, count]) => `${answer}: ${count}`)
      .join(', ');
    console.log(`fuzz: ${[...seen.values()].reduce((sum, count) => sum + count, 0)} raw requests, the CLI proxy stayed up; answers ${tally}`);
  });
});

describe('every adapter turns a malformed request into a 4xx and an exception into a logged 500', { timeout: 30_000 }, () => {
  let upstream: RunningSimulator;
  const servers: Server[] = [];
  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
  });
  after(async () => {
    for (const server of servers) (server.closeAllConnections(), server.close());
    await upstream.close();
  });

  async function serve(listener: Parameters<typeof createServer>[1]): Promise<number> {
    const server = createServer(listener);
    servers.push(server);
    return listen(server);
  }

  it('node:http (toNodeListener) and Express (superfoneMiddleware): every crashing target is a 4xx', async () => {
    const options = { apiKey: API_KEY, apiBase: upstream.apiBase };
    const app = express();
    app.use('/api/superfone/call', superfoneMiddleware(options));
    const ports = {
      node: await serve(toNodeListener(createSuperfoneProxy(options))),
      express: await serve(app),
      simulator: Number(new URL(upstream.url).port),
    };
    for (const [name, port] of Object.entries(ports)) {
      for (const target of CRASHING_TARGETS) {
        const exchange = await rawExchange(port, requestLine(target));
        assert.equal(exchange.statuses.length, 1, `${name} ${target}: ${exchange.text}`);
        assert.ok(exchange.statuses[0]! < 500, `${name} ${target}: ${exchange.text}`);
      }
    }
    await answersAtCallPath(ports.node, '/');
    await answersAtCallPath(ports.express);
  });

  it('a handler that throws: 500 with the security headers, one log line, and the next request is served', async () => {
    const logs: ProxyLogEntry[] = [];
    let calls = 0;
    const port = await serve(
      toNodeListener(
        async () => {
          calls += 1;
          if (calls === 1) throw new Error('the store is down');
          return new Response(null, { status: 204 });
        },
        { log: (entry) => logs.push(entry) },
      ),
    );
    const failed = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(failed.status, 500);
    assert.equal(failed.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(failed.headers.get('cache-control'), 'no-store');
    assert.equal((await failed.json()).error.code, 'internal_error');
    assert.equal(logs.length, 1);
    assert.deepEqual([logs[0]!.outcome, logs[0]!.status, logs[0]!.detail, logs[0]!.client], ['internal_error', 500, 'the store is down', '127.0.0.1']);
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 204);
  });

  it('a handler that throws after reading the whole body: still a logged 500 (a body read to its end is no client gone)', async () => {
    const logs: ProxyLogEntry[] = [];
    const port = await serve(
      toNodeListener(
        async (request) => {
          const body = await request.text();
          throw new Error(`the store is down after ${body.length} bytes`);
        },
        { log: (entry) => logs.push(entry) },
      ),
    );
    const json = '{"call_action":"START"}';
    // Declared length, then chunked (a stream body has no length).
    for (const body of [() => json, () => new Blob([json]).stream()]) {
      const failed = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body(), duplex: 'half' } as RequestInit);
      assert.equal(failed.status, 500);
      assert.equal((await failed.json()).error.code, 'internal_error');
    }
    assert.deepEqual(
      logs.map((entry) => [entry.outcome, entry.status, entry.detail]),
      [
        ['internal_error', 500, 'the store is down after 23 bytes'],
        ['internal_error', 500, 'the store is down after 23 bytes'],
      ],
    );
  });

  it('a server hardened with hardenNodeServer answers unparsable requests with 400 and the security headers, and logs them', async () => {
    const logs: ProxyLogEntry[] = [];
    const server = hardenNodeServer(createServer(toNodeListener(async () => new Response(null, { status: 204 }))), { log: (entry) => logs.push(entry) });
    servers.push(server);
    const port = await listen(server);
    const exchange = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n');
    assert.deepEqual(exchange.statuses, [400]);
    assert.match(exchange.text, /x-content-type-options: nosniff/i);
    assert.match(exchange.text, /cache-control: no-store/i);
    assert.equal(logs.length, 1);
    assert.equal(logs[0]!.status, 400);
    assert.equal(logs[0]!.client, '127.0.0.1');
  });
});
