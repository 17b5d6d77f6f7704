import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { type FeedState, openMissedCallsFeed } from '../../../src/element/missed-calls/missed-calls-feed.js';
import { ASHA } from '../helpers.js';

// <superfone-missed-calls> reads the agent's list as a stream, with fetch (DOM-free, so run
// here in Node against a real HTTP server on loopback). Between the page and the proxy may
// sit a gateway that answers for itself: its 429 is a limit (asked again when Retry-After
// says), anything else not in the proxy's shape is a network error; the proxy's own refusal
// is taken at its word, and one that asking again will not change stops the feed.
describe('the missed-calls feed tells the proxy’s answers from what is not the proxy', { timeout: 30_000 }, () => {
  let server: Server;
  let proxyUrl: string;
  /** What the server answers next, one per request; each request's arrival time is kept. */
  let answers: Array<(response: import('node:http').ServerResponse) => void> = [];
  const arrivals: number[] = [];

  before(async () => {
    server = createServer((request, response) => {
      arrivals.push(Date.now());
      assert.equal(request.url, `/api/superfone/missed-calls/events?agent=${encodeURIComponent(ASHA)}`);
      const answer = answers.shift();
      if (answer) answer(response);
      else response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/superfone/call`;
  });
  after(() => {
    server?.closeAllConnections();
    server?.close();
  });

  async function statesOf(count: number, within = 8_000): Promise<{ states: FeedState[]; stop: () => void }> {
    const states: FeedState[] = [];
    const feed = openMissedCallsFeed({ proxyUrl, agentNumber: ASHA, getToken: null }, (state) => states.push(state));
    const deadline = Date.now() + within;
    while (states.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return { states, stop: () => feed.stop() };
  }

  it('a gateway’s bare 429 is a limit, asked again after its Retry-After; its HTML 502 is a network error; then the proxy’s list', async () => {
    arrivals.length = 0;
    answers = [
      (response) => response.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': '1' }).end('Too Many Requests'),
      (response) => response.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad Gateway</h1>'),
      (response) => {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        response.write(
          `event: missed-calls\ndata: ${JSON.stringify({ agentNumber: ASHA, missedCalls: [{ id: 'a1', customerNumber: '+918000000001', at: '2026-12-07T04:45:00.000Z', contactName: 'Priya Nair' }] })}\n\n`,
        );
      },
    ];
    const { states, stop } = await statesOf(3, 15_000);
    try {
      assert.deepEqual(states.slice(0, 2), [
        { kind: 'failed', code: 'rate_limited' },
        { kind: 'failed', code: 'network_error' },
      ]);
      assert.deepEqual(states[2], {
        kind: 'list',
        body: { agentNumber: ASHA, missedCalls: [{ id: 'a1', customerNumber: '+918000000001', at: '2026-12-07T04:45:00.000Z', contactName: 'Priya Nair' }] },
      });
      // Retry-After: 1 s, not the first retry's 3 s.
      assert.ok(arrivals[1]! - arrivals[0]! >= 950 && arrivals[1]! - arrivals[0]! < 2_900, `asked again after ${arrivals[1]! - arrivals[0]!} ms`);
    } finally {
      stop();
    }
  });

  it('the proxy’s own refusal is taken at its word; one that asking again will not change stops the feed', async () => {
    arrivals.length = 0;
    answers = [
      (response) => response.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'forbidden', message: 'Another agent’s missed calls.' } })),
    ];
    const { states, stop } = await statesOf(1);
    try {
      assert.deepEqual(states, [{ kind: 'failed', code: 'forbidden' }]);
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      assert.equal(arrivals.length, 1, 'not asked again');
    } finally {
      stop();
    }
  });
});
