import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import RateLimiterRes from 'rate-limiter-flexible/lib/RateLimiterRes.js';

import type { RateLimitLabel } from '../../../shared/protocol.js';
import type { ProxyStore } from '../store/proxy-store.js';

export interface RateLimit {
  /** Requests allowed per window. */
  points: number;
  /** The window, in seconds. */
  durationSec: number;
}

export interface RateLimitOptions {
  /** STARTs per agent. Default 10 per minute. */
  perAgent?: RateLimit | false;
  /** STARTs to one customer number, whoever calls. Default 6 per 30 minutes (docs/proxy.md says why). */
  perDestination?: RateLimit | false;
  /** STARTs per client (see `clientKey`) when `authorize` binds no agent. Default 20 per minute. */
  perClient?: RateLimit | false;
  /** ENDs per client, or per bound agent. Default 30 per minute: far above any person, far below a flood. */
  endsPerClient?: RateLimit | false;
}

export const DEFAULT_RATE_LIMITS = {
  perAgent: { points: 10, durationSec: 60 },
  perDestination: { points: 6, durationSec: 1_800 },
  perClient: { points: 20, durationSec: 60 },
  endsPerClient: { points: 30, durationSec: 60 },
} as const satisfies Required<RateLimitOptions>;

export interface CallAttempt {
  agentNumber: string;
  customerNumber: string;
  /** Who is asking; `null` when neither the adapter nor `clientKey` could say. */
  clientKey: string | null;
  agentBound: boolean;
}

/** The proxy's setup is wrong, as opposed to its store being out of reach. */
export class RateLimitSetupError extends Error {}

/** A per-client limit with nobody to count against is a setup error, never one shared bucket. */
function clientOf(attempt: CallAttempt): string {
  if (attempt.clientKey === null || attempt.clientKey === '') {
    throw new RateLimitSetupError(
      'rate limits: a per-client limit applies but the request has no client identity. Pass { clientAddress } from your adapter, set clientKey, or turn the limit off (rateLimits.perClient / endsPerClient: false).',
    );
  }
  return attempt.clientKey;
}

/** The proxy's own limits, by the names the answer and the log give them. */
export type RateLimitName = Extract<RateLimitLabel, 'per-agent' | 'per-customer' | 'per-client' | 'ends-per-client'>;
/** A refusal names its limit, what it allows (`allowed` per `windowSec`), and when the next request may go. */
export type RateRefusal = { ok: false; limit: RateLimitName; retryAfterSec: number; allowed: number; windowSec: number };
export type RateVerdict = { ok: true } | RateRefusal;

type Check = [RateLimitName, RateLimiterAbstract, string];

function refused(limit: RateLimitName, limiter: RateLimiterAbstract, msBeforeNext: number): RateRefusal {
  return { ok: false, limit, retryAfterSec: Math.max(1, Math.ceil(msBeforeNext / 1000)), allowed: limiter.points, windowSec: limiter.duration };
}

/** Every limit given is a positive whole number of points over a positive duration. */
export function checkRateLimitOptions(options: RateLimitOptions = {}): void {
  for (const [name, limit] of Object.entries(options)) {
    if (limit === false || limit === undefined) continue;
    if (!(Number.isInteger(limit.points) && limit.points > 0 && limit.durationSec > 0)) {
      throw new TypeError(`rateLimits.${name}: points must be a positive whole number and durationSec positive.`);
    }
  }
}

/**
 * Counts calls against each limit. A START is checked first and paid for only when it is
 * about to go to Superfone, so a START refused for any reason (another limit, the lock,
 * the circuit breaker) costs nothing, and nobody can spend an agent's allowance for them.
 */
export class CallRateLimits {
  readonly #agent: RateLimiterAbstract | null;
  readonly #destination: RateLimiterAbstract | null;
  readonly #client: RateLimiterAbstract | null;
  readonly #ends: RateLimiterAbstract | null;

  constructor(store: ProxyStore, options: RateLimitOptions = {}) {
    const make = (name: keyof RateLimitOptions, storeName: string) => {
      const limit = options[name];
      if (limit === false) return null;
      // Checked with the proxy's other options (checkRateLimitOptions).
      const { points, durationSec } = limit ?? DEFAULT_RATE_LIMITS[name];
      return store.limiter(storeName, points, durationSec);
    };
    this.#agent = make('perAgent', 'start-perAgent');
    this.#destination = make('perDestination', 'start-perDestination');
    this.#client = make('perClient', 'start-perClient');
    this.#ends = make('endsPerClient', 'end-perClient');
  }

  #startChecks(attempt: CallAttempt): Check[] {
    const checks: Check[] = [];
    // The per-client limit is for pages that name their agent; a bound agent is counted as the agent.
    if (this.#client && !attempt.agentBound) checks.push(['per-client', this.#client, clientOf(attempt)]);
    if (this.#agent) checks.push(['per-agent', this.#agent, attempt.agentNumber]);
    if (this.#destination) checks.push(['per-customer', this.#destination, attempt.customerNumber]);
    return checks;
  }

  /** Whether a START would be allowed now; spends nothing. */
  async checkStart(attempt: CallAttempt): Promise<RateVerdict> {
    for (const [limit, limiter, key] of this.#startChecks(attempt)) {
      const used = await limiter.get(key);
      if (used && used.consumedPoints >= limiter.points) return refused(limit, limiter, used.msBeforeNext);
    }
    return { ok: true };
  }

  /**
   * Pays for a START that goes to Superfone now. Another request may have spent the last
   * point since `checkStart`; then every point taken here is given back and it is refused.
   */
  async spendStart(attempt: CallAttempt): Promise<RateVerdict> {
    const taken: Check[] = [];
    for (const check of this.#startChecks(attempt)) {
      const [limit, limiter, key] = check;
      try {
        await limiter.consume(key);
        taken.push(check);
      } catch (rejection) {
        // A refused consume has counted too; a store failure may not have.
        const counted = rejection instanceof RateLimiterRes;
        await Promise.all((counted ? [...taken, check] : taken).map(([, spent, spentKey]) => spent.reward(spentKey)));
        // A store failure is not a verdict: let it surface as the proxy's own error.
        if (!counted) throw rejection;
        return refused(limit, limiter, rejection.msBeforeNext);
      }
    }
    return { ok: true };
  }

  /** Pays for an END: a budget only a flood reaches, per bound agent or else per client. */
  async spendEnd(attempt: CallAttempt): Promise<RateVerdict> {
    if (!this.#ends) return { ok: true };
    const key = attempt.agentBound ? `agent:${attempt.agentNumber}` : `client:${clientOf(attempt)}`;
    try {
      await this.#ends.consume(key);
      return { ok: true };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return refused('ends-per-client', this.#ends, rejection.msBeforeNext);
    }
  }
}
