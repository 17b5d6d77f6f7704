// libphonenumber's own matcher tests, as data, with the real numbering plan: our detection
// must be right on every case libphonenumber-js's findNumbers gets right, on every line in
// India's scripts, and on the strings libphonenumber accepts that no reader would call.
// The same floor is held in a page (test/browser/detection-corpus.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findPhoneNumbers } from '../../../src/scope/detection/find-phone-numbers.js';
import { describeCase, REAL_CASES, scoreMatcherSuite } from '../../support/matcher-suite.js';

describe("libphonenumber's matcher suite, with Indian-script lines", () => {
  const { results, oursRight, referenceRight } = scoreMatcherSuite(findPhoneNumbers);

  it('has its cases: the suite in its contexts, its leniency tables, its context tests, and ten lines in each of eleven scripts', { timeout: 30_000 }, () => {
    console.log(`matcher suite: ${REAL_CASES.length} cases; ours right on ${oursRight}, libphonenumber-js (VALID, max metadata) on ${referenceRight}`);
    assert.ok(REAL_CASES.length >= 1_000, `${REAL_CASES.length} cases`);
    for (const from of ['testFindExtensions', 'VALID_CASES', 'testMatchesWithSurroundingChineseChars', 'Indian scripts: Tamil', 'Indian scripts: Urdu']) {
      assert.ok(
        REAL_CASES.some((matcherCase) => matcherCase.from === from),
        from,
      );
    }
  });

  it('is right on every case but two, where libphonenumber-js is wrong too (a number glued to the next word, a London number without its 0)', { timeout: 30_000 }, () => {
    const wrong = results.filter((result) => !result.oursRight).map((result) => result.case.text);
    assert.deepEqual(wrong, ['02-36618 300forme', '(20) 3346 1234']);
  });

  it('is right on every case libphonenumber-js gets right', { timeout: 30_000 }, () => {
    const behind = results.filter((result) => result.referenceRight && !result.oursRight);
    assert.deepEqual(behind.map(describeCase), []);
    assert.ok(oursRight > referenceRight, `ours ${oursRight}, libphonenumber-js ${referenceRight}`);
  });

  it('is right on every line in an Indian script: glued to its words, in its own digits, with +91 in them', { timeout: 30_000 }, () => {
    const lines = results.filter((result) => result.case.from.startsWith('Indian scripts'));
    assert.equal(lines.length, 110);
    assert.deepEqual(lines.filter((result) => !result.oursRight).map(describeCase), []);
  });

  it('calls none of the strings libphonenumber accepts that a reader would not: decimals joined by dashes, a range of years, a date and an hour', { timeout: 30_000 }, () => {
    const overruled = ['9002309. 158', '12 7/8 - 14 12/34 - 5', '12.1 - 23.71 - 23.45', '1979-2011 100', '2012-0102 08', '2012-01-02 08'];
    for (const text of overruled) {
      const result = results.find((candidate) => candidate.case.text === text)!;
      assert.deepEqual(result.ours, [], text);
    }
  });

  it("the mark keeps the page's own digits: a number in Devanagari is found where it is written, read as its E.164", () => {
    const text = 'ग्राहक का नंबर +९१ ९८४५० १२३४५ है';
    const [number] = findPhoneNumbers(text, 'IN');
    assert.equal(text.slice(number!.start, number!.end), '+९१ ९८४५० १२३४५');
    assert.equal(number!.e164, '+919845012345');
    // Digits outside the BMP take two code units each: the offsets are still the text's.
    const bold = 'Call 𝟗𝟖𝟒𝟓𝟎 𝟏𝟐𝟑𝟒𝟓 today';
    const [boldNumber] = findPhoneNumbers(bold, 'IN');
    assert.equal(bold.slice(boldNumber!.start, boldNumber!.end), '𝟗𝟖𝟒𝟓𝟎 𝟏𝟐𝟑𝟒𝟓');
  });
});
