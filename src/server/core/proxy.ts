import type { CallRecord, CallUpdate } from '../../shared/call-record.js';
import { type CountryCode, isKnownCountry } from '../../shared/phone-number.js';
import { DEFAULT_COUNTRY } from '../../shared/protocol.js';
import { budgetedAuditLog, DEFAULT_REFUSALS_LOGGED_PER_MINUTE, type ProxyLogEntry } from './audit.js';
import { RequestBodyTooLarge } from './body-limit.js';
import { corsGrant, preflightAnswer } from './cors.js';
import { errorMessage, openExchange } from './exchange.js';
import { callEvents, type CallFollowing, callStatus } from './follow-call-routes.js';
import { type AgentTokenOptions, checkAgentTokenOptions, createAgentTokenVerifier } from './guards/agent-token.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './guards/circuit-breaker.js';
import { checkIpv6PrefixLength, clientIdentity, DEFAULT_IPV6_PREFIX_LENGTH } from './guards/client-identity.js';
import { checkHost, createHostPolicy, isLoopback } from './guards/host-policy.js';
import { checkOrigin, parseAllowedOrigin } from './guards/origin-policy.js';
import { CallRateLimits, checkRateLimitOptions, type RateLimitOptions } from './guards/rate-limits.js';
import type { AuthorizeResult } from './identify-agent.js';
import { type MissedCallServing, serveMissedCalls } from './missed-call-routes.js';
import type { NotificationFieldNames } from './notifications/call-record-mapping.js';
import { type CallStreamOptions, DEFAULT_CALL_STREAMS, StreamBudget } from './notifications/call-stream.js';
import { CallsByRecord } from './notifications/call-updates.js';
import { FollowedCalls } from './notifications/followed-calls.js';
import { MissedCalls } from './notifications/missed-calls.js';
import { type CallMatch, DEFAULT_PENDING_TTL_MS, DeliveriesSeen, PendingCalls } from './notifications/pending-calls.js';
import { type CallPlacing, methodNotAllowed, placeCall } from './place-call.js';
import { type PlatformInfo, type ProxyAnswer, type RespondWith, toResponse } from './proxy-message.js';
import { createRouter } from './routes.js';
import { createRedactor } from './secret-redaction.js';
import { memoryStore, type ProxyStore } from './store/proxy-store.js';
import { clickToCallEndpoint, fetchUpstream, type UpstreamSend } from './superfone-client.js';
import { type DeliveryHandling, receiveDelivery } from './webhook-route.js';
import { whoami } from './whoami-route.js';

export const DEFAULT_API_BASE = 'https://prod-api.superfone.co.in/superfone/api';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 4_096;

export type { ProxyLogEntry } from './audit.js';
export type { AuthorizeResult } from './identify-agent.js';
export type { PlatformInfo, RespondWith } from './proxy-message.js';
export type { UpstreamSend } from './superfone-client.js';

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
  /**
   * Who may call, with no code: every call request (START and END) must carry a sign-in
   * token, `Authorization: Bearer <JWT>`, signed with `secret` (HS256) or by the identity
   * provider at `jwksUrl`, naming the agent in `agentClaim`. The token binds the agent:
   * a request naming another gets `403`.
   */
  auth?: AgentTokenOptions;
  /**
   * Decides who may call, and binds the signed-in user's agent number (cookie sessions,
   * custom rules). See `AuthorizeResult`. With `auth` too, the token decides the agent:
   * `authorize` runs after it and may refuse (`false`), or agree; a number it returns
   * that is not the token's gets `403`.
   */
  authorize?: (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;
  /** Cross-origin pages that may call, exactly (`https://crm.example.com`). The proxy's own origin always may. */
  allowedOrigins?: string[];
  /**
   * Host names the proxy answers to besides loopback and the hosts of `allowedOrigins`
   * (`proxy.example.com`, or `.example.com` for every subdomain). Any other `Host` gets
   * `403` before anything else: this is what stops DNS rebinding.
   */
  allowedHosts?: string[];
  /**
   * The path pages post calls to, as this handler sees the URL (after any mount path a
   * framework strips: `'/call'` under Express's `app.use('/api/superfone', …)`). The other
   * routes sit beside it (`…/webhook`, `…/calls/<id>`); any other path is `404`. Leave
   * unset where a framework hands the handler only the proxy's requests.
   */
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
  /**
   * Hears what Superfone reports about a call after its record: its recording
   * (`CDR_RECORDING_AVAILABLE`) and its AI summary or transcript (`CDR_SUMMARY_READY`), with
   * the START it belongs to (the same `callId` as that call's record), or `null`.
   */
  onCallUpdate?: (update: CallUpdate, match: CallMatch | null) => void | Promise<void>;
  /** Payload field names, where your deliveries differ from the reported ones. */
  notificationFields?: Partial<NotificationFieldNames>;
  /** Pages' streams that follow calls (`…/calls/<callId>/events`): heartbeat, lifetime, and how many may be open. */
  callStreams?: CallStreamOptions;
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
   * adapter passes (the Node adapters pass the TCP peer), IPv4 by address and IPv6 by its
   * `ipv6PrefixLength` network. With neither, a request that a per-client limit applies to
   * fails with `500` and says so in the log: never one bucket shared by everyone.
   */
  clientKey?: (request: Request, platform: PlatformInfo) => string | null | undefined;
  /** IPv6 clients are told apart by this many leading bits of their address (one host holds a whole /64). Default 64. */
  ipv6PrefixLength?: number;
  /** Where limits and locks live. Default: this process (`memoryStore()`); `redisStore(client)` shares them. */
  store?: ProxyStore;
  /** Fail fast after repeated upstream failures. `false` turns it off. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Receives one audit entry per request; refusals only up to `logRefusalsPerMinute`. */
  log?: (entry: ProxyLogEntry) => void;
  /** Refused requests logged per minute at most, so a flood cannot fill the disk. Default 120. */
  logRefusalsPerMinute?: number;
  /** The fetch used to reach Superfone. Default: the global one. */
  fetch?: typeof fetch;
}

