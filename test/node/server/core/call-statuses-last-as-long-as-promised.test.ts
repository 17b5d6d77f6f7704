import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { FollowedCalls } from '../../../../src/server/core/notifications/followed-calls.js';
import { DEFAULT_PENDING_TTL_MS, toMatch } from '../../../../src/server/core/notifications/pending-calls.js';
import { memoryStore } from '../../../../src/server/core/store/proxy-store.js';
import type { CallRecord } from '../../../../src/shared/call-record.js';

// docs/protocol.md promises a call's status for 2 hours from its START (a record may take that
// long), then for 1 hour from its record, for pages that reload or come back late. A planted
// "1 minute" for ended calls survived every other test. The clock is mocked: an hour takes no hour.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function pending(callId: string) {
  return { callId, agentNumber: '+919876543210', customerNumber: '+918000000001', startedAt: Date.now(), notificationId: 7 };
}

const record: CallRecord = {
  cdrId: 'cdr-ttl',
  customerNumber: '+918000000001',
  agentNumber: '+919876543210',
  status: 'answered',
  durationSec: 42,
  startedAt: null,
  answeredAt: null,
  endedAt: null,
  recordingUrl: null,
  direction: 'outbound',
  event: 'ALL_CALLS',
  raw: {},
};

describe('a followed call’s status lasts as long as docs/protocol.md says', { timeout: 30_000 }, () => {
  it('the pending-START window is 2 hours, as documented', () => {
    assert.equal(DEFAULT_PENDING_TTL_MS, 2 * HOUR);
  });

  it('active: readable 2 hours from its START, less a minute; gone a minute after', async () => {
    mock.timers.enable({ apis: ['Date'] });
    try {
      const calls = new FollowedCalls(memoryStore(), DEFAULT_PENDING_TTL_MS);
      await calls.open(pending('call-active'));
      mock.timers.tick(2 * HOUR - MINUTE);
      assert.equal((await calls.status('call-active'))?.state, 'active');
      mock.timers.tick(2 * MINUTE);
      assert.equal(await calls.status('call-active'), null);
    } finally {
      mock.timers.reset();
    }
  });

  it('ended: readable 1 hour from its record, less a minute, with the record; gone a minute after', async () => {
    mock.timers.enable({ apis: ['Date'] });
    try {
      const calls = new FollowedCalls(memoryStore(), DEFAULT_PENDING_TTL_MS);
      const call = pending('call-ended');
      await calls.open(call);
      mock.timers.tick(90 * MINUTE);
      assert.equal(await calls.end(toMatch(call), record), undefined, 'stored and published');
      mock.timers.tick(HOUR - MINUTE);
      const status = await calls.status('call-ended');
      assert.equal(status?.state, 'ended');
      assert.equal(status?.record?.durationSec, 42);
      mock.timers.tick(2 * MINUTE);
      assert.equal(await calls.status('call-ended'), null);
    } finally {
      mock.timers.reset();
    }
  });
});
