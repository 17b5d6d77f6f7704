// The servers bench/proxy.ts measures, in a process of their own so the load generator does
// not share their CPU: the simulator, the proxy in front of it, and a bare pass-through.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeListener } from '../src/server/node-adapter.js';
import { createSuperfoneProxy } from '../src/server/proxy.js';
import { startSuperfoneSimulator } from '../src/simulator/simulator-server.js';

const upstream = await startSuperfoneSimulator({ apiKey: 'bench-key' });
const proxy = toNodeListener(
  createSuperfoneProxy({
    apiKey: 'bench-key',
    apiBase: upstream.apiBase,
    // Every guard runs; the limits are only set high enough not to refuse the load itself.
    rateLimits: {
      perAgent: { points: 1e9, durationSec: 60 },
      perDestination: { points: 1e9, durationSec: 60 },
      perClient: { points: 1e9, durationSec: 60 },
    },
    log: () => {},
  }),
);

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

const proxyServer = createServer((req, res) => {
  if (req.url === '/__bench/memory') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return void res.end(JSON.stringify(memory()));
  }
  void proxy(req, res);
});

// The least a proxy can do: read the body, forward a GET with the key, relay the answer.
const passThrough = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, string>;
  const url = `${upstream.apiBase}/customer/click-2-call?${new URLSearchParams(body)}`;
  const answer = await fetch(url, { headers: { 'X-API-Key': 'bench-key' } });
  res.writeHead(answer.status, { 'Content-Type': 'application/json' });
  res.end(await answer.text());
});

const listen = async (server: ReturnType<typeof createServer>) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const urls = {
  simulator: `${upstream.apiBase}/customer/click-2-call`,
  passThrough: await listen(passThrough),
  proxy: await listen(proxyServer),
};
process.stdout.write(JSON.stringify(urls) + '\n');
process.on('SIGTERM', () => process.exit(0));
