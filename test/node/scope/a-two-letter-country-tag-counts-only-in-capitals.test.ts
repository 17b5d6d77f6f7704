import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findPhoneNumbers } from '../../../src/scope/detection/find-phone-numbers.js';

// A number tagged with its country, "(US)", is read as that country's; two small letters are
// a word ("write to us", "(in)"), so the number is read in the page's country as usual.
describe('a two-letter country tag after a number', { timeout: 30_000 }, () => {
  it('(US) reads a New York number as American; (us) and (in) are words, and leave it Indian', () => {
    const e164 = (text: string) => findPhoneNumbers(text, 'IN').map((found) => found.e164);
    assert.deepEqual(e164('Office: 212 555 0123 (US)'), ['+12125550123']);
    assert.deepEqual(e164('Office: 212 555 0123 (us)'), ['+912125550123']);
    assert.deepEqual(e164('Office: 212 555 0123 (Us)'), ['+912125550123']);
  });
});
