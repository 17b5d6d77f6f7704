import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSuperfoneSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import { freePort } from '../support/free-port.js';
import { installPackedTarball, NPM, readmeRecipe, type PackedProject } from '../support/packed-project.js';

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

  before(async () => {
    packed = installPackedTarball();
    execFileSync(NPM, ['install', 'express@5', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: packed.dir, stdio: 'ignore' });
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
  });
  // Each recipe calls Asha; the simulator forgets the last one's call.
  beforeEach(() => upstream.simulator.reset());
  after(async () => {
    for (const child of children) child.kill();
    await upstream?.close();
    packed?.remove();
  });

  /** Serves the recipe's default export (an Express app) on a free port, in its own process. */
  async function serveApp(recipe: string, env: Record<string, string> = {}): Promise<string> {
    const file = join(packed.dir, `${recipe}.mjs`);
    writeFileSync(file, readmeRecipe(recipe));
    const port = await freePort();
    const child = spawn(process.execPath, ['--input-type=module', '-e', `const { default: app } = await import(${JSON.stringify(file)}); app.listen(${port}, '127.0.0.1', () => console.log('listening'));`], {
      cwd: packed.dir,
      env: { PATH: process.env.PATH, SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase, ...env },
    });
    children.push(child);
    outputs.set(recipe, () => output);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk) => (output += chunk) && output.includes('listening') && resolve());
      child.stderr!.on('data', (chunk) => (output += chunk));
      child.once('exit', (code) => reject(new Error(`${recipe} exited ${code}: ${output}`)));
    });
    return `http://127.0.0.1:${port}/api/superfone/call`;
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

  it('call notifications: a START, then Superfone’s record at /api/superfone/webhook, heard by onCallRecord with its match', async () => {
    const secret = 'whsec_readme_0123456789';
    const url = await serveApp('notifications', { SUPERFONE_WEBHOOK_SECRET: secret });
    const started = await post(url);
    assert.equal(started.status, 200, await started.clone().text());
    const notificationId = ((await started.json()) as any).data.notificationID;
    const delivery = await fetch(url.replace(/call$/, 'webhook'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
      body: JSON.stringify({ event: 'ALL_CALLS', cdr_phone: '08000000001', staff_phone: '919876543210', cdr_id: 'c-1', cdr_disposition: 'ANSWERED', cdr_duration: 42, cdr_start: new Date(Date.now() + 1_000).toISOString() }),
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(delivery.status, 200);
    for (let wait = 0; wait < 500 && !outputs.get('notifications')!().includes('"status"'); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(outputs.get('notifications')!(), new RegExp(`\\{"status":"answered","durationSec":42,"notificationId":${notificationId}\\}`));
  });

  it('the simulator inside your own server: a call to Asha works with no key at all', async () => {
    const url = await serveApp('simulator');
    const answer = await post(url);
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(((await answer.json()) as any).data.sentSuccess, true);
  });
});