export type SuperfoneProxyHandler = (request: Request, platform?: PlatformInfo) => Promise<Response>;

/** A bad option, named, so that each entry can say it in its own words (the CLI by its environment variable). */
export class ProxyOptionError extends TypeError {
  /** What is wrong, without the function's name. */
  readonly detail: string;

  constructor(
    readonly option: keyof SuperfoneProxyOptions,
    detail: string,
  ) {
    super(`createSuperfoneProxy: ${option} ${detail}`);
    this.detail = detail;
  }
}

/**
 * Checks the proxy's options, once, for every entry: bad options are the integrator's to fix
 * at start-up, not the agent's at the first click. `keyRequired: false` for an entry that
 * has a simulator supply the key.
 */
export function checkProxyOptions(options: Omit<SuperfoneProxyOptions, 'apiKey'> & { apiKey?: string }, { keyRequired = true } = {}): void {
  readProxyOptions(options, keyRequired);
}

/** checkProxyOptions, handing back what it had to read anyway: the allowed origins and the host policy. */
function readProxyOptions(options: Omit<SuperfoneProxyOptions, 'apiKey'> & { apiKey?: string }, keyRequired: boolean) {
  if (keyRequired && (typeof options.apiKey !== 'string' || options.apiKey.trim() === '')) {
    throw new ProxyOptionError('apiKey', 'is required (Superfone provisions it; keep it on the server).');
  }
  for (const [option, countries] of [
    ['defaultCountry', [options.defaultCountry]],
    ['allowedCountries', options.allowedCountries ?? []],
  ] as const) {
    for (const country of countries) {
      if (country !== undefined && !isKnownCountry(country)) throw new ProxyOptionError(option, `"${country}" is not a known two-letter region code (such as IN).`);
    }
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new ProxyOptionError('timeoutMs', 'must be a positive number of milliseconds.');
  }
  if (options.apiBase !== undefined) {
    if (!URL.canParse(options.apiBase)) throw new ProxyOptionError('apiBase', `"${options.apiBase}" is not a URL.`);
    const apiBase = new URL(options.apiBase);
    // The key travels to it in every request: in the clear, anyone on the way could read it.
    if (apiBase.protocol !== 'https:' && !(apiBase.protocol === 'http:' && isLoopback(apiBase.hostname))) {
      throw new ProxyOptionError('apiBase', `"${options.apiBase}" must be https (http only on loopback): the API key travels to it.`);
    }
  }
  if (options.path !== undefined && !options.path.startsWith('/')) throw new ProxyOptionError('path', `"${options.path}" must start with /.`);
  if (options.auth !== undefined) checkAgentTokenOptions(options.auth, 'createSuperfoneProxy');
  if (options.ipv6PrefixLength !== undefined) checkIpv6PrefixLength(options.ipv6PrefixLength, 'createSuperfoneProxy');
  // Origins and hosts are checked by reading them, as the proxy uses them.
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map(parseAllowedOrigin));
  const hosts = createHostPolicy(options.allowedHosts ?? [], allowedOrigins);
  if (options.rateLimits !== false) checkRateLimitOptions(options.rateLimits);
  if (options.webhookSecret !== undefined && options.webhookSecret.trim().length < 16) {
    throw new ProxyOptionError('webhookSecret', 'must be at least 16 characters; use a long random value.');
  }
  return { allowedOrigins, hosts };
}

