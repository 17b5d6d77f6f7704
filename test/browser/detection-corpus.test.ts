import { expect } from '@open-wc/testing';
import type { CountryCode } from 'libphonenumber-js';

import { findPhoneNumbers } from '../../src/scope/detection/find-phone-numbers.js';
import { FIFTH_NEGATIVES, FIFTH_POSITIVES } from '../fixtures/fifth-phone-corpus.js';
import { FOURTH_NEGATIVES, FOURTH_POSITIVES } from '../fixtures/fourth-phone-corpus.js';
import { HELD_OUT_NEGATIVES, HELD_OUT_POSITIVES } from '../fixtures/held-out-phone-corpus.js';
import { OTHER_COUNTRY_CORPORA } from '../fixtures/other-countries-phone-corpus.js';
import { LISTS, NEGATIVES, POSITIVES } from '../fixtures/phone-corpus.js';
import { SEVENTH_NEGATIVES, SEVENTH_POSITIVES } from '../fixtures/seventh-phone-corpus.js';
import { SIXTH_NEGATIVES, SIXTH_POSITIVES } from '../fixtures/sixth-phone-corpus.js';
import { UNSEEN_NEGATIVES, UNSEEN_POSITIVES } from '../fixtures/unseen-phone-corpus.js';
import { describeCase, scoreMatcherSuite } from '../support/matcher-suite.js';

/** The floor on the corpus the rules were made on; a change that lowers either score is a regression. */
const MIN_SCORE = 0.99;

/**
 * Issue 9's goal for text detection has never seen. The fifth corpus is the measure: written
 * and committed before the rules it was measured with were made, it scored 0.994 and 0.994
 * the one time it was run. The second, third and fourth were each measured once the same way
 * (0.97/0.97, 0.964/0.964, 0.956/0.994), then rules were made from their mistakes: they are
 * development corpora now, held to the goal so that no later rule undoes an earlier one.
 */
const GOAL = 0.98;

interface Score {
  precision: number;
  recall: number;
  /** For the log: the counts and every mistake. */
  summary: string;
  mistakes: string;
}

/** Each number found counts once against what the text holds (a number written twice is expected twice). */
function score(samples: Array<{ text: string; e164: string[] }>, country: CountryCode): Score {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const mistakes: string[] = [];
  for (const { text, e164 } of samples) {
    const expected = [...e164];
    for (const number of findPhoneNumbers(text, country)) {
      const at = expected.indexOf(number.e164);
      if (at >= 0) {
        expected.splice(at, 1);
        truePositives += 1;
      } else {
        falsePositives += 1;
        mistakes.push(`false positive ${JSON.stringify(text.slice(number.start, number.end))} in ${JSON.stringify(text)}`);
      }
    }
    falseNegatives += expected.length;
    for (const missed of expected) mistakes.push(`missed ${missed} in ${JSON.stringify(text)}`);
  }
  const precision = truePositives / (truePositives + falsePositives);
  const recall = truePositives / (truePositives + falseNegatives);
  return {
    precision,
    recall,
    summary:
      `precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)} (TP ${truePositives}, FP ${falsePositives}, FN ${falseNegatives})` +
      (mistakes.length ? `\n  ${mistakes.join('\n  ')}` : ''),
    mistakes: mistakes.join('\n'),
  };
}

/** Texts without a number, as samples. */
const without = (texts: string[]) => texts.map((text) => ({ text, e164: [] as string[] }));

/** Each text yields exactly its numbers, in order, as E.164. */
function findsExactly(cases: Array<[text: string, e164: string[]]>, country: CountryCode = 'IN'): void {
  for (const [text, e164] of cases)
    expect(
      findPhoneNumbers(text, country).map((number) => number.e164),
      `${country}: ${text}`,
    ).to.deep.equal(e164);
}

/**
 * The mistakes each corpus is known to make today, read and left (each is a line a rule
 * would have to guess at). A floor alone (0.98) let a rule that broke three more lines
 * pass where the score was 1.000: now any mistake not listed here fails, whatever the score.
 */
const KNOWN_MISTAKES: Record<string, string[]> = {
  'second corpus': ['missed +919845012345 in "Mob: 98-45-01-23-45"', 'false positive "9845012345" in "offset 9845012345 committed"'],
  'third corpus': [
    'missed +918296334455 in "Return to origin: customer refused. Customer no 8296 334 455."',
    'false positive "(416) 555-0168" in "Toronto (416) 555-0168"',
    'missed +14165550168 in "Toronto (416) 555-0168"',
  ],
  'fourth corpus': ['false positive "1234567890" in "FD 1234567890 matures on 12/06/2026 at 7.25%"'],
  'fifth corpus': ['false positive "0044 1234 5678 90" in "Shipment 0044 1234 5678 90"'],
  'seventh corpus': ['missed +917019442882 in "Madam ne bola naya no. 7019442882 hai"', 'false positive "9845012345" in "बिल नंबर9845012345"'],
};

