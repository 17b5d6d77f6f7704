// From /core with the min metadata, not from /min: bundlers then keep the text-search code
// in this lazily loaded chunk instead of the element's initial one.
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';

export interface FoundNumber {
  /** Offset of the number's first character in the text. */
  start: number;
  /** Offset just past its last character (an extension included). */
  end: number;
  e164: string;
}

/** Words after which a run of digits is an identifier or an amount, not a phone number. */
const NOT_A_PHONE_BEFORE =
  /(?:invoice|inv|order|timestamp|epoch|ms|part|model|ticket|case|ref(?:erence)?|serial|s\/n|sn|isbn|gstin?|pan|account|a\/c|acct|awb|tracking|pnr|otp|aadhaa?r|uan|policy|txn|transaction|utr|imei|cin|folio|sku|batch|lot|id|code|amount|total|rs\.?|inr|usd|₹|\$|€|£|¥)\s*(?:no\.?|number|num|#|:|-)?\s*[:#-]?\s*$/i;

/** Words that say a number is a phone number, even when glued to it (`Ph.98450 12345`). */
const PHONE_WORD_BEFORE = /(?:tel|ph|phone|mob|mobile|cell|call|fax|whatsapp|contact)\s*[.:]?\s*$/i;

/** Characters that glue a number into a larger token: `INV-2024-000123`, `a/9845012345`, `x@y`. */
const GLUE = /[-_/.#@=&?+]/;
const ALPHANUMERIC = /[\p{L}\p{Nd}]/u;

/** Shapes that libphonenumber-js may accept as numbers but that CRM text means otherwise. */
const NOT_A_PHONE_SHAPE = [
  /^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?!\d)/, // starts with a date: 15.03.2024, 2024-03-15, 03/15/24
  /^\d{1,3}(?:\.\d{1,3}){3}$/, // IPv4
  /^\d+\.\d+$/, // a decimal: 12.971598
];

function tokenAround(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from > 0 && !/\s/.test(text[from - 1]!)) from--;
  while (to < text.length && !/\s/.test(text[to]!)) to++;
  return text.slice(from, to);
}

/** True when the number is glued to letters or digits around it, and so part of some other token. */
function isGlued(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? '';
  const beforeThat = text[start - 2] ?? '';
  const after = text[end] ?? '';
  const afterThat = text[end + 1] ?? '';
  if (ALPHANUMERIC.test(before) || ALPHANUMERIC.test(after)) return true;
  if (GLUE.test(before) && ALPHANUMERIC.test(beforeThat)) return true;
  if (GLUE.test(after) && ALPHANUMERIC.test(afterThat)) return true;
  return before === '#' || after === '@';
}

/**
 * Finds the phone numbers a person would call in CRM text, and nothing else: libphonenumber-js
 * proposes, then dates, identifiers, amounts, addresses, URLs and emails are turned away.
 */
export function findPhoneNumbers(text: string, defaultCountry: CountryCode): FoundNumber[] {
  const found: FoundNumber[] = [];
  for (const match of findPhoneNumbersInText(text, defaultCountry, metadata)) {
    const { startsAt: start, endsAt: end, number } = match;
    if (!number.isValid()) continue;
    const raw = text.slice(start, end);
    if (raw.includes(',') || NOT_A_PHONE_SHAPE.some((shape) => shape.test(raw))) continue;
    const token = tokenAround(text, start, end);
    if (/@|:\/\/|www\./i.test(token)) continue;
    const before = text.slice(Math.max(0, start - 32), start);
    const phoneWord = PHONE_WORD_BEFORE.test(before);
    if (!phoneWord && (isGlued(text, start, end) || NOT_A_PHONE_BEFORE.test(before))) continue;
    found.push({ start, end, e164: number.number });
  }
  return found;
}
