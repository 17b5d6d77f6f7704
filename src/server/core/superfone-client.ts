import type { CallAction } from '../../shared/protocol.js';
import { CLICK_TO_CALL_PATH } from '../../shared/superfone-api.js';
import { readLimitedBody } from './body-limit.js';

export { CLICK_TO_CALL_PATH };

/** What came back from one GET, before it is read as JSON: `text` is `undefined` when larger than the limit. */
export type UpstreamAnswer = { kind: 'answered'; status: number; text: string | undefined; retryAfter: string | null } | { kind: 'timeout' } | { kind: 'unreachable' };

/**
 * Sends one GET to `endpoint` with `query` and reads at most `maxBytes` of the answer,
 * giving up after `timeoutMs`. Never follows a redirect (it would carry the key to wherever
 * it points). Fetch everywhere; on Node, node:http, which costs less per call.
 */
export type UpstreamSend = (endpoint: URL, query: string, headers: Record<string, string>, options: { timeoutMs: number; maxBytes: number }) => Promise<UpstreamAnswer>;

export interface SuperfoneClientConfig {
  /** The click-to-call endpoint under the API base, parsed once when the proxy is made. */
  endpoint: URL;
  apiKey: string;
  timeoutMs: number;
  send: UpstreamSend;
}

/** The click-to-call endpoint under an API base. */
export function clickToCallEndpoint(apiBase: string): URL {
  return new URL(`${apiBase.replace(/\/+$/, '')}${CLICK_TO_CALL_PATH}`);
}

export interface UpstreamCall {
  action: CallAction;
  customerNumber: string;
  agentNumber: string;
}

/** Superfone's answers are a few dozen bytes; more than this is not an answer we can use, and is not read. */
export const MAX_UPSTREAM_BODY_BYTES = 64 * 1024;

/** What came back from Superfone, before any meaning is given to it (`body` is `undefined` when unreadable or too large). */
export type UpstreamResult = { kind: 'answered'; status: number; body: unknown; retryAfter: string | null } | { kind: 'timeout' } | { kind: 'unreachable' };

/** The query: every value percent-encoded, so `+` leaves as `%2B` and nothing adds a parameter. */
export function clickToCallQuery(call: UpstreamCall): string {
  return `customer_number=${encodeURIComponent(call.customerNumber)}&user_number=${encodeURIComponent(call.agentNumber)}&call_action=${encodeURIComponent(call.action)}`;
}

/** The request URL, as the proxy sends it. */
export function buildClickToCallUrl(apiBase: string, call: UpstreamCall): URL {
  const url = clickToCallEndpoint(apiBase);
  url.search = clickToCallQuery(call);
  return url;
}

/**
 * Makes exactly one request to Superfone. Never retried: the endpoint is a GET that
 * dials a phone, so a second attempt can ring the customer twice.
 */
export async function callSuperfone(config: SuperfoneClientConfig, call: UpstreamCall): Promise<UpstreamResult> {
  const answer = await config.send(
    config.endpoint,
    clickToCallQuery(call),
    { 'X-API-Key': config.apiKey, Accept: 'application/json' },
    { timeoutMs: config.timeoutMs, maxBytes: MAX_UPSTREAM_BODY_BYTES },
  );
  if (answer.kind !== 'answered') return answer;
  const { status, text, retryAfter } = answer;
  return { kind: 'answered', status, body: text === undefined ? undefined : parseJson(text), retryAfter };
}

const decoder = new TextDecoder();

/** The transport for any runtime with the Fetch API. */
export function fetchUpstream(fetchFunction: typeof fetch): UpstreamSend {
  return async (endpoint, query, headers, { timeoutMs, maxBytes }) => {
    // A controller and a timer cost a twentieth of AbortSignal.timeout() on Node 20.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetchFunction(`${endpoint.href}?${query}`, { method: 'GET', headers, redirect: 'manual', signal: controller.signal });
      const declared = response.headers.get('content-length');
      // A length within the limit is held to by the HTTP client (more bytes are an error): read
      // it in one go. Otherwise, or without one, read chunk by chunk and stop at the limit.
      let text: string | undefined;
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) <= maxBytes) text = await response.text();
      else {
        const reading = await readLimitedBody(response.body, maxBytes, declared);
        text = reading.ok ? decoder.decode(reading.bytes) : undefined;
      }
      return { kind: 'answered', status: response.status, text, retryAfter: response.headers.get('retry-after') };
    } catch {
      return controller.signal.aborted ? { kind: 'timeout' } : { kind: 'unreachable' };
    } finally {
      clearTimeout(timer);
    }
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
