import { expect } from '@open-wc/testing';
import { findPhoneNumbers } from '../../src/scope/detection/find-phone-numbers.js';
import { NEGATIVES, POSITIVES } from '../fixtures/phone-corpus.js';

/** Floors measured on this corpus; a change that lowers either is a regression. */
const MIN_PRECISION = 0.99;
const MIN_RECALL = 0.99;

describe('number detection on a corpus of CRM text', () => {
  it(`has ≥150 positives and ≥150 negatives, precision ≥ ${MIN_PRECISION}, recall ≥ ${MIN_RECALL}`, () => {
    expect(POSITIVES.length).to.be.at.least(150);
    expect(NEGATIVES.length).to.be.at.least(150);
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    const mistakes: string[] = [];
    for (const sample of POSITIVES) {
      const found = findPhoneNumbers(sample.text, 'IN');
      const right = found.filter((number) => number.e164 === sample.e164).length;
      if (right === 1) truePositives += 1;
      else {
        falseNegatives += 1;
        mistakes.push(`missed ${sample.e164} in ${JSON.stringify(sample.text)}`);
      }
      falsePositives += found.length - right;
    }
    for (const text of NEGATIVES) {
      const found = findPhoneNumbers(text, 'IN');
      falsePositives += found.length;
      for (const number of found) mistakes.push(`false positive ${JSON.stringify(text.slice(number.start, number.end))} in ${JSON.stringify(text)}`);
    }
    const precision = truePositives / (truePositives + falsePositives);
    const recall = truePositives / (truePositives + falseNegatives);
    console.log(
      `detection corpus: ${POSITIVES.length} positives, ${NEGATIVES.length} negatives; ` +
        `precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)} ` +
        `(TP ${truePositives}, FP ${falsePositives}, FN ${falseNegatives})` +
        (mistakes.length ? `\n  ${mistakes.join('\n  ')}` : ''),
    );
    expect(precision, mistakes.join('\n')).to.be.at.least(MIN_PRECISION);
    expect(recall, mistakes.join('\n')).to.be.at.least(MIN_RECALL);
  });

  it('finds several numbers in one text, at the right offsets', () => {
    const text = 'Office (080) 2345-6789, mobile 98450 12345; invoice INV-2024-000123.';
    const found = findPhoneNumbers(text, 'IN');
    expect(found.map((number) => text.slice(number.start, number.end))).to.deep.equal(['(080) 2345-6789', '98450 12345']);
    expect(found.map((number) => number.e164)).to.deep.equal(['+918023456789', '+919845012345']);
  });
});
