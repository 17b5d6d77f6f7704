import { isKnownCountry, normalizePhoneNumber, type CountryCode } from '../shared/phone-number.js';
import { DEFAULT_COUNTRY, type ErrorCode } from '../shared/protocol.js';
import { budgetedAuditLog, DEFAULT_REFUSALS_LOGGED_PER_MINUTE, headerForLog, maskNumber, type ProxyLogEntry } from './audit.js';
import { readCallRequest } from './call-request.js';
import { memoryStore, type CallGuardStore } from './guards/call-guard-store.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './guards/circuit-breaker.js';
import { checkDestination } from './guards/destination-policy.js';
import { checkHost, createHostPolicy } from './guards/host-policy.js';
import { checkOrigin, corsHeaders, parseAllowedOrigin, preflightHeaders } from './guards/origin-policy.js';
import { CallRateLimits, RateLimitSetupError, type RateLimitName, type RateLimitOptions } from './guards/rate-limits.js';
import { errorResponse, jsonResponse, withSecurityHeaders, type ProxyFailure } from './responses.js';
import type { CallRecord } from '../shared/call-record.js';
import type { NotificationFieldNames } from './notifications/call-record-mapping.js';
import { DeliveriesSeen, PendingCalls, type CallMatch } from './notifications/pending-calls.js';
import { receiveNotification } from './notifications/receiver.js';
import { callSuperfone } from './superfone-client.js';
import { interpretUpstreamResult } from './upstream-outcome.js';

export const DEFAULT_API_BASE = 'https://prod-api.superfone.co.in/superfone/api';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 4_096;

/**
 * What `authorize` decides for one request:
 * - a string: the signed-in user's agent number; the page cannot name another;
 * - `undefined`: allowed, and the page names the agent;
 * - `false`: refused with `401 unauthorized`.
 */
export type AuthorizeResult = string | undefined | false;

export type { ProxyLogEntry } from './audit.js';

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
  /** Cross-origin pages that may call, exactly (`https://crm.example.com`). The proxy's own origin always may. */
  allowedOrigins?: string[];
  /**
   * Host names the proxy answers to besides loopback and the hosts of `allowedOrigins`
   * (`proxy.example.com`, or `.example.com` for every subdomain). Any other `Host` gets
   * `403` before anything else: this is what stops DNS rebinding.
   */
  allowedHosts?: string[];
  /** Answer only at this path, others `404`. Leave unset where a framework mounts the handler at its path. */
  path?: string;
  /**
   * Turns on the notification receiver: Superfone's deliveries, authenticated by this
   * secret, which the account owner sets in the dashboard as the header
   * `Authorization: Bearer <secret>`. They are accepted at the `webhook` path beside the
   * calls' (`/api/superfone/webhook` beside `/api/superfone/call`). Unset: no such route (`404`).
   */
  webhookSecret?: string;
  /**
   * Hears every completed call Superfone reports, matched to a START made here or not:
   * the reliable place to log calls in the CRM, since the page may be closed by then.
   */
  onCallRecord?: (record: CallRecord, match: CallMatch | null) => void | Promise<void>;
  /** Payload field names, where your deliveries differ from the reported ones. */
  notificationFields?: Partial<NotificationFieldNames>;
  /** Countries calls may go to. Default: `defaultCountry` only. */
  allowedCountries?: CountryCode[];
  /** Allow premium-rate and shared-cost destinations. Default `false`. */
  allowPremiumRate?: boolean;
  /** A do-not-call check: return `true` (or a message) to refuse the number with `403`. */
  blockNumber?: (customerNumber: string, request: Request) => boolean | string | Promise<boolean | string>;
  /** Limits on STARTs, and a flood budget for ENDs. `false` turns all limits off. */
  rateLimits?: RateLimitOptions | false;
  /**
   * Who a request comes from, for the per-client limits. Default: the `clientAddress` the
   * adapter passes (the Node adapters pass the TCP peer). With neither, a request that a
   * per-client limit applies to fails with `500` and says so in the log: never one
   * bucket shared by everyone.
   */
  clientKey?: (request: Request, platform: PlatformInfo) => string | null | undefined;
  /** Where limits and locks live. Default: this process (`memoryStore()`); `redisStore(client)` shares them. */
  store?: CallGuardStore;
  /** Fail fast after repeated upstream failures. `false` turns it off. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Receives one audit entry per request; refusals only up to `logRefusalsPerMinute`. */
  log?: (entry: ProxyLogEntry) => void;
  /** Refused requests logged per minute at most, so a flood cannot fill the disk. Default 120. */
  logRefusalsPerMinute?: number;
  /** The fetch used to reach Superfone. Default: the global one. */
  fetch?: typeof fetch;
}

