// Detection checks what comes before each possible number (glued to a word or to digits,
// after an identifier's or an amount's word) before it calls libphonenumber-js, so that most
// invoice IDs, amounts and codes never reach the parser. The check must never change what is
// found: here every text is searched with and without it, and the answers must be the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';
import type { CountryCode } from 'libphonenumber-js';

import { searchPhoneNumbers } from '../../../src/scope/detection/find-phone-numbers.js';
import { FIFTH_NEGATIVES, FIFTH_POSITIVES } from '../../fixtures/fifth-phone-corpus.js';
import { FOURTH_NEGATIVES, FOURTH_POSITIVES } from '../../fixtures/fourth-phone-corpus.js';
import { HELD_OUT_NEGATIVES, HELD_OUT_POSITIVES } from '../../fixtures/held-out-phone-corpus.js';
import { MATCHER_CASES } from '../../fixtures/libphonenumber-matcher-cases.js';
import { OTHER_COUNTRY_CORPORA } from '../../fixtures/other-countries-phone-corpus.js';
import { LISTS, NEGATIVES, POSITIVES } from '../../fixtures/phone-corpus.js';
import { SEVENTH_NEGATIVES, SEVENTH_POSITIVES } from '../../fixtures/seventh-phone-corpus.js';
import { SIXTH_NEGATIVES, SIXTH_POSITIVES } from '../../fixtures/sixth-phone-corpus.js';
import { UNSEEN_NEGATIVES, UNSEEN_POSITIVES } from '../../fixtures/unseen-phone-corpus.js';

function sameWithAndWithoutPrecheck(text: string, country: CountryCode = 'IN'): void {
  assert.deepEqual(searchPhoneNumbers(text, country), searchPhoneNumbers(text, country, { precheck: false }), JSON.stringify(text));
}

const digits = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((list) => list.join(''));
const mobile = fc.tuple(fc.constantFrom('6', '7', '8', '9'), digits(9)).map(([first, rest]) => first + rest);
/** A mobile number in the ways CRM text writes one. */
const writtenNumber = fc
  .tuple(mobile, fc.integer({ min: 0, max: 6 }))
  .map(
    ([number, style]) =>
      [
        number,
        `${number.slice(0, 5)} ${number.slice(5)}`,
        `+91 ${number.slice(0, 5)} ${number.slice(5)}`,
        `0${number.slice(0, 5)}-${number.slice(5)}`,
        `(0${number.slice(0, 2)}) ${number.slice(2, 6)}-${number.slice(6)}`,
        `91${number}`,
        `+91-${number}`,
      ][style]!,
  );
/** Everything around numbers in CRM text: words that name them, identifiers, amounts, dates, glue. */
const piece = fc.oneof(
  writtenNumber,
  fc.integer({ min: 1, max: 14 }).chain((length) => digits(length)),
  fc.constantFrom(
    'Call ',
    'Ph.',
    'Tel:',
    'Mobile: ',
    'mob ',
    'fax ',
    'WhatsApp ',
    'invoice ',
    'INV-',
    'Order #',
    'ref ',
    'ID ',
    'A/C ',
    'PO/',
    'Rs. ',
    '₹',
    '$',
    'USD ',
    // Other scripts, their digits, and what libphonenumber's suite puts around numbers.
    'नंबर',
    '९८४५० ',
    '१२३४५',
    'ಸಂಖ್ಯೆ',
    '我的电话',
    'abc',
    'É',
    'ZIP',
    'My number-',
    "Mother's no. ",
    ', ext ',
    '.Nice day',
    '+44 ',
    '%',
    'ext. ',
    ' x',
    '@',
    'www.',
    'https://',
    '.com',
    '/',
    '-',
    '.',
    '#',
    '=',
    '&',
    '?',
    '+',
    '_',
    '(',
    ')',
    ', ',
    '; ',
    ' ',
    '\n',
    'and ',
    'GSTIN ',
    '15/03/2024',
    '2024-03-15',
    '2019-2024',
    'v1.2.3.4',
    '12.971598',
    '+44 20 7946 0958',
    '030 23456789',
    '(212) 555-0187',
    '१२३४५६७८९०',
    'Fax: ',
    'Tel/Fax ',
    ' / ',
    '001 646 555 0143',
    '00',
    'Kundennummer ',
    'Tel.-Nr. ',
    'telefon=',
    'Ticket no. 098 ',
    ' (UK)',
    ' (Kenya)',
    '+61 2 9876 5432',
    '02 9876 5432',
  ),
);
const crmText = fc.array(piece, { minLength: 1, maxLength: 10 }).map((pieces) => pieces.join(''));

describe('the check before parsing never changes what detection finds', { timeout: 120_000 }, () => {
  it('on every text of every corpus', () => {
    const texts = [...POSITIVES, ...LISTS, ...HELD_OUT_POSITIVES, ...UNSEEN_POSITIVES, ...FOURTH_POSITIVES, ...FIFTH_POSITIVES, ...SIXTH_POSITIVES, ...SEVENTH_POSITIVES]
      .map((sample) => sample.text)
      .concat(NEGATIVES, HELD_OUT_NEGATIVES, UNSEEN_NEGATIVES, FOURTH_NEGATIVES, FIFTH_NEGATIVES, SIXTH_NEGATIVES, SEVENTH_NEGATIVES);
    assert.ok(texts.length > 1_500, 'every corpus is here');
    for (const text of texts) sameWithAndWithoutPrecheck(text);
    for (const { country, positives, negatives } of OTHER_COUNTRY_CORPORA) {
      for (const text of [...positives.map((sample) => sample.text), ...negatives]) sameWithAndWithoutPrecheck(text, country);
    }
    for (const { text, country } of MATCHER_CASES) sameWithAndWithoutPrecheck(text, country);
  });

  it('on generated CRM text: numbers, identifiers, amounts, dates and glue in any order', () => {
    fc.assert(
      fc.property(crmText, fc.constantFrom('IN' as const, 'US' as const, 'DE' as const, 'SH' as const), (text, country) => sameWithAndWithoutPrecheck(text, country)),
      { numRuns: 3_000 },
    );
  });

  it('on numbers glued into a list after a word: the second may still be a number', () => {
    const gluedList = fc
      .tuple(fc.constantFrom('INV-', 'ref', 'a/', 'x', 'Order#', ''), writtenNumber, fc.constantFrom('/', '-', '.', '+', '_', '&', '#', '='), writtenNumber)
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(gluedList, (text) => sameWithAndWithoutPrecheck(text)),
      { numRuns: 2_000 },
    );
  });

  it('on arbitrary strings of digits, punctuation and letters', () => {
    const character = fc.constantFrom(...'0123456789 +-./()#@,;:_xX₹$aA'.split(''));
    fc.assert(
      fc.property(
        fc.array(character, { maxLength: 40 }).map((list) => list.join('')),
        (text) => sameWithAndWithoutPrecheck(text),
      ),
      { numRuns: 3_000 },
    );
  });
});
