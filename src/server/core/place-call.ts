import type { ErrorCode } from '../../shared/protocol.js';
import { maskNumber } from './audit.js';
import { readCallRequest } from './call-request.js';
import { identifyAgent, type AgentIdentification } from './identify-agent.js';
import { errorMessage, type Exchange } from './exchange.js';
import type { PlatformInfo } from './proxy-message.js';
import type { ProxyStore } from './store/proxy-store.js';
import type { CircuitBreaker } from './guards/circuit-breaker.js';
import { checkDestination, type DestinationPolicy } from './guards/destination-policy.js';
import { CallRateLimits, RateLimitSetupError, type RateRefusal } from './guards/rate-limits.js';
import type { FollowedCalls } from './notifications/followed-calls.js';
import { newCallId } from './notifications/followed-calls.js';
import type { PendingCalls } from './notifications/pending-calls.js';
import type { MissedCalls } from './notifications/missed-calls.js';
import type { ProxyAnswer } from './proxy-message.js';
import { jsonAnswer, secondsInWords, storeUnavailable, type ProxyFailure } from './responses.js';
import { callSuperfone, type SuperfoneClientConfig } from './superfone-client.js';
import { interpretUpstreamResult, MAX_UPSTREAM_MESSAGE_CHARS } from './upstream-outcome.js';

/** What placing and ending calls needs, built once per proxy. */
export interface CallPlacing extends AgentIdentification {
  maxBodyBytes: number;
  blockNumber?: (customerNumber: string, request: Request) => boolean | string | Promise<boolean | string>;
  /** Who a request comes from, for the per-client limits; `null` when nobody can say. */
  clientKeyOf: (request: Request, platform: PlatformInfo) => string | null;
  destinationPolicy: DestinationPolicy;
  store: ProxyStore;
  rateLimits: CallRateLimits | null;
  breaker: CircuitBreaker | null;
  client: SuperfoneClientConfig;
  redact: (text: string) => string;
  /** Held a little past the upstream timeout, so a racing START cannot slip in while one is in flight. */
  lockTtlMs: number;
  /** Set when notifications can arrive: STARTs are then remembered, and the page gets a call id. */
  following: { pending: PendingCalls; calls: FollowedCalls; missed: MissedCalls } | null;
}

/** Upstream outcomes that say Superfone itself is failing, which the circuit breaker counts. */
const UPSTREAM_FAILURES: ReadonlySet<ErrorCode> = new Set(['upstream_error', 'upstream_timeout']);

/**
 * A page's START or END: read and checked, the agent bound, the destination and the limits
 * applied, then one GET to Superfone, whose answer is mapped to the protocol. Every rule
 * that protects the paid account runs before Superfone is called.
 */
