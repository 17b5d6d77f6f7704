import type { CallRecord, CallUpdate } from '../../../shared/call-record.js';
import type { ProxyStore } from '../store/proxy-store.js';
import { type CallMatch, callsListed, chooseLatestStart, DEFAULT_CLOCK_SKEW_MS, type PendingCall, type PendingCalls, toMatch } from './pending-calls.js';

/**
 * How long a call's record leads its later reports (the recording, the summary) to it.
 * Superfone says nothing of how late they come; a summary waits for the recording first.
 */
export const REPORTS_AWAITED_MS = 24 * 60 * 60 * 1000;

/**
 * Finds the call a recording or a summary belongs to. First by the CDR id of the call's
 * record, remembered when that record matched a START; else by today's rule (numbers and
 * time) among the STARTs still waiting for their record (a recording may come before its
 * `ALL_CALLS`) and the calls that ended here recently. In the store, so any instance can answer.
 */
export class CallsByRecord {
  readonly #store: ProxyStore;
  readonly #pending: PendingCalls;

  constructor(store: ProxyStore, pending: PendingCalls) {
    this.#store = store;
    this.#pending = pending;
  }

  /** A record matched `match`: later reports with its CDR id, or its numbers, find that call. */
  async remember(record: CallRecord, match: CallMatch): Promise<void> {
    if (record.cdrId !== null) await this.#store.put(`cdr-call:${record.cdrId}`, JSON.stringify(match), REPORTS_AWAITED_MS);
    const ended: PendingCall = {
      callId: match.callId,
      agentNumber: match.agentNumber,
      customerNumber: match.customerNumber,
      startedAt: Date.parse(match.startedAt),
      notificationId: match.notificationId,
    };
    await this.#store.append(`ended-calls:${match.customerNumber}`, JSON.stringify(ended), REPORTS_AWAITED_MS);
  }

  async match(update: CallUpdate): Promise<CallMatch | null> {
    if (update.cdrId !== null) {
      const known = await this.#store.get(`cdr-call:${update.cdrId}`);
      if (known !== null) return JSON.parse(known) as CallMatch;
    }
    if (update.customerNumber === null) return null;
    const now = Date.now();
    const ended = await callsListed(this.#store, `ended-calls:${update.customerNumber}`, now - REPORTS_AWAITED_MS);
    const candidates = [...(await this.#pending.waiting(update.customerNumber)), ...ended];
    // A call both waiting and ended (a race between instances) counts once.
    const unique = [...new Map(candidates.map((call) => [call.callId, call])).values()];
    const chosen = chooseLatestStart(unique, update, { clockSkewMs: DEFAULT_CLOCK_SKEW_MS, now });
    return chosen && toMatch(chosen);
  }
}
