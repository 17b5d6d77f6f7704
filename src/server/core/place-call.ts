import type { ErrorCode } from '../../shared/protocol.js';
import { maskNumber } from './audit.js';
import { readCallRequest, type ValidCallRequest } from './call-request.js';
import { errorMessage, type Exchange } from './exchange.js';
import type { CircuitBreaker } from './guards/circuit-breaker.js';
import { checkDestination, type DestinationPolicy } from './guards/destination-policy.js';
import { type CallAttempt, CallRateLimits, RateLimitSetupError, type RateRefusal } from './guards/rate-limits.js';
import { type AgentIdentification, identifyAgent } from './identify-agent.js';
import type { FollowedCalls } from './notifications/followed-calls.js';
import { newCallId } from './notifications/followed-calls.js';
import type { MissedCalls } from './notifications/missed-calls.js';
import type { PendingCalls } from './notifications/pending-calls.js';
import type { PlatformInfo } from './proxy-message.js';
import type { ProxyAnswer } from './proxy-message.js';
import { jsonAnswer, type ProxyFailure, secondsInWords, storeUnavailable } from './responses.js';
import type { ProxyStore } from './store/proxy-store.js';
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

/** A call request read and checked, with the agent who places it and what the limits count it as. */
interface Attempt {
  call: ValidCallRequest;
  agentNumber: string;
  counted: CallAttempt;
}

/** The refusal when the limits' and locks' store cannot be reached: a START fails closed. */
function storeOutOfReach(exchange: Exchange, error: unknown): ProxyAnswer {
  if (error instanceof RateLimitSetupError) throw error;
  return exchange.refuse(storeUnavailable(), `the store of limits and locks is out of reach: ${errorMessage(error)}`);
}

/** Who calls (before a byte of the body), then the body, then the agent it is for: the attempt, or its refusal. */
async function readAttempt(exchange: Exchange, parts: CallPlacing): Promise<Attempt | ProxyAnswer> {
  const { request, platform, entry, refuse } = exchange;
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
  const counted = { agentNumber, customerNumber: call.customerNumber, clientKey: parts.clientKeyOf(request, platform), agentBound: boundAgent !== null };
  return { call, agentNumber, counted };
}

/**
 * A START's checks before anything is paid for: the integrator's block list, the destination,
 * the limits (checked now, spent only once all else passed) and the agent's lock, which it
 * returns. A store out of reach fails closed: no START goes upstream that the limits could not count.
 */
async function admitStart(exchange: Exchange, parts: CallPlacing, { call, agentNumber, counted }: Attempt): Promise<{ releaseLock: () => Promise<void> } | ProxyAnswer> {
  const { refuse } = exchange;
  const blocked = parts.blockNumber ? await parts.blockNumber(call.customerNumber, exchange.request) : false;
  if (blocked) return refuse({ code: 'forbidden', message: typeof blocked === 'string' ? blocked : 'This number is on the do-not-call list.' });
  const destination = checkDestination(call.customerNumber, parts.destinationPolicy);
  if (destination) return refuse(destination);
  try {
    const allowed = await parts.rateLimits?.checkStart(counted);
    if (allowed && !allowed.ok) return refuse(...rateLimited(allowed));
    const releaseLock = await parts.store.tryLock(`start:${agentNumber}`, parts.lockTtlMs);
    if (!releaseLock) return refuse({ code: 'agent_busy', message: 'A call request for you is already on its way. Wait for it, then try again.' });
    return { releaseLock };
  } catch (error) {
    return storeOutOfReach(exchange, error);
  }
}

/**
 * An END is never refused by policy, only by a budget no person reaches; with the store out
 * of reach it goes ahead, since a live call must always be endable (why, for the log).
 */
async function admitEnd(exchange: Exchange, parts: CallPlacing, attempt: Attempt): Promise<{ storeFailure?: string } | ProxyAnswer> {
  let storeFailure: string | undefined;
  const budget = await parts.rateLimits?.spendEnd(attempt.counted).catch((error: unknown) => {
    if (error instanceof RateLimitSetupError) throw error;
    storeFailure = errorMessage(error);
    return { ok: true } as const;
  });
  if (budget && !budget.ok) return exchange.refuse(...rateLimited(budget));
  return { storeFailure };
}

