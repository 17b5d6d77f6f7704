import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';

import { boundedCache } from './bounded-cache.js';
import { toLatinDigits } from './latin-digits.js';

export type { CountryCode };

export type NormalizedNumber = { ok: true; e164: string } | { ok: false; reason: 'empty' | 'malformed' | 'invalid' };

/** Longer than any written phone number with extension; bounds the work spent on junk. */
const MAX_INPUT_LENGTH = 64;

/** A URI scheme the page may leave on a number taken from a link. */
const SCHEME = /^(?:tel|callto):/i;

/** An extension the page may write after the number; E.164 has no place for it. */
const EXTENSION = /(?:;ext=|\s*(?:ext\.?|extn\.?|extension|x|#)\s*)\p{Nd}{1,7}$/iu;

/** What may remain: any script's digits, plus signs, spaces and the usual separators. */
const DIALABLE = /^[\p{Nd}\s+\uFF0B\-\u2010-\u2015.()\/]+$/u;

/** E.164: a plus and at most 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Turns a number as a page writes it (`+91 80000 00001`, `080000 00001`,
 * `tel:+918000000001`, `+९१ …` in any script's digits) into E.164, or says why it cannot.
 * Anything beyond digits and separators is refused rather than guessed at, so text such as
 * `&user_number=` can never ride along inside a number.
 */
export function normalizePhoneNumber(input: string | null | undefined, defaultCountry: CountryCode): NormalizedNumber {
  const text = (input ?? '').trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, reason: 'malformed' };
  return normalizedText(`${defaultCountry} ${text}`);
}

/** Keyed by the region and the trimmed text; results are never changed by their users. */
const normalizedText = boundedCache<NormalizedNumber>(1_000, (key) => {
  const defaultCountry = key.slice(0, 2) as CountryCode;
  const text = key.slice(3);
  const dialable = text.replace(SCHEME, '').replace(EXTENSION, '').trim();
  if (!DIALABLE.test(dialable)) return { ok: false, reason: 'malformed' };
  // libphonenumber-js reads ASCII, Arabic-Indic and full-width digits only: `+९१ …` is read as in any script.
  const parsed = parsePhoneNumberFromString(toLatinDigits(dialable).text, defaultCountry);
  // E.164 allows 15 digits in all; libphonenumber's metadata accepts some longer numbers
  // (German ones), which Superfone cannot take.
  if (!parsed || !parsed.isValid() || !E164.test(parsed.number)) return { ok: false, reason: 'invalid' };
  return { ok: true, e164: parsed.number };
});

/** True for a two-letter region code libphonenumber-js knows, e.g. `IN`. */
export function isKnownCountry(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

/** `+918000000001` as people read it: `+91 80000 00001`. A page shows the same few numbers in many controls. */
export const formatForDisplay = boundedCache(500, (e164) => parsePhoneNumberFromString(e164)?.formatInternational() ?? e164);
