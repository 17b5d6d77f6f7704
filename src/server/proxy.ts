import { isKnownCountry, normalizePhoneNumber, type CountryCode } from '../phone-number.js';
import type { CallAction, ErrorCode } from '../protocol.js';
import { readCallRequest } from './call-request.js';
import { errorResponse, jsonResponse, type ProxyFailure } from './responses.js';
import { callSuperfone } from './superfone-client.js';
import { interpretUpstreamResult } from './upstream-outcome.js';

export const DEFAULT_API_BASE = 'https://prod-api.superfone.co.in/superfone/api';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 4_096;

/**
 * What `authorize` decides for one request:
 * - a string: the signed-in user's agent number; the page cannot name another agent;
 * - `undefined`: allowed, and the page names the agent;
 * - `false`: refused with `401 unauthorized`.
 */
export type AuthorizeResult = string | undefined | false;

/** One line per request for the operator's log. It never holds the API key. */
export interface ProxyLogEntry {
  time: string;
  action: CallAction | null;
  outcome: 'ok' | ErrorCode;
  status: number;
  upstreamStatus: number | null;
  latencyMs: number;
  /** Why, for failures the operator must fix (such as a throwing `authorize`). */
  detail?: string;
}

export interface SuperfoneProxyOptions {
  /** Superfone's API key. Stays on the server: it is sent to `apiBase` and nowhere else. */
  apiKey: string;
  /** Default `https://prod-api.superfone.co.in/superfone/api`. */
  apiBase?: string;
  /** Region for numbers written without a country code. Default `IN`. */
  defaultCountry?: CountryCode;
  /** How long to wait for Superfone before answering `504 upstream_timeout`. Default 10 000. */
  timeoutMs?: number;
  /** Largest request body accepted, in bytes. Default 4 096. */
  maxBodyBytes?: number;
  /** Decides who may call, and binds the signed-in user's agent number. See `AuthorizeResult`. */
  authorize?: (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;
  /** Receives one entry per request. */
  log?: (entry: ProxyLogEntry) => void;
  /** The fetch used to reach Superfone. Default: the global one. */
  fetch?: typeof fetch;
}

export type SuperfoneProxyHandler = (request: Request) => Promise<Response>;

/** Bad options are the integrator's to fix at start-up, not the agent's at the first click. */
function checkOptions(options: SuperfoneProxyOptions): void {
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new TypeError('createSuperfoneProxy: apiKey is required (Superfone provisions it; keep it on the server).');
  }
  if (options.defaultCountry !== undefined && !isKnownCountry(options.defaultCountry)) {
    throw new TypeError(`createSuperfoneProxy: unknown defaultCountry "${options.defaultCountry}"; use a two-letter code such as IN.`);
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new TypeError('createSuperfoneProxy: timeoutMs must be a positive number of milliseconds.');
  }
  if (options.apiBase !== undefined && !URL.canParse(options.apiBase)) {
    throw new TypeError(`createSuperfoneProxy: apiBase "${options.apiBase}" is not a URL.`);
  }
}

/**
 * The proxy as a Fetch-API handler: a page's call request in, one GET to Superfone with the
 * API key, the answer mapped to the shared protocol out. Adapters for Node, connect/Express
 * and Vite wrap this one function.
 */
export function createSuperfoneProxy(options: SuperfoneProxyOptions): SuperfoneProxyHandler {
  checkOptions(options);
  const defaultCountry = options.defaultCountry ?? 'IN';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const client = {
    apiBase: options.apiBase ?? DEFAULT_API_BASE,
    apiKey: options.apiKey,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fetch: options.fetch ?? globalThis.fetch,
  };

  return async function handleCallRequest(request) {
    const startedAt = performance.now();
    let action: CallAction | null = null;
    let upstreamStatus: number | null = null;
    const finish = (response: Response, outcome: 'ok' | ErrorCode, detail?: string): Response => {
      options.log?.({
        time: new Date().toISOString(),
        action,
        outcome,
        status: response.status,
        upstreamStatus,
        latencyMs: Math.round(performance.now() - startedAt),
        ...(detail ? { detail: detail.split(client.apiKey).join('[redacted]') } : {}),
      });
      return response;
    };
    const refuse = (failure: ProxyFailure, detail?: string) => finish(errorResponse(failure), failure.code, detail);

    try {
      if (request.method !== 'POST') return refuse(methodNotAllowed(request.method));

      let boundAgent: string | null = null;
      if (options.authorize) {
        const decision = await options.authorize(request);
        if (decision === false) return refuse({ code: 'unauthorized' });
        if (typeof decision === 'string') {
          const normalized = normalizePhoneNumber(decision, defaultCountry);
          if (!normalized.ok) {
            return refuse({ code: 'internal_error' }, 'authorize() returned an agent number that is not a valid phone number');
          }
          boundAgent = normalized.e164;
        }
      }

      const reading = await readCallRequest(request, { defaultCountry, maxBodyBytes });
      if (!reading.ok) return refuse(reading.failure);
      const call = reading.call;
      action = call.action;

      if (boundAgent && call.agentNumber && call.agentNumber !== boundAgent) {
        return refuse({ code: 'forbidden', message: 'You can only place calls from your own Superfone number.' });
      }
      const agentNumber = boundAgent ?? call.agentNumber;
      if (!agentNumber) {
        return refuse({
          code: 'bad_request',
          message: 'No agent number: set agent-number on the call button, or bind the agent on the server.',
        });
      }

      const result = await callSuperfone(client, { action: call.action, customerNumber: call.customerNumber, agentNumber });
      if (result.kind === 'answered') upstreamStatus = result.status;
      const outcome = interpretUpstreamResult(call.action, result);
      if (outcome.ok) return finish(jsonResponse(outcome.body, 200), 'ok');
      return refuse(outcome.failure);
    } catch (error) {
      // The message may come from integrator code; the key is never in it, but keep it out of the response.
      return refuse({ code: 'internal_error' }, error instanceof Error ? error.message : String(error));
    }
  };
}

function methodNotAllowed(method: string): ProxyFailure {
  return { code: 'bad_request', status: 405, message: `Use POST to place a call (got ${method}).`, headers: { Allow: 'POST' } };
}
