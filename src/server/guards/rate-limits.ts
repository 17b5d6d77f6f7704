import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CallGuardStore } from './call-guard-store.js';

export interface RateLimit {
  /** STARTs allowed per window. */
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
}

export const DEFAULT_RATE_LIMITS = {
  perAgent: { points: 10, durationSec: 60 },
  perDestination: { points: 3, durationSec: 600 },
  perClient: { points: 20, durationSec: 60 },
} as const satisfies Required<RateLimitOptions>;

export interface StartAttempt {
  agentNumber: string;
  customerNumber: string;
  clientKey: string;
  agentBound: boolean;
}

export type RateVerdict = { ok: true } | { ok: false; limit: 'agent' | 'destination' | 'client'; retryAfterSec: number };

/** Counts STARTs against each limit; ENDs are never limited, so a call can always be ended. */
export class StartRateLimits {
  readonly #agent: RateLimiterAbstract | null;
  readonly #destination: RateLimiterAbstract | null;
  readonly #client: RateLimiterAbstract | null;

  constructor(store: CallGuardStore, options: RateLimitOptions = {}) {
    const make = (name: string, limit: RateLimit | false | undefined, fallback: RateLimit) => {
      if (limit === false) return null;
      const { points, durationSec } = limit ?? fallback;
      if (!(Number.isInteger(points) && points > 0 && durationSec > 0)) {
        throw new TypeError(`rateLimits.${name}: points must be a positive whole number and durationSec positive.`);
      }
      return store.limiter(`start-${name}`, points, durationSec);
    };
    this.#agent = make('perAgent', options.perAgent, DEFAULT_RATE_LIMITS.perAgent);
    this.#destination = make('perDestination', options.perDestination, DEFAULT_RATE_LIMITS.perDestination);
    this.#client = make('perClient', options.perClient, DEFAULT_RATE_LIMITS.perClient);
  }

  async consume(attempt: StartAttempt): Promise<RateVerdict> {
    const checks: Array<['agent' | 'destination' | 'client', RateLimiterAbstract | null, string]> = [
      ['client', attempt.agentBound ? null : this.#client, attempt.clientKey],
      ['agent', this.#agent, attempt.agentNumber],
      ['destination', this.#destination, attempt.customerNumber],
    ];
    for (const [limit, limiter, key] of checks) {
      if (!limiter) continue;
      try {
        await limiter.consume(key);
      } catch (rejection) {
        // A store failure is not a verdict: let it surface as the proxy's own error.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { ok: false, limit, retryAfterSec: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
    }
    return { ok: true };
  }
}
