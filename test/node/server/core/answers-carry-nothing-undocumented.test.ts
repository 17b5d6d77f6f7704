import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { API_KEY, assertNoKey, proxiesPerTest, startBody } from '../../helpers.js';

describe('the proxy’s answers carry only what the protocol defines', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('a success is rebuilt from the documented fields: Superfone’s extras and a key it echoes never reach the page', async () => {
    const proxy = await proxyFor();
    proxy.upstream.simulator.setFault({ kind: 'leaky-success' }, 1);
    const answer = await proxy.call(startBody());
    assert.equal(answer.status, 200);
    const notificationID = proxy.upstream.simulator.snapshot().notifications[0]!.notificationId;
    assert.deepEqual(answer.json, { data: { notificationID, sentSuccess: true }, message: 'success (debug: key [redacted])' });
    assert.ok(!answer.text.includes(API_KEY));
    assert.ok(!answer.text.includes('pushToken') && !answer.text.includes('internal-trace-id'));
  });

  it('every answer says no-store and nosniff: success, refusals, preflight, not found', async () => {
    const proxy = await proxyFor({ allowedOrigins: ['https://crm.example.com'], path: '/api/superfone/call' });
    const answers = {
      success: await proxy.call(startBody()),
      refusal: await proxy.call(startBody('12345')),
      preflight: await proxy.call(undefined, { method: 'OPTIONS', headers: { Origin: 'https://crm.example.com' } }),
      'wrong method': await proxy.call(undefined, { method: 'GET' }),
      'wrong host': await proxy.call(startBody(), { headers: { Host: 'attacker.test' } }),
    };
    const notFound = await proxy.handler(new Request('http://localhost/elsewhere', { method: 'POST' }));
    assert.equal(notFound.status, 404);
    assert.deepEqual(
      Object.values(answers).map((answer) => answer.status),
      [200, 400, 204, 405, 403],
    );
    for (const [what, headers] of [...Object.entries(answers).map(([what, answer]) => [what, answer.headers] as const), ['not found', notFound.headers] as const]) {
      assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
      assert.equal(headers.get('cache-control'), 'no-store', what);
    }
    assertNoKey([await notFound.text()]);
  });
});
