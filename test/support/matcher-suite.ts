// libphonenumber's matcher suite (test/fixtures/libphonenumber-matcher-cases.ts) scored for
// two matchers side by side: ours, and libphonenumber-js's own findNumbers (VALID, the full
// metadata), which every JavaScript port of the matcher follows. Runs in Node and in a page.
import type { CountryCode } from 'libphonenumber-js';
import { findNumbers, parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { MATCHER_CASES, type MatcherCase } from '../fixtures/libphonenumber-matcher-cases.js';

/** A matcher under test: the numbers it finds in a text, as slices of it. */
export type Matcher = (text: string, country: CountryCode) => ReadonlyArray<{ start: number; end: number }>;

export interface CaseResult {
  case: MatcherCase;
  ours: string[];
  reference: string[];
  oursRight: boolean;
  referenceRight: boolean;
}

/** The suite's cases whose number is valid in the real numbering plan (its own metadata is a test plan). */
export const REAL_CASES: readonly MatcherCase[] = MATCHER_CASES.filter(
  (matcherCase) => !matcherCase.subject || parsePhoneNumberFromString(matcherCase.subject, matcherCase.country)?.isValid(),
);

export const libphonenumberJs: Matcher = (text, country) =>
  findNumbers(text, { defaultCountry: country, v2: true }).map(({ startsAt, endsAt }) => ({ start: startsAt, end: endsAt }));

const slices = (text: string, found: ReadonlyArray<{ start: number; end: number }>) => found.map(({ start, end }) => text.slice(start, end));
const same = (a: string[], b: string[]) => a.length === b.length && a.every((value, index) => value === b[index]);

export function scoreMatcherSuite(ours: Matcher): { results: CaseResult[]; oursRight: number; referenceRight: number } {
  const results = REAL_CASES.map((matcherCase): CaseResult => {
    const found = slices(matcherCase.text, ours(matcherCase.text, matcherCase.country));
    const reference = slices(matcherCase.text, libphonenumberJs(matcherCase.text, matcherCase.country));
    return { case: matcherCase, ours: found, reference, oursRight: same(found, matcherCase.expected), referenceRight: same(reference, matcherCase.expected) };
  });
  return { results, oursRight: results.filter((result) => result.oursRight).length, referenceRight: results.filter((result) => result.referenceRight).length };
}

/** One line per case a matcher gets wrong, for a failing test's message. */
export function describeCase({ case: { text, country, expected, from }, ours, reference }: CaseResult): string {
  return `${country} ${JSON.stringify(text)} [${from}]: expected ${JSON.stringify(expected)}, ours ${JSON.stringify(ours)}, libphonenumber-js ${JSON.stringify(reference)}`;
}
