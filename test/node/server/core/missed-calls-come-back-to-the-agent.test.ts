import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { SignJWT } from 'jose';

import { toContactName } from '../../../../src/server/core/notifications/call-record-mapping.js';
import type { PlatformInfo } from '../../../../src/server/core/proxy-message.js';
import { EventStreamReader } from '../../../support/sse-reader.js';
import { ASHA, proxiesPerTest, type ProxyUnderTest, startBody, startHttpProxy, VIKRAM } from '../../helpers.js';

// A customer who calls the business and misses the agent is often the day's hottest lead.
// The proxy keeps each agent's missed calls (MISSED_CALL, or an unanswered ALL_CALLS, for an
// inbound call or one it did not place) for 24 hours, serves them to that agent only, and
// forgets one when the agent calls the number back or dismisses it. Payloads are written
// by hand in the reported shape; tokens are made by jose.
const SECRET = 'whsec_test_0123456789abcdef';
const JWT_SECRET = 'jwt_test_secret_0123456789abcdef_0123456789';
const CUSTOMER = '+918000000001';
const HOST = 'http://localhost/api/superfone';
const LOOPBACK: PlatformInfo = { clientAddress: '127.0.0.1' };

function missedDelivery(event: 'MISSED_CALL' | 'ALL_CALLS', fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event,
    superfone_number: '+918069000000',
    cdr_phone: '08000000001',
    staff_phone: '919876543210',
    cdr_id: 'cdr-missed-1',
    cdr_disposition: 'NO_ANSWER',
    cdr_duration: 0,
    cdr_start: '2026-12-07 10:15:00',
    cdr_call_type: 'INBOUND',
    contact_first_name: 'Priya',
    contact_last_name: 'Nair',
    ...fields,
  };
}

