import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { redisStore } from '../../src/server/guards/redis-store.js';
import { startSuperfoneSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import { startCliProxy, type CliProxy } from '../support/cli-proxy.js';
import { startRedis } from '../support/redis-server.js';
import { API_KEY, assertNoKey, startBody } from './helpers.js';

describe('limits and locks shared through a real Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clients: Redis[] = [];
  const client = () => {
    const made = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    clients.push(made);
    return made;
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const made of clients) made.disconnect();
    await redis.stop();
  });
  beforeEach(async () => {
    await client().flushall();
  });

  it('two stores on two connections count against one limit', async () => {
    const first = redisStore(client()).limiter('test', 3, 60);
    const second = redisStore(client()).limiter('test', 3, 60);
    await first.consume('agent');
    await second.consume('agent');
    await first.consume('agent');
    await assert.rejects(second.consume('agent'), (rejection: { msBeforeNext: number }) => rejection.msBeforeNext > 0);
  });

  it('a lock held on one connection is refused on another, until released or expired', async () => {
    const one = redisStore(client());
    const two = redisStore(client());
    const release = await one.tryLock('start:+919876543210', 5_000);
    assert.ok(release);
    assert.equal(await two.tryLock('start:+919876543210', 5_000), null);
    await release();
    const again = await two.tryLock('start:+919876543210', 100);
    assert.ok(again);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.ok(await one.tryLock('start:+919876543210', 5_000), 'the expired lock was free to take');
    // The first holder's late release must not free the new holder's lock.
    await again!();
    assert.equal(await two.tryLock('start:+919876543210', 5_000), null);
  });

  describe('two proxy processes behind one Redis', () => {
    let upstream: RunningSimulator;
    const proxies: CliProxy[] = [];

    before(async () => {
      upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
      for (let index = 0; index < 2; index++) {
        proxies.push(
          await startCliProxy({
            SUPERFONE_API_KEY: API_KEY,
            SUPERFONE_API_BASE: upstream.apiBase,
            SUPERFONE_REDIS_URL: redis.url,
            SUPERFONE_TIMEOUT_MS: '3000',
          }),
        );
      }
    });
    after(async () => {
      for (const proxy of proxies) {
        assertNoKey([proxy.output()]);
        proxy.child.kill();
      }
      await upstream.close();
    });
    beforeEach(() => upstream.simulator.reset());

    const post = async (url: string, body: unknown) => {
      const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      assertNoKey([text]);
      return { status: response.status, json: JSON.parse(text) };
    };

    it('the per-agent limit holds across both: 10 STARTs, alternating, then 429 on either', async () => {
      for (let index = 0; index < 10; index++) {
        const customer = `+9198450${String(20000 + index)}`;
        const proxy = proxies[index % 2]!;
        assert.equal((await post(proxy.url, startBody(customer))).status, 200, `START ${index + 1}`);
        await post(proxy.url, { ...startBody(customer), call_action: 'END' });
      }
      for (const proxy of proxies) {
        const answer = await post(proxy.url, startBody('+919845029999'));
        assert.equal(answer.status, 429);
        assert.equal(answer.json.error.code, 'rate_limited');
      }
    });

    it('two STARTs racing through different instances: exactly one reaches Superfone', async () => {
      upstream.simulator.setFault({ kind: 'slow', delayMs: 500 });
      const body = (customer: string) => ({ ...startBody(customer), user_number: '+919812345678' });
      const answers = await Promise.all([post(proxies[0]!.url, body('+919900030001')), post(proxies[1]!.url, body('+919900030002'))]);
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409]);
      assert.equal(upstream.simulator.snapshot().requests.length, 1);
    });
  });
});
