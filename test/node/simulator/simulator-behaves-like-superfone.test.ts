import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';

import { SuperfoneSimulator } from '../../../src/simulator/simulator.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../src/simulator/simulator-server.js';
import { API_KEY, ASHA, MEERA_OFFLINE } from '../helpers.js';

describe('the simulator answers as Superfone documents', () => {
  let running: RunningSimulator;
  before(async () => {
    running = await startSuperfoneSimulator({ apiKey: API_KEY });
  });
  after(() => running.close());
  beforeEach(() => running.simulator.reset());

  async function get(query: string, apiKey: string | null = API_KEY) {
    const response = await fetch(`${running.apiBase}/customer/click-2-call?${query}`, {
      headers: apiKey === null ? {} : { 'X-API-Key': apiKey },
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const call = (customer: string, agent = ASHA, action = 'START') => new URLSearchParams({ customer_number: customer, user_number: agent, call_action: action }).toString();

  it('401 without the key, or with a wrong one', async () => {
    assert.deepEqual(await get(call('+918000000001'), null), { status: 401, body: { message: 'UnAuthorized, Please Provide Valid API Key' } });
    assert.equal((await get(call('+918000000001'), 'nope')).status, 401);
  });

  it('400 for a missing parameter or an unknown action', async () => {
    assert.equal((await get('customer_number=%2B918000000001')).status, 400);
    assert.equal((await get(call('+918000000001', ASHA, 'PAUSE'))).status, 400);
  });

  it('400 for a number that is not E.164, including a + sent unencoded (it decodes to a space)', async () => {
    assert.deepEqual(await get(call('08000000001')), { status: 400, body: { message: 'Invalid phone number' } });
    assert.equal((await get(`customer_number=+918000000001&user_number=%2B919876543210&call_action=START`)).status, 400);
  });

  it('404 for an agent who is not a team member', async () => {
    assert.deepEqual(await get(call('+918000000001', '+919000000009')), { status: 404, body: { message: 'User not found' } });
  });

  it('START defaults when call_action is absent, and notificationIDs count up', async () => {
    const first = await get(`customer_number=%2B918000000001&user_number=${encodeURIComponent(ASHA)}`);
    assert.deepEqual(first, { status: 200, body: { data: { notificationID: 10001, sentSuccess: true }, message: 'success' } });
    await get(call('+918000000001', ASHA, 'END'));
    assert.equal((await get(call('+918000000002'))).body.data.notificationID, 10003);
  });

  it('one active call per agent: a second START fails until END frees the agent', async () => {
    assert.equal((await get(call('+918000000001'))).status, 200);
    assert.deepEqual(await get(call('+918000000002')), { status: 409, body: { message: 'User is already on a call' } });
    assert.equal((await get(call('+918000000001', ASHA, 'END'))).status, 200);
    assert.equal((await get(call('+918000000002'))).status, 200);
    const asha = running.simulator.snapshot().agents.find((agent) => agent.number === ASHA)!;
    assert.equal(asha.activeCall, '+918000000002');
    assert.equal(asha.calls, 2);
  });

  it('an agent whose app is offline gets sentSuccess:false and is not marked busy', async () => {
    const answer = await get(call('+918000000001', MEERA_OFFLINE));
    assert.equal(answer.status, 200);
    assert.equal(answer.body.data.sentSuccess, false);
    assert.equal(running.simulator.snapshot().agents.find((agent) => agent.number === MEERA_OFFLINE)!.activeCall, null);
  });

  it('an END the app never gets (it went offline mid-call) ends nothing: sentSuccess:false, and the call goes on', async () => {
    assert.equal((await get(call('+918000000001'))).status, 200);
    running.simulator.setAppOnline(ASHA, false);
    const end = await get(call('+918000000001', ASHA, 'END'));
    assert.equal(end.body.data.sentSuccess, false);
    assert.equal(running.simulator.snapshot().agents.find((agent) => agent.number === ASHA)!.activeCall, '+918000000001', 'still on the call');
    running.simulator.setAppOnline(ASHA, true);
    assert.equal((await get(call('+918000000001', ASHA, 'END'))).body.data.sentSuccess, true);
    assert.equal(running.simulator.snapshot().agents.find((agent) => agent.number === ASHA)!.activeCall, null, 'ended once the app had it');
  });

  it('records the raw query and parameter names of each request', async () => {
    await get(`${call('+918000000001')}&extra=1`);
    const [request] = running.simulator.snapshot().requests;
    assert.deepEqual(request!.parameterNames, ['customer_number', 'user_number', 'call_action', 'extra']);
    assert.match(request!.rawQuery, /^customer_number=%2B918000000001&/);
  });

  it('a fault with a count applies that many times, then the simulator behaves again; a count of none is refused', async () => {
    assert.throws(() => running.simulator.setFault({ kind: 'server-error' }, 0), { name: 'RangeError', message: 'count must be a positive whole number (got 0).' });
    assert.throws(() => running.simulator.setFault({ kind: 'server-error' }, 1.5), { name: 'RangeError', message: 'count must be a positive whole number (got 1.5).' });
    assert.equal((await get(call('+918000000001'))).status, 200, 'no fault set');
    await get(call('+918000000001', ASHA, 'END'));
    running.simulator.setFault({ kind: 'server-error' }, 2);
    assert.equal((await get(call('+918000000001'))).status, 500);
    assert.equal((await get(call('+918000000001'))).status, 500);
    assert.equal((await get(call('+918000000001'))).status, 200);
  });

  it('the control endpoints read state, set faults and validate what they are sent', async () => {
    const control = (route: string, body?: unknown) =>
      fetch(
        `${running.url}/__superfone-simulator/${route}`,
        body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
      );
    assert.equal((await control('fault', { kind: 'explode' })).status, 400);
    assert.equal((await control('fault', { kind: 'rate-limit', retryAfterSeconds: 5, count: 1 })).status, 200);
    const limited = await fetch(`${running.apiBase}/customer/click-2-call?${call('+918000000001')}`, { headers: { 'X-API-Key': API_KEY } });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '5');
    assert.equal((await control('app', { number: ASHA, appOnline: false })).status, 200);
    assert.equal((await get(call('+918000000001'))).body.data.sentSuccess, false);
    assert.equal((await control('app', { number: '+910000', appOnline: true })).status, 404);
    const state = (await (await control('state')).json()) as any;
    assert.equal(state.agents[0].appOnline, false);
  });

  it('a huge-body fault answers valid JSON of exactly the bytes asked for, in more than one piece', async () => {
    running.simulator.setFault({ kind: 'huge-body', bytes: 150_000 }, 1);
    const answer = await fetch(`${running.apiBase}/customer/click-2-call?${call('+918000000001')}`, { headers: { 'X-API-Key': API_KEY } });
    const text = await answer.text();
    assert.equal(Buffer.byteLength(text), 150_000);
    const body = JSON.parse(text) as { data: { sentSuccess: boolean }; message: string };
    assert.equal(body.data.sentSuccess, true);
    assert.match(body.message, /^x+$/);
  });

  it('a control request it cannot act on is 400 or 404 in exact words; a refused fault is not set', async () => {
    const control = (route: string, body: unknown) =>
      fetch(`${running.url}/__superfone-simulator/${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const refusals: Array<[string, unknown, number, string]> = [
      [
        'fault',
        { kind: 'explode' },
        400,
        'kind must be one of slow, hang, reset, server-error, html, truncated-json, rate-limit, huge-body, leaky-success, reject, success-message or null',
      ],
      ['fault', { kind: 'slow', delayMs: 'soon' }, 400, 'delayMs must be a number'],
      ['fault', { kind: 'rate-limit', retryAfterSeconds: 1.5 }, 400, 'retryAfterSeconds must be a whole number'],
      ['fault', { kind: 'reject', status: 302 }, 400, 'status must be a 4xx or 5xx'],
      ['fault', { kind: 'success-message', message: 7 }, 400, 'message must be a string'],
      ['fault', { kind: 'huge-body', bytes: 0 }, 400, 'bytes must be a positive whole number'],
      ['fault', { kind: 'server-error', count: 0 }, 400, 'count must be a positive whole number'],
      ['notifications', { url: '/relative/webhook' }, 400, 'url must be an absolute URL, or null'],
      ['inbound', { customerNumber: '08000000001', agentNumber: ASHA }, 400, 'customerNumber must be an E.164 number'],
      ['inbound', { customerNumber: '+918000000001', agentNumber: 'Asha' }, 400, 'agentNumber must be an E.164 number'],
      ['inbound', { customerNumber: '+918000000001', agentNumber: ASHA, contactName: 'x'.repeat(81) }, 400, 'contactName must be text of at most 80 characters'],
      [
        'inbound',
        { customerNumber: '+918000000001', agentNumber: ASHA, answeredSec: 36_001 },
        400,
        'answeredSec must be a whole number of seconds from 1 to 36000, or left out for a missed call',
      ],
      ['app', { number: '+910000', appOnline: true }, 404, 'No simulated agent +910000.'],
      ['outcome', { kind: 'hung-up' }, 400, 'kind must be answered, missed, busy or never-dialed'],
      ['outcome', { kind: 'answered', answerAfterMs: -1 }, 400, 'answerAfterMs and talkMs must be milliseconds'],
      ['outcome', { kind: 'missed', ringMs: 'long' }, 400, 'ringMs must be milliseconds'],
      ['outcome', { kind: 'busy', afterMs: null }, 400, 'afterMs must be milliseconds'],
    ];
    for (const [route, body, status, message] of refusals) {
      const answer = await control(route, body);
      assert.deepEqual([answer.status, ((await answer.json()) as { message: string }).message], [status, message], JSON.stringify(body));
    }
    assert.equal((await get(call('+918000000001'))).status, 200, 'no fault was set');
    for (const outcome of [{ kind: 'answered', answerAfterMs: 10, talkMs: null }, { kind: 'missed', ringMs: 10 }, { kind: 'busy', afterMs: 10 }, { kind: 'never-dialed' }]) {
      assert.equal((await control('outcome', outcome)).status, 200, outcome.kind);
    }
  });

  it('a control request no Fetch Request can hold (a TRACE) gets a 500, and the simulator serves on', { timeout: 10_000 }, async () => {
    const { port } = new URL(running.url);
    const status = await new Promise<number>((resolve, reject) => {
      // fetch refuses TRACE itself; node:http sends it as a client on the network may.
      const sent = request({ host: '127.0.0.1', port, method: 'TRACE', path: '/__superfone-simulator/state' }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      sent.on('error', reject);
      sent.end();
    });
    assert.equal(status, 500);
    assert.equal((await fetch(`${running.url}/__superfone-simulator/state`)).status, 200);
  });

  it('refuses agents configured with numbers that are not E.164', () => {
    assert.throws(() => new SuperfoneSimulator({ agents: [{ number: '98765 43210', name: 'Asha', appOnline: true }] }), /not E\.164/);
  });
});
