import type { CallRecord, CallStatus, CallUpdate } from '../../../shared/call-record.js';
import { type CountryCode, normalizePhoneNumber } from '../../../shared/phone-number.js';

/**
 * Which payload fields hold what. Superfone documents the envelope (`event`, `cdr_phone`)
 * but not the call-record fields; these names are the ones reported by third-party
 * integrations, unverified. Each entry lists the names tried, first match wins; an
 * integrator whose deliveries differ passes their own (`notificationFields`).
 */
export interface NotificationFieldNames {
  cdrId: string[];
  customerNumber: string[];
  agentNumber: string[];
  disposition: string[];
  durationSec: string[];
  startedAt: string[];
  answeredAt: string[];
  endedAt: string[];
  recordingUrl: string[];
  direction: string[];
  /** `CDR_SUMMARY_READY`'s summary text. */
  summary: string[];
  /** `CDR_SUMMARY_READY`'s transcript. */
  transcript: string[];
  /** The caller's name as the business's contacts know it: for a missed call. */
  contactName: string[];
}

export const REPORTED_FIELD_NAMES: NotificationFieldNames = {
  cdrId: ['cdr_id', 'cdr_uuid'],
  customerNumber: ['cdr_phone'],
  agentNumber: ['staff_phone'],
  disposition: ['cdr_disposition'],
  durationSec: ['cdr_duration'],
  startedAt: ['cdr_start'],
  answeredAt: ['cdr_answer'],
  endedAt: ['cdr_end'],
  recordingUrl: ['cdr_recording_url'],
  direction: ['cdr_call_type'],
  // Named as the recording's field is: unverified, and nothing readable names them.
  summary: ['cdr_summary'],
  transcript: ['cdr_transcript'],
  // `contact_first_name` is reported; a full name, where a delivery has one, is preferred.
  contactName: ['contact_name', 'contact_first_name'],
};

/** A contact's name is shown in a list: longer than this is cut. */
const MAX_CONTACT_NAME_CHARS = 80;

/** The events that report a finished call. */
export const CALL_RECORD_EVENTS: ReadonlySet<string> = new Set(['ALL_CALLS', 'MISSED_CALL']);

/** The events that report something about a call after its record (documented names). Every other event is acknowledged and ignored. */
export const CALL_UPDATE_EVENTS: Readonly<Record<string, CallUpdate['kind']>> = { CDR_RECORDING_AVAILABLE: 'recording', CDR_SUMMARY_READY: 'summary' };

/** A summary or transcript longer than this is cut: a delivery is at most 64 KiB anyway. */
export const MAX_SUMMARY_CHARS = 32_000;

/** Disposition words seen in the wild; none is documented. Unknown words give `unknown`. */
const DISPOSITIONS: Record<string, CallStatus> = {
  ANSWERED: 'answered',
  ANSWER: 'answered',
  COMPLETED: 'answered',
  CONNECTED: 'answered',
  MISSED: 'missed',
  NO_ANSWER: 'missed',
  NOANSWER: 'missed',
  UNANSWERED: 'missed',
  NOT_ANSWERED: 'missed',
  BUSY: 'busy',
  USER_BUSY: 'busy',
  FAILED: 'failed',
  REJECTED: 'failed',
  DECLINED: 'failed',
  CANCELLED: 'failed',
  CANCELED: 'failed',
  CONGESTION: 'failed',
};

/** Superfone is an Indian service: a time written without a zone is taken as IST (assumed). */
const ZONELESS_OFFSET = '+05:30';

function first(payload: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) {
    const value = payload[name];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  // A number in JSON is only ever an id, a count or a phone number written as digits.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}

/** `+91…`, `91…` (country code without `+`), `0…` and national numbers, all to E.164. */
export function notificationNumber(value: unknown, defaultCountry: CountryCode): string | null {
  const written = text(value);
  if (written === null || !/^[\d\s()+.-]+$/.test(written)) return null;
  const direct = normalizePhoneNumber(written, defaultCountry);
  if (direct.ok) return direct.e164;
  const digits = written.replace(/\D/g, '');
  if (!written.startsWith('+') && digits.length > 10) {
    const international = normalizePhoneNumber(`+${digits}`, defaultCountry);
    if (international.ok) return international.e164;
  }
  return null;
}

/** An instant as ISO 8601 UTC: epoch seconds or milliseconds, or a date-time text (IST when it names no zone). */
export function notificationTime(value: unknown): string | null {
  let date: Date | null = null;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    date = new Date(value < 1e12 ? value * 1000 : value);
  } else if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return notificationTime(Number(trimmed));
    const zoneless = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed);
    date = new Date(zoneless ? `${trimmed.replace(' ', 'T')}${ZONELESS_OFFSET}` : trimmed);
  }
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

function duration(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? Math.round(number) : null;
}

function status(disposition: unknown, event: string): CallStatus {
  const word = text(disposition)
    ?.toUpperCase()
    .replace(/[\s-]+/g, '_');
  const known = word ? DISPOSITIONS[word] : undefined;
  if (known) return known;
  return event === 'MISSED_CALL' ? 'missed' : 'unknown';
}

