import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { proxiesPerTest, startBody } from '../../helpers.js';

// Kinds of number written down by hand from India's numbering plan, not computed by the code under test.
describe('a START goes only to a number in use, of a kind a person answers', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  for (const [number, why] of [
    ['+91186012345678', 'a 1860 number two digits too long'],
    ['+9119001234567', 'a 1900 number in no range of the plan'],
  ]) {
    it(`${number} (${why}): 400 invalid_number saying so, and Superfone is never called`, async () => {
      const proxy = await proxyFor();
      const answer = await proxy.call(startBody(number));
      assert.equal(answer.status, 400);
      assert.equal(answer.json.error.code, 'invalid_number');
      assert.match(answer.json.error.message, /is not a number in use in India/);
      assert.match(answer.json.error.message, /Check the number with the customer/);
      assert.equal(proxy.upstream.simulator.requestCount, 0);
      assert.equal(proxy.logs.at(-1)!.refusal, 'invalid_number');
    });
  }

  it('mobile, landline and toll-free numbers are called', async () => {
    const proxy = await proxyFor({ rateLimits: false });
    for (const [number, agent] of [
      ['+918000000001', '+919876543210'],
      ['+912223456789', '+919812345678'],
      ['+911800123456', '+919876543210'],
    ]) {
      // One call per agent at a time: each is ended before the next.
      assert.equal((await proxy.call(startBody(number, agent))).status, 200, number);
      assert.equal((await proxy.call({ ...startBody(number, agent), call_action: 'END' })).status, 200, number);
    }
    assert.equal(proxy.upstream.simulator.requestCount, 6);
  });

  it('a shared-cost 1860 number is refused unless allowPremiumRate', async () => {
    const refusing = await proxyFor();
    const refused = await refusing.call(startBody('+9118602333333'));
    assert.equal(refused.status, 403);
    assert.match(refused.json.error.message, /shared-cost number/);
    assert.equal(refusing.upstream.simulator.requestCount, 0);
    const allowing = await proxyFor({ allowPremiumRate: true });
    assert.equal((await allowing.call(startBody('+9118602333333'))).status, 200);
  });

  it('a pager is no one to call: a UK 076 number (Ofcom’s pager range) gets 403 saying so, Superfone untouched', async () => {
    const proxy = await proxyFor({ allowedCountries: ['IN', 'GB'] });
    const refused = await proxy.call(startBody('+447640123456'));
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'forbidden');
    assert.match(refused.json.error.message, /is a pager number, which this CRM does not call/);
    assert.equal(proxy.upstream.simulator.requestCount, 0);
    // The same country's mobiles are called.
    const mobile = await proxy.call(startBody('+447834567890'));
    assert.equal(mobile.status, 200, JSON.stringify(mobile.json));
  });

  it('a UK 0906 number is premium-rate: 403 saying so, Superfone untouched; allowPremiumRate lets it through', async () => {
    const proxy = await proxyFor({ allowedCountries: ['IN', 'GB'] });
    const refused = await proxy.call(startBody('+449061234567'));
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'forbidden');
    assert.equal(refused.json.error.message, '+44 906 123 4567 is a premium-rate number, which this CRM does not call.');
    assert.equal(proxy.upstream.simulator.requestCount, 0);
    const allowing = await proxyFor({ allowedCountries: ['IN', 'GB'], allowPremiumRate: true });
    assert.equal((await allowing.call(startBody('+449061234567'))).status, 200);
  });

  it('an international freephone number (+800) belongs to no country: 403 saying so, whatever countries are allowed', async () => {
    const proxy = await proxyFor({ allowedCountries: ['IN', 'GB', 'US'] });
    const refused = await proxy.call(startBody('+80012345678'));
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'forbidden');
    assert.equal(refused.json.error.message, 'Calls to +80012345678 are not allowed: the number belongs to no country this CRM may call.');
    assert.equal(proxy.upstream.simulator.requestCount, 0);
    assert.equal(proxy.logs.at(-1)!.refusal, 'forbidden');
  });

  it('an END is never refused by destination: a call that is on can always be ended', async () => {
    const proxy = await proxyFor();
    assert.equal((await proxy.call({ ...startBody('+91186012345678'), call_action: 'END' })).status, 200);
  });
});
