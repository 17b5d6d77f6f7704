import { NETWORK_ERROR_MESSAGE, NOTIFICATION_FAILED_MESSAGE, RATE_LIMITED_MESSAGE } from '../shared/error-messages.js';
import {
  CALL_ID_PATTERN,
  isErrorBody,
  isSuperfoneSuccessBody,
  type CallRequestBody,
  type ErrorCode,
} from '../shared/protocol.js';

export type CallOutcome =
  | { ok: true; notificationId: number; callId: string | null }
  | { ok: false; code: ErrorCode; message: string; status: number };

/**
 * POSTs one call request to the proxy and reads the answer into a `CallOutcome`.
 * Never throws for HTTP or network failures; only an abort through `signal` rejects.
 */
export async function sendCallRequest(
  proxyUrl: string,
  body: CallRequestBody,
  signal: AbortSignal,
): Promise<CallOutcome> {
  let response: Response;
  try {
    response = await fetch(proxyUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    return failure('network_error', 0);
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
      : failure('notification_failed', 502);
  }
  if (!response.ok && isErrorBody(payload)) {
    return { ok: false, status: response.status, ...payload.error };
  }
  // Not our proxy's answer: a wrong proxy-url, or a gateway's error page in front of it.
  if (response.status === 429) return failure('rate_limited', 429);
  return {
    ok: false,
    code: 'network_error',
    status: response.status,
    message: `The calling service answered unexpectedly (HTTP ${response.status}). Ask your administrator to check the proxy address.`,
  };
}

/** Failures the element finds itself, when the proxy's own answer is missing or not ours. */
const OWN_FAILURES = {
  network_error: NETWORK_ERROR_MESSAGE,
  notification_failed: NOTIFICATION_FAILED_MESSAGE,
  rate_limited: RATE_LIMITED_MESSAGE,
} satisfies Partial<Record<ErrorCode, string>>;

function failure(code: keyof typeof OWN_FAILURES, status: number): CallOutcome {
  return { ok: false, code, status, message: OWN_FAILURES[code] };
}
