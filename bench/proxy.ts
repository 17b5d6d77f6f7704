// npm run bench:proxy: autocannon on loopback against the proxy + simulator, beside the
// simulator alone and a bare node:http pass-through measured in the same run.
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';

const DURATION_S = 8;
const CONNECTIONS = 20;
const MEMORY_REQUESTS = 100_000;

const servers = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/proxy-servers.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
const urls = await new Promise<{ simulator: string; passThrough: string; proxy: string }>((resolve) => {
  let output = '';
  servers.stdout.on('data', (chunk) => {
    output += chunk;
    if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]!));
  });
});

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

async function load(name: string, url: string, options: { post: boolean; amount?: number }): Promise<Figures> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: DURATION_S }),
    requests: [
      options.post
        ? {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
          }
        : {
            method: 'GET',
            headers: { 'X-API-Key': 'bench-key' },
            setupRequest: (request) => ({ ...request, path: `${new URL(url).pathname}?customer_number=%2B918000000001&user_number=%2B91987654${String(next++ % 10000).padStart(4, '0')}&call_action=END` }),
          },
    ],
  });
  const figures = {
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
  console.log(`  ${name.padEnd(34)} ${figures.requestsPerSec.toFixed(0).padStart(7)} req/s   p50 ${String(figures.p50).padStart(3)} ms   p99 ${String(figures.p99).padStart(3)} ms   errors ${figures.errors}`);
  return figures;
}

async function serverMemory(): Promise<NodeJS.MemoryUsage> {
  return (await (await fetch(`${urls.proxy}/__bench/memory`)).json()) as NodeJS.MemoryUsage;
}

try {
  console.log(`load on loopback, ${CONNECTIONS} connections, ${DURATION_S} s each (Node ${process.version}, same machine as the servers):`);
  const simulator = await load('simulator alone (GET)', urls.simulator, { post: false });
  const passThrough = await load('bare node:http pass-through', urls.passThrough, { post: true });
  const proxy = await load('proxy + simulator (every guard)', urls.proxy, { post: true });
  console.log(`  proxy / pass-through throughput: ${(proxy.requestsPerSec / passThrough.requestsPerSec).toFixed(2)}×, p99 ${(proxy.p99 / Math.max(1, passThrough.p99)).toFixed(2)}×`);
  console.log(`  proxy / simulator throughput:    ${(proxy.requestsPerSec / simulator.requestsPerSec).toFixed(2)}×`);

  const before = await serverMemory();
  await load(`proxy, ${MEMORY_REQUESTS.toLocaleString('en')} requests`, urls.proxy, { post: true, amount: MEMORY_REQUESTS });
  const after = await serverMemory();
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`  proxy process memory after GC: heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, RSS ${mb(before.rss)} → ${mb(after.rss)}`);
} finally {
  servers.kill('SIGTERM');
}
