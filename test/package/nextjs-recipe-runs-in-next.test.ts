import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { type RunningSimulator, startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { freePort } from '../support/free-port.js';
import { installPackedTarball, NPM, type PackedProject, readmeRecipe } from '../support/packed-project.js';

const API_KEY = 'sf_live_SECRET_6f1c9a0b2e';
const START = JSON.stringify({ customer_number: '+918000000001', user_number: '+919876543210', call_action: 'START' });

/**
 * The README's Next.js route handler where Next.js puts it, `app/api/superfone/call/route.js`,
 * served by a real `next dev` in a project with the packed tarball: Next's own bundling,
 * its Request, its headers.
 */
describe('the README’s Next.js recipe in a real Next.js app', { timeout: 180_000 }, () => {
  let packed: PackedProject;
  let upstream: RunningSimulator;
  let next: ChildProcess | undefined;
  let origin: string;

  before(async () => {
    packed = installPackedTarball();
    execFileSync(NPM, ['install', 'next@15', 'react@19', 'react-dom@19', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: packed.dir, stdio: 'ignore' });
    mkdirSync(join(packed.dir, 'app/api/superfone/call'), { recursive: true });
    writeFileSync(join(packed.dir, 'app/api/superfone/call/route.js'), readmeRecipe('nextjs'));
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const port = await freePort();
    next = spawn(process.execPath, [join(packed.dir, 'node_modules/next/dist/bin/next'), 'dev', '--port', String(port), '--hostname', '127.0.0.1'], {
      cwd: packed.dir,
      env: { PATH: process.env.PATH, NEXT_TELEMETRY_DISABLED: '1', SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase },
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`next dev did not start: ${output}`)), 60_000);
      const read = (chunk: Buffer) => (output += chunk) && /Ready in/.test(output) && (clearTimeout(timer), resolve());
      next!.stdout!.on('data', read);
      next!.stderr!.on('data', read);
      next!.once('exit', (code) => (clearTimeout(timer), reject(new Error(`next dev exited ${code}: ${output}`))));
    });
    origin = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    // Next writes .next/ until it has exited: wait for that before the project is removed.
    if (next && next.exitCode === null && next.signalCode === null) {
      const exited = once(next, 'exit');
      next.kill();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    await upstream?.close();
    packed?.remove();
  });

  const post = (headers: Record<string, string> = {}) =>
    fetch(`${origin}/api/superfone/call`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: START, signal: AbortSignal.timeout(60_000) });

  it('POST places the call through the simulator with the key from the environment', async () => {
    // The first request compiles the route.
    const answer = await post({ 'X-Forwarded-For': '203.0.113.7' });
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.deepEqual(((await answer.json()) as any).data, { notificationID: 10001, sentSuccess: true });
    assert.equal(upstream.simulator.lastRequest()!.apiKeyValid, true);
  });

  it('a request the proxy refuses is refused inside Next too: the wrong media type gets 415 and Superfone hears nothing', async () => {
    const before = upstream.simulator.requestCount;
    const refused = await fetch(`${origin}/api/superfone/call`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: START, signal: AbortSignal.timeout(60_000) });
    assert.equal(refused.status, 415);
    assert.match(((await refused.json()) as any).error.message, /Content-Type: application\/json/);
    assert.equal(upstream.simulator.requestCount, before);
  });
});
