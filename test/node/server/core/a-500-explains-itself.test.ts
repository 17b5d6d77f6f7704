import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { API_KEY } from '../../helpers.js';

// The Next.js recipe's mistake, as a new user meets it: a Fetch handler with no log, and no
// way to tell clients apart (no clientKey, no address from the platform). Its own process,
// so what reaches stderr is read as the operator would see it.
describe('a 500 always explains itself', { timeout: 30_000 }, () => {
  it('with no log set, its cause goes to stderr once per cause, not once per request, and no secret with it', async () => {
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    try {
      const script = `
        import { createSuperfoneProxy } from './src/server/core/proxy.ts';
        const handler = createSuperfoneProxy({ apiKey: process.env.KEY, apiBase: process.env.BASE });
        const body = JSON.stringify({ customer_number: '+918000000001', user_number: '+919876543210', call_action: 'START' });
        const statuses = [];
        for (let index = 0; index < 3; index++) {
          const response = await handler(new Request('http://localhost/api/superfone/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }));
          statuses.push(response.status);
        }
        console.log(statuses.join(' '));`;
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, KEY: API_KEY, BASE: upstream.apiBase },
        timeout: 20_000,
      });
      assert.equal(stdout.trim(), '500 500 500');
      const told = stderr.split('\n').filter((line) => line.includes('answered 500'));
      assert.equal(told.length, 1, stderr);
      assert.match(told[0]!, /no client identity/);
      assert.match(told[0]!, /clientKey/, 'it names the fix');
      assert.ok(!stderr.includes(API_KEY));
      assert.equal(upstream.simulator.requestCount, 0);
    } finally {
      await upstream.close();
    }
  });
});
