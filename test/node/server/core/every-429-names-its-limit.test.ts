import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ASHA, type CallAnswer, proxiesPerTest, type ProxyUnderTest, startBody, VIKRAM } from '../../helpers.js';

// "Too many call requests. Wait 506 s" told an agent neither which limit nor when the
// customer could be called again. Each limit that can refuse a request is named in the
// message, the body (`detail.limit`, with what it allows) and the audit line.
const end = (customer: string, agent: string) => ({ ...startBody(customer, agent), call_action: 'END' });
const AGENTS = ['+919812345001', '+919812345002', '+919812345003', '+919812345004', '+919812345005', '+919812345006', '+919812345007'];
const simulatedAgents = [...AGENTS, ASHA, VIKRAM].map((number) => ({ number, name: number, appOnline: true }));

function assertNamesItsLimit(proxy: ProxyUnderTest, answer: CallAnswer, limit: string, words: RegExp, detail: Record<string, unknown>, logDetail: RegExp): void {
  assert.equal(answer.status, 429);
  assert.equal(answer.json.error.code, 'rate_limited');
  assert.deepEqual(answer.json.error.detail, { limit, ...detail });
  assert.match(answer.json.error.message, words);
  assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/);
  const line = proxy.logs.at(-1)!;
  assert.equal(line.outcome, 'rate_limited');
  assert.equal(line.status, 429);
  assert.match(line.detail ?? '', logDetail, 'the audit line names the limit');
}

describe('every 429 names its limit, in the message, the body and the audit line', { timeout: 60_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('per customer, by default six calls in 30 minutes, whoever calls: the seventh is refused, saying when they may be called again', async () => {
    const proxy = await proxyFor({}, { agents: simulatedAgents });
    const customer = '+918000000041';
    for (const agent of AGENTS.slice(0, 6)) {
      assert.equal((await proxy.call(startBody(customer, agent))).status, 200, `call ${AGENTS.indexOf(agent) + 1} of 6`);
      await proxy.call(end(customer, agent));
    }
    const seventh = await proxy.call(startBody(customer, AGENTS[6]));
    assertNamesItsLimit(
      proxy,
      seventh,
      'per-customer',
      /^This customer has been called 6 times in 30 min \(the per-customer limit\)\. You can call them again in 30 min\.$/,
      { allowed: 6, windowSec: 1800 },
      /^limit per-customer: 6 per 1800 s, next in (1[78]\d\d|1800) s$/,
    );
    assert.ok(Number(seventh.headers.get('retry-after')) > 1_700, 'the window started with the first call, moments ago');
    assert.equal((await proxy.call(startBody('+918000000042', AGENTS[6]))).status, 200, 'another customer is callable');
  });

  it('per agent', async () => {
    const proxy = await proxyFor({ rateLimits: { perAgent: { points: 1, durationSec: 60 } } });
    assert.equal((await proxy.call(startBody('+918000000043'))).status, 200);
    await proxy.call(end('+918000000043', ASHA));
    assertNamesItsLimit(
      proxy,
      await proxy.call(startBody('+918000000044')),
      'per-agent',
      /^You have started 1 calls in 1 min \(the per-agent limit\)\. Wait (\d+ s|1 min), then try again\.$/,
      { allowed: 1, windowSec: 60 },
      /^limit per-agent: 1 per 60 s, next in \d+ s$/,
    );
  });

  it('per client, for a page that names its agent', async () => {
    const proxy = await proxyFor({ rateLimits: { perClient: { points: 1, durationSec: 120 } } });
    assert.equal((await proxy.call(startBody('+918000000045', ASHA))).status, 200);
    assertNamesItsLimit(
      proxy,
      await proxy.call(startBody('+918000000046', VIKRAM)),
      'per-client',
      /^This browser has sent 1 call requests in 2 min \(the per-client limit\)\. Wait (\d+ s|[12] min), then try again\.$/,
      { allowed: 1, windowSec: 120 },
      /^limit per-client: 1 per 120 s, next in \d+ s$/,
    );
  });

  it('ENDs per client: the agent is told to end the call in the app', async () => {
    const proxy = await proxyFor({ rateLimits: { endsPerClient: { points: 1, durationSec: 60 } } });
    await proxy.call(end('+918000000047', ASHA));
    assertNamesItsLimit(
      proxy,
      await proxy.call(end('+918000000047', ASHA)),
      'ends-per-client',
      /^This browser has sent 1 end-call requests in 1 min \(the end-call limit\)\. If a call is still on, end it in the Superfone app; else wait (\d+ s|1 min)\.$/,
      { allowed: 1, windowSec: 60 },
      /^limit ends-per-client: 1 per 60 s, next in \d+ s$/,
    );
  });

  it('Retry-After is never too soon: a client that waits exactly what it was told is let through', { timeout: 20_000 }, async () => {
    // A 2 s window leaves about 1.9 s when the refusal comes: rounded down, "1" would send the client back a second early.
    const proxy = await proxyFor({ rateLimits: { perAgent: { points: 1, durationSec: 2 } } });
    assert.equal((await proxy.call(startBody('+918000000050'))).status, 200);
    await proxy.call(end('+918000000050', ASHA));
    const refused = await proxy.call(startBody('+918000000051'));
    assert.equal(refused.status, 429);
    const told = Number(refused.headers.get('retry-after'));
    assert.ok(told === 1 || told === 2, `Retry-After ${told}: the seconds left in a 2 s window`);
    await new Promise((resolve) => setTimeout(resolve, told * 1000));
    assert.equal((await proxy.call(startBody('+918000000051'))).status, 200, `let through after waiting the ${told} s it was told`);
  });

  it('Superfone’s own limit', async () => {
    const proxy = await proxyFor({});
    proxy.upstream.simulator.setFault({ kind: 'rate-limit', retryAfterSeconds: 7 });
    assertNamesItsLimit(
      proxy,
      await proxy.call(startBody('+918000000048')),
      'superfone',
      /^Superfone is limiting call requests right now \(its own limit\)\. Wait 7 s, then try again\.$/,
      {},
      /^limit superfone$/,
    );
  });

  it('calls followed at once from one browser', async () => {
    const proxy = await proxyFor({ webhookSecret: 'whsec_test_0123456789abcdef', callStreams: { perClient: 1 } });
    const { callId } = (await proxy.call(startBody('+918000000049'))).json;
    const follow = () => proxy.handler(new Request(`http://localhost/api/superfone/calls/${callId}/events`), { clientAddress: '127.0.0.1' });
    const first = await follow();
    try {
      assert.equal(first.status, 200);
      const second = await follow();
      const text = await second.text();
      assertNamesItsLimit(
        proxy,
        { status: second.status, headers: second.headers, text, json: JSON.parse(text) },
        'followed-calls',
        /^Too many streams are open from this browser \(the followed-calls limit\)\. Close other tabs, then reload\.$/,
        {},
        /^limit followed-calls$/,
      );
    } finally {
      await first.body?.cancel();
    }
  });
});
