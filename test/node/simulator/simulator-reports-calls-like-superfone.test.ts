import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';

import { superfoneListener } from '../../../src/server/adapters/node-proxy.js';
import type { CallMatch } from '../../../src/server/core/notifications/pending-calls.js';
import type { CallRecord, CallUpdate } from '../../../src/shared/call-record.js';
import { createSimulatorControlHandler } from '../../../src/simulator/control-handler.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../src/simulator/simulator-server.js';
import { startCliProxy } from '../../support/cli-proxy.js';
import { API_KEY, ASHA, assertNoKey, startBody } from '../helpers.js';

const SECRET = 'whsec_test_0123456789abcdef';
const CUSTOMER = '+918000000001';

/** Waits (10 s at most) for the simulated calls to play out and their notifications to be answered. */
async function playedOut(upstream: RunningSimulator): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (upstream.simulator.calls.liveCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await upstream.simulator.calls.settled();
}

describe('the simulator plays Superfone’s side: calls end, and are reported to the receiver', { timeout: 60_000 }, () => {
  let upstream: RunningSimulator;
  let server: Server;
  let base: string;
  const heard: Array<[CallRecord, CallMatch | null]> = [];
  const updates: Array<[CallUpdate, CallMatch | null]> = [];

  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    server = createServer(
      superfoneListener({
        apiKey: API_KEY,
        apiBase: upstream.apiBase,
        path: '/api/superfone/call',
        webhookSecret: SECRET,
        rateLimits: false,
        onCallRecord: (record, match) => void heard.push([record, match]),
        onCallUpdate: (update, match) => void updates.push([update, match]),
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/superfone`;
  });
  after(async () => {
    server?.closeAllConnections();
    server?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.simulator.reset();
    upstream.simulator.calls.setTarget({ url: `${base}/webhook`, headers: { Authorization: `Bearer ${SECRET}` } });
    heard.length = 0;
    updates.length = 0;
  });

  const call = async (action: 'START' | 'END', customer = CUSTOMER) => {
    const response = await fetch(`${base}/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...startBody(customer, ASHA), call_action: action }),
    });
    const text = await response.text();
    assertNoKey([text]);
    return { status: response.status, json: JSON.parse(text) };
  };

  it('answered, then the customer hangs up: one ALL_CALLS, matched to the START, and the agent is free again', async () => {
    upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 50, talkMs: 100 });
    const started = await call('START');
    await playedOut(upstream);
    assert.deepEqual(
      upstream.simulator.snapshot().deliveries.map((delivery) => [delivery.event, delivery.status]),
      [['ALL_CALLS', 200]],
    );
    assert.equal(heard.length, 1);
    const [record, match] = heard[0]!;
    assert.deepEqual([record.status, record.customerNumber, record.agentNumber, record.direction], ['answered', CUSTOMER, ASHA, 'outbound']);
    assert.ok(record.recordingUrl?.startsWith('https://'));
    assert.equal(match?.notificationId, started.json.data.notificationID);
    assert.equal(upstream.simulator.snapshot().agents.find((agent) => agent.number === ASHA)!.activeCall, null);
  });

  it('missed: ALL_CALLS and MISSED_CALL both arrive, the receiver takes the call once, as missed', async () => {
    upstream.simulator.calls.setOutcome({ kind: 'missed', ringMs: 50 });
    await call('START');
    await playedOut(upstream);
    assert.deepEqual(
      upstream.simulator
        .snapshot()
        .deliveries.map((delivery) => delivery.event)
        .sort(),
      ['ALL_CALLS', 'MISSED_CALL'],
    );
    assert.deepEqual(
      heard.map(([record]) => record.status),
      ['missed'],
    );
  });

  it('the agent ends it: answered before, it is answered with its length; before the answer, missed', async () => {
    upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 50, talkMs: null });
    await call('START');
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await call('END');
    await upstream.simulator.calls.settled();
    assert.equal(heard[0]![0].status, 'answered');
    assert.ok(heard[0]![0].durationSec! >= 1);
    upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 5_000, talkMs: null });
    await call('START', '+918000000002');
    await call('END', '+918000000002');
    await upstream.simulator.calls.settled();
    assert.equal(heard[1]![0].status, 'missed');
  });

  it('an app that never dialed: no notification at all, and the agent is not left busy', async () => {
    upstream.simulator.calls.setOutcome({ kind: 'never-dialed' }, { next: true });
    assert.equal((await call('START')).status, 200);
    await playedOut(upstream);
    assert.deepEqual(upstream.simulator.snapshot().deliveries, []);
    assert.equal((await call('START', '+918000000003')).status, 200, 'the agent can call again');
  });

  it('delivery faults: repeated, late, without the agent, in national format, for a call never started here', async () => {
    upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: 20 });
    upstream.simulator.calls.setFaults({ duplicate: true, delayMs: 1_000, agentMissing: true, nationalFormat: true });
    // A customer no earlier test called: without the agent, only an unambiguous START matches.
    const started = await call('START', '+918000000005');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(heard.length, 0, 'not yet: the delivery is late');
    await playedOut(upstream);
    assert.equal(upstream.simulator.snapshot().deliveries.length, 2, 'delivered twice');
    assert.equal(heard.length, 1, 'taken once');
    const [record, match] = heard[0]!;
    assert.equal(record.raw.cdr_phone, '08000000005');
    assert.deepEqual([record.customerNumber, record.agentNumber, match?.notificationId], ['+918000000005', null, started.json.data.notificationID]);
    upstream.simulator.calls.setFaults({ unknownCall: true });
    await call('START', '+918000000004');
    await playedOut(upstream);
    assert.equal(heard[1]![1], null, 'heard, but matched to nothing');
  });

  it('control endpoints set outcomes and the notification target, and refuse nonsense', async () => {
    const control = createSimulatorControlHandler(upstream.simulator);
    const post = (route: string, body: unknown) => control(new Request(`http://localhost/__superfone-simulator/${route}`, { method: 'POST', body: JSON.stringify(body) }));
    assert.equal((await post('outcome', { kind: 'missed', ringMs: 10 })).status, 200);
    assert.equal((await post('outcome', { kind: 'sideways' })).status, 400);
    assert.equal((await post('outcome', { kind: 'answered', answerAfterMs: -1 })).status, 400);
    assert.equal((await post('notifications', { url: 'not a url' })).status, 400);
    for (const count of [0, -1, 1.5, 'two']) assert.equal((await post('fault', { kind: 'server-error', count })).status, 400, `count ${count}`);
    assert.equal((await post('fault', { kind: 'server-error', count: 1 })).status, 200);
    assert.equal((await post('fault', { kind: null })).status, 200, 'and taken off');
    assert.equal((await post('notifications', { url: null })).status, 200);
    await call('START');
    await playedOut(upstream);
    assert.deepEqual(upstream.simulator.snapshot().deliveries, [], 'no target, no delivery');
  });

  it('the notification target set by its control endpoint carries its headers, as Superfone carries the secret', async () => {
    const control = createSimulatorControlHandler(upstream.simulator);
    const target = (body: unknown) => control(new Request('http://localhost/__superfone-simulator/notifications', { method: 'POST', body: JSON.stringify(body) }));
    const deliveredWith = async (body: unknown, customer: string) => {
      upstream.simulator.reset();
      upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: 20 });
      assert.equal((await target(body)).status, 200);
      assert.equal((await call('START', customer)).status, 200);
      await playedOut(upstream);
      return upstream.simulator.snapshot().deliveries.map((delivery) => delivery.status);
    };
    assert.deepEqual(await deliveredWith({ url: `${base}/webhook`, headers: { Authorization: `Bearer ${SECRET}` } }, '+918000000011'), [200]);
    assert.equal(heard.length, 1, 'the receiver took it: the secret went with it');
    // Without the header (none given, or not an object of them), the receiver refuses it, as it must.
    assert.deepEqual(await deliveredWith({ url: `${base}/webhook` }, '+918000000012'), [401]);
    assert.deepEqual(await deliveredWith({ url: `${base}/webhook`, headers: `Bearer ${SECRET}` }, '+918000000013'), [401]);
    assert.deepEqual(await deliveredWith({ url: `${base}/webhook`, headers: null }, '+918000000014'), [401]);
    assert.equal(heard.length, 1);
  });

  it('reports, when switched on: an answered call’s recording and summary come after its record, with its cdr_id, and reach onCallUpdate matched', async () => {
    const control = createSimulatorControlHandler(upstream.simulator);
    const post = async (body: unknown) => {
      const answer = await control(new Request('http://localhost/__superfone-simulator/reports', { method: 'POST', body: JSON.stringify(body) }));
      return { status: answer.status, message: ((await answer.json()) as { message?: string }).message };
    };
    assert.deepEqual(await post({ recordingAfterMs: -1, summaryAfterMs: null }), {
      status: 400,
      message: 'recordingAfterMs must be a whole number of milliseconds from 0 to 600000, or null (got -1).',
    });
    assert.deepEqual(await post({ summaryAfterMs: 'soon' }), {
      status: 400,
      message: 'summaryAfterMs must be a whole number of milliseconds from 0 to 600000, or null (got soon).',
    });
    assert.deepEqual(await post({ transcriptAfterMs: 5 }), { status: 400, message: 'unknown field "transcriptAfterMs": use recordingAfterMs, summaryAfterMs' });
    assert.equal((await post({ recordingAfterMs: 50, summaryAfterMs: 150 })).status, 200);
    upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: 1_100 });
    const started = await call('START', '+918000000008');
    await playedOut(upstream);
    const deliveries = upstream.simulator.snapshot().deliveries;
    // Sent in this order (50 and 150 ms after the record); listed as each was answered, which a loaded machine may reorder.
    assert.deepEqual(deliveries.map((delivery) => [delivery.event, delivery.status]).sort(), [
      ['ALL_CALLS', 200],
      ['CDR_RECORDING_AVAILABLE', 200],
      ['CDR_SUMMARY_READY', 200],
    ]);
    const cdrId = deliveries[0]!.payload.cdr_id;
    assert.deepEqual(
      deliveries.map((delivery) => delivery.payload.cdr_id),
      [cdrId, cdrId, cdrId],
    );
    assert.equal(updates.length, 2);
    const recording = updates.find(([update]) => update.kind === 'recording');
    const summary = updates.find(([update]) => update.kind === 'summary');
    assert.equal(recording![0].kind, 'recording');
    assert.match(recording![0].kind === 'recording' ? recording![0].recordingUrl : '', /^https:\/\/recordings\.simulator\.invalid\/sim-cdr-\d+\.mp3\?X-Amz-Date=/);
    // Signed for 7 days from the call's end.
    const expiresIn = Date.parse(recording![0].kind === 'recording' ? recording![0].recordingExpiresAt! : '') - Date.now();
    assert.ok(expiresIn > 7 * 86_400_000 - 60_000 && expiresIn <= 7 * 86_400_000, String(expiresIn));
    assert.deepEqual(summary![0].kind === 'summary' && [summary![0].summary, summary![0].transcript?.split('\n')[0]], [
      'The customer (+918000000008) asked for a quote and a call back tomorrow.',
      'Agent: Hello, this is Superfone calling.',
    ]);
    for (const [, match] of updates) assert.equal(match?.notificationId, started.json.data.notificationID);
    // A call nobody answered has no recording and no summary.
    upstream.simulator.calls.setOutcome({ kind: 'missed', ringMs: 20 });
    await call('START', '+918000000009');
    await playedOut(upstream);
    // Both sent at the end; listed as each was answered, so in either order.
    assert.deepEqual(
      upstream.simulator
        .snapshot()
        .deliveries.slice(3)
        .map((delivery) => delivery.event)
        .sort(),
      ['ALL_CALLS', 'MISSED_CALL'],
    );
    // reset switches them off again.
    upstream.simulator.reset();
    upstream.simulator.calls.setTarget({ url: `${base}/webhook`, headers: { Authorization: `Bearer ${SECRET}` } });
    upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: 20 });
    await call('START', '+918000000010');
    await playedOut(upstream);
    assert.deepEqual(
      upstream.simulator.snapshot().deliveries.map((delivery) => delivery.event),
      ['ALL_CALLS'],
    );
  });

  it('inbound calls over the control route: missed (MISSED_CALL and ALL_CALLS, INBOUND, the contact’s names), or answered (ALL_CALLS only); nonsense refused', async () => {
    const control = createSimulatorControlHandler(upstream.simulator);
    const post = async (body: unknown) => {
      const answer = await control(new Request('http://localhost/__superfone-simulator/inbound', { method: 'POST', body: JSON.stringify(body) }));
      return { status: answer.status, message: ((await answer.json()) as { message?: string }).message };
    };
    assert.deepEqual(await post({ customerNumber: '8000000001', agentNumber: ASHA }), { status: 400, message: 'customerNumber must be an E.164 number' });
    assert.deepEqual(await post({ customerNumber: CUSTOMER, agentNumber: 'asha' }), { status: 400, message: 'agentNumber must be an E.164 number' });
    assert.deepEqual(await post({ customerNumber: CUSTOMER, agentNumber: ASHA, answeredSec: 0 }), {
      status: 400,
      message: 'answeredSec must be a whole number of seconds from 1 to 36000, or left out for a missed call',
    });
    assert.deepEqual(await post({ customerNumber: CUSTOMER, agentNumber: ASHA, contactName: 'x'.repeat(81) }), {
      status: 400,
      message: 'contactName must be text of at most 80 characters',
    });
    assert.equal(upstream.simulator.snapshot().deliveries.length, 0, 'refused: nothing delivered');

    assert.equal((await post({ customerNumber: CUSTOMER, agentNumber: ASHA, contactName: 'Priya Nair' })).status, 200);
    await upstream.simulator.calls.settled();
    // Listed as each was answered, which a loaded machine may reorder: both, whichever came first.
    const missed = upstream.simulator.snapshot().deliveries;
    assert.deepEqual(missed.map((delivery) => delivery.event).sort(), ['ALL_CALLS', 'MISSED_CALL']);
    assert.deepEqual(
      [
        missed[0]!.payload.cdr_call_type,
        missed[0]!.payload.cdr_disposition,
        missed[0]!.payload.contact_first_name,
        missed[0]!.payload.contact_last_name,
        missed[0]!.payload.staff_phone,
      ],
      ['INBOUND', 'NO_ANSWER', 'Priya', 'Nair', '919876543210'],
    );
    upstream.simulator.calls.setReports({ recordingAfterMs: 10, summaryAfterMs: null });
    assert.equal((await post({ customerNumber: '+918000000002', agentNumber: ASHA, answeredSec: 95 })).status, 200);
    await upstream.simulator.calls.settled();
    const answered = upstream.simulator.snapshot().deliveries.slice(2);
    assert.deepEqual(answered.map((delivery) => [delivery.event, delivery.payload.cdr_disposition ?? null, delivery.payload.cdr_duration ?? null]).sort(), [
      ['ALL_CALLS', 'ANSWERED', 95],
      ['CDR_RECORDING_AVAILABLE', null, null],
    ]);
    assert.equal(answered.find((delivery) => delivery.event === 'ALL_CALLS')!.payload.cdr_call_type, 'INBOUND');
  });

  it('reports at start-up: startSuperfoneSimulator({ reports }) refuses what is not a delay', async () => {
    await assert.rejects(startSuperfoneSimulator({ reports: { recordingAfterMs: 1.5 } }), {
      message: 'recordingAfterMs must be a whole number of milliseconds from 0 to 600000, or null (got 1.5).',
    });
    await assert.rejects(startSuperfoneSimulator({ reports: { summaryAfterMs: 600_001 } }), /summaryAfterMs must be a whole number/);
  });

  it('the deliveries control sets the same faults over HTTP, refuses what it cannot do, and {} puts them right', async () => {
    const control = createSimulatorControlHandler(upstream.simulator);
    const post = async (body: unknown) => {
      const answer = await control(new Request('http://localhost/__superfone-simulator/deliveries', { method: 'POST', body: JSON.stringify(body) }));
      return { status: answer.status, message: ((await answer.json()) as { message?: string }).message };
    };
    assert.deepEqual(await post({ delayMs: -5 }), { status: 400, message: 'delayMs must be a whole number of milliseconds from 0 to 600000' });
    assert.deepEqual(await post({ duplicate: 'yes' }), { status: 400, message: 'duplicate must be true or false' });
    assert.deepEqual(await post({ sideways: true }), { status: 400, message: 'unknown field "sideways": use delayMs, duplicate, unknownCall, agentMissing, nationalFormat' });
    upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: 20 });
    assert.equal((await post({ duplicate: true, nationalFormat: true })).status, 200);
    await call('START', '+918000000006');
    await playedOut(upstream);
    assert.deepEqual(
      upstream.simulator.snapshot().deliveries.map((delivery) => delivery.payload.cdr_phone),
      ['08000000006', '08000000006'],
      'twice, in national format',
    );
    assert.equal((await post({})).status, 200);
    await call('START', '+918000000007');
    await playedOut(upstream);
    assert.deepEqual(
      upstream.simulator
        .snapshot()
        .deliveries.slice(2)
        .map((delivery) => delivery.payload.cdr_phone),
      ['+918000000007'],
      'once, as E.164, once put right',
    );
  });
});

