import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import { superfoneListener } from '../../../../src/server/adapters/node-proxy.js';
import type { ProxyLogEntry } from '../../../../src/server/core/audit.js';
import { startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { API_KEY, assertNoKey, proxiesPerTest, startBody } from '../../helpers.js';

describe('the audit log records who asked, and every refusal up to a budget', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('each line has the client address and origin, for calls and refusals alike', async () => {
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const logs: ProxyLogEntry[] = [];
    const server = createServer(superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, allowedOrigins: ['https://crm.example.com'], log: (entry) => logs.push(entry) }));
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const post = (body: unknown, origin: string) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: origin }, body: JSON.stringify(body) });
      assert.equal((await post(startBody(), 'https://crm.example.com')).status, 200);
      assert.equal((await post(startBody(), 'https://evil.test')).status, 403);
      assert.equal((await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(10_000) })).status, 413);
      assert.deepEqual(
        logs.map(({ outcome, status, client, origin }) => ({ outcome, status, client, origin })),
        [
          { outcome: 'ok', status: 200, client: '127.0.0.1', origin: 'https://crm.example.com' },
          { outcome: 'forbidden', status: 403, client: '127.0.0.1', origin: 'https://evil.test' },
          { outcome: 'bad_request', status: 413, client: '127.0.0.1', origin: null },
        ],
      );
      assertNoKey(logs.map((entry) => JSON.stringify(entry)));
    } finally {
      server.closeAllConnections();
      server.close();
      await upstream.close();
    }
  });

  it('a flood of refusals writes at most logRefusalsPerMinute lines of its kind; calls are always logged and carry the count left out', async () => {
    const proxy = await proxyFor({ logRefusalsPerMinute: 5 });
    for (let index = 0; index < 20; index++) assert.equal((await proxy.call(startBody('12345'))).status, 400);
    assert.equal(proxy.logs.length, 5);
    assert.deepEqual(
      proxy.logs.map((entry) => entry.refusal),
      Array(5).fill('invalid_number'),
    );
    assert.equal((await proxy.call(startBody())).status, 200);
    assert.equal(proxy.logs.length, 6);
    assert.deepEqual([proxy.logs[5]!.outcome, proxy.logs[5]!.refusal, proxy.logs[5]!.suppressed], ['ok', undefined, { invalid_number: 15 }]);
    assert.equal((await proxy.call({ ...startBody(), call_action: 'END' })).status, 200);
    assert.equal(proxy.logs[6]!.suppressed, undefined, 'counted once');
  });

  it('a flood of one kind hides no other: after 300 not-founds and 300 GETs of the webhook, a wrong secret and a forbidden origin are still logged', async () => {
    const proxy = await proxyFor({ path: '/api/superfone/call', webhookSecret: 'whsec_test_0123456789abcdef', allowedOrigins: ['https://crm.example.com'] });
    const send = (path: string, init: RequestInit = {}) => proxy.handler(new Request(`http://localhost${path}`, init), { clientAddress: '127.0.0.1' });
    for (let index = 0; index < 300; index++) assert.equal((await send(`/wp-admin/${index}`)).status, 404);
    for (let index = 0; index < 300; index++) assert.equal((await send('/api/superfone/webhook')).status, 405);
    assert.equal(proxy.logs.length, 240, '120 a minute of each kind');
    assert.deepEqual([...new Set(proxy.logs.map((entry) => entry.refusal))], ['route', 'method']);
    // What was left out rides on the next line written, whatever its kind.
    assert.deepEqual(proxy.logs[120]!.suppressed, { route: 180 });
    const wrongSecret = await send('/api/superfone/webhook', {
      method: 'POST',
      headers: { Authorization: 'Bearer whsec_test_0123456789abcdeX', 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(wrongSecret.status, 401);
    const forbidden = await send('/api/superfone/call', {
      method: 'POST',
      headers: { Origin: 'https://evil.test', 'Content-Type': 'application/json' },
      body: JSON.stringify(startBody()),
    });
    assert.equal(forbidden.status, 403);
    const [secretLine, originLine] = proxy.logs.slice(-2);
    assert.deepEqual([secretLine!.refusal, secretLine!.status, secretLine!.suppressed], ['secret', 401, { method: 180 }]);
    assert.deepEqual([originLine!.refusal, originLine!.status, originLine!.origin], ['origin', 403, 'https://evil.test']);
    assert.equal(proxy.upstream.simulator.requestCount, 0);
  });

  it('a log sink that throws does not turn a placed call into an error', async () => {
    const proxy = await proxyFor({
      log: () => {
        throw new Error('disk full');
      },
    });
    assert.equal((await proxy.call(startBody())).status, 200);
  });
});
