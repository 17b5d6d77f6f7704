import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';

import type { SimulatorFault } from '../../../../src/simulator/simulator.js';
import { API_KEY, ASHA, assertNoKey, MEERA_OFFLINE, proxiesPerTest, startBody, VIKRAM } from '../../helpers.js';

describe('the proxy calls Superfone once, correctly encoded, and maps every answer', () => {
  const proxyFor = proxiesPerTest();

  it('by default Superfone gets 10 s to answer, as the README says: a START it never answers is 504 after about that long', { timeout: 30_000 }, async () => {
    // The helper's short timeout taken away: the proxy's own default applies.
    const proxy = await proxyFor({ timeoutMs: undefined });
    proxy.upstream.simulator.setFault({ kind: 'hang' }, 1);
    const startedAt = performance.now();
    const answer = await proxy.call(startBody());
    const tookMs = performance.now() - startedAt;
    assert.equal(answer.status, 504);
    assert.equal(answer.json.error.code, 'upstream_timeout');
    assert.ok(tookMs >= 9_500 && tookMs < 12_000, `answered after ${tookMs.toFixed(0)} ms`);
  });

  it('answers a success with Superfone’s documented fields, rebuilt (its notification id, sentSuccess, message), not stored', async () => {
    const proxy = await proxyFor();
    const answer = await proxy.call(startBody());
    assert.equal(answer.status, 200);
    const notification = proxy.upstream.simulator.snapshot().notifications[0]!;
    assert.deepEqual(answer.json, { data: { notificationID: notification.notificationId, sentSuccess: true }, message: 'success' });
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.match(answer.headers.get('content-type')!, /^application\/json/);
  });

  it('sends GET with X-API-Key and exactly the three documented parameters, + as %2B', async () => {
    const proxy = await proxyFor();
    await proxy.call(startBody('080000 00001', '98765 43210'));
    const [request] = proxy.upstream.simulator.snapshot().requests;
    assert.equal(request!.rawQuery, 'customer_number=%2B918000000001&user_number=%2B919876543210&call_action=START');
    assert.deepEqual(request!.parameterNames, ['customer_number', 'user_number', 'call_action']);
    assert.equal(request!.apiKeyValid, true);
  });

  it('reads numbers written in any script’s digits: Devanagari “+९१ …” and Tamil “௦௮௦ …” go to Superfone as E.164', async () => {
    const proxy = await proxyFor();
    const answer = await proxy.call(startBody('௦௮௦௦௦௦ ௦௦௦௦௧', '+९१ ९८७६५ ४३२१०'));
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const [request] = proxy.upstream.simulator.snapshot().requests;
    assert.equal(request!.rawQuery, 'customer_number=%2B918000000001&user_number=%2B919876543210&call_action=START');
  });

  it('ends the call with call_action=END and frees the agent', async () => {
    const proxy = await proxyFor();
    await proxy.call(startBody());
    const answer = await proxy.call({ ...startBody(), call_action: 'END' });
    assert.equal(answer.status, 200);
    assert.match(proxy.upstream.simulator.snapshot().requests[1]!.rawQuery, /call_action=END$/);
    assert.equal(proxy.upstream.simulator.snapshot().agents.find((agent) => agent.number === ASHA)!.activeCall, null);
  });

  it('sentSuccess:false → 502 notification_failed, never a started call', async () => {
    const proxy = await proxyFor();
    const answer = await proxy.call(startBody('+918000000001', MEERA_OFFLINE));
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'notification_failed');
  });

  it('Superfone 401 (the server’s key is wrong) → 502 upstream_auth, not the user’s 401', async () => {
    const proxy = await proxyFor({ apiKey: 'sf_wrong_key' });
    const answer = await proxy.call(startBody());
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'upstream_auth');
    assertNoKey(proxy.emitted, 'sf_wrong_key');
  });

  it('Superfone 404 → 404 agent_not_found', async () => {
    const proxy = await proxyFor();
    const answer = await proxy.call(startBody('+918000000001', '+919000000009'));
    assert.equal(answer.status, 404);
    assert.equal(answer.json.error.code, 'agent_not_found');
  });

  it('an agent already on a call → 409 agent_busy', async () => {
    const proxy = await proxyFor();
    await proxy.call(startBody('+918000000001'));
    const answer = await proxy.call(startBody('+919845012345'));
    assert.equal(answer.status, 409);
    assert.equal(answer.json.error.code, 'agent_busy');
  });

  it('recognises busy from the message when Superfone answers it as a 400', async () => {
    const proxy = await proxyFor({}, { busyResponse: { status: 400, message: 'Agent is already in an active call' } });
    await proxy.call(startBody('+918000000001'));
    const answer = await proxy.call(startBody('+919845012345'));
    assert.equal(answer.status, 409);
    assert.equal(answer.json.error.code, 'agent_busy');
  });

  it('any 409 is busy, whatever its message says (a planted "only 410" survived: the default busy answer also reads as busy)', async () => {
    const proxy = await proxyFor({}, { busyResponse: { status: 409, message: 'Conflict' } });
    await proxy.call(startBody('+918000000001'));
    const answer = await proxy.call(startBody('+919845012345'));
    assert.equal(answer.status, 409);
    assert.equal(answer.json.error.code, 'agent_busy');
  });

  it('busy in the words Superfone might use, as a 400 or 403; a 400 about anything else is not busy', async () => {
    const busyWords = ['Agent has an ongoing call', 'User is busy', 'Already in a call', 'There is an active call for this user'];
    for (const [index, message] of busyWords.entries()) {
      const proxy = await proxyFor({}, { busyResponse: { status: index % 2 === 0 ? 400 : 403, message } });
      await proxy.call(startBody('+918000000001'));
      const answer = await proxy.call(startBody('+919845012345'));
      assert.equal(answer.json.error.code, 'agent_busy', message);
    }
    const other = await proxyFor({}, { busyResponse: { status: 400, message: 'Invalid call_action parameter' } });
    await other.call(startBody('+918000000001'));
    assert.equal((await other.call(startBody('+919845012345'))).json.error.code, 'invalid_number');
  });

  const faults: Array<[string, SimulatorFault, number, string, RegExp?]> = [
    ['500', { kind: 'server-error' }, 502, 'upstream_error', /HTTP 500/],
    ['an HTML page', { kind: 'html' }, 502, 'upstream_error', /HTTP 502/],
    ['truncated JSON', { kind: 'truncated-json' }, 502, 'upstream_error', /could not read/],
    ['a reset connection', { kind: 'reset' }, 502, 'upstream_error', /connection to Superfone failed/],
    ['429', { kind: 'rate-limit', retryAfterSeconds: 7 }, 429, 'rate_limited'],
    ['400 Invalid phone number', { kind: 'reject', status: 400, message: 'Invalid phone number' }, 400, 'invalid_number', /rejected one of the phone numbers/],
    ['400 Invalid request', { kind: 'reject', status: 400, message: 'Invalid request' }, 400, 'invalid_number', /rejected one of the phone numbers/],
    ['401 UnAuthorized', { kind: 'reject', status: 401, message: 'UnAuthorized, Please Provide Valid API Key' }, 502, 'upstream_auth'],
    ['403 Forbidden', { kind: 'reject', status: 403, message: 'Forbidden' }, 502, 'upstream_auth'],
    ['404 User not found', { kind: 'reject', status: 404, message: 'User not found' }, 404, 'agent_not_found'],
  ];
  for (const [what, fault, status, code, message] of faults) {
    it(`${what} → ${status} ${code}, after exactly one upstream request`, async () => {
      const proxy = await proxyFor();
      proxy.upstream.simulator.setFault(fault);
      const answer = await proxy.call(startBody());
      assert.equal(answer.status, status);
      assert.equal(answer.json.error.code, code);
      if (message) assert.match(answer.json.error.message, message);
      assert.equal(proxy.upstream.simulator.snapshot().requests.length, 1, 'START is never retried');
    });
  }

  it('429 passes Retry-After through', async () => {
    const proxy = await proxyFor();
    proxy.upstream.simulator.setFault({ kind: 'rate-limit', retryAfterSeconds: 7 });
    assert.equal((await proxy.call(startBody())).headers.get('retry-after'), '7');
  });

  it('no answer within timeoutMs → 504 upstream_timeout that says the outcome is unknown', async () => {
    const proxy = await proxyFor({ timeoutMs: 300 });
    proxy.upstream.simulator.setFault({ kind: 'hang' });
    const startedAt = performance.now();
    const answer = await proxy.call(startBody());
    const elapsed = performance.now() - startedAt;
    assert.equal(answer.status, 504);
    assert.equal(answer.json.error.code, 'upstream_timeout');
    assert.match(answer.json.error.message, /unknown whether/);
    assert.ok(elapsed >= 290 && elapsed < 3_000, `gave up after ${Math.round(elapsed)} ms`);
    assert.equal(proxy.upstream.simulator.snapshot().requests.length, 1);
  });

  it('a slow answer inside the timeout still succeeds', async () => {
    const proxy = await proxyFor({ timeoutMs: 1_000 });
    proxy.upstream.simulator.setFault({ kind: 'slow', delayMs: 200 });
    assert.equal((await proxy.call(startBody())).status, 200);
  });

  it('logs one line per request, with outcome and upstream status, and never the key', async () => {
    const proxy = await proxyFor();
    await proxy.call(startBody());
    await proxy.call(startBody('12345'));
    assert.deepEqual(
      proxy.logs.map(({ action, outcome, status, upstreamStatus }) => ({ action, outcome, status, upstreamStatus })),
      [
        { action: 'START', outcome: 'ok', status: 200, upstreamStatus: 200 },
        { action: null, outcome: 'invalid_number', status: 400, upstreamStatus: null },
      ],
    );
  });

  describe('authorize', () => {
    it('binds the signed-in user’s agent when the page names none', async () => {
      const proxy = await proxyFor({ authorize: () => '98123 45678' });
      const answer = await proxy.call(startBody('+918000000001', null));
      assert.equal(answer.status, 200);
      assert.equal(proxy.upstream.simulator.snapshot().notifications[0]!.agentNumber, VIKRAM);
    });

    it('accepts the same agent written another way', async () => {
      const proxy = await proxyFor({ authorize: async () => VIKRAM });
      assert.equal((await proxy.call(startBody('+918000000001', '098123 45678'))).status, 200);
    });

    it('refuses another agent with 403 forbidden, before Superfone', async () => {
      const proxy = await proxyFor({ authorize: () => VIKRAM });
      const answer = await proxy.call(startBody('+918000000001', ASHA));
      assert.equal(answer.status, 403);
      assert.equal(answer.json.error.code, 'forbidden');
      assert.equal(proxy.upstream.simulator.snapshot().requests.length, 0);
    });

    it('false → 401 unauthorized, before the body is even read', async () => {
      const proxy = await proxyFor({ authorize: () => false });
      const answer = await proxy.call(undefined, { rawBody: 'not json' });
      assert.equal(answer.status, 401);
      assert.equal(answer.json.error.code, 'unauthorized');
    });

    it('a throwing hook → 500 internal_error; the reason goes to the log only, key redacted', async () => {
      const proxy = await proxyFor({
        authorize: () => {
          throw new Error(`session store down (config had ${API_KEY})`);
        },
      });
      const answer = await proxy.call(startBody());
      assert.equal(answer.status, 500);
      assert.equal(answer.json.error.code, 'internal_error');
      assert.doesNotMatch(answer.text, /session store/);
      assert.match(proxy.logs[0]!.detail!, /session store down \(config had \[redacted\]\)/);
    });

    it('an invalid bound number is the integrator’s bug: 500, logged', async () => {
      const proxy = await proxyFor({ authorize: () => 'not a number' });
      const answer = await proxy.call(startBody());
      assert.equal(answer.status, 500);
      assert.match(proxy.logs[0]!.detail!, /authorize\(\) returned an agent number/);
    });
  });

  describe('a redirect from upstream', () => {
    const seenElsewhere: IncomingHttpHeaders[] = [];
    const elsewhere = createServer((req, res) => {
      seenElsewhere.push(req.headers);
      res.end('{}');
    });
    const redirecting = createServer((_req, res) => {
      const { port } = elsewhere.address() as AddressInfo;
      res.writeHead(302, { Location: `http://127.0.0.1:${port}/steal` });
      res.end();
    });
    after(() => {
      elsewhere.close();
      redirecting.close();
    });

    it('is not followed, so the key goes nowhere else', async () => {
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
      const { port } = redirecting.address() as AddressInfo;
      const proxy = await proxyFor({ apiBase: `http://127.0.0.1:${port}/superfone/api` });
      const answer = await proxy.call(startBody());
      assert.equal(answer.status, 502);
      assert.equal(answer.json.error.code, 'upstream_error');
      assert.equal(seenElsewhere.length, 0);
    });
  });
});
