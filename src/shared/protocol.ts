import type { CallRecord } from './call-record.js';

/**
 * The wire protocol between `<superfone-call-button>` and the proxy. Defined once and
 * imported by the browser side and the server side, so the two cannot drift apart.
 */

// The defaults have a module of their own: a page needs them before anything else of the
// protocol, and a module is loaded whole.
export { DEFAULT_COUNTRY, DEFAULT_PROXY_PATH } from './defaults.js';

export const CALL_ACTIONS = ['START', 'END'] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];

/** What the element POSTs. Numbers are E.164; `user_number` is left out when unknown. */
export interface CallRequestBody {
  customer_number: string;
  user_number?: string;
  call_action: CallAction;
}

/**
 * Superfone's success body; the proxy answers with these documented fields only, rebuilt.
 * A START answered by a proxy that receives call notifications adds `callId`: the
 * capability to follow that call (whoever holds it may, nobody else).
 */
export interface SuperfoneSuccessBody {
  data: { notificationID: number; sentSuccess: boolean };
  message: string;
  callId?: string;
}

/** 128 random bits, base64url: unguessable, and safe in a path. */
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** A call as the page may see it: the record without the payload as it arrived. */
export type CallSummary = Omit<CallRecord, 'raw'>;

/**
 * A followed call's status, answered by `GET …/calls/<callId>` and sent as the `call`
 * event of `GET …/calls/<callId>/events` (Server-Sent Events). `version` is the event id:
 * 1 while the call is on, one more once it has ended, and one more for each of its
 * recording and its summary as they arrive (4 at most).
 */
export interface CallStatusBody {
  callId: string;
  state: 'active' | 'ended';
  version: number;
  /** Present once the call has ended. */
  record: CallSummary | null;
  /** The call's recording, once Superfone reports it: a link that expires (`expiresAt`, where known). */
  recording?: { url: string; expiresAt: string | null };
  /** The AI summary or the transcript of the call, once Superfone reports it. */
  summary?: { text: string | null; transcript: string | null };
}

/** The event name of a followed call's stream. */
export const CALL_STATUS_EVENT = 'call';

/**
 * Where a call is followed, beside the proxy's own URL:
 * `/api/superfone/call` → `/api/superfone/calls/<callId>` (add `/events` for the stream).
 */
