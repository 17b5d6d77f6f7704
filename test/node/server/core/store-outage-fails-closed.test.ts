import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Redis } from 'ioredis';

import { redisStore } from '../../../../src/server/core/store/redis-store.js';
import { startCliProxy } from '../../../support/cli-proxy.js';
import { startRedis } from '../../../support/redis-server.js';
import { ASHA, proxiesPerTest, startBody } from '../../helpers.js';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the limits’ store out of reach: STARTs fail closed, ENDs go ahead, recovery by itself', { timeout: 60_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('with Redis stopped a START is 503 limits_unavailable with Retry-After and never reaches Superfone; an END still does; Redis back, calls work again', async () => {
    let redis = await startRedis();
    // Commands fail at once while disconnected instead of queueing; reconnect quickly.
    const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    try {
      await until(() => client.status === 'ready', 'the first connection');
      const proxy = await proxyFor({ store: redisStore(client) });
      assert.equal((await proxy.call(startBody('+918000000001'))).status, 200);
      assert.equal((await proxy.call({ ...startBody('+918000000001'), call_action: 'END' })).status, 200);

      await redis.stop();
      await until(() => client.status !== 'ready', 'the client to notice');
      const before = proxy.upstream.simulator.requestCount;
      const refused = await proxy.call(startBody('+918000000002'));
      assert.equal(refused.status, 503);
      assert.equal(refused.json.error.code, 'limits_unavailable');
      assert.match(refused.json.error.message, /no call was placed/);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal(proxy.upstream.simulator.requestCount, before, 'the START never reached Superfone');
      assert.match(
        proxy.logs.at(-1)!.detail ?? '',
        /^the store of limits and locks is out of reach: Stream isn't writeable/,
        'the log says why: the store, and what its client said',
      );

      const ended = await proxy.call({ ...startBody('+918000000002', ASHA), call_action: 'END' });
      assert.equal(ended.status, 200, 'a live call can always be ended');
      assert.equal(proxy.upstream.simulator.requestCount, before + 1);

      redis = await startRedis(redis.port);
      await until(() => client.status === 'ready', 'the client to reconnect');
      assert.equal((await proxy.call(startBody('+918000000003'))).status, 200, 'recovered without a restart');
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  it('superfone-proxy says once that Redis is out of reach, and once that it is back, not every reconnect', async () => {
    let redis = await startRedis();
    const proxy = await startCliProxy({ SUPERFONE_REDIS_URL: redis.url }, ['--simulate']);
    const start = () => fetch(proxy.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody('+918000000001')) });
    try {
      await redis.stop();
      await proxy.waitForOutput(/is out of reach/, 10_000);
      assert.equal((await start()).status, 503, 'STARTs are refused while it is away');
      // Reconnects keep failing meanwhile: still one line.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const outOfReach = `superfone-proxy: Redis at redis://127.0.0.1:${redis.port} is out of reach (`;
      assert.equal(proxy.output().split(outOfReach).length - 1, 1, proxy.output());
      assert.match(proxy.output(), /is out of reach \([^)]+\); STARTs are refused \(503\) until it is back\.\n/);
      assert.doesNotMatch(proxy.output(), /Unhandled error/);

      redis = await startRedis(redis.port);
      await proxy.waitForOutput(/is back;/, 10_000);
      assert.ok(proxy.output().includes(`superfone-proxy: Redis at redis://127.0.0.1:${redis.port} is back; STARTs are taken again.\n`), proxy.output());
      assert.equal((await start()).status, 200, 'taken again without a restart');
    } finally {
      proxy.child.kill();
      await redis.stop();
    }
  });
});