async function deliver(proxy: ProxyUnderTest, payload: Record<string, unknown>): Promise<void> {
  const answer = await proxy.handler(
    new Request(`${HOST}/webhook`, { method: 'POST', headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' }, body: JSON.stringify(payload) }),
    LOOPBACK,
  );
  assert.equal(answer.status, 200, await answer.text());
}

async function get(proxy: ProxyUnderTest, path: string, init: { headers?: Record<string, string>; platform?: PlatformInfo; method?: string } = {}) {
  const response = await proxy.handler(new Request(`${HOST}/${path}`, { method: init.method ?? 'GET', headers: init.headers }), init.platform ?? LOOPBACK);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

const listOf = (proxy: ProxyUnderTest, agent = ASHA) => get(proxy, `missed-calls?agent=${encodeURIComponent(agent)}`);

describe('missed calls come back to the agent', { timeout: 60_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('an inbound MISSED_CALL (and its ALL_CALLS) is one missed call for its agent: number, time, contact name', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET });
    await deliver(proxy, missedDelivery('MISSED_CALL'));
    await deliver(proxy, missedDelivery('ALL_CALLS'));
    const list = await listOf(proxy);
    assert.equal(list.status, 200);
    assert.equal(list.json.agentNumber, ASHA);
    assert.equal(list.json.missedCalls.length, 1);
    const [missed] = list.json.missedCalls;
    assert.deepEqual([missed.customerNumber, missed.agentNumber, missed.at, missed.contactName], [CUSTOMER, ASHA, '2026-12-07T04:45:00.000Z', 'Priya Nair']);
    assert.match(missed.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual((await listOf(proxy, VIKRAM)).json.missedCalls, [], 'another agent’s list has none of it');
  });

  it('the contact name: the whole name, else first and last joined; one past 80 characters is cut to 79 and an ellipsis', () => {
    assert.equal(toContactName({ contact_name: 'Priya Nair' }), 'Priya Nair');
    assert.equal(toContactName({ contact_first_name: 'Priya', contact_last_name: 'Nair' }), 'Priya Nair');
    assert.equal(toContactName({ contact_first_name: 'Priya' }), 'Priya');
    assert.equal(toContactName({}), null);
    const eighty = 'Sri Venkateswara Enterprises Private Limited, Hyderabad'.padEnd(80, '.');
    assert.equal(eighty.length, 80);
    assert.equal(toContactName({ contact_name: eighty }), eighty);
    assert.equal(toContactName({ contact_name: `${eighty} 2` }), `${eighty.slice(0, 79)}…`);
    assert.equal(toContactName({ customer_label: 'Priya' }, { contactName: ['customer_label'] }), 'Priya');
  });

  it('what is not a missed call: an answered inbound call, an unanswered call this proxy placed, one with no agent or no customer', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET });
    await deliver(proxy, missedDelivery('ALL_CALLS', { cdr_id: 'a', cdr_disposition: 'ANSWERED', cdr_duration: 40 }));
    await deliver(proxy, missedDelivery('ALL_CALLS', { cdr_id: 'b', staff_phone: null }));
    await deliver(proxy, missedDelivery('ALL_CALLS', { cdr_id: 'c', cdr_phone: 'anonymous' }));
    // The agent's own call, placed here and not answered by the customer.
    const started = await proxy.call(startBody('+918000000002', ASHA));
    assert.equal(started.status, 200);
    await deliver(proxy, missedDelivery('ALL_CALLS', { cdr_id: 'd', cdr_phone: '+918000000002', cdr_call_type: 'OUTBOUND', cdr_start: new Date().toISOString() }));
    assert.deepEqual((await listOf(proxy)).json.missedCalls, []);
    // An unanswered call that matches no START, whichever way it is said to go, is one.
    await deliver(proxy, missedDelivery('ALL_CALLS', { cdr_id: 'e', cdr_phone: '+918000000003', cdr_call_type: null, cdr_disposition: 'BUSY' }));
    assert.deepEqual(
      (await listOf(proxy)).json.missedCalls.map((call: { customerNumber: string }) => call.customerNumber),
      ['+918000000003'],
    );
  });

  it('a customer the agent just called, calling in unanswered, is a missed call, though the record matches the START', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET });
    assert.equal((await proxy.call(startBody('+918000000004', ASHA))).status, 200);
    await deliver(proxy, missedDelivery('MISSED_CALL', { cdr_id: 'f', cdr_phone: '+918000000004', cdr_start: new Date().toISOString() }));
    assert.deepEqual(
      (await listOf(proxy)).json.missedCalls.map((call: { customerNumber: string }) => call.customerNumber),
      ['+918000000004'],
    );
  });

  it('newest first; at most 100 kept per agent, the oldest going first', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET });
    for (let index = 0; index < 102; index++) {
      const minute = String(index % 60).padStart(2, '0');
      const hour = String(8 + Math.floor(index / 60)).padStart(2, '0');
      await deliver(
        proxy,
        missedDelivery('MISSED_CALL', { cdr_id: `many-${index}`, cdr_phone: `+9180000${String(index).padStart(5, '0')}`, cdr_start: `2026-12-07 ${hour}:${minute}:00` }),
      );
    }
    const { missedCalls } = (await listOf(proxy)).json;
    assert.equal(missedCalls.length, 100);
    assert.equal(missedCalls[0].customerNumber, '+918000000101', 'the newest first');
    assert.equal(missedCalls.at(-1).customerNumber, '+918000000002', 'the two oldest are gone');
  });

  it('kept 24 hours, then gone (the clock mocked)', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET });
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-07T05:00:00Z') });
    try {
      await deliver(proxy, missedDelivery('MISSED_CALL', { cdr_start: '2026-12-07 10:30:00' }));
      mock.timers.tick(24 * 3_600_000 - 60_000);
      assert.equal((await listOf(proxy)).json.missedCalls.length, 1, 'still there a minute short of a day');
      mock.timers.tick(2 * 60_000);
      assert.deepEqual((await listOf(proxy)).json.missedCalls, [], 'gone after a day');
    } finally {
      mock.timers.reset();
    }
  });

  it('calling the number back clears it for that agent only; dismissing clears one, once', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET });
    await deliver(proxy, missedDelivery('MISSED_CALL'));
    await deliver(proxy, missedDelivery('MISSED_CALL', { cdr_id: 'for-vikram', staff_phone: '919812345678' }));
    await deliver(proxy, missedDelivery('MISSED_CALL', { cdr_id: 'other', cdr_phone: '+918000000009', contact_first_name: null }));
    assert.equal((await proxy.call(startBody(CUSTOMER, ASHA))).status, 200);
    const left = (await listOf(proxy)).json.missedCalls;
    assert.deepEqual(
      left.map((call: { customerNumber: string; contactName: string | null }) => [call.customerNumber, call.contactName]),
      [['+918000000009', null]],
    );
    assert.equal((await listOf(proxy, VIKRAM)).json.missedCalls.length, 1, 'Vikram still has his');

    assert.equal((await get(proxy, `missed-calls/${left[0].id}/dismiss?agent=${encodeURIComponent(VIKRAM)}`, { method: 'POST' })).status, 404, 'not Vikram’s to dismiss');
    assert.equal((await get(proxy, `missed-calls/${left[0].id}/dismiss?agent=${encodeURIComponent(ASHA)}`)).status, 405);
    const dismissed = await get(proxy, `missed-calls/${left[0].id}/dismiss?agent=${encodeURIComponent(ASHA)}`, { method: 'POST' });
    assert.deepEqual([dismissed.status, dismissed.json], [200, { ok: true }]);
    assert.deepEqual((await listOf(proxy)).json.missedCalls, []);
    const again = await get(proxy, `missed-calls/${left[0].id}/dismiss?agent=${encodeURIComponent(ASHA)}`, { method: 'POST' });
    assert.deepEqual([again.status, again.json.error.message], [404, 'No such missed call: it was called back or dismissed already.']);
    assert.equal((await get(proxy, `missed-calls/not-an-id/dismiss?agent=${encodeURIComponent(ASHA)}`, { method: 'POST' })).status, 404);
  });

  it('without sign-in: this machine only, and it must name the agent', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET });
    await deliver(proxy, missedDelivery('MISSED_CALL'));
    for (const clientAddress of ['203.0.113.5', '10.0.0.7', '::ffff:192.168.1.2', '2001:db8::1']) {
      const refused = await get(proxy, `missed-calls?agent=${encodeURIComponent(ASHA)}`, { platform: { clientAddress } });
      assert.deepEqual([refused.status, refused.json.error.code], [403, 'forbidden'], clientAddress);
      assert.equal(refused.json.error.message, 'Missed calls are served without sign-in only to this machine. Set up sign-in (auth) to show them to agents.');
    }
    for (const clientAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal((await listOf(proxy)).status, 200, clientAddress);
    const unnamed = await get(proxy, 'missed-calls');
    assert.deepEqual([unnamed.status, unnamed.json.error.message], [400, 'Whose missed calls? Add ?agent=<the agent’s number>, or set up sign-in.']);
    const bad = await get(proxy, 'missed-calls?agent=12ab');
    assert.deepEqual([bad.status, bad.json.error.code, bad.json.error.message], [400, 'invalid_number', 'agent: "12ab" is not a valid phone number.']);
  });

  it('with sign-in: the token’s agent only; another agent named is 403, no token is 401', async () => {
    const proxy = await proxyFor({ webhookSecret: SECRET, auth: { secret: JWT_SECRET } });
    await deliver(proxy, missedDelivery('MISSED_CALL'));
    const token = await new SignJWT({ superfone_agent: ASHA })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('superfone-proxy')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const bearer = { Authorization: `Bearer ${token}` };
    // From anywhere: the token says who it is.
    const mine = await get(proxy, 'missed-calls', { headers: bearer, platform: { clientAddress: '203.0.113.5' } });
    assert.deepEqual([mine.status, mine.json.agentNumber, mine.json.missedCalls.length], [200, ASHA, 1]);
    const theirs = await get(proxy, `missed-calls?agent=${encodeURIComponent(VIKRAM)}`, { headers: bearer });
    assert.deepEqual([theirs.status, theirs.json.error.message], [403, 'You can only see your own missed calls.']);
    assert.equal((await get(proxy, `missed-calls?agent=${encodeURIComponent(ASHA)}`, { headers: bearer })).status, 200);
    const none = await get(proxy, `missed-calls?agent=${encodeURIComponent(ASHA)}`);
    assert.equal(none.status, 401);
    for (const text of proxy.emitted) assert.ok(!text.includes(token.split('.')[2]!), 'the token is never logged');
  });

  it('where notifications are off there are no missed calls: 404 that says why', async () => {
    const proxy = await proxyFor({});
    const answer = await listOf(proxy);
    assert.deepEqual([answer.status, answer.json.error.message], [404, 'Not found; missed calls are kept only where call notifications are turned on (webhookSecret).']);
  });

  it('the stream sends the list now, then again at each change: a new missed call, a call back, a dismissal', async () => {
    const proxy = await startHttpProxy({ webhookSecret: SECRET, callStreams: { heartbeatMs: 60_000 } });
    const controller = new AbortController();
    try {
      proxy.upstream.simulator.calls.setTarget({ url: `${proxy.base}webhook`, headers: { Authorization: `Bearer ${SECRET}` } });
      const response = await fetch(`${proxy.base}missed-calls/events?agent=${encodeURIComponent(ASHA)}`, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      assert.equal(response.headers.get('x-accel-buffering'), 'no', 'a proxy in front (nginx) passes events on at once');
      const reader = new EventStreamReader(response.body!);
      const lists = () => reader.events.filter((event) => event.event === 'missed-calls').map((event) => JSON.parse(event.data!).missedCalls);
      await reader.until(() => lists().length === 1);
      assert.deepEqual(lists()[0], []);
      // The simulated Superfone reports a customer's call the agent did not pick up.
      proxy.upstream.simulator.calls.missedInbound(CUSTOMER, ASHA, 'Priya Nair');
      await reader.until(() => lists().length === 2, 5_000);
      assert.deepEqual(
        lists()[1].map((call: { customerNumber: string; contactName: string }) => [call.customerNumber, call.contactName]),
        [[CUSTOMER, 'Priya Nair']],
      );
      // The agent calls back: the list empties.
      const start = await fetch(`${proxy.base}call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody(CUSTOMER, ASHA)) });
      assert.equal(start.status, 200);
      await reader.until(() => lists().length === 3, 5_000);
      assert.deepEqual(lists()[2], []);
    } finally {
      controller.abort();
      await proxy.close();
    }
  });
});
