import { expect } from '@open-wc/testing';
import { findPhoneNumbers } from '../../src/scope/detection/find-phone-numbers.js';
import { HELD_OUT_NEGATIVES, HELD_OUT_POSITIVES } from '../fixtures/held-out-phone-corpus.js';
import { LISTS, NEGATIVES, POSITIVES } from '../fixtures/phone-corpus.js';

/** Floors measured on this corpus; a change that lowers either is a regression. */
const MIN_PRECISION = 0.99;
const MIN_RECALL = 0.99;

/** Issue 9's goal for text detection has never seen. Recall meets it. */
const HELD_OUT_GOAL = 0.98;
/**
 * Precision on the held-out corpus as first measured (0.955), enforced so it cannot fall;
 * the goal is still open. What it gets wrong: other countries' numbers written nationally
 * (`030 23456789`, `(212) 555-0187`) read as Indian, identifiers after words the rules do
 * not know (`PO No.`, `Member no`, `offset`), a CIDR block and a ZIP+4 code.
 */
const HELD_OUT_PRECISION_FLOOR = 0.95;

interface Score {
  precision: number;
  recall: number;
  /** For the log: the counts and every mistake. */
  summary: string;
  mistakes: string;
}

/** Each number found counts once against what the text holds (a number written twice is expected twice). */
function score(samples: Array<{ text: string; e164: string[] }>): Score {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const mistakes: string[] = [];
  for (const { text, e164 } of samples) {
    const expected = [...e164];
    for (const number of findPhoneNumbers(text, 'IN')) {
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

describe('number detection on a corpus of CRM text', () => {
  it(`has ≥150 positives and ≥150 negatives, precision ≥ ${MIN_PRECISION}, recall ≥ ${MIN_RECALL}`, () => {
    expect(POSITIVES.length).to.be.at.least(150);
    expect(NEGATIVES.length).to.be.at.least(150);
    const { precision, recall, summary, mistakes } = score([...POSITIVES.map(({ text, e164 }) => ({ text, e164: [e164] })), ...without(NEGATIVES)]);
    console.log(`detection corpus: ${POSITIVES.length} positives, ${NEGATIVES.length} negatives; ${summary}`);
    expect(precision, mistakes).to.be.at.least(MIN_PRECISION);
    expect(recall, mistakes).to.be.at.least(MIN_RECALL);
  });

  it(`on the held-out corpus (never tuned against): ≥150 + ≥150 samples, recall ≥ ${HELD_OUT_GOAL}, precision ≥ ${HELD_OUT_PRECISION_FLOOR} (goal ${HELD_OUT_GOAL})`, () => {
    expect(HELD_OUT_POSITIVES.length).to.be.at.least(150);
    expect(HELD_OUT_NEGATIVES.length).to.be.at.least(150);
    const { precision, recall, summary, mistakes } = score([...HELD_OUT_POSITIVES, ...without(HELD_OUT_NEGATIVES)]);
    console.log(`held-out corpus: ${HELD_OUT_POSITIVES.length} texts with numbers, ${HELD_OUT_NEGATIVES.length} without; ${summary}`);
    expect(precision, mistakes).to.be.at.least(HELD_OUT_PRECISION_FLOOR);
    expect(recall, mistakes).to.be.at.least(HELD_OUT_GOAL);
  });

  it('finds every item of a list of numbers, whatever separates them', () => {
    for (const { text, e164 } of LISTS) expect(findPhoneNumbers(text, 'IN').map((number) => number.e164), text).to.deep.equal(e164);
  });

  it('finds several numbers in one text, at the right offsets', () => {
    const text = 'Office (080) 2345-6789, mobile 98450 12345; invoice INV-2024-000123.';
    const found = findPhoneNumbers(text, 'IN');
    expect(found.map((number) => text.slice(number.start, number.end))).to.deep.equal(['(080) 2345-6789', '98450 12345']);
    expect(found.map((number) => number.e164)).to.deep.equal(['+918023456789', '+919845012345']);
  });
});
