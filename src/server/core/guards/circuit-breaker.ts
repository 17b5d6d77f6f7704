export interface CircuitBreakerOptions {
  /** Consecutive upstream failures that open the circuit. Default 5. */
  failures?: number;
  /** How long it stays open, failing fast, before one request may try again. Default 30 000. */
  openMs?: number;
}

/**
 * After repeated upstream failures, fails fast for a while instead of piling requests onto
 * a dead Superfone; then lets one request through to see whether it is back.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #openMs: number;
  #consecutiveFailures = 0;
  #openUntil = 0;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.failures ?? 5;
    this.#openMs = options.openMs ?? 30_000;
  }

  /** `null` when a request may go upstream; else seconds until one may. */
  check(now = Date.now()): number | null {
    if (this.#consecutiveFailures < this.#threshold) return null;
    if (now < this.#openUntil || this.#trialInFlight) return Math.max(1, Math.ceil((this.#openUntil - now) / 1000));
    this.#trialInFlight = true;
    return null;
  }

  /** The request `check` let through did not go upstream after all. */
  release(): void {
    this.#trialInFlight = false;
  }

  record(upstreamFailed: boolean, now = Date.now()): void {
    this.#trialInFlight = false;
    if (!upstreamFailed) {
      this.#consecutiveFailures = 0;
      return;
    }
    this.#consecutiveFailures += 1;
    if (this.#consecutiveFailures >= this.#threshold) this.#openUntil = now + this.#openMs;
  }
}