/** Checks one corpus's size, prints its score and every mistake, holds it to `floor`, and allows no mistake but its known ones. */
function scoresAtLeast(
  name: string,
  positives: Array<{ text: string; e164: string[] }>,
  negatives: string[],
  floor: number,
  { country = 'IN' as CountryCode, size = 150 } = {},
): void {
  expect(positives.length).to.be.at.least(size);
  expect(negatives.length).to.be.at.least(size);
  const { precision, recall, summary, mistakes } = score([...positives, ...without(negatives)], country);
  console.log(`${name}: ${positives.length} texts with numbers, ${negatives.length} without; ${summary}`);
  expect(precision, mistakes).to.be.at.least(floor);
  expect(recall, mistakes).to.be.at.least(floor);
  const known = KNOWN_MISTAKES[name] ?? [];
  expect(mistakes ? mistakes.split('\n').filter((mistake) => !known.includes(mistake)) : [], `${name}: mistakes beyond the known ones`).to.deep.equal([]);
}

describe('number detection on a corpus of CRM text', () => {
  it(`on the corpus the rules were made on: ≥150 + ≥150 samples, precision and recall ≥ ${MIN_SCORE}`, () => {
    scoresAtLeast(
      'detection corpus',
      POSITIVES.map(({ text, e164 }) => ({ text, e164: [e164] })),
      NEGATIVES,
      MIN_SCORE,
    );
  });

  it(`on the second corpus (held out until its mistakes made general rules): precision and recall ≥ ${GOAL}`, () => {
    scoresAtLeast('second corpus', HELD_OUT_POSITIVES, HELD_OUT_NEGATIVES, GOAL);
  });

  it(`on the third and fourth corpora (measured once each, then rules made from their mistakes): precision and recall ≥ ${GOAL}`, () => {
    scoresAtLeast('third corpus', UNSEEN_POSITIVES, UNSEEN_NEGATIVES, GOAL);
    scoresAtLeast('fourth corpus', FOURTH_POSITIVES, FOURTH_NEGATIVES, GOAL);
  });

  it(`on the fifth corpus, the measure (no rule made from it): ≥150 + ≥150 samples, precision and recall ≥ ${GOAL}`, () => {
    scoresAtLeast('fifth corpus', FIFTH_POSITIVES, FIFTH_NEGATIVES, GOAL);
  });

  it("on the sixth corpus (written before issue 21's rules, measured once after them at 1.000 / 0.988, then a rule made from its two misses): precision and recall ≥ 0.99", () => {
    scoresAtLeast('sixth corpus', SIXTH_POSITIVES, SIXTH_NEGATIVES, 0.99);
  });

  it("on the seventh corpus, issue 21's measure of unseen text (measured once: 0.994 / 0.994; no rule made from it): precision and recall ≥ 0.99", () => {
    scoresAtLeast('seventh corpus', SEVENTH_POSITIVES, SEVENTH_NEGATIVES, 0.99);
  });

  it("on libphonenumber's matcher suite in the page, with the real plan: right on every case libphonenumber-js gets right, and on every Indian-script line", () => {
    const { results, oursRight, referenceRight } = scoreMatcherSuite(findPhoneNumbers);
    console.log(`matcher suite in the page: ${results.length} cases; ours right on ${oursRight}, libphonenumber-js on ${referenceRight}`);
    const behind = results.filter((result) => (result.referenceRight || result.case.from.startsWith('Indian scripts')) && !result.oursRight);
    expect(behind.map(describeCase)).to.deep.equal([]);
  });

  it(`in text from pages whose default country is US, GB, DE, AE or SG (their dates, postcodes, IDs, amounts and ways of writing numbers): ≥40 + ≥40 samples each, precision and recall ≥ ${GOAL}`, () => {
    expect(OTHER_COUNTRY_CORPORA.map(({ country }) => country)).to.deep.equal(['US', 'GB', 'DE', 'AE', 'SG']);
    for (const { country, positives, negatives } of OTHER_COUNTRY_CORPORA) scoresAtLeast(`${country} corpus`, positives, negatives, GOAL, { country, size: 40 });
  });

  it('a number written nationally and internationally in one text is the international one, both times', () => {
    const cases: Array<[string, string]> = [
      ['Berlin office 030 12345678; from abroad +49 30 12345678', '+493012345678'],
      ['NY desk (646) 555-0143, from India 001 646 555 0143', '+16465550143'],
      ['London +44 20 7946 0111, or 020 7946 0111 inside the UK', '+442079460111'],
    ];
    findsExactly(cases.map(([text, e164]) => [text, [e164, e164]]));
  });

  it("a national number is read in a country the text names: its international numbers' or a tag in brackets after it", () => {
    findsExactly([
      ['Sydney office 02 9876 5432 (from India +61 2 9876 5432)', ['+61298765432', '+61298765432']],
      ['Nairobi office 020 2712345; mobile +254 722 123456', ['+254202712345', '+254722123456']],
      ['letting agent 020 7946 0321 (UK).', ['+442079460321']],
      ['Melbourne desk 03 9600 1234 (Australia)', ['+61396001234']],
      // Not a country, or the default one: read as before.
      ['Rahul 98450 12345 (Sales)', ['+919845012345']],
      ['Office (080) 2345 6789 (India)', ['+918023456789']],
      ['call 98450 12345 (in office hours)', ['+919845012345']],
    ]);
  });

  it("a fax alone is not a number to call; a spaced slash or an identifier's first digits make no number", () => {
    findsExactly([
      ['Fax: 080 2222 9999', []],
      ['Tel/Fax 080 2222 9999', ['+918022229999']],
      ['Scores 98450 / 99000 in the quiz', []],
      ['Dabbawala: 98200 71345 / 98200 71346', ['+919820071345', '+919820071346']],
      ['Ticket no. 098 2345678901', []],
      ['Ticket no. 4521, call 98450 12345', ['+919845012345']],
      // Written with a plus, to be dialled: an identifier's word before it does not make it one.
      ['Alternate contact for ticket: +91-80-4655 2000 (office)', ['+918046552000']],
      ['Tel.: +91-80-2528 1234 Fax: +91-80-2528 1235', ['+918025281234']],
    ]);
  });

  it("only numbers the full numbering plan allows, as the proxy validates: not order, case or room numbers of a landline's length", () => {
    findsExactly([
      ['Complaint 2411-556-091 registered', []],
      ['CS(OS) 1234/2023', []],
      ['Passport TK1234567, visa 12345678', []],
      ['PO 4500123456 dated 20.11.2024', []],
      ['Room 1102-1108', []],
      ['Delhi office 011-2338 4422, Pune 020 2553 1122', ['+911123384422', '+912025531122']],
    ]);
  });

  it('a run of thirteen digits or more with no + or 00 is a barcode, meter or ID, not a number written to be dialled (German numbers are long enough to be taken for one)', () => {
    findsExactly(
      [
        ['Barcode 4006381333931', []],
        ['EAN 4012345678901 auf Lager', []],
        ['Zähler 0301234567890, Stand 12.345 kWh', []],
        // Written to be dialled, or grouped as a person writes a number: still numbers.
        ['Zentrale +49 30 1234567890', ['+49301234567890']],
        ['Telefon 030 1234567890', ['+49301234567890']],
      ],
      'DE',
    );
  });

  it('numbers dialled from abroad with 00 are read where the default country dials out with another prefix (011 in North America)', () => {
    findsExactly(
      [
        ['From India call 001 646 555 0143', ['+16465550143']],
        ['Mumbai office 0091 22 6655 4433', ['+912266554433']],
      ],
      'US',
    );
    findsExactly([['Büro New York 001 212 736 5000', ['+12127365000']]], 'DE');
    // Glued into an identifier it is still no number.
    findsExactly(
      [
        ['Invoice 0016465550143', []],
        ['REF-001-646-555-0143', []],
      ],
      'US',
    );
  });

  it('German identifier words before digits (Rechnung, Auftrag, Kundennummer, Kd.-Nr.) make no number; German phone words (Telefon, Handy, Tel.-Nr.) make one', () => {
    findsExactly(
      [
        ['Rechnung 0301234567 vom 12.03.', []],
        ['Kundennummer 0891234567', []],
        ['Kd.-Nr. 0301234567', []],
        ['Auftrag 0891234567 bestätigt', []],
        ['meine Nummer 0170 1234567', ['+491701234567']],
        ['telefon=015123456789', ['+4915123456789']],
        ['Handy:0170 1234567', ['+491701234567']],
        ['Tel.-Nr.: 030 1234567', ['+49301234567']],
        ['Faxnummer 030 1234568', []],
      ],
      'DE',
    );
  });

  it('a phone word joined by = still names a phone number (form dumps, logs)', () => {
    expect(findPhoneNumbers('name=Priya&phone=9845012345&src=web', 'IN').map((number) => number.e164)).to.deep.equal(['+919845012345']);
    expect(findPhoneNumbers('lead_source=web; mobile=+91 98450 12345', 'IN').map((number) => number.e164)).to.deep.equal(['+919845012345']);
  });

  it('finds every item of a list of numbers, whatever separates them', () => {
    for (const { text, e164 } of LISTS)
      expect(
        findPhoneNumbers(text, 'IN').map((number) => number.e164),
        text,
      ).to.deep.equal(e164);
  });

  it('finds several numbers in one text, at the right offsets', () => {
    const text = 'Office (080) 2345-6789, mobile 98450 12345; invoice INV-2024-000123.';
    const found = findPhoneNumbers(text, 'IN');
    expect(found.map((number) => text.slice(number.start, number.end))).to.deep.equal(['(080) 2345-6789', '98450 12345']);
    expect(found.map((number) => number.e164)).to.deep.equal(['+918023456789', '+919845012345']);
  });
});
