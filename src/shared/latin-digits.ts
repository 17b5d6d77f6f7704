/** A decimal digit of any script: `9`, `९` (Devanagari), `৯` (Bengali), `௯` (Tamil), `９`, `𝟗`. */
const DIGIT = /\p{Nd}/u;
/** One that is not 0–9. */
const OTHER_SCRIPT_DIGIT = /(?![0-9])\p{Nd}/u;

/**
 * The value of the decimal digit at `codePoint`. Unicode encodes every script's decimal
 * digits as one run from 0 to 9 (a stability guarantee), and where runs touch (the
 * mathematical digits) each starts at a zero: the digit's place in its run of digits is
 * its value.
 */
function digitValue(codePoint: number): number {
  let place = 0;
  while (place < 60 && DIGIT.test(String.fromCodePoint(codePoint - place - 1))) place++;
  return place % 10;
}

/** A text with every script's digits written 0–9, and where each of its offsets was in the original. */
export interface LatinDigits {
  text: string;
  /** The original offset of `text`'s offset (a digit outside the BMP takes two code units there, one here). */
  originalOffset(offset: number): number;
}

const SAME_OFFSET = (offset: number) => offset;

/**
 * Writes every decimal digit (Unicode category Nd) as its 0–9 digit, so that a number written
 * in Devanagari, Bengali, Tamil or any script's digits is read, checked and dialled as the
 * same number in ASCII digits. Anything else is kept as it is.
 */
export function toLatinDigits(text: string): LatinDigits {
  if (!OTHER_SCRIPT_DIGIT.test(text)) return { text, originalOffset: SAME_OFFSET };
  let latin = '';
  const original: number[] = [];
  for (let offset = 0; offset < text.length;) {
    const codePoint = text.codePointAt(offset)!;
    const character = String.fromCodePoint(codePoint);
    const written = OTHER_SCRIPT_DIGIT.test(character) ? String(digitValue(codePoint)) : character;
    for (let unit = 0; unit < written.length; unit++) original.push(offset + unit);
    latin += written;
    offset += character.length;
  }
  original.push(text.length);
  return { text: latin, originalOffset: (offset) => original[offset]! };
}
