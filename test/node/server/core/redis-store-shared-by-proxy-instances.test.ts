import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import { redisStore } from '../../../../src/server/core/store/redis-store.js';
import type { CallRecord } from '../../../../src/shared/call-record.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { type CliProxy, startCliProxy } from '../../../support/cli-proxy.js';
import { startRedis } from '../../../support/redis-server.js';
import { EventStreamReader } from '../../../support/sse-reader.js';
import { API_KEY, assertNoKey, startBody, startHttpProxy } from '../../helpers.js';

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

  it('keys are named under "superfone:" by default, or the prefix given, so the proxy shares a Redis with other apps', async () => {
    const release = await redisStore(client()).tryLock('start:+919876543210', 5_000);
    const other = await redisStore(client(), { prefix: 'crm-a' }).tryLock('start:+919876543210', 5_000);
    try {
      assert.deepEqual((await client().keys('*')).sort(), ['crm-a:lock:start:+919876543210', 'superfone:lock:start:+919876543210']);
    } finally {
      await release?.();
      await other?.();
    }
  });

  it('a list kept on one connection: appended in order, and a value taken once, by whichever connection asks first', async () => {
    const one = redisStore(client());
    const two = redisStore(client());
    await one.append('missed:+919876543210', 'first', 60_000);
    await one.append('missed:+919876543210', 'second', 60_000);
    assert.deepEqual(await two.list('missed:+919876543210'), ['first', 'second']);
    assert.equal(await two.take('missed:+919876543210', 'first'), true);
    assert.equal(await one.take('missed:+919876543210', 'first'), false, 'already taken');
    assert.equal(await one.take('missed:+919876543210', 'third'), false, 'never there');
    assert.deepEqual(await one.list('missed:+919876543210'), ['second']);
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

  it('subscriptions on one store, the second made once its connection is ready, both hear what another store publishes', async () => {
    const listening = redisStore(client());
    const publishing = redisStore(client());
    const heard: string[] = [];
    try {
      await listening.subscribe('call:one', (message) => heard.push(`one ${message}`));
      // The subscription connection is ready now: a second SUBSCRIBE goes straight out, never waiting for a 'ready' that came long ago.
      await listening.subscribe('call:two', (message) => heard.push(`two ${message}`));
      await publishing.publish('call:one', 'ended');
      await publishing.publish('call:two', 'ended');
      for (let waited = 0; heard.length < 2 && waited < 2_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(heard.sort(), ['one ended', 'two ended']);
    } finally {
      listening.close();
      publishing.close();
    }
  });

  /**
   * Two `superfone-proxy` processes sharing the suite's Redis, in front of one simulator,
   * for the suite it is called in; their output is checked for the key and `secrets`.
   */
  function twoProxiesBehindRedis(env: Record<string, string>, secrets: string[] = []) {
    const running = { proxies: [] as CliProxy[] } as { upstream: RunningSimulator; proxies: CliProxy[] };
    before(async () => {
      running.upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
      for (let index = 0; index < 2; index++) {
        running.proxies.push(await startCliProxy({ SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: running.upstream.apiBase, SUPERFONE_REDIS_URL: redis.url, ...env }));
      }
    });
    after(async () => {
      for (const proxy of running.proxies) proxy.child.kill();
      await running.upstream?.close();
      for (const proxy of running.proxies) for (const key of [API_KEY, ...secrets]) assertNoKey([proxy.output()], key);
    });
    beforeEach(() => running.upstream.simulator.reset());
    return running;
  }

  describe('two proxy processes behind one Redis', () => {
    const running = twoProxiesBehindRedis({ SUPERFONE_TIMEOUT_MS: '3000' });
    const { proxies } = running;

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
      running.upstream.simulator.setFault({ kind: 'slow', delayMs: 500 });
      const body = (customer: string) => ({ ...startBody(customer), user_number: '+919812345678' });
      const answers = await Promise.all([post(proxies[0]!.url, body('+919900030001')), post(proxies[1]!.url, body('+919900030002'))]);
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409]);
      assert.equal(running.upstream.simulator.snapshot().requests.length, 1);
    });
  });

  describe('two proxy processes following calls through one Redis', () => {
    const SECRET = 'whsec_test_0123456789abcdef';
    const running = twoProxiesBehindRedis({ SUPERFONE_WEBHOOK_SECRET: SECRET }, [SECRET]);
    const { proxies } = running;

    const base = (proxy: CliProxy) => proxy.url.replace(/call$/, '');

    it('START through A, the page’s stream on B, Superfone’s delivery to A: the page on B hears the end', async () => {
      const [a, b] = proxies as [CliProxy, CliProxy];
      running.upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: 1_000 });
      running.upstream.simulator.calls.setTarget({ url: `${base(a)}webhook`, headers: { Authorization: `Bearer ${SECRET}` } });
      const started = await fetch(a.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody('+918000000011')) });
      const { callId } = await started.json();
      const controller = new AbortController();
      try {
        const response = await fetch(`${base(b)}calls/${callId}/events`, { signal: controller.signal });
        assert.equal(response.status, 200, 'B knows a call id A gave out');
        const reader = new EventStreamReader(response.body!);
        await reader.until((r) => r.calls().some((call) => call.state === 'ended'), 10_000);
        assert.equal(reader.calls().at(-1).record.status, 'answered');
        await running.upstream.simulator.calls.settled();
        assert.equal(running.upstream.simulator.calls.deliveries.at(-1)?.status, 200);
        assert.match(a.output(), /"event":"ALL_CALLS".*"matched":true/, 'A matched the START through the shared store');
      } finally {
        controller.abort();
      }
    });

    it('a missed call delivered to A is in the agent’s list and stream on B; calling back through B clears it on A', async () => {
      const [a, b] = proxies as [CliProxy, CliProxy];
      const agent = '+919812345678';
      const list = async (proxy: CliProxy) =>
        (await (await fetch(`${base(proxy)}missed-calls?agent=${encodeURIComponent(agent)}`)).json()).missedCalls as Array<{ customerNumber: string }>;
      running.upstream.simulator.calls.setTarget({ url: `${base(a)}webhook`, headers: { Authorization: `Bearer ${SECRET}` } });
      const controller = new AbortController();
      try {
        const stream = await fetch(`${base(a)}missed-calls/events?agent=${encodeURIComponent(agent)}`, { signal: controller.signal });
        assert.equal(stream.status, 200);
        const reader = new EventStreamReader(stream.body!);
        const lists = () => reader.events.filter((event) => event.event === 'missed-calls').map((event) => JSON.parse(event.data!).missedCalls.length);
        await reader.until(() => lists().length === 1, 5_000);
        running.upstream.simulator.calls.missedInbound('+918000000077', agent, 'Priya Nair');
        await running.upstream.simulator.calls.settled();
        assert.deepEqual(
          (await list(b)).map((call) => call.customerNumber),
          ['+918000000077'],
          'B reads what A kept',
        );
        await reader.until(() => lists().at(-1) === 1, 5_000);
        running.upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: null });
        const back = await fetch(b.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ ...startBody('+918000000077'), user_number: agent }),
        });
        assert.equal(back.status, 200);
        // A's page hears it go, through Redis's channel.
        await reader.until(() => lists().at(-1) === 0, 5_000);
        assert.deepEqual(await list(a), []);
        await fetch(b.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ ...startBody('+918000000077'), user_number: agent, call_action: 'END' }),
        });
      } finally {
        controller.abort();
      }
    });

    it('a repeated delivery to the other instance takes effect once: B sees it as a duplicate', async () => {
      const [a, b] = proxies as [CliProxy, CliProxy];
      const delivery = { event: 'ALL_CALLS', cdr_phone: '+918000000012', staff_phone: '919876543210', cdr_id: 'cdr-shared-1', cdr_disposition: 'ANSWERED' };
      const send = (proxy: CliProxy) =>
        fetch(`${base(proxy)}webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` }, body: JSON.stringify(delivery) }).then(
          (response) => response.json(),
        );
      assert.deepEqual(await send(a), { ok: true });
      assert.deepEqual(await send(b), { ok: true, duplicate: true });
    });
  });
});

