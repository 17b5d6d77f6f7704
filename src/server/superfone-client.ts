import type { CallAction } from '../shared/protocol.js';
import { readLimitedText } from './read-limited.js';

/** The documented endpoint, relative to the API base. */
export const CLICK_TO_CALL_PATH = '/customer/click-2-call';

export interface SuperfoneClientConfig {
  apiBase: string;
  apiKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

export interface UpstreamCall {
  action: CallAction;
  customerNumber: string;
  agentNumber: string;
}

/** Superfone's answers are a few dozen bytes; more than this is not an answer we can use, and is not read. */
export const MAX_UPSTREAM_BODY_BYTES = 64 * 1024;

/** What came back from Superfone, before any meaning is given to it (`body` is `undefined` when unreadable or too large). */
export type UpstreamResult =
  | { kind: 'answered'; status: number; body: unknown; retryAfter: string | null }
  | { kind: 'timeout' }
  | { kind: 'unreachable' };

/** The request URL: numbers go through URLSearchParams, so `+` leaves as `%2B` and nothing adds a parameter. */
export function buildClickToCallUrl(apiBase: string, call: UpstreamCall): URL {
  const url = new URL(apiBase.replace(/\/+$/, '') + CLICK_TO_CALL_PATH);
  url.search = new URLSearchParams({
    customer_number: call.customerNumber,
    user_number: call.agentNumber,
    call_action: call.action,
  }).toString();
  return url;
}

/**
 * Makes exactly one request to Superfone. Never retried: the endpoint is a GET that
 * dials a phone, so a second attempt can ring the customer twice.
 */
export async function callSuperfone(config: SuperfoneClientConfig, call: UpstreamCall): Promise<UpstreamResult> {
  // A controller and a timer cost a twentieth of AbortSignal.timeout() on Node 20.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), config.timeoutMs);
  const { signal } = controller;
  try {
    const response = await config.fetch(buildClickToCallUrl(config.apiBase, call), {
      method: 'GET',
      headers: { 'X-API-Key': config.apiKey, Accept: 'application/json' },
      // A redirect would carry the key to wherever it points.
      redirect: 'manual',
      signal,
    });
    const declared = response.headers.get('content-length');
    // A length within the limit is held to by the HTTP client (more bytes are an error): read
    // it in one go. Otherwise, or without one, read chunk by chunk and stop at the limit.
    const text =
      declared !== null && /^\d+$/.test(declared) && Number(declared) <= MAX_UPSTREAM_BODY_BYTES
        ? await response.text()
        : await readLimitedText(response.body, MAX_UPSTREAM_BODY_BYTES, declared);
    return {
      kind: 'answered',
      status: response.status,
      body: text === undefined ? undefined : parseJson(text),
      retryAfter: response.headers.get('retry-after'),
    };
  } catch {
    return signal.aborted ? { kind: 'timeout' } : { kind: 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
