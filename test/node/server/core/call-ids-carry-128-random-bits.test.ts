import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { newCallId } from '../../../../src/server/core/notifications/followed-calls.js';
import { CALL_ID_PATTERN } from '../../../../src/shared/protocol.js';

// A call id is the capability to read a call's record: it must not be guessable. A black box
// cannot prove an id came from a CSPRNG, but it can catch what realistic mistakes make:
// counters, timestamps, short or biased ids, repeats.
describe('call ids carry 128 random bits', () => {
  it('20,000 ids: 16 bytes each, all different, every bit set about half the time', () => {
    const count = 20_000;
    const ones = new Array<number>(128).fill(0);
    const seen = new Set<string>();
    for (let index = 0; index < count; index++) {
      const id = newCallId();
      assert.match(id, CALL_ID_PATTERN);
      const bytes = Buffer.from(id, 'base64url');
      assert.equal(bytes.length, 16, `${id} holds ${bytes.length} bytes`);
      seen.add(id);
      for (let bit = 0; bit < 128; bit++) if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) ones[bit]! += 1;
    }
    assert.equal(seen.size, count, 'no id repeats');
    // Each bit is 1 with probability ½: over 20,000 ids its share lies within 0.5 ± 0.03 (8.5 standard deviations).
    const skewed = ones.map((n, bit) => [bit, n / count] as const).filter(([, share]) => Math.abs(share - 0.5) > 0.03);
    assert.deepEqual(skewed, [], 'bits that are not random');
  });
});
