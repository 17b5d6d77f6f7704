import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

import { endReasonFor } from '../../../../src/element/view/call-outcome.js';
import { notificationNumber, notificationTime, toCallRecord } from '../../../../src/server/core/notifications/call-record-mapping.js';
import { type CallMatch, PendingCalls } from '../../../../src/server/core/notifications/pending-calls.js';
import { receiveNotification } from '../../../../src/server/core/notifications/receiver.js';
import { memoryStore } from '../../../../src/server/core/store/proxy-store.js';
import type { CallRecord } from '../../../../src/shared/call-record.js';
import type { CallSummary } from '../../../../src/shared/protocol.js';
import { startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { startCliProxy } from '../../../support/cli-proxy.js';
import { API_KEY, ASHA, assertNoKey, proxiesPerTest, startBody, VIKRAM } from '../../helpers.js';

const SECRET = 'whsec_test_0123456789abcdef';
const CUSTOMER = '+918000000001';

/** A delivery as the reported field names have it. */
function allCalls(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event: 'ALL_CALLS',
    superfone_number: '+918069000000',
    organization_name: 'Acme',
    cdr_phone: '08000000001',
    staff_phone: '919876543210',
    cdr_id: 'cdr-1',
    cdr_disposition: 'ANSWERED',
    cdr_duration: '252',
    cdr_start: '2026-11-26 15:00:05',
    cdr_answer: '2026-11-26 15:00:12',
    cdr_end: '2026-11-26 15:04:24',
    cdr_recording_url: 'https://recordings.example/cdr-1.mp3?sig=abc',
    cdr_call_type: 'OUTBOUND',
    contact_first_name: 'Priya',
    ...overrides,
  };
}