describe('superfone-proxy --simulate --webhook-secret: the whole loop on one machine', { timeout: 30_000 }, () => {
  it('a START, the agent’s END, and the simulated Superfone’s record comes back to the same proxy, matched', async () => {
    const proxy = await startCliProxy({ SUPERFONE_WEBHOOK_SECRET: SECRET }, ['--simulate']);
    try {
      const post = (action: string) =>
        fetch(proxy.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...startBody(CUSTOMER, ASHA), call_action: action }) });
      assert.equal((await post('START')).status, 200);
      assert.equal((await post('END')).status, 200);
      // Ended before it was answered: Superfone reports it twice, ALL_CALLS and MISSED_CALL, in
      // either order. Up to 10 s for both: each crosses two hops inside a process that may share the machine.
      const deliveries = () =>
        proxy
          .output()
          .split('\n')
          .filter((text) => /"event":"(ALL_CALLS|MISSED_CALL)"/.test(text))
          .map((text) => JSON.parse(text));
      await proxy.waitForOutput(/"event":"(ALL_CALLS|MISSED_CALL)"[^\n]*\n[^]*"event":"(ALL_CALLS|MISSED_CALL)"/, 10_000);
      assert.deepEqual(
        deliveries()
          .map((line) => line.event)
          .sort(),
        ['ALL_CALLS', 'MISSED_CALL'],
        proxy.output(),
      );
      // Whichever came first is matched to the START; the other is the same call, taken once.
      assert.deepEqual(
        deliveries().map((line) => line.matched),
        [true, false],
      );
      assertNoKey([proxy.output()], SECRET);
    } finally {
      proxy.child.kill();
    }
  });
});
