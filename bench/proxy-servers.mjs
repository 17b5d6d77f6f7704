// The servers bench/proxy.ts measures, in a process of their own so the load generator does
// not share their CPU: the simulator, the proxy in front of it, a bare pass-through, and a
// server that holds connections and does nothing else. Plain JavaScript running the built
// package (`npm run build` first), as production runs it: no TypeScript loader in the way.
import { Agent as HttpAgent, createServer, get as httpGet } from 'node:http';

import { hardenNodeServer, superfoneListener } from '../dist/server/node.js';
import { DEFAULT_AGENTS, startSuperfoneSimulator } from '../dist/simulator/index.js';

/** The agents bench/proxy.ts calls as (200, a busy team), each with the app online: every call succeeds. */
const benchAgents = Array.from({ length: 200 }, (_, agent) => ({ number: `+9198765${String(10000 + agent)}`, name: `Agent ${agent}`, appOnline: true }));
const upstream = await startSuperfoneSimulator({ apiKey: 'bench-key', agents: [...DEFAULT_AGENTS, ...benchAgents] });
// The proxy as the CLI serves it: body read up to the limit, timeouts, every guard.
const proxy = superfoneListener({
  apiKey: 'bench-key',
  apiBase: upstream.apiBase,
  // Every guard runs; the limits are only set high enough not to refuse the load itself.
  rateLimits: {
    perAgent: { points: 1e9, durationSec: 60 },
    perDestination: { points: 1e9, durationSec: 60 },
    perClient: { points: 1e9, durationSec: 60 },
    endsPerClient: { points: 1e9, durationSec: 60 },
  },
  log: () => {},
});

// The same proxy receiving Superfone's notifications, for the deliveries-with-open-streams line.
const notified = superfoneListener({
  apiKey: 'bench-key',
  apiBase: upstream.apiBase,
  path: '/api/superfone/call',
  webhookSecret: 'bench-webhook-secret-0123456789',
  rateLimits: false,
  callStreams: { perClient: 1_000 },
  log: () => {},
});

/** Memory after full collections, a second apart, so garbage and freed pages have gone back. */
async function memory() {
  const gc = globalThis.gc;
  for (let round = 0; round < 3; round++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return process.memoryUsage();
}

const proxyServer = hardenNodeServer(
  createServer((req, res) => {
    if (req.url === '/__bench/memory') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void memory().then((usage) => res.end(JSON.stringify(usage)));
    }
    void proxy(req, res);
  }),
  // The slow clients stand for 3,000 clients but all come from 127.0.0.1: no per-client cap here.
  { maxConnectionsPerClient: 0 },
);

// The floor for slow clients: node:http holding connections whose bodies it never reads.
const idleServer = createServer(() => {});

// The least a proxy can do: read the body, forward a GET with the key, relay the answer.
const passThrough = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
  const url = `${upstream.apiBase}/customer/click-2-call?${new URLSearchParams(body)}`;
  const answer = await fetch(url, { headers: { 'X-API-Key': 'bench-key' } });
  res.writeHead(answer.status, { 'Content-Type': 'application/json' });
  res.end(await answer.text());
});

// The same, reaching upstream as the proxy does on Node: node:http with kept-alive connections.
const keepAlive = new HttpAgent({ keepAlive: true });
const passThroughHttp = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
  const url = new URL(`${upstream.apiBase}/customer/click-2-call?${new URLSearchParams(body)}`);
  httpGet(url, { headers: { 'X-API-Key': 'bench-key' }, agent: keepAlive }, (answer) => {
    const parts = [];
    answer.on('data', (part) => parts.push(part));
    answer.on('end', () => {
      res.writeHead(answer.statusCode ?? 502, { 'Content-Type': 'application/json' });
      res.end(Buffer.concat(parts));
    });
  });
});

const listen = async (server) => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}`;
};

const urls = {
  simulator: `${upstream.apiBase}/customer/click-2-call`,
  simulatorControl: `${upstream.url}/__superfone-simulator`,
  passThrough: await listen(passThrough),
  passThroughHttp: await listen(passThroughHttp),
  proxy: await listen(proxyServer),
  idle: await listen(idleServer),
  notified: `${await listen(createServer((req, res) => void notified(req, res)))}/api/superfone/`,
};
process.stdout.write(JSON.stringify(urls) + '\n');
process.on('SIGTERM', () => process.exit(0));
