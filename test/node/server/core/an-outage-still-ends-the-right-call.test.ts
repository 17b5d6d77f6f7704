import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { memoryStore, type ProxyStore } from '../../../../src/server/core/store/proxy-store.js';
import { EventStreamReader } from '../../../support/sse-reader.js';
import { ASHA, startBody, startHttpProxy, VIKRAM } from '../../helpers.js';

const SECRET = 'whsec_test_0123456789abcdef';

/** The memory store behind a switch: up, or every method failing as a Redis that went away. */
function storeThatGoesAway(): ProxyStore & { down: boolean } {
  const inner = memoryStore();
  const store = { down: false } as ProxyStore & { down: boolean };
  for (const name of ['tryLock', 'put', 'get', 'append', 'list', 'take', 'publish', 'subscribe'] as const) {
    (store as any)[name] = (...args: unknown[]) => (store.down ? Promise.reject(new Error('store went away')) : (inner[name] as (...a: unknown[]) => unknown).apply(inner, args));
  }
  store.limiter = inner.limiter.bind(inner);
  return store;
}

describe('with the store out of reach, a record still ends the right call on this instance', { timeout: 30_000 }, () => {
  it('two calls followed here; the record of the second ends its stream, not the first one’s', async () => {
    const store = storeThatGoesAway();
    const proxy = await startHttpProxy({ store, webhookSecret: SECRET, rateLimits: false });
    const readers: Array<{ reader: EventStreamReader; body: ReadableStream<Uint8Array> }> = [];
    try {
      const start = async (customer: string, agent: string) => {
        const answer = await fetch(`${proxy.base}call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody(customer, agent)) });
        assert.equal(answer.status, 200);
        const { callId } = (await answer.json()) as { callId: string };
        const stream = await fetch(`${proxy.base}calls/${callId}/events`);
        const reader = new EventStreamReader(stream.body!);
        readers.push({ reader, body: stream.body! });
        await reader.until((events) => events.calls().length === 1);
        return reader;
      };
      const first = await start('+918000000041', ASHA);
      const second = await start('+918000000042', VIKRAM);

      store.down = true;
      const delivered = await fetch(`${proxy.base}webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({
          event: 'ALL_CALLS',
          cdr_phone: '+918000000042',
          staff_phone: '919812345678',
          cdr_id: 'outage-1',
          cdr_disposition: 'ANSWERED',
          cdr_duration: 12,
          cdr_start: new Date(Date.now() + 1_000).toISOString(),
        }),
      });
      assert.equal(delivered.status, 200);
      await second.until((events) => events.calls().some((status) => status.state === 'ended'), 5_000);
      assert.equal(second.calls().at(-1).record.customerNumber, '+918000000042');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(
        first.calls().map((status) => status.state),
        ['active'],
        'the other call goes on',
      );
      const line = proxy.logs.find((entry) => entry.event === 'ALL_CALLS')!;
      assert.equal(line.matched, true);
      assert.match(line.detail!, /matched among this instance's calls only/);
    } finally {
      store.down = false;
      for (const { body } of readers) await body.cancel().catch(() => {});
      await proxy.close();
    }
  });
});
