import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CallRateLimits } from '../../../../src/server/core/guards/rate-limits.js';
import { memoryStore } from '../../../../src/server/core/store/proxy-store.js';
import { ASHA, MEERA_OFFLINE, VIKRAM } from '../../helpers.js';

// Two STARTs to one customer, both checked before either pays: the second loses at spend
// time, on the destination's last point. What it paid on the way (its agent's point, its
// client's) must come back, or a race quietly eats allowances.
describe('a START that loses a race at spend time costs nothing', { timeout: 30_000 }, () => {
  it('its agent’s and its client’s points are given back', async () => {
    const limits = new CallRateLimits(memoryStore(), {
      perAgent: { points: 1, durationSec: 60 },
      perDestination: { points: 1, durationSec: 60 },
      perClient: { points: 2, durationSec: 60 },
    });
    const asha = { agentNumber: ASHA, customerNumber: '+918000000031', clientKey: '203.0.113.7', agentBound: false };
    const vikram = { ...asha, agentNumber: VIKRAM };
    assert.deepEqual(await limits.checkStart(asha), { ok: true });
    assert.deepEqual(await limits.checkStart(vikram), { ok: true }, 'both pass the check: the race');
    assert.deepEqual(await limits.spendStart(asha), { ok: true });
    const lost = await limits.spendStart(vikram);
    assert.equal(lost.ok, false);
    assert.equal(!lost.ok && lost.limit, 'per-customer');
    // Vikram's one point and the client's second are still there, for another customer.
    assert.deepEqual(await limits.spendStart({ ...vikram, customerNumber: '+918000000032' }), { ok: true }, 'the agent’s point came back');
    const third = await limits.spendStart({ ...vikram, agentNumber: MEERA_OFFLINE, customerNumber: '+918000000033' });
    assert.equal(!third.ok && third.limit, 'per-client', 'the client’s two points: Asha’s, and Vikram’s second');
  });
});