describe('Redis out of reach when Superfone reports a call', { timeout: 60_000 }, () => {
  it('the record still reaches onCallRecord and the log, and a page following from this instance still hears the end', async () => {
    const SECRET = 'whsec_test_0123456789abcdef';
    const redis = await startRedis();
    const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    const store = redisStore(client);
    const heard: CallRecord[] = [];
    const proxy = await startHttpProxy({ webhookSecret: SECRET, store, onCallRecord: (record) => void heard.push(record) });
    const controller = new AbortController();
    try {
      while (client.status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 20));
      const started = await fetch(`${proxy.base}call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody('+918000000021')) });
      assert.equal(started.status, 200);
      const { callId } = await started.json();
      const response = await fetch(`${proxy.base}calls/${callId}/events`, { signal: controller.signal });
      assert.equal(response.status, 200);
      const reader = new EventStreamReader(response.body!);
      await reader.until((r) => r.calls().length === 1);

      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const delivery = { event: 'ALL_CALLS', cdr_phone: '+918000000021', staff_phone: '919876543210', cdr_id: 'cdr-outage-1', cdr_disposition: 'NO_ANSWER' };
      const answer = await fetch(`${proxy.base}webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` },
        body: JSON.stringify(delivery),
      });
      assert.equal(answer.status, 200, 'Superfone is not asked to retry what was handled');
      assert.equal(heard.length, 1);
      await reader.until((r) => r.calls().some((call) => call.state === 'ended'));
      assert.equal(reader.calls().at(-1).record.status, 'missed');
      const line = proxy.logs.find((entry) => entry.event === 'ALL_CALLS')!;
      assert.equal(line.matched, true);
      assert.match(line.detail ?? '', /matched among this instance's calls only/);
    } finally {
      controller.abort();
      await proxy.close();
      store.close();
      client.disconnect();
      await redis.stop();
    }
  });
});