/** A START's last checks, the breaker and the limits' spending; a refusal, or `null` to go ahead. */
async function payForStart(exchange: Exchange, parts: CallPlacing, attempt: Attempt): Promise<ProxyAnswer | null> {
  const { breaker, rateLimits } = parts;
  const waitSec = breaker?.check() ?? null;
  if (waitSec !== null) return exchange.refuse({ code: 'upstream_unavailable', headers: { 'Retry-After': String(waitSec) } });
  try {
    const paid = await rateLimits?.spendStart(attempt.counted);
    if (!paid || paid.ok) return null;
    breaker?.release();
    return exchange.refuse(...rateLimited(paid));
  } catch (error) {
    breaker?.release();
    return storeOutOfReach(exchange, error);
  }
}

/** The one GET to Superfone, its answer mapped to the protocol; a placed START is remembered to be followed. */
async function callUpstream(exchange: Exchange, parts: CallPlacing, { call, agentNumber }: Attempt, storeFailure: string | undefined): Promise<ProxyAnswer> {
  exchange.budgeted = false;
  const result = await callSuperfone(parts.client, { action: call.action, customerNumber: call.customerNumber, agentNumber });
  if (result.kind === 'answered') exchange.entry.upstreamStatus = result.status;
  const outcome = interpretUpstreamResult(call.action, result);
  // A failing END must not shut out new calls (anyone can send ENDs); one that works shows Superfone is back.
  if (call.action === 'START' || outcome.ok) parts.breaker?.record(!outcome.ok && UPSTREAM_FAILURES.has(outcome.failure.code));
  if (!outcome.ok) {
    const limit = outcome.failure.detail?.limit;
    return exchange.refuse(outcome.failure, storeFailure ?? (limit ? `limit ${limit}` : undefined));
  }
  // Redacted first, then cut: a secret straddling the cut is hidden whole.
  const body = { ...outcome.body, message: parts.redact(outcome.body.message).slice(0, MAX_UPSTREAM_MESSAGE_CHARS) };
  if (call.action === 'START' && parts.following)
    return followStart(exchange, parts.following, { agentNumber, customerNumber: call.customerNumber, notificationId: outcome.body.data.notificationID }, body);
  return exchange.finish(jsonAnswer(body, 200), 'ok', storeFailure && `went ahead without the limits' store: ${storeFailure}`);
}

/** A placed START, remembered so that Superfone's record of it reaches the page that follows it by the call id it gets. */
async function followStart(
  exchange: Exchange,
  following: NonNullable<CallPlacing['following']>,
  placed: { agentNumber: string; customerNumber: string; notificationId: number },
  body: Record<string, unknown>,
): Promise<ProxyAnswer> {
  const pending = { callId: newCallId(), ...placed, startedAt: Date.now() };
  try {
    await following.calls.open(pending);
    await following.pending.remember(pending);
    // Called back: the customer's missed calls to this agent are done with, in every tab.
    const notCleared = await following.missed
      .remove(placed.agentNumber, (missed) => missed.customerNumber === placed.customerNumber)
      .then(
        () => undefined,
        (error: unknown) => `missed calls not cleared: ${errorMessage(error)}`,
      );
    return exchange.finish(jsonAnswer({ ...body, callId: pending.callId }, 200), 'ok', notCleared);
  } catch (error) {
    // The call is placed; only following it is lost. The page falls back to End and its time limits.
    return exchange.finish(jsonAnswer(body, 200), 'ok', `call not followed, the store is out of reach: ${errorMessage(error)}`);
  }
}

const isAnswer = (value: object): value is ProxyAnswer => 'status' in value && 'headers' in value;

/**
 * A page's START or END: read and checked, the agent bound, the destination and the limits
 * applied, then one GET to Superfone, whose answer is mapped to the protocol. Every rule
 * that protects the paid account runs before Superfone is called.
 */
export async function placeCall(exchange: Exchange, parts: CallPlacing): Promise<ProxyAnswer> {
  const attempt = await readAttempt(exchange, parts);
  if (isAnswer(attempt)) return attempt;
  const admitted = attempt.call.action === 'START' ? await admitStart(exchange, parts, attempt) : await admitEnd(exchange, parts, attempt);
  if (isAnswer(admitted)) return admitted;
  try {
    if (attempt.call.action === 'START') {
      const refusal = await payForStart(exchange, parts, attempt);
      if (refusal) return refusal;
    }
    return await callUpstream(exchange, parts, attempt, 'storeFailure' in admitted ? admitted.storeFailure : undefined);
  } finally {
    // A lock the store cannot release now expires by itself; the call's answer stands.
    if ('releaseLock' in admitted) await admitted.releaseLock().catch(() => {});
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
