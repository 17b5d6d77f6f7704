import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';

import { hardenNodeServer, type ServerHardening } from '../../../../src/server/adapters/harden-node-server.js';
import { superfoneListener } from '../../../../src/server/adapters/node-proxy.js';
import type { ProxyLogEntry } from '../../../../src/server/core/audit.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { API_KEY, startBody } from '../../helpers.js';

interface Served {
  port: number;
  upstream: RunningSimulator;
  logs: ProxyLogEntry[];
  /** Connections the server holds, as it counts them. */
  connections(): Promise<number>;
  /** Bytes the server has read from all its connections so far. */
  bytesRead(): number;
  close(): Promise<void>;
}

async function serve(hardening: ServerHardening, proxyTimeoutMs = 2_000): Promise<Served> {
  const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
  const logs: ProxyLogEntry[] = [];
  const listener = superfoneListener({
    apiKey: API_KEY,
    apiBase: upstream.apiBase,
    path: '/api/superfone/call',
    timeoutMs: proxyTimeoutMs,
    webhookSecret: 'whsec_test_0123456789abcdef',
  });
  const server: Server = hardenNodeServer(createServer(listener), { ...hardening, log: (entry) => logs.push(entry) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  upstream.simulator.calls.setTarget({ url: `http://127.0.0.1:${port}/api/superfone/webhook`, headers: { Authorization: 'Bearer whsec_test_0123456789abcdef' } });
  return {
    port,
    upstream,
    logs,
    connections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    bytesRead: () => [...sockets].reduce((sum, socket) => sum + socket.bytesRead, 0),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
    },
  };
}

/** A connection from `localAddress` (any 127.x address is this machine, and another client), open once connected. */
function open(port: number, localAddress = '127.0.0.1'): Promise<Socket & { closedAt: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const socket = connect({ port, host: '127.0.0.1', localAddress }) as Socket & { closedAt: Promise<number> };
    socket.closedAt = new Promise((closed) => socket.once('close', () => closed(performance.now() - startedAt)));
    socket.on('data', () => {});
    socket.once('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with the time until `socket` closed, or `null` if it is still open after `ms`. */
function closedWithin(socket: Socket & { closedAt: Promise<number> }, ms: number): Promise<number | null> {
  return Promise.race([socket.closedAt, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);
}

/** Opens a connection that sends nothing to a server hardened with `hardening`, and checks it is closed between `earliestMs` and `latestMs`. */
async function silentConnectionClosesBetween(hardening: ServerHardening, earliestMs: number, latestMs: number): Promise<void> {
  const served = await serve(hardening);
  const silent = await open(served.port);
  try {
    const closedAfter = await closedWithin(silent, latestMs + 500);
    assert.ok(closedAfter !== null && closedAfter >= earliestMs && closedAfter < latestMs, `the silent connection closed after ${closedAfter} ms`);
  } finally {
    silent.destroy();
    await served.close();
  }
}

/**
 * Writes of 200 whole `GET`s each, 20 ms apart, as a pipelining client sends them, until the
 * server has stopped reading (nothing more read across three writes) or `maxBatches` are sent.
 * Stopping there, not after a fixed count, keeps the last write before the server's timeout
 * runs out however slowly a loaded machine answers.
 */
async function writeUntilUnread(socket: Socket, served: Served, maxBatches: number): Promise<void> {
  const batch = Buffer.from('GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(200));
  let unread = 0;
  for (let sent = 0; sent < maxBatches && !socket.destroyed && unread < 3; sent++) {
    const readBefore = served.bytesRead();
    socket.write(batch);
    await new Promise((resolve) => setTimeout(resolve, 20));
    unread = served.bytesRead() === readBefore ? unread + 1 : 0;
  }
}

const call = (port: number, body: unknown) =>
  fetch(`http://127.0.0.1:${port}/api/superfone/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });

describe('hardenNodeServer: no client holds a connection it does not use, or more than its share', { timeout: 60_000 }, () => {
  it('a connection that never sends a byte is closed after requestTimeoutMs, counted from when it connected', async () => {
    // Node checks its timeouts every 800 ms here (the interval is never longer than the timeout).
    await silentConnectionClosesBetween({ requestTimeoutMs: 800 }, 700, 2_500);
  });

  it('a kept-alive connection with no next request is closed after keepAliveTimeoutMs', async () => {
    const served = await serve({ requestTimeoutMs: 30_000, keepAliveTimeoutMs: 100 });
    const kept = await open(served.port);
    try {
      kept.write('GET /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      // Node gives a kept-alive client a second more than keepAliveTimeoutMs, and checks every second.
      const closedAfter = await closedWithin(kept, 5_000);
      assert.ok(closedAfter !== null && closedAfter < 2_500, `the kept-alive connection closed after ${closedAfter} ms`);
    } finally {
      kept.destroy();
      await served.close();
    }
  });

  it('by default, a connection that sends nothing is closed about 10 s after it connected (the README’s requestTimeoutMs)', async () => {
    // Node checks the request timeout every few seconds (never more than the timeout itself).
    await silentConnectionClosesBetween({}, 9_500, 13_500);
  });

  it('by default, one client holds 256 connections (the README’s maxConnectionsPerClient); the 257th is closed at once', async () => {
    const served = await serve({});
    const sockets: Array<Awaited<ReturnType<typeof open>>> = [];
    try {
      for (let index = 0; index < 256; index++) sockets.push(await open(served.port));
      const extra = await open(served.port);
      sockets.push(extra);
      assert.notEqual(await closedWithin(extra, 2_000), null, 'the 257th connection was closed');
      // The first 256 are still open.
      assert.equal(await closedWithin(sockets[255]!, 200), null, 'the 256th is still open');
    } finally {
      for (const socket of sockets) socket.destroy();
      await served.close();
    }
  });

  it('by default, a kept-alive connection with no next request is closed about 5 s after its answer (the README’s keepAliveTimeoutMs)', async () => {
    const served = await serve({ requestTimeoutMs: 30_000 });
    const kept = await open(served.port);
    try {
      kept.write('GET /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      // 5 s, plus the second Node adds, checked every second: between 4 and 8 s.
      const closedAfter = await closedWithin(kept, 9_000);
      assert.ok(closedAfter !== null && closedAfter >= 4_000 && closedAfter < 8_000, `the kept-alive connection closed after ${closedAfter} ms`);
    } finally {
      kept.destroy();
      await served.close();
    }
  });

  it('an answer in progress is not cut by the request timeout: a slow Superfone, a call’s event stream', async () => {
    const served = await serve({ requestTimeoutMs: 500 }, 5_000);
    try {
      served.upstream.simulator.setFault({ kind: 'slow', delayMs: 1_500 }, 1);
      const slow = await call(served.port, startBody());
      assert.equal(slow.status, 200, 'the START that took 1.5 s was answered');
      const { callId } = await slow.json();
      const stream = await fetch(`http://127.0.0.1:${served.port}/api/superfone/calls/${callId}/events`, { signal: AbortSignal.timeout(10_000) });
      const reader = stream.body!.getReader();
      await reader.read();
      // Quiet for three request timeouts (the heartbeat is 15 s), then the call ends and the stream says so.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal((await call(served.port, { ...startBody(), call_action: 'END' })).status, 200);
      let text = '';
      const decoder = new TextDecoder();
      while (!text.includes('"ended"')) {
        const { done, value } = await reader.read();
        assert.ok(!done, `the stream was cut before the call ended: ${text}`);
        text += decoder.decode(value);
      }
      await reader.cancel();
    } finally {
      await served.close();
    }
  });

  it('a client pipelining requests and reading none of the answers is closed once they have waited requestTimeoutMs, and logged', async () => {
    const served = await serve({ requestTimeoutMs: 800 });
    const pipelining = connect(served.port, '127.0.0.1');
    try {
      // Whole requests per write, a pause between writes, never a read: Node stops reading once
      // the answers back up, between two requests, where no timeout of node:http is running.
      pipelining.on('error', () => {});
      pipelining.pause();
      await new Promise((resolve) => pipelining.once('connect', resolve));
      await writeUntilUnread(pipelining, served, 400);
      const lastWriteAt = performance.now();
      assert.equal(await served.connections(), 1, 'the server holds the connection after the last request');
      // The client reads nothing, so it cannot see the close: the server's count and log say it.
      while ((await served.connections()) > 0 && performance.now() - lastWriteAt < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
      const heldMs = performance.now() - lastWriteAt;
      assert.ok(heldMs < 3_000, `held ${heldMs.toFixed(0)} ms after the last request: the 800 ms timeout, checked every 800 ms`);
      const cut = served.logs.filter((entry) => entry.refusal === 'timeout');
      assert.deepEqual(
        cut.map(({ status, client, detail }) => ({ status, client, detail })),
        [{ status: 0, client: '127.0.0.1', detail: 'answers not read for 0.8 s' }],
      );
    } finally {
      pipelining.destroy();
      await served.close();
    }
  });

  it('a client reading a large answer more slowly than it is written keeps its connection while the answer moves', async () => {
    // hardenNodeServer is public, and an integrator's own routes may answer with megabytes.
    const logs: ProxyLogEntry[] = [];
    const server = hardenNodeServer(
      createServer((_request, response) => response.end(Buffer.alloc(64 * 1024 * 1024))),
      { requestTimeoutMs: 800, log: (entry) => logs.push(entry) },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const slow = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let read = 0;
    try {
      slow.on('error', () => {});
      // One chunk at a time, 10 ms apart: the answer always waits for this reader, and always moves.
      slow.on('data', (chunk: Buffer) => {
        read += chunk.length;
        slow.pause();
        setTimeout(() => slow.resume(), 10);
      });
      await new Promise((resolve) => slow.once('connect', resolve));
      slow.write('GET /export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      const until = performance.now() + 4_000;
      while (performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const open = await new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
        assert.equal(open, 1, `the server let a reader go after ${read} bytes`);
      }
      assert.ok(read > 1_000_000 && read < 64 * 1024 * 1024, `the answer moved, and was still moving (${read} bytes read)`);
      assert.deepEqual(logs, []);
    } finally {
      slow.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('one client may hold maxConnectionsPerClient connections; past that a new one is closed at once and logged, and another client is still served', async () => {
    const served = await serve({ maxConnectionsPerClient: 5 });
    const sockets: Array<Socket & { closedAt: Promise<number> }> = [];
    try {
      for (let index = 0; index < 5; index++) sockets.push(await open(served.port));
      const sixth = await open(served.port);
      sockets.push(sixth);
      assert.notEqual(await closedWithin(sixth, 2_000), null, 'the sixth connection from 127.0.0.1 was closed');
      for (const socket of sockets.slice(0, 5)) assert.equal(await closedWithin(socket, 10), null, 'the first five stay open');
      const other = await open(served.port, '127.0.0.2');
      sockets.push(other);
      other.write('GET /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      let answer = '';
      other.on('data', (chunk) => (answer += chunk));
      await closedWithin(other, 3_000);
      assert.match(answer, /^HTTP\/1\.1 405 /, 'another client (127.0.0.2) is answered');
      assert.deepEqual(
        served.logs.map(({ refusal, client }) => [refusal, client]),
        [['connections', '127.0.0.1']],
      );
      // Closing one frees a place.
      sockets[0]!.destroy();
      await sockets[0]!.closedAt;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await open(served.port);
      sockets.push(again);
      assert.equal(await closedWithin(again, 300), null, 'a place freed is taken again');
    } finally {
      for (const socket of sockets) socket.destroy();
      await served.close();
    }
  });

  it('the instance holds maxConnections at most, whoever asks', async () => {
    const served = await serve({ maxConnections: 3, maxConnectionsPerClient: 0 });
    const sockets: Array<Socket & { closedAt: Promise<number> }> = [];
    try {
      for (let index = 0; index < 3; index++) sockets.push(await open(served.port, `127.0.0.${index + 1}`));
      const fourth = await open(served.port, '127.0.0.9');
      sockets.push(fourth);
      assert.notEqual(await closedWithin(fourth, 2_000), null, 'the fourth connection was closed');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(
        served.logs.map(({ refusal }) => refusal),
        ['connections'],
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await served.close();
    }
  });

  it('bad settings are refused when the server is hardened, not at the first connection', () => {
    assert.throws(() => hardenNodeServer(createServer(), { keepAliveTimeoutMs: -1 }), /keepAliveTimeoutMs must be a whole number/);
    assert.throws(() => hardenNodeServer(createServer(), { maxConnectionsPerClient: 1.5 }), /maxConnectionsPerClient/);
    assert.throws(() => hardenNodeServer(createServer(), { ipv6PrefixLength: 129 }), /ipv6PrefixLength must be a whole number from 1 to 128/);
  });
});
