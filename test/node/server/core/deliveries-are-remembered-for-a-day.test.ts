import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';

import { Redis } from 'ioredis';

import { DeliveriesSeen } from '../../../../src/server/core/notifications/pending-calls.js';
import { memoryStore } from '../../../../src/server/core/store/proxy-store.js';
import { redisStore } from '../../../../src/server/core/store/redis-store.js';
import { startRedis } from '../../../support/redis-server.js';

// A delivery Superfone repeats takes effect once, for a day: a replay of yesterday's record
// must not log a call twice, and memory must not grow for ever. Twenty-four minutes instead
// of twenty-four hours was a planted bug no test caught.
const HOUR = 3_600_000;

describe('deliveries are remembered for 24 hours, then forgotten', { timeout: 30_000 }, () => {
  it('in memory: a repeat 23 h 59 min later is refused, one 24 h 1 min later is taken (the clock mocked: a day takes no day)', async () => {
    mock.timers.enable({ apis: ['Date'] });
    try {
      const seen = new DeliveriesSeen(memoryStore());
      assert.equal(await seen.firstTime('cdr-1'), true);
      mock.timers.tick(24 * HOUR - 60_000);
      assert.equal(await seen.firstTime('cdr-1'), false, 'still remembered a minute short of a day');
      assert.equal(await seen.firstTime('cdr-2'), true, 'another delivery is its own');
      mock.timers.tick(2 * 60_000);
      assert.equal(await seen.firstTime('cdr-1'), true, 'forgotten after a day');
    } finally {
      mock.timers.reset();
    }
  });

  describe('in a real Redis', () => {
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let client: Redis;
    before(async () => {
      redis = await startRedis();
      client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    });
    after(async () => {
      client?.disconnect();
      await redis?.stop();
    });

    it('the key Redis keeps expires in 24 hours, as Redis itself counts it', async () => {
      const seen = new DeliveriesSeen(redisStore(client, { prefix: 'test' }));
      assert.equal(await seen.firstTime('cdr-9'), true);
      assert.equal(await seen.firstTime('cdr-9'), false);
      const keys = await client.keys('test:*cdr-9*');
      assert.equal(keys.length, 1);
      const left = await client.pttl(keys[0]!);
      assert.ok(left > 24 * HOUR - 60_000 && left <= 24 * HOUR, `expires in ${left} ms`);
    });
  });
});
