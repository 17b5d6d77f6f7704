import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { boundedCache } from '../../../src/shared/bounded-cache.js';

// Parsed numbers are kept by key, up to `limit` in the current generation and as many in the
// one before, which is dropped whole when the current one fills. Which keys are computed again
// is written here by hand, step by step, for a limit of 2.
describe('recent results are kept by key, in two generations', { timeout: 10_000 }, () => {
  it('a key is computed once while it is in either generation; the older generation goes whole when the current one fills', () => {
    const computed: string[] = [];
    const cached = boundedCache(2, (key) => {
      computed.push(key);
      return key.toUpperCase();
    });
    assert.equal(cached('a'), 'A');
    assert.equal(cached('b'), 'B');
    assert.equal(cached('a'), 'A');
    assert.deepEqual(computed, ['a', 'b'], 'a and b are current');
    // Current is full (a, b): c starts a new generation, and a, b become the older one.
    assert.equal(cached('c'), 'C');
    assert.equal(cached('a'), 'A');
    assert.deepEqual(computed, ['a', 'b', 'c'], 'a is taken from the older generation, not computed');
    // Current holds c, a: d starts another, and b, only in the generation dropped, is computed again.
    assert.equal(cached('d'), 'D');
    assert.equal(cached('b'), 'B');
    assert.deepEqual(computed, ['a', 'b', 'c', 'd', 'b']);
  });

  it('a computed null is kept while current; in the older generation it is computed again', () => {
    const computed: string[] = [];
    const cached = boundedCache(1, (key) => {
      computed.push(key);
      return null;
    });
    cached('x');
    cached('x');
    assert.deepEqual(computed, ['x'], 'kept while current');
    cached('y');
    cached('x');
    assert.deepEqual(computed, ['x', 'y', 'x'], 'computed again from the older generation');
  });
});
