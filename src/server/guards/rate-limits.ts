import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CallGuardStore } from './call-guard-store.js';

export interface RateLimit {
  /** Requests allowed per window. */
  points: number;
  /** The window, in seconds. */
  durationSec: number;
}

export interface RateLimitOptions {
  /** STARTs per agent. Default 10 per minute. */
  perAgent?: RateLimit | false;
  /** STARTs to one customer number, whoever calls. Default 3 per 10 minutes. */
  perDestination?: RateLimit | false;
  /** STARTs per client (see `clientKey`) when `authorize` binds no agent. Default 20 per minute. */
  perClient?: RateLimit | false;
  /** ENDs per client, or per bound agent. Default 30 per minute: far above any person, far below a flood. */
  endsPerClient?: RateLimit | false;
}

export const DEFAULT_RATE_LIMITS = {
  perAgent: { points: 10, durationSec: 60 },
  perDestination: { points: 3, durationSec: 600 },
  perClient: { points: 20, durationSec: 60 },
  endsPerClient: { points: 30, durationSec: 60 },
} as const satisfies Required<RateLimitOptions>;

export interface CallAttempt {
  agentNumber: string;
  customerNumber: string;
  clientKey: string;
  agentBound: boolean;
}

export type RateLimitName = 'agent' | 'destination' | 'client' | 'ends';
export type RateVerdict = { ok: true } | { ok: false; limit: RateLimitName; retryAfterSec: number };

type Check = [RateLimitName, RateLimiterAbstract, string];

function refused(limit: RateLimitName, msBeforeNext: number): RateVerdict {
  return { ok: false, limit, retryAfterSec: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
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

  constructor(store: CallGuardStore, options: RateLimitOptions = {}) {
    const make = (name: keyof RateLimitOptions, storeName: string) => {
      const limit = options[name];
      if (limit === false) return null;
      const { points, durationSec } = limit ?? DEFAULT_RATE_LIMITS[name];
      if (!(Number.isInteger(points) && points > 0 && durationSec > 0)) {
        throw new TypeError(`rateLimits.${name}: points must be a positive whole number and durationSec positive.`);
      }
      return store.limiter(storeName, points, durationSec);
    };
    this.#agent = make('perAgent', 'start-perAgent');
    this.#destination = make('perDestination', 'start-perDestination');
    this.#client = make('perClient', 'start-perClient');
    this.#ends = make('endsPerClient', 'end-perClient');
  }

  #startChecks(attempt: CallAttempt): Check[] {
    const checks: Array<[RateLimitName, RateLimiterAbstract | null, string]> = [
      ['client', attempt.agentBound ? null : this.#client, attempt.clientKey],
      ['agent', this.#agent, attempt.agentNumber],
      ['destination', this.#destination, attempt.customerNumber],
    ];
    return checks.filter((check): check is Check => check[1] !== null);
  }

  /** Whether a START would be allowed now; spends nothing. */
  async checkStart(attempt: CallAttempt): Promise<RateVerdict> {
    for (const [limit, limiter, key] of this.#startChecks(attempt)) {
      const used = await limiter.get(key);
      if (used && used.consumedPoints >= limiter.points) return refused(limit, used.msBeforeNext);
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
        return refused(limit, rejection.msBeforeNext);
      }
    }
    return { ok: true };
  }

  /** Pays for an END: a budget only a flood reaches, per bound agent or else per client. */
  async spendEnd(attempt: CallAttempt): Promise<RateVerdict> {
    if (!this.#ends) return { ok: true };
    try {
      await this.#ends.consume(attempt.agentBound ? `agent:${attempt.agentNumber}` : `client:${attempt.clientKey}`);
      return { ok: true };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return refused('ends', rejection.msBeforeNext);
    }
  }
}
