import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

import type { ErrorCode } from '../../../../src/shared/protocol.js';
import type { SimulatorFault } from '../../../../src/simulator/simulator.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { type CliProxy, startCliProxy } from '../../../support/cli-proxy.js';
import { API_KEY, assertNoKey, MEERA_OFFLINE, startBody } from '../../helpers.js';

describe('fault suite: the CLI proxy against every simulator fault', () => {
  let upstream: RunningSimulator;
  let proxy: CliProxy;
  let wrongKeyProxy: CliProxy;

  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    proxy = await startCliProxy({ SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase, SUPERFONE_TIMEOUT_MS: '800' });
    wrongKeyProxy = await startCliProxy({ SUPERFONE_API_KEY: 'sf_not_the_key', SUPERFONE_API_BASE: upstream.apiBase, SUPERFONE_TIMEOUT_MS: '800' });
  });
  after(async () => {
    assertNoKey([proxy.output()]);
    assertNoKey([wrongKeyProxy.output()], 'sf_not_the_key');
    proxy.child.kill();
    wrongKeyProxy.child.kill();
    await upstream.close();
  });
  beforeEach(() => upstream.simulator.reset());
  // One healthy request after each fault keeps the circuit breaker closed, so every fault is
  // seen on its own; the breaker has its own tests.
  afterEach(async () => {
    upstream.simulator.setFault(null);
    const response = await fetch(proxy.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...startBody('+919900049999', '+919812345678'), call_action: 'END' }),
    });
    assert.equal(response.status, 200, 'the proxy recovered after the fault');
  });

  let customerIndex = 0;
  async function start(url = proxy.url, agent?: string) {
    // A fresh customer each time, so the per-destination limit never speaks here.
    const customer = `+9199000${String(40000 + customerIndex++)}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(agent ? startBody(customer, agent) : startBody(customer, '+919812345678')),
    });
    const text = await response.text();
    assertNoKey([text, JSON.stringify([...response.headers])]);
    return { status: response.status, code: (JSON.parse(text) as { error?: { code: ErrorCode } }).error?.code, retryAfter: response.headers.get('retry-after') };
  }

  const faults: Array<[string, SimulatorFault | null, number, ErrorCode | undefined, string?]> = [
    ['slow, inside the timeout', { kind: 'slow', delayMs: 300 }, 200, undefined],
    ['hang', { kind: 'hang' }, 504, 'upstream_timeout'],
    ['reset', { kind: 'reset' }, 502, 'upstream_error'],
    ['500', { kind: 'server-error' }, 502, 'upstream_error'],
    ['HTML', { kind: 'html' }, 502, 'upstream_error'],
    ['truncated JSON', { kind: 'truncated-json' }, 502, 'upstream_error'],
    ['429', { kind: 'rate-limit', retryAfterSeconds: 9 }, 429, 'rate_limited'],
  ];
  for (const [what, fault, status, code] of faults) {
    it(`${what} → ${status} ${code ?? 'ok'}, one upstream request`, async () => {
      upstream.simulator.setFault(fault, 1);
      const answer = await start();
      assert.equal(answer.status, status);
      assert.equal(answer.code, code);
      if (code === 'rate_limited') assert.equal(answer.retryAfter, '9');
      assert.equal(upstream.simulator.requestCount, 1);
    });
  }

  it('401 (the server’s key is wrong) → 502 upstream_auth, one upstream request', async () => {
    const answer = await start(wrongKeyProxy.url);
    assert.deepEqual([answer.status, answer.code], [502, 'upstream_auth']);
    assert.equal(upstream.simulator.requestCount, 1);
  });

  it('404 (unknown agent) → 404 agent_not_found', async () => {
    const answer = await start(proxy.url, '+919000000009');
    assert.deepEqual([answer.status, answer.code], [404, 'agent_not_found']);
  });

  it('sentSuccess:false → 502 notification_failed', async () => {
    const answer = await start(proxy.url, MEERA_OFFLINE);
    assert.deepEqual([answer.status, answer.code], [502, 'notification_failed']);
  });

  it('the process is still up and serving after every fault', async () => {
    assert.equal(proxy.child.exitCode, null);
    assert.equal((await start()).status, 200);
  });
});