/** How a platform's adapter has the proxy do what it does its own way; Fetch's way otherwise. */
export interface ProxyPlatform {
  /** How to reach Superfone when `options.fetch` is not given (the Node adapters pass node:http's). */
  upstream?: UpstreamSend;
  /** How an answer becomes a `Response`. */
  respond?: RespondWith;
}

/**
 * The proxy as a Fetch-API handler: a page's call request in, one GET to Superfone with the
 * API key, the answer mapped to the shared protocol out. Every rule that protects the paid
 * account runs before Superfone is called. Adapters for Node, connect/Express and Vite wrap
 * this one function, each telling it, in `platform`, how that platform reaches Superfone and
 * makes a response.
 */
export function createSuperfoneProxy(options: SuperfoneProxyOptions, platform: ProxyPlatform = {}): SuperfoneProxyHandler {
  const answer = answerer(proxyParts(options, platform.upstream));
  return async (request, requestPlatform = {}) => toResponse(await answer(request, requestPlatform), platform.respond);
}

/** What one proxy is built of, from its options, once. */
interface ProxyParts {
  hosts: ReturnType<typeof readProxyOptions>['hosts'];
  allowedOrigins: ReturnType<typeof readProxyOptions>['allowedOrigins'];
  audit: ReturnType<typeof budgetedAuditLog>;
  redact: (text: string) => string;
  route: ReturnType<typeof createRouter>;
  clientKeyOf: (request: Request, platform: PlatformInfo) => string | null;
  placing: CallPlacing;
  /** Set where call notifications are on (`webhookSecret`): deliveries are received and calls followed. */
  notifications: (DeliveryHandling & CallFollowing) | null;
  missedServing: MissedCallServing | null;
}

function proxyParts(options: SuperfoneProxyOptions, upstream: UpstreamSend | undefined): ProxyParts {
  const { allowedOrigins, hosts } = readProxyOptions(options, true);
  const defaultCountry = options.defaultCountry ?? DEFAULT_COUNTRY;
  const store = options.store ?? memoryStore();
  const redact = createRedactor([options.apiKey, ...(options.webhookSecret ? [options.webhookSecret.trim()] : [])]);
  const ipv6PrefixLength = options.ipv6PrefixLength ?? DEFAULT_IPV6_PREFIX_LENGTH;
  const clientKeyOf = (request: Request, platform: PlatformInfo) =>
    (options.clientKey ? options.clientKey(request, platform) : clientIdentity(platform.clientAddress, ipv6PrefixLength)) ?? null;
  const streams = { ...DEFAULT_CALL_STREAMS, ...options.callStreams };
  const notifications = notificationParts(options, store, defaultCountry, streams);
  const placing = placingParts(options, { store, defaultCountry, clientKeyOf, redact, upstream, following: notifications });
  return {
    hosts,
    allowedOrigins,
    audit: budgetedAuditLog(options.log, options.logRefusalsPerMinute ?? DEFAULT_REFUSALS_LOGGED_PER_MINUTE),
    redact,
    route: createRouter(options.path),
    clientKeyOf,
    placing,
    notifications,
    missedServing: notifications && {
      ...placing,
      missed: notifications.missed,
      streams: notifications.streams,
      heartbeatMs: streams.heartbeatMs,
      maxStreamMs: streams.maxStreamMs,
    },
  };
}

/** Calls are followed only when notifications can arrive: then STARTs are remembered and pages get a call id. */
function notificationParts(
  options: SuperfoneProxyOptions,
  store: ProxyStore,
  defaultCountry: CountryCode,
  streams: Required<CallStreamOptions>,
): (DeliveryHandling & CallFollowing) | null {
  if (!options.webhookSecret) return null;
  const pending = new PendingCalls(store);
  return {
    receiver: { secret: options.webhookSecret.trim(), defaultCountry, fields: options.notificationFields },
    seen: new DeliveriesSeen(store),
    pending,
    updates: new CallsByRecord(store, pending),
    onCallUpdate: options.onCallUpdate,
    // A call's status lives as long as its START waits for a record.
    calls: new FollowedCalls(store, DEFAULT_PENDING_TTL_MS),
    missed: new MissedCalls(store),
    onCallRecord: options.onCallRecord,
    streams: new StreamBudget(streams.perClient, streams.total),
    heartbeatMs: streams.heartbeatMs,
    maxStreamMs: streams.maxStreamMs,
    afterEndMs: streams.afterEndMs,
  };
}

