// Round 3 of hostile clients, the log: a client that leaves mid-body is its own doing, logged
// once as `aborted` and never as the proxy's 500; the budget of real 500s is the proxy's own;
// an authenticated delivery over the webhook's cap is 413 however it is framed. Over real
// loopback connections to a hardened node:http server, as the CLI serves.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { hardenNodeServer } from '../../../../src/server/adapters/harden-node-server.js';
import { superfoneListener } from '../../../../src/server/adapters/node-proxy.js';
import type { ProxyLogEntry } from '../../../../src/server/core/proxy.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { API_KEY } from '../../helpers.js';

const WEBHOOK_SECRET = 'round_3_webhook_secret_0123';

describe('clients that leave, or send too much, are logged as what they did', { timeout: 60_000 }, () => {
  let upstream: RunningSimulator;
  let server: Server;
  let port: number;
  const logs: ProxyLogEntry[] = [];

  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const log = (entry: ProxyLogEntry) => logs.push(entry);
    const listener = superfoneListener({
      apiKey: API_KEY,
      apiBase: upstream.apiBase,
      path: '/api/superfone/call',
      webhookSecret: WEBHOOK_SECRET,
      // A genuine fault of the integrator's code, for a request that asks for it.
      authorize: (request) => {
        if (request.headers.has('x-integrator-bug')) throw new Error('authorize() failed');
        return undefined;
      },
      log,
    });
    server = hardenNodeServer(createServer(listener), { log });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await upstream?.close();
  });

  /** Sends a call request's head and part of its body, then leaves: `destroy` at once, or `end` (a half-close). */
  async function leaveMidBody(how: 'destroy' | 'end'): Promise<void> {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`POST /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"customer_number":`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (how === 'destroy') socket.destroy();
      else socket.end();
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      socket.destroy();
    }
  }

  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('a client leaving mid-body, abruptly or by half-closing, is one line of kind aborted, never internal_error', async () => {
    for (const how of ['destroy', 'end'] as const) {
      const before = logs.length;
      await leaveMidBody(how);
      await settle();
      const lines = logs.slice(before);
      assert.equal(lines.length, 1, `${how}: ${JSON.stringify(lines)}`);
      assert.deepEqual([lines[0]!.refusal, lines[0]!.outcome, lines[0]!.status], ['aborted', 'bad_request', 400], how);
    }
  });

  it('on a kept-alive connection, a client that half-closes inside its second request’s head is logged once as aborted (its first request answered is no alibi)', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.write(`GET /api/superfone/calls/none HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      for (let waited = 0; !/\r\n\r\n[^]*\}/.test(received) && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.match(received, /^HTTP\/1\.1 \d{3} /, 'the first request is answered on this connection');
      const before = logs.length;
      socket.write(`POST /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Ty`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.end();
      await settle();
      const lines = logs.slice(before);
      assert.equal(lines.length, 1, JSON.stringify(lines));
      assert.equal(lines[0]!.refusal, 'aborted');
    } finally {
      socket.destroy();
    }
  });

  it('130 clients leaving mid-body cannot spend the budget of real 500s: the integrator’s fault after them is logged', async () => {
    for (let client = 0; client < 130; client++) await leaveMidBody('destroy');
    await settle();
    const response = await fetch(`http://127.0.0.1:${port}/api/superfone/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Integrator-Bug': '1' },
      body: JSON.stringify({ customer_number: '+918000000001', user_number: '+919876543210', call_action: 'START' }),
    });
    assert.equal(response.status, 500);
    await settle();
    const internal = logs.filter((entry) => entry.outcome === 'internal_error');
    assert.equal(internal.length, 1, 'the one genuine 500 is in the log, and nothing else is');
    assert.match(internal[0]!.detail ?? '', /authorize\(\) failed/);
  });

  it('an authenticated delivery over 64 KiB is 413 whether its length is declared or it comes in chunks', async () => {
    const big = JSON.stringify({ event: 'ALL_CALLS', padding: 'x'.repeat(70 * 1024) });
    const declared = await fetch(`http://127.0.0.1:${port}/api/superfone/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${WEBHOOK_SECRET}` },
      body: big,
    });
    assert.equal(declared.status, 413);
    const chunks = new TextEncoder().encode(big);
    const chunked = await fetch(`http://127.0.0.1:${port}/api/superfone/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${WEBHOOK_SECRET}` },
      // A stream of unknown length: sent chunked, 8 KiB at a time.
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < chunks.length; at += 8_192) controller.enqueue(chunks.slice(at, at + 8_192));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413, await chunked.text());
    await settle();
    assert.deepEqual(
      logs.slice(-2).map((entry) => [entry.status, entry.refusal]),
      [
        [413, 'too_large'],
        [413, 'too_large'],
      ],
    );
  });
});