export function callStatusPath(proxyUrl: string, callId: string): string {
  return proxyUrl.replace(/[?#].*$/, '').replace(/[^/]*$/, `calls/${encodeURIComponent(callId)}`);
}

/**
 * Where a client asks who it is to the proxy, beside its URL: `/api/superfone/call` →
 * `/api/superfone/whoami`. A POST with no body, so that a browser sends its `Origin` as it
 * does with a call; it passes exactly where a START from that origin with that token would
 * pass the host, origin and identity checks, and places nothing.
 */
export function whoamiPath(proxyUrl: string): string {
  return proxyUrl.replace(/[?#].*$/, '').replace(/[^/]*$/, 'whoami');
}

/** The answer to `POST …/whoami`: the agent calls would be placed for (`null` where the page names the agent). */
/** A customer who called an agent and was not answered, kept by the proxy for 24 hours until called back or dismissed. */
export interface MissedCall {
  /** The proxy's id for it: for dismissing. */
  id: string;
  /** E.164. */
  customerNumber: string;
  agentNumber: string;
  /** When the customer called, ISO 8601 UTC. */
  at: string;
  /** The name Superfone's delivery gives the caller, if any. */
  contactName: string | null;
}

/** `GET …/missed-calls`, and each `missed-calls` event of `GET …/missed-calls/events`: the agent's unreturned missed calls, newest first. */
export interface MissedCallsBody {
  agentNumber: string;
  missedCalls: MissedCall[];
}

/** The event name of the missed-calls stream. */
export const MISSED_CALLS_EVENT = 'missed-calls';

/**
 * Where an agent's missed calls are read, beside the proxy's URL: `/api/superfone/call` →
 * `/api/superfone/missed-calls` (add `/events` for the stream, `/<id>/dismiss` to dismiss
 * one). With sign-in, the token names the agent; without, `?agent=+91…` does, on loopback only.
 */
export function missedCallsPath(proxyUrl: string): string {
  return proxyUrl.replace(/[?#].*$/, '').replace(/[^/]*$/, 'missed-calls');
}

export function isMissedCallsBody(value: unknown): value is MissedCallsBody {
  return (
    isRecord(value) &&
    typeof value.agentNumber === 'string' &&
    Array.isArray(value.missedCalls) &&
    value.missedCalls.every(
      (call) =>
        isRecord(call) &&
        typeof call.id === 'string' &&
        typeof call.customerNumber === 'string' &&
        /^\+[1-9]\d{6,14}$/.test(call.customerNumber) &&
        typeof call.at === 'string' &&
        (call.contactName === null || typeof call.contactName === 'string'),
    )
  );
}

export interface WhoamiBody {
  agentNumber: string | null;
  /** The sign-in's email, where the agent was found by it. */
  email?: string;
}

export const ERROR_CODES = [
  'invalid_number',
  'bad_request',
  'unauthorized',
  'token_expired',
  'forbidden',
  'agent_not_found',
  'agent_busy',
  'notification_failed',
  'rate_limited',
  'upstream_auth',
  'upstream_error',
  'upstream_timeout',
  'upstream_unavailable',
  'limits_unavailable',
  'auth_unavailable',
  'token_unavailable',
  'network_error',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Which limit refused a request (`rate_limited`): the proxy's STARTs per agent, per customer
 * number, per client (a page naming its agent), ENDs per client, calls followed at once per
 * client; or Superfone's own.
 */
export const RATE_LIMITS = ['per-agent', 'per-customer', 'per-client', 'ends-per-client', 'followed-calls', 'superfone'] as const;
export type RateLimitLabel = (typeof RATE_LIMITS)[number];

/**
 * What a page needs to word a failure as precisely as the proxy's English `message` does, in
 * its own language. Only where the code alone would leave the agent guessing.
 */
export interface ErrorDetail {
  /** `rate_limited`: which limit. */
  limit?: RateLimitLabel;
  /** With a limit of the proxy's that counts: how many it allows … */
  allowed?: number;
  /** … in how many seconds. */
  windowSec?: number;
  /** `bad_request`: no agent number is set on the page, and none is bound on the server. */
  missing?: 'agent_number';
  /** `forbidden`: what was refused, where an administrator has a line to add: the page's origin, or the signed-in email (not an agent, or not verified). */
  refused?: 'origin' | 'not_an_agent' | 'email_unverified';
  /** `forbidden`: calls to this region (ISO 3166-1 alpha-2) are not allowed from this CRM. */
  country?: string;
  /** With `country`: its calling code, digits only (`44`). */
  callingCode?: string;
}

/** Every failure the proxy answers is non-2xx with this body; a `rate_limited` one also says `Retry-After`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; detail?: ErrorDetail };
}

/** The HTTP status the proxy answers for each code (`token_unavailable` and `network_error` never leave the browser). */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_number: 400,
  bad_request: 400,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  agent_not_found: 404,
  agent_busy: 409,
  notification_failed: 502,
  rate_limited: 429,
  upstream_auth: 502,
  upstream_error: 502,
  upstream_timeout: 504,
  upstream_unavailable: 503,
  limits_unavailable: 503,
  auth_unavailable: 503,
  token_unavailable: 0,
  network_error: 0,
  internal_error: 500,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function isCallAction(value: unknown): value is CallAction {
  return typeof value === 'string' && (CALL_ACTIONS as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSuperfoneSuccessBody(value: unknown): value is SuperfoneSuccessBody {
  return (
    isRecord(value) && isRecord(value.data) && typeof value.data.notificationID === 'number' && typeof value.data.sentSuccess === 'boolean' && typeof value.message === 'string'
  );
}

export function isCallStatusBody(value: unknown): value is CallStatusBody {
  return (
    isRecord(value) &&
    typeof value.callId === 'string' &&
    Number.isInteger(value.version) &&
    ((value.state === 'active' && (value.version as number) >= 1 && value.record === null) ||
      (value.state === 'ended' && (value.version as number) >= 2 && isRecord(value.record) && typeof value.record.status === 'string')) &&
    (value.recording === undefined || isRecordingReport(value.recording)) &&
    (value.summary === undefined || isSummaryReport(value.summary))
  );
}

const textOrNull = (value: unknown) => value === null || typeof value === 'string';

/** A recording a page may link to: an http(s) address only, never `javascript:` or `data:`. */
function isRecordingReport(value: unknown): value is CallStatusBody['recording'] {
  return isRecord(value) && typeof value.url === 'string' && /^https?:\/\//i.test(value.url) && textOrNull(value.expiresAt);
}

function isSummaryReport(value: unknown): value is CallStatusBody['summary'] {
  return isRecord(value) && textOrNull(value.text) && textOrNull(value.transcript);
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return isRecord(value) && isRecord(value.error) && isErrorCode(value.error.code) && typeof value.error.message === 'string';
}
