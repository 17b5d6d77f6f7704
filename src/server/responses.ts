import { DEFAULT_ERROR_MESSAGES } from '../error-messages.js';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../protocol.js';

/** Headers on every proxy answer: JSON that no cache keeps and no browser sniffs. */
const COMMON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...COMMON_HEADERS, ...headers } });
}

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
