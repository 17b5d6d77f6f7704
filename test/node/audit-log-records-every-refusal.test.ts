import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { ProxyLogEntry } from '../../src/server/audit.js';
import { superfoneListener } from '../../src/server/node-proxy.js';
import { startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { API_KEY, assertNoKey, proxiesPerTest, startBody } from './helpers.js';

describe('the audit log records who asked, and every refusal up to a budget', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('each line has the client address and origin, for calls and refusals alike', async () => {
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const logs: ProxyLogEntry[] = [];
    const server = createServer(superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, allowedOrigins: ['https://crm.example.com'], log: (entry) => logs.push(entry) }));
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const post = (body: unknown, origin: string) =>
        fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: origin }, body: JSON.stringify(body) });
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

  it('a flood of refusals writes at most logRefusalsPerMinute lines; calls are always logged and carry the count left out', async () => {
    const proxy = await proxyFor({ logRefusalsPerMinute: 5 });
    for (let index = 0; index < 20; index++) assert.equal((await proxy.call(startBody('12345'))).status, 400);
    assert.equal(proxy.logs.length, 5);
    assert.equal((await proxy.call(startBody())).status, 200);
    assert.equal(proxy.logs.length, 6);
    assert.deepEqual([proxy.logs[5]!.outcome, proxy.logs[5]!.suppressed], ['ok', 15]);
    assert.equal((await proxy.call({ ...startBody(), call_action: 'END' })).status, 200);
    assert.equal(proxy.logs[6]!.suppressed, undefined, 'counted once');
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