describe('call notifications: one mapping from a delivery to a CallRecord', () => {
  it('reads the reported fields, numbers to E.164 and IST times to UTC', () => {
    const record = toCallRecord(allCalls(), { defaultCountry: 'IN' })!;
    assert.deepEqual(
      { ...record, raw: undefined },
      {
        cdrId: 'cdr-1',
        customerNumber: CUSTOMER,
        agentNumber: ASHA,
        status: 'answered',
        durationSec: 252,
        startedAt: '2026-11-26T09:30:05.000Z',
        answeredAt: '2026-11-26T09:30:12.000Z',
        endedAt: '2026-11-26T09:34:24.000Z',
        recordingUrl: 'https://recordings.example/cdr-1.mp3?sig=abc',
        direction: 'outbound',
        event: 'ALL_CALLS',
        raw: undefined,
      },
    );
    assert.equal(record.raw.contact_first_name, 'Priya');
  });

  it('numbers in every format that arrives: +91…, 91…, 0…, national; junk is null', () => {
    for (const written of ['+91 80000 00001', '918000000001', '08000000001', '8000000001', 918000000001]) {
      assert.equal(notificationNumber(written, 'IN'), CUSTOMER, String(written));
    }
    for (const junk of ['', 'anonymous', '123', null, undefined, {}, ['+918000000001']]) assert.equal(notificationNumber(junk, 'IN'), null);
    // Another country's number written with its code and no +: read as international once it is too long to be national.
    assert.equal(notificationNumber('447911123456', 'IN'), '+447911123456', 'a UK mobile, 12 digits');
    assert.equal(notificationNumber('919876543210', 'GB'), '+919876543210', 'an Indian mobile where the default country is GB');
    // Past 10 digits, the length of India's national numbers, it is read as international: 11 digits are, 10 never are.
    assert.equal(parsePhoneNumberFromString('+4930123456')?.isValid(), true, 'libphonenumber-js reads +49 30 123456 as a German number');
    assert.equal(notificationNumber('49301234567', 'IN'), '+49301234567', 'a Berlin number, 11 digits');
    assert.equal(notificationNumber('4930123456', 'SG'), null, '10 digits, too long for Singapore, are not taken for +49 30 123456');
  });

  it('times: zone-less as IST, with a zone as written, epoch seconds and milliseconds; junk is null', () => {
    assert.equal(notificationTime('2026-11-26T15:00:05'), '2026-11-26T09:30:05.000Z');
    assert.equal(notificationTime('2026-11-26T15:00:05Z'), '2026-11-26T15:00:05.000Z');
    assert.equal(notificationTime(1_795_000_000), new Date(1_795_000_000_000).toISOString());
    assert.equal(notificationTime(1_795_000_000_123), new Date(1_795_000_000_123).toISOString());
    assert.equal(notificationTime('yesterday'), null);
  });

  it('dispositions to statuses; MISSED_CALL is missed whatever it says; unknown words are unknown', () => {
    const statusOf = (overrides: Record<string, unknown>) => toCallRecord(allCalls(overrides), { defaultCountry: 'IN' })!.status;
    assert.equal(statusOf({ cdr_disposition: 'no answer' }), 'missed');
    assert.equal(statusOf({ cdr_disposition: 'BUSY' }), 'busy');
    assert.equal(statusOf({ cdr_disposition: 'REJECTED' }), 'failed');
    assert.equal(statusOf({ cdr_disposition: 'SOMETHING_NEW' }), 'unknown');
    assert.equal(statusOf({ event: 'MISSED_CALL', cdr_disposition: undefined }), 'missed');
    // Every word the mapping knows, as written in the wild, with the status it must give (by hand).
    const words: Array<[string, string]> = [
      ['ANSWERED', 'answered'],
      ['Connected', 'answered'],
      ['missed', 'missed'],
      ['NO-ANSWER', 'missed'],
      ['NOANSWER', 'missed'],
      ['unanswered', 'missed'],
      ['Not Answered', 'missed'],
      ['BUSY', 'busy'],
      ['USER_BUSY', 'busy'],
      ['user busy', 'busy'],
      ['FAILED', 'failed'],
      ['rejected', 'failed'],
      ['DECLINED', 'failed'],
      ['CANCELLED', 'failed'],
      ['canceled', 'failed'],
      ['CONGESTION', 'failed'],
    ];
    for (const [word, expected] of words) assert.equal(statusOf({ cdr_disposition: word }), expected, word);
  });

  it('a record’s end reason for the page: answered (or unknown) is completed; busy, missed and failed are missed', () => {
    const reasonOf = (status: string) => endReasonFor({ status } as CallSummary);
    assert.deepEqual(['answered', 'unknown', 'busy', 'missed', 'failed'].map(reasonOf), ['completed', 'completed', 'missed', 'missed', 'missed']);
  });

  it('missing fields are null, other events are not records, and other field names can be mapped', () => {
    const bare = toCallRecord({ event: 'ALL_CALLS', cdr_phone: '8000000001' }, { defaultCountry: 'IN' })!;
    assert.deepEqual([bare.cdrId, bare.agentNumber, bare.durationSec, bare.startedAt, bare.recordingUrl, bare.status], [null, null, null, null, null, 'unknown']);
    assert.equal(toCallRecord({ event: 'CUSTOMER_CHANGE', cdr_phone: '8000000001' }, { defaultCountry: 'IN' }), null);
    // The recording link is shown to agents and handed to CRMs: only a web address is passed on.
    for (const link of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      '//recordings.example/x.mp3',
      'recordings.example/x.mp3',
    ]) {
      assert.equal(toCallRecord(allCalls({ cdr_recording_url: link }), { defaultCountry: 'IN' })!.recordingUrl, null, link);
    }
    assert.equal(toCallRecord(allCalls({ cdr_recording_url: 'HTTP://recordings.example/x.mp3' }), { defaultCountry: 'IN' })!.recordingUrl, 'HTTP://recordings.example/x.mp3');
    const renamed = toCallRecord(
      { event: 'ALL_CALLS', phone: '8000000001', agent_mobile: '9876543210', call_uuid: 'u-9' },
      {
        defaultCountry: 'IN',
        fields: { customerNumber: ['phone'], agentNumber: ['agent_mobile'], cdrId: ['call_uuid'] },
      },
    )!;
    assert.deepEqual([renamed.customerNumber, renamed.agentNumber, renamed.cdrId], [CUSTOMER, ASHA, 'u-9']);
  });

  it('never throws on any JSON object, and a number it gives is always E.164 (fast-check, 2,000 payloads)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('+918000000001', '08000000001', '2026-11-26 15:00:05', 'ANSWERED'),
    );
    const payload = fc.record(
      {
        event: fc.constantFrom('ALL_CALLS', 'MISSED_CALL', 'OTHER'),
        cdr_phone: value,
        staff_phone: value,
        cdr_id: value,
        cdr_disposition: value,
        cdr_duration: value,
        cdr_start: value,
        cdr_end: value,
        cdr_recording_url: value,
      },
      { requiredKeys: ['event'] },
    );
    fc.assert(
      fc.property(payload, (body) => {
        const record = toCallRecord(body, { defaultCountry: 'IN' });
        if (record === null) return body.event === 'OTHER';
        for (const number of [record.customerNumber, record.agentNumber]) assert.ok(number === null || /^\+[1-9]\d{6,14}$/.test(number));
        assert.ok(record.durationSec === null || record.durationSec >= 0);
        return true;
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('call notifications: a record matched to the START that caused it', () => {
  const record = (overrides: Partial<CallRecord>): CallRecord => ({ ...toCallRecord(allCalls(), { defaultCountry: 'IN' })!, ...overrides });
  const START_TIME = Date.parse('2026-11-26T09:30:00Z');

  let ids = 0;
  const start = (agentNumber: string, startedAt: number, notificationId: number) => ({ callId: `call-${++ids}`, agentNumber, customerNumber: CUSTOMER, startedAt, notificationId });
  const pendingAt = (now: () => number, ttlMs?: number) => new PendingCalls(memoryStore(), { now, ttlMs });

  it('the oldest pending START with the same agent and customer, made before the record', async () => {
    const pending = pendingAt(() => START_TIME + 60_000);
    await pending.remember(start(ASHA, START_TIME - 1_000, 1));
    await pending.remember(start(ASHA, START_TIME, 2));
    assert.equal((await pending.match(record({})))?.notificationId, 1);
    assert.equal((await pending.match(record({})))?.notificationId, 2, 'a match is used up');
    assert.equal(await pending.match(record({})), null);
  });

  it('another agent’s START, or one made after the record (beyond clock skew), never matches', async () => {
    const pending = pendingAt(() => START_TIME);
    await pending.remember(start(VIKRAM, START_TIME, 1));
    assert.equal(await pending.match(record({})), null);
    const later = pendingAt(() => START_TIME + 3_600_000);
    await later.remember(start(ASHA, START_TIME + 3_600_000, 2));
    assert.equal(await later.match(record({})), null);
  });

  it('without an agent number: the only pending START to that customer matches; two make it ambiguous, and none match', async () => {
    const one = pendingAt(() => START_TIME);
    await one.remember(start(VIKRAM, START_TIME, 1));
    assert.equal((await one.match(record({ agentNumber: null })))?.notificationId, 1);
    const two = pendingAt(() => START_TIME);
    await two.remember(start(VIKRAM, START_TIME, 1));
    await two.remember(start(ASHA, START_TIME, 2));
    assert.equal(await two.match(record({ agentNumber: null })), null);
  });

  it('a START whose app never dialed expires', async () => {
    let now = START_TIME;
    const pending = pendingAt(() => now, 60_000);
    await pending.remember(start(ASHA, START_TIME, 1));
    await pending.remember(start(ASHA, START_TIME + 30_000, 2));
    now += 61_000;
    assert.equal((await pending.match(record({})))?.notificationId, 2, 'the first expired; the second is still within its time');
  });

  it('by default a START waits two hours for its record, as the README says', async () => {
    let now = START_TIME;
    const pending = pendingAt(() => now);
    await pending.remember(start(ASHA, START_TIME, 1));
    await pending.remember(start(ASHA, START_TIME + 2 * 60_000, 2));
    now = START_TIME + 2 * 60 * 60_000 + 1_000;
    assert.equal((await pending.match(record({})))?.notificationId, 2, 'the first is past two hours, the second within them');
  });

  it('property: whatever the pending STARTs and however the record writes its numbers, a match is never the wrong call', async () => {
    const agents = ['+919876543210', '+919812345678'];
    const customers = ['+918000000001', '+918000000002'];
    /** The ways deliveries are reported to write a number: E.164, country code without +, trunk 0, national. */
    const written = (e164: string, style: number) => [e164, e164.slice(1), `0${e164.slice(3)}`, e164.slice(3)][style]!;
    const start = fc.record({ agent: fc.constantFrom(...agents), customer: fc.constantFrom(...customers), offsetSec: fc.integer({ min: -3_600, max: 600 }) });
    const delivered = fc.record({
      agent: fc.option(fc.constantFrom(...agents), { nil: null }),
      customer: fc.constantFrom(...customers),
      agentStyle: fc.integer({ min: 0, max: 3 }),
      customerStyle: fc.integer({ min: 0, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(start, { maxLength: 6 }), delivered, async (starts, report) => {
        const pending = new PendingCalls(memoryStore(), { now: () => START_TIME });
        const made = starts.map((one, index) => ({
          callId: `call-${index}`,
          agentNumber: one.agent,
          customerNumber: one.customer,
          startedAt: START_TIME + one.offsetSec * 1000,
          notificationId: index,
        }));
        for (const call of made) await pending.remember(call);
        const payload = {
          event: 'ALL_CALLS',
          cdr_phone: written(report.customer, report.customerStyle),
          cdr_start: new Date(START_TIME).toISOString(),
          ...(report.agent ? { staff_phone: written(report.agent, report.agentStyle) } : {}),
        };
        const record = toCallRecord(payload, { defaultCountry: 'IN' })!;
        const match = await pending.match(record);
        const eligible = made.filter(
          (call) => call.customerNumber === report.customer && (report.agent === null || call.agentNumber === report.agent) && call.startedAt <= START_TIME + 120_000,
        );
        if (match === null) return eligible.length === 0 || (report.agent === null && eligible.length > 1);
        const call = made[match.notificationId]!;
        const oldest = Math.min(...eligible.map((one) => one.startedAt));
        return eligible.includes(call) && call.startedAt === oldest && !(report.agent === null && eligible.length > 1);
      }),
      { numRuns: 500 },
    );
  });

  it('two proxy instances racing for one START: exactly one gets it', async () => {
    const store = memoryStore();
    const a = new PendingCalls(store, { now: () => START_TIME });
    const b = new PendingCalls(store, { now: () => START_TIME });
    await a.remember(start(ASHA, START_TIME, 1));
    const matches = await Promise.all([a.match(record({})), b.match(record({}))]);
    assert.equal(matches.filter(Boolean).length, 1);
  });
});

describe('call notifications through the proxy', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();
  const WEBHOOK = 'http://localhost/api/superfone/webhook';
  const deliver = (proxy: Awaited<ReturnType<typeof proxyFor>>, body: unknown, headers: Record<string, string> = {}) =>
    proxy.handler(
      new Request(WEBHOOK, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}`, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
      {},
    );

  function recorder() {
    const heard: Array<[CallRecord, CallMatch | null]> = [];
    return { heard, onCallRecord: (record: CallRecord, match: CallMatch | null) => void heard.push([record, match]) };
  }

  it('a START placed here, then Superfone’s record: onCallRecord hears it matched, and the audit line says so, masked', async () => {
    const { heard, onCallRecord } = recorder();
    const proxy = await proxyFor({ webhookSecret: SECRET, onCallRecord, path: '/api/superfone/call' });
    const started = await proxy.call(startBody(CUSTOMER, ASHA));
    assert.equal(started.status, 200);
    const answer = await deliver(proxy, allCalls({ cdr_start: new Date(Date.now() + 1_000).toISOString() }));
    assert.equal(answer.status, 200);
    assert.equal(heard.length, 1);
    const [record, match] = heard[0]!;
    assert.equal(record.status, 'answered');
    assert.equal(match?.notificationId, started.json.data.notificationID);
    const line = proxy.logs.at(-1)!;
    assert.deepEqual([line.event, line.matched, line.customer, line.agent, line.outcome], ['ALL_CALLS', true, '+9180******01', '+9198******10', 'ok']);
  });

  it('every completed call is heard, matched or not; a repeated delivery (same cdr id, or the same body) takes effect once', async () => {
    const { heard, onCallRecord } = recorder();
    const proxy = await proxyFor({ webhookSecret: SECRET, onCallRecord });
    assert.equal((await deliver(proxy, allCalls({ cdr_id: 'cdr-77' }))).status, 200);
    assert.equal((await deliver(proxy, allCalls({ cdr_id: 'cdr-77', event: 'MISSED_CALL' }))).status, 200);
    const noId = allCalls({ cdr_id: undefined, cdr_start: '2026-11-26 16:00:00' });
    await deliver(proxy, noId);
    await deliver(proxy, noId);
    assert.equal(heard.length, 2);
    assert.equal(heard[0]![1], null, 'no START here: unmatched, still heard');
  });

  it('wrong or missing secret: 401, nothing heard; no secret configured: the route does not exist', async () => {
    const { heard, onCallRecord } = recorder();
    const proxy = await proxyFor({ webhookSecret: SECRET, onCallRecord, path: '/api/superfone/call' });
    assert.equal((await deliver(proxy, allCalls(), { Authorization: 'Bearer not-the-secret-at-all' })).status, 401);
    assert.equal((await deliver(proxy, allCalls(), { Authorization: '' })).status, 401);
    assert.equal(heard.length, 0);
    assertNoKey(
      proxy.logs.map((entry) => JSON.stringify(entry)),
      SECRET,
    );
    const closed = await proxyFor({ path: '/api/superfone/call' });
    assert.equal((await deliver(closed, allCalls())).status, 404);
  });

  it('near misses of the secret are refused: one byte off at the start, middle and end, same prefix, longer, shorter, other case', async () => {
    const { heard, onCallRecord } = recorder();
    const proxy = await proxyFor({ webhookSecret: SECRET, onCallRecord });
    const flip = (index: number) => SECRET.slice(0, index) + (SECRET[index] === 'x' ? 'y' : 'x') + SECRET.slice(index + 1);
    const nearMisses = {
      'one byte off at the start': flip(0),
      'one byte off in the middle': flip(Math.floor(SECRET.length / 2)),
      'one byte off at the end': flip(SECRET.length - 1),
      'the first 12 characters': SECRET.slice(0, 12),
      'same prefix, longer': `${SECRET}0`,
      'all but the last byte': SECRET.slice(0, -1),
      'upper case': SECRET.toUpperCase(),
    };
    for (const [what, secret] of Object.entries(nearMisses)) {
      assert.notEqual(secret, SECRET, what);
      assert.equal((await deliver(proxy, allCalls({ cdr_id: `near-${what}` }), { Authorization: `Bearer ${secret}` })).status, 401, what);
    }
    assert.equal(heard.length, 0);
    assert.equal((await deliver(proxy, allCalls({ cdr_id: 'the-real-one' }))).status, 200, 'the secret itself still works');
    assert.equal(heard.length, 1);
  });

  it('guessing the secret does no better than chance: 2,048 random guesses of its length are all refused', async () => {
    // Near misses alone cannot catch a comparison that looks at a few bytes of the digests:
    // each guess then gets through 1 time in 256, and 2,048 guesses find it all but surely.
    const receiver = { secret: SECRET, defaultCountry: 'IN' as const };
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789_';
    let admitted = 0;
    for (let guess = 0; guess < 2_048; guess++) {
      const bytes = crypto.getRandomValues(new Uint8Array(SECRET.length));
      const secret = Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
      const request = new Request('http://localhost/webhook', { method: 'POST', headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' }, body: '{}' });
      if ((await receiveNotification(request, receiver)).ok) admitted += 1;
    }
    assert.equal(admitted, 0);
  });

  it('bad input is a clear 4xx and changes nothing; other events are acknowledged and ignored', async () => {
    const { heard, onCallRecord } = recorder();
    const proxy = await proxyFor({ webhookSecret: SECRET, onCallRecord });
    assert.equal((await deliver(proxy, allCalls(), { 'Content-Type': 'text/plain' })).status, 415);
    assert.equal((await deliver(proxy, '{"event":')).status, 400);
    assert.equal((await deliver(proxy, '[1,2]')).status, 400);
    const tooLarge = await deliver(proxy, allCalls({ padding: 'x'.repeat(70_000) }));
    assert.equal(tooLarge.status, 413);
    assert.equal(((await tooLarge.json()) as { error: { message: string } }).error.message, 'The notification is larger than 65536 bytes.');
    assert.equal((await deliver(proxy, { event: 'CUSTOMER_CHANGE', updated_key: 'name' })).status, 200);
    assert.equal(heard.length, 0);
  });

  it('an onCallRecord that throws is logged, and Superfone still gets 200', async () => {
    const proxy = await proxyFor({
      webhookSecret: SECRET,
      onCallRecord: () => {
        throw new Error('CRM database down');
      },
    });
    assert.equal((await deliver(proxy, allCalls({ cdr_id: 'cdr-err' }))).status, 200);
    assert.match(proxy.logs.at(-1)!.detail!, /onCallRecord threw: CRM database down/);
  });

  it('rejects a short secret at start-up', async () => {
    await assert.rejects(proxyFor({ webhookSecret: 'short' }), /at least 16 characters/);
  });
});

describe('the CLI accepts notifications at /api/superfone/webhook with SUPERFONE_WEBHOOK_SECRET', { timeout: 30_000 }, () => {
  it('a delivery is acknowledged and logged; without the secret the route is 404', async () => {
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const withSecret = await startCliProxy({ SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase, SUPERFONE_WEBHOOK_SECRET: SECRET });
    const without = await startCliProxy({ SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase });
    try {
      const post = (port: number) =>
        fetch(`http://127.0.0.1:${port}/api/superfone/webhook`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` },
          body: JSON.stringify(allCalls()),
        });
      assert.equal((await post(withSecret.port)).status, 200);
      await withSecret.waitForOutput(/"event":"ALL_CALLS"/);
      assert.equal((await post(without.port)).status, 404);
      assertNoKey([withSecret.output(), without.output()]);
      assertNoKey([withSecret.output()], SECRET);
    } finally {
      withSecret.child.kill();
      without.child.kill();
      await upstream.close();
    }
  });
});

describe('the Vite plugin serves the notifications route beside the calls', { timeout: 30_000 }, () => {
  it('calls at /api/superfone/call and deliveries at /api/superfone/webhook, the rest left to Vite', async () => {
    const { createServer: createViteServer } = await import('vite');
    const { superfoneVitePlugin } = await import('../../../../src/server/adapters/vite-plugin.js');
    const heard: CallRecord[] = [];
    const vite = await createViteServer({
      configFile: false,
      root: process.cwd(),
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1' },
      plugins: [superfoneVitePlugin({ simulate: true, webhookSecret: SECRET, onCallRecord: (record) => void heard.push(record) })],
    });
    await vite.listen();
    try {
      const base = `http://127.0.0.1:${(vite.httpServer!.address() as import('node:net').AddressInfo).port}`;
      const call = await fetch(`${base}/api/superfone/call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody(CUSTOMER, ASHA)) });
      assert.equal(call.status, 200);
      const delivery = await fetch(`${base}/api/superfone/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` },
        body: JSON.stringify(allCalls({ cdr_start: new Date(Date.now() + 1_000).toISOString() })),
      });
      assert.equal(delivery.status, 200);
      assert.equal(heard.length, 1);
      assert.equal((await fetch(`${base}/index.html`)).status, 200, 'Vite still serves the page');
    } finally {
      await vite.close();
    }
  });
});
