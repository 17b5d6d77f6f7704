import type { CallRecord } from '../../shared/call-record.js';

/** A START that reached the agent's app, waiting for the record of the call it causes. */
export interface PendingCall {
  agentNumber: string;
  customerNumber: string;
  /** Epoch milliseconds. */
  startedAt: number;
  notificationId: number;
}

/** The START a record was matched to. */
export interface CallMatch {
  notificationId: number;
  agentNumber: string;
  customerNumber: string;
  startedAt: string;
}

export interface PendingCallsOptions {
  /** How long a START waits for its record; an app that never dialed produces none. Default 2 h. */
  ttlMs?: number;
  /** How far Superfone's clock may run behind ours. Default 2 min. */
  clockSkewMs?: number;
  now?: () => number;
}

/**
 * Ties records to the STARTs that caused them. Superfone gives no id that links the two,
 * so the numbers and the time must: a record matches the oldest pending START with the
 * same agent and customer made before it; without an agent number, only the one pending
 * START to that customer matches, and an ambiguous record matches none (a wrong match
 * would tell the wrong page its call ended). A match is used up.
 */
export class PendingCalls {
  readonly #calls: PendingCall[] = [];
  readonly #ttlMs: number;
  readonly #clockSkewMs: number;
  readonly #now: () => number;

  constructor(options: PendingCallsOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 2 * 60 * 60 * 1000;
    this.#clockSkewMs = options.clockSkewMs ?? 2 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    this.#expire();
    return this.#calls.length;
  }

  remember(call: PendingCall): void {
    this.#expire();
    this.#calls.push(call);
  }

  match(record: CallRecord): CallMatch | null {
    this.#expire();
    if (record.customerNumber === null) return null;
    const recordTime = Date.parse(record.startedAt ?? record.endedAt ?? '') || this.#now();
    const candidates = this.#calls.filter(
      (call) =>
        call.customerNumber === record.customerNumber &&
        (record.agentNumber === null || call.agentNumber === record.agentNumber) &&
        call.startedAt <= recordTime + this.#clockSkewMs,
    );
    if (candidates.length === 0 || (record.agentNumber === null && candidates.length > 1)) return null;
    const oldest = candidates.reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
    this.#calls.splice(this.#calls.indexOf(oldest), 1);
    return {
      notificationId: oldest.notificationId,
      agentNumber: oldest.agentNumber,
      customerNumber: oldest.customerNumber,
      startedAt: new Date(oldest.startedAt).toISOString(),
    };
  }

  #expire(): void {
    const oldestKept = this.#now() - this.#ttlMs;
    while (this.#calls.length > 0 && this.#calls[0]!.startedAt < oldestKept) this.#calls.shift();
  }
}

/** Remembers what was delivered, so a delivery repeated by Superfone takes effect once. Bounded. */
export class DeliveriesSeen {
  readonly #keys = new Set<string>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /** True the first time a key is offered. */
  firstTime(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.#limit) this.#keys.delete(this.#keys.values().next().value!);
    return true;
  }
}
