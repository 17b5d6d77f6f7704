import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { createSuperfoneProxy } from '../../../../src/server/core/proxy.js';
import { API_KEY, ASHA, assertNoKey, type ProxyUnderTest, startBody, startProxy } from '../../helpers.js';

describe('the proxy refuses bad input with a clear error and no upstream call', () => {
  let proxy: ProxyUnderTest;
  before(async () => {
    proxy = await startProxy();
  });
  after(async () => {
    assertNoKey(proxy.emitted);
    await proxy.close();
  });
  beforeEach(() => proxy.upstream.simulator.reset());

  function assertRefused(answer: { status: number; json: any }, status: number, code: string, message: RegExp): void {
    assert.equal(answer.status, status);
    assert.equal(answer.json.error.code, code);
    assert.match(answer.json.error.message, message);
    assert.equal(proxy.upstream.simulator.snapshot().requests.length, 0, 'nothing reached Superfone');
  }

  it('GET → 405 with Allow: POST', async () => {
    const answer = await proxy.call(undefined, { method: 'GET' });
    assertRefused(answer, 405, 'bad_request', /Use POST/);
    assert.equal(answer.headers.get('allow'), 'POST');
  });

  it('a form post → 415', async () => {
    const answer = await proxy.call(undefined, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      rawBody: 'customer_number=%2B918000000001&call_action=START',
    });
    assertRefused(answer, 415, 'bad_request', /JSON/);
  });

  it('JSON with a charset parameter is accepted', async () => {
    const answer = await proxy.call(startBody(), { headers: { 'Content-Type': 'Application/JSON; charset=utf-8' } });
    assert.equal(answer.status, 200);
  });

  it('a body over the limit → 413', async () => {
    const answer = await proxy.call(undefined, { rawBody: JSON.stringify({ ...startBody(), pad: 'x'.repeat(10_000) }) });
    assertRefused(answer, 413, 'bad_request', /^The call request is larger than 4096 bytes\.$/);
  });

  it('a body in more pieces than a real request comes in → 413 that says so, each message naming the call request', async () => {
    // 4096 bytes at most, so at most 64 pieces (maxPiecesFor): 100 one-byte pieces are a trickle.
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 100) controller.enqueue(new TextEncoder().encode(' '));
        else controller.close();
      },
    });
    const response = await proxy.handler(
      new Request('http://localhost/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, duplex: 'half' } as RequestInit),
    );
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: { message: string } }).error.message, 'The call request came in more than 64 pieces; send it in one.');
    assert.equal(proxy.upstream.simulator.snapshot().requests.length, 0, 'nothing reached Superfone');
  });

  it('a streamed body over the limit, without Content-Length → 413', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await proxy.handler(
      new Request('http://localhost/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, duplex: 'half' } as RequestInit),
    );
    assert.equal(response.status, 413);
    assert.ok(sent < 10, 'stopped reading once over the limit');
  });

  const malformedBodies: Array<[string, string, RegExp]> = [
    ['not JSON', '{"customer_number": ', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['a string', '"+918000000001"', /JSON object/],
    ['null', 'null', /JSON object/],
    ['an unknown field', JSON.stringify({ ...startBody(), api_key: 'x' }), /Unknown field "api_key"/],
    ['no call_action', JSON.stringify({ customer_number: '+918000000001', user_number: ASHA }), /call_action/],
    ['a lower-case call_action', JSON.stringify({ ...startBody(), call_action: 'start' }), /call_action/],
    ['a numeric customer_number', JSON.stringify({ ...startBody(), customer_number: 918000000001 }), /customer_number must be a string/],
    ['an object user_number', JSON.stringify({ ...startBody(), user_number: { number: ASHA } }), /user_number must be a string/],
  ];
  for (const [what, rawBody, message] of malformedBodies) {
    it(`${what} → 400 bad_request`, async () => {
      assertRefused(await proxy.call(undefined, { rawBody }), 400, 'bad_request', message);
    });
  }

  const badNumbers: Array<[string, string]> = [
    ['too short', '12345'],
    ['letters', 'call me'],
    ['a parameter smuggled in', '+918000000001&user_number=+919812345678'],
    ['a fragment', '+918000000001#'],
    ['a pre-encoded plus', '%2B918000000001'],
    ['empty', ''],
  ];
  for (const [what, number] of badNumbers) {
    it(`customer number ${what} → 400 invalid_number`, async () => {
      assertRefused(await proxy.call(startBody(number)), 400, 'invalid_number', /customer number .* is not a valid phone number/);
    });
  }

  it('an invalid agent number → 400 invalid_number naming the agent number', async () => {
    assertRefused(await proxy.call(startBody('+918000000001', '555')), 400, 'invalid_number', /agent number/);
  });

  it('no agent number and no authorize binding → 400 that says where to set it', async () => {
    assertRefused(await proxy.call(startBody('+918000000001', null)), 400, 'bad_request', /agent-number/);
  });

  it('quotes at most 40 characters of a bad value back, then an ellipsis; a value of 40 whole', async () => {
    const sixty = 'abcdefghij'.repeat(6);
    const long = await proxy.call(startBody(`${sixty}XYZ`));
    assert.match(long.json.error.message, /^The customer number “abcdefghijabcdefghijabcdefghijabcdefghij…” is not a valid phone number\./);
    const forty = await proxy.call(startBody(sixty.slice(0, 40)));
    assert.match(forty.json.error.message, /^The customer number “abcdefghijabcdefghijabcdefghijabcdefghij” is not/);
    const fortyOne = await proxy.call(startBody(`${sixty.slice(0, 40)}Q`));
    assert.ok(!fortyOne.json.error.message.includes('Q'), 'the 41st character is not quoted');
  });

  it('refuses to start without an API key, or with options it cannot use', () => {
    assert.throws(() => createSuperfoneProxy({ apiKey: '' }), /apiKey is required/);
    assert.throws(() => createSuperfoneProxy({ apiKey: API_KEY, defaultCountry: 'XX' as never }), /defaultCountry "XX" is not a known two-letter region code/);
    assert.throws(() => createSuperfoneProxy({ apiKey: API_KEY, timeoutMs: 0 }), /timeoutMs/);
    assert.throws(() => createSuperfoneProxy({ apiKey: API_KEY, apiBase: 'not a url' }), /apiBase/);
    // Each limit needs both halves: a window of 0 s (or none) would count nothing and limit nothing.
    for (const durationSec of [0, -60, Number.NaN]) {
      assert.throws(
        () => createSuperfoneProxy({ apiKey: API_KEY, rateLimits: { perDestination: { points: 6, durationSec } } }),
        /rateLimits\.perDestination: points must be a positive whole number and durationSec positive/,
        `durationSec ${durationSec}`,
      );
    }
    for (const points of [0, 2.5, -1]) {
      assert.throws(
        () => createSuperfoneProxy({ apiKey: API_KEY, rateLimits: { perAgent: { points, durationSec: 60 } } }),
        /rateLimits\.perAgent: points must be a positive whole number/,
        `points ${points}`,
      );
    }
  });
});
