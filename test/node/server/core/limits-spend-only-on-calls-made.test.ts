import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import { memoryStore, type ProxyStore } from '../../../../src/server/core/store/proxy-store.js';
import { redisStore } from '../../../../src/server/core/store/redis-store.js';
import { startRedis } from '../../../support/redis-server.js';
import { ASHA, proxiesPerTest, type ProxyUnderTest, startBody, VIKRAM } from '../../helpers.js';

const CUSTOMER = '+918000000001';
const OTHER_AGENTS = ['+919812345001', '+919812345002', '+919812345003', '+919812345004', '+919812345005', '+919812345006'];
const upstreamRequests = (proxy: ProxyUnderTest) => proxy.upstream.simulator.requestCount;
const end = (customer: string, agent: string) => ({ ...startBody(customer, agent), call_action: 'END' });

describe('limits are spent only on calls that go to Superfone', { timeout: 60_000 }, () => {
  const proxyFor = proxiesPerTest();
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clients: Redis[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const client of clients) client.disconnect();
    await redis.stop();
  });
  const stores: Array<[string, () => Promise<ProxyStore>]> = [
    ['in memory', async () => memoryStore()],
    [
      'in a real Redis',
      async () => {
        const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
        clients.push(client);
        await client.flushall();
        return redisStore(client);
      },
    ],
  ];

  for (const [where, makeStore] of stores) {
    it(`the lock-out sequence no longer locks an agent out (${where})`, async () => {
      const agents = OTHER_AGENTS.map((number) => ({ number, name: number, appOnline: true }));
      const proxy = await proxyFor({ store: await makeStore() }, { agents: [...agents, { number: ASHA, name: 'Asha', appOnline: true }] });
      // Six agents use up the customer's allowance (6 per 30 minutes).
      for (const agent of OTHER_AGENTS) {
        assert.equal((await proxy.call(startBody(CUSTOMER, agent))).status, 200);
        await proxy.call(end(CUSTOMER, agent));
      }
      // Ten STARTs naming the victim, all refused by the destination limit.
      for (let attempt = 0; attempt < 10; attempt++) {
        const refused = await proxy.call(startBody(CUSTOMER, ASHA));
        assert.equal(refused.status, 429);
        assert.match(refused.json.error.message, /This customer has been called 6 times in 30 min \(the per-customer limit\)/);
      }
      const before = upstreamRequests(proxy);
      // The victim's own allowance is whole: ten calls of their own, then the eleventh is refused.
      for (let call = 0; call < 10; call++) {
        const customer = `+9198450${String(20000 + call)}`;
        assert.equal((await proxy.call(startBody(customer, ASHA))).status, 200, `the victim's call ${call + 1}`);
        await proxy.call(end(customer, ASHA));
      }
      assert.equal(upstreamRequests(proxy) - before, 20);
      const eleventh = await proxy.call(startBody('+919845029999', ASHA));
      assert.equal(eleventh.status, 429);
      assert.match(eleventh.json.error.message, /You have started 10 calls in 1 min \(the per-agent limit\)/);
    });
  }

  it('STARTs refused by the per-agent lock cost nothing', async () => {
    const proxy = await proxyFor({ rateLimits: { perAgent: { points: 2, durationSec: 60 } } });
    proxy.upstream.simulator.setFault({ kind: 'slow', delayMs: 300 }, 1);
    const inFlight = proxy.call(startBody('+919845030001'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal((await proxy.call(startBody(`+91984503010${attempt}`))).status, 409, 'refused by the lock');
    }
    assert.equal((await inFlight).status, 200);
    await proxy.call(end('+919845030001', ASHA));
    assert.equal((await proxy.call(startBody('+919845030002'))).status, 200, 'the second of two allowed');
    await proxy.call(end('+919845030002', ASHA));
    assert.equal((await proxy.call(startBody('+919845030003'))).status, 429, 'and only two');
  });

  it('STARTs refused by the open circuit breaker cost nothing', async () => {
    const proxy = await proxyFor({ circuitBreaker: { failures: 1, openMs: 300 }, rateLimits: { perAgent: { points: 2, durationSec: 60 } } });
    proxy.upstream.simulator.setFault({ kind: 'server-error' }, 1);
    assert.equal((await proxy.call(startBody('+919845040001', VIKRAM))).status, 502, 'a failure opens the circuit');
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal((await proxy.call(startBody(`+91984504010${attempt}`))).status, 503);
    }
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal((await proxy.call(startBody('+919845040002'))).status, 200);
    await proxy.call(end('+919845040002', ASHA));
    assert.equal((await proxy.call(startBody('+919845040003'))).status, 200, 'both of the two allowed');
  });

  it('a START over its limit is refused as the limit at once, the breaker open or not: the last point spent is the limit reached', async () => {
    const proxy = await proxyFor({ circuitBreaker: { failures: 2, openMs: 60_000 }, rateLimits: { perAgent: { points: 2, durationSec: 60 } } });
    proxy.upstream.simulator.setFault({ kind: 'server-error' }, 2);
    // Two STARTs reach Superfone and fail: both points are spent, and the breaker opens.
    assert.equal((await proxy.call(startBody('+919845060001'))).status, 502);
    assert.equal((await proxy.call(startBody('+919845060002'))).status, 502);
    const refused = await proxy.call(startBody('+919845060003'));
    assert.equal(refused.status, 429, 'the agent waits for the limit, not for Superfone');
    assert.equal(refused.json.error.detail.limit, 'per-agent');
    assert.equal(proxy.logs.at(-1)!.refusal, 'rate_limited');
    assert.equal(proxy.upstream.simulator.requestCount, 2);
  });

  it('refused STARTs of every kind leave the destination and client allowances whole', async () => {
    const proxy = await proxyFor({
      rateLimits: { perClient: { points: 2, durationSec: 60 }, perDestination: { points: 2, durationSec: 60 } },
      clientKey: () => 'one-browser',
      blockNumber: (number) => number === '+919845050009',
    });
    assert.equal((await proxy.call(startBody('+919845050009'))).status, 403, 'do-not-call');
    assert.equal((await proxy.call(startBody('+44 20 7946 0958'))).status, 403, 'another country');
    assert.equal((await proxy.call(startBody('12345'))).status, 400, 'invalid');
    assert.equal((await proxy.call(startBody(CUSTOMER))).status, 200);
    await proxy.call(end(CUSTOMER, ASHA));
    assert.equal((await proxy.call(startBody(CUSTOMER, VIKRAM))).status, 200, 'the client’s second, the destination’s second');
  });
});

