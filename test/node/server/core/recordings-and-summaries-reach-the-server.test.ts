import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { toCallRecord, toCallUpdate } from '../../../../src/server/core/notifications/call-record-mapping.js';
import { CallsByRecord } from '../../../../src/server/core/notifications/call-updates.js';
import { type CallMatch, PendingCalls } from '../../../../src/server/core/notifications/pending-calls.js';
import { memoryStore } from '../../../../src/server/core/store/proxy-store.js';
import type { CallRecord, CallUpdate } from '../../../../src/shared/call-record.js';
import { EventStreamReader } from '../../../support/sse-reader.js';
import { ASHA, type HttpProxyUnderTest, proxiesPerTest, startBody, startHttpProxy, VIKRAM } from '../../helpers.js';

// After a call's record, Superfone reports its recording (CDR_RECORDING_AVAILABLE) and its AI
// summary or transcript (CDR_SUMMARY_READY): what a CRM most wants to log. The proxy maps
// them in its one mapping module, takes each once, finds the call they belong to (by the
// CDR id of its record, else by numbers and time, as records are matched), and hands them
// to `onCallUpdate` with that call's id. Expected values are written out by hand.
const SECRET = 'whsec_test_0123456789abcdef';
const WEBHOOK = 'http://localhost/api/superfone/webhook';
const CUSTOMER = '+918000000001';
const map = (payload: Record<string, unknown>) => toCallUpdate(payload, { defaultCountry: 'IN' });

/** A delivery in the reported shape: national numbers, IST times without a zone. */
function delivery(event: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event,
    superfone_number: '+918069000000',
    organization_name: 'Acme',
    cdr_phone: '08000000001',
    staff_phone: '919876543210',
    cdr_start: new Date(Date.now() + 1_000).toISOString(),
    contact_first_name: 'Priya',
    ...fields,
  };
}

