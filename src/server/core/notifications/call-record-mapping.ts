import type { CallRecord, CallStatus } from '../../../shared/call-record.js';
import { normalizePhoneNumber, type CountryCode } from '../../../shared/phone-number.js';

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
};

/** The events that report a finished call; every other event is acknowledged and ignored. */
export const CALL_RECORD_EVENTS: ReadonlySet<string> = new Set(['ALL_CALLS', 'MISSED_CALL']);

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
  const word = text(disposition)?.toUpperCase().replace(/[\s-]+/g, '_');
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

/**
 * One delivery as a `CallRecord`, or `null` for events that are not a finished call. Never
 * throws: a field that is missing or unreadable becomes `null`.
 */
export function toCallRecord(
  payload: Record<string, unknown>,
  options: { defaultCountry: CountryCode; fields?: Partial<NotificationFieldNames> },
): CallRecord | null {
  const event = typeof payload.event === 'string' ? payload.event : '';
  if (!CALL_RECORD_EVENTS.has(event)) return null;
  const fields = { ...REPORTED_FIELD_NAMES, ...options.fields };
  const read = (name: keyof NotificationFieldNames) => first(payload, fields[name]);
  const recordingUrl = text(read('recordingUrl'));
  return {
    cdrId: text(read('cdrId')),
    customerNumber: notificationNumber(read('customerNumber'), options.defaultCountry),
    agentNumber: notificationNumber(read('agentNumber'), options.defaultCountry),
    status: status(read('disposition'), event),
    durationSec: duration(read('durationSec')),
    startedAt: notificationTime(read('startedAt')),
    answeredAt: notificationTime(read('answeredAt')),
    endedAt: notificationTime(read('endedAt')),
    recordingUrl: recordingUrl && /^https?:\/\//i.test(recordingUrl) ? recordingUrl : null,
    direction: direction(read('direction')),
    event,
    raw: payload,
  };
}
