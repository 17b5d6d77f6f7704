// From /core, not from /max: bundlers then keep the text-search code in this lazily loaded
// chunk instead of the element's initial one. With the full numbering plan (max), as the
// proxy validates: the min metadata knows each country's lengths and leading digits only,
// and takes a page's order numbers, case numbers and room ranges for landlines.
import { type CountryCode, findPhoneNumbersInText, getCountries, Metadata, parsePhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/max/metadata';

import { boundedCache } from '../../shared/bounded-cache.js';
import { toLatinDigits } from '../../shared/latin-digits.js';

export interface FoundNumber {
  /** Offset of the number's first character in the text. */
  start: number;
  /** Offset just past its last character (an extension included). */
  end: number;
  e164: string;
}

/** Words (whole words: `Numbers:` is not `Rs:`) after which a run of digits is an identifier, an amount or a postal code, not a phone number. */
const NOT_A_PHONE_BEFORE =
  /(?:(?<!\p{L})(?:invoice|inv|order|timestamp|epoch|ms|part|model|ticket|case|ref(?:erence)?|serial|s\/n|sn|isbn|gstin?|pan|account|a\/c|acct|awb|tracking|pnr|otp|aadhaa?r|uan|policy|txn|transaction|utr|imei|cin|folio|sku|batch|lot|id|code|amount|total|receipt|rs\.?|inr|usd|zip|pin|pincode|postcode|postal code|rechnung|auftrag|bestellung|vertrag|vorgang|aktenzeichen|konto))\s*(?:no\.?|number|num|#|:|-)?\s*[:#-]?\s*$/iu;

/** A country code before digits the parser could not read with it (`+44 2034567890 X456forme`): the rest is not a number of its own. */
const TAIL_OF_INTERNATIONAL = /[+＋]\d{1,3}[\s.-]*$/;

/** A currency symbol right before digits makes them an amount (`₹9845012345`); an amount before a number does not (`$20 415-666-7777`). */
const AMOUNT_BEFORE = /\p{Sc}\s*$/u;

/** "Number" after a word, in English and German (`Tel. No.`, `Tel.-Nr.`, `Telefonnummer`). */
const NUMBER_WORD = String.raw`(?:no\.?|number|num|-?nr\.?|nummer)`;

/** Words that say whose a number is (`my no`), which makes it a person's, not an identifier. */
const WHOSE_WORDS = 'my|his|her|their|our|your|new|old|other|personal|same';

/**
 * Words that say a number is a phone number, even when glued to it (`Ph.98450 12345`,
 * `phone=98450 12345`, `Mob.No.-94481 23650`, `My number-415-666-7777`, `Handy: 0151 …`).
 */
const PHONE_WORD_BEFORE = new RegExp(
  String.raw`(?:(?:tel|ph|phone|mob|mobile|cell|call|whatsapp|contact|alt|alternate|landline|helpline|hotline|telefon|handy|mobil|ruf|durchwahl)\.?\s*${NUMBER_WORD}?|(?<!\p{L})(?:${WHOSE_WORDS})\s+${NUMBER_WORD})\s*[.:=-]?\s*$`,
  'iu',
);

/** A number labelled a fax alone is a machine's, not one to call (`Tel/Fax` is both: a phone). */
const FAX_BEFORE = new RegExp(String.raw`(?<![\p{L}/])fax\.?\s*${NUMBER_WORD}?\s*[.:]?\s*$`, 'iu');

/** Digits between an identifier's word and a number (`Ticket no. 098 2345678901`) are that identifier's first part. */
const DIGIT_GROUPS_AT_END = /\d[\d\s-]*$/;

/**
 * "<Something> No." before digits names an identifier (`PO No.`, `Member no`, `Roll No.`),
 * unless the something is a phone (`Mobile No.`, `Alt no`, above) or says whose it is (`my no`, `Mother's no.`).
 */
const NAMED_NUMBER_BEFORE = /(?<!\p{L})(\p{L}+(?:['’]s)?)\.?\s*no\.?\s*[:.#-]?\s*$/iu;
/** German compounds name identifiers the same way (`Kundennummer`, `Kd.-Nr.`, `Steuernummer`); `meine Nummer`, apart, does not. */
const COMPOUND_NUMBER_BEFORE = /(?<!\p{L})\p{L}+(?:nummer|\.?-?nr\.?)\s*[:.#-]?\s*$/iu;
/** `my`, `her`, … or a possessive (`Mother's no.`, `driver’s no`). */
const WHOSE = new RegExp(`^(?:${WHOSE_WORDS}|.+['’]s)$`, 'i');

/**
 * Whether what comes before a number says it is not one to call: a fax's label, or an
 * identifier's word, unless the number is written with a plus (to be dialled: no identifier is).
 */
function notToCallAfter(context: string, plus: boolean): boolean {
  if (FAX_BEFORE.test(context)) return true;
  if (plus) return false;
  if (AMOUNT_BEFORE.test(context) || TAIL_OF_INTERNATIONAL.test(context) || namesIdentifier(context)) return true;
  const earlierPart = context.replace(DIGIT_GROUPS_AT_END, '');
  return earlierPart !== context && namesIdentifier(earlierPart);
}

function namesIdentifier(context: string): boolean {
  if (NOT_A_PHONE_BEFORE.test(context) || COMPOUND_NUMBER_BEFORE.test(context)) return true;
  const named = NAMED_NUMBER_BEFORE.exec(context);
  return named !== null && !WHOSE.test(named[1]!);
}

/** Characters that glue a number into a larger token: `INV-2024-000123`, `a/9845012345`, `x@y`. */
const GLUE = /[-_/.#@=&?+]/;
/**
 * What a number glued to is part of a word with it: a digit, or a Latin letter (with its
 * combining accents), as libphonenumber judges. Other scripts write a number against their
 * words (`मेरा नंबर9876543210 है`, `我的电话号码是415-666-7777`) and no identifier does.
 */
const WORD_CHARACTER = /[\p{Script=Latin}\u0300-\u036F\p{Nd}]/u;
/** A number that begins with a plus or a bracket is set apart by it, even from letters (`abc+14156667777`), never from digits. */
const SET_APART = /^[+＋(（]/;
const LETTER_OF_WORD = /[\p{Script=Latin}\u0300-\u036F]/u;
/** Capitals before a plus name a thing (`ZIP+4 90210-1234`, `ID+…`), not a word the number follows. */
const ABBREVIATION_BEFORE = /\p{Lu}{2}$/u;

/** Whether the number at `start` is glued to the word before it: a digit, or a Latin letter it is not set apart from by its plus or bracket. */
function gluedToWordBefore(text: string, start: number): boolean {
  const before = text[start - 1] ?? '';
  if (!WORD_CHARACTER.test(before)) return false;
  const setApart = SET_APART.test(text[start]!) && LETTER_OF_WORD.test(before) && !ABBREVIATION_BEFORE.test(text.slice(0, start));
  return !setApart;
}
/** A full stop and a capital letter start the next sentence (`415-666-7777.Nice day.`); a file name or a domain goes on in small letters. */
const SENTENCE_AFTER = /^\.\p{Lu}\p{Ll}/u;

/** Shapes that libphonenumber-js may accept as numbers but that CRM text means otherwise. */
const NOT_A_PHONE_SHAPE = [
  /^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2})(?!\d)/, // starts with a date: 15.03.2024, 2024-03-15, 03/15/24 (not 1800-10-10 22, a number)
  /^(?:19|20)\d\d[./-](?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)/, // a date with its month and day run together: 2012-0102
  /^\d+(?:\.\d+){3,}$/, // four or more dotted groups: versions, IPv4 addresses, OIDs
  /^(?:\d{1,3}\.\d+|\d+\.\d{1,3})$/, // a decimal: 12.971598, 1234.50 (not a dotted mobile, 98862.40517)
  /(?:^|\s)\d+\.\d{1,2}(?:\s|$)/, // a short decimal among the groups: 12.1 - 23.71 - 23.45
  /\d\.\s/, // a full stop and a space: a sentence ends between the digits (9002309. 158)
  /^(?:19|20)\d\d\s*[-\u2010-\u2015]\s*(?:19|20)\d\d(?!\d)/, // a range of years: 2019-2024, 1998–2004, 1979-2011 100
  /^(?![+＋]|00)\d{13,}$/, // thirteen digits or more in one run, without + or 00: a timestamp or an ID, not a number written to be dialled
  /\d\s+\/|\/\s+\d/, // a spaced slash between digits separates two things (`98450 / 99000`); one number never has one
];

/** An IPv4 address or CIDR block, as a whole token (`172.16.0.0/12`). */
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?[.,;:)]*$/;

/** What separates the items of a list; never part of one phone number, unless an extension follows (`(800) 901-3355 , ext 7246433`). */
const LIST_SEPARATOR = /[,;](?!\s*(?:ext\.?|extn\.?|extension|x)\s*:?\s*\d)/i;

const DIGIT = /\p{Nd}/u;
/** What libphonenumber-js starts a number with: a digit of any script, a plus or an opening bracket. */
const NUMBER_START = /[\p{Nd}+＋(（[［]/u;
const PLUS = /[+＋]/;
const NOT_A_PHONE_WORD = /@|:\/\/|www\./i;

/**
 * The fewest digits a number valid with this default country is written with: its shortest
 * national number, or an international one after an IDD prefix (`00`, a country code, four
 * digits: seven).
 */
const fewestDigits = boundedCache(300, (country) => {
  const plan = new Metadata(metadata);
  plan.selectNumberingPlan(country as CountryCode);
  return Math.min(7, ...(plan.numberingPlan?.possibleLengths() ?? [1]));
});

function countDigits(text: string): number {
  let digits = 0;
  for (const character of text) if (DIGIT.test(character)) digits++;
  return digits;
}

/**
 * Whether findPhoneNumbers could accept a number starting at `start`, judged before any
 * parsing by the rules below that look only at what comes before a number: glued to a word
 * or to digits, after an identifier's or an amount's word, in an email or a URL. It never
 * says no where those rules would say yes; most invoice IDs and amounts stop here, and the
 * parser (several microseconds a call) never sees them.
 */
function couldStartAt(text: string, start: number, segmentStart: number, fewest: number): boolean {
  const before = text[start - 1] ?? '';
  // Inside a run of digits: glued to them (and no phone word ends in a digit).
  if (DIGIT.test(before)) return false;
  if (NOT_A_PHONE_WORD.test(tokenAround(text, start, start))) return false;
  const context = text.slice(Math.max(0, start - 32), start);
  if (PHONE_WORD_BEFORE.test(context)) return true;
  if (gluedToWordBefore(text, start) || before === '#' || notToCallAfter(context, PLUS.test(text[start]!))) return false;
  if (GLUE.test(before)) {
    const beforeThat = text[start - 2] ?? '';
    if (LETTER_OF_WORD.test(beforeThat)) return false;
    // Glued to digits: a list only if those end another number, which has a plus or enough digits.
    const earlier = text.slice(segmentStart, start - 1);
    if (DIGIT.test(beforeThat) && !PLUS.test(earlier) && countDigits(earlier) < fewest) return false;
  }
  return true;
}

/** Whether any number findPhoneNumbers could accept starts in `text.slice(from, to)`. */
function mayHoldNumber(text: string, from: number, to: number, fewest: number): boolean {
  for (let start = from; start < to; start++) {
    if (NUMBER_START.test(text[start]!) && couldStartAt(text, start, from, fewest)) return true;
  }
  return false;
}

interface Candidate {
  start: number;
  end: number;
  e164: string;
}

/**
 * libphonenumber-js's candidates, searched for between list separators: its matcher runs
 * on across `, ` and takes `98450 12345, 99000` for one number, cutting off the next.
 */
function candidates(text: string, defaultCountry: CountryCode, precheck: boolean): Candidate[] {
  const found: Candidate[] = [];
  const fewest = fewestDigits(defaultCountry);
  let offset = 0;
  for (const segment of text.split(LIST_SEPARATOR)) {
    if (precheck ? mayHoldNumber(text, offset, offset + segment.length, fewest) : /\d/.test(segment)) {
      // Only valid numbers come back: the default leniency, VALID, checks each one.
      const inSegment = findPhoneNumbersInText(segment, defaultCountry, metadata);
      if (DIALLED_WITH_00.test(segment)) inSegment.push(...dialledWith00(segment, inSegment));
      for (const { startsAt, endsAt, number } of inSegment) found.push({ start: offset + startsAt, end: offset + endsAt, e164: number.number });
    }
    offset += segment.length + 1;
  }
  return found;
}

/** `00` and a country code: most of the world's international prefix, written for readers abroad. */
const DIALLED_WITH_00 = /(?<![\p{Nd}+＋])00[1-9]/u;
/** A country whose international prefix is `00`, to read such a number where the default country's is another (`011` in North America). */
const A_COUNTRY_DIALLING_00: CountryCode = 'DE';

/** `001 646 555 0143` where the default country did not read it: the number after `00`, as most countries dial it. */
function dialledWith00(segment: string, found: ReturnType<typeof findPhoneNumbersInText>): ReturnType<typeof findPhoneNumbersInText> {
  const free = (startsAt: number, endsAt: number) => !found.some((number) => startsAt < number.endsAt && number.startsAt < endsAt);
  return findPhoneNumbersInText(segment, A_COUNTRY_DIALLING_00, metadata).filter(({ startsAt, endsAt }) => segment.startsWith('00', startsAt) && free(startsAt, endsAt));
}

/** The whitespace-delimited word around `text.slice(start, end)`. */
function tokenAround(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from > 0 && !/\s/.test(text[from - 1]!)) from--;
  while (to < text.length && !/\s/.test(text[to]!)) to++;
  return text.slice(from, to);
}

/**
 * True when the number is glued to letters or digits around it, and so part of some other
 * token. A glue character between two numbers (`9845012345/9900012345`) separates a list.
 */
function isGlued(text: string, start: number, end: number, numbersAt: ReadonlySet<number>, numbersEndingAt: ReadonlySet<number>): boolean {
  const before = text[start - 1] ?? '';
  const beforeThat = text[start - 2] ?? '';
  const after = text[end] ?? '';
  const afterThat = text[end + 1] ?? '';
  if (gluedToWordBefore(text, start) || WORD_CHARACTER.test(after)) return true;
  if (GLUE.test(before) && WORD_CHARACTER.test(beforeThat) && !numbersEndingAt.has(start - 1)) return true;
  if (GLUE.test(after) && WORD_CHARACTER.test(afterThat) && !numbersAt.has(end + 1) && !SENTENCE_AFTER.test(text.slice(end, end + 3))) return true;
  return before === '#' || after === '@';
}

/**
 * Finds the phone numbers a person would call in CRM text, and nothing else: libphonenumber-js
 * proposes, then dates, identifiers, amounts, addresses, URLs and emails are turned away.
 */
export function findPhoneNumbers(text: string, defaultCountry: CountryCode): readonly FoundNumber[] {
  return text.length <= REMEMBERED_LENGTH ? remembered(`${defaultCountry}\u0000${text}`) : searchPhoneNumbers(text, defaultCountry);
}

/** CRM pages repeat short text (dates, statuses, amounts, one contact in many rows): each is searched once. */
const REMEMBERED_LENGTH = 200;
const remembered = boundedCache(2_000, (key) => {
  const split = key.indexOf('\u0000');
  return searchPhoneNumbers(key.slice(split + 1), key.slice(0, split) as CountryCode);
});

/**
 * findPhoneNumbers without its memory; `precheck: false` hands every segment with a digit to
 * the parser (tests compare the two). Digits of every script count as their digit
 * (`९८४५० १२३४५`); the offsets are the text's own, so a mark keeps the page's digits.
 */
export function searchPhoneNumbers(text: string, defaultCountry: CountryCode, options: { precheck?: boolean } = {}): FoundNumber[] {
  const latin = toLatinDigits(text);
  const found = searchLatinDigits(latin.text, defaultCountry, options);
  if (latin.text === text) return found;
  return found.map(({ start, end, e164 }) => ({ start: latin.originalOffset(start), end: latin.originalOffset(end), e164 }));
}

function searchLatinDigits(text: string, defaultCountry: CountryCode, { precheck = true }: { precheck?: boolean }): FoundNumber[] {
  const found = accepted(text, candidates(text, defaultCountry, precheck));
  // Parsed once: the passes below add and reread only numbers written nationally.
  const international = found
    .filter((number) => writtenInternationally(text, number))
    .map(({ e164 }) => {
      const { country, nationalNumber } = parsePhoneNumber(e164, metadata);
      return { e164, country, national: nationalNumber as string };
    });
  // Other countries the text names (`+61 2 …` beside `02 …`, `(Kenya)`): a national number
  // the default country has no place for may be one of theirs.
  for (const country of countriesNamedIn(text, international, defaultCountry)) {
    const free = (candidate: Candidate) => !found.some(({ start, end }) => candidate.start < end && start < candidate.end);
    const theirs = candidates(text, country, precheck).filter((candidate) => free(candidate) && !writtenInternationally(text, candidate));
    found.push(...accepted(text, theirs));
  }
  found.sort((a, b) => a.start - b.start);
  return writtenBothWays(text, taggedWithTheirCountry(text, found), international);
}

const INTERNATIONAL = /^(?:[+＋]|00)/;

/** Whether a number is written with its country code (`+44 …`, `0044 …`). */
function writtenInternationally(text: string, { start }: { start: number }): boolean {
  return INTERNATIONAL.test(text.slice(start, start + 2));
}

/** An international number of a text, parsed. */
interface International {
  e164: string;
  country: CountryCode | undefined;
  national: string;
}

/** The candidates dates, identifiers, amounts, addresses, URLs and emails leave standing. */
function accepted(text: string, proposed: Candidate[]): FoundNumber[] {
  const found: FoundNumber[] = [];
  const numbersAt = new Set(proposed.map((candidate) => candidate.start));
  const numbersEndingAt = new Set(proposed.map((candidate) => candidate.end));
  for (const { start, end, e164 } of proposed) {
    const raw = text.slice(start, end);
    if (NOT_A_PHONE_SHAPE.some((shape) => shape.test(raw))) continue;
    const token = tokenAround(text, start, end);
    if (NOT_A_PHONE_WORD.test(token) || IPV4.test(token)) continue;
    const before = text.slice(Math.max(0, start - 32), start);
    const phoneWord = PHONE_WORD_BEFORE.test(before);
    if (!phoneWord && (isGlued(text, start, end, numbersAt, numbersEndingAt) || notToCallAfter(before, PLUS.test(raw[0]!)))) continue;
    found.push({ start, end, e164 });
  }
  return found;
}

/** A country named in brackets right after a number: `(UK)`, `(Kenya)`, `(AU)`. */
const TAG = String.raw`\s*[(（]\s*([\p{L} .]{2,40}?)\s*[)）]`;
const COUNTRY_TAG = new RegExp(`^${TAG}`, 'u');
/** The same, after any digit in a text. */
const COUNTRY_TAGS = new RegExp(`(?<=\\d)${TAG}`, 'gu');

/** Country names and codes as written in text, to region codes; built once, on first use. */
let countryByName: Map<string, CountryCode> | undefined;
function countryNamed(name: string): CountryCode | undefined {
  if (!countryByName) {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    countryByName = new Map([
      ['uk', 'GB'],
      ['u.k.', 'GB'],
      ['usa', 'US'],
      ['u.s.', 'US'],
      ['u.s.a.', 'US'],
      ['uae', 'AE'],
    ] as Array<[string, CountryCode]>);
    for (const code of getCountries(metadata)) {
      countryByName.set(code.toLowerCase(), code);
      const english = names.of(code);
      if (english) countryByName.set(english.toLowerCase(), code);
    }
  }
  // Two letters are a code only in capitals: `(in)` or `(us)` is a word.
  if (name.length === 2 && name !== name.toUpperCase()) return undefined;
  return countryByName.get(name.toLowerCase());
}

/** The countries, other than the default, of the international numbers in the text and of the numbers tagged with one. */
function countriesNamedIn(text: string, international: International[], defaultCountry: CountryCode): Set<CountryCode> {
  const countries = new Set<CountryCode>();
  for (const { country } of international) if (country && country !== defaultCountry) countries.add(country);
  for (const [, name] of text.matchAll(COUNTRY_TAGS)) {
    const country = countryNamed(name!);
    if (country && country !== defaultCountry) countries.add(country);
  }
  return countries;
}

/** A number written nationally and tagged with its country (`020 7946 0321 (UK)`) is that country's, when it is valid there. */
function taggedWithTheirCountry(text: string, found: FoundNumber[]): FoundNumber[] {
  return found.map((number) => {
    const tag = COUNTRY_TAG.exec(text.slice(number.end));
    const country = tag ? countryNamed(tag[1]!) : undefined;
    if (!country || writtenInternationally(text, number)) return number;
    const theirs = parsePhoneNumberFromString(text.slice(number.start, number.end), country, metadata);
    return theirs?.isValid() && theirs.country === country ? { ...number, e164: theirs.number } : number;
  });
}

/**
 * A number written nationally and again internationally in the same text (`London desk 020
 * 7946 0999, from abroad +44 20 7946 0999`) is the international one's: its national digits
 * read in the default country would be someone else's number.
 */
function writtenBothWays(text: string, found: FoundNumber[], international: International[]): FoundNumber[] {
  if (international.length === 0) return found;
  return found.map((number) => {
    // As written nationally: the national number, with or without a trunk `0` or `1`.
    const digits = text.slice(number.start, number.end).replace(/\D/g, '');
    const twin = international.find(({ e164, national }) => e164 !== number.e164 && (digits === national || digits === `0${national}` || digits === `1${national}`));
    return twin ? { ...number, e164: twin.e164 } : number;
  });
}
