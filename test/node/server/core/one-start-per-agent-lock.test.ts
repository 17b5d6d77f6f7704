import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { memoryStore } from '../../../../src/server/core/store/proxy-store.js';
import { proxiesPerTest, startBody } from '../../helpers.js';

describe('one START per agent in flight: the lock', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('a holder whose lock expired and was taken by another cannot release the new holder’s lock', async () => {
    const store = memoryStore();
    const releaseStale = await store.tryLock('start:+919876543210', 30);
    assert.ok(releaseStale);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const releaseCurrent = await store.tryLock('start:+919876543210', 10_000);
    assert.ok(releaseCurrent, 'the expired lock can be taken');
    await releaseStale();
    assert.equal(await store.tryLock('start:+919876543210', 10_000), null, 'still held by the current holder');
    await releaseCurrent();
    assert.ok(await store.tryLock('start:+919876543210', 10_000), 'free once its holder releases it');
  });

  it('the in-process lock lasts exactly its time, as Redis’s PX does: held 1 ms before, free at it', async () => {
    // The clock is Node's mock: the boundary is one millisecond, which no real timer lands on.
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    try {
      const store = memoryStore();
      assert.ok(await store.tryLock('start:+919876543210', 1_000));
      mock.timers.tick(999);
      assert.equal(await store.tryLock('start:+919876543210', 1_000), null, 'held 999 ms in');
      mock.timers.tick(1);
      assert.ok(await store.tryLock('start:+919876543210', 1_000), 'free once its 1,000 ms are up');
    } finally {
      mock.timers.reset();
    }
  });

  it('holds for as long as Superfone may take to answer (the default 10 s): a START racing a slow one is refused however late it comes', async () => {
    // The proxy's own default timeout, not the helpers' short one: a lock that expired before it would let the race through.
    const proxy = await proxyFor({ timeoutMs: undefined });
    proxy.upstream.simulator.setFault({ kind: 'slow', delayMs: 3_000 }, 1);
    const slow = proxy.call(startBody('+918000000001'));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const racing = await proxy.call(startBody('+919845012345'));
    assert.equal(racing.status, 409, 'the lock is still held 2.5 s in');
    assert.equal(racing.json.error.code, 'agent_busy');
    assert.equal((await slow).status, 200);
    assert.equal(proxy.upstream.simulator.requestCount, 1);
  });
});
