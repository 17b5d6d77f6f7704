import type { CallRecord } from '../../../shared/call-record.js';
import type { ProxyStore } from '../store/proxy-store.js';

/** A START that reached the agent's app, waiting for the record of the call it causes. */
export interface PendingCall {
  /** The page's capability to follow this call. */
  callId: string;
  agentNumber: string;
  customerNumber: string;
  /** Epoch milliseconds. */
  startedAt: number;
  notificationId: number;
}

/** The START a record was matched to. */
export interface CallMatch {
  callId: string;
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

export const DEFAULT_PENDING_TTL_MS = 2 * 60 * 60 * 1000;
/** How far Superfone's clock may run behind ours, by default. */
export const DEFAULT_CLOCK_SKEW_MS = 2 * 60 * 1000;

/**
 * The matching rule, on its own so it applies the same to the shared store's STARTs and to
 * the calls this instance follows when the store is out of reach. Superfone gives no id
 * that links a record to a START, so the numbers and the time must: the oldest pending
 * START with the same agent and customer made before the record; without an agent
 * number, only the one pending START to that customer, and an ambiguous record matches
 * none (a wrong match would tell the wrong page its call ended).
 */
export function chooseStart<Call extends PendingCall>(candidates: readonly Call[], record: CallReport, options: { clockSkewMs: number; now: number }): Call | null {
  const eligible = eligibleStarts(candidates, record, options);
  return eligible && eligible.reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
}

/**
 * The same rule for a report that comes after the record (the recording, the summary),
 * among STARTs still waiting and calls already ended: the latest START made before the
 * call, since an earlier call to the same customer has ended too.
 */
export function chooseLatestStart<Call extends PendingCall>(candidates: readonly Call[], report: CallReport, options: { clockSkewMs: number; now: number }): Call | null {
  const eligible = eligibleStarts(candidates, report, options);
  return eligible && eligible.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
}

/** What a record or a later report says of its call, for matching. */
type CallReport = Pick<CallRecord, 'customerNumber' | 'agentNumber' | 'startedAt'> & { endedAt?: string | null };

/** STARTs the report may be about; `null` for none, or when an agentless report fits several. */
function eligibleStarts<Call extends PendingCall>(candidates: readonly Call[], report: CallReport, options: { clockSkewMs: number; now: number }): Call[] | null {
  if (report.customerNumber === null) return null;
  const reportTime = Date.parse(report.startedAt ?? report.endedAt ?? '') || options.now;
  const eligible = candidates.filter(
    (call) =>
      call.customerNumber === report.customerNumber &&
      (report.agentNumber === null || call.agentNumber === report.agentNumber) &&
      call.startedAt <= reportTime + options.clockSkewMs,
  );
  if (eligible.length === 0 || (report.agentNumber === null && eligible.length > 1)) return null;
  return eligible;
}

export function toMatch(call: PendingCall): CallMatch {
  const { callId, notificationId, agentNumber, customerNumber } = call;
  return { callId, notificationId, agentNumber, customerNumber, startedAt: new Date(call.startedAt).toISOString() };
}

function parsePending(text: string): PendingCall | null {
  try {
    return JSON.parse(text) as PendingCall;
  } catch {
    return null;
  }
}

/** The calls a store list holds that started at `since` or later; unreadable entries are skipped. */
export async function callsListed(store: ProxyStore, key: string, since: number): Promise<PendingCall[]> {
  return (await store.list(key)).flatMap((text) => {
    const call = parsePending(text);
    return call && call.startedAt >= since ? [call] : [];
  });
}

/**
 * Ties records to the STARTs that caused them, through the store, so a record delivered
 * to any instance finds a START made through any other. A match is used up: when two
 * instances race for one START, the store's `take` lets exactly one have it.
 */
export class PendingCalls {
  readonly #store: ProxyStore;
  readonly #ttlMs: number;
  readonly #clockSkewMs: number;
  readonly #now: () => number;

  constructor(store: ProxyStore, options: PendingCallsOptions = {}) {
    this.#store = store;
    this.#ttlMs = options.ttlMs ?? DEFAULT_PENDING_TTL_MS;
    this.#clockSkewMs = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Kept under the customer's number: that is what every record has, with or without an agent. */
  async remember(call: PendingCall): Promise<void> {
    await this.#store.append(`pending:${call.customerNumber}`, JSON.stringify(call), this.#ttlMs);
  }

  /** The STARTs to this customer still waiting for their record, left where they are. */
  waiting(customerNumber: string): Promise<PendingCall[]> {
    return callsListed(this.#store, `pending:${customerNumber}`, this.#now() - this.#ttlMs);
  }

  async match(record: CallRecord): Promise<CallMatch | null> {
    if (record.customerNumber === null) return null;
    const key = `pending:${record.customerNumber}`;
    // A few rounds at most: each lost race means another instance took a START first.
    for (let round = 0; round < 5; round++) {
      const now = this.#now();
      const entries = (await this.#store.list(key)).map((text) => ({ text, call: parsePending(text) }));
      const expired = entries.filter(({ call }) => !call || call.startedAt < now - this.#ttlMs);
      for (const { text } of expired) await this.#store.take(key, text);
      const live = entries.filter((entry) => !expired.includes(entry)).map(({ text, call }) => ({ ...call!, text }));
      const chosen = chooseStart(live, record, { clockSkewMs: this.#clockSkewMs, now });
      if (!chosen) return null;
      if (await this.#store.take(key, chosen.text)) {
        const { text: _text, ...call } = chosen;
        return toMatch(call);
      }
    }
    return null;
  }
}

/** How long a delivery is remembered, so a repeat takes effect once. */
const DELIVERY_MEMORY_MS = 24 * 60 * 60 * 1000;

/** Remembers what was delivered, in the store, so a delivery repeated to any instance takes effect once. */
export class DeliveriesSeen {
  readonly #store: ProxyStore;

  constructor(store: ProxyStore) {
    this.#store = store;
  }

  /** True the first time a key is offered. */
  firstTime(key: string): Promise<boolean> {
    return this.#store.put(`delivery:${key}`, '1', DELIVERY_MEMORY_MS, { onlyIfAbsent: true });
  }
}
