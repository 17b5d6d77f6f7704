import assert from 'node:assert/strict';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { type RunningSimulator, startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { freePort } from '../support/free-port.js';
import { installPackedTarball, NPM, type PackedProject, readmeRecipe } from '../support/packed-project.js';
import { startRedis } from '../support/redis-server.js';

const API_KEY = 'sf_live_SECRET_6f1c9a0b2e';
const START = JSON.stringify({ customer_number: '+918000000001', user_number: '+919876543210', call_action: 'START' });

/**
 * The README's server recipes, copied into a project that installed the packed tarball
 * (and Express, as such a project would), each run in a process of its own.
 */
describe('the README’s server recipes run as written', { timeout: 120_000 }, () => {
  let packed: PackedProject;
  let upstream: RunningSimulator;
  const children: ChildProcess[] = [];
  /** What each recipe's process printed so far. */
  const outputs = new Map<string, () => string>();

  let redis: Awaited<ReturnType<typeof startRedis>>;

  before(async () => {
    packed = installPackedTarball();
    // What the recipes' readers install beside the package.
    execFileSync(NPM, ['install', 'express@5', 'hono@4', '@hono/node-server@2', 'ioredis@5', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: packed.dir,
      stdio: 'ignore',
    });
    redis = await startRedis();
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
  });
  // Each recipe calls Asha; the simulator forgets the last one's call.
  beforeEach(() => upstream.simulator.reset());
  after(async () => {
    for (const child of children) child.kill();
    await upstream?.close();
    await redis?.stop();
    packed?.remove();
  });

  /**
   * Serves the recipe's default export (an Express app) on a free port, in its own process.
   * `around` supplies what the recipe's words leave to the reader (their `app`, their sessions).
   */
  async function serveApp(recipe: string, env: Record<string, string> = {}, around: { before?: string; after?: string } = {}): Promise<string> {
    const file = join(packed.dir, `${recipe}.mjs`);
    writeFileSync(file, `${around.before ?? ''}${readmeRecipe(recipe)}${around.after ?? ''}`);
    const port = await freePort();
    await runRecipe(
      recipe,
      ['--input-type=module', '-e', `const { default: app } = await import(${JSON.stringify(file)}); app.listen(${port}, '127.0.0.1', () => console.log('listening'));`],
      env,
    );
    return `http://127.0.0.1:${port}/api/superfone/call`;
  }

  /** Runs the recipe's own file, which listens on PORT, and waits for it to say so. */
  async function serveFile(recipe: string, readyLine: string | null): Promise<string> {
    const file = join(packed.dir, `${recipe}.mjs`);
    writeFileSync(file, readmeRecipe(recipe));
    const port = await freePort();
    await runRecipe(recipe, [file], { PORT: String(port) }, readyLine);
    return `http://127.0.0.1:${port}/api/superfone/call`;
  }

  /** Spawns node with `args` in the project, the simulator as Superfone, and resolves once it prints `readyLine` (at once without one). */
  async function runRecipe(recipe: string, args: string[], env: Record<string, string>, readyLine: string | null = 'listening'): Promise<void> {
    const child = spawn(process.execPath, args, {
      cwd: packed.dir,
      env: { PATH: process.env.PATH, SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase, ...env },
    });
    children.push(child);
    outputs.set(recipe, () => output);
    let output = '';
    if (readyLine === null) {
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${recipe} never printed "${readyLine}": ${output}`)), 20_000);
      child.stdout!.on('data', (chunk) => (output += chunk) && output.includes(readyLine) && (clearTimeout(timer), resolve()));
      child.stderr!.on('data', (chunk) => (output += chunk));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${recipe} exited ${code}: ${output}`))));
    });
  }

  /** Runs a recipe as a script to its end and returns what it printed. */
  async function runToEnd(recipe: string, around: { before?: string; after?: string } = {}, env: Record<string, string> = {}): Promise<string> {
    const file = join(packed.dir, `${recipe}.mjs`);
    writeFileSync(file, `${around.before ?? ''}${readmeRecipe(recipe)}${around.after ?? ''}`);
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: packed.dir, timeout: 30_000, env: { PATH: process.env.PATH, ...env } });
    return stdout;
  }

  /** Retries a request while the server is still starting (connection refused). */
  async function retryUntilListening(request: () => Promise<Response>): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (attempt >= 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  const post = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: START, signal: AbortSignal.timeout(10_000) });

  it('Express: a signed-in user calls, anyone else gets 401', async () => {
    const url = await serveApp('express');
    assert.equal((await post(url)).status, 401);
    const answer = await post(url, { Cookie: 'session=abc' });
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(upstream.simulator.lastRequest()!.apiKeyValid, true);
  });

  it('Next.js route handler: POST(request) places the call, the client known from X-Forwarded-For', async () => {
    const file = join(packed.dir, 'route.mjs');
    writeFileSync(file, readmeRecipe('nextjs'));
    const script = `const { POST } = await import(${JSON.stringify(file)});
      const call = (from) => POST(new Request('https://crm.example.com/api/superfone/call', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': from }, body: ${JSON.stringify(START)} }));
      const first = await call('203.0.113.7, 10.0.0.1');
      const body = await first.json(); console.log(first.status, body.data?.sentSuccess ?? JSON.stringify(body));`;
    // Asynchronously: the simulator answering it lives in this process.
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packed.dir,
      timeout: 30_000,
      env: { PATH: process.env.PATH, SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase },
    });
    assert.equal(stdout.trim(), '200 true');
  });

  it('rate limits: the recipe’s numbers are the package’s defaults, and the seventh START to one customer is refused naming its limit', async () => {
    const file = join(packed.dir, 'rate-limits.mjs');
    writeFileSync(file, readmeRecipe('rate-limits'));
    const script = `const { handleCall } = await import(${JSON.stringify(file)});
      const { DEFAULT_RATE_LIMITS } = await import('superfone-call-button/proxy');
      const send = (action) => handleCall(new Request('http://localhost/api/superfone/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ customer_number: '+918000000031', user_number: '+919876543210', call_action: action }) }), { clientAddress: '127.0.0.1' });
      const statuses = [];
      for (let call = 0; call < 6; call++) { statuses.push((await send('START')).status); await send('END'); }
      const seventh = await send('START');
      console.log(JSON.stringify({ statuses, seventh: seventh.status, body: await seventh.json(), defaults: DEFAULT_RATE_LIMITS }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packed.dir,
      timeout: 30_000,
      env: { PATH: process.env.PATH, SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase },
    });
    const { statuses, seventh, body, defaults } = JSON.parse(stdout);
    const written = Object.fromEntries(
      [...readmeRecipe('rate-limits').matchAll(/(\w+): \{ points: (\d+), durationSec: (\d+) \}/g)].map(([, name, points, durationSec]) => [
        name,
        { points: Number(points), durationSec: Number(durationSec) },
      ]),
    );
    assert.deepEqual(written, defaults, 'the README says each limit is at its default');
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
    assert.equal(seventh, 429);
    assert.deepEqual(body.error.detail, { limit: 'per-customer', allowed: 6, windowSec: 1800 });
    assert.match(body.error.message, /\(the per-customer limit\)/);
  });

  it('call notifications: a START, then Superfone’s record at /api/superfone/webhook, heard by onCallRecord with its match', async () => {
    const secret = 'whsec_readme_0123456789';
    const url = await serveApp('notifications', { SUPERFONE_WEBHOOK_SECRET: secret });
    const started = await post(url);
    assert.equal(started.status, 200, await started.clone().text());
    const notificationId = ((await started.json()) as any).data.notificationID;
    const delivery = await fetch(url.replace(/call$/, 'webhook'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
      body: JSON.stringify({
        event: 'ALL_CALLS',
        cdr_phone: '08000000001',
        staff_phone: '919876543210',
        cdr_id: 'c-1',
        cdr_disposition: 'ANSWERED',
        cdr_duration: 42,
        cdr_start: new Date(Date.now() + 1_000).toISOString(),
      }),
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(delivery.status, 200);
    for (let wait = 0; wait < 500 && !outputs.get('notifications')!().includes('"status"'); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(outputs.get('notifications')!(), new RegExp(`\\{"status":"answered","durationSec":42,"notificationId":${notificationId}\\}`));
  });

  it('the recording and the summary land on the call’s row in the CRM’s table, with the call id the START gave the page', async () => {
    const secret = 'whsec_readme_0123456789';
    const url = await serveApp('call-updates', { SUPERFONE_WEBHOOK_SECRET: secret });
    const started = await post(url);
    assert.equal(started.status, 200, await started.clone().text());
    const { callId } = (await started.json()) as any;
    const deliver = async (body: Record<string, unknown>) => {
      const answer = await fetch(url.replace(/call$/, 'webhook'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
        body: JSON.stringify({ cdr_phone: '08000000001', staff_phone: '919876543210', cdr_id: 'c-9', cdr_start: new Date(Date.now() + 1_000).toISOString(), ...body }),
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(answer.status, 200);
    };
    await deliver({ event: 'ALL_CALLS', cdr_disposition: 'ANSWERED', cdr_duration: 42 });
    await deliver({ event: 'CDR_RECORDING_AVAILABLE', cdr_recording_url: 'https://rec.example/c-9.mp3?X-Amz-Date=20261206T100000Z&X-Amz-Expires=604800' });
    await deliver({ event: 'CDR_SUMMARY_READY', cdr_summary: 'Wants a quote by Friday.' });
    const expected = JSON.stringify({
      callId,
      status: 'answered',
      seconds: 42,
      recording: 'https://rec.example/c-9.mp3?X-Amz-Date=20261206T100000Z&X-Amz-Expires=604800',
      until: '2026-12-13T10:00:00.000Z',
      summary: 'Wants a quote by Friday.',
    });
    for (let wait = 0; wait < 500 && !outputs.get('call-updates')!().includes(expected); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(outputs.get('call-updates')!().includes(expected), outputs.get('call-updates')!());
  });

  it('the simulator inside your own server: a call to Asha works with no key at all', async () => {
    const url = await serveApp('simulator');
    const answer = await post(url);
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(((await answer.json()) as any).data.sentSuccess, true);
  });

  it('node:http: superfoneListener behind hardenNodeServer places the call', async () => {
    // It prints nothing: wait for the port instead.
    const url = await serveFile('node-http', null);
    const answer = await retryUntilListening(() => post(url));
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(upstream.simulator.lastRequest()!.apiKeyValid, true);
  });

  it('Hono on Node: every route of the folder reaches the proxy, and the client is known by its address', async () => {
    const url = await serveFile('hono', 'listening on');
    const answer = await post(url);
    assert.equal(answer.status, 200, await answer.clone().text());
    // The proxy answers the rest of the folder itself: an unknown route is its 404, not Hono's.
    const elsewhere = await fetch(url.replace(/call$/, 'nowhere'), { signal: AbortSignal.timeout(10_000) });
    assert.equal(elsewhere.status, 404);
    assert.match(((await elsewhere.json()) as any).error.message, /the call service is at \/api\/superfone\/call/);
  });

  it('a cookie session behind Express, limits in a real Redis: the signed-in agent calls, no session gets 401, another agent 403', async () => {
    const url = await serveApp(
      'cookie-session',
      { REDIS_URL: redis.url },
      {
        // What the recipe leaves to the reader: their app, and their session store.
        before: `import expressForTest from 'express';
const app = expressForTest();
const sessions = { fromCookieHeader: async (cookie) => (cookie?.includes('session=asha') ? { user: { superfoneNumber: '+919876543210' } } : null) };
`,
        after: '\nexport default app;\n',
      },
    );
    assert.equal((await post(url)).status, 401);
    // With enableOfflineQueue off, STARTs fail closed (503) until ioredis has connected, as documented.
    let answer = await post(url, { Cookie: 'session=asha' });
    for (let wait = 0; answer.status === 503 && wait < 50; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await post(url, { Cookie: 'session=asha' });
    }
    assert.equal(answer.status, 200, await answer.clone().text());
    const other = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: 'session=asha' },
      body: JSON.stringify({ customer_number: '+918000000002', user_number: '+919812345678', call_action: 'START' }),
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(other.status, 403);
    // The limits were counted in Redis, not in the process.
    const { Redis } = await import(join(packed.dir, 'node_modules/ioredis/built/index.js'));
    const client = new Redis(redis.url);
    try {
      assert.ok((await client.dbsize()) > 0, 'the recipe’s store wrote to Redis');
    } finally {
      client.disconnect();
    }
  });

  it('the simulator’s API: a call through a proxy in the same script, then a fault, and it closes', async () => {
    assert.equal((await runToEnd('simulator-api')).trim(), '200 1');
  });

  it('simulate() for a proxy of one’s own: a call placed through it is reported to its webhook, and its status says how it ended', async () => {
    const printed = await runToEnd(
      'simulate-own-proxy',
      {
        after: `
simulated.running.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: 20 });
const start = { customer_number: '+918000000001', user_number: '+919876543210', call_action: 'START' };
const placed = await (await fetch(\`http://127.0.0.1:\${port}/api/superfone/call\`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(start) })).json();
let status;
for (let tries = 0; tries < 100 && status?.state !== 'ended'; tries++) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  status = await (await fetch(\`http://127.0.0.1:\${port}/api/superfone/calls/\${placed.callId}\`)).json();
}
console.log(status.state, status.record?.status);
server.close();
await simulated.close();
`,
      },
      { PORT: String(await freePort()) },
    );
    assert.equal(printed.trim(), 'ended answered');
  });

  it('the simulated calls’ settings: target, outcome and faults are taken as written', async () => {
    const printed = await runToEnd('simulator-calls', {
      before: `import { startSuperfoneSimulator } from 'superfone-call-button/simulator';
const upstream = await startSuperfoneSimulator();
const secret = 'whsec_readme_0123456789';
`,
      after: `\nconsole.log('ran');
await upstream.close();
`,
    });
    // A misspelt method or a missing import throws before this line.
    assert.equal(printed.trim(), 'ran');
  });
});