/** What the platform knows about a request that the `Request` does not carry. Adapters fill it in. */
export interface PlatformInfo {
  /** The client's address: the TCP peer, or what the platform vouches for (`CF-Connecting-IP` on Workers). */
  clientAddress?: string;
}

export type SuperfoneProxyHandler = (request: Request, platform?: PlatformInfo) => Promise<Response>;

/** How long a page should wait before retrying while the limits' store is out of reach. */
const STORE_RETRY_AFTER_SEC = 5;

/** Upstream outcomes that say Superfone itself is failing, which the circuit breaker counts. */
const UPSTREAM_FAILURES: ReadonlySet<ErrorCode> = new Set(['upstream_error', 'upstream_timeout']);

/** Bad options are the integrator's to fix at start-up, not the agent's at the first click. */
function checkOptions(options: SuperfoneProxyOptions): void {
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new TypeError('createSuperfoneProxy: apiKey is required (Superfone provisions it; keep it on the server).');
  }
  for (const country of [options.defaultCountry, ...(options.allowedCountries ?? [])]) {
    if (country !== undefined && !isKnownCountry(country)) {
      throw new TypeError(`createSuperfoneProxy: unknown country "${country}"; use two-letter codes such as IN.`);
    }
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new TypeError('createSuperfoneProxy: timeoutMs must be a positive number of milliseconds.');
  }
  if (options.apiBase !== undefined && !URL.canParse(options.apiBase)) {
    throw new TypeError(`createSuperfoneProxy: apiBase "${options.apiBase}" is not a URL.`);
  }
  if (options.path !== undefined && !options.path.startsWith('/')) {
    throw new TypeError(`createSuperfoneProxy: path "${options.path}" must start with /.`);
  }
  if (options.webhookSecret !== undefined && options.webhookSecret.trim().length < 16) {
    throw new TypeError('createSuperfoneProxy: webhookSecret must be at least 16 characters; use a long random value.');
  }
}

/**
 * The proxy as a Fetch-API handler: a page's call request in, one GET to Superfone with the
 * API key, the answer mapped to the shared protocol out. Every rule that protects the paid
 * account runs before Superfone is called. Adapters for Node, connect/Express and Vite wrap
 * this one function.
 */
