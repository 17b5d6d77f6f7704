import { DEFAULT_ERROR_MESSAGES } from '../shared/error-messages.js';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../shared/protocol.js';

/** On every answer the proxy and its adapters give, whatever the status: nothing cached, nothing sniffed. */
export const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

const COMMON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', ...SECURITY_HEADERS };

/** Adds the security headers to an answer made elsewhere (a preflight, a handler's own). */
export function withSecurityHeaders(response: Response): Response {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
}

/** The text of answers made here, so an adapter can write it without reading the body back. */
const answerTexts = new WeakMap<Response, string>();

export function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  const response = new Response(text, { status, headers: { ...COMMON_HEADERS, ...headers } });
  answerTexts.set(response, text);
  return response;
}

/** The body of a JSON answer the proxy made, unread; `undefined` for any other response. */
export function answerText(response: Response): string | undefined {
  return response.bodyUsed ? undefined : answerTexts.get(response);
}

/** How long a client should wait before retrying while the shared store is out of reach. */
export const STORE_RETRY_AFTER_SEC = 5;

/** A failure the proxy answers with, before or after calling Superfone. */
export interface ProxyFailure {
  code: ErrorCode;
  message?: string;
  /** Overrides the code's usual status, e.g. 405 or 413 for a `bad_request`. */
  status?: number;
  headers?: Record<string, string>;
}

export function errorResponse(failure: ProxyFailure): Response {
  const body: ErrorBody = {
    error: { code: failure.code, message: failure.message ?? DEFAULT_ERROR_MESSAGES[failure.code] },
  };
  return jsonResponse(body, failure.status ?? ERROR_STATUS[failure.code], failure.headers);
}
