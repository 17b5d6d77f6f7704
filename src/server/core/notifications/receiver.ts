import type { CallRecord, CallUpdate } from '../../../shared/call-record.js';
import type { CountryCode } from '../../../shared/phone-number.js';
import type { RefusalKind } from '../audit.js';
import { overLimitMessage, readRequestText } from '../body-limit.js';
import type { ProxyFailure } from '../responses.js';
import { type NotificationFieldNames, toCallRecord, toCallUpdate } from './call-record-mapping.js';

/** Deliveries carry the contact's fields too; far more than this is not a delivery. */
export const MAX_NOTIFICATION_BYTES = 64 * 1024;

export interface NotificationReceiver {
  secret: string;
  defaultCountry: CountryCode;
  fields?: Partial<NotificationFieldNames>;
}

/**
 * An authenticated delivery, read: its event, its record when it reports a finished call,
 * its update when it reports the recording or the summary, and the key that tells a repeat.
 */
export type Delivery =
  { ok: true; event: string; record: CallRecord | null; update: CallUpdate | null; key: string | null } | { ok: false; failure: ProxyFailure; authenticated: boolean };

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

/**
 * What identifies a delivery: its record id, else its body; kept as a digest, whatever their
 * size. `ALL_CALLS` and `MISSED_CALL` for one call are one; its recording and its summary are each their own.
 */
async function deliveryKey(what: { cdrId: string | null; kind?: CallUpdate['kind'] }, text: string): Promise<string> {
  const identity = `${what.kind ? `${what.kind}:` : ''}${what.cdrId !== null ? `cdr:${what.cdrId}` : `body:${text}`}`;
  return Array.from(await sha256(identity), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function refuse(message: string, status: number, kind?: RefusalKind): Delivery {
  // Past the secret: only Superfone (or whoever holds the secret) gets these.
  return { ok: false, failure: { code: 'bad_request', message, status, kind }, authenticated: true };
}

/**
 * One POSTed delivery from Superfone's event notifications: authenticated by the shared secret
 * the account owner set as a header in the dashboard (no signature is documented), read
 * with a size cap, and mapped to a `CallRecord` with the key that tells a repeat. Events
 * other than finished calls carry no record: they are acknowledged and ignored, so a
 * broad dashboard setup never looks like an outage.
 */
export async function receiveNotification(request: Request, receiver: NotificationReceiver): Promise<Delivery> {
  const authorization = request.headers.get('authorization') ?? '';
  const given = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() ?? '';
  if (!(await sameSecret(given, receiver.secret))) {
    return { ok: false, failure: { code: 'unauthorized', message: 'This notification does not carry the shared secret.', kind: 'secret' }, authenticated: false };
  }
  const mediaType = request.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') return refuse('Send notifications as JSON (Content-Type: application/json).', 415, 'media_type');
  const read = await readRequestText(request, MAX_NOTIFICATION_BYTES);
  if (!read.ok) return refuse(overLimitMessage('The notification', MAX_NOTIFICATION_BYTES, read.exceeded), 413, 'too_large');
  const text = read.text;
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return refuse('The notification is not valid JSON.', 400);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return refuse('The notification must be a JSON object.', 400);
  const body = payload as Record<string, unknown>;
  const event = typeof body.event === 'string' ? body.event.slice(0, 64) : '';
  const options = { defaultCountry: receiver.defaultCountry, fields: receiver.fields };
  const record = toCallRecord(body, options);
  if (record !== null) return { ok: true, event, record, update: null, key: await deliveryKey(record, text) };
  const update = toCallUpdate(body, options);
  if (update !== null) return { ok: true, event, record: null, update, key: await deliveryKey(update, text) };
  return { ok: true, event, record: null, update: null, key: null };
}
