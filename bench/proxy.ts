// npm run bench:proxy: autocannon on loopback against the proxy + simulator, beside the
// simulator alone and a bare node:http pass-through measured in the same run.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

import autocannon from 'autocannon';

const DURATION_S = 8;
/** Pass-through and proxy are measured in turns, this many each. */
const ROUNDS = 3;
const CONNECTIONS = 20;
const MEMORY_REQUESTS = 100_000;
const SLOW_CLIENTS = 3_000;
const SLOW_HOLD_MS = 4_000;
const SLOW_BUDGET_MB = 30;
const HUGE_ANSWER_BYTES = 400_000_000;
const WARM_UP_REQUESTS = 3_000;

interface Servers {
  urls: { simulator: string; simulatorControl: string; passThrough: string; passThroughHttp: string; proxy: string; idle: string; notified: string };
  pid: number;
  stop(): void;
}

/** bench/proxy-servers.mjs in a fresh process of its own. */
async function startServers(): Promise<Servers> {
  const child = spawn(process.execPath, ['--expose-gc', 'bench/proxy-servers.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const urls = await new Promise<Servers['urls']>((resolve) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]!));
    });
  });
  return { urls, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

const started: Servers[] = [];
async function freshServers(): Promise<Servers> {
  const servers = await startServers();
  started.push(servers);
  return servers;
}

/** START/END pairs for 200 agents, so the per-agent lock sees the contention a busy team makes. */
function callBodies(): string[] {
  const bodies: string[] = [];
  for (let agent = 0; agent < 200; agent++) {
    const user = `+9198765${String(10000 + agent)}`;
    const customer = `+9198450${String(10000 + agent)}`;
    for (const action of ['START', 'END']) bodies.push(JSON.stringify({ customer_number: customer, user_number: user, call_action: action }));
  }
  return bodies;
}
const bodies = callBodies();

interface Figures {
  requestsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(name: string, url: string, options: { post: boolean; amount?: number; body?: (index: number) => string; headers?: Record<string, string> }): Promise<Figures> {
  let next = 0;
  // Each response's own time, in fractions of a millisecond: autocannon's histogram keeps
  // whole milliseconds, too coarse to compare a 2 ms p99 with a 3 ms one.
  const latencies: number[] = [];
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    setupClient: (client) => client.on('response', (_status: number, _bytes: number, durationMs: number) => latencies.push(durationMs)),
    ...(options.amount ? { amount: options.amount } : { duration: DURATION_S }),
    requests: [
      options.post
        ? {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', ...options.headers },
            setupRequest: (request) => ({ ...request, body: options.body ? options.body(next++) : bodies[next++ % bodies.length] }),
          }
        : {
            method: 'GET',
            headers: { 'X-API-Key': 'bench-key' },
            setupRequest: (request) => ({
              ...request,
              path: `${new URL(url).pathname}?customer_number=%2B918000000001&user_number=%2B91987654${String(next++ % 10000).padStart(4, '0')}&call_action=END`,
            }),
          },
    ],
  });
  latencies.sort((a, b) => a - b);
  const percentile = (share: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))] ?? 0) * 100) / 100;
  const figures = {
    requestsPerSec: result.requests.average,
    p50: percentile(0.5),
    p99: percentile(0.99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
  console.log(
    `  ${name.padEnd(34)} ${figures.requestsPerSec.toFixed(0).padStart(7)} req/s   p50 ${figures.p50.toFixed(2).padStart(6)} ms   p99 ${figures.p99.toFixed(2).padStart(6)} ms   errors ${figures.errors}`,
  );
  return figures;
}

function meanFigures(rounds: Figures[]): Figures {
  const mean = (pick: (figures: Figures) => number) => rounds.reduce((sum, figures) => sum + pick(figures), 0) / rounds.length;
  return {
    requestsPerSec: mean((f) => f.requestsPerSec),
    p50: mean((f) => f.p50),
    p99: Math.round(mean((f) => f.p99) * 100) / 100,
    errors: mean((f) => f.errors),
    non2xx: mean((f) => f.non2xx),
  };
}

async function serverMemory(servers: Servers): Promise<NodeJS.MemoryUsage> {
  return (await (await fetch(`${servers.urls.proxy}/__bench/memory`)).json()) as NodeJS.MemoryUsage;
}

const WEBHOOK_HEADERS = { Authorization: 'Bearer bench-webhook-secret-0123456789' };
const STREAMS = 100;

/** An ALL_CALLS delivery as the reported field names have it; each `cdr_id` is new, so none is a repeat. */
function delivery(cdrId: string, customer: string, agent: string): string {
  return JSON.stringify({
    event: 'ALL_CALLS',
    cdr_id: cdrId,
    cdr_phone: customer,
    staff_phone: agent.slice(1),
    cdr_disposition: 'ANSWERED',
    cdr_duration: '42',
    cdr_start: new Date().toISOString(),
  });
}

/** Places `count` calls through the notified proxy and opens a page's stream on each; resolves with what ends them. */
async function openStreams(base: string, count: number) {
  const streams: Array<{ customer: string; agent: string; ended: Promise<void>; close: () => void }> = [];
  for (let index = 0; index < count; index++) {
    const customer = `+9198451${String(10000 + index)}`;
    const agent = `+9198766${String(10000 + index)}`;
    const started = await fetch(`${base}call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ customer_number: customer, user_number: agent, call_action: 'START' }),
    });
    const { callId } = (await started.json()) as { callId: string };
    const controller = new AbortController();
    const response = await fetch(`${base}calls/${callId}/events`, { signal: controller.signal });
    const ended = (async () => {
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        if (text.includes('"state":"ended"')) return;
      }
    })().catch(() => {});
    streams.push({ customer, agent, ended, close: () => controller.abort() });
  }
  return streams;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Opens `count` connections that each announce a 4,000-byte body, send 10 bytes of it and hold: the slow-body attack. */
async function holdSlowConnections(url: string, count: number): Promise<Socket[]> {
  const { hostname, port } = new URL(url);
  const sockets: Socket[] = [];
  for (let index = 0; index < count; index++) {
    const socket = connect(Number(port), hostname);
    socket.on('error', () => {});
    socket.write(`POST /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"customer`);
    sockets.push(socket);
    if (index % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, SLOW_HOLD_MS));
  return sockets;
}

/**
 * RSS and heap growth (after GC) while `count` slow clients are held by a fresh servers
 * process, warmed first by ordinary traffic through the proxy, as a proxy in service is:
 * a cold process also spends memory growing its heap into first use.
 */
async function slowClients(target: 'proxy' | 'idle', count: number): Promise<{ rss: number; heap: number; heldRss: number }> {
  const servers = await freshServers();
  const sockets: Socket[] = [];
  try {
    for (let index = 0; index < WARM_UP_REQUESTS; index++) {
      await (await fetch(servers.urls.proxy, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bodies[index % bodies.length] })).arrayBuffer();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const before = await serverMemory(servers);
    sockets.push(...(await holdSlowConnections(servers.urls[target], count)));
    const held = await serverMemory(servers);
    return { rss: held.rss - before.rss, heap: held.heapUsed + held.external - before.heapUsed - before.external, heldRss: held.rss };
  } finally {
    for (const socket of sockets) socket.destroy();
    servers.stop();
  }
}

/** The servers' peak RSS (Linux) while the proxy is sent one answer of `bytes` from upstream. */
async function peakDuringHugeAnswer(servers: Servers, bytes: number): Promise<{ growth: number; status: number } | null> {
  const status = (field: string) =>
    Number(
      /\d+/.exec(
        readFileSync(`/proc/${servers.pid}/status`, 'utf8')
          .split('\n')
          .find((line) => line.startsWith(field)) ?? '',
      )?.[0],
    ) * 1024;
  try {
    writeFileSync(`/proc/${servers.pid}/clear_refs`, '5'); // resets the peak to the current RSS
  } catch {
    return null;
  }
  const before = status('VmRSS:');
  await fetch(`${servers.urls.simulatorControl}/fault`, { method: 'POST', body: JSON.stringify({ kind: 'huge-body', bytes, count: 1 }) });
  const answer = await fetch(servers.urls.proxy, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bodies[0] });
  await answer.text();
  return { growth: status('VmHWM:') - before, status: answer.status };
}

try {
  const servers = await freshServers();
  const { urls } = servers;
  console.log(`load on loopback, ${CONNECTIONS} connections, ${DURATION_S} s each (Node ${process.version}, same machine as the servers):`);
  const simulator = await load('simulator alone (GET)', urls.simulator, { post: false });
  // Both warmed first, then measured in turns, so neither pays for the JIT or for what
  // the machine was doing in one slot of time.
  await load('(warm-up) pass-through, fetch', urls.passThrough, { post: true, amount: 20_000 });
  await load('(warm-up) pass-through, node:http', urls.passThroughHttp, { post: true, amount: 20_000 });
  await load('(warm-up) proxy', urls.proxy, { post: true, amount: 20_000 });
  const rounds = { fetch: [] as Figures[], http: [] as Figures[], proxy: [] as Figures[] };
  for (let round = 1; round <= ROUNDS; round++) {
    rounds.fetch.push(await load(`pass-through, fetch (${round})`, urls.passThrough, { post: true }));
    rounds.http.push(await load(`pass-through, node:http (${round})`, urls.passThroughHttp, { post: true }));
    rounds.proxy.push(await load(`proxy, every guard (${round})`, urls.proxy, { post: true }));
  }
  const proxy = meanFigures(rounds.proxy);
  console.log(`  mean of ${ROUNDS} rounds each:`);
  for (const [name, reference] of [
    ['pass-through, fetch', meanFigures(rounds.fetch)],
    ['pass-through, node:http kept-alive', meanFigures(rounds.http)],
  ] as const) {
    console.log(
      `    ${name.padEnd(36)} ${reference.requestsPerSec.toFixed(0).padStart(6)} req/s, p99 ${reference.p99} ms; proxy / it: ${(proxy.requestsPerSec / reference.requestsPerSec).toFixed(2)}× req/s (goal ≥ 0.8×), p99 ${(proxy.p99 / reference.p99).toFixed(2)}× (goal ≤ 1.25×)`,
    );
  }
  console.log(
    `    ${'proxy, every guard'.padEnd(36)} ${proxy.requestsPerSec.toFixed(0).padStart(6)} req/s, p99 ${proxy.p99} ms; answers not 2xx per round: ${proxy.non2xx.toFixed(0)} (a START racing its own agent's END)`,
  );
  console.log(`  proxy / simulator throughput:    ${(proxy.requestsPerSec / simulator.requestsPerSec).toFixed(2)}×`);

  console.log(`\nSuperfone's deliveries to the notification receiver (unique records, no matching START):`);
  const unmatched = (index: number) => delivery(`bench-${index}-${Math.random()}`, `+9198452${String(10000 + (index % 50_000))}`, '+919876610000');
  const idleReceiver = await load('deliveries, no open streams', `${urls.notified}webhook`, { post: true, body: unmatched, headers: WEBHOOK_HEADERS });
  const streams = await openStreams(urls.notified, STREAMS);
  const busyReceiver = await load(`deliveries, ${STREAMS} open streams`, `${urls.notified}webhook`, { post: true, body: unmatched, headers: WEBHOOK_HEADERS });
  console.log(`  with / without ${STREAMS} open streams: ${(busyReceiver.requestsPerSec / idleReceiver.requestsPerSec).toFixed(2)}×`);
  const sentAt = performance.now();
  await Promise.all(
    streams.map((stream, index) =>
      fetch(`${urls.notified}webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...WEBHOOK_HEADERS },
        body: delivery(`bench-end-${index}`, stream.customer, stream.agent),
      }),
    ),
  );
  await Promise.all(streams.map((stream) => stream.ended));
  console.log(`  ${STREAMS} matching records delivered at once: every page's stream heard its call end within ${(performance.now() - sentAt).toFixed(0)} ms`);
  for (const stream of streams) stream.close();

  const before = await serverMemory(servers);
  await load(`proxy, ${MEMORY_REQUESTS.toLocaleString('en')} requests`, urls.proxy, { post: true, amount: MEMORY_REQUESTS });
  const after = await serverMemory(servers);
  console.log(`  proxy process memory after GC: heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, RSS ${mb(before.rss)} → ${mb(after.rss)}`);

  console.log(`\n${SLOW_CLIENTS.toLocaleString('en')} slow clients, each announcing a 4,000-byte body, sending 10 bytes and holding ${SLOW_HOLD_MS / 1000} s`);
  console.log(`(a fresh servers process each time, warmed by ${WARM_UP_REQUESTS.toLocaleString('en')} calls one after another; growth after GC):`);
  const idleGrowth = await slowClients('idle', SLOW_CLIENTS);
  const proxyGrowth = await slowClients('proxy', SLOW_CLIENTS);
  console.log(`  node:http holding the connections, reading nothing: RSS +${mb(idleGrowth.rss)} (holding: ${mb(idleGrowth.heldRss)}), heap +${mb(idleGrowth.heap)}`);
  console.log(`  proxy:                                              RSS +${mb(proxyGrowth.rss)} (holding: ${mb(proxyGrowth.heldRss)}), heap +${mb(proxyGrowth.heap)}`);
  // Growth depends on what the warm-up left allocated; what both processes hold while the
  // clients wait is the fairer comparison, and the budget is on the proxy's extra.
  const extra = proxyGrowth.heldRss - idleGrowth.heldRss;
  console.log(
    `  proxy / bare server: heap growth ${(proxyGrowth.heap / idleGrowth.heap).toFixed(2)}×; RSS held beyond the bare server's: ${mb(extra)} (budget ${SLOW_BUDGET_MB} MB: ${extra < SLOW_BUDGET_MB * 1024 * 1024 ? 'within' : 'OVER'})`,
  );

  const huge = await peakDuringHugeAnswer(servers, HUGE_ANSWER_BYTES);
  console.log(
    huge
      ? `\none ${mb(HUGE_ANSWER_BYTES)} answer from upstream: proxy answered ${huge.status}, peak RSS +${mb(huge.growth)} (the answer is read up to 64 KiB)`
      : '\n(peak RSS during a huge upstream answer needs Linux /proc; skipped)',
  );
} finally {
  for (const servers of started) servers.stop();
}