function direction(value: unknown): CallRecord['direction'] {
  const word = text(value)?.toUpperCase();
  if (word === 'OUTBOUND' || word === 'OUTGOING') return 'outbound';
  if (word === 'INBOUND' || word === 'INCOMING') return 'inbound';
  return null;
}

/** A web link, or `null`: a recording link is shown to agents and handed to CRMs, so no other scheme passes. */
function webLink(value: unknown): string | null {
  const link = text(value);
  return link && /^https?:\/\//i.test(link) && URL.canParse(link) ? link : null;
}

/**
 * When a pre-signed link stops working, as the link says: S3's (`X-Amz-Date` plus
 * `X-Amz-Expires`), Google Cloud Storage's (`X-Goog-Date` plus `X-Goog-Expires`), or an
 * `Expires` epoch (older S3, Azure-style links aside). Superfone does not document which it uses.
 */
export function linkExpiry(link: string): string | null {
  const params = new Map<string, string>();
  new URL(link).searchParams.forEach((value, key) => params.set(key.toLowerCase(), value));
  const get = (name: string) => params.get(name.toLowerCase()) ?? null;
  for (const vendor of ['Amz', 'Goog']) {
    const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(get(`X-${vendor}-Date`) ?? '');
    const lasts = get(`X-${vendor}-Expires`);
    if (signedAt && lasts && /^\d{1,9}$/.test(lasts)) {
      const [, year, month, day, hour, minute, second] = signedAt.map(Number) as number[];
      return new Date(Date.UTC(year!, month! - 1, day, hour, minute, second) + Number(lasts) * 1000).toISOString();
    }
  }
  const expires = get('Expires');
  return expires && /^\d{9,11}$/.test(expires) ? new Date(Number(expires) * 1000).toISOString() : null;
}

function longText(value: unknown): string | null {
  const written = text(value);
  return written && written.length > MAX_SUMMARY_CHARS ? `${written.slice(0, MAX_SUMMARY_CHARS - 1)}…` : written;
}

/**
 * A delivery that reports the recording or the summary of a call, as a `CallUpdate`; `null`
 * for other events, and for one that carries nothing to pass on (no web link, no text).
 * Never throws.
 */
export function toCallUpdate(payload: Record<string, unknown>, options: { defaultCountry: CountryCode; fields?: Partial<NotificationFieldNames> }): CallUpdate | null {
  const event = typeof payload.event === 'string' ? payload.event : '';
  const kind = Object.hasOwn(CALL_UPDATE_EVENTS, event) ? CALL_UPDATE_EVENTS[event] : undefined;
  if (!kind) return null;
  const fields = { ...REPORTED_FIELD_NAMES, ...options.fields };
  const read = (name: keyof NotificationFieldNames) => first(payload, fields[name]);
  const base = {
    cdrId: text(read('cdrId')),
    customerNumber: notificationNumber(read('customerNumber'), options.defaultCountry),
    agentNumber: notificationNumber(read('agentNumber'), options.defaultCountry),
    startedAt: notificationTime(read('startedAt')),
    event,
    raw: payload,
  };
  if (kind === 'recording') {
    const recordingUrl = webLink(read('recordingUrl'));
    return recordingUrl ? { ...base, kind, recordingUrl, recordingExpiresAt: linkExpiry(recordingUrl) } : null;
  }
  const summary = longText(read('summary'));
  const transcript = longText(read('transcript'));
  return summary || transcript ? { ...base, kind, summary, transcript } : null;
}

/** The caller's name in a delivery, if it has one (`contactName` fields), cut to 80 characters; never throws. */
export function toContactName(payload: Record<string, unknown>, fields: Partial<NotificationFieldNames> = {}): string | null {
  const name = text(first(payload, fields.contactName ?? REPORTED_FIELD_NAMES.contactName));
  const last = name !== null && payload.contact_first_name === name ? text(payload.contact_last_name) : null;
  const full = last ? `${name} ${last}` : name;
  return full && full.length > MAX_CONTACT_NAME_CHARS ? `${full.slice(0, MAX_CONTACT_NAME_CHARS - 1)}…` : full;
}

/**
 * One delivery as a `CallRecord`, or `null` for events that are not a finished call. Never
 * throws: a field that is missing or unreadable becomes `null`.
 */
export function toCallRecord(payload: Record<string, unknown>, options: { defaultCountry: CountryCode; fields?: Partial<NotificationFieldNames> }): CallRecord | null {
  const event = typeof payload.event === 'string' ? payload.event : '';
  if (!CALL_RECORD_EVENTS.has(event)) return null;
  const fields = { ...REPORTED_FIELD_NAMES, ...options.fields };
  const read = (name: keyof NotificationFieldNames) => first(payload, fields[name]);
  return {
    cdrId: text(read('cdrId')),
    customerNumber: notificationNumber(read('customerNumber'), options.defaultCountry),
    agentNumber: notificationNumber(read('agentNumber'), options.defaultCountry),
    status: status(read('disposition'), event),
    durationSec: duration(read('durationSec')),
    startedAt: notificationTime(read('startedAt')),
    answeredAt: notificationTime(read('answeredAt')),
    endedAt: notificationTime(read('endedAt')),
    recordingUrl: webLink(read('recordingUrl')),
    direction: direction(read('direction')),
    event,
    raw: payload,
  };
}
