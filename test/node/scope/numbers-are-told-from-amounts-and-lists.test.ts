import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findNumbers } from 'libphonenumber-js/max';

import { findPhoneNumbers } from '../../../src/scope/detection/find-phone-numbers.js';

// Two planted bugs no corpus caught: an amount with a space after its currency sign read as
// a phone number, and a list of numbers joined by a semicolon with no space read as one.
// Each expectation is written by hand.
const found = (text: string) => findPhoneNumbers(text, 'IN').map(({ start, end, e164 }) => [text.slice(start, end), e164]);

describe('numbers are told from amounts, and from the numbers beside them in a list', () => {
  it('an amount is not a number to call, with or without a space after its sign', () => {
    for (const text of ['Paid $ 2025550100 today', 'Paid $2025550100 today', 'Total ₹ 9876543210 due', 'Due: € 9876543210']) assert.deepEqual(found(text), [], text);
  });

  it('a range of years is not a number, in the last century too: "1979-2011 100" reads as a US number without the rule', () => {
    for (const country of ['IN', 'US', 'GB'] as const) {
      for (const text of ['Served 1979-2011 100 customers', 'Tenure 1998–2004 at Acme', 'Years 2019-2024 here', 'from 1990 - 1995 through']) {
        assert.deepEqual(findPhoneNumbers(text, country), [], `${country}: ${text}`);
      }
    }
  });

  it('a date with a one-digit day or month, then a time, is not a number, though libphonenumber-js reads one', () => {
    for (const [text, country] of [
      ['on 1-3-2024 1230', 'GB'],
      ['Met 1.12.2024 123', 'IN'],
    ] as const) {
      assert.equal(findNumbers(text, { defaultCountry: country, v2: true }).length, 1, `libphonenumber-js reads a number in ${text}`);
      assert.deepEqual(findPhoneNumbers(text, country), [], `${country}: ${text}`);
    }
  });

  it('a list joined by semicolons or commas, with or without spaces, is each of its numbers', () => {
    assert.deepEqual(found('Call 98765 43210;98765 43211'), [
      ['98765 43210', '+919876543210'],
      ['98765 43211', '+919876543211'],
    ]);
    assert.deepEqual(found('Call 98765 43210,98765 43211'), [
      ['98765 43210', '+919876543210'],
      ['98765 43211', '+919876543211'],
    ]);
    assert.deepEqual(found('Call +91 98765 43210; +91 98765 43211'), [
      ['+91 98765 43210', '+919876543210'],
      ['+91 98765 43211', '+919876543211'],
    ]);
  });
});
