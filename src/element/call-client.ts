import {
  CALL_ID_PATTERN,
  isErrorBody,
  isSuperfoneSuccessBody,
  type CallRequestBody,
  type ErrorCode,
  type ErrorDetail,
} from '../shared/protocol.js';
import type { TokenSource } from './scope-context.js';

/**
 * A failure is a code for the element to word in the page's language (the proxy's English
 * message is for logs and other clients); `status` is the HTTP status, `0` when nothing answered.
 */
export type CallReply = { ok: true; notificationId: number; callId: string | null } | CallFailure;

export interface CallFailure {
  ok: false;
  code: ErrorCode;
  status: number;
  /** Something other than the proxy answered. */
  unexpected?: true;
  /** What words the failure precisely: the proxy's detail, and `Retry-After` in seconds. */
  detail?: ErrorDetail & { retryAfterSec?: number };
}

/** Refusals of the sign-in token, after which the page is asked for a fresh one: nothing reached Superfone. */
const TOKEN_REFUSED: ReadonlySet<ErrorCode> = new Set(['token_expired', 'unauthorized']);

/**
 * POSTs one call request to the proxy and reads the answer into a `CallReply`. With
 * `getToken`, the request carries its token; refused for the token, it asks for a fresh one
 * once and sends again. Never throws for HTTP or network failures, nor for a `getToken`
 * that fails (that is `unauthorized`); only an abort through `signal` rejects.
 */
export async function sendCallRequest(
  proxyUrl: string,
  body: CallRequestBody,
  signal: AbortSignal,
  getToken: TokenSource | null = null,
): Promise<CallReply> {
  const first = await postWithToken(proxyUrl, body, signal, getToken);
  if (!getToken || first.ok || !TOKEN_REFUSED.has(first.code)) return first;
  return postWithToken(proxyUrl, body, signal, getToken);
}

async function postWithToken(proxyUrl: string, body: CallRequestBody, signal: AbortSignal, getToken: TokenSource | null): Promise<CallReply> {
  let token: string | null | undefined = null;
  if (getToken) {
    try {
      token = await getToken();
    } catch {
      token = null;
    }
    if (signal.aborted) throw signal.reason;
    if (!token) return { ok: false, code: 'unauthorized', status: 0 };
  }
  return post(proxyUrl, body, signal, token);
}

async function post(proxyUrl: string, body: CallRequestBody, signal: AbortSignal, token: string | null): Promise<CallReply> {
  let response: Response;
  try {
    response = await fetch(proxyUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    return { ok: false, code: 'network_error', status: 0 };
  }

  let payload: unknown;
  try {
    payload = await response.json();
  } catch (error) {
    if (signal.aborted) throw error;
    payload = undefined;
  }

  if (response.ok && isSuperfoneSuccessBody(payload)) {
    return payload.data.sentSuccess
      ? { ok: true, notificationId: payload.data.notificationID, callId: typeof payload.callId === 'string' && CALL_ID_PATTERN.test(payload.callId) ? payload.callId : null }
      : { ok: false, code: 'notification_failed', status: 502 };
  }
  if (!response.ok && isErrorBody(payload)) {
    return { ok: false, code: payload.error.code, status: response.status, detail: detailOf(payload.error.detail, response.headers.get('Retry-After')) };
  }
  // Not our proxy's answer: a wrong proxy-url, or a gateway's error page in front of it.
  if (response.status === 429) return { ok: false, code: 'rate_limited', status: 429 };
  return { ok: false, code: 'network_error', status: response.status, unexpected: true };
}

/** Only the detail fields this page knows, each of its type: the answer is not trusted further. */
function detailOf(detail: unknown, retryAfter: string | null): CallFailure['detail'] {
  const given = (typeof detail === 'object' && detail !== null ? detail : {}) as Record<string, unknown>;
  const text = (value: unknown, pattern: RegExp) => (typeof value === 'string' && pattern.test(value) ? value : undefined);
  const seconds = retryAfter !== null && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return {
    missing: given.missing === 'agent_number' ? 'agent_number' : undefined,
    country: text(given.country, /^[A-Z]{2}$/),
    callingCode: text(given.callingCode, /^\d{1,3}$/),
    retryAfterSec: seconds,
  };
}
