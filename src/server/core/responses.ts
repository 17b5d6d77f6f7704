import { DEFAULT_ERROR_MESSAGES } from '../../shared/error-messages.js';
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorDetail } from '../../shared/protocol.js';
import type { RefusalKind } from './audit.js';
import { type ProxyAnswer, toResponse } from './proxy-message.js';

/** On every answer the proxy and its adapters give, whatever the status: nothing cached, nothing sniffed. */
export const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS };

/** A stream of Server-Sent Events: UTF-8, and not held back by a proxy in front (nginx buffers unless told so). */
export function eventStreamAnswer(body: ReadableStream<Uint8Array>): ProxyAnswer {
  return { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' }, body };
}

/** How long a client should wait before retrying while the shared store is out of reach. */
const STORE_RETRY_AFTER_SEC = 5;

/** Adds the security headers to an answer made elsewhere (a preflight, a stream). */
export function withSecurityHeaders(answer: ProxyAnswer): ProxyAnswer {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) answer.headers[name] ??= value;
  return answer;
}

/** Header names as given (`Retry-After`), lower-cased as answers keep them. */
function lowerCased(headers: Record<string, string>): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

export function jsonAnswer(body: unknown, status: number, headers: Record<string, string> = {}): ProxyAnswer {
  return { status, headers: { ...JSON_HEADERS, ...lowerCased(headers) }, body: JSON.stringify(body) };
}

/** A failure the proxy answers with, before or after calling Superfone. */
export interface ProxyFailure {
  code: ErrorCode;
  message?: string;
  /** Overrides the code's usual status, e.g. 405 or 413 for a `bad_request`. */
  status?: number;
  headers?: Record<string, string>;
  /** For the page to word the failure in its language as precisely as `message`. */
  detail?: ErrorDetail;
  /** The log budget it counts against, where its code alone does not tell it apart (a wrong host and a wrong origin are both `forbidden`). */
  kind?: RefusalKind;
}

/** The store (limits, locks, followed calls) is out of reach: `503` with `Retry-After`, in the words given or the code's own. */
export function storeUnavailable(message?: string): ProxyFailure {
  return { code: 'limits_unavailable', message, headers: { 'Retry-After': String(STORE_RETRY_AFTER_SEC) } };
}

/** A wait or a window in English, for a message: "42 s", "9 min", "2 h"; rounded up, so never sooner than true. */
export function secondsInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}

export function errorAnswer(failure: ProxyFailure): ProxyAnswer {
  const body: ErrorBody = {
    error: { code: failure.code, message: failure.message ?? DEFAULT_ERROR_MESSAGES[failure.code], ...(failure.detail && { detail: failure.detail }) },
  };
  return jsonAnswer(body, failure.status ?? ERROR_STATUS[failure.code], failure.headers);
}

/** A failure as a Fetch `Response`, for an adapter that answers a request itself. */
export function failureResponse(failure: ProxyFailure): Response {
  return toResponse(withSecurityHeaders(errorAnswer(failure)));
}
