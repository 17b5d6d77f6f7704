import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { memoryStore, type ProxyStore } from '../../../../src/server/core/store/proxy-store.js';
import { ASHA, proxiesPerTest, startBody } from '../../helpers.js';

// Once Superfone took a START, the phone is dialling: whatever fails after it, the page must
// hear that the call was placed, or the agent retries and the customer is called twice.
describe('a placed call is never reported as failed', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('a store that fails after Superfone took the START: the page still hears the call was placed (200, no call id), and the log says why', async () => {
    const inner = memoryStore();
    // Following the call is written to the store after Superfone answered; that write fails.
    const store: ProxyStore = {
      ...inner,
      limiter: inner.limiter.bind(inner),
      tryLock: inner.tryLock.bind(inner),
      get: inner.get.bind(inner),
      list: inner.list.bind(inner),
      take: inner.take.bind(inner),
      append: inner.append.bind(inner),
      publish: inner.publish.bind(inner),
      subscribe: inner.subscribe.bind(inner),
      put: async () => {
        throw new Error('store went away');
      },
    };
    const proxy = await proxyFor({ store, webhookSecret: 'whsec_test_0123456789abcdef' });
    const answer = await proxy.call(startBody('+918000000034'));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.data.sentSuccess, true);
    assert.equal(answer.json.callId, undefined, 'not followed');
    assert.equal(proxy.upstream.simulator.snapshot().agents.find((agent) => agent.number === ASHA)!.activeCall, '+918000000034');
    assert.match(proxy.logs.at(-1)!.detail!, /call not followed, the store is out of reach: store went away/);
  });
});
