import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Miniflare } from 'miniflare';

import { type RunningSimulator, startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { installPackedTarball, type PackedProject, readmeRecipe } from '../support/packed-project.js';

const API_KEY = 'sf_live_SECRET_6f1c9a0b2e';
const START = { customer_number: '+918000000001', user_number: '+919876543210', call_action: 'START' };

describe('the README’s Workers recipe, bundled from the packed tarball, in Cloudflare’s workerd', { timeout: 120_000 }, () => {
  let packed: PackedProject;
  let upstream: RunningSimulator;
  let worker: Miniflare;

  before(async () => {
    packed = installPackedTarball();
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    writeFileSync(join(packed.dir, 'worker.js'), readmeRecipe('workers'));
    // Bundled by the docs' own commands, as written (npm's cache first: the same esbuild as this project's).
    execSync(readmeRecipe('workers-build'), {
      cwd: packed.dir,
      stdio: 'pipe',
      env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
    });
    worker = new Miniflare({
      modules: true,
      script: readFileSync(join(packed.dir, 'dist/worker.js'), 'utf8'),
      compatibilityDate: '2025-01-01',
      bindings: { SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase },
    });
  });
  after(async () => {
    await worker?.dispose();
    await upstream?.close();
    packed?.remove();
  });

  async function post(body: unknown, headers: Record<string, string> = {}, url = 'http://localhost/api/superfone/call') {
    const response = await worker.dispatchFetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await response.text();
    assert.ok(!text.includes(API_KEY), 'no key in the answer');
    return { status: response.status, json: JSON.parse(text), headers: response.headers };
  }

  it('places and ends a call through the simulator', async () => {
    const started = await post(START);
    assert.equal(started.status, 200, JSON.stringify(started.json));
    assert.equal(started.json.data.sentSuccess, true);
    assert.equal(started.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await post({ ...START, call_action: 'END' })).status, 200);
    assert.deepEqual(
      upstream.simulator.snapshot().notifications.map((note) => note.action),
      ['START', 'END'],
    );
  });

  it('refuses what it refuses on Node: bad numbers, other paths, hosts it does not serve', async () => {
    const before = upstream.simulator.requestCount;
    assert.equal((await post({ ...START, customer_number: '12345' })).json.error.code, 'invalid_number');
    assert.equal((await post(START, {}, 'http://localhost/elsewhere')).status, 404);
    assert.equal((await post(START, {}, 'http://attacker.test/api/superfone/call')).status, 403);
    assert.equal(upstream.simulator.requestCount, before, 'none of them reached Superfone');
  });

  it('counts the per-client limit against CF-Connecting-IP', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 21; index++) {
      const customer = `+9198450${String(30000 + index)}`;
      const body = { ...START, customer_number: customer, user_number: `+9198123${String(40000 + index)}` };
      statuses.push((await post(body, { 'CF-Connecting-IP': '203.0.113.77' })).status);
    }
    const other = await post({ ...START, customer_number: '+919845039999', user_number: '+919812349999' }, { 'CF-Connecting-IP': '198.51.100.8' });
    assert.notEqual(other.status, 429, 'another address has its own allowance');
    // Unknown agents get 404 from Superfone; the 21st START from one address is refused first.
    assert.equal(statuses.at(-1), 429);
    assert.ok(statuses.slice(0, 20).every((status) => status !== 429));
  });
});
