import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import fc from 'fast-check';

import { ASHA, assertNoKey, type ProxyUnderTest, startProxy, VIKRAM } from '../../helpers.js';

const RUNS = 10_000;

/** Numbers as pages write them, and strings built to break a query string or a parser. */
const phoneLike = fc.oneof(
  fc.constantFrom('+91 80000 00001', '080000 00001', '(080) 2345-6789', 'tel:+919845012345', '0091 98450 12345', '98450-12345', '+44 20 7946 0958'),
  fc.constantFrom(
    '+918000000001&user_number=+919812345678',
    '+918000000001#',
    '%2B918000000001',
    '+91 80000 00001&call_action=END',
    '９８４５０ １２３４５',
    '٩٨٤٥٠١٢٣٤٥',
    '+91\u00a098450\u00a012345',
  ),
  fc.stringMatching(/^[+0-9 ()&#%=.\-]{0,24}$/),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.constant(null),
);

/** The numbers written above, read by hand: the expected values are not the code under test's. */
const READ_BY_HAND: Record<string, string> = {
  '+91 80000 00001': '+918000000001',
  '080000 00001': '+918000000001',
  '(080) 2345-6789': '+918023456789',
  'tel:+919845012345': '+919845012345',
  '0091 98450 12345': '+919845012345',
  '98450-12345': '+919845012345',
  '+44 20 7946 0958': '+442079460958',
  '９８４５０ １２３４５': '+919845012345',
  '٩٨٤٥٠١٢٣٤٥': '+919845012345',
  '+91\u00a098450\u00a012345': '+919845012345',
  [ASHA]: ASHA,
  [VIKRAM]: VIKRAM,
  '98765 43210': '+919876543210',
  '+919000000009': '+919000000009',
};

/**
 * What a number sent as `written` must reach Superfone as: read by hand above, else read
 * the way a person dialling in India reads generated digits (a leading + keeps its country
 * code, 00 is the international prefix, a leading 0 the trunk prefix, bare digits are
 * Indian). Not libphonenumber-js, which the code under test wraps: its reading would only
 * agree with itself. Whether generated digits are a number in use is the plan's to say; a
 * number that reaches Superfone must at least have a plan's length (below).
 */
function expectedE164(written: unknown): string | undefined {
  if (typeof written !== 'string') return undefined;
  if (written in READ_BY_HAND) return READ_BY_HAND[written];
  const digits = written.replace(/\D/g, '');
  if (!digits) return undefined;
  if (written.trim().startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  if (digits.startsWith('0')) return `+91${digits.slice(1)}`;
  return `+91${digits}`;
}

/** India's and Britain's numbers (the countries allowed here) have ten digits after the country code. */
const PLAN_LENGTH = /^\+(91|44)\d{10}$/;

/** A well-formed request body: most of these should reach Superfone. */
const wellFormed = fc
  .record({
    customer_number: fc.constantFrom('+91 80000 00001', '080000 00001', '(080) 2345-6789', 'tel:+919845012345', '0091 98450 12345', '+44 20 7946 0958', '９８４５０ １２３４５'),
    user_number: fc.constantFrom(ASHA, VIKRAM, '98765 43210', '+919000000009'),
    call_action: fc.constantFrom('START', 'END'),
  })
  .map((fields) => JSON.stringify(fields));

const body = fc.oneof(
  { arbitrary: wellFormed, weight: 12 },
  fc
    .record(
      {
        customer_number: phoneLike,
        user_number: fc.oneof(fc.constantFrom(ASHA, VIKRAM, '98765 43210', '+919000000009'), phoneLike),
        call_action: fc.oneof(fc.constantFrom('START', 'END'), fc.string({ maxLength: 8 })),
        extra: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map((fields) => JSON.stringify(fields)),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.nat({ max: 9000 }).map((size) => JSON.stringify({ customer_number: '9'.repeat(size), call_action: 'START' })),
);

const request = fc.record({
  method: fc.oneof({ arbitrary: fc.constant('POST'), weight: 6 }, fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD')),
  contentType: fc.oneof(
    { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON'), weight: 6 },
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', '', 'application/jsonp'),
  ),
  // Either both headers, as a browser sends them, or neither, as a server-side client does.
  site: fc.oneof(
    { arbitrary: fc.constantFrom({}, { origin: 'http://localhost', fetchSite: 'same-origin' }), weight: 6 },
    fc.constantFrom(
      { origin: 'https://evil.test', fetchSite: 'cross-site' },
      { origin: 'null', fetchSite: 'cross-site' },
      { fetchSite: 'cross-site' },
      { origin: 'http://localhost', fetchSite: 'none' },
    ),
  ) as fc.Arbitrary<{ origin?: string; fetchSite?: string }>,
  body,
});

describe(`the proxy under ${RUNS.toLocaleString('en')} generated requests (fast-check)`, () => {
  let proxy: ProxyUnderTest;
  before(async () => {
    // Limits and the breaker would turn later runs into 429s and 503s; their rules have their own tests.
    proxy = await startProxy({ rateLimits: false, circuitBreaker: false, allowedCountries: ['IN', 'GB'] });
  });
  after(async () => {
    assertNoKey(proxy.emitted);
    await proxy.close();
  });

  it('no 5xx; Superfone is called only with valid input, and only with the three documented parameters', async () => {
    let upstreamCalls = 0;
    await fc.assert(
      fc.asyncProperty(request, async (generated) => {
        const simulator = proxy.upstream.simulator;
        const before = simulator.requestCount;
        const headers: Record<string, string> = {};
        if (generated.contentType) headers['Content-Type'] = generated.contentType;
        if (generated.site.origin) headers.Origin = generated.site.origin;
        if (generated.site.fetchSite) headers['Sec-Fetch-Site'] = generated.site.fetchSite;
        const bodyless = generated.method === 'GET' || generated.method === 'HEAD';
        const response = await proxy.handler(
          new Request('http://localhost/api/superfone/call', { method: generated.method, headers, body: bodyless ? undefined : generated.body }),
        );
        const text = await response.text();
        proxy.emitted.push(text);
        assert.ok(response.status < 500, `HTTP ${response.status} for ${JSON.stringify(generated)}: ${text}`);

        if (simulator.requestCount === before) return;
        assert.equal(simulator.requestCount, before + 1, 'at most one upstream call per request');
        upstreamCalls += 1;
        // Only a well-formed POST can have got this far; check Superfone got exactly what was validated.
        const sent = JSON.parse(generated.body) as Record<string, unknown>;
        const upstream = simulator.lastRequest()!;
        assert.deepEqual(upstream.parameterNames, ['customer_number', 'user_number', 'call_action']);
        const query = new URLSearchParams(upstream.rawQuery);
        const [expectedCustomer, expectedAgent] = [expectedE164(sent.customer_number), expectedE164(sent.user_number)];
        assert.ok(expectedCustomer && expectedAgent, `only numbers reach Superfone: ${generated.body}`);
        assert.match(query.get('customer_number') ?? '', PLAN_LENGTH, `only a number of a plan's length reaches Superfone: ${generated.body}`);
        assert.equal(query.get('customer_number'), expectedCustomer);
        assert.equal(query.get('user_number'), expectedAgent);
        assert.equal(query.get('call_action'), sent.call_action);
        assert.match(upstream.rawQuery, /^customer_number=%2B\d+&user_number=%2B\d+&call_action=(START|END)$/);
      }),
      { numRuns: RUNS },
    );
    console.log(`property run: ${RUNS} requests, ${upstreamCalls} reached the simulator`);
    assert.ok(upstreamCalls > 1000, 'the generators produce valid requests too, so the upstream checks ran');
  });
});
