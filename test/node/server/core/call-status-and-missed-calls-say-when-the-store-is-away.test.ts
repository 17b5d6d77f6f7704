import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { Redis } from 'ioredis';

import type { PlatformInfo } from '../../../../src/server/core/proxy-message.js';
import { redisStore } from '../../../../src/server/core/store/redis-store.js';
import { startRedis } from '../../../support/redis-server.js';
import { ASHA, proxiesPerTest, type ProxyUnderTest, startBody } from '../../helpers.js';

// A page following its call, or an agent's missed calls, reads them from the store the proxy
// instances share: a real Redis, stopped mid-test. While it is away each route says so
// (503, its own words, the store's reason in the log) and holds nothing: a stream that could
// not start gives its place back, so the page's stream budget is whole once Redis returns.
const SECRET = 'whsec_test_0123456789abcdef';
const HOST = 'http://localhost/api/superfone';
const LOOPBACK: PlatformInfo = { clientAddress: '127.0.0.1' };

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function ask(proxy: ProxyUnderTest, path: string, init: { method?: string; body?: string } = {}) {
  const response = await proxy.handler(new Request(`${HOST}/${path}`, { method: init.method ?? 'GET', body: init.body }), LOOPBACK);
  // A stream that did start is cancelled: only its status matters here.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, json: null };
  }
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

const MISSED = `missed-calls?agent=${encodeURIComponent(ASHA)}`;

describe('call status and missed calls say when the store is away, and hold nothing', { timeout: 60_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('with Redis stopped: each route is 503 in its own words, the log says why; a failed stream frees its place', async () => {
    let redis = await startRedis();
    const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    // Its reconnect attempts while Redis is stopped are expected, not news.
    client.on('error', () => {});
    // ioredis prints a connection's errors that nobody hears: the store's own connection must be heard.
    const printed = mock.method(console, 'error');
    try {
      await until(() => client.status === 'ready', 'the first connection');
      // Two streams per client: three refused streams in a row would use up a budget that leaked.
      const proxy = await proxyFor({ store: redisStore(client), webhookSecret: SECRET, callStreams: { perClient: 2 } });
      const started = await proxy.call(startBody('+918000000001'));
      assert.equal(started.status, 200);
      const callId = started.json.callId as string;
      assert.equal((await ask(proxy, `calls/${callId}`)).status, 200);

      await redis.stop();
      await until(() => client.status !== 'ready', 'the client to notice');

      const expected: [string, { method?: string }, RegExp][] = [
        [`calls/${callId}`, {}, /^Call status is unavailable for a moment\. Try again shortly\.$/],
        [`calls/${callId}/events`, {}, /^Call status is unavailable for a moment\. Try again shortly\.$/],
        [MISSED, {}, /^Missed calls are unavailable for a moment\. Try again shortly\.$/],
        [`missed-calls/some-id/dismiss?agent=${encodeURIComponent(ASHA)}`, { method: 'POST' }, /^Missed calls are unavailable for a moment\. Try again shortly\.$/],
        [`missed-calls/events?agent=${encodeURIComponent(ASHA)}`, {}, /^Missed calls are unavailable for a moment\. Try again shortly\.$/],
      ];
      for (const [path, init, message] of [...expected, ...expected]) {
        const answer = await ask(proxy, path, init);
        assert.equal(answer.status, 503, path);
        assert.match(answer.json.error.message, message, path);
        assert.match(
          proxy.logs.at(-1)!.detail ?? '',
          /Stream isn't writeable|Connection is closed|subscription connection not ready/,
          `${path}: the log gives the store's own reason`,
        );
      }

      redis = await startRedis(redis.port);
      await until(() => client.status === 'ready', 'the client to reconnect');
      // The call's record was in the stopped Redis's memory only: the id is now unknown, not unavailable.
      assert.equal((await ask(proxy, `calls/${callId}`)).status, 404);
      assert.equal((await ask(proxy, MISSED)).status, 200, 'missed calls are served again');
      // Both places of the budget are free: none was kept by a stream that failed to start.
      for (const path of [`missed-calls/events?agent=${encodeURIComponent(ASHA)}`, `missed-calls/events?agent=${encodeURIComponent(ASHA)}`]) {
        assert.equal((await ask(proxy, path)).status, 200, 'a stream opens');
      }
      const unheard = printed.mock.calls.filter((call) => String(call.arguments[0]).includes('Unhandled error'));
      assert.equal(unheard.length, 0, 'the store hears its subscription connection’s errors');
    } finally {
      printed.mock.restore();
      client.disconnect();
      await redis.stop();
    }
  });

  it('a dismissal that carries a body is refused (413) before the store is asked', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET });
    const answer = await ask(proxy, `missed-calls/some-id/dismiss?agent=${encodeURIComponent(ASHA)}`, { method: 'POST', body: '{"id":"x"}' });
    assert.equal(answer.status, 413);
    assert.equal(answer.json.error.message, 'Dismissing takes no body.');
  });
});
