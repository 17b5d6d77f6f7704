import { type CallAction, type ErrorCode, type ErrorDetail, isSuperfoneSuccessBody, type SuperfoneSuccessBody } from '../../shared/protocol.js';
import { type ProxyFailure, secondsInWords } from './responses.js';
import type { UpstreamResult } from './superfone-client.js';

export type UpstreamOutcome = { ok: true; body: SuperfoneSuccessBody } | { ok: false; failure: ProxyFailure & { code: ErrorCode } };

/**
 * Superfone does not document how it answers a START for an agent already on a call, so
 * any 409, or any 4xx whose message reads like it, counts as busy.
 */
const BUSY_MESSAGE = /\b(busy|already\s+(on|in)\s+(an?\s+)?(active\s+|ongoing\s+)?call|(active|ongoing)\s+call)\b/i;

/** Superfone's success `message` is passed on at most this long, after the secrets are taken out of it. */
export const MAX_UPSTREAM_MESSAGE_CHARS = 200;

/** Said when Superfone's Retry-After is missing or is not one this proxy reads. */
const DEFAULT_RETRY_AFTER_SECONDS = 30;
/** Nobody waits longer than this on Superfone's word. */
const MAX_RETRY_AFTER_SECONDS = 3_600;
/** An HTTP date as RFC 9110 writes it (IMF-fixdate), and nothing looser: V8's date parser takes a date with a key after it. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Superfone's Retry-After as whole seconds, digits only, at most an hour: nothing else of
 * what the upstream put in the header reaches a client.
 */
function retryAfterSeconds(value: string | null, now = Date.now()): string {
  const text = value?.trim() ?? '';
  let seconds = DEFAULT_RETRY_AFTER_SECONDS;
  if (/^\d{1,10}$/.test(text)) seconds = Number(text);
  else if (IMF_FIXDATE.test(text) && !Number.isNaN(Date.parse(text))) seconds = Math.max(0, Math.ceil((Date.parse(text) - now) / 1000));
  return String(Math.min(seconds, MAX_RETRY_AFTER_SECONDS));
}

function upstreamMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return '';
}

function fail(code: ErrorCode, message?: string, headers?: Record<string, string>, detail?: ErrorDetail): UpstreamOutcome {
  return { ok: false, failure: { code, message, headers, ...(detail ? { detail } : {}) } };
}

/** Gives Superfone's answer its meaning for the page: one success shape, one error vocabulary. */
export function interpretUpstreamResult(action: CallAction, result: UpstreamResult): UpstreamOutcome {
  const verb = action === 'START' ? 'call request' : 'end-call request';
  if (result.kind === 'timeout') {
    return fail('upstream_timeout', `Superfone did not answer in time, so it is unknown whether the ${verb} reached your Superfone app. Check the app before trying again.`);
  }
  if (result.kind === 'unreachable') {
    return fail('upstream_error', `The connection to Superfone failed, so the ${verb} may not have reached your Superfone app. Check the app, then try again.`);
  }

  const { status, body } = result;
  const message = upstreamMessage(body);
  if (status === 200 && isSuperfoneSuccessBody(body)) {
    if (!body.data.sentSuccess) return fail('notification_failed');
    // Rebuilt from the documented fields: nothing else Superfone puts in its answer
    // (a debug echo, internal fields) reaches a browser. The message is redacted, then cut, by the caller.
    return { ok: true, body: { data: { notificationID: body.data.notificationID, sentSuccess: true }, message: body.message } };
  }
  if (status === 409 || (status >= 400 && status < 500 && BUSY_MESSAGE.test(message))) return fail('agent_busy');
  // The proxy always sends every parameter, validated; Superfone documents 400 for a
  // missing parameter or a number not in E.164, so a 400 here is about a number.
  if (status === 400) return fail('invalid_number', 'Superfone rejected one of the phone numbers. Check the customer and agent numbers, then try again.');
  if (status === 401 || status === 403) return fail('upstream_auth');
  if (status === 404) return fail('agent_not_found');
  if (status === 429) {
    const wait = retryAfterSeconds(result.retryAfter);
    return fail(
      'rate_limited',
      `Superfone is limiting call requests right now (its own limit). Wait ${secondsInWords(Number(wait))}, then try again.`,
      { 'Retry-After': wait },
      { limit: 'superfone' },
    );
  }
  const what = status === 200 ? 'an answer it could not read' : `HTTP ${status}`;
  return fail('upstream_error', `Superfone answered with ${what}, so the ${verb} did not go through. Try again in a moment.`);
}