function placingParts(
  options: SuperfoneProxyOptions,
  built: Pick<CallPlacing, 'store' | 'defaultCountry' | 'clientKeyOf' | 'redact' | 'following'> & { upstream: UpstreamSend | undefined },
): CallPlacing {
  const { upstream, ...rest } = built;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    ...rest,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    verifyToken: options.auth ? createAgentTokenVerifier(options.auth, built.defaultCountry) : undefined,
    authorize: options.authorize,
    blockNumber: options.blockNumber,
    destinationPolicy: {
      allowedCountries: new Set(options.allowedCountries ?? [built.defaultCountry]),
      allowPremiumRate: options.allowPremiumRate ?? false,
    },
    rateLimits: options.rateLimits === false ? null : new CallRateLimits(built.store, options.rateLimits),
    breaker: options.circuitBreaker === false ? null : new CircuitBreaker(options.circuitBreaker),
    client: {
      endpoint: clickToCallEndpoint(options.apiBase ?? DEFAULT_API_BASE),
      apiKey: options.apiKey,
      timeoutMs,
      // Called unbound: workerd's fetch throws "Illegal invocation" when called as a method of another object.
      send: options.fetch || !upstream ? fetchUpstream(options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args))) : upstream,
    },
    lockTtlMs: timeoutMs + 2_000,
  };
}

/** How the proxy answers a request: decided from the request line and headers before a byte of a body is read. */
function answerer(parts: ProxyParts): (request: Request, platform: PlatformInfo) => Promise<ProxyAnswer> {
  const { hosts, allowedOrigins, audit, redact, route, clientKeyOf, placing, notifications, missedServing } = parts;
  return async function answer(request, platform) {
    const exchange = openExchange(request, platform, audit, redact);
    const { refuse, url } = exchange;
    try {
      // The host first (a request for a name we do not serve may be a rebound page), then the
      // route, the method, the origin, identity, the media type and the length.
      const badHost = checkHost(request, url, hosts);
      if (badHost) return refuse(badHost);
      const target = route(url.pathname);
      if (target.kind === 'not-found') return refuse({ code: 'bad_request', status: 404, message: target.message, kind: 'route' });
      if (target.kind === 'webhook') {
        if (!notifications) return refuse({ code: 'bad_request', status: 404, message: 'Not found; call notifications are not turned on here (webhookSecret).', kind: 'route' });
        if (request.method !== 'POST') return refuse({ ...methodNotAllowed(request.method), message: `Use POST to deliver a notification (got ${request.method}).` });
        return await receiveDelivery(exchange, notifications);
      }
      const origin = checkOrigin(request, url, allowedOrigins, hosts);
      if (!origin.ok) return refuse(origin.failure);
      // From here on an allowed cross-origin page can read every answer, refusals included.
      if (origin.corsOrigin) exchange.corsGrant = corsGrant(origin.corsOrigin);
      const missedRoute = target.kind === 'missed-calls' || target.kind === 'missed-call-events' || target.kind === 'dismiss-missed-call';
      const corsRoute = target.kind === 'call' || target.kind === 'whoami' ? 'call' : missedRoute ? 'missed' : 'follow';
      if (request.method === 'OPTIONS' && origin.corsOrigin) return exchange.finish(preflightAnswer(corsRoute), 'ok');
      if (target.kind === 'call') {
        if (request.method !== 'POST') return refuse(methodNotAllowed(request.method));
        return await placeCall(exchange, placing);
      }
      if (target.kind === 'whoami') return await whoami(exchange, placing);
      if (missedRoute) return await serveMissedCalls(exchange, target, clientKeyOf(request, platform), missedServing);
      if (request.method !== 'GET')
        return refuse({ code: 'bad_request', status: 405, message: `Use GET to follow a call (got ${request.method}).`, headers: { Allow: 'GET' }, kind: 'method' });
      if (!notifications)
        return refuse({ code: 'bad_request', status: 404, message: 'Not found; calls are followed only where call notifications are turned on (webhookSecret).', kind: 'route' });
      if (target.kind === 'status') return await callStatus(exchange, target.callId, notifications);
      return await callEvents(exchange, target.callId, clientKeyOf(request, platform), notifications);
    } catch (error) {
      // A client that leaves mid-body is the client's doing: logged once as that, never spending the budget of real 500s.
      if (error instanceof RequestBodyTooLarge) return refuse({ code: 'bad_request', status: 413, message: error.message, kind: 'too_large' });
      if (request.signal.aborted || (error instanceof Error && error.name === 'AbortError'))
        return refuse({ code: 'bad_request', message: 'The request ended before its body did.', kind: 'aborted' }, errorMessage(error));
      // The message may come from integrator code or a store; keep it out of the response.
      return refuse({ code: 'internal_error' }, errorMessage(error));
    }
  };
}
