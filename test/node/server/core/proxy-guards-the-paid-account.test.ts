import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { superfoneListener } from '../../../../src/server/adapters/node-proxy.js';
import { maskNumber } from '../../../../src/server/core/audit.js';
import { CircuitBreaker } from '../../../../src/server/core/guards/circuit-breaker.js';
import { CallRateLimits } from '../../../../src/server/core/guards/rate-limits.js';
import { memoryStore } from '../../../../src/server/core/store/proxy-store.js';
import { startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { API_KEY, ASHA, proxiesPerTest, type ProxyUnderTest, startBody, VIKRAM } from '../../helpers.js';

const CRM = 'https://crm.example.com';

/** The garbage collector, whether or not node was started with --expose-gc, so heap figures are after collection. */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('the proxy guards the paid account', () => {
  const proxyFor = proxiesPerTest();
  const upstreamRequests = (proxy: ProxyUnderTest) => proxy.upstream.simulator.requestCount;

  describe('who may call: origins', () => {
    it('an allowed origin gets exact CORS headers, never *', async () => {
      const proxy = await proxyFor({ allowedOrigins: [CRM] });
      const answer = await proxy.call(startBody(), { headers: { Origin: CRM, 'Sec-Fetch-Site': 'cross-site' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('access-control-allow-origin'), CRM);
      assert.equal(answer.headers.get('access-control-allow-credentials'), 'true');
      assert.equal(answer.headers.get('vary'), 'Origin');
    });

    it('answers the CORS preflight for allowed origins only', async () => {
      const proxy = await proxyFor({ allowedOrigins: [CRM] });
      const allowed = await proxy.call(undefined, { method: 'OPTIONS', headers: { Origin: CRM, 'Access-Control-Request-Method': 'POST' } });
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get('access-control-allow-methods'), 'POST');
      const refused = await proxy.call(undefined, { method: 'OPTIONS', headers: { Origin: 'https://evil.test' } });
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
    });

    const strangers = ['https://evil.test', 'null', 'https://crm.example.com.evil.test', 'http://crm.example.com', 'https://crm.example.com:8443'];
    for (const origin of strangers) {
      it(`refuses Origin ${origin} with 403, no CORS header, and no upstream call`, async () => {
        const proxy = await proxyFor({ allowedOrigins: [CRM] });
        const answer = await proxy.call(startBody(), { headers: { Origin: origin, 'Sec-Fetch-Site': 'cross-site' } });
        assert.equal(answer.status, 403);
        assert.equal(answer.json.error.code, 'forbidden');
        assert.equal(answer.headers.get('access-control-allow-origin'), null);
        assert.equal(upstreamRequests(proxy), 0);
      });
    }

    it('refuses a cross-site request that carries no Origin', async () => {
      const proxy = await proxyFor();
      const answer = await proxy.call(startBody(), { headers: { 'Sec-Fetch-Site': 'cross-site' } });
      assert.equal(answer.status, 403);
      assert.equal(upstreamRequests(proxy), 0);
    });

    it('refuses a same-site request that carries no Origin (a sibling subdomain is another site’s page)', async () => {
      const proxy = await proxyFor();
      const answer = await proxy.call(startBody(), { headers: { 'Sec-Fetch-Site': 'same-site' } });
      assert.equal(answer.status, 403);
      assert.equal(upstreamRequests(proxy), 0);
    });

    it('counts the per-client limit by the TCP peer, never by a header a client can forge', async () => {
      const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
      const server = createServer(superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, rateLimits: { perClient: { points: 2, durationSec: 60 } } }));
      try {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        const statuses: number[] = [];
        for (let index = 0; index < 3; index++) {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `203.0.113.${index}`, 'X-Real-IP': `198.51.100.${index}` },
            body: JSON.stringify(startBody(`+91984500${String(7000 + index)}`, `+9198123${String(45670 + index)}`)),
          });
          statuses.push(response.status);
        }
        assert.equal(statuses[2], 429, `a new X-Forwarded-For each time is still one client: ${statuses.join(', ')}`);
      } finally {
        server.closeAllConnections();
        server.close();
        await upstream.close();
      }
    });

    it('allows its own origin without CORS headers', async () => {
      const proxy = await proxyFor();
      const answer = await proxy.call(startBody(), { headers: { Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('access-control-allow-origin'), null);
    });

    it('rejects wildcard and malformed origins in its configuration', async () => {
      await assert.rejects(proxyFor({ allowedOrigins: ['*'] }), /wildcard/);
      await assert.rejects(proxyFor({ allowedOrigins: ['https://*.example.com'] }), /wildcard/);
      await assert.rejects(proxyFor({ allowedOrigins: ['https://crm.example.com/app'] }), /no path/);
    });
  });

  describe('what may be called', () => {
    it('only the default country by default; another country is refused by name', async () => {
      const proxy = await proxyFor();
      const answer = await proxy.call(startBody('+44 20 7946 0958'));
      assert.equal(answer.status, 403);
      assert.match(answer.json.error.message, /United Kingdom \(\+44\)/);
      assert.equal(upstreamRequests(proxy), 0);
    });

    it('allowedCountries opens other countries', async () => {
      const proxy = await proxyFor({ allowedCountries: ['IN', 'GB'] });
      assert.equal((await proxy.call(startBody('+44 20 7946 0958'))).status, 200);
    });

    it('refuses premium-rate and shared-cost numbers unless allowed', async () => {
      const proxy = await proxyFor({ allowedCountries: ['GB'] });
      for (const number of ['+44 909 879 0000', '+44 845 464 0000']) {
        const answer = await proxy.call(startBody(number));
        assert.equal(answer.status, 403, number);
        assert.match(answer.json.error.message, /premium-rate|shared-cost/);
      }
      const allowing = await proxyFor({ allowedCountries: ['GB'], allowPremiumRate: true });
      assert.equal((await allowing.call(startBody('+44 909 879 0000'))).status, 200);
    });

    it('blockNumber refuses do-not-call numbers, with its own message if it gives one', async () => {
      const proxy = await proxyFor({ blockNumber: (number) => (number === '+918000000001' ? 'Customer opted out on 2024-03-15.' : false) });
      const answer = await proxy.call(startBody('+918000000001'));
      assert.equal(answer.status, 403);
      assert.equal(answer.json.error.message, 'Customer opted out on 2024-03-15.');
      assert.equal((await proxy.call(startBody('+919845012345'))).status, 200);
    });

    it('never refuses an END by policy: a call that exists can always be ended', async () => {
      const proxy = await proxyFor({ blockNumber: () => true, rateLimits: { perAgent: { points: 1, durationSec: 60 } } });
      for (let index = 0; index < 3; index++) {
        assert.equal((await proxy.call({ ...startBody('+44 20 7946 0958'), call_action: 'END' })).status, 200);
      }
    });
  });

  describe('how often', () => {
    it('STARTs per agent: the 11th in a minute is 429 with Retry-After', async () => {
      const proxy = await proxyFor();
      for (let index = 0; index < 10; index++) {
        const customer = `+9198450${String(10000 + index)}`;
        assert.equal((await proxy.call(startBody(customer))).status, 200, `call ${index + 1}`);
        await proxy.call({ ...startBody(customer), call_action: 'END' });
      }
      const answer = await proxy.call(startBody('+919845099999'));
      assert.equal(answer.status, 429);
      assert.equal(answer.json.error.code, 'rate_limited');
      assert.ok(Number(answer.headers.get('retry-after')) >= 1);
      assert.equal(upstreamRequests(proxy), 20, 'the 11th never reached Superfone');
    });

    it('STARTs per destination: a 7th call to one number in 30 minutes is refused, whoever calls', async () => {
      const proxy = await proxyFor();
      for (const agent of [ASHA, VIKRAM, ASHA, VIKRAM, ASHA, VIKRAM]) {
        assert.equal((await proxy.call(startBody('+918000000001', agent))).status, 200);
        await proxy.call({ ...startBody('+918000000001', agent), call_action: 'END' });
      }
      const answer = await proxy.call(startBody('+918000000001', ASHA));
      assert.equal(answer.status, 429);
      assert.match(answer.json.error.message, /This customer has been called 6 times in 30 min \(the per-customer limit\)/);
    });

    it('STARTs per client when no agent is bound', async () => {
      const proxy = await proxyFor({ rateLimits: { perClient: { points: 2, durationSec: 60 } }, clientKey: (request) => request.headers.get('x-test-client') ?? 'no-header' });
      const from = (client: string, customer: string) => proxy.call(startBody(customer, VIKRAM), { headers: { 'X-Test-Client': client } });
      assert.equal((await from('a', '+918000000001')).status, 200);
      await proxy.call({ ...startBody('+918000000001', VIKRAM), call_action: 'END' });
      assert.equal((await from('a', '+918000000002')).status, 200);
      await proxy.call({ ...startBody('+918000000002', VIKRAM), call_action: 'END' });
      assert.equal((await from('a', '+918000000003')).status, 429);
      assert.equal((await from('b', '+918000000003')).status, 200);
    });

    it('STARTs per client, by default 20 a minute as the README says: the 21st is 429 and never reaches Superfone', async () => {
      // The other limits raised out of the way; the per-client one left at its default.
      const proxy = await proxyFor({ rateLimits: { perAgent: { points: 100, durationSec: 60 }, perDestination: { points: 100, durationSec: 60 } } });
      for (let index = 0; index < 20; index++) {
        const customer = `+9198450${String(20000 + index)}`;
        assert.equal((await proxy.call(startBody(customer))).status, 200, `call ${index + 1}`);
        await proxy.call({ ...startBody(customer), call_action: 'END' });
      }
      const before = upstreamRequests(proxy);
      const answer = await proxy.call(startBody('+919845029999'));
      assert.equal(answer.status, 429);
      assert.equal(answer.json.error.code, 'rate_limited');
      assert.equal(upstreamRequests(proxy), before, 'the 21st never reached Superfone');
    });

    it('two STARTs racing for one agent: exactly one reaches Superfone, the other is agent_busy', async () => {
      const proxy = await proxyFor();
      proxy.upstream.simulator.setFault({ kind: 'slow', delayMs: 300 });
      const answers = await Promise.all([proxy.call(startBody('+918000000001')), proxy.call(startBody('+919845012345'))]);
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409]);
      assert.equal(answers.find((answer) => answer.status === 409)!.json.error.code, 'agent_busy');
      assert.equal(upstreamRequests(proxy), 1);
    });

    it('upstream 429 passes Retry-After through and is not retried', async () => {
      const proxy = await proxyFor();
      proxy.upstream.simulator.setFault({ kind: 'rate-limit', retryAfterSeconds: 42 });
      const answer = await proxy.call(startBody());
      assert.equal(answer.headers.get('retry-after'), '42');
      assert.equal(upstreamRequests(proxy), 1);
    });

    it('after repeated upstream failures STARTs fail fast with 503 upstream_unavailable; ENDs are still tried', async () => {
      const proxy = await proxyFor({ circuitBreaker: { failures: 3, openMs: 300 } });
      proxy.upstream.simulator.setFault({ kind: 'server-error' });
      for (let index = 0; index < 3; index++) await proxy.call(startBody(`+91984501000${index}`));
      const fast = await proxy.call(startBody('+919845010009'));
      assert.equal(fast.status, 503);
      assert.equal(fast.json.error.code, 'upstream_unavailable');
      assert.ok(Number(fast.headers.get('retry-after')) >= 1);
      assert.equal(upstreamRequests(proxy), 3, 'the fourth START never reached Superfone');
      assert.equal((await proxy.call({ ...startBody(), call_action: 'END' })).status, 502, 'an END is still tried');
      assert.equal(upstreamRequests(proxy), 4);
      proxy.upstream.simulator.setFault(null);
      await new Promise((resolve) => setTimeout(resolve, 350));
      assert.equal((await proxy.call(startBody('+919845010008'))).status, 200, 'one trial after the window, and it worked');
    });

    it('failing ENDs never open the breaker: anyone can send ENDs, and they must not shut out new calls', async () => {
      const proxy = await proxyFor({ circuitBreaker: { failures: 2, openMs: 60_000 } });
      proxy.upstream.simulator.setFault({ kind: 'server-error' }, 3);
      for (let index = 0; index < 3; index++) assert.equal((await proxy.call({ ...startBody(), call_action: 'END' })).status, 502, `END ${index + 1} failed upstream`);
      assert.equal((await proxy.call(startBody('+919845010007'))).status, 200, 'the next START still goes to Superfone');
      assert.equal(upstreamRequests(proxy), 4);
    });

    it('by default the breaker opens after 5 consecutive failures, as the README says: the 6th START fails fast', async () => {
      const proxy = await proxyFor({ rateLimits: false });
      proxy.upstream.simulator.setFault({ kind: 'server-error' });
      for (let index = 0; index < 5; index++) assert.equal((await proxy.call(startBody(`+91984503000${index}`))).status, 502, `failure ${index + 1}`);
      const fast = await proxy.call(startBody('+919845030009'));
      assert.equal(fast.status, 503);
      assert.equal(fast.json.error.code, 'upstream_unavailable');
      // Open for 30 s by default: Retry-After says so.
      const retryAfter = Number(fast.headers.get('retry-after'));
      assert.ok(retryAfter > 25 && retryAfter <= 30, `Retry-After ${retryAfter}`);
      assert.equal(upstreamRequests(proxy), 5, 'the sixth START never reached Superfone');
    });

    it('a circuit breaker counts only Superfone failures, and one success closes it', () => {
      const breaker = new CircuitBreaker({ failures: 2, openMs: 1000 });
      breaker.record(true, 0);
      breaker.record(false, 0);
      breaker.record(true, 0);
      assert.equal(breaker.check(0), null, 'the success reset the count');
      breaker.record(true, 0);
      assert.equal(breaker.check(500), 1);
      assert.equal(breaker.check(1000), null, 'one trial after the window');
      assert.equal(breaker.check(1000), 1, 'but only one at a time');
    });

    it('memory stays bounded: 100,000 distinct destinations, then their windows pass', async () => {
      const limits = new CallRateLimits(memoryStore(), { perDestination: { points: 3, durationSec: 1 }, perAgent: false });
      const gc = exposedGc();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let index = 0; index < 100_000; index++) {
        await limits.spendStart({ agentNumber: ASHA, customerNumber: `+91${7000000000 + index}`, clientKey: 'x', agentBound: true });
      }
      const during = process.memoryUsage().heapUsed;
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      gc();
      const after = process.memoryUsage().heapUsed;
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      console.log(`rate-limit memory for 100,000 keys: +${mb(during - before)} MB while counting, +${mb(after - before)} MB after the window`);
      assert.ok(during - before < 100 * 1024 * 1024, 'under 100 MB while counting');
      assert.ok(after - before < 20 * 1024 * 1024, 'released once the window passed');
    });
  });

  describe('what is recorded', () => {
    it('one audit entry per attempt: action, masked numbers, outcome, upstream status, latency', async () => {
      const proxy = await proxyFor();
      await proxy.call(startBody('+918000000001'));
      await proxy.call(startBody('+44 20 7946 0958'));
      const [ok, refused] = proxy.logs;
      assert.deepEqual(
        { action: ok!.action, agent: ok!.agent, customer: ok!.customer, outcome: ok!.outcome, upstreamStatus: ok!.upstreamStatus },
        { action: 'START', agent: '+9198******10', customer: '+9180******01', outcome: 'ok', upstreamStatus: 200 },
      );
      assert.equal(typeof ok!.latencyMs, 'number');
      assert.match(ok!.time, /^\d{4}-\d\d-\d\dT/);
      assert.equal(refused!.outcome, 'forbidden');
      assert.equal(refused!.upstreamStatus, null);
      for (const line of proxy.emitted) assert.doesNotMatch(line, /9876543210|8000000001/, 'no full number in a log line');
    });

    it('masks the middle digits of any number', () => {
      assert.equal(maskNumber('+919876543210'), '+9198******10');
      assert.equal(maskNumber('+14155550100'), '+1415*****00');
      assert.equal(maskNumber(null), null);
    });
  });
});
