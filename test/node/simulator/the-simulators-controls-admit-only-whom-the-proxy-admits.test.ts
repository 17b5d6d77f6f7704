import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';

import { type CliProxy, startCliProxy } from '../../support/cli-proxy.js';
import { peakGrowthMb } from '../../support/process-memory.js';
import { floodUntilClosed, rawExchange } from '../../support/raw-http.js';

// `superfone-proxy --simulate` serves the simulator's controls beside the proxy. They read
// every dialled number and can send notifications elsewhere, so they admit only whom the
// proxy admits, take JSON only, and no body past 64 KiB. Real CLI process, real sockets.
const CONTROL = '/__superfone-simulator';

interface Answer {
  status: number;
  text: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }), ...headers },
        agent: false,
        timeout: 10_000,
      },
      (incoming) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk) => (text += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path} timed out`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const faultOf = async (proxy: CliProxy) => JSON.parse((await send(proxy.port, 'GET', `${CONTROL}/state`)).text).fault;

describe('the simulator’s controls under superfone-proxy --simulate', { timeout: 120_000 }, () => {
  it('a foreign Host or Origin, a body that is not JSON, and one past 64 KiB are refused, and change nothing', async () => {
    const proxy = await startCliProxy({ SUPERFONE_ALLOWED_ORIGINS: 'https://crm.example.com' }, ['--simulate']);
    try {
      const fault = JSON.stringify({ kind: 'reject', status: 503 });
      const before = await faultOf(proxy);

      const rebound = await send(proxy.port, 'GET', `${CONTROL}/state`, { Host: 'evil.test' });
      assert.equal(rebound.status, 403, rebound.text);
      assert.match(rebound.text, /does not answer at evil\.test/);
      assert.doesNotMatch(rebound.text, /calls|fault/, 'no state in the refusal');

      const crossSite = await send(
        proxy.port,
        'POST',
        `${CONTROL}/fault`,
        { 'Content-Type': 'application/json', Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' },
        fault,
      );
      assert.equal(crossSite.status, 403, crossSite.text);
      const plain = await send(proxy.port, 'POST', `${CONTROL}/fault`, { 'Content-Type': 'text/plain' }, fault);
      assert.equal(plain.status, 415, plain.text);
      assert.match(plain.text, /application\/json only/);
      const declaredLarge = await send(proxy.port, 'POST', `${CONTROL}/fault`, { 'Content-Type': 'application/json' }, `{"kind":"reject","pad":"${'x'.repeat(70_000)}"}`);
      assert.equal(declaredLarge.status, 413, declaredLarge.text);
      assert.deepEqual(await faultOf(proxy), before, 'no refused request changed the fault');

      // Near misses admitted: the proxy's own host, an allowed origin, JSON with a charset.
      const allowed = await send(
        proxy.port,
        'POST',
        `${CONTROL}/fault`,
        { 'Content-Type': 'application/json; charset=utf-8', Origin: 'https://crm.example.com', 'Sec-Fetch-Site': 'cross-site' },
        fault,
      );
      assert.equal(allowed.status, 200, allowed.text);
      assert.equal((await faultOf(proxy))?.kind, 'reject');
      const reset = await send(proxy.port, 'POST', `${CONTROL}/reset`);
      assert.equal(reset.status, 200, 'a POST with no body needs no media type');
    } finally {
      proxy.child.kill();
    }
  });

  it('600 MB chunked bodies, and 20 connections of 70,000 one-byte chunks, get 413, each flood read, and the process stays within 40 MB of where it was, sampled every 100 ms over three runs', async () => {
    const proxy = await startCliProxy({}, ['--simulate']);
    const pid = proxy.child.pid!;
    const head = `POST ${CONTROL}/fault HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    try {
      assert.equal((await send(proxy.port, 'GET', `${CONTROL}/state`)).status, 200, 'warm');
      const large = await peakGrowthMb(pid, async () => {
        for (let run = 0; run < 3; run++) {
          // 600 MiB unless the server closes first.
          const answer = await floodUntilClosed(proxy.port, head, 600);
          assert.match(answer, /^HTTP\/1\.1 413 /, answer.slice(0, 200));
        }
      });
      const flood = Buffer.from(head + '1\r\nx\r\n'.repeat(70_000));
      const pieces = await peakGrowthMb(pid, async () => {
        for (let run = 0; run < 3; run++) {
          const exchanges = await Promise.all(Array.from({ length: 20 }, () => rawExchange(proxy.port, flood, { endAfterWrite: false, waitMs: 15_000 })));
          for (const exchange of exchanges) assert.deepEqual(exchange.statuses, [413], exchange.text.slice(0, 200));
        }
      });
      console.log(`the simulator's controls flooded: RSS +${large.toFixed(1)} MB at most with 600 MB bodies, +${pieces.toFixed(1)} MB with one-byte chunks`);
      assert.ok(large < 40, `600 MB bodies: RSS grew ${large.toFixed(1)} MB`);
      assert.ok(pieces < 40, `one-byte chunks: RSS grew ${pieces.toFixed(1)} MB`);
    } finally {
      proxy.child.kill();
    }
  });
});
