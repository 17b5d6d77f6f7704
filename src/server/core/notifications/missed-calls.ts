import type { CallRecord } from '../../../shared/call-record.js';
import type { MissedCall } from '../../../shared/protocol.js';
import type { ProxyStore } from '../store/proxy-store.js';
import type { CallMatch } from './pending-calls.js';

/** How long a missed call waits to be called back: a working day and the evening after it. */
export const MISSED_CALLS_KEPT_MS = 24 * 60 * 60 * 1000;
/** Missed calls kept per agent at most; past it the oldest go. */
export const MISSED_CALLS_PER_AGENT = 100;

const listKey = (agentNumber: string) => `missed:${agentNumber}`;
const channelOf = (agentNumber: string) => `missed:${agentNumber}`;

/**
 * Whether a reported call is a missed call for an agent: a customer who called and was not
 * answered (`MISSED_CALL`, or a record that says missed or busy), on an inbound call or one
 * this proxy did not place (it matched no START), with both numbers known. A call the agent
 * placed here that the customer did not answer is the agent's own, not a missed call.
 */
export function missedCallOf(record: CallRecord, match: CallMatch | null, contactName: string | null): MissedCall | null {
  const unanswered = record.event === 'MISSED_CALL' || record.status === 'missed' || record.status === 'busy';
  if (!unanswered || record.status === 'answered') return null;
  if (record.direction !== 'inbound' && match !== null) return null;
  if (record.customerNumber === null || record.agentNumber === null) return null;
  return {
    id: crypto.randomUUID(),
    customerNumber: record.customerNumber,
    agentNumber: record.agentNumber,
    at: record.startedAt ?? new Date().toISOString(),
    contactName,
  };
}

/**
 * Each agent's unreturned missed calls, in the proxy's store (Redis shares them between
 * instances) for 24 hours. A change is published on the agent's channel, so every page of
 * that agent, on any instance, hears it.
 */
export class MissedCalls {
  readonly #store: ProxyStore;

  constructor(store: ProxyStore) {
    this.#store = store;
  }

  async add(call: MissedCall): Promise<void> {
    await this.#store.append(listKey(call.agentNumber), JSON.stringify(call), MISSED_CALLS_KEPT_MS);
    const kept = await this.#entries(call.agentNumber);
    // Oldest first in the store: past the cap, the oldest go.
    for (const { text } of kept.slice(0, Math.max(0, kept.length - MISSED_CALLS_PER_AGENT))) await this.#store.take(listKey(call.agentNumber), text);
    await this.#changed(call.agentNumber);
  }

  /** The agent's missed calls of the last 24 hours, newest first. */
  async list(agentNumber: string): Promise<MissedCall[]> {
    const since = Date.now() - MISSED_CALLS_KEPT_MS;
    return (await this.#entries(agentNumber))
      .map(({ call }) => call)
      .filter((call) => Date.parse(call.at) > since)
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, MISSED_CALLS_PER_AGENT);
  }

  /** Removes the agent's missed calls that `which` picks; `false` when none was there. */
  async remove(agentNumber: string, which: (call: MissedCall) => boolean): Promise<boolean> {
    let removed = false;
    for (const { text, call } of await this.#entries(agentNumber)) {
      if (which(call) && (await this.#store.take(listKey(agentNumber), text))) removed = true;
    }
    if (removed) await this.#changed(agentNumber);
    return removed;
  }

  /** Hears each change to the agent's missed calls, from any instance; resolves with a function that stops. */
  watch(agentNumber: string, onChange: () => void): Promise<() => Promise<void>> {
    return this.#store.subscribe(channelOf(agentNumber), onChange);
  }

  async #entries(agentNumber: string): Promise<Array<{ text: string; call: MissedCall }>> {
    const entries: Array<{ text: string; call: MissedCall }> = [];
    for (const text of await this.#store.list(listKey(agentNumber))) {
      try {
        entries.push({ text, call: JSON.parse(text) as MissedCall });
      } catch {
        // Not written by this proxy: skipped.
      }
    }
    return entries;
  }

  #changed(agentNumber: string): Promise<void> {
    return this.#store.publish(channelOf(agentNumber), 'changed');
  }
}
