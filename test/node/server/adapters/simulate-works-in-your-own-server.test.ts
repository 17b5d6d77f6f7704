import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import express from 'express';

import { superfoneListener, superfoneMiddleware } from '../../../../src/server/adapters/node-proxy.js';
import { EventStreamReader } from '../../../support/sse-reader.js';
import { ASHA } from '../../helpers.js';

const SECRET = 'whsec_test_0123456789abcdef';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, customer: string, action: 'START' | 'END') =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ customer_number: customer, user_number: ASHA, call_action: action }),
    signal: AbortSignal.timeout(10_000),
  });

/** START, follow the call's stream, END: the simulator's record must come back to this same proxy and end the stream. */
async function placeFollowEnd(callUrl: string, customer: string): Promise<Record<string, any>> {
  const started = await post(callUrl, customer, 'START');
  assert.equal(started.status, 200, await started.clone().text());
  const { callId } = (await started.json()) as { callId?: string };
  assert.ok(callId, 'a call id: the proxy follows calls, since notifications can arrive');
  const stream = await fetch(callUrl.replace(/call$/, `calls/${callId}/events`), { signal: AbortSignal.timeout(15_000) });
  const reader = new EventStreamReader(stream.body!);
  try {
    await reader.until((events) => events.calls().length === 1);
    assert.equal((await post(callUrl, customer, 'END')).status, 200);
    await reader.until((events) => events.calls().some((status) => status.state === 'ended'), 10_000);
    return reader.calls().at(-1)!;
  } finally {
    await stream.body?.cancel().catch(() => {});
  }
}

describe('simulate in your own server: no key, and the calls report back', { timeout: 60_000 }, () => {
  it('superfoneListener({ simulate: true }) places a call with no key', async () => {
    const listener = superfoneListener({ simulate: true, path: '/api/superfone/call' });
    const server = createServer(listener);
    try {
      const base = await listen(server);
      const answer = await post(`${base}/api/superfone/call`, '+918000000001', 'START');
      assert.equal(answer.status, 200);
      assert.equal(((await answer.json()) as any).data.sentSuccess, true);
    } finally {
      server.closeAllConnections();
      server.close();
      await listener.close();
    }
  });

  it('superfoneMiddleware({ simulate, webhookSecret }) on plain node:http: the page’s stream hears the call end, with its record', async () => {
    const middleware = superfoneMiddleware({ simulate: true, webhookSecret: SECRET });
    const server = createServer((req, res) => middleware(req, res, () => res.writeHead(500).end()));
    try {
      const base = await listen(server);
      const ended = await placeFollowEnd(`${base}/api/superfone/call`, '+918000000002');
      assert.equal(ended.state, 'ended');
      assert.equal(ended.record.customerNumber, '+918000000002');
    } finally {
      server.closeAllConnections();
      server.close();
      await middleware.close();
    }
  });

  it('in Express, mounted at the calls’ folder: the same, the webhook found at the path the client used', async () => {
    const middleware = superfoneMiddleware({ simulate: true, webhookSecret: SECRET, path: '/call' });
    const app = express();
    app.use('/api/superfone', middleware);
    const server = createServer(app);
    try {
      const base = await listen(server);
      const ended = await placeFollowEnd(`${base}/api/superfone/call`, '+918000000003');
      assert.equal(ended.record.agentNumber, ASHA);
    } finally {
      server.closeAllConnections();
      server.close();
      await middleware.close();
    }
  });

  it('with no webhook secret at all, simulate: true still reports the calls back (to a secret only the process knows)', async () => {
    const listener = superfoneListener({ simulate: true, path: '/api/superfone/call' });
    const server = createServer(listener);
    try {
      const base = await listen(server);
      const ended = await placeFollowEnd(`${base}/api/superfone/call`, '+918000000004');
      assert.equal(ended.record.customerNumber, '+918000000004');
      // The made-up secret is no secret anyone can guess: a delivery with none is refused.
      const forged = await fetch(`${base}/api/superfone/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(forged.status, 401);
    } finally {
      server.closeAllConnections();
      server.close();
      await listener.close();
    }
  });

  it('bad options fail at start-up with the simulator too', () => {
    assert.throws(() => superfoneListener({ simulate: true, allowedOrigins: ['*'] }), /wildcard/);
    assert.throws(() => superfoneMiddleware({ simulate: true, webhookSecret: 'short' }), /at least 16 characters/);
    // An empty secret (an unset variable read as '') is a mistake to name, not a cue to make one up.
    assert.throws(() => superfoneListener({ simulate: true, webhookSecret: '' }), /at least 16 characters/);
  });
});
