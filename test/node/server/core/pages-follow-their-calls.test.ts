import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { callEventStream } from '../../../../src/server/core/notifications/call-stream.js';
import { CALL_ID_PATTERN, isCallStatusBody } from '../../../../src/shared/protocol.js';
import { EventStreamReader } from '../../../support/sse-reader.js';
import { ASHA, type HttpProxyUnderTest, startBody, startHttpProxy, startProxy, VIKRAM } from '../../helpers.js';

const SECRET = 'whsec_test_0123456789abcdef';
const CUSTOMER = '+918000000001';

/** A proxy whose simulator reports calls back to it, as Superfone's dashboard would be set up. */
async function loopedProxy(options: Parameters<typeof startHttpProxy>[0] = {}): Promise<HttpProxyUnderTest> {
  const proxy = await startHttpProxy({ webhookSecret: SECRET, ...options });
  proxy.upstream.simulator.calls.setTarget({ url: `${proxy.base}webhook`, headers: { Authorization: `Bearer ${SECRET}` } });
  return proxy;
}

async function start(proxy: HttpProxyUnderTest, customer = CUSTOMER, agent = ASHA): Promise<any> {
  const response = await fetch(`${proxy.base}call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody(customer, agent)) });
  assert.equal(response.status, 200);
  return response.json();
}

function openStream(proxy: HttpProxyUnderTest, callId: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = fetch(`${proxy.base}calls/${callId}/events`, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  return { response, close: () => controller.abort() };
}

describe('pages follow the calls they started', { timeout: 30_000 }, () => {
  it('a START answered where notifications arrive carries an unguessable call id; without a webhook secret, none', async () => {
    const following = await loopedProxy();
    const plain = await startHttpProxy();
    try {
      const ids = [(await start(following)).callId, (await start(following, '+918000000002', VIKRAM)).callId];
      for (const id of ids) assert.match(id, CALL_ID_PATTERN);
      assert.notEqual(ids[0], ids[1]);
      assert.equal((await start(plain)).callId, undefined);
      assert.equal((await fetch(`${plain.base}calls/${ids[0]}`)).status, 404, 'no following where there are no notifications');
    } finally {
      await following.close();
      await plain.close();
    }
  });

  it('GET …/calls/<id> says active, then ended with the record (without the raw payload) once Superfone reports the call', async () => {
    const proxy = await loopedProxy();
    try {
      proxy.upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 20, talkMs: 1_100 });
      const { callId } = await start(proxy);
      const active = await (await fetch(`${proxy.base}calls/${callId}`)).json();
      assert.deepEqual(active, { callId, state: 'active', version: 1, record: null });
      await waitFor(async () => (await (await fetch(`${proxy.base}calls/${callId}`)).json()).state === 'ended');
      const ended = await (await fetch(`${proxy.base}calls/${callId}`)).json();
      assert.ok(isCallStatusBody(ended));
      assert.equal(ended.record!.status, 'answered');
      assert.equal(ended.record!.durationSec, 1);
      assert.equal(ended.record!.customerNumber, CUSTOMER);
      assert.equal(ended.record!.agentNumber, ASHA);
      assert.equal('raw' in ended.record!, false, 'the payload as it arrived stays on the server');
    } finally {
      await proxy.close();
    }
  });

  it('unknown, malformed and expired ids are 404 with one and the same answer', async () => {
    const proxy = await loopedProxy();
    try {
      const { callId } = await start(proxy);
      const unknown = 'A'.repeat(22);
      const answers = await Promise.all(
        [`calls/${unknown}`, 'calls/short', `calls/${unknown}/events`, `calls/${callId}x`, 'calls/..%2Fcall'].map(async (path) => {
          const response = await fetch(`${proxy.base}${path}`);
          return [response.status, await response.text()];
        }),
      );
      for (const answer of answers) assert.deepEqual(answer, answers[0]);
      assert.equal(answers[0]![0], 404);
    } finally {
      await proxy.close();
    }
  });

  it('the stream sends the status now, heartbeats, then the end; with no reports awaited after the end (afterEndMs 0), it closes then', async () => {
    const proxy = await loopedProxy({ callStreams: { heartbeatMs: 50, afterEndMs: 0 } });
    try {
      proxy.upstream.simulator.calls.setOutcome({ kind: 'missed', ringMs: 400 });
      const { callId } = await start(proxy);
      const stream = openStream(proxy, callId);
      const response = await stream.response;
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      assert.equal(response.headers.get('x-accel-buffering'), 'no', 'a proxy in front (nginx) passes events on at once');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const reader = new EventStreamReader(response.body!);
      await reader.until((r) => r.events.some((event) => event.comment === 'heartbeat'));
      assert.deepEqual(reader.calls()[0], { callId, state: 'active', version: 1, record: null });
      assert.equal(reader.events.find((event) => event.event === 'call')!.id, '1');
      // A dropped stream is resumed after 3 s, not at once: thousands of pages reconnecting together must not flood the proxy.
      assert.equal(reader.events[0]!.retry, 3_000);
      await reader.until((r) => r.ended, 5_000);
      const last = reader.calls().at(-1);
      assert.equal(last.state, 'ended');
      assert.equal(last.record.status, 'missed');
      assert.equal(reader.events.filter((event) => event.event === 'call').at(-1)!.id, '2');
    } finally {
      await proxy.close();
    }
  });

  it('resuming with Last-Event-ID: after 1 the end comes at once; after 2, with nothing more awaited, the answer is 204, which stops EventSource', async () => {
    const proxy = await loopedProxy({ callStreams: { afterEndMs: 0 } });
    try {
      proxy.upstream.simulator.calls.setOutcome({ kind: 'busy', afterMs: 10 });
      const { callId } = await start(proxy);
      await waitFor(async () => (await (await fetch(`${proxy.base}calls/${callId}`)).json()).state === 'ended');
      const resumed = await openStream(proxy, callId, { 'Last-Event-ID': '1' }).response;
      const reader = new EventStreamReader(resumed.body!);
      await reader.until((r) => r.ended);
      assert.deepEqual(
        reader.calls().map((call) => call.state),
        ['ended'],
        'only what the browser had not seen',
      );
      assert.equal((await openStream(proxy, callId, { 'Last-Event-ID': '2' }).response).status, 204);
    } finally {
      await proxy.close();
    }
  });

  it('resumed mid-call with Last-Event-ID: 1, the stream sends nothing the page has, then the end when it comes', async () => {
    const proxy = await loopedProxy({ callStreams: { heartbeatMs: 50 } });
    try {
      proxy.upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 0, talkMs: null });
      const { callId } = await start(proxy);
      const stream = openStream(proxy, callId, { 'Last-Event-ID': '1' });
      const reader = new EventStreamReader((await stream.response).body!);
      try {
        await reader.until((r) => r.events.filter((event) => event.comment === 'heartbeat').length >= 2);
        assert.deepEqual(reader.calls(), [], 'the active status (event 1) is not sent again');
        const ended = await fetch(`${proxy.base}call`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ ...startBody(CUSTOMER, ASHA), call_action: 'END' }),
        });
        assert.equal(ended.status, 200);
        await reader.until((r) => r.calls().length === 1, 5_000);
        assert.deepEqual(
          reader.calls().map((call) => call.state),
          ['ended'],
        );
      } finally {
        stream.close();
      }
    } finally {
      await proxy.close();
    }
  });

  it('a stream closes by itself after maxStreamMs, the call still on (the browser then resumes)', async () => {
    const proxy = await loopedProxy({ callStreams: { heartbeatMs: 10_000, maxStreamMs: 300 } });
    try {
      const { callId } = await start(proxy);
      const openedAt = performance.now();
      const reader = new EventStreamReader((await openStream(proxy, callId).response).body!);
      await reader.until((r) => r.ended, 3_000);
      const lastedMs = performance.now() - openedAt;
      assert.ok(lastedMs >= 250 && lastedMs < 2_000, `closed after ${lastedMs.toFixed(0)} ms`);
      assert.deepEqual(
        reader.calls().map((call) => call.state),
        ['active'],
      );
      assert.equal((await (await fetch(`${proxy.base}calls/${callId}`)).json()).state, 'active', 'the call itself goes on');
    } finally {
      await proxy.close();
    }
  });

  it('by default a stream lives 30 minutes, as docs/proxy.md says (the clock mocked: half an hour takes none)', async () => {
    const proxy = await startProxy({ webhookSecret: SECRET });
    try {
      const { callId } = (await proxy.call(startBody())).json;
      // Mocked only now: the START above went to the simulator over real sockets.
      mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
      const response = await proxy.handler(new Request(`http://localhost/api/superfone/calls/${callId}/events`), { clientAddress: '127.0.0.1' });
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      /** Reads what the stream holds now: whether it has ended. */
      const drain = async () => {
        for (let chunks = 0; chunks < 1_000; chunks++) {
          const read = await Promise.race([reader.read(), new Promise<null>((resolve) => setImmediate(() => resolve(null)))]);
          if (read === null) return false;
          if (read.done) return true;
        }
        throw new Error('the stream never stops writing');
      };
      assert.equal(await drain(), false, 'open at first');
      mock.timers.tick(30 * 60_000 - 1_000);
      assert.equal(await drain(), false, 'open a second short of 30 minutes');
      mock.timers.tick(2_000);
      assert.equal(await drain(), true, 'closed at 30 minutes');
    } finally {
      mock.timers.reset();
      await proxy.close();
    }
  });

  it('by default a stream stays open 15 minutes after the end for the recording and the summary, as docs/proxy.md says (the clock mocked)', async () => {
    const proxy = await startProxy({ webhookSecret: SECRET });
    try {
      const { callId } = (await proxy.call(startBody())).json;
      // The call's record, as Superfone would deliver it, ends the call; nothing more comes.
      const record = {
        event: 'ALL_CALLS',
        cdr_id: 'cdr-after-end',
        cdr_phone: '08000000001',
        staff_phone: '919876543210',
        cdr_disposition: 'ANSWERED',
        cdr_duration: '30',
        cdr_start: new Date().toISOString(),
      };
      const delivered = await proxy.handler(
        new Request('http://localhost/api/superfone/webhook', {
          method: 'POST',
          headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(record),
        }),
        { clientAddress: '127.0.0.1' },
      );
      assert.equal(delivered.status, 200, await delivered.clone().text());
      mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: Date.now() });
      const response = await proxy.handler(new Request(`http://localhost/api/superfone/calls/${callId}/events`), { clientAddress: '127.0.0.1' });
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      /** Reads what the stream holds now: whether it has ended. */
      const drain = async () => {
        for (let chunks = 0; chunks < 1_000; chunks++) {
          const read = await Promise.race([reader.read(), new Promise<null>((resolve) => setImmediate(() => resolve(null)))]);
          if (read === null) return false;
          if (read.done) return true;
          text += decoder.decode(read.value);
        }
        throw new Error('the stream never stops writing');
      };
      assert.equal(await drain(), false, 'open after the end');
      assert.match(text, /"state":"ended"/);
      mock.timers.tick(15 * 60_000 - 1_000);
      assert.equal(await drain(), false, 'open a second short of 15 minutes after the end');
      mock.timers.tick(2_000);
      assert.equal(await drain(), true, 'closed 15 minutes after the end, well before the 30-minute stream limit');
    } finally {
      mock.timers.reset();
      await proxy.close();
    }
  });

  it('news that comes twice (published while the status was being read) is written once, each version in order', async () => {
    const ended = { callId: 'call-twice', state: 'ended' as const, version: 2, record: { status: 'answered' } as never };
    let hear: ((status: typeof ended) => void) | undefined;
    const body = callEventStream(
      { callId: 'call-twice', state: 'active', version: 1, record: null },
      0,
      (listener) => (hear = listener),
      () => {},
      { heartbeatMs: 60_000, maxStreamMs: 60_000, afterEndMs: 60_000, endedAt: null },
    );
    hear!(ended);
    hear!(ended);
    // Both reports in: the stream has nothing more to wait for, and closes.
    hear!({ ...ended, version: 4, recording: { url: 'https://rec.example/r.mp3', expiresAt: null }, summary: { text: 'x', transcript: null } } as never);
    const reader = new EventStreamReader(body);
    await reader.until((r) => r.ended, 2_000);
    assert.deepEqual(
      reader.events.filter((event) => event.event === 'call').map((event) => event.id),
      ['1', '2', '4'],
    );
  });

  it('a client holds a bounded number of streams; closing one frees its place', async () => {
    const proxy = await loopedProxy({ callStreams: { perClient: 2 } });
    const streams: Array<ReturnType<typeof openStream>> = [];
    try {
      proxy.upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: null });
      const { callId } = await start(proxy);
      for (let index = 0; index < 2; index++) {
        const stream = openStream(proxy, callId);
        streams.push(stream);
        assert.equal((await stream.response).status, 200);
      }
      const third = await openStream(proxy, callId).response;
      assert.equal(third.status, 429);
      assert.equal((await third.json()).error.code, 'rate_limited');
      streams.shift()!.close();
      await waitFor(async () => {
        const again = openStream(proxy, callId);
        const status = (await again.response).status;
        again.close();
        return status === 200;
      });
    } finally {
      for (const stream of streams) stream.close();
      await proxy.close();
    }
  });

  it('by default the stream sends a heartbeat every 15 s, as the README says (the first between 13 and 18 s)', { timeout: 30_000 }, async () => {
    const proxy = await loopedProxy();
    const stream = { close: () => {} };
    try {
      proxy.upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: null });
      const { callId } = await start(proxy);
      const opened = openStream(proxy, callId);
      stream.close = opened.close;
      const openedAt = performance.now();
      const reader = new EventStreamReader((await opened.response).body!);
      await reader.until((r) => r.events.some((event) => event.comment === 'heartbeat'), 20_000);
      const after = performance.now() - openedAt;
      assert.ok(after >= 13_000 && after < 18_000, `first heartbeat after ${after.toFixed(0)} ms`);
    } finally {
      stream.close();
      await proxy.close();
    }
  });

  it('by default a client holds 16 streams, as the README says; the 17th gets 429', async () => {
    const proxy = await loopedProxy();
    const streams: Array<ReturnType<typeof openStream>> = [];
    try {
      proxy.upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: null });
      const { callId } = await start(proxy);
      for (let index = 0; index < 16; index++) {
        const stream = openStream(proxy, callId);
        streams.push(stream);
        assert.equal((await stream.response).status, 200, `stream ${index + 1}`);
      }
      const seventeenth = await openStream(proxy, callId).response;
      assert.equal(seventeenth.status, 429);
      // Half a minute, as docs/protocol.md says: time for the page to close a tab's streams.
      assert.equal(seventeenth.headers.get('retry-after'), '30');
      assert.equal(((await seventeenth.json()) as any).error.detail.limit, 'followed-calls');
    } finally {
      for (const stream of streams) stream.close();
      await proxy.close();
    }
  });

  it('a delivery that matches no START tells no page; a stream for another call hears nothing', async () => {
    const proxy = await loopedProxy({ callStreams: { heartbeatMs: 50 } });
    try {
      proxy.upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: 50 });
      proxy.upstream.simulator.calls.setFaults({ unknownCall: true });
      const { callId } = await start(proxy);
      const reader = new EventStreamReader((await openStream(proxy, callId).response).body!);
      await proxy.upstream.simulator.calls.settled();
      await waitFor(async () => proxy.upstream.simulator.calls.deliveries.length > 0);
      await proxy.upstream.simulator.calls.settled();
      await reader.until((r) => r.events.filter((event) => event.comment === 'heartbeat').length >= 3);
      assert.deepEqual(
        reader.calls().map((call) => call.state),
        ['active'],
      );
      assert.equal(proxy.logs.find((entry) => entry.event === 'ALL_CALLS')?.matched, false);
    } finally {
      await proxy.close();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