describe('recordings and summaries: one mapping', () => {
  it('a recording: its link, and when the link says it expires (S3, Google Cloud Storage, an Expires epoch)', () => {
    const s3 = map(
      delivery('CDR_RECORDING_AVAILABLE', {
        cdr_id: 'cdr-7',
        cdr_recording_url: 'https://bucket.s3.amazonaws.com/r/cdr-7.mp3?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261126T093024Z&X-Amz-Expires=604800&X-Amz-Signature=ab12',
      }),
    )!;
    assert.equal(s3.kind, 'recording');
    assert.deepEqual([s3.cdrId, s3.customerNumber, s3.agentNumber, s3.event], ['cdr-7', CUSTOMER, ASHA, 'CDR_RECORDING_AVAILABLE']);
    assert.equal(s3.kind === 'recording' && s3.recordingExpiresAt, '2026-12-03T09:30:24.000Z');
    const gcs = map(
      delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: 'https://storage.googleapis.com/b/r.mp3?x-goog-date=20261126T000000Z&x-goog-expires=3600&x-goog-signature=cd' }),
    )!;
    assert.equal(gcs.kind === 'recording' && gcs.recordingExpiresAt, '2026-11-26T01:00:00.000Z');
    const epoch = map(delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: 'https://cdn.example/r.mp3?Expires=1796000000&Signature=x' }))!;
    assert.equal(epoch.kind === 'recording' && epoch.recordingExpiresAt, '2026-11-30T00:53:20.000Z');
    const plain = map(delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: 'https://cdn.example/r.mp3' }))!;
    assert.equal(plain.kind === 'recording' && plain.recordingExpiresAt, null, 'unknown: null, never a guess');
  });

  it('an Expires that is no epoch in seconds (too short, too long for any date, not digits, an S3 lifetime too long) gives no expiry, and the recording still comes', () => {
    for (const expires of ['12345678', '179600000000', '99999999999999999999', '1796000000.5', '-1796000000', '']) {
      const recording = map(delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: `https://cdn.example/r.mp3?Expires=${expires}` }))!;
      assert.equal(recording.kind === 'recording' && recording.recordingExpiresAt, null, expires);
      assert.equal(recording.kind === 'recording' && recording.recordingUrl, `https://cdn.example/r.mp3?Expires=${expires}`, expires);
    }
    const tooLong = map(
      delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: 'https://bucket.s3.amazonaws.com/r.mp3?X-Amz-Date=20261126T093024Z&X-Amz-Expires=99999999999999' }),
    )!;
    assert.equal(tooLong.kind === 'recording' && tooLong.recordingExpiresAt, null);
    // The longest epoch taken, 11 digits, is a date.
    const far = map(delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: 'https://cdn.example/r.mp3?Expires=32503680000' }))!;
    assert.equal(far.kind === 'recording' && far.recordingExpiresAt, '3000-01-01T00:00:00.000Z');
    // The shortest epoch taken, 9 digits, is a date too.
    const near = map(delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: 'https://cdn.example/r.mp3?Expires=100000000' }))!;
    assert.equal(near.kind === 'recording' && near.recordingExpiresAt, '1973-03-03T09:46:40.000Z');
    // An S3 lifetime from one digit to nine is taken; ten are not.
    const s3 = (lifetime: string) => {
      const recording = map(delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: `https://b.s3.amazonaws.com/r.mp3?X-Amz-Date=20261126T093024Z&X-Amz-Expires=${lifetime}` }))!;
      return recording.kind === 'recording' && recording.recordingExpiresAt;
    };
    assert.deepEqual(['9', '999999999', '1000000000'].map(s3), ['2026-11-26T09:30:33.000Z', '2058-08-04T11:17:03.000Z', null]);
  });

  it('a recording without a web link, and a summary without text, carry nothing: null', () => {
    for (const link of [undefined, '', 'javascript:alert(1)', 'data:audio/mp3;base64,AAAA', 'not a link']) {
      assert.equal(map(delivery('CDR_RECORDING_AVAILABLE', { cdr_recording_url: link })), null, String(link));
    }
    assert.equal(map(delivery('CDR_SUMMARY_READY', { cdr_summary: '  ', cdr_transcript: null })), null);
  });

  it('a summary and its transcript; one far too long is cut; other names can be mapped; other events are not updates', () => {
    const summary = map(delivery('CDR_SUMMARY_READY', { cdr_id: 'cdr-8', cdr_summary: 'Customer wants a demo on Friday.', cdr_transcript: 'Agent: Hello…' }))!;
    assert.deepEqual(summary.kind === 'summary' && [summary.summary, summary.transcript, summary.cdrId], ['Customer wants a demo on Friday.', 'Agent: Hello…', 'cdr-8']);
    const long = map(delivery('CDR_SUMMARY_READY', { cdr_transcript: 'a'.repeat(40_000) }))!;
    assert.equal(long.kind === 'summary' && long.transcript!.length, 32_000);
    assert.equal(long.kind === 'summary' && long.transcript!.endsWith('…'), true);
    const renamed = toCallUpdate(
      { event: 'CDR_SUMMARY_READY', phone: '8000000001', ai_summary: 'Call back next week.' },
      { defaultCountry: 'IN', fields: { customerNumber: ['phone'], summary: ['ai_summary'] } },
    )!;
    assert.deepEqual(renamed.kind === 'summary' && [renamed.customerNumber, renamed.summary], [CUSTOMER, 'Call back next week.']);
    for (const event of ['ALL_CALLS', 'MISSED_CALL', 'CUSTOMER_CHANGE', 'toString', ''])
      assert.equal(map(delivery(event, { cdr_summary: 'x', cdr_recording_url: 'https://x.example/r.mp3' })), null, event);
  });
});

