import {
  CALL_ID_PATTERN,
  type CallRequestBody,
  type ErrorCode,
  type ErrorDetail,
  isErrorBody,
  isSuperfoneSuccessBody,
  RATE_LIMITS,
  type RateLimitLabel,
} from '../shared/protocol.js';

/**
 * Where the page gets a sign-in token for the proxy (a JWT its server minted for the
 * signed-in agent): called before each call request, and once more after a `401`.
 */
export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

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
  /**
   * What words the failure precisely: the proxy's detail, and `Retry-After` in seconds;
   * for `token_unavailable`, why the page's `getToken` gave no token (for its developer).
   */
  detail?: ErrorDetail & { retryAfterSec?: number; reason?: string };
}

/** Refusals of the sign-in token, after which the page is asked for a fresh one: nothing reached Superfone. */
const TOKEN_REFUSED: ReadonlySet<ErrorCode> = new Set(['token_expired', 'unauthorized']);

/**
 * POSTs one call request to the proxy and reads the answer into a `CallReply`. With
 * `getToken`, the request carries its token; refused for the token, it asks for a fresh one
 * once and sends again. Never throws for HTTP or network failures, nor for a `getToken`
 * that fails or gives no token (that is `token_unavailable`, and nothing is sent); only an
 * abort through `signal` rejects.
 */
export async function sendCallRequest(proxyUrl: string, body: CallRequestBody, signal: AbortSignal, getToken: TokenSource | null = null): Promise<CallReply> {
  const first = await postWithToken(proxyUrl, body, signal, getToken);
  if (!getToken || first.ok || !TOKEN_REFUSED.has(first.code)) return first;
  return postWithToken(proxyUrl, body, signal, getToken);
}

async function postWithToken(proxyUrl: string, body: CallRequestBody, signal: AbortSignal, getToken: TokenSource | null): Promise<CallReply> {
  if (!getToken) return post(proxyUrl, body, signal, null);
  const given = await askForToken(getToken);
  if (signal.aborted) throw signal.reason;
  if ('reason' in given) return { ok: false, code: 'token_unavailable', status: 0, detail: { reason: given.reason } };
  return post(proxyUrl, body, signal, given.token);
}

/** The page's token, or why `getToken` gave none: it threw, or gave something no bearer token can be. */
export async function askForToken(getToken: TokenSource): Promise<{ token: string } | { reason: string }> {
  try {
    const given: unknown = await getToken();
    const reason = notATokenBecause(given);
    return reason === null ? { token: given as string } : { reason };
  } catch (error) {
    return { reason: `getToken failed: ${describeError(error)}` };
  }
}

/** What a bearer token may hold (RFC 6750's b64token): a JWT does; the text of an error page does not. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Why `given` cannot be sent as a bearer token, or `null` if it can. The text itself is never quoted: it may be a secret. */
function notATokenBecause(given: unknown): string | null {
  if (typeof given !== 'string') return `getToken gave ${given === null ? 'null' : typeof given}, not a token string`;
  if (given === '') return 'getToken gave an empty string';
  if (!BEARER_TOKEN.test(given))
    return `getToken gave ${given.length} characters that are not a token (spaces or other characters a token cannot hold: the text of an error answer?)`;
  return null;
}

/** An error's name and message, cut short, for the developer's console. */
function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
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
  const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);
  return {
    limit: typeof given.limit === 'string' && (RATE_LIMITS as readonly string[]).includes(given.limit) ? (given.limit as RateLimitLabel) : undefined,
    allowed: count(given.allowed),
    windowSec: count(given.windowSec),
    missing: given.missing === 'agent_number' ? 'agent_number' : undefined,
    country: text(given.country, /^[A-Z]{2}$/),
    callingCode: text(given.callingCode, /^\d{1,3}$/),
    retryAfterSec: seconds,
  };
}
