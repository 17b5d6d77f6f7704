import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { rawExchange } from '../../../support/raw-http.js';
import { API_KEY, assertNoKey, type HttpProxyUnderTest, startBody, startHttpProxy } from '../../helpers.js';

// The browser judges CORS in test/e2e (crm-page-on-another-origin…); these check what no
// browser can be asked: each header is on the wire once, and an origin not listed reads
// nothing on any route.
const CRM = 'https://crm.example.com';
const EVIL = 'https://evil.test';

/** The header lines of a raw answer, names lower-cased, each as many times as it was sent. */
function headerLines(text: string): Array<[string, string]> {
  const head = text.split('\r\n\r\n', 1)[0]!;
  return head
    .split('\r\n')
    .slice(1)
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    });
}

describe('CORS: one grant on every route, errors included; nothing for origins not listed', { timeout: 30_000 }, () => {
  let proxy: HttpProxyUnderTest;
  let port: number;
  let callId: string;

  before(async () => {
    proxy = await startHttpProxy({ allowedOrigins: [CRM], webhookSecret: 'whsec_test_0123456789abcdef', callStreams: { perClient: 1 } });
    port = Number(new URL(proxy.base).port);
    const started = await fetch(`${proxy.base}call`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: CRM }, body: JSON.stringify(startBody()) });
    callId = (await started.json()).callId;
  });
  after(() => proxy?.close());

  const send = (method: string, path: string, headers: Record<string, string>, body = '') =>
    rawExchange(
      port,
      [
        `${method} /api/superfone/${path} HTTP/1.1`,
        'Host: 127.0.0.1',
        'Connection: close',
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
      { endAfterWrite: false },
    );

  it('every CORS header once, on preflights and answers of the calls’ and the follow routes', async () => {
    const exchanges = {
      'call preflight': await send('OPTIONS', 'call', { Origin: CRM, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' }),
      'status preflight': await send('OPTIONS', `calls/${callId}`, { Origin: CRM, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'last-event-id' }),
      call: await send('POST', 'call', { Origin: CRM, 'Content-Type': 'application/json' }, JSON.stringify({ ...startBody(), call_action: 'END' })),
      status: await send('GET', `calls/${callId}`, { Origin: CRM }),
      'unknown call': await send('GET', 'calls/0123456789abcdef0123456789abcdef', { Origin: CRM }),
      'bad call': await send('POST', 'call', { Origin: CRM, 'Content-Type': 'application/json' }, '{"call_action":"START"}'),
    };
    for (const [what, exchange] of Object.entries(exchanges)) {
      const lines = headerLines(exchange.text);
      const names = lines.map(([name]) => name);
      for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'vary']) {
        assert.equal(names.filter((each) => each === name).length, 1, `${what}: ${name} once, in ${JSON.stringify(names)}`);
      }
      assert.equal(lines.find(([name]) => name === 'access-control-allow-origin')![1], CRM, what);
    }
    const allowHeaders = (exchange: (typeof exchanges)[keyof typeof exchanges]) => headerLines(exchange.text).find(([name]) => name === 'access-control-allow-headers')?.[1];
    assert.match(allowHeaders(exchanges['status preflight'])!, /Last-Event-ID/i, 'a resumed stream may send Last-Event-ID');
    assert.match(allowHeaders(exchanges['call preflight'])!, /Content-Type/i);
    assert.deepEqual(exchanges['unknown call'].statuses, [404]);
    assertNoKey([...Object.values(exchanges).map((exchange) => exchange.text)], API_KEY);
  });

  it('a 429 from a follow route carries the grant and exposes Retry-After', async () => {
    // This client may hold one stream; the second is refused.
    const first = await fetch(`${proxy.base}calls/${callId}/events`, { headers: { Origin: CRM } });
    try {
      const second = await send('GET', `calls/${callId}/events`, { Origin: CRM });
      assert.deepEqual(second.statuses, [429]);
      const lines = new Map(headerLines(second.text));
      assert.equal(lines.get('access-control-allow-origin'), CRM);
      assert.match(lines.get('access-control-expose-headers') ?? '', /Retry-After/i);
      assert.ok(Number(lines.get('retry-after')) > 0);
    } finally {
      await first.body?.cancel();
    }
  });

  for (const [what, method, path] of [
    ['a call', 'POST', 'call'],
    ['a call’s status', 'GET', 'calls/ID'],
    ['a call’s stream', 'GET', 'calls/ID/events'],
    ['the status preflight', 'OPTIONS', 'calls/ID'],
  ] as const) {
    it(`${what} from an origin not listed: 403, no grant, nothing of the call`, async () => {
      const exchange = await send(
        method,
        path.replace('ID', callId),
        { Origin: EVIL, 'Content-Type': 'application/json' },
        method === 'POST' ? JSON.stringify(startBody('+918000000009')) : '',
      );
      assert.deepEqual(exchange.statuses, [403], exchange.text);
      assert.ok(!/access-control-allow-origin/i.test(exchange.text), exchange.text);
      assert.ok(!exchange.text.includes(callId) && !exchange.text.includes('"state"'), 'nothing of the call leaks');
    });
  }
});