describe('recordings and summaries reach the CRM’s server, on the call they belong to', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  async function proxyHearingAll() {
    const records: Array<[CallRecord, CallMatch | null]> = [];
    const updates: Array<[CallUpdate, CallMatch | null]> = [];
    const proxy = await proxyFor({
      webhookSecret: SECRET,
      rateLimits: false,
      onCallRecord: (record, match) => void records.push([record, match]),
      onCallUpdate: (update, match) => void updates.push([update, match]),
    });
    const deliver = async (body: Record<string, unknown>) => {
      const answer = await proxy.handler(
        new Request(WEBHOOK, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` }, body: JSON.stringify(body) }),
        {},
      );
      assert.equal(answer.status, 200, await answer.clone().text());
      return (await answer.json()) as { duplicate?: true };
    };
    return { proxy, records, updates, deliver };
  }

  it('record, recording, summary: each heard once, all with the START’s call id; repeats are dropped, and logged', async () => {
    const { proxy, records, updates, deliver } = await proxyHearingAll();
    const { callId } = (await proxy.call(startBody(CUSTOMER, ASHA))).json;
    await deliver(delivery('ALL_CALLS', { cdr_id: 'cdr-20', cdr_disposition: 'ANSWERED', cdr_duration: '61' }));
    await deliver(delivery('CDR_RECORDING_AVAILABLE', { cdr_id: 'cdr-20', cdr_recording_url: 'https://rec.example/cdr-20.mp3' }));
    assert.deepEqual(await deliver(delivery('CDR_RECORDING_AVAILABLE', { cdr_id: 'cdr-20', cdr_recording_url: 'https://rec.example/cdr-20.mp3' })), { ok: true, duplicate: true });
    // No numbers at all: only the CDR id of the call's record can find it.
    await deliver(delivery('CDR_SUMMARY_READY', { cdr_id: 'cdr-20', cdr_summary: 'Wants pricing.', cdr_phone: undefined, staff_phone: undefined }));
    assert.equal(records.length, 1);
    assert.equal(records[0]![1]!.callId, callId);
    assert.deepEqual(
      updates.map(([update, match]) => [update.kind, match?.callId]),
      [
        ['recording', callId],
        ['summary', callId],
      ],
    );
    const lines = proxy.logs.filter((line) => line.event?.startsWith('CDR_'));
    assert.deepEqual(
      lines.map((line) => [line.event, line.matched, line.customer]),
      [
        ['CDR_RECORDING_AVAILABLE', true, '+9180******01'],
        ['CDR_RECORDING_AVAILABLE', false, '+9180******01'],
        ['CDR_SUMMARY_READY', true, null],
      ],
    );
  });

  it('a recording that comes before its ALL_CALLS still finds the call, and the record later finds the same one', async () => {
    const { proxy, records, updates, deliver } = await proxyHearingAll();
    const { callId } = (await proxy.call(startBody(CUSTOMER, ASHA))).json;
    await deliver(delivery('CDR_RECORDING_AVAILABLE', { cdr_id: 'cdr-21', cdr_recording_url: 'https://rec.example/cdr-21.mp3' }));
    await deliver(delivery('ALL_CALLS', { cdr_id: 'cdr-21', cdr_disposition: 'ANSWERED' }));
    assert.equal(updates[0]![1]?.callId, callId);
    assert.equal(records[0]![1]?.callId, callId);
  });

  it('a summary with no CDR id finds the latest call to that customer by that agent; another agent’s, or an unknown customer’s, finds none', async () => {
    const { proxy, updates, deliver } = await proxyHearingAll();
    const first = (await proxy.call(startBody(CUSTOMER, ASHA))).json.callId;
    await deliver(delivery('ALL_CALLS', { cdr_id: 'cdr-22', cdr_start: new Date().toISOString() }));
    await proxy.call({ ...startBody(CUSTOMER, ASHA), call_action: 'END' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = (await proxy.call(startBody(CUSTOMER, ASHA))).json.callId;
    await deliver(delivery('ALL_CALLS', { cdr_id: 'cdr-23', cdr_start: new Date().toISOString() }));
    assert.notEqual(first, second);
    await deliver(delivery('CDR_SUMMARY_READY', { cdr_summary: 'The second call.' }));
    await deliver(delivery('CDR_SUMMARY_READY', { cdr_summary: 'Vikram’s.', staff_phone: VIKRAM.slice(1) }));
    await deliver(delivery('CDR_SUMMARY_READY', { cdr_summary: 'Nobody’s.', cdr_phone: '08000000099' }));
    assert.deepEqual(
      updates.map(([update, match]) => [update.kind === 'summary' && update.summary, match?.callId ?? null]),
      [
        ['The second call.', second],
        ['Vikram’s.', null],
        ['Nobody’s.', null],
      ],
    );
  });

  it('a call is found by its CDR id, or its numbers, for 24 hours after its record (the clock mocked: a day takes none)', async () => {
    mock.timers.enable({ apis: ['Date'] });
    try {
      const store = memoryStore();
      const calls = new CallsByRecord(store, new PendingCalls(store));
      const match: CallMatch = { callId: 'call-a-day', notificationId: 3, agentNumber: ASHA, customerNumber: CUSTOMER, startedAt: new Date().toISOString() };
      await calls.remember(toCallRecord(delivery('ALL_CALLS', { cdr_id: 'cdr-day' }), { defaultCountry: 'IN' })!, match);
      const byId = { ...map(delivery('CDR_SUMMARY_READY', { cdr_id: 'cdr-day', cdr_summary: 'late', cdr_phone: undefined, staff_phone: undefined }))! };
      const byNumbers = { ...map(delivery('CDR_SUMMARY_READY', { cdr_summary: 'late', cdr_start: match.startedAt }))! };
      mock.timers.tick(24 * 3_600_000 - 60_000);
      assert.equal((await calls.match(byId))?.callId, 'call-a-day', 'by its CDR id a minute short of a day');
      assert.equal((await calls.match(byNumbers))?.callId, 'call-a-day', 'by its numbers a minute short of a day');
      mock.timers.tick(2 * 60_000);
      assert.equal(await calls.match(byId), null, 'forgotten after a day');
      assert.equal(await calls.match(byNumbers), null, 'forgotten after a day');
    } finally {
      mock.timers.reset();
    }
  });

  it('a hook that throws is logged; the delivery is still acknowledged', async () => {
    const proxy = await proxyFor({
      webhookSecret: SECRET,
      onCallUpdate: () => {
        throw new Error('CRM table locked');
      },
    });
    const answer = await proxy.handler(
      new Request(WEBHOOK, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` },
        body: JSON.stringify(delivery('CDR_SUMMARY_READY', { cdr_summary: 'x' })),
      }),
      {},
    );
    assert.equal(answer.status, 200);
    assert.match(proxy.logs.at(-1)!.detail ?? '', /^onCallUpdate threw: .*CRM table locked/);
  });
});

