import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import { sendCallRequest } from '../../../src/client/call-client.js';
import { followCall } from '../../../src/client/call-follower.js';
import { isCallStatusBody } from '../../../src/shared/protocol.js';

// The page's client (the element's, and the extension's service worker's) against answers our
// proxy never gives: a gateway in front of it, a wrong proxy-url, a hostile server. A real HTTP
// server on loopback gives them. Node has no EventSource, so following takes the service worker's
// path: the stream by fetch, then GETs with backoff. Planted bugs that survived every other test:
// any text taken as a country code, a gateway's 429 read as a network error, an unknown call
// polled for ever, and polls every 5 s without backing off.
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; hits: Array<{ path: string; at: number }>; close: () => Promise<void> }> {
  const hits: Array<{ path: string; at: number }> = [];
  const server = createServer((request, response) => {
    hits.push({ path: request.url ?? '', at: performance.now() });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/superfone/call`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const send = (url: string) => sendCallRequest(url, { customer_number: '+918000000001', call_action: 'START' }, AbortSignal.timeout(5_000));
const json = (response: ServerResponse, status: number, body: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

describe('the page reads only answers it can trust', { timeout: 60_000 }, () => {
  it('a refusal’s detail is taken field by field, each only in its own shape', async () => {
    const server = await serve((_request, response) =>
      json(response, 403, {
        error: { code: 'forbidden', message: 'no', detail: { country: '<img src=x onerror=alert(1)>', callingCode: '44; drop', limit: 'everything', allowed: -3 } },
      }),
    );
    try {
      const reply = await send(server.url);
      assert.equal(reply.ok, false);
      assert.ok(!reply.ok);
      assert.equal(reply.code, 'forbidden');
      assert.deepEqual(
        Object.entries(reply.detail ?? {}).filter(([, value]) => value !== undefined),
        [],
        'nothing of that detail was kept',
      );
    } finally {
      await server.close();
    }
  });

  it('a limit’s counts are kept only as whole numbers above zero', async () => {
    let detail: Record<string, unknown> = {};
    const server = await serve((_request, response) => json(response, 429, { error: { code: 'rate_limited', message: 'Wait', detail } }));
    try {
      const counts = async (given: Record<string, unknown>) => {
        detail = given;
        const reply = await send(server.url);
        assert.ok(!reply.ok);
        return [reply.detail?.allowed, reply.detail?.windowSec];
      };
      assert.deepEqual(await counts({ limit: 'per-customer', allowed: 3, windowSec: 600 }), [3, 600]);
      assert.deepEqual(await counts({ limit: 'per-customer', allowed: 1, windowSec: 1 }), [1, 1]);
      for (const bad of [0, -1, 1.5, '3', null, Number.POSITIVE_INFINITY]) {
        assert.deepEqual(await counts({ limit: 'per-customer', allowed: bad, windowSec: bad }), [undefined, undefined], String(bad));
      }
    } finally {
      await server.close();
    }
  });

  it('a gateway’s 429 page is a limit, its 502 page an unexpected answer, a success without a call id of ours has none', async () => {
    let answer: Handler = (_request, response) => response.writeHead(429, { 'Content-Type': 'text/html', 'Retry-After': '30' }).end('<h1>Too Many Requests</h1>');
    const server = await serve((request, response) => answer(request, response));
    try {
      assert.deepEqual(await send(server.url), { ok: false, code: 'rate_limited', status: 429 });
      answer = (_request, response) => response.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad Gateway</h1>');
      assert.deepEqual(await send(server.url), { ok: false, code: 'network_error', status: 502, unexpected: true });
      answer = (_request, response) => json(response, 200, { data: { notificationID: 5, sentSuccess: true }, message: 'success', callId: '../../admin' });
      assert.deepEqual(await send(server.url), { ok: true, notificationId: 5, callId: null });
    } finally {
      await server.close();
    }
  });

  it('a call status is one of two shapes: on (version 1 or more, no record), or ended (version 2 or more, with its record); nothing between', () => {
    const record = { status: 'completed' };
    assert.equal(isCallStatusBody({ callId: 'c', state: 'active', version: 1, record: null }), true);
    assert.equal(isCallStatusBody({ callId: 'c', state: 'ended', version: 2, record }), true);
    for (const [what, body] of [
      ['ended without its record', { callId: 'c', state: 'ended', version: 2, record: null }],
      ['a state of no kind, without a record', { callId: 'c', state: 'ringing', version: 1, record: null }],
      ['on, at version 0', { callId: 'c', state: 'active', version: 0, record: null }],
      ['on, with a record', { callId: 'c', state: 'active', version: 1, record }],
      ['ended at version 1', { callId: 'c', state: 'ended', version: 1, record }],
      ['ended, its record without a status', { callId: 'c', state: 'ended', version: 2, record: {} }],
      ['no call id', { state: 'active', version: 1, record: null }],
      ['a version in pieces', { callId: 'c', state: 'active', version: 1.5, record: null }],
    ] as const) {
      assert.equal(isCallStatusBody(body), false, what);
    }
  });

  it('following: a status whose recording is no http(s) link, or whose summary is not text, is no status; the good one after it is heard', async () => {
    const record = { status: 'completed', direction: 'outbound', customerNumber: '+918000000001', agentNumber: '+919876543210', durationSec: 30 };
    const ended = (fields: Record<string, unknown>) => ({ callId: 'call-with-reports', state: 'ended', version: 2, record, ...fields });
    // Written in the order a hostile proxy would send them: each bad one first, the good one last.
    const events = [
      ended({ recording: { url: 'javascript:alert(document.cookie)', expiresAt: null } }),
      ended({ recording: { url: 'data:text/html,<script>alert(1)</script>', expiresAt: null } }),
      ended({ recording: { url: 'https://recordings.example/1.mp3', expiresAt: 7 } }),
      ended({ summary: { text: 42, transcript: null } }),
      ended({ summary: { text: null, transcript: ['a', 'b'] } }),
      ended({ recording: { url: 'HTTPS://recordings.example/1.mp3', expiresAt: '2026-12-07T11:00:00Z' }, summary: { text: 'Asked for a quote.', transcript: null } }),
    ];
    // Asked by GET, the call is still on: only the stream, read to its good event, can end it.
    const server = await serve((request, response) => {
      if (!request.url?.endsWith('/events')) return json(response, 200, { callId: 'call-with-reports', state: 'active', version: 1, record: null });
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (const event of events) response.write(`event: call\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heard: unknown[] = [];
    let stop = () => {};
    try {
      const ends = new Promise<unknown>((resolve) => {
        stop = followCall(server.url, 'call-with-reports', resolve, (status) => heard.push(status));
      });
      const late = new Promise((_resolve, reject) => setTimeout(() => reject(new Error('the stream’s end was not heard within 5 s')), 5_000).unref());
      assert.deepEqual(await Promise.race([ends, late]), record);
      assert.deepEqual(heard, [events.at(-1)], 'only the status whose reports can be trusted');
      assert.deepEqual(
        server.hits.map((hit) => hit.path),
        ['/api/superfone/calls/call-with-reports/events'],
        'heard from the stream, never asked by GET',
      );
    } finally {
      stop();
      await server.close();
    }
  });

  it('following: an end that brings the recording alone is not the last word; the summary is asked for by GET, 5 s later, and heard', { timeout: 20_000 }, async () => {
    const record = { status: 'completed', direction: 'outbound', customerNumber: '+918000000001', agentNumber: '+919876543210', durationSec: 30 };
    const recording = { url: 'https://recordings.example/2.mp3', expiresAt: null };
    const withRecording = { callId: 'call-awaiting-summary', state: 'ended', version: 2, record, recording };
    const withBoth = { ...withRecording, version: 3, summary: { text: 'Wants a quote.', transcript: null } };
    const server = await serve((request, response) => {
      if (!request.url?.endsWith('/events')) return json(response, 200, withBoth);
      response.writeHead(200, { 'Content-Type': 'text/event-stream' }).write(`event: call\ndata: ${JSON.stringify(withRecording)}\n\n`);
    });
    const heard: unknown[] = [];
    let stop = () => {};
    try {
      const both = new Promise<void>((resolve) => {
        stop = followCall(
          server.url,
          'call-awaiting-summary',
          () => {},
          (status) => (heard.push(status), heard.length === 2 && resolve()),
        );
      });
      const late = new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`the summary was not heard within 9 s: ${JSON.stringify(heard)}`)), 9_000).unref());
      await Promise.race([both, late]);
      assert.deepEqual(heard, [withRecording, withBoth]);
      assert.deepEqual(
        server.hits.map((hit) => hit.path),
        ['/api/superfone/calls/call-awaiting-summary/events', '/api/superfone/calls/call-awaiting-summary'],
      );
    } finally {
      stop();
      await server.close();
    }
  });

  it('following: an unknown call is asked about once, then let go; a call still on is asked about after 5 s, then after 10 s more', { timeout: 30_000 }, async () => {
    const unknown = await serve((_request, response) => json(response, 404, { error: { code: 'bad_request', message: 'Not found' } }));
    const active = await serve((request, response) =>
      request.url?.endsWith('/events') ? json(response, 404, {}) : json(response, 200, { callId: 'call-still-on', state: 'active', version: 1, record: null }),
    );
    const stops = [
      followCall(unknown.url, 'call-nobody-knows', () => assert.fail('an unknown call never ends')),
      followCall(active.url, 'call-still-on', () => assert.fail('this call never ends')),
    ];
    const started = performance.now();
    try {
      // Asked at 0 s and 5 s; the next ask is due at 15 s, so 12 s sees two with 3 s to spare either side.
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      const gets = (hits: Array<{ path: string; at: number }>) => hits.filter((hit) => !hit.path.endsWith('/events'));
      assert.deepEqual(
        unknown.hits.map((hit) => hit.path),
        ['/api/superfone/calls/call-nobody-knows/events', '/api/superfone/calls/call-nobody-knows'],
      );
      const asked = gets(active.hits).map((hit) => Math.round((hit.at - started) / 1000));
      assert.equal(asked.length, 2, `asked at ${asked.join(', ')} s`);
      assert.ok(asked[1]! >= 4 && asked[1]! <= 7, `the second ask came at ${asked[1]} s`);
    } finally {
      for (const stop of stops) stop();
      await Promise.all([unknown.close(), active.close()]);
    }
  });
});