export async function placeCall(exchange: Exchange, parts: CallPlacing): Promise<ProxyAnswer> {
  const { request, platform, entry, refuse, finish } = exchange;
  /** Why the limits' store could not be used, for the log of an END that went ahead anyway. */
  let storeFailure: string | undefined;
  /** Runs checks against the store; if it cannot be reached, the START is refused with 503. */
  const guardedByStore = async (checks: () => Promise<ProxyAnswer | null>): Promise<ProxyAnswer | null> => {
    try {
      return await checks();
    } catch (error) {
      if (error instanceof RateLimitSetupError) throw error;
      return refuse(storeUnavailable(), `the store of limits and locks is out of reach: ${errorMessage(error)}`);
    }
  };

  // Identity before a byte of the body.
  const identity = await identifyAgent(exchange, parts);
  if (!identity.ok) return identity.answer;
  const boundAgent = identity.agentNumber;

  const reading = await readCallRequest(request, { defaultCountry: parts.defaultCountry, maxBodyBytes: parts.maxBodyBytes });
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
      detail: { missing: 'agent_number' },
    });
  }
  const clientKey = parts.clientKeyOf(request, platform);
  const attempt = { agentNumber, customerNumber: call.customerNumber, clientKey, agentBound: boundAgent !== null };
  const { rateLimits, breaker } = parts;

  // Set inside the store checks below; a plain annotation would be narrowed to null.
  let releaseLock = null as (() => Promise<void>) | null;
  if (call.action === 'START') {
    const blocked = parts.blockNumber ? await parts.blockNumber(call.customerNumber, request) : false;
    if (blocked) {
      return refuse({ code: 'forbidden', message: typeof blocked === 'string' ? blocked : 'This number is on the do-not-call list.' });
    }
    const destination = checkDestination(call.customerNumber, parts.destinationPolicy);
    if (destination) return refuse(destination);
    // Checked now, paid for only once every other check has passed. A store out of
    // reach fails closed: no START goes upstream that the limits could not count.
    const guarded = await guardedByStore(async () => {
      const allowed = await rateLimits?.checkStart(attempt);
      if (allowed && !allowed.ok) return refuse(...rateLimited(allowed));
      releaseLock = await parts.store.tryLock(`start:${agentNumber}`, parts.lockTtlMs);
      if (!releaseLock) return refuse({ code: 'agent_busy', message: 'A call request for you is already on its way. Wait for it, then try again.' });
      return null;
    });
    if (guarded) return guarded;
  } else {
    // Ending is never refused by policy, only by a budget no person reaches; with the
    // store out of reach it goes ahead, since a live call must always be endable.
    const budget = await rateLimits?.spendEnd(attempt).catch((error: unknown) => {
      if (error instanceof RateLimitSetupError) throw error;
      storeFailure = errorMessage(error);
      return { ok: true } as const;
    });
    if (budget && !budget.ok) return refuse(...rateLimited(budget));
  }

  try {
    if (call.action === 'START') {
      const waitSec = breaker?.check() ?? null;
      if (waitSec !== null) return refuse({ code: 'upstream_unavailable', headers: { 'Retry-After': String(waitSec) } });
      const refusal = await guardedByStore(async () => {
        const paid = await rateLimits?.spendStart(attempt);
        return paid && !paid.ok ? refuse(...rateLimited(paid)) : null;
      });
      if (refusal) {
        breaker?.release();
        return refusal;
      }
    }
    exchange.budgeted = false;
    const result = await callSuperfone(parts.client, { action: call.action, customerNumber: call.customerNumber, agentNumber });
    if (result.kind === 'answered') entry.upstreamStatus = result.status;
    const outcome = interpretUpstreamResult(call.action, result);
    // A failing END must not shut out new calls (anyone can send ENDs); one that works shows Superfone is back.
    if (call.action === 'START' || outcome.ok) breaker?.record(!outcome.ok && UPSTREAM_FAILURES.has(outcome.failure.code));
    if (!outcome.ok) {
      const limit = outcome.failure.detail?.limit;
      return refuse(outcome.failure, storeFailure ?? (limit ? `limit ${limit}` : undefined));
    }
    // Redacted first, then cut: a secret straddling the cut is hidden whole.
    const body = { ...outcome.body, message: parts.redact(outcome.body.message).slice(0, MAX_UPSTREAM_MESSAGE_CHARS) };
    // Its record, when Superfone reports the call, is matched to this START and told to the page that follows it.
    if (call.action === 'START' && parts.following) {
      const pending = { callId: newCallId(), agentNumber, customerNumber: call.customerNumber, startedAt: Date.now(), notificationId: outcome.body.data.notificationID };
      try {
        await parts.following.calls.open(pending);
        await parts.following.pending.remember(pending);
        // Called back: the customer's missed calls to this agent are done with, in every tab.
        const notCleared = await parts.following.missed.remove(agentNumber, (missed) => missed.customerNumber === call.customerNumber).then(
          () => undefined,
          (error: unknown) => `missed calls not cleared: ${errorMessage(error)}`,
        );
        return finish(jsonAnswer({ ...body, callId: pending.callId }, 200), 'ok', notCleared);
      } catch (error) {
        // The call is placed; only following it is lost. The page falls back to End and its time limits.
        return finish(jsonAnswer(body, 200), 'ok', `call not followed, the store is out of reach: ${errorMessage(error)}`);
      }
    }
    return finish(jsonAnswer(body, 200), 'ok', storeFailure && `went ahead without the limits' store: ${storeFailure}`);
  } finally {
    // A lock the store cannot release now expires by itself; the call's answer stands.
    await releaseLock?.().catch(() => {});
  }
}

export function methodNotAllowed(method: string): ProxyFailure {
  return { code: 'bad_request', status: 405, message: `Use POST to place a call (got ${method}).`, headers: { Allow: 'POST' }, kind: 'method' };
}

/** A limit's refusal, naming the limit in the message, the body and the log line (the second item). */
function rateLimited({ limit, retryAfterSec, allowed, windowSec }: RateRefusal): [ProxyFailure, string] {
  const wait = secondsInWords(retryAfterSec);
  const window = secondsInWords(windowSec);
  const message = {
    'per-customer': `This customer has been called ${allowed} times in ${window} (the per-customer limit). You can call them again in ${wait}.`,
    'per-agent': `You have started ${allowed} calls in ${window} (the per-agent limit). Wait ${wait}, then try again.`,
    'per-client': `This browser has sent ${allowed} call requests in ${window} (the per-client limit). Wait ${wait}, then try again.`,
    'ends-per-client': `This browser has sent ${allowed} end-call requests in ${window} (the end-call limit). If a call is still on, end it in the Superfone app; else wait ${wait}.`,
  }[limit];
  return [
    { code: 'rate_limited', message, headers: { 'Retry-After': String(retryAfterSec) }, detail: { limit, allowed, windowSec } },
    `limit ${limit}: ${allowed} per ${windowSec} s, next in ${retryAfterSec} s`,
  ];
}
