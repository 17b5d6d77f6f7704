import type { CallRecord } from '../../shared/call-record.js';
import type { CountryCode } from '../../shared/phone-number.js';
import type { ProxyRequest } from '../proxy-message.js';
import type { ProxyFailure } from '../responses.js';
import { toCallRecord, type NotificationFieldNames } from './call-record-mapping.js';

/** Deliveries carry the contact's fields too; far more than this is not a delivery. */
export const MAX_NOTIFICATION_BYTES = 64 * 1024;

export interface NotificationReceiver {
  secret: string;
  defaultCountry: CountryCode;
  fields?: Partial<NotificationFieldNames>;
}

/** An authenticated delivery, read: its event, and its record when it reports a finished call. */
export type Delivery =
  | { ok: true; event: string; record: CallRecord | null; key: string | null }
  | { ok: false; failure: ProxyFailure; event?: string };

const encoder = new TextEncoder();

async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
}

/** Equal in time whatever the inputs: both sides are hashed first, then every byte compared. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}

/** What identifies a delivery: its record id, else its body; kept as a digest, whatever their size. */
async function deliveryKey(record: CallRecord, text: string): Promise<string> {
  const identity = record.cdrId !== null ? `cdr:${record.cdrId}` : `body:${text}`;
  return Array.from(await sha256(identity), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function refuse(code: ProxyFailure['code'], message: string, status?: number): Delivery {
  return { ok: false, failure: { code, message, status } };
}

/**
 * One delivery from Superfone's event notifications: authenticated by the shared secret
 * the account owner set as a header in the dashboard (no signature is documented), read
 * with a size cap, and mapped to a `CallRecord` with the key that tells a repeat. Events
 * other than finished calls carry no record: they are acknowledged and ignored, so a
 * broad dashboard setup never looks like an outage.
 */
export async function receiveNotification(request: ProxyRequest, receiver: NotificationReceiver): Promise<Delivery> {
  if (request.method !== 'POST') return refuse('bad_request', `Use POST to deliver a notification (got ${request.method}).`, 405);
  const authorization = request.header('authorization') ?? '';
  const given = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() ?? '';
  if (!(await sameSecret(given, receiver.secret))) return refuse('unauthorized', 'This notification does not carry the shared secret.', 401);
  const mediaType = request.header('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') return refuse('bad_request', 'Send notifications as JSON (Content-Type: application/json).', 415);
  const text = await request.text(MAX_NOTIFICATION_BYTES);
  if (text === undefined) return refuse('bad_request', `The notification is larger than ${MAX_NOTIFICATION_BYTES} bytes.`, 413);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return refuse('bad_request', 'The notification is not valid JSON.');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return refuse('bad_request', 'The notification must be a JSON object.');
  const body = payload as Record<string, unknown>;
  const event = typeof body.event === 'string' ? body.event.slice(0, 64) : '';
  const record = toCallRecord(body, { defaultCountry: receiver.defaultCountry, fields: receiver.fields });
  if (record === null) return { ok: true, event, record: null, key: null };
  return { ok: true, event, record, key: await deliveryKey(record, text) };
}
