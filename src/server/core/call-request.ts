import { type CountryCode, normalizePhoneNumber } from '../../shared/phone-number.js';
import { type CallAction, isCallAction } from '../../shared/protocol.js';
import type { RefusalKind } from './audit.js';
import { overLimitMessage, readRequestText } from './body-limit.js';
import type { ProxyFailure } from './responses.js';

/** A call request from the page, checked and with both numbers in E.164. */
export interface ValidCallRequest {
  action: CallAction;
  customerNumber: string;
  /** `null` when the page named no agent; the proxy may still have one from `authorize`. */
  agentNumber: string | null;
}

export type CallRequestReading = { ok: true; call: ValidCallRequest } | { ok: false; failure: ProxyFailure };

const FIELDS = new Set(['customer_number', 'user_number', 'call_action']);

/** Text a message may quote back; the rest of an over-long value adds nothing but bytes. */
function quote(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

function reject(message: string, status = 400, kind?: RefusalKind): CallRequestReading {
  return { ok: false, failure: { code: 'bad_request', message, status, kind } };
}

function isJsonContentType(header: string | null): boolean {
  const mediaType = header?.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * Checks the body of a POST from the page. Nothing here trusts the page: content type,
 * size, shape and both numbers are checked before anything can reach Superfone.
 */
export async function readCallRequest(request: Request, options: { defaultCountry: CountryCode; maxBodyBytes: number }): Promise<CallRequestReading> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return reject('Send the call request as JSON (Content-Type: application/json).', 415, 'media_type');
  }
  const read = await readRequestText(request, options.maxBodyBytes);
  if (!read.ok) return reject(overLimitMessage('The call request', options.maxBodyBytes, read.exceeded), 413, 'too_large');
  const text = read.text;

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return reject('The call request is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return reject('The call request must be a JSON object.');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) return reject(`Unknown field "${quote(unknown[0]!)}" in the call request.`);

  if (!isCallAction(fields.call_action)) return reject('call_action must be "START" or "END".');
  if (typeof fields.customer_number !== 'string') return reject('customer_number must be a string.');
  if (fields.user_number !== undefined && fields.user_number !== null && typeof fields.user_number !== 'string') {
    return reject('user_number must be a string when present.');
  }

  const invalidNumber = (message: string): CallRequestReading => ({ ok: false, failure: { code: 'invalid_number', message } });
  const customer = normalizePhoneNumber(fields.customer_number, options.defaultCountry);
  if (!customer.ok) {
    return invalidNumber(`The customer number “${quote(fields.customer_number)}” is not a valid phone number. Use the full number with its country code, such as +91 98765 43210.`);
  }

  let agentNumber: string | null = null;
  if (typeof fields.user_number === 'string' && fields.user_number.trim() !== '') {
    const agent = normalizePhoneNumber(fields.user_number, options.defaultCountry);
    if (!agent.ok) return invalidNumber(`The agent number “${quote(fields.user_number)}” is not a valid phone number. Check the agent number set on the page.`);
    agentNumber = agent.e164;
  }

  return { ok: true, call: { action: fields.call_action, customerNumber: customer.e164, agentNumber } };
}