describe('pages read them from the call’s status and stream', { timeout: 30_000 }, () => {
  const post = (proxy: HttpProxyUnderTest, body: Record<string, unknown>) =>
    fetch(`${proxy.base}webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` }, body: JSON.stringify(body) }).then(
      (answer) => assert.equal(answer.status, 200),
    );
  const startCall = async (proxy: HttpProxyUnderTest) => {
    const answer = await fetch(`${proxy.base}call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody(CUSTOMER, ASHA)) });
    return ((await answer.json()) as { callId: string }).callId;
  };
  const statusOf = async (proxy: HttpProxyUnderTest, callId: string) => (await fetch(`${proxy.base}calls/${callId}`)).json() as Promise<any>;
  const recording = { url: 'https://rec.example/cdr-30.mp3?Expires=1796000000', expiresAt: '2026-11-30T00:53:20.000Z' };

  it('the status route returns the record with whatever has arrived, each one version more; a recording before the record is kept', async () => {
    const proxy = await startHttpProxy({ webhookSecret: SECRET, rateLimits: false });
    try {
      const callId = await startCall(proxy);
      await post(proxy, delivery('CDR_RECORDING_AVAILABLE', { cdr_id: 'cdr-30', cdr_recording_url: recording.url }));
      assert.deepEqual(await statusOf(proxy, callId), { callId, state: 'active', version: 2, record: null, recording });
      await post(proxy, delivery('ALL_CALLS', { cdr_id: 'cdr-30', cdr_disposition: 'ANSWERED', cdr_duration: '30' }));
      const ended = await statusOf(proxy, callId);
      assert.deepEqual([ended.state, ended.version, ended.record.durationSec, ended.recording], ['ended', 3, 30, recording]);
      await post(proxy, delivery('CDR_SUMMARY_READY', { cdr_id: 'cdr-30', cdr_summary: 'Asked for a callback.' }));
      const complete = await statusOf(proxy, callId);
      assert.deepEqual([complete.version, complete.summary], [4, { text: 'Asked for a callback.', transcript: null }]);
      assert.equal('raw' in complete.record, false);
    } finally {
      await proxy.close();
    }
  });

  it('the stream stays open after the end for the recording and the summary, and closes once both are in', async () => {
    const proxy = await startHttpProxy({ webhookSecret: SECRET, rateLimits: false, callStreams: { heartbeatMs: 50 } });
    try {
      const callId = await startCall(proxy);
      const reader = new EventStreamReader((await fetch(`${proxy.base}calls/${callId}/events`)).body!);
      await reader.until((r) => r.calls().length === 1);
      await post(proxy, delivery('ALL_CALLS', { cdr_id: 'cdr-31', cdr_disposition: 'ANSWERED' }));
      await reader.until((r) => r.calls().length === 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(reader.ended, false, 'open after the end: its reports may follow');
      await post(proxy, delivery('CDR_RECORDING_AVAILABLE', { cdr_id: 'cdr-31', cdr_recording_url: 'https://rec.example/cdr-31.mp3' }));
      await post(proxy, delivery('CDR_SUMMARY_READY', { cdr_id: 'cdr-31', cdr_transcript: 'Agent: Hello…' }));
      await reader.until((r) => r.ended, 5_000);
      assert.deepEqual(
        reader.calls().map((call) => [call.version, call.state, Boolean(call.recording), Boolean(call.summary)]),
        [
          [1, 'active', false, false],
          [2, 'ended', false, false],
          [3, 'ended', true, false],
          [4, 'ended', true, true],
        ],
      );
      assert.deepEqual(
        reader.events.filter((event) => event.event === 'call').map((event) => event.id),
        ['1', '2', '3', '4'],
      );
    } finally {
      await proxy.close();
    }
  });

  it('without its reports, the stream closes afterEndMs after the end; a browser resuming within it waits on, after it gets 204', async () => {
    const proxy = await startHttpProxy({ webhookSecret: SECRET, rateLimits: false, callStreams: { heartbeatMs: 50, afterEndMs: 600 } });
    try {
      const callId = await startCall(proxy);
      await post(proxy, delivery('ALL_CALLS', { cdr_id: 'cdr-32', cdr_disposition: 'ANSWERED' }));
      const resumed = await fetch(`${proxy.base}calls/${callId}/events`, { headers: { 'Last-Event-ID': '2' } });
      assert.equal(resumed.status, 200, 'within the window: a stream, for what may come');
      const reader = new EventStreamReader(resumed.body!);
      const openedAt = performance.now();
      await reader.until((r) => r.ended, 5_000);
      assert.ok(performance.now() - openedAt < 2_000, 'closed when the window closed');
      assert.deepEqual(reader.calls(), [], 'nothing the browser had');
      const late = await fetch(`${proxy.base}calls/${callId}/events`, { headers: { 'Last-Event-ID': '2' } });
      assert.equal(late.status, 204, 'after the window: nothing more to wait for');
    } finally {
      await proxy.close();
    }
  });
});
