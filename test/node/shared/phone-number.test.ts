import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatForDisplay, normalizePhoneNumber } from '../../../src/shared/phone-number.js';

describe('normalizePhoneNumber', () => {
  const valid: Array<[string, string]> = [
    ['+91 80000 00001', '+918000000001'],
    ['080000 00001', '+918000000001'],
    ['(080) 0000-0001', '+918000000001'],
    ['tel:+918000000001', '+918000000001'],
    ['callto:+918000000001', '+918000000001'],
    ['0091 98765 43210', '+919876543210'],
    ['98765.43210', '+919876543210'],
    ['+91 98765 43210 ext. 12', '+919876543210'],
    ['tel:+919876543210;ext=12', '+919876543210'],
    ['＋９１ ９８７６５ ４３２１０', '+919876543210'],
    // Every script's own digits (Unicode category Nd), as Indian pages write them.
    ['+९१ ९८७६५ ४३२१०', '+919876543210'], // Devanagari
    ['৯৮৭৬৫ ৪৩২১০', '+919876543210'], // Bengali
    ['੯੮੭੬੫ ੪੩੨੧੦', '+919876543210'], // Gurmukhi
    ['૯૮૭૬૫ ૪૩૨૧૦', '+919876543210'], // Gujarati
    ['୯୮୭୬୫ ୪୩୨୧୦', '+919876543210'], // Odia
    ['௯௮௭௬௫ ௪௩௨௧௦', '+919876543210'], // Tamil
    ['౯౮౭౬౫ ౪౩౨౧౦', '+919876543210'], // Telugu
    ['೯೮೭೬೫ ೪೩೨೧೦', '+919876543210'], // Kannada
    ['൯൮൭൬൫ ൪൩൨൧൦', '+919876543210'], // Malayalam
    ['۹۸۷۶۵ ۴۳۲۱۰', '+919876543210'], // Extended Arabic-Indic (Urdu)
    ['٩٨٧٦٥ ٤٣٢١٠', '+919876543210'], // Arabic-Indic
    ['+91 98765 ४३२१०', '+919876543210'], // two scripts in one number
    ['𝟗𝟖𝟕𝟔𝟓 𝟒𝟑𝟐𝟏𝟎', '+919876543210'], // mathematical bold digits: outside the BMP, and one of five touching runs
    ['𝟿𝟾𝟽𝟼𝟻 𝟺𝟹𝟸𝟷𝟶', '+919876543210'], // mathematical monospace: the last of those runs
    ['+1 (415) 555-0100', '+14155550100'],
    ['  +44 20 7946 0958  ', '+442079460958'],
  ];
  for (const [input, e164] of valid) {
    it(`"${input}" → ${e164}`, () => {
      assert.deepEqual(normalizePhoneNumber(input, 'IN'), { ok: true, e164 });
    });
  }

  const invalid: Array<[string | null, string]> = [
    ['', 'empty'],
    ['   ', 'empty'],
    [null, 'empty'],
    ['12345', 'invalid'],
    ['+91 12', 'invalid'],
    ['call me', 'malformed'],
    ['+918000000001&user_number=+919812345678', 'malformed'],
    ['+918000000001#frag', 'malformed'],
    ['+91800000%2B0001', 'malformed'],
    ['+91 80000 00001\n+91 98765 43210', 'invalid'],
    ['9'.repeat(65), 'malformed'],
  ];
  for (const [input, reason] of invalid) {
    it(`refuses ${JSON.stringify(input)} (${reason})`, () => {
      assert.deepEqual(normalizePhoneNumber(input, 'IN'), { ok: false, reason });
    });
  }

  it('uses the default country only for numbers without one', () => {
    assert.deepEqual(normalizePhoneNumber('020 7946 0958', 'GB'), { ok: true, e164: '+442079460958' });
    assert.deepEqual(normalizePhoneNumber('+91 98765 43210', 'GB'), { ok: true, e164: '+919876543210' });
  });

  it('formats E.164 for people', () => {
    assert.equal(formatForDisplay('+918000000001'), '+91 80000 00001');
  });
});

describe('E.164 has at most 15 digits', () => {
  it('refuses a longer number that libphonenumber’s metadata would accept (a German one)', () => {
    assert.deepEqual(normalizePhoneNumber('+49250931307801159', 'IN'), { ok: false, reason: 'invalid' });
    assert.equal(normalizePhoneNumber('+4925093130', 'IN').ok, true);
  });
});