export function createSuperfoneProxy(options: SuperfoneProxyOptions): SuperfoneProxyHandler {
  checkOptions(options);
  const defaultCountry = options.defaultCountry ?? DEFAULT_COUNTRY;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map(parseAllowedOrigin));
  const hosts = createHostPolicy(options.allowedHosts ?? [], allowedOrigins);
  const destinationPolicy = {
    allowedCountries: new Set(options.allowedCountries ?? [defaultCountry]),
    allowPremiumRate: options.allowPremiumRate ?? false,
  };
  const store = options.store ?? memoryStore();
  const rateLimits = options.rateLimits === false ? null : new CallRateLimits(store, options.rateLimits);
  const breaker = options.circuitBreaker === false ? null : new CircuitBreaker(options.circuitBreaker);
  const audit = budgetedAuditLog(options.log, options.logRefusalsPerMinute ?? DEFAULT_REFUSALS_LOGGED_PER_MINUTE);
  const client = {
    apiBase: options.apiBase ?? DEFAULT_API_BASE,
    apiKey: options.apiKey,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Called unbound: workerd's fetch throws "Illegal invocation" when called as a method of another object.
    fetch: options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args)),
  };
  const redact = (text: string) => text.split(client.apiKey).join('[redacted]');
  // STARTs are remembered for matching only when notifications can arrive.
  const receiver = options.webhookSecret
    ? { secret: options.webhookSecret.trim(), defaultCountry, fields: options.notificationFields, pending: new PendingCalls(), seen: new DeliveriesSeen() }
    : null;
  // Beside the calls' path: `/api/superfone/call` → `/api/superfone/webhook`.
  const webhookPath = options.path?.replace(/[^/]*$/, 'webhook');
  const isWebhookPath = (pathname: string) => (webhookPath ? pathname === webhookPath : /\/webhook\/?$/.test(pathname));
  // Held a little past the upstream timeout, so a racing START cannot slip in while one is in flight.
  const lockTtlMs = client.timeoutMs + 2_000;

  return async function handleCallRequest(request, platform = {}) {
    const startedAt = performance.now();
    const entry: Pick<ProxyLogEntry, 'action' | 'agent' | 'customer' | 'upstreamStatus' | 'event' | 'matched'> = {
      action: null,
      agent: null,
      customer: null,
      upstreamStatus: null,
    };
    /** Refusals are logged within the budget; what reached Superfone, and authenticated deliveries, always. */
    let budgeted = true;
    let cors: Record<string, string> = {};
    const finish = (response: Response, outcome: 'ok' | ErrorCode, detail?: string): Response => {
      for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
      audit(
        {
          time: new Date().toISOString(),
          ...entry,
          client: platform.clientAddress ?? null,
          origin: headerForLog(request.headers.get('origin')),
          outcome,
          status: response.status,
          latencyMs: Math.round(performance.now() - startedAt),
          ...(detail ? { detail: redact(detail) } : {}),
        },
        budgeted,
      );
      return withSecurityHeaders(response);
    };
    const refuse = (failure: ProxyFailure, detail?: string) => finish(errorResponse(failure), failure.code, detail);
    /** Why the limits' store could not be used, for the log of an END that went ahead anyway. */
    let storeFailure: string | undefined;
    /** Runs checks against the store; if it cannot be reached, the START is refused with 503. */
    const guardedByStore = async (checks: () => Promise<Response | null>): Promise<Response | null> => {
      try {
        return await checks();
      } catch (error) {
        if (error instanceof RateLimitSetupError) throw error;
        return refuse({ code: 'limits_unavailable', headers: { 'Retry-After': String(STORE_RETRY_AFTER_SEC) } }, error instanceof Error ? error.message : String(error));
      }
    };

    try {
      // Before anything else: a request for a name we do not serve may be a rebound page.
      const badHost = checkHost(request, hosts);
      if (badHost) return refuse(badHost);
      const pathname = new URL(request.url).pathname;
      if (isWebhookPath(pathname) && receiver) {
        const delivery = await receiveNotification(request, receiver);
        // Only an unauthenticated sender can flood; Superfone's own deliveries are always logged.
        budgeted = !delivery.ok && delivery.failure.code === 'unauthorized';
        if (!delivery.ok) return refuse(delivery.failure);
        entry.event = delivery.event;
        entry.customer = maskNumber(delivery.record?.customerNumber ?? null);
        entry.agent = maskNumber(delivery.record?.agentNumber ?? delivery.match?.agentNumber ?? null);
        if (delivery.record) entry.matched = delivery.match !== null;
        let detail: string | undefined;
        if (delivery.record && !delivery.duplicate) {
          try {
            await options.onCallRecord?.(delivery.record, delivery.match);
          } catch (error) {
            detail = `onCallRecord threw: ${error instanceof Error ? error.message : String(error)}`;
          }
        }
        return finish(jsonResponse({ ok: true, ...(delivery.duplicate ? { duplicate: true } : {}) }, 200), 'ok', detail);
      }
      if (options.path !== undefined && pathname !== options.path) {
        return refuse({ code: 'bad_request', status: 404, message: `Not found; the call service is at ${options.path}.` });
      }
      const origin = checkOrigin(request, allowedOrigins, hosts);
      if (!origin.ok) return refuse(origin.failure);
      if (origin.corsOrigin) cors = corsHeaders(origin.corsOrigin);
      if (request.method === 'OPTIONS' && origin.corsOrigin) {
        return finish(new Response(null, { status: 204, headers: preflightHeaders(origin.corsOrigin) }), 'ok');
      }
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
      entry.action = call.action;
      entry.customer = maskNumber(call.customerNumber);
      entry.agent = maskNumber(boundAgent ?? call.agentNumber);

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
      const clientKey = (options.clientKey ? options.clientKey(request, platform) : platform.clientAddress) ?? null;
      const attempt = { agentNumber, customerNumber: call.customerNumber, clientKey, agentBound: boundAgent !== null };

      // Set inside the store checks below; a plain annotation would be narrowed to null.
      let releaseLock = null as (() => Promise<void>) | null;
      if (call.action === 'START') {
        const blocked = options.blockNumber ? await options.blockNumber(call.customerNumber, request) : false;
        if (blocked) {
          return refuse({ code: 'forbidden', message: typeof blocked === 'string' ? blocked : 'This number is on the do-not-call list.' });
        }
        const destination = checkDestination(call.customerNumber, destinationPolicy);
        if (destination) return refuse(destination);
        // Checked now, paid for only once every other check has passed. A store out of
        // reach fails closed: no START goes upstream that the limits could not count.
        const guarded = await guardedByStore(async () => {
          const allowed = await rateLimits?.checkStart(attempt);
          if (allowed && !allowed.ok) return refuse(rateLimited(allowed.limit, allowed.retryAfterSec));
          releaseLock = await store.tryLock(`start:${agentNumber}`, lockTtlMs);
          if (!releaseLock) return refuse({ code: 'agent_busy', message: 'A call request for you is already on its way. Wait for it, then try again.' });
          return null;
        });
        if (guarded) return guarded;
      } else {
        // Ending is never refused by policy, only by a budget no person reaches; with the
        // store out of reach it goes ahead, since a live call must always be endable.
        const budget = await rateLimits?.spendEnd(attempt).catch((error: unknown) => {
          if (error instanceof RateLimitSetupError) throw error;
          storeFailure = error instanceof Error ? error.message : String(error);
          return { ok: true } as const;
        });
        if (budget && !budget.ok) return refuse(rateLimited(budget.limit, budget.retryAfterSec));
      }

      try {
        if (call.action === 'START') {
          const waitSec = breaker?.check() ?? null;
          if (waitSec !== null) return refuse({ code: 'upstream_unavailable', headers: { 'Retry-After': String(waitSec) } });
          const refusal = await guardedByStore(async () => {
            const paid = await rateLimits?.spendStart(attempt);
            return paid && !paid.ok ? refuse(rateLimited(paid.limit, paid.retryAfterSec)) : null;
          });
          if (refusal) {
            breaker?.release();
            return refusal;
          }
        }
        budgeted = false;
        const result = await callSuperfone(client, { action: call.action, customerNumber: call.customerNumber, agentNumber });
        if (result.kind === 'answered') entry.upstreamStatus = result.status;
        const outcome = interpretUpstreamResult(call.action, result);
        // A failing END must not shut out new calls (anyone can send ENDs); one that works shows Superfone is back.
        if (call.action === 'START' || outcome.ok) breaker?.record(!outcome.ok && UPSTREAM_FAILURES.has(outcome.failure.code));
        if (!outcome.ok) return refuse(outcome.failure, storeFailure);
        // Its record, when Superfone reports the call, is matched to this START.
        if (call.action === 'START') {
          receiver?.pending.remember({ agentNumber, customerNumber: call.customerNumber, startedAt: Date.now(), notificationId: outcome.body.data.notificationID });
        }
        return finish(jsonResponse({ ...outcome.body, message: redact(outcome.body.message) }, 200), 'ok', storeFailure && `went ahead without the limits' store: ${storeFailure}`);
      } finally {
        // A lock the store cannot release now expires by itself; the call's answer stands.
        await releaseLock?.().catch(() => {});
      }
    } catch (error) {
      // The message may come from integrator code or a store; keep it out of the response.
      return refuse({ code: 'internal_error' }, error instanceof Error ? error.message : String(error));
    }
  };
}

function methodNotAllowed(method: string): ProxyFailure {
  return { code: 'bad_request', status: 405, message: `Use POST to place a call (got ${method}).`, headers: { Allow: 'POST' } };
}

function rateLimited(limit: RateLimitName, retryAfterSec: number): ProxyFailure {
  const what = {
    agent: 'You have started many calls in a short time',
    destination: 'This number has been called many times in a short time',
    client: 'Too many call requests came from this browser',
    ends: 'Too many end-call requests came from this browser. If a call is still on, end it in the Superfone app',
  }[limit];
  return {
    code: 'rate_limited',
    message: `${what}. Wait ${retryAfterSec} s, then try again.`,
    headers: { 'Retry-After': String(retryAfterSec) },
  };
}
