import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { startCliProxy, type CliProxy } from '../support/cli-proxy.js';

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
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers: { ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }), ...headers }, agent: false, timeout: 10_000 }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk) => (text += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path} timed out`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const faultOf = async (proxy: CliProxy) => JSON.parse((await send(proxy.port, 'GET', `${CONTROL}/state`)).text).fault;

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

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

      const crossSite = await send(proxy.port, 'POST', `${CONTROL}/fault`, { 'Content-Type': 'application/json', Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' }, fault);
      assert.equal(crossSite.status, 403, crossSite.text);
      const plain = await send(proxy.port, 'POST', `${CONTROL}/fault`, { 'Content-Type': 'text/plain' }, fault);
      assert.equal(plain.status, 415, plain.text);
      assert.match(plain.text, /application\/json only/);
      const declaredLarge = await send(proxy.port, 'POST', `${CONTROL}/fault`, { 'Content-Type': 'application/json' }, `{"kind":"reject","pad":"${'x'.repeat(70_000)}"}`);
      assert.equal(declaredLarge.status, 413, declaredLarge.text);
      assert.deepEqual(await faultOf(proxy), before, 'no refused request changed the fault');

      // Near misses admitted: the proxy's own host, an allowed origin, JSON with a charset.
      const allowed = await send(proxy.port, 'POST', `${CONTROL}/fault`, { 'Content-Type': 'application/json; charset=utf-8', Origin: 'https://crm.example.com', 'Sec-Fetch-Site': 'cross-site' }, fault);
      assert.equal(allowed.status, 200, allowed.text);
      assert.equal((await faultOf(proxy))?.kind, 'reject');
      const reset = await send(proxy.port, 'POST', `${CONTROL}/reset`);
      assert.equal(reset.status, 200, 'a POST with no body needs no media type');
    } finally {
      proxy.child.kill();
    }
  });

  it('a 600 MB chunked body gets 413 and the process stays within 40 MB of where it was, sampled every 100 ms over three runs', async () => {
    const proxy = await startCliProxy({}, ['--simulate']);
    const pid = proxy.child.pid!;
    try {
      assert.equal((await send(proxy.port, 'GET', `${CONTROL}/state`)).status, 200, 'warm');
      const before = rssMb(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
      try {
        for (let run = 0; run < 3; run++) {
          const answer = await new Promise<string>((resolve) => {
            const socket = connect(proxy.port, '127.0.0.1');
            let text = '';
            let sent = 0;
            const chunk = Buffer.from(`100000\r\n${'x'.repeat(0x100000)}\r\n`);
            const timer = setTimeout(() => socket.destroy(), 20_000);
            socket.on('data', (data) => (text += data));
            socket.on('error', () => {});
            socket.on('close', () => {
              clearTimeout(timer);
              resolve(text);
            });
            socket.on('connect', async () => {
              socket.write(`POST ${CONTROL}/fault HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
              // 600 MiB unless the server closes first.
              while (sent < 600 && !socket.destroyed) {
                sent += 1;
                if (!socket.write(chunk)) await new Promise((next) => (socket.once('drain', next), socket.once('close', next)));
              }
            });
          });
          assert.match(answer, /^HTTP\/1\.1 413 /, answer.slice(0, 200));
        }
      } finally {
        clearInterval(sampler);
      }
      console.log(`600 MB bodies to the simulator's controls: RSS ${before.toFixed(1)} MB before, ${peak.toFixed(1)} MB at most (+${(peak - before).toFixed(1)} MB)`);
      assert.ok(peak - before < 40, `RSS grew ${(peak - before).toFixed(1)} MB`);
    } finally {
      proxy.child.kill();
    }
  });
});