describe('ENDs: never refused for a person, bounded for a flood', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('sixty ENDs from one address: thirty reach Superfone, the rest get 429 telling the agent what to do', async () => {
    const proxy = await proxyFor({ clientKey: () => '203.0.113.9' });
    const statuses: number[] = [];
    let refusal: any;
    for (let index = 0; index < 60; index++) {
      const answer = await proxy.call(end(`+91984506${String(1000 + index)}`, VIKRAM));
      statuses.push(answer.status);
      if (answer.status === 429) refusal = answer;
    }
    assert.equal(statuses.filter((status) => status === 200).length, 30);
    assert.equal(statuses.filter((status) => status === 429).length, 30);
    assert.equal(upstreamRequests(proxy), 30);
    assert.match(
      refusal.json.error.message,
      /^This browser has sent 30 end-call requests in 1 min \(the end-call limit\)\. If a call is still on, end it in the Superfone app; else wait (\d+ s|1 min)\.$/,
    );
    assert.ok(Number(refusal.headers.get('retry-after')) >= 1);
    const elsewhere = await proxyFor({ clientKey: () => '198.51.100.7' });
    assert.equal((await elsewhere.call(end(CUSTOMER, VIKRAM))).status, 200, 'another client is not affected');
  });

  it('the END budget is configurable, and per bound agent when authorize binds one', async () => {
    let agent = ASHA;
    const proxy = await proxyFor({ rateLimits: { endsPerClient: { points: 2, durationSec: 60 } }, authorize: () => agent, clientKey: () => 'one-office' });
    assert.equal((await proxy.call(end(CUSTOMER, ASHA))).status, 200);
    assert.equal((await proxy.call(end(CUSTOMER, ASHA))).status, 200);
    assert.equal((await proxy.call(end(CUSTOMER, ASHA))).status, 429);
    agent = VIKRAM;
    assert.equal((await proxy.call(end(CUSTOMER, VIKRAM))).status, 200, 'a colleague in the same office still ends calls');
  });

  it('END failures do not open the circuit for STARTs', async () => {
    const proxy = await proxyFor({ circuitBreaker: { failures: 3, openMs: 60_000 } });
    proxy.upstream.simulator.setFault({ kind: 'server-error' }, 10);
    for (let index = 0; index < 10; index++) assert.equal((await proxy.call(end(CUSTOMER, VIKRAM))).status, 502);
    const start = await proxy.call(startBody('+919845070001'));
    assert.equal(start.status, 200, 'the START is tried, and works');
    assert.equal(upstreamRequests(proxy), 11);
  });
});

describe('per-client limits never share one bucket', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('without a client identity (no clientAddress from the adapter, no clientKey) a request the limit applies to is a 500 that says why in the log', async () => {
    const proxy = await proxyFor();
    const answer = await proxy.call(startBody(), { platform: {} });
    assert.equal(answer.status, 500);
    assert.equal(answer.json.error.code, 'internal_error');
    assert.match(proxy.logs.at(-1)!.detail!, /no client identity.*clientAddress.*clientKey/);
    assert.equal(upstreamRequests(proxy), 0);
  });

  it('a bound agent needs no client identity to start, and clientKey or the adapter’s address supplies one', async () => {
    const bound = await proxyFor({ authorize: () => ASHA, rateLimits: { endsPerClient: false } });
    assert.equal((await bound.call(startBody('+918000000002', null), { platform: {} })).status, 200);
    const keyed = await proxyFor({ clientKey: (request) => request.headers.get('x-session') });
    assert.equal((await keyed.call(startBody('+918000000003'), { platform: {}, headers: { 'X-Session': 's1' } })).status, 200);
    const fromAdapter = await proxyFor();
    assert.equal((await fromAdapter.call(startBody('+918000000004'), { platform: { clientAddress: '203.0.113.5' } })).status, 200);
  });
});
